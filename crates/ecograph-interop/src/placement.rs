//! Views as ArchiMate diagrams, placed by ecograph's own layered layout
//! (`ecograph_render::layout`), sized as the SVG backend sizes its boxes: a node per
//! drawn element with integer x, y, w, h, containment as nested nodes (the layout's
//! cluster boxes), and a connection per drawn relation with the route's bends as
//! bendpoints.

use crate::doc::{Connection, Diagram, Node};
use crate::error::Error;
use ecograph_core::{LayoutDirection, Model, View};
use ecograph_render::layout::{self, ClusterSpec, EdgeSpec, LayoutInput, NodeSpec, Point};
use ecograph_render::text::{text_width, wrap};
use ecograph_render::{Diagram as Drawn, Options};
use std::collections::BTreeMap;

// The SVG backend's metrics (ecograph_render's `style::metrics`, not public).
const NODE_FONT: f64 = 12.0;
const NODE_LINE: f64 = 15.0;
const CLUSTER_FONT: f64 = 12.0;
const CLUSTER_LINE: f64 = 15.0;
const EDGE_FONT: f64 = 10.0;
const EDGE_LINE: f64 = 12.5;
const EDGE_WRAP: f64 = 130.0;
/// Archi's default element box is 120 × 55.
const MIN_W: f64 = 120.0;
const MIN_H: f64 = 55.0;
const MARGIN: f64 = 24.0;
/// Views drawing more nodes than this are placed on a grid instead: the layered layout
/// is superlinear, and no one reads a diagram of thousands of boxes.
pub(crate) const LAYOUT_LIMIT: usize = 1000;

fn node_size(lines: &[String]) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|l| text_width(l, NODE_FONT))
        .fold(0.0, f64::max);
    let h = lines.len().max(1) as f64 * NODE_LINE + 14.0;
    ((w + 24.0).max(MIN_W).ceil(), h.max(MIN_H).ceil())
}

fn label_size(lines: &[String], font: f64, line: f64) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|l| text_width(l, font))
        .fold(0.0, f64::max);
    ((w + 8.0).ceil(), (lines.len() as f64 * line + 4.0).ceil())
}

fn int(v: f64) -> i64 {
    if v.is_finite() {
        v.round().max(0.0) as i64
    } else {
        0
    }
}

