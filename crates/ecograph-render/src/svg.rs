//! SVG drawn inside the binary: the embedded layered layout places nodes, boxes and
//! routes; this module writes them as a standalone, deterministic SVG document with
//! nested boxes for containment, arrowheads, edge labels and a legend.

use crate::dot::{Paint, mark_word, paint};
use crate::escape::{num, push_xml, xml};
use crate::layout::{
    self, ClusterSpec, EdgeSpec, LayoutInput, NodeSpec, Outline, PathPiece, Point,
};
use crate::style::{self, Arrow, CLUSTER_FILL, INK, MUTED, Shape, metrics};
use crate::text::{FONT_FAMILY, text_width};
use crate::view::Diagram;
use crate::{Error, Mark};
use ecograph_core::{ElementKind, LayoutDirection, RelationKind, Status};
use std::fmt::Write as _;

const MARGIN: f64 = 16.0;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 7.0;
const MIN_NODE_WIDTH: f64 = 64.0;
const CLUSTER_LINE: f64 = 15.0;
const LEGEND_FONT: f64 = 11.0;
const ARROW_LEN: f64 = 9.0;

/// What one layout node stands for.
struct Placed {
    /// Diagram node index.
    node: usize,
    width: f64,
    height: f64,
}

fn node_size(lines: &[String], shape: Shape) -> (f64, f64) {
    let text_w = lines
        .iter()
        .map(|l| text_width(l, metrics::NODE_FONT))
        .fold(0.0, f64::max);
    let h = lines.len().max(1) as f64 * metrics::NODE_LINE + 2.0 * PAD_Y + shape.extra_height();
    let w = (text_w + 2.0 * PAD_X).max(MIN_NODE_WIDTH) + shape.extra_width() * h;
    (w.ceil(), h.ceil())
}

fn label_size(lines: &[String], font: f64, line: f64) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|l| text_width(l, font))
        .fold(0.0, f64::max);
    ((w + 8.0).ceil(), (lines.len() as f64 * line + 4.0).ceil())
}

/// The outline the layout cuts edge ends at, for a shape [`write_shape`] draws.
fn outline(shape: Shape) -> Outline {
    match shape {
        Shape::Rect => Outline::Rect,
        Shape::Rounded => Outline::Rounded,
        Shape::Stadium => Outline::Stadium,
        Shape::Cylinder => Outline::Cylinder,
        Shape::Hexagon => Outline::Hexagon,
        Shape::Parallelogram => Outline::Parallelogram,
        Shape::Trapezoid => Outline::Trapezoid,
        _ => Outline::Note,
    }
}

/// The layout problem of a diagram and how its parts map back.
pub(crate) struct Problem {
    pub input: LayoutInput,
    /// The layout of `input`, when choosing the input took it.
    lay: Option<layout::Layout>,
    cluster_node: Vec<usize>,
    placed: Vec<Placed>,
    layout_node: Vec<Option<usize>>,
    /// What the relations layer draws, one entry per line.
    drawn: Vec<Drawn>,
    /// The label lines of each entry of `drawn`.
    edge_labels: Vec<Vec<String>>,
}

// A diagram with more edges than `DENSE_LINES` is dense: its lines between two nodes are
// merged whatever their direction ([`drawn_edges`]), and only `ROUTED_LINES` of them are
// routed ([`crate::layout::routed_lines`]).
use crate::layout::DENSE_LINES;

/// One line of the relations layer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Drawn {
    /// The diagram edge it draws (in a dense diagram, the first of the pair in file order,
    /// which gives the line its kind, direction and style).
    edge: usize,
    /// The relations it stands for; more than the edge's own count when a dense diagram
    /// merged the other direction into it.
    count: usize,
    /// Whether relations go both ways (an arrowhead at each end).
    both: bool,
    /// The edge's index in the layout input when the layout routes it; `None` for a
    /// straight line.
    route: Option<usize>,
}

