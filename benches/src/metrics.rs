//! Quality measures of a finished drawing, whichever engine made it: one
//! implementation reads the final geometry (node outlines, cluster boxes,
//! edge lines as drawn, label boxes) of ecograph's, Graphviz's and ELK's
//! drawings alike.

use ecograph_render::layout::{Direction, Outline, Point, Rect, distance_to_boundary};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

/// A drawn node.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnNode {
    /// Centre.
    pub centre: Point,
    /// Width of its box.
    pub width: f64,
    /// Height of its box.
    pub height: f64,
    /// The outline drawn inside the box.
    pub outline: Outline,
    /// Innermost cluster.
    pub cluster: Option<usize>,
}

impl DrawnNode {
    /// The node's box.
    #[must_use]
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.centre.x - self.width / 2.0,
            y: self.centre.y - self.height / 2.0,
            width: self.width,
            height: self.height,
        }
    }
}

/// A drawn edge: its ends and the line as drawn (curves sampled).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnEdge {
    /// Source node.
    pub from: usize,
    /// Target node.
    pub to: usize,
    /// The line, from the source's outline to the target's (arrow tip).
    pub points: Vec<Point>,
    /// The label's box, if it has one.
    pub label: Option<Rect>,
}

/// A finished drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawing {
    /// Nodes.
    pub nodes: Vec<DrawnNode>,
    /// Cluster boxes.
    pub clusters: Vec<Rect>,
    /// Parent of each cluster.
    pub cluster_parent: Vec<Option<usize>>,
    /// Edges (visible ones only).
    pub edges: Vec<DrawnEdge>,
    /// Which way the engine was asked to point edges.
    pub direction: Direction,
}

/// What is measured on one drawing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// Proper crossings between lines of edges that share no node.
    pub crossings: u64,
    /// Width of the bounding box of everything drawn.
    pub width: f64,
    /// Height of that box.
    pub height: f64,
    /// (edge, node) pairs where the edge's line enters the node's box (by
    /// more than 1 px) and the node is not an end of the edge.
    pub through_nodes: u64,
    /// Crossings of a cluster's border beyond what the edge's ends demand
    /// (one crossing when exactly one end is inside, none otherwise).
    pub needless_border_crossings: u64,
    /// (label, edge) pairs where another edge's line enters the label's box
    /// (by more than 1 px).
    pub labels_crossed: u64,
    /// Edge ends further than 1 px from their node's drawn outline.
    pub ends_off_outline: u64,
    /// Pairs of edges that share no node whose lines run within [`NEAR`] of
    /// each other for more than [`ALONG`] in all: lines drawn over each
    /// other, which the eye cannot tell apart.
    pub lines_along: u64,
    /// Edges drawn against the direction: edges on no cycle of the drawn
    /// graph (their ends in different strongly connected components;
    /// self-loops left out) whose head's centre is above their tail's
    /// (left of it in a left-to-right drawing) by more than 1 px. A
    /// layering that keeps every such edge pointing along the direction has
    /// none.
    pub against_direction: u64,
    /// Total length of all edge lines.
    pub length: f64,
    /// Corners of the edge lines: vertices turning by more than 5° once
    /// each line is simplified to 2 px (Douglas–Peucker), so a sampled
    /// curve counts its visible bends, not its samples.
    pub bends: u64,
}

impl Metrics {
    /// Area of the bounding box.
    #[must_use]
    pub fn area(&self) -> f64 {
        self.width * self.height
    }

    /// Long side over short side of the bounding box (1 for a square).
    #[must_use]
    pub fn aspect(&self) -> f64 {
        let (a, b) = (self.width.max(self.height), self.width.min(self.height));
        if b > 0.0 { a / b } else { 1.0 }
    }

    /// Width over height.
    #[must_use]
    pub fn width_over_height(&self) -> f64 {
        if self.height > 0.0 {
            self.width / self.height
        } else {
            1.0
        }
    }
}

/// Tolerance of the containment tests: a line must enter a box by more
/// than this to count.
const TOLERANCE: f64 = 1.0;

/// Two lines closer than this (px) are drawn over each other: strokes are
/// 1-1.5 px wide.
pub const NEAR: f64 = 2.0;
/// Length (px) two lines must run within [`NEAR`] of each other for a pair
/// in [`Metrics::lines_along`]: more than where two lines cross at a
/// shallow angle, or touch beside a shared port.
pub const ALONG: f64 = 20.0;