/// The diagram of `view`. `idents` are the elements' identifiers, `rel_idents` each
/// relation's relationship identifier and `rel_sources` the element its relationship
/// starts at (which end of the relation; none when it starts at another relationship).
pub(crate) fn diagram(
    model: &Model,
    view: &View,
    idents: &[String],
    rel_idents: &[String],
    rel_sources: &[Option<usize>],
    lang: Option<&str>,
) -> Result<Diagram, Error> {
    let mut options = Options::default().max_nodes(usize::MAX);
    if let Some(l) = lang {
        options = options.lang(l);
    }
    let d = Drawn::new(model, view, &options).map_err(|source| Error::Layout {
        view: view.id.clone(),
        source,
    })?;
    let nodes = d.nodes();
    if nodes.len() > LAYOUT_LIMIT {
        return Ok(grid(&d, idents, rel_idents, rel_sources, view));
    }
    let mut input = LayoutInput {
        direction: match d.direction() {
            LayoutDirection::LeftToRight => layout::Direction::LeftToRight,
            _ => layout::Direction::TopToBottom,
        },
        node_sep: 22.0,
        rank_sep: 40.0,
        cluster_padding: 12.0,
        ..LayoutInput::default()
    };
    let mut cluster_of: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut cluster_node: Vec<usize> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.is_container() {
            cluster_of[i] = Some(cluster_node.len());
            cluster_node.push(i);
        }
    }
    for &i in &cluster_node {
        let n = &nodes[i];
        let (lw, lh) = if n.has_edges() {
            (0.0, 0.0)
        } else {
            label_size(n.label_lines(), CLUSTER_FONT, CLUSTER_LINE)
        };
        input.clusters.push(ClusterSpec {
            parent: n.parent().and_then(|p| cluster_of[p]),
            label_width: lw + 8.0,
            label_height: lh.max(20.0),
        });
    }
    // A container with relations gets a header node inside its box, as in the SVG.
    let mut layout_node: Vec<Option<usize>> = vec![None; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if n.is_container() && !n.has_edges() {
            continue;
        }
        let (width, height) = node_size(n.label_lines());
        let cluster = if n.is_container() {
            cluster_of[i]
        } else {
            n.parent().and_then(|p| cluster_of[p])
        };
        layout_node[i] = Some(input.nodes.len());
        input.nodes.push(NodeSpec {
            cluster,
            ..NodeSpec::new(width, height)
        });
    }
    let drawn_edges: Vec<usize> = (0..d.edges().len())
        .filter(|&ei| {
            let e = &d.edges()[ei];
            layout_node[e.from()].is_some() && layout_node[e.to()].is_some()
        })
        .collect();
    let routed = routed_edges(d.edges(), &drawn_edges, nodes.len());
    // The layout's edge of each drawn edge that it routes.
    let mut route_of: Vec<Option<usize>> = vec![None; drawn_edges.len()];
    for (li, &ei) in drawn_edges.iter().enumerate() {
        let e = &d.edges()[ei];
        let (Some(from), Some(to)) = (layout_node[e.from()], layout_node[e.to()]) else {
            continue;
        };
        if !routed[li] {
            continue;
        }
        route_of[li] = Some(input.edges.len());
        let label = (!e.label().is_empty()).then(|| {
            let lines = wrap(e.label(), EDGE_WRAP, EDGE_FONT);
            label_size(&lines, EDGE_FONT, EDGE_LINE)
        });
        input.edges.push(EdgeSpec {
            from,
            to,
            label,
            constraint: true,
            hidden: false,
        });
    }
    // Keep a container's contents below its header, and lone nodes in columns.
    for (i, n) in nodes.iter().enumerate() {
        if n.is_container() && n.has_edges() {
            for &c in n.children() {
                if let (Some(a), Some(b)) = (layout_node[i], layout_node[c]) {
                    input.edges.push(EdgeSpec::new(a, b));
                }
            }
        }
    }
    let mut lone: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if !n.is_container() && !n.has_edges() {
            lone.entry(n.parent()).or_default().push(i);
        }
    }
    for group in lone.values() {
        if group.len() < 4 {
            continue;
        }
        let len = (group.len() as f64).sqrt().ceil() as usize;
        for chain in group.chunks(len) {
            for w in chain.windows(2) {
                if let (Some(a), Some(b)) = (layout_node[w[0]], layout_node[w[1]]) {
                    input.edges.push(EdgeSpec::new(a, b));
                }
            }
        }
    }
    let lay = if input.nodes.is_empty() {
        layout::Layout::default()
    } else {
        layout::layout(&input).map_err(|e| Error::Unrepresentable {
            message: format!("cannot lay out view `{}`: {e}", view.id),
        })?
    };

    let mut out = Diagram::default();
    // Nodes outermost first (a container before what it holds), each subtree in order.
    let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut stack: Vec<usize> = d.top_level().collect();
    stack.reverse();
    while let Some(i) = stack.pop() {
        order.push(i);
        for &c in nodes[i].children().iter().rev() {
            stack.push(c);
        }
    }
    let mut out_index: Vec<Option<usize>> = vec![None; nodes.len()];
    // How deep each written node is nested (a top-level node at 0): nodes nest at most
    // `MAX_NESTING` levels, a box at the last level holds nothing in the file, and what
    // it holds is nested in that box's parent (coordinates are absolute, so it is still
    // drawn inside its own box); the view keeps the same elements.
    let mut nesting: Vec<usize> = Vec::with_capacity(nodes.len());
    let view_ident = crate::ids::encode(&view.id);
    for &i in &order {
        let n = &nodes[i];
        let (x, y, w, h) = match (cluster_of[i], layout_node[i]) {
            (Some(c), _) => {
                let r = lay.clusters.get(c).copied().unwrap_or_default();
                (r.x, r.y, r.width, r.height)
            }
            (None, Some(l)) => {
                let p = lay.nodes.get(l).copied().unwrap_or_default();
                let s = input.nodes[l];
                (p.x - s.width / 2.0, p.y - s.height / 2.0, s.width, s.height)
            }
            (None, None) => (0.0, 0.0, MIN_W, MIN_H),
        };
        let mut parent = n.parent().and_then(|p| out_index[p]);
        if let Some(p) = parent
            && nesting[p] + 1 >= crate::MAX_NESTING
        {
            parent = out.nodes[p].parent;
        }
        nesting.push(parent.map_or(0, |p| nesting[p] + 1));
        out_index[i] = Some(out.nodes.len());
        out.nodes.push(Node {
            ident: format!("__n.{view_ident}.{}", out.nodes.len()),
            element: Some(idents[n.element().index()].clone()),
            x: int(x + MARGIN),
            y: int(y + MARGIN),
            w: int(w).max(1),
            h: int(h).max(1),
            parent,
            ..Node::default()
        });
    }
    let at = |p: Point| (int(p.x + MARGIN), int(p.y + MARGIN));
    for (li, &ei) in drawn_edges.iter().enumerate() {
        let e = &d.edges()[ei];
        // One connection per relation drawn as itself: a merged line stands for no one
        // relationship.
        let [r] = e.relations() else { continue };
        let (fe, te) = (nodes[e.from()].element(), nodes[e.to()].element());
        if r.from() != fe || r.to() != te {
            continue;
        }
        let ri = r.index();
        let (Some(fnode), Some(tnode)) = (out_index[e.from()], out_index[e.to()]) else {
            continue;
        };
        let (s, t, rev) = match rel_sources[ri] {
            Some(src) if src == fe.index() => (fnode, tnode, false),
            Some(src) if src == te.index() => (tnode, fnode, true),
            _ => continue,
        };
        let mut bends: Vec<(i64, i64)> = route_of[li]
            .and_then(|l| lay.edges.get(l))
            .map(|route| {
                let pts = &route.points;
                if pts.len() > 2 {
                    pts[1..pts.len() - 1].iter().map(|p| at(*p)).collect()
                } else {
                    Vec::new()
                }
            })
            .unwrap_or_default();
        if rev {
            bends.reverse();
        }
        out.connections.push(Connection {
            ident: format!("__c.{view_ident}.{}", out.connections.len()),
            relationship: Some(rel_idents[ri].clone()),
            source: out.nodes[s].ident.clone(),
            target: out.nodes[t].ident.clone(),
            bendpoints: bends,
            at: None,
        });
    }
    Ok(out)
}

