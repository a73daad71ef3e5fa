//! Mermaid flowcharts (GitHub renders them in Markdown): subgraphs for containment,
//! labels quoted with Mermaid's entity codes, node ids derived from element ids.

use crate::dot::{Paint, mark_word, paint};
use crate::escape::{ident, mermaid_text, mermaid_title};
use crate::style::{self, CLUSTER_FILL, INK, Line};
use crate::view::Diagram;
use ecograph_core::{ElementKind, RelationKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Mermaid node ids: `e_` and the element id with every character outside
/// `[A-Za-z0-9_]` replaced by `_`. The prefix keeps ids clear of Mermaid keywords
/// (`end`, `graph`, ...) and of the `o`/`x` edge endings; `style` and `classDef` inside
/// an id are broken up (`st_yle`, `class_Def`) because Mermaid rewrites lines holding
/// them (see `escape::mermaid_text`); ids that would clash get `_2`, `_3`, ... in model
/// file order, so the mapping only depends on the model.
pub(crate) fn node_ids(d: &Diagram<'_>) -> Vec<String> {
    // Made once per model (they depend on every element id) and shared by its views:
    // made for each view, they cost `render --all` views × elements (10 s for 5,000
    // views of a 5,000-element model).
    let ids = d.model().derived(ModelNodeIds::new);
    d.nodes()
        .iter()
        .map(|n| ids.0.get(n.element().index()).cloned().unwrap_or_default())
        .collect()
}

/// The node id of every element of a model, by element index ([`node_ids`]).
struct ModelNodeIds(Vec<String>);

impl ModelNodeIds {
    fn new(model: &ecograph_core::Model) -> ModelNodeIds {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        // For each base that clashed, the suffix to try next: every smaller one is
        // taken, and stays so. Without it, n ids that all clean up to one base (`a.`,
        // `a,`, `a;`, ...) tried 2, 3, ... from the start each time, n²/2 look-ups.
        let mut next: BTreeMap<String, usize> = BTreeMap::new();
        let mut ids = Vec::with_capacity(model.element_count());
        for e in model.elements() {
            let base = ident("e_", e.id().as_str())
                .replace("style", "st_yle")
                .replace("classDef", "class_Def");
            let mut id = base.clone();
            if taken.contains(&id) {
                let k = next.entry(base.clone()).or_insert(2);
                loop {
                    id = format!("{base}_{k}");
                    *k += 1;
                    if !taken.contains(&id) {
                        break;
                    }
                }
            }
            taken.insert(id.clone());
            ids.push(id);
        }
        ModelNodeIds(ids)
    }
}

fn class_name(kind: ElementKind, status: Option<ecograph_core::Status>) -> String {
    match (kind, status) {
        (ElementKind::Task, Some(s)) => format!("k_task_{}", s.as_str()),
        _ => format!("k_{}", kind.as_str()),
    }
}

/// Writes the diagram as a Mermaid `flowchart`.
pub(crate) fn write(d: &Diagram<'_>) -> String {
    let ids = node_ids(d);
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", mermaid_title(d.title()));
    let _ = writeln!(out, "flowchart {}", d.direction().as_str());
    for top in d.top_level() {
        write_node(d, &ids, top, 1, &mut out);
    }
    let mut link_styles: Vec<String> = Vec::new();
    for e in d.edges() {
        let s = style::edge_style(e.kind());
        let arrow = match (s.line, e.kind().is_directed()) {
            (Line::Solid, true) => "-->",
            (Line::Solid, false) => "---",
            (_, true) => "-.->",
            (_, false) => "-.-",
        };
        let label = if e.label().is_empty() {
            String::new()
        } else {
            let lines = crate::text::wrap(
                e.label(),
                style::metrics::EDGE_WRAP,
                style::metrics::EDGE_FONT,
            );
            format!("|\"{}\"|", mermaid_text(&lines))
        };
        let _ = writeln!(out, "  {} {arrow}{label} {}", ids[e.from()], ids[e.to()]);
        let faded = d.is_highlighting()
            && d.nodes()[e.from()].mark().is_none()
            && d.nodes()[e.to()].mark().is_none();
        link_styles.push(link_style(e.kind(), faded));
    }
    let mut tail: Vec<String> = Vec::new();
    if d.legend() && !d.nodes().is_empty() {
        write_legend(d, &mut out, &mut link_styles, &mut tail);
    }
    // Class definitions for every kind and status drawn, then the assignments.
    let mut classes: Vec<(String, Vec<&str>)> = Vec::new();
    for (i, n) in d.nodes().iter().enumerate() {
        let el = n.element();
        let name = if n.is_container() {
            format!("c_{}", el.kind().as_str())
        } else {
            class_name(el.kind(), el.status())
        };
        match classes.iter_mut().find(|(c, _)| *c == name) {
            Some((_, members)) => members.push(&ids[i]),
            None => classes.push((name, vec![&ids[i]])),
        }
    }
    let mut defs: BTreeSet<String> = classes.iter().map(|(c, _)| c.clone()).collect();
    if d.legend() {
        for k in d.kinds_used() {
            if k == ElementKind::Task {
                defs.extend(d.statuses_used().into_iter().map(|s| class_name(k, s)));
            } else {
                defs.insert(class_name(k, None));
            }
        }
    }
    for c in &defs {
        let _ = writeln!(out, "  classDef {c} {}", class_def(c));
    }
    for (c, members) in &classes {
        let _ = writeln!(out, "  class {} {c}", members.join(","));
    }
    // Highlight marks override the class colours per node.
    for (i, n) in d.nodes().iter().enumerate() {
        if !d.is_highlighting() {
            break;
        }
        let el = n.element();
        let st = style::node_style(el.kind(), el.status());
        let base_fill = if n.is_container() {
            CLUSTER_FILL
        } else {
            st.fill
        };
        let Paint {
            fill,
            stroke,
            width,
            dashed,
            ink,
        } = paint(d, n, st, base_fill, 1.0);
        let _ = writeln!(
            out,
            "  style {} fill:{fill},stroke:{stroke},stroke-width:{width}px,color:{ink}{}",
            ids[i],
            if dashed { ",stroke-dasharray:5 4" } else { "" }
        );
    }
    for line in &tail {
        let _ = writeln!(out, "{line}");
    }
    for (i, s) in link_styles.iter().enumerate() {
        let _ = writeln!(out, "  linkStyle {i} {s}");
    }
    out
}

fn link_style(kind: RelationKind, faded: bool) -> String {
    let s = style::edge_style(kind);
    let color = if faded {
        style::UNTOUCHED_STROKE
    } else {
        s.color
    };
    let mut l = format!("stroke:{color},stroke-width:{}px", s.width);
    if let Some(dash) = s.line.dasharray() {
        let _ = write!(l, ",stroke-dasharray:{dash}");
    }
    l
}

fn class_def(class: &str) -> String {
    let (kind, status) = match class.strip_prefix("k_task_") {
        Some(s) => (ElementKind::Task, ecograph_core::Status::parse(s)),
        None => {
            let name = class.trim_start_matches("k_").trim_start_matches("c_");
            (ElementKind::parse(name).unwrap_or(ElementKind::Group), None)
        }
    };
    let st = style::node_style(kind, status);
    let fill = if class.starts_with("c_") {
        CLUSTER_FILL
    } else {
        st.fill
    };
    format!(
        "fill:{fill},stroke:{},color:{INK}{}",
        st.stroke,
        if st.dashed {
            ",stroke-dasharray:5 4"
        } else {
            ""
        }
    )
}

fn write_node(d: &Diagram<'_>, ids: &[String], i: usize, depth: usize, out: &mut String) {
    let n = &d.nodes()[i];
    let pad = "  ".repeat(depth);
    let label = mermaid_text(n.label_lines());
    if n.is_container() {
        let _ = writeln!(out, "{pad}subgraph {}[\"{label}\"]", ids[i]);
        let _ = writeln!(out, "{pad}  direction {}", d.direction().as_str());
        for &c in n.children() {
            write_node(d, ids, c, depth + 1, out);
        }
        let _ = writeln!(out, "{pad}end");
    } else {
        let el = n.element();
        let (open, close) = style::node_style(el.kind(), el.status()).shape.mermaid();
        let _ = writeln!(out, "{pad}{}{open}\"{label}\"{close}", ids[i]);
    }
}

fn write_legend(
    d: &Diagram<'_>,
    out: &mut String,
    link_styles: &mut Vec<String>,
    tail: &mut Vec<String>,
) {
    let lang = d.words_lang();
    let words = style::words(lang);
    let text = |s: &str| mermaid_text(&[s.to_owned()]);
    let _ = writeln!(out, "  subgraph legend[\"{}\"]", text(words.legend));
    let _ = writeln!(out, "    direction {}", d.direction().as_str());
    let mut entries: Vec<(String, String)> = Vec::new();
    for (j, kind) in d.kinds_used().into_iter().enumerate() {
        if kind == ElementKind::Task {
            for (k, status) in d.statuses_used().into_iter().enumerate() {
                let label = match status {
                    Some(s) => format!(
                        "{}: {}",
                        style::kind_name(kind, lang),
                        style::status_name(s, lang)
                    ),
                    None => style::kind_name(kind, lang).to_owned(),
                };
                let (open, close) = style::node_style(kind, status).shape.mermaid();
                let id = format!("legend_k{j}_{k}");
                let _ = writeln!(out, "    {id}{open}\"{}\"{close}", text(&label));
                entries.push((id, class_name(kind, status)));
            }
            continue;
        }
        let (open, close) = style::node_style(kind, None).shape.mermaid();
        let id = format!("legend_k{j}");
        let _ = writeln!(
            out,
            "    {id}{open}\"{}\"{close}",
            text(style::kind_name(kind, lang))
        );
        entries.push((id, class_name(kind, None)));
    }
    let (marks, untouched) = d.marks_used();
    let mut mark_styles: Vec<(String, String)> = Vec::new();
    for (j, m) in marks.iter().enumerate() {
        let ms = style::mark_style(m);
        let id = format!("legend_m{j}");
        let _ = writeln!(out, "    {id}[\"{}\"]", text(mark_word(m, &words)));
        mark_styles.push((
            id,
            format!(
                "fill:#ffffff,stroke:{},stroke-width:{}px{}",
                ms.stroke,
                ms.width,
                if ms.dashed {
                    ",stroke-dasharray:5 4"
                } else {
                    ""
                }
            ),
        ));
    }
    if untouched {
        let _ = writeln!(out, "    legend_untouched[\"{}\"]", text(words.untouched));
        mark_styles.push((
            "legend_untouched".into(),
            format!(
                "fill:{},stroke:{},color:{}",
                style::UNTOUCHED_FILL,
                style::UNTOUCHED_STROKE,
                style::UNTOUCHED_INK
            ),
        ));
    }
    for (j, kind) in d.relations_used().into_iter().enumerate() {
        let s = style::edge_style(kind);
        let arrow = match (s.line, kind.is_directed()) {
            (Line::Solid, true) => "-->",
            (Line::Solid, false) => "---",
            (_, true) => "-.->",
            (_, false) => "-.-",
        };
        let _ = writeln!(
            out,
            "    legend_r{j}a[\" \"] {arrow}|\"{}\"| legend_r{j}b[\" \"]",
            text(style::relation_name(kind, lang))
        );
        for end in ["a", "b"] {
            mark_styles.push((format!("legend_r{j}{end}"), "fill:none,stroke:none".into()));
        }
        link_styles.push(link_style(kind, false));
    }
    let _ = writeln!(out, "  end");
    for (id, class) in &entries {
        tail.push(format!("  class {id} {class}"));
    }
    for (id, s) in &mark_styles {
        tail.push(format!("  style {id} {s}"));
    }
    tail.push("  style legend fill:#ffffff,stroke:#bbbbbb".into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecograph_core::Model;

    /// The ids as every clash was settled before the per-base counter: each from `_2` on.
    fn oracle(ids: &[&str]) -> Vec<String> {
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        for i in ids {
            let base = ident("e_", i)
                .replace("style", "st_yle")
                .replace("classDef", "class_Def");
            let mut id = base.clone();
            let mut k = 2;
            while taken.contains(&id) {
                id = format!("{base}_{k}");
                k += 1;
            }
            taken.insert(id.clone());
            out.push(id);
        }
        out
    }

    fn model(ids: &[&str]) -> Model {
        let elements: Vec<String> = ids
            .iter()
            .map(|i| format!(r#"{{"id": {i:?}, "kind": "system", "name": "S"}}"#))
            .collect();
        let json = format!(r#"{{"ecograph": 1, "elements": [{}]}}"#, elements.join(","));
        Model::from_json_str(&json).expect("valid")
    }

    proptest::proptest! {
        /// Ids that clean up to the same base, or to another's suffixed form, get the
        /// ids the search from `_2` gives.
        #[test]
        fn clashing_ids_get_the_first_free_suffix(
            picks in proptest::collection::vec(0usize..12, 1..40),
        ) {
            const IDS: [&str; 12] = [
                "x.y", "x:y", "x-y", "x_y", "x_y_2", "x_y_3", "x.y_2", "x-y-2",
                "style", "st_yle", "st-yle", "a",
            ];
            let mut ids: Vec<&str> = picks.iter().map(|&p| IDS[p]).collect();
            ids.sort_unstable();
            ids.dedup();
            let m = model(&ids);
            let got = ModelNodeIds::new(&m).0;
            let want = oracle(&m.elements().map(|e| e.id().as_str()).collect::<Vec<_>>());
            proptest::prop_assert_eq!(got, want);
        }
    }
}