impl Drawing {
    /// Measures the drawing.
    #[must_use]
    pub fn measure(&self) -> Metrics {
        let (width, height) = self.size();
        Metrics {
            crossings: self.crossings(),
            width,
            height,
            through_nodes: self.through_nodes(),
            needless_border_crossings: self.needless_border_crossings(),
            labels_crossed: self.labels_crossed(),
            ends_off_outline: self.ends_off_outline(),
            lines_along: self.lines_along(),
            against_direction: self.against_direction(),
            length: self
                .edges
                .iter()
                .flat_map(|e| e.points.windows(2))
                .map(|w| dist(w[0], w[1]))
                .sum(),
            bends: self.edges.iter().map(|e| bends(&e.points)).sum(),
        }
    }

    /// Width and height of the bounding box of nodes, clusters, lines and
    /// labels.
    #[must_use]
    pub fn size(&self) -> (f64, f64) {
        let mut lo = (f64::INFINITY, f64::INFINITY);
        let mut hi = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let mut add = |r: Rect| {
            lo = (lo.0.min(r.x), lo.1.min(r.y));
            hi = (hi.0.max(r.x + r.width), hi.1.max(r.y + r.height));
        };
        self.nodes.iter().for_each(|n| add(n.rect()));
        self.clusters.iter().copied().for_each(&mut add);
        for e in &self.edges {
            for p in &e.points {
                add(Rect {
                    x: p.x,
                    y: p.y,
                    width: 0.0,
                    height: 0.0,
                });
            }
            if let Some(l) = e.label {
                add(l);
            }
        }
        if lo.0.is_finite() {
            (hi.0 - lo.0, hi.1 - lo.1)
        } else {
            (0.0, 0.0)
        }
    }

    fn share_node(&self, a: usize, b: usize) -> bool {
        let (e, f) = (&self.edges[a], &self.edges[b]);
        e.from == f.from || e.from == f.to || e.to == f.from || e.to == f.to
    }

    /// Crossings between lines of edges that share no node, found with a
    /// uniform grid (each crossing counted in the cell holding its point).
    fn crossings(&self) -> u64 {
        let segs = self.segments();
        if segs.len() < 2 {
            return 0;
        }
        let grid = Grid::new(segs.iter().map(|&(_, a, b)| seg_box(a, b)));
        let mut total = 0;
        self.pairs_in_cells(&grid, &segs, |ci, s, t| {
            let ((_, a, b), (_, c, d)) = (segs[s], segs[t]);
            if let Some(p) = intersect(a, b, c, d)
                && grid.cell_of(p) == ci
            {
                total += 1;
            }
        });
        total
    }

