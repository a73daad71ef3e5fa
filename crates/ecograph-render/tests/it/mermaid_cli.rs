//! Mermaid checked by Mermaid: every Mermaid output the crate can produce for the
//! repository's models (every view, both languages, the default views) and for the
//! hostile-label models is rendered by the real mermaid-cli in Chromium; each must parse,
//! and every node label, edge label, subgraph title and the diagram title must show
//! exactly as written.

use crate::dot::repository_models;
use crate::hostile::{hostile_model, mermaid_hostile_model};
use crate::views::small;
use ecograph_core::{Model, Text, View};
use ecograph_render::{Diagram, Highlight, Mark, Options, default_views, views_of};

/// What a label must read as in the browser: its words as written. Line breaks (the
/// writer wraps long labels) and runs of white space compare equal to one space, as
/// HTML shows them; control characters, which no output may carry, are gone.
fn shown(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One diagram to check: its name, its Mermaid text, the labels that must show.
struct Case {
    name: String,
    source: String,
    title: String,
    labels: Vec<String>,
}

fn case(name: String, d: &Diagram<'_>) -> Case {
    let mut labels: Vec<String> = d
        .nodes()
        .iter()
        .map(|n| shown(&n.label_lines().join("\n")))
        .collect();
    labels.extend(
        d.edges()
            .iter()
            .filter(|e| !e.label().is_empty())
            .map(|e| shown(e.label())),
    );
    Case {
        name,
        source: d.to_mermaid(),
        // Mermaid cannot show `<` and `>` in a title; the writer uses look-alikes.
        title: shown(&d.title().replace('<', "‹").replace('>', "›")),
        labels,
    }
}

fn cases_of(name: &str, model: &Model, out: &mut Vec<Case>) {
    let mut views = views_of(model, usize::MAX);
    views.extend(default_views(model, 150));
    for v in &views {
        for lang in model.languages() {
            let options = Options::default().lang(lang.clone());
            let d = Diagram::new(model, v, &options)
                .unwrap_or_else(|e| panic!("{name} view {}: {e}", v.id));
            out.push(case(format!("{name} view {} ({lang})", v.id), &d));
        }
    }
}

#[test]
fn mermaid_cli_renders_every_diagram_with_every_label_as_written() {
    let mut cases = Vec::new();
    for (name, model) in repository_models() {
        cases_of(&name, &model, &mut cases);
    }
    cases_of("fixtures/small.json", &small(), &mut cases);
    cases_of("hostile", &hostile_model(), &mut cases);
    let mermaid = mermaid_hostile_model();
    cases_of("mermaid-hostile", &mermaid, &mut cases);
    // A hostile view title, and highlight marks (styles per node) on hostile ids.
    let mut v = View::new("titled");
    v.title = Some(Text::plain("%%{init:{'theme':'dark'}}%% \"title\" # <b>"));
    let mut h = Highlight::new();
    h.mark(&mermaid, "s0", Mark::Removed).expect("s0 exists");
    h.mark(&mermaid, "s1", Mark::Modified).expect("s1 exists");
    let options = Options::default().highlight(h);
    let d = Diagram::new(&mermaid, &v, &options).expect("resolves");
    cases.push(case("mermaid-hostile, titled and highlighted".into(), &d));

    let sources: Vec<&str> = cases.iter().map(|c| c.source.as_str()).collect();
    let rendered = ecograph_testkit::mermaid::render(&sources);
    let mut failures = Vec::new();
    for (c, r) in cases.iter().zip(&rendered) {
        let svg = match r {
            Ok(svg) => svg,
            Err(e) => {
                failures.push(format!(
                    "{}: Mermaid rejected it: {e}\n{}",
                    c.name, c.source
                ));
                continue;
            }
        };
        let got: Vec<String> = svg.labels.iter().map(|l| shown(l)).collect();
        for want in &c.labels {
            if !got.contains(want) {
                failures.push(format!(
                    "{}: label {want:?} does not show; Mermaid shows {got:?}",
                    c.name
                ));
            }
        }
        if svg.title.as_deref().map(shown) != Some(c.title.clone()) {
            failures.push(format!(
                "{}: title {:?} shows as {:?}",
                c.name, c.title, svg.title
            ));
        }
        // A directive in a name must not reach Mermaid's configuration: the default
        // theme's node fill (`#ECECFF`) is still in the style sheet.
        if !svg.svg.contains("#ECECFF") {
            failures.push(format!("{}: a name switched the theme", c.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} diagrams fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The batch renderer loads the Mermaid that mermaid-cli ships; `mmdc` itself, run as a
/// user would, agrees on a hostile diagram.
#[test]
fn mmdc_itself_accepts_the_hostile_diagram() {
    let m = mermaid_hostile_model();
    let d = Diagram::new(&m, &View::new("v"), &Options::default()).expect("resolves");
    let dir = std::env::temp_dir().join(format!("ecograph-mmdc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("hostile.mmd");
    let output = dir.join("hostile.svg");
    std::fs::write(&input, d.to_mermaid()).expect("written");
    let o = ecograph_testkit::mermaid::mmdc(&input, &output);
    assert!(
        o.status.success(),
        "mmdc failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let svg = std::fs::read_to_string(&output).expect("mmdc wrote the SVG");
    // As the browser shows it: the directive is text, in a label.
    assert!(svg.contains("%%{init:{'theme':'forest'}}%%"), "{svg}");
    assert!(svg.contains("#ECECFF"), "the theme changed");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
