//! DOT: escaping, determinism, snapshots, and real Graphviz on every view of every
//! model, plus random models.

use crate::hostile::hostile_model;
use crate::views::small;
use ecograph_core::{Model, View};
use ecograph_render::{Diagram, Options, views_of};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Runs Graphviz `dot -Tsvg` on `src`; panics with dot's message when it refuses, and
/// when Graphviz is missing (the test must fail, not skip).
pub fn run_dot(src: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run Graphviz `dot` ({e}); install it: apt-get install -y graphviz")
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(src.as_bytes())
        .expect("write to dot");
    let out = child.wait_with_output().expect("dot runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "dot rejected the input: {stderr}\n{src}"
    );
    assert!(!stderr.contains("syntax error"), "dot: {stderr}\n{src}");
    String::from_utf8(out.stdout).expect("dot writes UTF-8")
}

fn models_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
}

/// Every `models/*.json` that is a valid model, by file name.
pub fn repository_models() -> Vec<(String, Model)> {
    let mut files: Vec<_> = std::fs::read_dir(models_dir())
        .expect("models/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let model = Model::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), model)
        })
        .collect()
}

#[test]
fn graphviz_accepts_every_view_of_every_model() {
    let mut models = repository_models();
    models.push(("fixtures/small.json".into(), small()));
    models.push(("hostile".into(), hostile_model()));
    let mut checked = 0;
    for (name, model) in &models {
        // The default views too, even for models that define their own.
        let mut views = views_of(model, usize::MAX);
        views.extend(ecograph_render::default_views(model, 150));
        for view in &views {
            for lang in model.languages() {
                let options = Options::default().lang(lang.clone()).max_nodes(usize::MAX);
                let d =
                    Diagram::new(model, view, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
                run_dot(&d.to_dot());
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} views checked");
}

#[test]
fn hostile_labels_reach_graphviz_intact() {
    let m = hostile_model();
    let d = Diagram::new(&m, &View::new("v"), &Options::default()).expect("resolves");
    let dot = d.to_dot();
    // Backslash sequences stay literal, quotes are escaped, no raw newline in a string.
    assert!(dot.contains(r#"back\\slash \\N \\G \\l end\\"#), "{dot}");
    // `&` is an entity, so Graphviz shows entity look-alikes as written.
    assert!(
        dot.contains(r#"say \"hi\" &amp; 'bye'\nR&amp;amp;D &amp;#65;\n&amp;lt;b&amp;gt;"#),
        "{dot}"
    );
    assert!(!dot.contains('\u{0007}') && !dot.contains('\0'), "{dot}");
    let svg = run_dot(&dot);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&svg, options).expect("dot's SVG parses");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    let all = texts.concat();
    assert!(all.contains("</text><script>alert(1)</script>"), "{all}");
    assert!(all.contains("back\\slash \\N \\G \\l end\\"), "{all}");
    for word in ["say \"hi\" & 'bye'", "R&amp;D", "&#65;", "&lt;b&gt;"] {
        assert!(all.contains(word), "{word} in {all}");
    }
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
}

#[test]
fn dot_is_deterministic() {
    let m = small();
    for v in views_of(&m, 150) {
        let a = Diagram::new(&m, &v, &Options::default())
            .expect("resolves")
            .to_dot();
        let again = small();
        let b = Diagram::new(&again, &v, &Options::default())
            .expect("resolves")
            .to_dot();
        assert_eq!(a, b, "view {}", v.id);
    }
}

#[test]
fn dot_snapshot_of_the_small_model() {
    let m = small();
    let v = m.view("all").expect("in the fixture").clone();
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    insta::assert_snapshot!("small_all_dot", d.to_dot());
    let v = m.view("collapsed").expect("in the fixture").clone();
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    insta::assert_snapshot!("small_collapsed_dot", d.to_dot());
}

#[test]
fn dot_snapshot_of_the_te24_overview() {
    let Some((_, m)) = repository_models()
        .into_iter()
        .find(|(n, _)| n.ends_with("te24.json"))
    else {
        panic!("models/te24.json is missing");
    };
    let v = views_of(&m, 150).into_iter().next().expect("a first view");
    let d = Diagram::new(&m, &v, &Options::default()).expect("resolves");
    insta::assert_snapshot!("te24_overview_dot", d.to_dot());
}