/// The lines to draw, in diagram edge order. A sparse diagram draws each edge as the
/// layout routes it. A dense one (more than [`DENSE_LINES`] edges) draws one line per
/// pair of nodes and relation kind, with an arrowhead at each end when relations go both
/// ways and `×N` for the relations it stands for, and lets the layout route at most
/// [`crate::layout::ROUTED_LINES`] of them: first those that connect what is not yet connected (so the
/// layout still sees every component), then the rest in order. Linear in the edges but
/// for the map of pairs.
fn drawn_edges(d: &Diagram<'_>, layout_node: &[Option<usize>]) -> Vec<Drawn> {
    let edges: Vec<usize> = (0..d.edges().len())
        .filter(|&ei| {
            let e = &d.edges()[ei];
            layout_node[e.from()].is_some() && layout_node[e.to()].is_some()
        })
        .collect();
    if edges.len() <= DENSE_LINES {
        return edges
            .into_iter()
            .enumerate()
            .map(|(li, ei)| Drawn {
                edge: ei,
                count: d.edges()[ei].count(),
                both: false,
                route: Some(li),
            })
            .collect();
    }
    let mut pair: std::collections::BTreeMap<(usize, usize, &str), usize> =
        std::collections::BTreeMap::new();
    let mut drawn: Vec<Drawn> = Vec::new();
    for ei in edges {
        let e = &d.edges()[ei];
        let key = (
            e.from().min(e.to()),
            e.from().max(e.to()),
            e.kind().as_str(),
        );
        match pair.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => {
                let g = &mut drawn[*o.get()];
                g.count += e.count();
                g.both |= d.edges()[g.edge].from() != e.from();
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(drawn.len());
                drawn.push(Drawn {
                    edge: ei,
                    count: e.count(),
                    both: false,
                    route: None,
                });
            }
        }
    }
    // The lines that join two components are routed first.
    let routed = crate::layout::routed_lines(
        drawn.iter().map(|g| {
            let e = &d.edges()[g.edge];
            (e.from(), e.to())
        }),
        layout_node.len(),
    );
    let mut li = 0;
    for (g, r) in drawn.iter_mut().zip(routed) {
        if r {
            g.route = Some(li);
            li += 1;
        }
    }
    drawn
}

/// The label of a drawn line: the edge's own, or `×N` when it stands for more relations.
fn drawn_label<'a>(d: &'a Diagram<'_>, g: &Drawn) -> std::borrow::Cow<'a, str> {
    let e = &d.edges()[g.edge];
    if g.count > e.count() {
        format!("×{}", g.count).into()
    } else {
        e.label().into()
    }
}

/// Builds the layout input of a diagram: node sizes from their text and shape,
/// boxes for containers, labelled edges, invisible layout edges.
pub(crate) fn problem(d: &Diagram<'_>) -> Problem {
    let (mut problem, inputs, drawn_edges) = problems(d);
    let alone = inputs.len() == 1 || inputs[0].nodes.is_empty();
    if alone {
        // The writer lays a lone problem out itself.
        problem.input = inputs.into_iter().next().unwrap_or_default();
        return problem;
    }
    let mut lays = lay_out_all(&inputs).into_iter();
    let mut inputs = inputs.into_iter();
    let packed = inputs.next().unwrap_or_default();
    // Where the packed problem has no drawing, the writer lays it out
    // again to report its error.
    let (input, lay) = match lays.next().and_then(Result::ok) {
        None => (packed, None),
        Some(lay) => {
            let mut best = (packed, lay);
            for (input, lay) in inputs.zip(lays) {
                if let Ok(lay) = lay
                    && layout::is_better_drawing(&input, &lay, &best.1, drawn_edges)
                {
                    best = (input, lay);
                }
            }
            (best.0, Some(best.1))
        }
    };
    problem.input = input;
    problem.lay = lay;
    problem
}

/// Every one of `inputs` laid out, in order: on a machine with more than
/// one core all but the first on threads of their own, the first on this
/// one. A view's stackings are two or three layouts of about the same
/// size, so on two cores a view is drawn in about the time of its slowest
/// stacking: TE24's tj-packages (two stackings, of 8 and 9 ms in English,
/// 15 and 9 ms in Finnish) went from 17.4 to 10–14 ms for the whole SVG in
/// English and from 25.0 to 15.3–15.8 ms in Finnish. Each layout is
/// deterministic, so the drawing does not depend on which finishes first.
fn lay_out_all(inputs: &[LayoutInput]) -> Vec<Result<layout::Layout, layout::LayoutError>> {
    let Some((first, rest)) = inputs.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() || ecograph_core::par::cores().is_none_or(|n| n < 2) {
        return inputs.iter().map(layout::layout).collect();
    }
    std::thread::scope(|scope| {
        // A layout that gets no thread (the system refused one) runs here.
        let others: Vec<_> = rest
            .iter()
            .map(|input| ecograph_core::par::spawn(scope, move || layout::layout(input)))
            .collect();
        let mut all = vec![layout::layout(first)];
        for other in others {
            all.push(match other {
                // A panic in a layout is one of this thread's, as it was
                // when they all ran here.
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
                Err(refused) => (refused.work)(),
            });
        }
        all
    })
}

