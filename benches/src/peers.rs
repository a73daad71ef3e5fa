//! One layout problem, three engines: the embedded layout, Graphviz `dot`
//! and ELK Layered (elkjs). Each gets the same node sizes, spacing, cluster
//! nesting, cluster label sizes and edge label sizes; each drawing is read
//! back into a [`Drawing`] for [`crate::metrics`].
//!
//! Graphviz and ELK draw every node as a box (ELK has no other shapes); the
//! embedded layout draws its own outlines, and each engine's edge ends are
//! measured against the outline it drew.

use std::fmt::Write as _;

use ecograph_render::layout::{
    Direction, EdgeRouting, Layout, LayoutInput, Outline, Point, Rect, sampled,
};
use serde_json::{Value, json};

use crate::metrics::{Drawing, DrawnEdge, DrawnNode};

/// Points per inch, for DOT sizes.
const PPI: f64 = 72.0;

/// The embedded layout's drawing of `input`; only the first `visible` edges
/// are drawn (the others are layout hints).
#[must_use]
pub fn ours(input: &LayoutInput, out: &Layout, visible: usize) -> Drawing {
    Drawing {
        nodes: input
            .nodes
            .iter()
            .zip(&out.nodes)
            .map(|(s, &c)| DrawnNode {
                centre: c,
                width: s.width,
                height: s.height,
                outline: s.outline,
                cluster: s.cluster,
            })
            .collect(),
        clusters: out.clusters.clone(),
        cluster_parent: input.clusters.iter().map(|c| c.parent).collect(),
        direction: input.direction,
        edges: input
            .edges
            .iter()
            .zip(&out.edges)
            .take(visible)
            .map(|(e, r)| DrawnEdge {
                from: e.from,
                to: e.to,
                points: sampled(&r.points, input.routing),
                label: match (r.label_pos, e.label) {
                    (Some(c), Some((w, h))) => Some(Rect {
                        x: c.x - w / 2.0,
                        y: c.y - h / 2.0,
                        width: w,
                        height: h,
                    }),
                    _ => None,
                },
            })
            .collect(),
    }
}

/// A fixed-size, empty HTML label: Graphviz reserves exactly `w × h`.
fn fixed_label(w: f64, h: f64) -> String {
    format!(
        "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLPADDING=\"0\" CELLSPACING=\"0\" FIXEDSIZE=\"TRUE\" WIDTH=\"{}\" HEIGHT=\"{}\"><TR><TD></TD></TR></TABLE>>",
        w.round().max(1.0),
        h.round().max(1.0)
    )
}

/// `input` as DOT: node `i` is `n{i}`, cluster `c` is `cluster_{c}`; edges
/// from `visible` on are invisible (`style=invis`).
#[must_use]
pub fn to_dot(input: &LayoutInput, visible: usize) -> String {
    let mut s = String::from("digraph G {\n");
    let _ = writeln!(
        s,
        "  graph [nodesep={:.4}, ranksep={:.4}, rankdir={}];",
        input.node_sep / PPI,
        input.rank_sep / PPI,
        match input.direction {
            Direction::LeftToRight => "LR",
            _ => "TB",
        }
    );
    s.push_str("  node [shape=box, fixedsize=true, label=\"\"];\n");
    let k = input.clusters.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut top_nodes = Vec::new();
    for (i, v) in input.nodes.iter().enumerate() {
        match v.cluster {
            Some(c) => members[c].push(i),
            None => top_nodes.push(i),
        }
    }
    let mut top_clusters = Vec::new();
    for (c, cl) in input.clusters.iter().enumerate() {
        match cl.parent {
            Some(p) => children[p].push(c),
            None => top_clusters.push(c),
        }
    }
    let node_line = |s: &mut String, i: usize, indent: usize| {
        let v = &input.nodes[i];
        let _ = writeln!(
            s,
            "{:indent$}n{i} [width={:.4}, height={:.4}];",
            "",
            v.width / PPI,
            v.height / PPI,
        );
    };
    for &i in &top_nodes {
        node_line(&mut s, i, 2);
    }
    // Nested subgraphs, written with an explicit stack: (cluster, opening).
    let mut stack: Vec<(usize, bool)> = top_clusters.iter().rev().map(|&c| (c, true)).collect();
    let mut depth = 1;
    while let Some((c, open)) = stack.pop() {
        if !open {
            depth -= 1;
            let _ = writeln!(s, "{:w$}}}", "", w = 2 * depth);
            continue;
        }
        let spec = &input.clusters[c];
        let _ = writeln!(s, "{:w$}subgraph cluster_{c} {{", "", w = 2 * depth);
        depth += 1;
        let _ = writeln!(
            s,
            "{:w$}margin={}; label={};",
            "",
            input.cluster_padding,
            fixed_label(spec.label_width, spec.label_height),
            w = 2 * depth
        );
        for &i in &members[c] {
            node_line(&mut s, i, 2 * depth);
        }
        stack.push((c, false));
        stack.extend(children[c].iter().rev().map(|&d| (d, true)));
    }
    for (i, e) in input.edges.iter().enumerate() {
        let mut attrs = Vec::new();
        if i >= visible {
            attrs.push("style=invis".to_string());
        }
        if let Some((w, h)) = e.label {
            attrs.push(format!("label={}", fixed_label(w, h)));
        }
        let _ = writeln!(s, "  n{} -> n{} [{}];", e.from, e.to, attrs.join(", "));
    }
    s.push_str("}\n");
    s
}

