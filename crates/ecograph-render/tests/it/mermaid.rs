//! Mermaid: escaping by Mermaid's rules, safe and stable ids, determinism, snapshots.

use crate::hostile::hostile_model;
use crate::views::small;
use ecograph_core::View;
use ecograph_render::{Diagram, Options, views_of};

fn is_safe_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
fn hostile_labels_are_entity_coded_and_ids_are_safe() {
    let m = hostile_model();
    let d = Diagram::new(&m, &View::new("v"), &Options::default()).expect("resolves");
    let text = d.to_mermaid();
    // Every quoted string holds no quote, no raw `<`, `>`, `#` that is not an entity code.
    for line in text.lines().skip(3) {
        let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        for q in quoted {
            assert!(!q.contains('<') || q.contains("<br>"), "raw `<` in {q:?}");
            assert!(!q.contains('>') || q.contains("<br>"), "raw `>` in {q:?}");
            assert!(
                !q.contains('|') && !q.contains('`') && !q.contains('\\'),
                "{q:?}"
            );
            assert!(!q.contains('\n'));
        }
        // Quotes come in pairs on every line.
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
    }
    let expected = [
        "#lt;/text#gt;#lt;script#gt;alert(1)",
        "say #quot;hi#quot; #amp; 'bye'",
        "back#92;slash #92;N #92;G #92;l end#92;",
        "line one<br>line two<br>three",
        "record {a#124;b} #lt;port#gt; [x]",
        "mermaid #35;quot; #35;35;<br>#37;#37; ; --#gt; -.- ==#gt; #124;pipe#124;<br>#96;tick#96;",
    ];
    for e in expected {
        assert!(text.contains(e), "{e:?} missing:\n{text}");
    }
    // Node ids: `e_` plus the element id made safe; clashes get a suffix in file order.
    for id in [
        "e_end",
        "e_o1",
        "e_x_y",
        "e_x_y_2",
        "e_d_1",
        "e_t_1",
        "e_subgraph",
    ] {
        assert!(text.contains(id), "{id} missing:\n{text}");
    }
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("class ") {
            let ids = rest.split(' ').next().expect("ids");
            assert!(ids.split(',').all(is_safe_id), "{line}");
        }
    }
}

#[test]
fn mermaid_ids_do_not_depend_on_the_view() {
    let m = small();
    let all = Diagram::new(&m, &View::new("a"), &Options::default())
        .expect("resolves")
        .to_mermaid();
    let sys = Diagram::new(&m, m.view("systems").expect("exists"), &Options::default())
        .expect("resolves")
        .to_mermaid();
    assert!(all.contains("e_tmt_api") && sys.contains("e_tmt_api"));
}

#[test]
fn mermaid_is_deterministic() {
    let m = small();
    for v in views_of(&m, 150) {
        let a = Diagram::new(&m, &v, &Options::default())
            .expect("resolves")
            .to_mermaid();
        let b = Diagram::new(&m, &v, &Options::default())
            .expect("resolves")
            .to_mermaid();
        assert_eq!(a, b, "view {}", v.id);
    }
}

#[test]
fn mermaid_snapshot_of_the_small_model() {
    let m = small();
    let v = m.view("all").expect("in the fixture").clone();
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    insta::assert_snapshot!("small_all_mermaid", d.to_mermaid());
}

#[test]
fn mermaid_snapshot_of_the_te24_overview() {
    let (_, m) = crate::dot::repository_models()
        .into_iter()
        .find(|(n, _)| n.ends_with("te24.json"))
        .expect("models/te24.json");
    let v = views_of(&m, 150).into_iter().next().expect("a first view");
    let d = Diagram::new(&m, &v, &Options::default()).expect("resolves");
    insta::assert_snapshot!("te24_overview_mermaid", d.to_mermaid());
}