/// The layout problems of a diagram, one per stacking that gives another
/// problem (the packed one first), of which [`problem`] keeps the one with
/// the best drawing; the returned problem's input is still empty. Also the
/// number of drawn edges, which come first in every problem.
pub(crate) fn problems(d: &Diagram<'_>) -> (Problem, Vec<LayoutInput>, usize) {
    let mut input = LayoutInput {
        direction: match d.direction() {
            LayoutDirection::LeftToRight => layout::Direction::LeftToRight,
            _ => layout::Direction::TopToBottom,
        },
        node_sep: 22.0,
        rank_sep: 40.0,
        cluster_padding: 12.0,
        routing: d.edge_routing(),
        ..LayoutInput::default()
    };
    let mut cluster_of: Vec<Option<usize>> = vec![None; d.nodes().len()];
    let mut cluster_node: Vec<usize> = Vec::new();
    for (i, n) in d.nodes().iter().enumerate() {
        if n.is_container() {
            cluster_of[i] = Some(cluster_node.len());
            cluster_node.push(i);
        }
    }
    for &i in &cluster_node {
        let n = &d.nodes()[i];
        // A container with relations shows its name on its header node instead.
        let (lw, lh) = if n.has_edges() {
            (0.0, 0.0)
        } else {
            label_size(n.label_lines(), metrics::CLUSTER_FONT, CLUSTER_LINE)
        };
        input.clusters.push(ClusterSpec {
            parent: n.parent().and_then(|p| cluster_of[p]),
            label_width: lw + 8.0,
            label_height: lh,
        });
    }
    let mut placed: Vec<Placed> = Vec::new();
    let mut layout_node: Vec<Option<usize>> = vec![None; d.nodes().len()];
    for (i, n) in d.nodes().iter().enumerate() {
        if n.is_container() && !n.has_edges() {
            continue;
        }
        let el = n.element();
        let shape = style::node_style(el.kind(), el.status()).shape;
        let (width, height) = node_size(n.label_lines(), shape);
        let cluster = if n.is_container() {
            cluster_of[i]
        } else {
            n.parent().and_then(|p| cluster_of[p])
        };
        layout_node[i] = Some(placed.len());
        input.nodes.push(NodeSpec {
            width,
            height,
            cluster,
            outline: outline(shape),
        });
        placed.push(Placed {
            node: i,
            width,
            height,
        });
    }
    let drawn = drawn_edges(d, &layout_node);
    let mut edge_labels: Vec<Vec<String>> = Vec::with_capacity(drawn.len());
    for g in &drawn {
        let e = &d.edges()[g.edge];
        let text = drawn_label(d, g);
        let lines = if text.is_empty() {
            Vec::new()
        } else {
            crate::view::wrap_label(&text, metrics::EDGE_WRAP, metrics::EDGE_FONT)
        };
        if let (Some(_), Some(from), Some(to)) =
            (g.route, layout_node[e.from()], layout_node[e.to()])
        {
            let label = (!lines.is_empty())
                .then(|| label_size(&lines, metrics::EDGE_FONT, metrics::EDGE_LINE));
            input.edges.push(EdgeSpec {
                from,
                to,
                label,
                constraint: true,
                hidden: false,
            });
        }
        edge_labels.push(lines);
    }
    let drawn_edges = input.edges.len();
    let with = |stacking| {
        let mut input = input.clone();
        for (a, b) in crate::view::invisible_edges(d, stacking) {
            if let (Some(from), Some(to)) = (layout_node[a], layout_node[b]) {
                input.edges.push(EdgeSpec::hidden(from, to));
            }
        }
        input
    };
    // The layout packs lone nodes and independent boxes itself, but where they
    // sit beside boxes with relations of their own the grid can be smaller,
    // and where those boxes' relations leave their container, a row: each
    // stacking that gives another problem is laid out, and the best drawing
    // is kept (the first of equals).
    let packed = with(crate::view::Stacking::Packed);
    let mut inputs = vec![packed];
    for stacking in [crate::view::Stacking::Sealed, crate::view::Stacking::Rows] {
        let other = with(stacking);
        if !inputs.contains(&other) {
            inputs.push(other);
        }
    }
    let problem = Problem {
        input: LayoutInput::default(),
        lay: None,
        cluster_node,
        placed,
        layout_node,
        drawn,
        edge_labels,
    };
    (problem, inputs, drawn_edges)
}