fn floats(s: &str) -> Option<Vec<f64>> {
    s.split([',', ' '])
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().ok())
        .collect()
}

/// Samples a piecewise cubic Bézier (1 + 3k control points) into a polyline.
fn sample_bezier(ctrl: &[Point]) -> Vec<Point> {
    const STEPS: usize = 8;
    let mut out: Vec<Point> = ctrl.first().copied().into_iter().collect();
    let mut i = 0;
    while i + 3 < ctrl.len() {
        let (p0, p1, p2, p3) = (ctrl[i], ctrl[i + 1], ctrl[i + 2], ctrl[i + 3]);
        for s in 1..=STEPS {
            let t = s as f64 / STEPS as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            out.push(Point {
                x: a * p0.x + b * p1.x + c * p2.x + d * p3.x,
                y: a * p0.y + b * p1.y + c * p2.y + d * p3.y,
            });
        }
        i += 3;
    }
    out
}

/// Reads `dot -Tjson` output of [`to_dot`] back: node boxes, cluster boxes,
/// each visible edge's spline (sampled) ending at its arrowhead's tip, and
/// label boxes of the sizes asked for centred where dot put them.
///
/// # Errors
///
/// A message when the JSON does not have the expected shape.
pub fn from_dot_json(input: &LayoutInput, visible: usize, text: &str) -> Result<Drawing, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("dot json: {e}"))?;
    let bb = floats(v["bb"].as_str().ok_or("no bb")?).ok_or("bad bb")?;
    let top = bb.get(3).copied().ok_or("bad bb")?;
    let flip = |x: f64, y: f64| Point { x, y: top - y };
    let mut nodes: Vec<Option<DrawnNode>> = vec![None; input.nodes.len()];
    let mut clusters: Vec<Rect> = vec![Rect::default(); input.clusters.len()];
    let mut node_of_gvid = std::collections::BTreeMap::new();
    for o in v["objects"].as_array().ok_or("no objects")? {
        let name = o["name"].as_str().unwrap_or_default();
        let gvid = o["_gvid"].as_u64().unwrap_or(u64::MAX);
        if let Some(c) = name.strip_prefix("cluster_") {
            let c: usize = c.parse().map_err(|_| format!("bad cluster {name}"))?;
            let b = floats(o["bb"].as_str().ok_or("cluster without bb")?).ok_or("bad bb")?;
            if let (Some(slot), [x0, y0, x1, y1]) = (clusters.get_mut(c), b.as_slice()) {
                *slot = Rect {
                    x: *x0,
                    y: top - y1,
                    width: x1 - x0,
                    height: y1 - y0,
                };
            }
        } else if let Some(i) = name.strip_prefix('n') {
            let i: usize = i.parse().map_err(|_| format!("bad node {name}"))?;
            let p = floats(o["pos"].as_str().ok_or("node without pos")?).ok_or("bad pos")?;
            let spec = input.nodes.get(i).ok_or("node out of range")?;
            node_of_gvid.insert(gvid, i);
            nodes[i] = Some(DrawnNode {
                centre: flip(p[0], p[1]),
                width: spec.width,
                height: spec.height,
                outline: Outline::Rect,
                cluster: spec.cluster,
            });
        }
    }
    let nodes: Vec<DrawnNode> = nodes
        .into_iter()
        .collect::<Option<_>>()
        .ok_or("a node is missing")?;
    let mut edges = Vec::new();
    let all_edges = v["edges"].as_array().cloned().unwrap_or_default();
    for (i, e) in all_edges.iter().enumerate().take(visible) {
        let tail = e["tail"]
            .as_u64()
            .and_then(|g| node_of_gvid.get(&g))
            .ok_or("edge tail")?;
        let head = e["head"]
            .as_u64()
            .and_then(|g| node_of_gvid.get(&g))
            .ok_or("edge head")?;
        let mut ctrl = Vec::new();
        for op in e["_draw_"].as_array().cloned().unwrap_or_default() {
            if op["op"] == "b" {
                for q in op["points"].as_array().cloned().unwrap_or_default() {
                    ctrl.push(flip(
                        q[0].as_f64().unwrap_or_default(),
                        q[1].as_f64().unwrap_or_default(),
                    ));
                }
            }
        }
        let mut points = sample_bezier(&ctrl);
        // The arrowhead: its vertex furthest from where the spline stops.
        if let Some(&end) = points.last() {
            let tip = e["_hdraw_"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|op| op["op"] == "P" || op["op"] == "p")
                .flat_map(|op| op["points"].as_array().cloned().unwrap_or_default())
                .map(|q| {
                    flip(
                        q[0].as_f64().unwrap_or_default(),
                        q[1].as_f64().unwrap_or_default(),
                    )
                })
                .max_by(|a, b| {
                    let d = |p: &Point| (p.x - end.x).hypot(p.y - end.y);
                    d(a).total_cmp(&d(b))
                });
            if let Some(t) = tip {
                points.push(t);
            }
        }
        let label = match (input.edges.get(i).and_then(|s| s.label), e["lp"].as_str()) {
            (Some((w, h)), Some(lp)) => {
                let c = floats(lp).ok_or("bad lp")?;
                let c = flip(c[0], c[1]);
                Some(Rect {
                    x: c.x - w / 2.0,
                    y: c.y - h / 2.0,
                    width: w,
                    height: h,
                })
            }
            _ => None,
        };
        edges.push(DrawnEdge {
            from: *tail,
            to: *head,
            points,
            label,
        });
    }
    Ok(Drawing {
        nodes,
        clusters,
        cluster_parent: input.clusters.iter().map(|c| c.parent).collect(),
        direction: input.direction,
        edges,
    })
}