    /// Every segment of every edge line, with its edge.
    fn segments(&self) -> Vec<(usize, Point, Point)> {
        self.edges
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.points.windows(2).map(move |w| (i, w[0], w[1])))
            .collect()
    }

    /// Calls `f` with the cell and the indices into `segs` of every pair of
    /// segments that share a cell of `grid` (once per shared cell) and
    /// belong to edges that share no node.
    fn pairs_in_cells(
        &self,
        grid: &Grid,
        segs: &[(usize, Point, Point)],
        mut f: impl FnMut(usize, usize, usize),
    ) {
        for (ci, bucket) in grid.cells.iter().enumerate() {
            for (i, &s) in bucket.iter().enumerate() {
                for &t in &bucket[i + 1..] {
                    let (es, et) = (segs[s].0, segs[t].0);
                    if es != et && !self.share_node(es, et) {
                        f(ci, s, t);
                    }
                }
            }
        }
    }

    fn through_nodes(&self) -> u64 {
        let grid = Grid::new(self.nodes.iter().map(DrawnNode::rect));
        let mut total = 0;
        let mut hit: Vec<usize> = Vec::new();
        for e in &self.edges {
            hit.clear();
            for w in e.points.windows(2) {
                for v in grid.overlapping(seg_box(w[0], w[1])) {
                    if v != e.from
                        && v != e.to
                        && enters(w[0], w[1], shrink(self.nodes[v].rect(), TOLERANCE))
                    {
                        hit.push(v);
                    }
                }
            }
            hit.sort_unstable();
            hit.dedup();
            total += hit.len() as u64;
        }
        total
    }

    /// Whether node `v` lies inside cluster `c` (at any depth).
    fn inside(&self, v: usize, c: usize) -> bool {
        let mut k = self.nodes[v].cluster;
        let mut steps = 0;
        while let Some(i) = k {
            if i == c {
                return true;
            }
            steps += 1;
            if steps > self.clusters.len() {
                break;
            }
            k = self.cluster_parent.get(i).copied().flatten();
        }
        false
    }

    fn needless_border_crossings(&self) -> u64 {
        let mut total = 0;
        for e in &self.edges {
            for (c, &r) in self.clusters.iter().enumerate() {
                let needed = u64::from(self.inside(e.from, c) != self.inside(e.to, c));
                let open = shrink(r, 0.5);
                let mut count = 0u64;
                for w in e.points.windows(2) {
                    let (a, b) = (contains(open, w[0]), contains(open, w[1]));
                    if a != b {
                        count += 1;
                    } else if !a && enters(w[0], w[1], open) {
                        count += 2;
                    }
                }
                total += count.saturating_sub(needed);
            }
        }
        total
    }

    fn labels_crossed(&self) -> u64 {
        let mut total = 0;
        for (i, e) in self.edges.iter().enumerate() {
            let Some(label) = e.label else { continue };
            let inner = shrink(label, TOLERANCE);
            for (j, f) in self.edges.iter().enumerate() {
                if i != j && f.points.windows(2).any(|w| enters(w[0], w[1], inner)) {
                    total += 1;
                }
            }
        }
        total
    }

    fn against_direction(&self) -> u64 {
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        for _ in &self.nodes {
            g.add_node(());
        }
        for e in &self.edges {
            g.add_edge(NodeIndex::new(e.from), NodeIndex::new(e.to), ());
        }
        let mut component = vec![0usize; self.nodes.len()];
        for (c, members) in kosaraju_scc(&g).iter().enumerate() {
            for v in members {
                component[v.index()] = c;
            }
        }
        let along = |p: Point| match self.direction {
            Direction::LeftToRight => p.x,
            _ => p.y,
        };
        self.edges
            .iter()
            .filter(|e| {
                component[e.from] != component[e.to]
                    && along(self.nodes[e.to].centre) < along(self.nodes[e.from].centre) - TOLERANCE
            })
            .count() as u64
    }

    /// [`Metrics::lines_along`]: segment pairs found with a grid of their
    /// boxes grown by [`NEAR`], each pair weighed once (in the cell of the
    /// low corner of the two grown boxes' overlap), by the shorter of the
    /// two lengths along which each lies within [`NEAR`] of the other.
    fn lines_along(&self) -> u64 {
        let segs = self.segments();
        let grown: Vec<Rect> = segs
            .iter()
            .map(|&(_, a, b)| {
                let r = seg_box(a, b);
                Rect {
                    x: r.x - NEAR,
                    y: r.y - NEAR,
                    width: r.width + 2.0 * NEAR,
                    height: r.height + 2.0 * NEAR,
                }
            })
            .collect();
        let grid = Grid::new(grown.iter().copied());
        let mut near: std::collections::BTreeMap<(usize, usize), f64> =
            std::collections::BTreeMap::new();
        self.pairs_in_cells(&grid, &segs, |ci, s, t| {
            let ((es, a, b), (et, c, d)) = (segs[s], segs[t]);
            let (r, q) = (grown[s], grown[t]);
            let low = Point {
                x: r.x.max(q.x),
                y: r.y.max(q.y),
            };
            if low.x > (r.x + r.width).min(q.x + q.width)
                || low.y > (r.y + r.height).min(q.y + q.height)
                || grid.cell_of(low) != ci
            {
                return;
            }
            let len = within(a, b, c, d, NEAR).min(within(c, d, a, b, NEAR));
            if len > 0.0 {
                *near.entry((es.min(et), es.max(et))).or_insert(0.0) += len;
            }
        });
        near.values().filter(|&&len| len > ALONG).count() as u64
    }

    fn ends_off_outline(&self) -> u64 {
        let mut total = 0;
        for e in &self.edges {
            let (Some(&first), Some(&last)) = (e.points.first(), e.points.last()) else {
                continue;
            };
            for (p, v) in [(first, e.from), (last, e.to)] {
                let n = &self.nodes[v];
                let r = n.rect();
                let poly = n.outline.polygon(r.x, r.y, r.width, r.height);
                if distance_to_boundary(&poly, p) > TOLERANCE {
                    total += 1;
                }
            }
        }
        total
    }
}