/// Writes the diagram as SVG.
///
/// # Errors
///
/// [`Error::Layout`] if the layout engine rejects the graph built from the diagram.
pub(crate) fn write(d: &Diagram<'_>) -> Result<String, Error> {
    let ids = crate::mermaid::node_ids(d);
    let Problem {
        input,
        cluster_node,
        placed,
        layout_node,
        drawn,
        edge_labels,
        lay,
    } = problem(d);
    let lay = if let Some(lay) = lay {
        lay
    } else if input.nodes.is_empty() {
        layout::Layout::default()
    } else {
        layout::layout(&input).map_err(|e| Error::Layout {
            view: d.id().to_owned(),
            reason: e.to_string(),
        })?
    };

    let title_h = 32.0;
    let ox = MARGIN;
    let oy = MARGIN + title_h;
    let at = |p: Point| Point {
        x: p.x + ox,
        y: p.y + oy,
    };
    let legend = if d.legend() && !d.nodes().is_empty() {
        Some(Legend::new(d, lay.width.max(480.0)))
    } else {
        None
    };
    let title_w = text_width(d.title(), metrics::TITLE_FONT);
    let mut width = (lay.width + 2.0 * MARGIN).max(title_w + 2.0 * MARGIN);
    let mut height = oy + lay.height + MARGIN;
    if let Some(l) = &legend {
        width = width.max(l.width + 2.0 * MARGIN);
        height += l.height + MARGIN;
    }
    let width = width.ceil();
    let height = height.ceil();

    let mut out = String::with_capacity(4096 + d.nodes().len() * 600);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}, Verdana, Arial, sans-serif\" font-size=\"{}\" fill=\"{INK}\">",
        num(metrics::NODE_FONT),
        w = num(width),
        h = num(height),
    );
    let _ = writeln!(out, "<title>{}</title>", xml(d.title()));
    write_markers(d, &drawn, &mut out);
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\">{}</text>",
        num(MARGIN),
        num(MARGIN + 16.0),
        num(metrics::TITLE_FONT),
        xml(d.title())
    );

    // Boxes, outermost first so inner boxes are drawn over their parents.
    let mut order: Vec<usize> = (0..cluster_node.len()).collect();
    order.sort_by_key(|&c| (d.nodes()[cluster_node[c]].element().depth(), c));
    out.push_str("<g class=\"containers\">\n");
    for c in order {
        let i = cluster_node[c];
        let n = &d.nodes()[i];
        let el = n.element();
        let st = style::node_style(el.kind(), el.status());
        let Paint {
            fill,
            stroke,
            width: sw,
            dashed,
            ink,
        } = paint(d, n, st, CLUSTER_FILL, 1.2);
        let (Some(r), Some(lp)) = (lay.clusters.get(c), lay.cluster_labels.get(c)) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<g id=\"{}\" class=\"container {}\"{}>",
            ids[i],
            el.kind(),
            data_id(d, n)
        );
        write_tooltip(d, i, &mut out);
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{}/>",
            num(r.x + ox),
            num(r.y + oy),
            num(r.width),
            num(r.height),
            num(sw),
            dash_attr(dashed)
        );
        if !n.has_edges() {
            let lp = at(*lp);
            write_lines(
                &mut out,
                n.label_lines(),
                lp.x,
                lp.y,
                metrics::CLUSTER_FONT,
                CLUSTER_LINE,
                "font-weight=\"bold\"",
                ink,
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Edges under nodes; their labels over everything.
    out.push_str("<g class=\"relations\">\n");
    // Each drawn line with its points and label position, in layout coordinates.
    let mut routes: Vec<(usize, Vec<Point>, Option<Point>)> = Vec::new();
    for (k, g) in drawn.iter().enumerate() {
        let e = &d.edges()[g.edge];
        match g.route {
            Some(li) => {
                if let Some(r) = lay.edges.get(li) {
                    routes.push((k, r.points.clone(), r.label_pos));
                }
            }
            None => {
                let (Some(a), Some(b)) = (layout_node[e.from()], layout_node[e.to()]) else {
                    continue;
                };
                let (Some(&ca), Some(&cb)) = (lay.nodes.get(a), lay.nodes.get(b)) else {
                    continue;
                };
                let pts = straight(ca, &placed[a], cb, &placed[b]);
                let mid = pts.len() / 2;
                let label_pos = Point {
                    x: (pts[mid - 1].x + pts[mid].x) / 2.0,
                    y: (pts[mid - 1].y + pts[mid].y) / 2.0,
                };
                routes.push((k, pts, Some(label_pos)));
            }
        }
    }
    for (k, points, _) in &routes {
        let g = &drawn[*k];
        let e = &d.edges()[g.edge];
        let s = style::edge_style(e.kind());
        let faded = is_faded(d, g.edge);
        let color = if faded {
            style::UNTOUCHED_STROKE
        } else {
            s.color
        };
        let pts: Vec<Point> = points.iter().map(|&p| at(p)).collect();
        let marker = s.arrow != Arrow::None;
        let start = marker && g.both;
        let _ = writeln!(
            out,
            "<path class=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{}\"{}{}{}/>",
            e.kind(),
            path_data(&pts, marker, start, input.routing),
            num(s.width),
            dash_attr_line(s.line.dasharray()),
            if marker {
                format!(" marker-end=\"url(#{})\"", marker_id(e.kind(), faded))
            } else {
                String::new()
            },
            if start {
                format!(
                    " marker-start=\"url(#{}-start)\"",
                    marker_id(e.kind(), faded)
                )
            } else {
                String::new()
            }
        );
    }
    out.push_str("</g>\n");

    out.push_str("<g class=\"elements\">\n");
    for (pi, p) in placed.iter().enumerate() {
        let Some(c) = lay.nodes.get(pi) else { continue };
        let c = at(*c);
        let i = p.node;
        let n = &d.nodes()[i];
        let el = n.element();
        let st = style::node_style(el.kind(), el.status());
        let Paint {
            fill,
            stroke,
            width: sw,
            dashed,
            ink,
        } = paint(d, n, st, st.fill, 1.2);
        let id = if n.is_container() {
            format!("{}__self", ids[i])
        } else {
            ids[i].clone()
        };
        let _ = writeln!(
            out,
            "<g id=\"{id}\" class=\"element {}\"{}>",
            el.kind(),
            data_id(d, n)
        );
        write_tooltip(d, i, &mut out);
        let paint = format!(
            "fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{}",
            num(sw),
            dash_attr(dashed)
        );
        write_shape(
            &mut out,
            st.shape,
            c.x - p.width / 2.0,
            c.y - p.height / 2.0,
            p.width,
            p.height,
            &paint,
        );
        let text_cy = if st.shape == Shape::Cylinder {
            c.y + 4.0
        } else {
            c.y
        };
        write_lines(
            &mut out,
            n.label_lines(),
            c.x,
            text_cy,
            metrics::NODE_FONT,
            metrics::NODE_LINE,
            "",
            ink,
        );
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    out.push_str("<g class=\"labels\">\n");
    for (k, _, label_pos) in &routes {
        let ei = drawn[*k].edge;
        let lines = &edge_labels[*k];
        let Some(lp) = *label_pos else { continue };
        if lines.is_empty() {
            continue;
        }
        let lp = at(lp);
        let (w, h) = label_size(lines, metrics::EDGE_FONT, metrics::EDGE_LINE);
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
            num(lp.x - w / 2.0),
            num(lp.y - h / 2.0),
            num(w),
            num(h)
        );
        let ink = if is_faded(d, ei) {
            style::UNTOUCHED_INK
        } else {
            MUTED
        };
        write_lines(
            &mut out,
            lines,
            lp.x,
            lp.y,
            metrics::EDGE_FONT,
            metrics::EDGE_LINE,
            "",
            ink,
        );
    }
    out.push_str("</g>\n");

    if let Some(l) = &legend {
        l.write(d, MARGIN, oy + lay.height + MARGIN, &mut out);
    }
    out.push_str("</svg>\n");
    Ok(out)
}

fn is_faded(d: &Diagram<'_>, ei: usize) -> bool {
    let e = &d.edges()[ei];
    d.is_highlighting()
        && d.nodes()[e.from()].mark().is_none()
        && d.nodes()[e.to()].mark().is_none()
}

/// ` data-id="…"` when the diagram was asked for element ids, else nothing.
fn data_id(d: &Diagram<'_>, n: &crate::Node<'_>) -> String {
    if d.data_ids() {
        format!(" data-id=\"{}\"", xml(n.element().id().as_str()))
    } else {
        String::new()
    }
}

fn write_tooltip(d: &Diagram<'_>, i: usize, out: &mut String) {
    let n = &d.nodes()[i];
    let el = n.element();
    out.push_str("<title>");
    push_xml(out, el.id().as_str());
    let _ = write!(out, " ({})", el.kind());
    if let Some(s) = el.status() {
        let _ = write!(out, " {s}");
    }
    if let Some(Mark::Affected { confidence }) = n.mark() {
        let _ = write!(out, ", affected ({confidence})");
    }
    out.push_str("</title>\n");
}

fn dash_attr(dashed: bool) -> &'static str {
    if dashed {
        " stroke-dasharray=\"5 4\""
    } else {
        ""
    }
}