/// `input` as an ELK JSON graph for ELK Layered with orthogonal routing:
/// clusters are compound nodes (padding and minimum size for their labels),
/// hierarchy handled across levels, every coordinate absolute. Invisible
/// edges are left out (ELK cannot hide an edge).
#[must_use]
pub fn to_elk(input: &LayoutInput, visible: usize) -> Value {
    let k = input.clusters.len();
    let mut kids: Vec<Vec<Value>> = vec![Vec::new(); k + 1];
    let slot = |c: Option<usize>| c.map_or(k, |c| c);
    for (i, v) in input.nodes.iter().enumerate() {
        kids[slot(v.cluster)].push(json!({
            "id": format!("n{i}"), "width": v.width, "height": v.height,
        }));
    }
    // Children before parents: deepest clusters first.
    let depth = |mut c: usize| {
        let mut d = 0;
        while let Some(p) = input.clusters[c].parent {
            c = p;
            d += 1;
            if d > k {
                break;
            }
        }
        d
    };
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(depth(c)), c));
    let lr = input.direction == Direction::LeftToRight;
    let pad = input.cluster_padding;
    for c in order {
        let spec = &input.clusters[c];
        let children = std::mem::take(&mut kids[c]);
        let top = pad + spec.label_height;
        kids[slot(spec.parent)].push(json!({
            "id": format!("cluster_{c}"),
            "children": children,
            "layoutOptions": {
                "elk.padding": format!("[top={top},left={pad},bottom={pad},right={pad}]"),
                "elk.nodeSize.constraints": "MINIMUM_SIZE",
                "elk.nodeSize.minimum": format!("({}, {})", spec.label_width + 2.0 * pad, top + pad),
            },
        }));
    }
    let edges: Vec<Value> = input
        .edges
        .iter()
        .enumerate()
        .take(visible)
        .map(|(i, e)| {
            let mut v = json!({
                "id": format!("e{i}"),
                "sources": [format!("n{}", e.from)],
                "targets": [format!("n{}", e.to)],
            });
            if let Some((w, h)) = e.label {
                v["labels"] = json!([{ "text": "", "width": w, "height": h }]);
            }
            v
        })
        .collect();
    json!({
        "id": "root",
        "layoutOptions": {
            "elk.algorithm": "layered",
            "elk.direction": if lr { "RIGHT" } else { "DOWN" },
            "elk.hierarchyHandling": "INCLUDE_CHILDREN",
            "elk.edgeRouting": "ORTHOGONAL",
            "elk.spacing.nodeNode": input.node_sep,
            "elk.layered.spacing.nodeNodeBetweenLayers": input.rank_sep,
            "elk.spacing.edgeLabel": 4,
            "elk.edgeLabels.placement": "CENTER",
            "elk.json.edgeCoords": "ROOT",
            "elk.json.shapeCoords": "ROOT",
        },
        "children": std::mem::take(&mut kids[k]),
        "edges": edges,
    })
}