fn dist(a: Point, b: Point) -> f64 {
    (b.x - a.x).hypot(b.y - a.y)
}

fn shrink(r: Rect, by: f64) -> Rect {
    Rect {
        x: r.x + by,
        y: r.y + by,
        width: (r.width - 2.0 * by).max(0.0),
        height: (r.height - 2.0 * by).max(0.0),
    }
}

fn seg_box(a: Point, b: Point) -> Rect {
    Rect {
        x: a.x.min(b.x),
        y: a.y.min(b.y),
        width: (a.x - b.x).abs(),
        height: (a.y - b.y).abs(),
    }
}

/// Strictly inside the rectangle.
fn contains(r: Rect, p: Point) -> bool {
    p.x > r.x && p.x < r.x + r.width && p.y > r.y && p.y < r.y + r.height
}

/// Whether segment `ab` passes through the open interior of `r`
/// (Liang–Barsky clipping).
fn enters(a: Point, b: Point, r: Rect) -> bool {
    if r.width <= 0.0 || r.height <= 0.0 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.x - r.x),
        (dx, r.x + r.width - a.x),
        (-dy, a.y - r.y),
        (dy, r.y + r.height - a.y),
    ] {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t1 - t0 > 1e-9
}

/// Length of the part of segment `ab` within `near` of segment `cd`: the
/// points of `ab` inside the capsule round `cd` (a rectangle and two
/// disks), which is convex, so they form one interval of `ab`.
fn within(a: Point, b: Point, c: Point, d: Point, near: f64) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut take = |from: f64, to: f64| {
        let (from, to) = (from.max(0.0), to.min(1.0));
        if from <= to {
            lo = lo.min(from);
            hi = hi.max(to);
        }
    };
    // The two disks: |a + u (b - a) - centre| <= near.
    for centre in [c, d] {
        let (ox, oy) = (a.x - centre.x, a.y - centre.y);
        let qa = len * len;
        let qb = 2.0 * (ox * dx + oy * dy);
        let qc = ox * ox + oy * oy - near * near;
        let disc = qb * qb - 4.0 * qa * qc;
        if disc >= 0.0 {
            let root = disc.sqrt();
            take((-qb - root) / (2.0 * qa), (-qb + root) / (2.0 * qa));
        }
    }
    // The rectangle: along `cd` within its length, across within `near`.
    let (wx, wy) = (d.x - c.x, d.y - c.y);
    let span = wx.hypot(wy);
    if span > 0.0 {
        let (wx, wy) = (wx / span, wy / span);
        let (ox, oy) = (a.x - c.x, a.y - c.y);
        // along(u) = a0 + u a1, across(u) = b0 + u b1.
        let (a0, a1) = (ox * wx + oy * wy, dx * wx + dy * wy);
        let (b0, b1) = (-ox * wy + oy * wx, -dx * wy + dy * wx);
        let (mut from, mut to) = (0.0f64, 1.0f64);
        for (v0, v1, min, max) in [(a0, a1, 0.0, span), (b0, b1, -near, near)] {
            if v1 == 0.0 {
                if v0 < min || v0 > max {
                    (from, to) = (1.0, 0.0);
                }
            } else {
                let (u, w) = ((min - v0) / v1, (max - v0) / v1);
                from = from.max(u.min(w));
                to = to.min(u.max(w));
            }
        }
        take(from, to);
    }
    if lo <= hi { (hi - lo) * len } else { 0.0 }
}

/// Proper intersection point of segments `ab` and `cd`, if any.
fn intersect(a: Point, b: Point, c: Point, d: Point) -> Option<Point> {
    let (rx, ry) = (b.x - a.x, b.y - a.y);
    let (sx, sy) = (d.x - c.x, d.y - c.y);
    let den = rx * sy - ry * sx;
    if den.abs() < 1e-12 {
        return None; // parallel or collinear: touching, not crossing
    }
    let (qx, qy) = (c.x - a.x, c.y - a.y);
    let t = (qx * sy - qy * sx) / den;
    let u = (qx * ry - qy * rx) / den;
    // Half-open on the far end so a crossing at a shared polyline vertex
    // counts once.
    ((0.0..1.0).contains(&t) && (0.0..1.0).contains(&u)).then_some(Point {
        x: a.x + t * rx,
        y: a.y + t * ry,
    })
}