fn dash_attr_line(dash: Option<&str>) -> String {
    dash.map(|d| format!(" stroke-dasharray=\"{d}\""))
        .unwrap_or_default()
}

fn marker_id(kind: RelationKind, faded: bool) -> String {
    format!(
        "arrow-{}{}",
        kind.as_str(),
        if faded { "-faded" } else { "" }
    )
}

fn write_markers(d: &Diagram<'_>, drawn: &[Drawn], out: &mut String) {
    // (kind, faded, at the start of a two-way line)
    let mut used: Vec<(RelationKind, bool, bool)> = Vec::new();
    for (ei, e) in d.edges().iter().enumerate() {
        used.push((e.kind(), is_faded(d, ei), false));
    }
    for g in drawn.iter().filter(|g| g.both) {
        used.push((d.edges()[g.edge].kind(), is_faded(d, g.edge), true));
    }
    if d.legend() {
        used.extend(d.relations_used().into_iter().map(|k| (k, false, false)));
    }
    used.sort_unstable();
    used.dedup();
    out.push_str("<defs>\n");
    for (kind, faded, start) in used {
        let s = style::edge_style(kind);
        let color = if faded {
            style::UNTOUCHED_STROKE
        } else {
            s.color
        };
        let shape = match s.arrow {
            Arrow::Filled => format!("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/>"),
            Arrow::Hollow => format!(
                "<path d=\"M0.8,0.8 L9.5,5 L0.8,9.2 z\" fill=\"#ffffff\" stroke=\"{color}\" stroke-width=\"1.3\"/>"
            ),
            Arrow::Open => {
                format!(
                    "<path d=\"M0.5,0.5 L9.5,5 L0.5,9.5\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>"
                )
            }
            _ => continue,
        };
        let _ = writeln!(
            out,
            "<marker id=\"{}{}\" viewBox=\"0 0 10 10\" refX=\"{}\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"{}\">{shape}</marker>",
            marker_id(kind, faded),
            if start { "-start" } else { "" },
            num(10.0 - ARROW_LEN),
            if start { "auto-start-reverse" } else { "auto" },
        );
    }
    out.push_str("</defs>\n");
}