/// Reads ELK's laid-out graph (from [`to_elk`]) back.
///
/// # Errors
///
/// A message when the JSON does not have the expected shape.
pub fn from_elk(input: &LayoutInput, visible: usize, out: &Value) -> Result<Drawing, String> {
    let mut nodes: Vec<Option<DrawnNode>> = vec![None; input.nodes.len()];
    let mut clusters = vec![Rect::default(); input.clusters.len()];
    let mut edges: Vec<Option<DrawnEdge>> = vec![None; visible];
    let f = |v: &Value| v.as_f64().unwrap_or_default();
    let pt = |v: &Value| Point {
        x: f(&v["x"]),
        y: f(&v["y"]),
    };
    let mut stack = vec![out];
    while let Some(g) = stack.pop() {
        for c in g["children"].as_array().into_iter().flatten() {
            let id = c["id"].as_str().unwrap_or_default();
            let r = Rect {
                x: f(&c["x"]),
                y: f(&c["y"]),
                width: f(&c["width"]),
                height: f(&c["height"]),
            };
            if let Some(i) = id.strip_prefix("cluster_") {
                let i: usize = i.parse().map_err(|_| format!("bad cluster {id}"))?;
                *clusters.get_mut(i).ok_or("cluster out of range")? = r;
                stack.push(c);
            } else if let Some(i) = id.strip_prefix('n') {
                let i: usize = i.parse().map_err(|_| format!("bad node {id}"))?;
                let spec = input.nodes.get(i).ok_or("node out of range")?;
                nodes[i] = Some(DrawnNode {
                    centre: Point {
                        x: r.x + r.width / 2.0,
                        y: r.y + r.height / 2.0,
                    },
                    width: spec.width,
                    height: spec.height,
                    outline: Outline::Rect,
                    cluster: spec.cluster,
                });
            }
        }
        for e in g["edges"].as_array().into_iter().flatten() {
            let id = e["id"].as_str().unwrap_or_default();
            let i: usize = id
                .strip_prefix('e')
                .and_then(|s| s.parse().ok())
                .ok_or("bad edge id")?;
            let spec = input.edges.get(i).ok_or("edge out of range")?;
            let mut points = Vec::new();
            for s in e["sections"].as_array().into_iter().flatten() {
                points.push(pt(&s["startPoint"]));
                for b in s["bendPoints"].as_array().into_iter().flatten() {
                    points.push(pt(b));
                }
                points.push(pt(&s["endPoint"]));
            }
            let label = e["labels"]
                .as_array()
                .and_then(|l| l.first())
                .map(|l| Rect {
                    x: f(&l["x"]),
                    y: f(&l["y"]),
                    width: f(&l["width"]),
                    height: f(&l["height"]),
                });
            if let Some(slot) = edges.get_mut(i) {
                *slot = Some(DrawnEdge {
                    from: spec.from,
                    to: spec.to,
                    points,
                    label,
                });
            }
        }
    }
    Ok(Drawing {
        nodes: nodes
            .into_iter()
            .collect::<Option<_>>()
            .ok_or("a node is missing")?,
        clusters,
        cluster_parent: input.clusters.iter().map(|c| c.parent).collect(),
        direction: input.direction,
        edges: edges
            .into_iter()
            .collect::<Option<_>>()
            .ok_or("an edge is missing")?,
    })
}

/// The routing a name on the command line stands for.
#[must_use]
pub fn routing(name: &str) -> Option<EdgeRouting> {
    match name {
        "orthogonal" => Some(EdgeRouting::Orthogonal),
        "polyline" => Some(EdgeRouting::Polyline),
        "spline" => Some(EdgeRouting::Spline),
        _ => None,
    }
}