/// Corners of a line: vertices turning by more than 5° after a 2 px
/// Douglas–Peucker simplification.
#[must_use]
pub fn bends(points: &[Point]) -> u64 {
    let kept = simplify(points, 2.0);
    kept.windows(3)
        .filter(|w| {
            let (a, b, c) = (w[0], w[1], w[2]);
            let (ux, uy, vx, vy) = (b.x - a.x, b.y - a.y, c.x - b.x, c.y - b.y);
            let turn = (ux * vy - uy * vx).atan2(ux * vx + uy * vy).abs();
            turn > 5f64.to_radians()
        })
        .count() as u64
}

/// Douglas–Peucker with an explicit stack.
fn simplify(points: &[Point], tolerance: f64) -> Vec<Point> {
    let n = points.len();
    if n < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((i, j)) = stack.pop() {
        let (mut far, mut at) = (0.0, i);
        for k in i + 1..j {
            let d = ecograph_render::layout::distance_to_segment(points[k], points[i], points[j]);
            if d > far {
                far = d;
                at = k;
            }
        }
        if far > tolerance {
            keep[at] = true;
            stack.push((i, at));
            stack.push((at, j));
        }
    }
    points
        .iter()
        .zip(&keep)
        .filter(|&(_, &k)| k)
        .map(|(&p, _)| p)
        .collect()
}

/// A uniform grid over boxes, for finding neighbours fast.
struct Grid {
    x0: f64,
    y0: f64,
    cw: f64,
    ch: f64,
    side: usize,
    cells: Vec<Vec<usize>>,
}

impl Grid {
    fn new(boxes: impl Iterator<Item = Rect> + Clone) -> Grid {
        let count = boxes.clone().count();
        let (mut x0, mut y0, mut x1, mut y1) = (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        );
        for r in boxes.clone() {
            x0 = x0.min(r.x);
            y0 = y0.min(r.y);
            x1 = x1.max(r.x + r.width);
            y1 = y1.max(r.y + r.height);
        }
        if !x0.is_finite() {
            (x0, y0, x1, y1) = (0.0, 0.0, 1.0, 1.0);
        }
        let side = ((count as f64).sqrt().ceil() as usize).clamp(1, 512);
        let mut g = Grid {
            x0,
            y0,
            cw: ((x1 - x0) / side as f64).max(1e-9),
            ch: ((y1 - y0) / side as f64).max(1e-9),
            side,
            cells: vec![Vec::new(); side * side],
        };
        for (k, r) in boxes.enumerate() {
            let (ax, ay) = g.xy(r.x, r.y);
            let (bx, by) = g.xy(r.x + r.width, r.y + r.height);
            for cy in ay..=by {
                for cx in ax..=bx {
                    g.cells[cy * side + cx].push(k);
                }
            }
        }
        g
    }

    fn xy(&self, x: f64, y: f64) -> (usize, usize) {
        let c = |v: f64, o: f64, s: f64| (((v - o) / s).max(0.0) as usize).min(self.side - 1);
        (c(x, self.x0, self.cw), c(y, self.y0, self.ch))
    }

    fn cell_of(&self, p: Point) -> usize {
        let (cx, cy) = self.xy(p.x, p.y);
        cy * self.side + cx
    }

    /// Indices of boxes in the cells `r` touches (with repeats).
    fn overlapping(&self, r: Rect) -> impl Iterator<Item = usize> + '_ {
        let (ax, ay) = self.xy(r.x, r.y);
        let (bx, by) = self.xy(r.x + r.width, r.y + r.height);
        let mut seen: Vec<usize> = (ay..=by)
            .flat_map(move |cy| (ax..=bx).map(move |cx| cy * self.side + cx))
            .flat_map(|c| self.cells[c].iter().copied())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    fn node(x: f64, y: f64, cluster: Option<usize>) -> DrawnNode {
        DrawnNode {
            centre: pt(x, y),
            width: 40.0,
            height: 20.0,
            outline: Outline::Rect,
            cluster,
        }
    }