/// The path of an edge route as the layout draws it ([`layout::curve`]), its last
/// segment ending short of the last point by the arrowhead's length when there is one
/// (the arrow tip then sits on the node's outline).
fn path_data(
    pts: &[Point],
    arrow: bool,
    start_arrow: bool,
    routing: layout::EdgeRouting,
) -> String {
    let mut pts = pts.to_vec();
    if arrow && pts.len() >= 2 {
        let n = pts.len();
        pts[n - 1] = short_of(pts[n - 2], pts[n - 1]);
    }
    if start_arrow && pts.len() >= 2 {
        pts[0] = short_of(pts[1], pts[0]);
    }
    let mut s = String::new();
    let Some(first) = pts.first() else { return s };
    let _ = write!(s, "M{},{}", num(first.x), num(first.y));
    for piece in layout::curve(&pts, routing) {
        let _ = match piece {
            PathPiece::Line(p) => write!(s, " L{},{}", num(p.x), num(p.y)),
            PathPiece::Quad(c, p) => {
                write!(s, " Q{},{} {},{}", num(c.x), num(c.y), num(p.x), num(p.y))
            }
        };
    }
    s
}

/// `b` moved towards `a` by the arrowhead's length, when the segment is long enough.
fn short_of(a: Point, b: Point) -> Point {
    let len = (b.x - a.x).hypot(b.y - a.y);
    if len > ARROW_LEN + 1.0 {
        let t = (len - ARROW_LEN) / len;
        Point {
            x: a.x + t * (b.x - a.x),
            y: a.y + t * (b.y - a.y),
        }
    } else {
        b
    }
}

/// A straight line between two placed nodes centred at `ca` and `cb`, from box outline
/// to box outline; a small loop beside the node when both are the same.
fn straight(ca: Point, a: &Placed, cb: Point, b: &Placed) -> Vec<Point> {
    let (dx, dy) = (cb.x - ca.x, cb.y - ca.y);
    if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
        let (x, h) = (ca.x + a.width / 2.0, a.height / 4.0);
        return vec![
            Point { x, y: ca.y - h },
            Point {
                x: x + 2.0 * ARROW_LEN,
                y: ca.y - h,
            },
            Point {
                x: x + 2.0 * ARROW_LEN,
                y: ca.y + h,
            },
            Point { x, y: ca.y + h },
        ];
    }
    // The fraction of the way to the other centre where a box's outline is crossed.
    let exit = |w: f64, h: f64| {
        let tx = if dx.abs() > 1e-9 {
            w / 2.0 / dx.abs()
        } else {
            f64::INFINITY
        };
        let ty = if dy.abs() > 1e-9 {
            h / 2.0 / dy.abs()
        } else {
            f64::INFINITY
        };
        tx.min(ty).min(0.5)
    };
    let (ta, tb) = (exit(a.width, a.height), 1.0 - exit(b.width, b.height));
    vec![
        Point {
            x: ca.x + ta * dx,
            y: ca.y + ta * dy,
        },
        Point {
            x: ca.x + tb * dx,
            y: ca.y + tb * dy,
        },
    ]
}

fn points_attr(points: &[(f64, f64)]) -> String {
    let parts: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect();
    parts.join(" ")
}

