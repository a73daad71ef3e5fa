//! Edge routes and the final frame: polylines through the dummies, clipped at
//! node borders, then everything turned to the requested direction and moved
//! so the bounding box starts at the origin.

use std::collections::BTreeMap;

use super::build::{LABEL_GAP, Layered, Route, internal};
use super::position::Placed;
use super::{Direction, EdgeRoute, Layout, LayoutInput, Point, Rect};

/// Distance between parallel edges drawn side by side.
const PARALLEL_GAP: f64 = 8.0;

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// The point where the segment from the centre `c` of a `w × h` box towards
/// `to` leaves the box.
fn clip(c: Point, (w, h): (f64, f64), to: Point) -> Point {
    let (dx, dy) = (to.x - c.x, to.y - c.y);
    let tx = if dx == 0.0 {
        f64::INFINITY
    } else {
        (w / 2.0) / dx.abs()
    };
    let ty = if dy == 0.0 {
        f64::INFINITY
    } else {
        (h / 2.0) / dy.abs()
    };
    let t = tx.min(ty).min(1.0);
    if t.is_finite() {
        pt(c.x + t * dx, c.y + t * dy)
    } else {
        c
    }
}

/// Drops interior points that lie on the straight line through their
/// neighbours.
fn simplify(points: &mut Vec<Point>) {
    if points.len() < 3 {
        return;
    }
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    out.push(points[0]);
    for i in 1..points.len() - 1 {
        let (a, b, c) = (out[out.len() - 1], points[i], points[i + 1]);
        let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
        let scale = (b.x - a.x).abs() + (b.y - a.y).abs() + (c.x - b.x).abs() + (c.y - b.y).abs();
        let forward = (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) >= 0.0;
        if cross.abs() > 1e-9 * scale.max(1.0) || !forward {
            out.push(b);
        }
    }
    out.push(points[points.len() - 1]);
    *points = out;
}

/// Middle of a polyline by length.
fn midpoint(points: &[Point]) -> Point {
    let len: f64 = points
        .windows(2)
        .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
        .sum();
    let mut rest = len / 2.0;
    for w in points.windows(2) {
        let l = (w[1].x - w[0].x).hypot(w[1].y - w[0].y);
        if l >= rest && l > 0.0 {
            let t = rest / l;
            return pt(
                w[0].x + t * (w[1].x - w[0].x),
                w[0].y + t * (w[1].y - w[0].y),
            );
        }
        rest -= l;
    }
    points.first().copied().unwrap_or_default()
}

