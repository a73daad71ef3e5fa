//! Graphviz DOT: nested `cluster` subgraphs for containment, every user string quoted
//! and escaped.

use crate::escape::dot_string;
use crate::style::{self, CLUSTER_FILL, INK, MUTED, NodeStyle};
use crate::view::{Diagram, Node};
use std::fmt::Write as _;

const FONT: &str = "DejaVu Sans";

/// Writes the diagram as a DOT `digraph`.
pub(crate) fn write(d: &Diagram<'_>) -> String {
    let mut out = String::new();
    let q = |s: &str| dot_string(&[s.to_owned()]);
    let _ = writeln!(out, "digraph {} {{", q(d.id()));
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname={}, fontsize=16, rankdir={}, newrank=true, nodesep=0.3, ranksep=0.45, fontcolor=\"{INK}\"];",
        q(d.title()),
        q(FONT),
        d.direction().as_str(),
    );
    let _ = writeln!(
        out,
        "  node [fontname={}, fontsize=11, margin=\"0.12,0.06\", fontcolor=\"{INK}\"];",
        q(FONT)
    );
    let _ = writeln!(
        out,
        "  edge [fontname={}, fontsize=9, fontcolor=\"{MUTED}\"];",
        q(FONT)
    );
    for top in d.top_level() {
        write_node(d, top, 1, &mut out);
    }
    for (a, b) in crate::view::invisible_edges(d, crate::view::Stacking::Grid) {
        let _ = writeln!(out, "  n{a} -> n{b} [style=invis];");
    }
    for e in d.edges() {
        let s = style::edge_style(e.kind());
        let faded = d.is_highlighting()
            && d.nodes()[e.from()].mark().is_none()
            && d.nodes()[e.to()].mark().is_none();
        let color = if faded {
            style::UNTOUCHED_STROKE
        } else {
            s.color
        };
        let _ = write!(out, "  n{} -> n{} [", e.from(), e.to());
        if !e.label().is_empty() {
            let lines = crate::text::wrap(
                e.label(),
                style::metrics::EDGE_WRAP,
                style::metrics::EDGE_FONT,
            );
            let _ = write!(out, "label={}, ", dot_string(&lines));
        }
        let _ = write!(
            out,
            "style={}, color=\"{color}\", penwidth={}, arrowhead={}",
            s.line.dot(),
            s.width,
            s.arrow.dot()
        );
        if !e.kind().is_directed() {
            out.push_str(", dir=none");
        }
        out.push_str("];\n");
    }
    if d.legend() && !d.nodes().is_empty() {
        write_legend(d, &mut out);
    }
    out.push_str("}\n");
    out
}

fn node_attrs(d: &Diagram<'_>, n: &Node<'_>, st: NodeStyle) -> String {
    let (shape, rounded) = st.shape.dot();
    let mut styles = vec!["filled"];
    if rounded {
        styles.push("rounded");
    }
    let Paint {
        fill,
        stroke,
        width,
        dashed,
        ink,
    } = paint(d, n, st, st.fill, 1.0);
    if dashed {
        styles.push("dashed");
    }
    format!(
        "label={}, shape={shape}, style=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\", penwidth={width}, fontcolor=\"{ink}\"",
        dot_string(n.label_lines()),
        styles.join(","),
    )
}

/// How a node is painted: its kind's style with the highlight mark applied, or greyed
/// out when the diagram highlights and the node has no mark.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub width: f64,
    pub dashed: bool,
    pub ink: &'static str,
}

/// The paint of node `n` with style `st`, starting from `fill` and line `width`.
pub(crate) fn paint(
    d: &Diagram<'_>,
    n: &Node<'_>,
    st: NodeStyle,
    fill: &'static str,
    width: f64,
) -> Paint {
    let mut p = Paint {
        fill,
        stroke: st.stroke,
        width,
        dashed: st.dashed,
        ink: INK,
    };
    match n.mark() {
        Some(m) => {
            let ms = style::mark_style(&m);
            p.stroke = ms.stroke;
            p.width = ms.width;
            p.dashed = ms.dashed;
        }
        None if d.is_highlighting() => {
            p.fill = style::UNTOUCHED_FILL;
            p.stroke = style::UNTOUCHED_STROKE;
            p.ink = style::UNTOUCHED_INK;
        }
        None => {}
    }
    p
}

fn write_node(d: &Diagram<'_>, i: usize, depth: usize, out: &mut String) {
    let n = &d.nodes()[i];
    let el = n.element();
    let st = style::node_style(el.kind(), el.status());
    let pad = "  ".repeat(depth);
    if !n.is_container() {
        let _ = writeln!(out, "{pad}n{i} [{}];", node_attrs(d, n, st));
        return;
    }
    let Paint {
        fill,
        stroke,
        width,
        dashed,
        ink,
    } = paint(d, n, st, CLUSTER_FILL, 1.0);
    let _ = writeln!(out, "{pad}subgraph \"cluster_{i}\" {{");
    let _ = writeln!(
        out,
        "{pad}  graph [label={}, style=\"rounded,filled{}\", fillcolor=\"{fill}\", color=\"{stroke}\", penwidth={width}, fontcolor=\"{ink}\", fontsize=12, labeljust=l];",
        // A container with relations shows its name on its header node instead.
        if n.has_edges() {
            "\"\"".to_owned()
        } else {
            dot_string(n.label_lines())
        },
        if dashed { ",dashed" } else { "" },
    );
    if n.has_edges() {
        // Graphviz draws edges between nodes only: a container that has relations of
        // its own gets a node inside its box that stands for it.
        let _ = writeln!(out, "{pad}  n{i} [{}];", node_attrs(d, n, st));
    }
    for &c in n.children() {
        write_node(d, c, depth + 1, out);
    }
    let _ = writeln!(out, "{pad}}}");
}

