//! SVG: well-formed XML with every text escaped, determinism, DejaVu Sans first,
//! snapshots, and random hostile models through Graphviz and an XML parser.

use crate::dot::run_dot;
use crate::hostile::{HOSTILE, hostile_model};
use crate::views::small;
use ecograph_core::{
    Confidence, ElementKind, Model, ModelBuilder, NewElement, NewRelation, RelationKind, Text, View,
};
use ecograph_render::{Diagram, Highlight, Mark, Options, views_of};
use proptest::prelude::*;

fn svg_of(m: &Model, v: &View, options: &Options) -> String {
    Diagram::new(m, v, options)
        .expect("resolves")
        .to_svg()
        .expect("lays out")
}

/// Every piece of character data in the document, in order.
fn texts(doc: &roxmltree::Document<'_>) -> String {
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

#[test]
fn hostile_text_is_escaped_and_the_svg_parses() {
    let m = hostile_model();
    let svg = svg_of(&m, &View::new("v"), &Options::default());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(
        !doc.descendants().any(|n| n.has_tag_name("script")),
        "a script element got through"
    );
    let all = texts(&doc);
    for h in HOSTILE {
        // Every word of every hostile name comes back as text (control characters dropped).
        for word in h.split_whitespace() {
            let clean: String = word.chars().filter(|c| !c.is_control()).collect();
            assert!(all.contains(&clean), "{clean:?} missing from the SVG text");
        }
    }
    assert!(svg.contains("&lt;/text&gt;&lt;script&gt;"));
    assert!(svg.contains("&quot;hi&quot; &amp; &#39;bye&#39;"));
}

#[test]
fn svg_names_the_metrics_font_first_and_has_the_parts() {
    let m = small();
    let v = m.view("all").expect("in the fixture").clone();
    let svg = svg_of(&m, &v, &Options::default());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert!(
        root.attribute("font-family")
            .expect("font")
            .starts_with("DejaVu Sans,")
    );
    let class = |c: &str| {
        doc.descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|a| a.split(' ').any(|x| x == c))
            })
            .count()
    };
    // 17 elements: 4 containers (ministry, platforms, tmt, prog), 13 boxes, plus header
    // nodes for the containers that have relations of their own.
    assert_eq!(class("container"), 4);
    assert!(class("element") >= 13);
    assert_eq!(class("legend"), 1);
    assert!(doc.descendants().any(|n| n.has_tag_name("marker")));
    // Every element box carries its id in a tooltip.
    assert!(texts(&doc).contains("tmt.api (system)"));
}

#[test]
fn svg_is_byte_identical_for_the_same_input() {
    let m = small();
    for v in views_of(&m, 150) {
        let a = svg_of(&m, &v, &Options::default());
        let again = small();
        let b = svg_of(&again, &v, &Options::default());
        assert_eq!(a, b, "view {}", v.id);
    }
}

#[test]
fn highlight_draws_marks_and_fades_the_rest() {
    let m = small();
    let mut h = Highlight::new();
    h.mark(&m, "tmt.api", Mark::Changed)
        .and_then(|h| {
            h.mark(
                &m,
                "eures",
                Mark::Affected {
                    confidence: Confidence::Certain,
                },
            )
        })
        .expect("both exist");
    let svg = svg_of(
        &m,
        m.view("systems").expect("exists"),
        &Options::default().highlight(h),
    );
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(svg.contains("stroke=\"#d62728\""), "changed colour");
    assert!(svg.contains("stroke=\"#ff7f0e\""), "affected colour");
    assert!(svg.contains("fill=\"#f7f7f7\""), "untouched fill");
    assert!(
        svg.contains(">affected<") || svg.contains(">vaikutus<"),
        "legend entry"
    );
}

#[test]
fn an_empty_view_still_draws() {
    let m = small();
    let mut v = View::new("empty");
    v.include = vec![ecograph_core::Selector::Tag("no-such-tag".into())];
    let svg = svg_of(&m, &v, &Options::default());
    roxmltree::Document::parse(&svg).expect("well-formed XML");
    let d = Diagram::new(&m, &v, &Options::default()).expect("resolves");
    run_dot(&d.to_dot());
    assert!(d.to_mermaid().contains("flowchart TB"));
}