pub(crate) fn finish(input: &LayoutInput, g: &Layered, p: &Placed) -> Layout {
    let dir = input.direction;
    let centre = |v: usize| {
        let r = g.nodes[v].rank;
        pt(p.x[v], p.band_top[r] + p.band_height[r] / 2.0)
    };
    let mut pos = vec![0usize; g.nodes.len()];
    for row in &p.order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }

    // Parallel edges between nodes on adjacent ranks would draw on top of
    // each other: spread them side by side along their end nodes' borders.
    let mut parallel: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, route) in g.routes.iter().enumerate() {
        if let Route::Chain { nodes, .. } = route
            && nodes.len() == 2
        {
            parallel.entry((nodes[0], nodes[1])).or_default().push(i);
        }
    }
    let mut offset = vec![0.0f64; g.routes.len()];
    for (&(a, b), edges) in &parallel {
        if edges.len() > 1 {
            let k = edges.len() as f64;
            let room = g.size[a].0.min(g.size[b].0) / (k + 1.0);
            let step = room.min(PARALLEL_GAP);
            for (j, &i) in edges.iter().enumerate() {
                offset[i] = (j as f64 - (k - 1.0) / 2.0) * step;
            }
        }
    }

    let mut routes: Vec<EdgeRoute> = Vec::with_capacity(input.edges.len());
    for (i, (e, route)) in input.edges.iter().zip(&g.routes).enumerate() {
        let label = e.label.map(|l| internal(dir, l));
        let (u, v) = (e.from, e.to);
        let r = match route {
            Route::Chain {
                nodes,
                reversed,
                label: label_node,
            } => {
                let first = nodes[0];
                let last = nodes[nodes.len() - 1];
                let mut points = vec![centre(first)];
                for &d in &nodes[1..nodes.len() - 1] {
                    let r = g.nodes[d].rank;
                    let (top, h) = (p.band_top[r], p.band_height[r]);
                    points.push(pt(p.x[d], top));
                    if h > 0.0 {
                        points.push(pt(p.x[d], top + h));
                    }
                }
                points.push(centre(last));
                let k = points.len();
                if offset[i] == 0.0 {
                    points[0] = clip(points[0], g.size[first], points[1]);
                    points[k - 1] = clip(points[k - 1], g.size[last], points[k - 2]);
                } else {
                    // Straight down from the bottom border to the top border.
                    let (a, b) = (points[0], points[1]);
                    points[0] = pt(a.x + offset[i], a.y + g.size[first].1 / 2.0);
                    points[1] = pt(b.x + offset[i], b.y - g.size[last].1 / 2.0);
                }
                simplify(&mut points);
                let label_pos = match (label, label_node) {
                    (Some((lw, _)), Some(d)) => {
                        Some(pt(p.x[*d] + LABEL_GAP + lw / 2.0, centre(*d).y))
                    }
                    (Some((lw, _)), None) => {
                        let m = midpoint(&points);
                        Some(pt(m.x + LABEL_GAP + lw / 2.0, m.y))
                    }
                    _ => None,
                };
                if *reversed {
                    points.reverse();
                }
                EdgeRoute { points, label_pos }
            }
            Route::Flat => {
                let (cu, cv) = (centre(u), centre(v));
                let (su, sv) = (g.size[u], g.size[v]);
                let (a, b, sa, sb) = if cu.x <= cv.x {
                    (cu, cv, su, sv)
                } else {
                    (cv, cu, sv, su)
                };
                let mut points = if pos[u].abs_diff(pos[v]) == 1 {
                    vec![pt(a.x + sa.0 / 2.0, a.y), pt(b.x - sb.0 / 2.0, b.y)]
                } else {
                    // Over the top of the rank, through the gap above it.
                    let r = g.nodes[u].rank;
                    let y = p.band_top[r] - g.rank_sep / 3.0;
                    vec![
                        pt(a.x, a.y - sa.1 / 2.0),
                        pt(a.x, y),
                        pt(b.x, y),
                        pt(b.x, b.y - sb.1 / 2.0),
                    ]
                };
                let label_pos = label.map(|(_, lh)| {
                    let m = midpoint(&points);
                    let top = points.iter().map(|q| q.y).fold(f64::INFINITY, f64::min);
                    pt(m.x, top - LABEL_GAP - lh / 2.0)
                });
                if cu.x > cv.x {
                    points.reverse();
                }
                EdgeRoute { points, label_pos }
            }
            Route::Loop { reach, .. } => {
                let c = centre(u);
                let (w, h) = g.size[u];
                let xr = c.x + w / 2.0;
                let dy = h / 4.0;
                let points = vec![
                    pt(xr, c.y - dy),
                    pt(xr + reach, c.y - dy),
                    pt(xr + reach, c.y + dy),
                    pt(xr, c.y + dy),
                ];
                let label_pos = label.map(|(lw, _)| pt(xr + reach + LABEL_GAP + lw / 2.0, c.y));
                EdgeRoute { points, label_pos }
            }
        };
        routes.push(r);
    }

    // To the drawn frame.
    let flip = |q: Point| match dir {
        Direction::TopToBottom => q,
        Direction::LeftToRight => pt(q.y, q.x),
    };
    let flip_rect = |r: Rect| match dir {
        Direction::TopToBottom => r,
        Direction::LeftToRight => Rect {
            x: r.y,
            y: r.x,
            width: r.height,
            height: r.width,
        },
    };
    let mut nodes: Vec<Point> = (0..input.nodes.len()).map(|v| flip(centre(v))).collect();
    let mut clusters: Vec<Rect> = p.clusters.iter().map(|&r| flip_rect(r)).collect();
    let mut cluster_labels: Vec<Point> = p.cluster_labels.iter().map(|&q| flip(q)).collect();
    for r in &mut routes {
        for q in &mut r.points {
            *q = flip(*q);
        }
        r.label_pos = r.label_pos.map(flip);
    }

    // Bounding box of everything drawn.
    let mut lo = pt(f64::INFINITY, f64::INFINITY);
    let mut hi = pt(f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut add = |x0: f64, y0: f64, x1: f64, y1: f64| {
        lo.x = lo.x.min(x0);
        lo.y = lo.y.min(y0);
        hi.x = hi.x.max(x1);
        hi.y = hi.y.max(y1);
    };
    for (c, s) in nodes.iter().zip(&input.nodes) {
        add(
            c.x - s.width / 2.0,
            c.y - s.height / 2.0,
            c.x + s.width / 2.0,
            c.y + s.height / 2.0,
        );
    }
    for r in &clusters {
        add(r.x, r.y, r.x + r.width, r.y + r.height);
    }
    for (r, e) in routes.iter().zip(&input.edges) {
        for q in &r.points {
            add(q.x, q.y, q.x, q.y);
        }
        if let (Some(c), Some((w, h))) = (r.label_pos, e.label) {
            add(c.x - w / 2.0, c.y - h / 2.0, c.x + w / 2.0, c.y + h / 2.0);
        }
    }
    if !lo.x.is_finite() {
        lo = pt(0.0, 0.0);
        hi = pt(0.0, 0.0);
    }
    let shift = |q: &mut Point| {
        q.x -= lo.x;
        q.y -= lo.y;
    };
    nodes.iter_mut().for_each(shift);
    cluster_labels.iter_mut().for_each(shift);
    for r in &mut clusters {
        r.x -= lo.x;
        r.y -= lo.y;
    }
    for r in &mut routes {
        r.points.iter_mut().for_each(shift);
        if let Some(q) = &mut r.label_pos {
            shift(q);
        }
    }
    Layout {
        width: hi.x - lo.x,
        height: hi.y - lo.y,
        nodes,
        clusters,
        cluster_labels,
        edges: routes,
    }
}