/// Draws an outline in the box `(x, y, w, h)`.
fn write_shape(out: &mut String, shape: Shape, x: f64, y: f64, w: f64, h: f64, paint: &str) {
    let rect = |rx: f64| {
        format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>\n",
            num(x),
            num(y),
            num(w),
            num(h),
            num(rx)
        )
    };
    match shape {
        Shape::Rect => out.push_str(&rect(2.0)),
        Shape::Rounded => out.push_str(&rect(8.0)),
        Shape::Stadium => out.push_str(&rect(h / 2.0)),
        Shape::Cylinder => {
            let ry = Outline::cylinder_cap(h);
            let rx = w / 2.0;
            let _ = writeln!(
                out,
                "<path d=\"M{x0},{yt} A{rx},{ry} 0 0 1 {x1},{yt} L{x1},{yb} A{rx},{ry} 0 0 1 {x0},{yb} Z\" {paint}/>",
                x0 = num(x),
                x1 = num(x + w),
                yt = num(y + ry),
                yb = num(y + h - ry),
                rx = num(rx),
                ry = num(ry),
            );
            let _ = writeln!(
                out,
                "<path d=\"M{x0},{yt} A{rx},{ry} 0 0 0 {x1},{yt}\" fill=\"none\" {}/>",
                paint.split(' ').skip(1).collect::<Vec<_>>().join(" "),
                x0 = num(x),
                x1 = num(x + w),
                yt = num(y + ry),
                rx = num(rx),
                ry = num(ry),
            );
        }
        Shape::Hexagon | Shape::Parallelogram | Shape::Trapezoid => {
            let pts: Vec<(f64, f64)> = outline(shape)
                .polygon(x, y, w, h)
                .iter()
                .map(|p| (p.x, p.y))
                .collect();
            let _ = writeln!(out, "<polygon points=\"{}\" {paint}/>", points_attr(&pts));
        }
        _ => {
            let f = Outline::note_fold(h);
            let pts: Vec<(f64, f64)> = Outline::Note
                .polygon(x, y, w, h)
                .iter()
                .map(|p| (p.x, p.y))
                .collect();
            let _ = writeln!(out, "<polygon points=\"{}\" {paint}/>", points_attr(&pts));
            let fold = [(x + w - f, y), (x + w - f, y + f), (x + w, y + f)];
            let _ = writeln!(
                out,
                "<polyline points=\"{}\" fill=\"none\" {}/>",
                points_attr(&fold),
                paint.split(' ').skip(1).collect::<Vec<_>>().join(" ")
            );
        }
    }
}

/// Centred lines of text around `(cx, cy)`.
#[allow(clippy::too_many_arguments)]
fn write_lines(
    out: &mut String,
    lines: &[String],
    cx: f64,
    cy: f64,
    font: f64,
    line: f64,
    extra: &str,
    ink: &str,
) {
    let total = lines.len() as f64 * line;
    let top = cy - total / 2.0;
    let _ = write!(
        out,
        "<text x=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{ink}\"{}{extra}>",
        num(cx),
        num(font),
        if extra.is_empty() { "" } else { " " }
    );
    for (i, l) in lines.iter().enumerate() {
        // The baseline sits a little below the middle of the line box.
        let baseline = top + (i as f64 + 0.5) * line + font * 0.36;
        let _ = write!(out, "<tspan x=\"{}\" y=\"{}\">", num(cx), num(baseline));
        push_xml(out, l);
        out.push_str("</tspan>");
    }
    out.push_str("</text>\n");
}

/// One entry of the legend.
enum Entry {
    Kind(ElementKind, Option<Status>),
    Mark(Mark),
    Untouched,
    Relation(RelationKind),
}

/// The legend: entries in rows no wider than the drawing.
struct Legend {
    rows: Vec<Vec<(Entry, String, f64)>>,
    width: f64,
    height: f64,
    title: &'static str,
}

const SAMPLE_W: f64 = 34.0;
const SAMPLE_H: f64 = 18.0;
const ROW_H: f64 = 26.0;
const LEGEND_PAD: f64 = 10.0;

impl Legend {
    fn new(d: &Diagram<'_>, max_width: f64) -> Legend {
        let lang = d.words_lang();
        let words = style::words(lang);
        let mut entries: Vec<(Entry, String)> = Vec::new();
        for kind in d.kinds_used() {
            if kind == ElementKind::Task {
                for s in d.statuses_used() {
                    let label = match s {
                        Some(s) => format!(
                            "{}: {}",
                            style::kind_name(kind, lang),
                            style::status_name(s, lang)
                        ),
                        None => style::kind_name(kind, lang).to_owned(),
                    };
                    entries.push((Entry::Kind(kind, s), label));
                }
            } else {
                entries.push((
                    Entry::Kind(kind, None),
                    style::kind_name(kind, lang).to_owned(),
                ));
            }
        }
        let (marks, untouched) = d.marks_used();
        for m in marks {
            entries.push((Entry::Mark(m), mark_word(&m, &words).to_owned()));
        }
        if untouched {
            entries.push((Entry::Untouched, words.untouched.to_owned()));
        }
        for k in d.relations_used() {
            entries.push((Entry::Relation(k), style::relation_name(k, lang).to_owned()));
        }
        let mut rows: Vec<Vec<(Entry, String, f64)>> = vec![Vec::new()];
        let mut x = 0.0;
        let mut widest: f64 = text_width(words.legend, LEGEND_FONT);
        for (entry, label) in entries {
            let w = SAMPLE_W + 6.0 + text_width(&label, LEGEND_FONT) + 18.0;
            if x > 0.0 && x + w > max_width - 2.0 * LEGEND_PAD {
                rows.push(Vec::new());
                x = 0.0;
            }
            x += w;
            widest = widest.max(x);
            if let Some(r) = rows.last_mut() {
                r.push((entry, label, w));
            }
        }
        Legend {
            height: 2.0 * LEGEND_PAD + 18.0 + rows.len() as f64 * ROW_H,
            width: widest + 2.0 * LEGEND_PAD,
            rows,
            title: words.legend,
        }
    }