    fn edge(from: usize, to: usize, points: &[(f64, f64)]) -> DrawnEdge {
        DrawnEdge {
            from,
            to,
            points: points.iter().map(|&(x, y)| pt(x, y)).collect(),
            label: None,
        }
    }

    /// Four nodes in a square; two diagonals cross once, a straight edge
    /// from the top left to the bottom left does not cross anything.
    #[test]
    fn crossings_and_size() {
        let d = Drawing {
            nodes: vec![
                node(20.0, 10.0, None),
                node(120.0, 10.0, None),
                node(20.0, 110.0, None),
                node(120.0, 110.0, None),
            ],
            edges: vec![
                edge(0, 3, &[(20.0, 20.0), (120.0, 100.0)]),
                edge(1, 2, &[(120.0, 20.0), (20.0, 100.0)]),
                edge(0, 2, &[(20.0, 20.0), (20.0, 100.0)]),
            ],
            ..Drawing::default()
        };
        let m = d.measure();
        assert_eq!(m.crossings, 1);
        assert_eq!((m.width, m.height), (140.0, 120.0));
        assert_eq!(m.through_nodes, 0);
        assert_eq!(m.ends_off_outline, 0);
        assert_eq!(m.bends, 0);
        let diagonal = 100f64.hypot(80.0);
        assert!((m.length - (2.0 * diagonal + 80.0)).abs() < 1e-9);
        assert!((m.aspect() - 140.0 / 120.0).abs() < 1e-12);
    }

    /// An edge from node 0 to node 2 straight through node 1, and one that
    /// stops 3 px short of its target.
    #[test]
    fn edges_through_nodes_and_ends_off_the_outline() {
        let d = Drawing {
            nodes: vec![
                node(20.0, 10.0, None),
                node(20.0, 60.0, None),
                node(20.0, 110.0, None),
            ],
            edges: vec![
                edge(0, 2, &[(20.0, 20.0), (20.0, 100.0)]),
                edge(0, 1, &[(30.0, 20.0), (30.0, 47.0)]),
            ],
            ..Drawing::default()
        };
        let m = d.measure();
        assert_eq!(m.through_nodes, 1);
        assert_eq!(m.ends_off_outline, 1);
    }

    /// A parallelogram's bottom right corner of the box is empty: an end
    /// there is off the drawn outline, one on the slanted side is on it.
    #[test]
    fn ends_are_measured_against_the_drawn_shape() {
        let mut a = node(50.0, 20.0, None);
        a.width = 100.0;
        a.height = 40.0;
        a.outline = Outline::Parallelogram;
        let b = node(50.0, 200.0, None);
        // The right side runs from (100, 0) to (86, 40).
        let on_side = (100.0 - 5.0 / 40.0 * 14.0, 5.0);
        let d = Drawing {
            nodes: vec![a, b],
            edges: vec![
                edge(0, 1, &[(95.0, 40.0), (50.0, 190.0)]),
                edge(0, 1, &[on_side, (50.0, 190.0)]),
            ],
            ..Drawing::default()
        };
        assert_eq!(d.measure().ends_off_outline, 1);
    }

    /// Cluster 0 holds node 0; cluster 1 holds nothing the edges end at.
    /// The edge out of cluster 0 crosses its border once (needed) and cuts
    /// through cluster 1 (two needless crossings); a second edge leaves and
    /// re-enters cluster 0 (two needless).
    #[test]
    fn needless_cluster_border_crossings() {
        let d = Drawing {
            nodes: vec![
                node(20.0, 20.0, Some(0)),
                node(300.0, 20.0, None),
                node(20.0, 60.0, Some(0)),
            ],
            clusters: vec![
                Rect {
                    x: 0.0,
                    y: 0.0,
                    width: 60.0,
                    height: 80.0,
                },
                Rect {
                    x: 100.0,
                    y: 0.0,
                    width: 60.0,
                    height: 40.0,
                },
            ],
            cluster_parent: vec![None, None],
            direction: Direction::TopToBottom,
            edges: vec![
                edge(0, 1, &[(40.0, 20.0), (280.0, 20.0)]),
                edge(
                    0,
                    2,
                    &[(40.0, 15.0), (80.0, 15.0), (80.0, 60.0), (40.0, 60.0)],
                ),
            ],
        };
        let m = d.measure();
        assert_eq!(m.needless_border_crossings, 4);
        assert_eq!(m.bends, 2);
    }