/// Whether the layout routes each of `drawn` (indices into `edges`): all of them in a
/// sparse diagram; in a dense one, as the SVG backend chooses
/// ([`ecograph_render::layout::routed_lines`]): routing costs more than linear time in
/// the edges (counting the crossings of k² lines between k nodes took 27 s for 2,000
/// relations among 45 systems, more than 60 s for 10,000).
fn routed_edges(edges: &[ecograph_render::Edge<'_>], drawn: &[usize], nodes: usize) -> Vec<bool> {
    use ecograph_render::layout::{DENSE_LINES, routed_lines};
    if drawn.len() <= DENSE_LINES {
        return vec![true; drawn.len()];
    }
    routed_lines(
        drawn.iter().map(|&ei| (edges[ei].from(), edges[ei].to())),
        nodes,
    )
}

/// A big view: every drawn element as a top-level node on a grid of about √n columns,
/// connections without bendpoints. Linear in the view's size.
fn grid(
    d: &Drawn<'_>,
    idents: &[String],
    rel_idents: &[String],
    rel_sources: &[Option<usize>],
    view: &View,
) -> Diagram {
    let nodes = d.nodes();
    let cols = (nodes.len() as f64).sqrt().ceil().max(1.0) as usize;
    let view_ident = crate::ids::encode(&view.id);
    let (w, h) = (MIN_W as i64, MIN_H as i64);
    let mut out = Diagram::default();
    for (i, n) in nodes.iter().enumerate() {
        out.nodes.push(Node {
            ident: format!("__n.{view_ident}.{i}"),
            element: Some(idents[n.element().index()].clone()),
            x: MARGIN as i64 + (i % cols) as i64 * (w + 40),
            y: MARGIN as i64 + (i / cols) as i64 * (h + 40),
            w,
            h,
            ..Node::default()
        });
    }
    for e in d.edges() {
        let [r] = e.relations() else { continue };
        let (fe, te) = (nodes[e.from()].element(), nodes[e.to()].element());
        if r.from() != fe || r.to() != te {
            continue;
        }
        let ri = r.index();
        let (s, t) = match rel_sources[ri] {
            Some(src) if src == fe.index() => (e.from(), e.to()),
            Some(src) if src == te.index() => (e.to(), e.from()),
            _ => continue,
        };
        out.connections.push(Connection {
            ident: format!("__c.{view_ident}.{}", out.connections.len()),
            relationship: Some(rel_idents[ri].clone()),
            source: out.nodes[s].ident.clone(),
            target: out.nodes[t].ident.clone(),
            bendpoints: Vec::new(),
            at: None,
        });
    }
    out
}