#[test]
fn svg_snapshot_of_the_small_model() {
    let m = small();
    let v = m.view("all").expect("in the fixture").clone();
    insta::assert_snapshot!(
        "small_all_svg",
        svg_of(&m, &v, &Options::default().lang("en"))
    );
}

#[test]
fn svg_snapshot_of_the_te24_overview() {
    let (_, m) = crate::dot::repository_models()
        .into_iter()
        .find(|(n, _)| n.ends_with("te24.json"))
        .expect("models/te24.json");
    let v = views_of(&m, 150).into_iter().next().expect("a first view");
    insta::assert_snapshot!("te24_overview_svg", svg_of(&m, &v, &Options::default()));
}

#[test]
fn every_view_of_every_model_draws_as_well_formed_svg() {
    for (name, m) in crate::dot::repository_models() {
        for v in views_of(&m, 150) {
            let d =
                Diagram::new(&m, &v, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let svg = d.to_svg().unwrap_or_else(|e| panic!("{name}: {e}"));
            roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{name} view {}: {e}", v.id));
        }
    }
}

/// The numbers of a path's `d` attribute, by command letter.
fn path_commands(d: &str) -> Vec<(char, Vec<f64>)> {
    let mut out: Vec<(char, Vec<f64>)> = Vec::new();
    for token in d.split([' ', ',']).filter(|t| !t.is_empty()) {
        let mut chars = token.chars();
        let first = chars.next().unwrap_or(' ');
        if first.is_ascii_alphabetic() {
            out.push((first, Vec::new()));
            let rest: String = chars.collect();
            if !rest.is_empty() {
                out.last_mut()
                    .expect("pushed")
                    .1
                    .push(rest.parse().expect("a number"));
            }
        } else if let Some(last) = out.last_mut() {
            last.1.push(token.parse().expect("a number"));
        }
    }
    out
}

#[test]
fn edge_routing_option_draws_orthogonal_polyline_and_spline_paths() {
    use ecograph_render::layout::EdgeRouting;
    let (_, m) = crate::dot::repository_models()
        .into_iter()
        .find(|(n, _)| n.ends_with("te24.json"))
        .expect("models/te24.json");
    for routing in [
        EdgeRouting::Orthogonal,
        EdgeRouting::Polyline,
        EdgeRouting::Spline,
    ] {
        let options = Options::default().edges(routing);
        let mut bends = 0;
        let mut curves = 0;
        for v in views_of(&m, 150) {
            let svg = svg_of(&m, &v, &options);
            let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
            let relations = doc
                .descendants()
                .find(|n| n.attribute("class") == Some("relations"))
                .expect("a relations group");
            for path in relations.children().filter(|n| n.has_tag_name("path")) {
                let cmds = path_commands(path.attribute("d").expect("d"));
                curves += cmds.iter().filter(|c| c.0 == 'Q').count();
                bends += cmds.len().saturating_sub(2);
                if routing == EdgeRouting::Orthogonal {
                    // Every piece but the last (shortened for the arrowhead)
                    // runs horizontally or vertically.
                    let pts: Vec<&[f64]> = cmds.iter().map(|c| c.1.as_slice()).collect();
                    for w in pts.windows(2).take(pts.len().saturating_sub(2)) {
                        assert!(
                            (w[0][0] - w[1][0]).abs() < 0.02 || (w[0][1] - w[1][1]).abs() < 0.02,
                            "view {}: a slanted piece {w:?}",
                            v.id
                        );
                    }
                }
            }
        }
        assert!(bends > 0, "{routing:?} draws no bends at all");
        assert_eq!(
            curves > 0,
            routing == EdgeRouting::Spline,
            "{routing:?}: {curves} curves"
        );
    }
}

/// A random valid model: kinds, containment and relations obeying the format's rules,
/// names drawn from hostile strings and arbitrary text.
fn random_model() -> impl Strategy<Value = Model> {
    let name = prop_oneof![
        proptest::sample::select(HOSTILE.to_vec()).prop_map(str::to_owned),
        "\\PC{1,12}",
        "[<>&\"'{}|\\\\#;%`\n]{1,8}",
    ];
    let element = (
        0..ElementKind::ALL.len(),
        name,
        any::<prop::sample::Index>(),
    );
    (
        proptest::collection::vec(element, 1..12),
        proptest::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                0..RelationKind::ALL.len(),
            ),
            0..16,
        ),
    )
        .prop_filter_map("valid model", |(elements, relations)| {
            let kinds: Vec<ElementKind> = elements
                .iter()
                .map(|(k, _, _)| ElementKind::ALL[*k])
                .collect();
            let mut b = ModelBuilder::new();
            for (i, (_, name, parent)) in elements.iter().enumerate() {
                let name = if name.trim().is_empty() {
                    "x".to_owned()
                } else {
                    name.clone()
                };
                let mut e = NewElement::new(format!("e{i}"), kinds[i], Text::plain(name));
                if i > 0 {
                    let p = parent.index(i);
                    if p != i && (kinds[p] == kinds[i] || kinds[p] == ElementKind::Group) {
                        e = e.parent(format!("e{p}"));
                    }
                }
                b = b.element(e);
            }
            for (a, c, k) in relations {
                let (a, c) = (a.index(kinds.len()), c.index(kinds.len()));
                let kind = RelationKind::ALL[k];
                // depends_on only backwards in file order, so it never forms a cycle.
                let ok = kind.allowed_from().contains(&kinds[a])
                    && kind.allowed_to().contains(&kinds[c])
                    && (kind != RelationKind::DependsOn || a > c);
                if ok {
                    b = b.relation(
                        NewRelation::new(kind, format!("e{a}"), format!("e{c}"))
                            .label(Text::plain("l\"<&>\\")),
                    );
                }
            }
            b.build().ok()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_hostile_models_render_in_every_backend(m in random_model()) {
        let mut views = views_of(&m, 150);
        let mut collapsed = View::new("collapsed");
        collapsed.collapse.depth = Some(0);
        views.push(collapsed);
        for v in &views {
            let d = Diagram::new(&m, v, &Options::default().max_nodes(usize::MAX)).expect("resolves");
            run_dot(&d.to_dot());
            let svg = d.to_svg().expect("lays out");
            prop_assert!(roxmltree::Document::parse(&svg).is_ok(), "{svg}");
            prop_assert_eq!(&svg, &d.to_svg().expect("lays out"));
            let mm = d.to_mermaid();
            prop_assert!(mm.lines().skip(3).all(|l| l.matches('"').count() % 2 == 0), "{mm}");
        }
    }
}

/// `Options::data_ids`: every drawn element's group names its element as written (the
/// HTML report links nodes by it); off by default, so standalone files do not change.
#[test]
fn data_ids_name_every_drawn_element_as_written() {
    let m = hostile_model();
    let v = View::new("all");
    let plain = svg_of(&m, &v, &Options::default());
    assert!(!plain.contains("data-id="));
    let svg = svg_of(&m, &v, &Options::default().data_ids(true));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let mut ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut want: Vec<&str> = m.elements().map(|e| e.id().as_str()).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
}

/// A complete digraph of `k` systems (every ordered pair a `flow`), plus `uses` both ways
/// between the first two and a second `flow` from the first to the second.
fn complete_digraph(k: usize) -> Model {
    let mut b = ModelBuilder::new();
    for i in 0..k {
        b = b.element(NewElement::new(
            format!("s{i}"),
            ElementKind::System,
            Text::plain(format!("S{i}")),
        ));
    }
    for i in 0..k {
        for j in (0..k).filter(|&j| j != i) {
            b = b.relation(NewRelation::new(
                RelationKind::Flow,
                format!("s{i}"),
                format!("s{j}"),
            ));
        }
    }
    b = b
        .relation(NewRelation::new(RelationKind::Flow, "s0", "s1"))
        .relation(NewRelation::new(RelationKind::Uses, "s0", "s1"))
        .relation(NewRelation::new(RelationKind::Uses, "s1", "s0"));
    b.build().expect("valid")
}

/// The node ids at both ends of a drawn line, from the nodes' centres nearest its ends.
fn ends(doc: &roxmltree::Document<'_>) -> Vec<(String, String, Option<String>, Option<String>)> {
    doc.descendants()
        .find(|n| n.attribute("class") == Some("relations"))
        .expect("a relations group")
        .children()
        .filter(|n| n.has_tag_name("path"))
        .map(|p| {
            (
                p.attribute("class").unwrap_or_default().to_owned(),
                p.attribute("d").unwrap_or_default().to_owned(),
                p.attribute("marker-start").map(str::to_owned),
                p.attribute("marker-end").map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn a_dense_view_draws_each_pair_of_nodes_once_with_both_arrowheads_and_a_count() {
    let k = 30;
    let m = complete_digraph(k);
    let mut v = View::new("dense");
    v.include = vec![ecograph_core::Selector::Kind(ElementKind::System)];
    let svg = svg_of(&m, &v, &Options::default());
    assert_eq!(svg, svg_of(&m, &v, &Options::default()), "deterministic");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let lines = ends(&doc);
    // One flow line per unordered pair, one uses line.
    let flows: Vec<_> = lines.iter().filter(|l| l.0 == "flow").collect();
    let uses: Vec<_> = lines.iter().filter(|l| l.0 == "uses").collect();
    assert_eq!(flows.len(), k * (k - 1) / 2);
    assert_eq!(uses.len(), 1);
    // Every line goes both ways: an arrowhead at each end, and the start marker exists.
    for (class, d, start, end) in &lines {
        let start = start.as_deref().expect("a start arrowhead");
        assert_eq!(start, format!("url(#arrow-{class}-start)"));
        assert_eq!(
            end.as_deref(),
            Some(format!("url(#arrow-{class})").as_str())
        );
        let commands = path_commands(d);
        assert_eq!(commands.first().map(|c| c.0), Some('M'), "{d}");
        assert!(
            commands
                .iter()
                .all(|(_, n)| n.iter().all(|x| x.is_finite()))
        );
    }
    for class in ["flow", "uses"] {
        let id = format!("arrow-{class}-start");
        let marker = doc
            .descendants()
            .find(|n| n.has_tag_name("marker") && n.attribute("id") == Some(id.as_str()))
            .unwrap_or_else(|| panic!("marker {id}"));
        assert_eq!(marker.attribute("orient"), Some("auto-start-reverse"));
    }
    // Labels: s0 -> s1 is three flows (×3), every other pair two (×2), the uses pair ×2.
    let labels: Vec<&str> = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("labels"))
        .expect("a labels group")
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .filter(|t| !t.trim().is_empty())
        .collect();
    assert_eq!(labels.iter().filter(|&&t| t == "×3").count(), 1);
    assert_eq!(labels.iter().filter(|&&t| t == "×2").count(), flows.len());
    assert_eq!(labels.len(), flows.len() + 1);
    // Every system is drawn once.
    let boxes = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|x| x == "element"))
        })
        .count();
    assert_eq!(boxes, k);
}

#[test]
fn a_sparse_view_keeps_one_line_per_direction() {
    // Below the density threshold, a -> b and b -> a stay two lines with one arrowhead.
    let m = complete_digraph(4);
    let mut v = View::new("sparse");
    v.include = vec![ecograph_core::Selector::Kind(ElementKind::System)];
    let svg = svg_of(&m, &v, &Options::default());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let lines = ends(&doc);
    assert_eq!(lines.iter().filter(|l| l.0 == "flow").count(), 12);
    assert_eq!(lines.iter().filter(|l| l.0 == "uses").count(), 2);
    assert!(lines.iter().all(|l| l.2.is_none() && l.3.is_some()));
    assert!(!svg.contains("-start"));
}