fn write_legend(d: &Diagram<'_>, out: &mut String) {
    let lang = d.words_lang();
    let words = style::words(lang);
    let q = |s: &str| dot_string(&[s.to_owned()]);
    let _ = writeln!(out, "  subgraph \"cluster_legend\" {{");
    let _ = writeln!(
        out,
        "    graph [label={}, style=\"rounded\", color=\"#bbbbbb\", fontcolor=\"{MUTED}\", fontsize=11, labeljust=l];",
        q(words.legend)
    );
    // Element kinds and marks form the first row (column in LR), relation samples the
    // next: invisible edges from the first entry push them one rank further.
    let mut first: Option<String> = None;
    let mut chain = |name: String, _out: &mut String| {
        if first.is_none() {
            first = Some(name);
        }
    };
    for (j, kind) in d.kinds_used().into_iter().enumerate() {
        if kind == ecograph_core::ElementKind::Task {
            for (k, status) in d.statuses_used().into_iter().enumerate() {
                let st = style::node_style(kind, status);
                let (shape, rounded) = st.shape.dot();
                let label = match status {
                    Some(s) => format!(
                        "{}: {}",
                        style::kind_name(kind, lang),
                        style::status_name(s, lang)
                    ),
                    None => style::kind_name(kind, lang).to_owned(),
                };
                let name = format!("legend_k{j}_{k}");
                let _ = writeln!(
                    out,
                    "    {name} [label={}, shape={shape}, style=\"filled{}{}\", fillcolor=\"{}\", color=\"{}\", fontsize=9];",
                    q(&label),
                    if rounded { ",rounded" } else { "" },
                    if st.dashed { ",dashed" } else { "" },
                    st.fill,
                    st.stroke
                );
                chain(name, out);
            }
            continue;
        }
        let st = style::node_style(kind, None);
        let (shape, rounded) = st.shape.dot();
        let name = format!("legend_k{j}");
        let _ = writeln!(
            out,
            "    {name} [label={}, shape={shape}, style=\"filled{}{}\", fillcolor=\"{}\", color=\"{}\", fontsize=9];",
            q(style::kind_name(kind, lang)),
            if rounded { ",rounded" } else { "" },
            if st.dashed { ",dashed" } else { "" },
            st.fill,
            st.stroke
        );
        chain(name, out);
    }
    let (marks, untouched) = d.marks_used();
    for (j, m) in marks.iter().enumerate() {
        let ms = style::mark_style(m);
        let name = format!("legend_m{j}");
        let _ = writeln!(
            out,
            "    {name} [label={}, shape=box, style=\"filled{}\", fillcolor=\"#ffffff\", color=\"{}\", penwidth={}, fontsize=9];",
            q(mark_word(m, &words)),
            if ms.dashed { ",dashed" } else { "" },
            ms.stroke,
            ms.width
        );
        chain(name, out);
    }
    if untouched {
        let name = "legend_untouched".to_owned();
        let _ = writeln!(
            out,
            "    {name} [label={}, shape=box, style=filled, fillcolor=\"{}\", color=\"{}\", fontcolor=\"{}\", fontsize=9];",
            q(words.untouched),
            style::UNTOUCHED_FILL,
            style::UNTOUCHED_STROKE,
            style::UNTOUCHED_INK
        );
        chain(name, out);
    }
    let first = first.unwrap_or_default();
    for (j, kind) in d.relations_used().into_iter().enumerate() {
        let s = style::edge_style(kind);
        if !first.is_empty() {
            let _ = writeln!(out, "    {first} -> legend_r{j}a [style=invis];");
        }
        let _ = writeln!(
            out,
            "    legend_r{j}a [label=\"\", shape=point, width=0.05, color=\"{}\"];\n    legend_r{j}b [label=\"\", shape=point, width=0.05, color=\"{}\"];",
            s.color, s.color
        );
        let _ = writeln!(
            out,
            "    legend_r{j}a -> legend_r{j}b [label={}, style={}, color=\"{}\", penwidth={}, arrowhead={}{}, fontsize=9];\n    {{ rank=same; legend_r{j}a; legend_r{j}b; }}",
            q(style::relation_name(kind, lang)),
            s.line.dot(),
            s.color,
            s.width,
            s.arrow.dot(),
            if kind.is_directed() { "" } else { ", dir=none" }
        );
    }
    let _ = writeln!(out, "  }}");
}

pub(crate) fn mark_word(m: &crate::Mark, words: &style::Words) -> &'static str {
    match m {
        crate::Mark::Changed => words.changed,
        crate::Mark::Added => words.added,
        crate::Mark::Removed => words.removed,
        crate::Mark::Modified => words.modified,
        _ => words.affected,
    }
}