    fn write(&self, d: &Diagram<'_>, x: f64, y: f64, out: &mut String) {
        out.push_str("<g class=\"legend\">\n");
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" stroke=\"#bbbbbb\"/>",
            num(x),
            num(y),
            num(self.width),
            num(self.height)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"{MUTED}\">{}</text>",
            num(x + LEGEND_PAD),
            num(y + LEGEND_PAD + 11.0),
            num(LEGEND_FONT),
            xml(self.title)
        );
        for (ri, row) in self.rows.iter().enumerate() {
            let mut ex = x + LEGEND_PAD;
            let cy = y + LEGEND_PAD + 18.0 + ri as f64 * ROW_H + ROW_H / 2.0;
            for (entry, label, w) in row {
                let sx = ex;
                let sy = cy - SAMPLE_H / 2.0;
                match entry {
                    Entry::Kind(k, s) => {
                        let st = style::node_style(*k, *s);
                        let paint = format!(
                            "fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"{}",
                            st.fill,
                            st.stroke,
                            dash_attr(st.dashed)
                        );
                        write_shape(out, st.shape, sx, sy, SAMPLE_W, SAMPLE_H, &paint);
                    }
                    Entry::Mark(m) => {
                        let ms = style::mark_style(m);
                        let paint = format!(
                            "fill=\"#ffffff\" stroke=\"{}\" stroke-width=\"{}\"{}",
                            ms.stroke,
                            num(ms.width),
                            dash_attr(ms.dashed)
                        );
                        write_shape(out, Shape::Rect, sx, sy, SAMPLE_W, SAMPLE_H, &paint);
                    }
                    Entry::Untouched => {
                        let paint = format!(
                            "fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"",
                            style::UNTOUCHED_FILL,
                            style::UNTOUCHED_STROKE
                        );
                        write_shape(out, Shape::Rect, sx, sy, SAMPLE_W, SAMPLE_H, &paint);
                    }
                    Entry::Relation(k) => {
                        let s = style::edge_style(*k);
                        let marker = s.arrow != Arrow::None;
                        let pts = [
                            Point { x: sx, y: cy },
                            Point {
                                x: sx + SAMPLE_W,
                                y: cy,
                            },
                        ];
                        let _ = writeln!(
                            out,
                            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>",
                            path_data(&pts, marker, false, layout::EdgeRouting::Polyline),
                            s.color,
                            num(s.width),
                            dash_attr_line(s.line.dasharray()),
                            if marker {
                                format!(" marker-end=\"url(#{})\"", marker_id(*k, false))
                            } else {
                                String::new()
                            }
                        );
                    }
                }
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
                    num(sx + SAMPLE_W + 6.0),
                    num(cy + LEGEND_FONT * 0.36),
                    num(LEGEND_FONT),
                    xml(label)
                );
                ex += w;
            }
        }
        let _ = d;
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stackings_laid_out_on_threads_or_refused_ones_are_drawn_as_one_after_the_other() {
        let model = crate::te24();
        let mut several = 0;
        for lang in ["en", "fi"] {
            let options = crate::Options::default().lang(lang);
            for view in crate::views_of(&model, options.max_nodes) {
                let d = Diagram::new(&model, &view, &options).expect("resolves");
                let (_, inputs, _) = problems(&d);
                if inputs.len() < 2 {
                    continue;
                }
                several += 1;
                let one_by_one: Vec<_> = inputs.iter().map(layout::layout).collect();
                assert!(one_by_one.iter().all(Result::is_ok), "{lang} {}", view.id);
                assert_eq!(lay_out_all(&inputs), one_by_one, "{lang} {}", view.id);
                // Where the system refuses threads, all are laid out here.
                let here = ecograph_core::par::with_threads_refused(|| lay_out_all(&inputs));
                assert_eq!(here, one_by_one, "{lang} {}", view.id);
            }
        }
        // Nine views in each language have two or three (tj-packages,
        // ra-packages, the overview, ...).
        assert!(several >= 18, "{several} views with more than one stacking");
    }
}