    /// A chain 0 → 1 → 2 with 2 drawn above 1, a two-cycle 2 ⇄ 3 and a
    /// self-loop: only the chain's 1 → 2 counts (the cycle's upward edge
    /// cannot point down, a loop has no direction); drawn left to right,
    /// the same nodes count by x.
    #[test]
    fn edges_against_the_direction() {
        let mut d = Drawing {
            nodes: vec![
                node(0.0, 100.0, None),
                node(50.0, 200.0, None),
                node(100.0, 0.0, None),
                node(150.0, 300.0, None),
            ],
            edges: vec![
                edge(0, 1, &[]),
                edge(1, 2, &[]),
                edge(2, 3, &[]),
                edge(3, 2, &[]),
                edge(1, 1, &[]),
            ],
            ..Drawing::default()
        };
        assert_eq!(d.measure().against_direction, 1);
        d.direction = Direction::LeftToRight;
        // x grows along every edge but the cycle's 3 → 2.
        assert_eq!(d.measure().against_direction, 0);
        d.nodes[2].centre.x = -10.0;
        assert_eq!(d.measure().against_direction, 1);
        // Within the 1 px tolerance, level is not against.
        d.nodes[2].centre.x = 49.5;
        assert_eq!(d.measure().against_direction, 0);
    }

    /// Two edges 1 px apart for 100 px are drawn over each other; the
    /// same two with 3 px between them, two crossing at a right angle, and
    /// two of one node (its fan) are not counted.
    #[test]
    fn lines_drawn_over_each_other() {
        let nodes = vec![
            node(0.0, 0.0, None),
            node(200.0, 0.0, None),
            node(0.0, 10.0, None),
            node(200.0, 10.0, None),
        ];
        let pair = |gap: f64| Drawing {
            nodes: nodes.clone(),
            edges: vec![
                edge(
                    0,
                    1,
                    &[(10.0, 0.0), (50.0, 50.0), (150.0, 50.0), (190.0, 0.0)],
                ),
                edge(
                    2,
                    3,
                    &[
                        (10.0, 10.0),
                        (50.0, 50.0 + gap),
                        (150.0, 50.0 + gap),
                        (190.0, 10.0),
                    ],
                ),
            ],
            ..Drawing::default()
        };
        assert_eq!(pair(1.0).measure().lines_along, 1);
        assert_eq!(pair(3.0).measure().lines_along, 0);
        let fan = Drawing {
            nodes: nodes.clone(),
            edges: vec![
                edge(0, 1, &[(10.0, 0.0), (150.0, 50.0), (190.0, 0.0)]),
                edge(0, 3, &[(10.0, 0.0), (150.0, 51.0), (190.0, 10.0)]),
            ],
            ..Drawing::default()
        };
        assert_eq!(fan.measure().lines_along, 0);
        let crossing = Drawing {
            nodes,
            edges: vec![
                edge(0, 1, &[(0.0, 50.0), (200.0, 50.0)]),
                edge(2, 3, &[(100.0, 0.0), (100.0, 100.0)]),
            ],
            ..Drawing::default()
        };
        assert_eq!(crossing.measure().lines_along, 0);
    }

    /// The length of `ab` within `near` of `cd`, by sampling `ab` finely.
    fn within_sampled(a: Point, b: Point, c: Point, d: Point, near: f64) -> f64 {
        const STEPS: usize = 20_000;
        let len = dist(a, b);
        let inside = (0..=STEPS)
            .filter(|&k| {
                let u = k as f64 / STEPS as f64;
                let p = pt(a.x + u * (b.x - a.x), a.y + u * (b.y - a.y));
                ecograph_render::layout::distance_to_segment(p, c, d) <= near
            })
            .count();
        // Each sample stands for 1/STEPS of the length (an interval of
        // k samples spans (k - 1) steps, and one more at most at its ends).
        len * inside.saturating_sub(1) as f64 / STEPS as f64
    }

    proptest::proptest! {
        /// The closed form of the part of a segment near another matches
        /// sampling it, to within two samples' length.
        #[test]
        fn within_matches_sampling(
            (ax, ay, bx, by) in (-50i32..50, -50i32..50, -50i32..50, -50i32..50),
            (cx, cy, dx, dy) in (-50i32..50, -50i32..50, -50i32..50, -50i32..50),
            near in 0.5f64..6.0,
        ) {
            let (a, b) = (pt(f64::from(ax), f64::from(ay)), pt(f64::from(bx), f64::from(by)));
            let (c, d) = (pt(f64::from(cx), f64::from(cy)), pt(f64::from(dx), f64::from(dy)));
            let exact = within(a, b, c, d, near);
            let sampled = within_sampled(a, b, c, d, near);
            let step = dist(a, b) / 20_000.0;
            proptest::prop_assert!((exact - sampled).abs() <= 2.0 * step + 1e-9,
                "exact {exact}, sampled {sampled}");
        }
    }

    proptest::proptest! {
        /// On small random graphs and positions, against a brute-force count:
        /// an edge lies on a cycle when its tail can be reached from its head.
        #[test]
        fn edges_against_the_direction_match_brute_force(
            n in 1usize..8,
            places in proptest::collection::vec((0u8..4, 0u8..4), 7),
            ends in proptest::collection::vec((0usize..7, 0usize..7), 0..12),
            lr in proptest::bool::ANY,
        ) {
            let nodes: Vec<DrawnNode> = places[..n]
                .iter()
                .map(|&(x, y)| node(10.0 * f64::from(x), 10.0 * f64::from(y), None))
                .collect();
            let edges: Vec<DrawnEdge> = ends.iter().map(|&(u, v)| edge(u % n, v % n, &[])).collect();
            let direction = if lr {
                Direction::LeftToRight
            } else {
                Direction::TopToBottom
            };
            let reaches = |from: usize, to: usize| {
                let mut seen = vec![false; n];
                let mut stack = vec![from];
                while let Some(v) = stack.pop() {
                    if v == to {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[v], true) {
                        stack.extend(edges.iter().filter(|e| e.from == v).map(|e| e.to));
                    }
                }
                false
            };
            let along = |v: usize| match direction {
                Direction::LeftToRight => nodes[v].centre.x,
                _ => nodes[v].centre.y,
            };
            let expected = edges
                .iter()
                .filter(|e| !reaches(e.to, e.from) && along(e.to) < along(e.from))
                .count() as u64;
            let d = Drawing {
                nodes,
                edges: edges.clone(),
                direction,
                ..Drawing::default()
            };
            proptest::prop_assert_eq!(d.measure().against_direction, expected, "{:?}", d);
        }
    }

    #[test]
    fn labels_crossed_by_other_edges() {
        let mut labelled = edge(0, 1, &[(20.0, 20.0), (20.0, 200.0)]);
        labelled.label = Some(Rect {
            x: 24.0,
            y: 100.0,
            width: 50.0,
            height: 14.0,
        });
        let d = Drawing {
            nodes: vec![
                node(20.0, 10.0, None),
                node(20.0, 210.0, None),
                node(200.0, 10.0, None),
                node(200.0, 210.0, None),
            ],
            edges: vec![
                labelled,
                // Crosses the label's box diagonally.
                edge(2, 1, &[(200.0, 20.0), (100.0, 30.0), (30.0, 200.0)]),
                // Passes far right of it.
                edge(2, 3, &[(200.0, 20.0), (200.0, 200.0)]),
            ],
            ..Drawing::default()
        };
        assert_eq!(d.measure().labels_crossed, 1);
    }

    #[test]
    fn sampled_curves_count_their_visible_bends() {
        // A quarter circle sampled at 32 points is one bend, not 30.
        let arc: Vec<Point> = (0..=32)
            .map(|i| {
                let a = f64::from(i) / 32.0 * std::f64::consts::FRAC_PI_2;
                pt(100.0 * a.cos(), 100.0 * a.sin())
            })
            .collect();
        assert!(bends(&arc) <= 4, "{}", bends(&arc));
        assert!(bends(&arc) >= 1);
        let straight = [pt(0.0, 0.0), pt(5.0, 5.0), pt(10.0, 10.0)];
        assert_eq!(bends(&straight), 0);
    }
}
