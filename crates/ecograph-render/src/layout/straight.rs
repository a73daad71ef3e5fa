//! Straightening of finished polyline routes: a run of bend points is replaced
//! by one straight segment wherever that segment stays clear of everything
//! the route avoided.
//!
//! Routes through the dummies bend at every lane change (a diagonal across
//! the channel between two ranks, with short straight stubs at both sides).
//! Greedily, from each kept point, the furthest later point that can be
//! reached in a straight line is joined to it, when the segment
//! - enters no node but the edge's own ends (nor comes within [`MARGIN`] of
//!   one), nor its own ends' boxes beyond touching;
//! - crosses no cluster border that the replaced run did not have to cross:
//!   with both points outside a box it must miss the box, and a segment
//!   between two points inside a convex box stays inside it, so the edge
//!   crosses each border at most as often as before;
//! - enters no edge label and no cluster label;
//! - crosses no more other lines than the run it replaces.
//!
//! An edge's own label stays beside a straight piece of the edge: the part of
//! the line alongside the label is pinned. Everything is deterministic (edges
//! in input order, candidates furthest first).
//!
//! Before that, a lane change that crosses a box with both its ends outside
//! (the ordering left a box that spans both ranks between the two lanes)
//! goes round the box's top or bottom where there is room between the box
//! and the ranks' nodes, on a way clear of everything as above (see
//! [`Detour`]).

use super::route::TRACK_SEP;
use super::{Point, Rect};

/// Gap kept between a straightened segment and any node, label or cluster
/// border it passes.
const MARGIN: f64 = 4.0;
/// Most passes over the routes. TE24's views and the 200-node benchmark
/// graphs stop changing by the eighth; the 500-node ones change a little in
/// each, for 10-15% of the layout's time a pass.
const MAX_PASSES: usize = 8;
/// Work cap of straightening and detours (grid cells and ids looked at,
/// and routes checked for another pass): once spent, the routes not yet
/// tried keep their bends. Twice what the benchmarks' largest graph
/// (random+clusters/500, 48M) needs; it bounds the time on huge drawings,
/// where long segments meet more cells and more lines each.
const WORK_BUDGET: u64 = 100_000_000;
/// Tracks a detour round a box may take on each side of it.
const DETOUR_TRACKS: usize = 8;
/// Longest run of points one segment may replace (bounds the work per edge).
const MAX_SKIP: usize = 48;

/// The scene the routes live in, in the internal (top-to-bottom) frame.
pub(crate) struct Scene<'a> {
    /// Box of each input node.
    pub nodes: &'a [Rect],
    /// Box of each cluster.
    pub clusters: &'a [Rect],
    /// Label boxes: cluster labels (owner `None`) and edge labels (owner the
    /// edge).
    pub labels: &'a [(Rect, Option<usize>)],
    /// Ends (source, target node) of each route.
    pub ends: &'a [(usize, usize)],
}

/// A uniform grid of ids over the scene's extent. Items go into every cell
/// their box or segment touches, and a segment is looked up through every
/// cell it touches: two items that meet share a cell. Cell edges are
/// widened by a hair on both sides, so a point on an edge is in both cells.
struct Grid {
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    cells: Vec<Vec<u32>>,
    /// Cells and ids looked at so far (each cell's ids counted whole).
    work: std::cell::Cell<u64>,
}

impl Grid {
    fn new(lo: Point, hi: Point, items: usize) -> Grid {
        let (w, h) = ((hi.x - lo.x).max(1.0), (hi.y - lo.y).max(1.0));
        let cell = (w * h / items.max(1) as f64).sqrt().max(16.0);
        let nx = ((w / cell).ceil() as usize).clamp(1, 4096);
        let ny = ((h / cell).ceil() as usize).clamp(1, 4096);
        Grid {
            x0: lo.x,
            y0: lo.y,
            cell,
            nx,
            ny,
            cells: vec![Vec::new(); nx * ny],
            work: std::cell::Cell::new(0),
        }
    }

    /// How far past a cell's edges it reaches: far above rounding in the
    /// coordinates, far below anything drawn.
    fn hair(&self) -> f64 {
        self.cell * 1e-6
    }

    // The cell of a coordinate: `as` truncates a non-negative number to its
    // floor (and takes NaN to 0), so no `floor` call (a library call on
    // the baseline x86-64 target) is needed after clamping at 0.
    fn col(&self, x: f64) -> usize {
        (((x - self.x0) / self.cell).max(0.0) as usize).min(self.nx - 1)
    }

    fn row(&self, y: f64) -> usize {
        (((y - self.y0) / self.cell).max(0.0) as usize).min(self.ny - 1)
    }

    fn insert_box(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, id: u32) {
        let s = self.hair();
        let (c0, c1) = (self.col(x0 - s), self.col(x1 + s));
        let (r0, r1) = (self.row(y0 - s), self.row(y1 + s));
        for r in r0..=r1 {
            for c in c0..=c1 {
                // A border's four sides overlap at the corners: each id once
                // per cell (an item's ids are inserted together).
                let cell = &mut self.cells[r * self.nx + c];
                if cell.last() != Some(&id) {
                    cell.push(id);
                }
            }
        }
    }

    fn insert_rect(&mut self, r: &Rect, grow: f64, id: u32) {
        self.insert_box(
            r.x - grow,
            r.y - grow,
            r.x + r.width + grow,
            r.y + r.height + grow,
            id,
        );
    }

    /// Inserts a segment into every cell it touches.
    fn insert_segment(&mut self, a: Point, b: Point, id: u32) {
        let mut cells = std::mem::take(&mut self.cells);
        self.touched(a, b, |key| {
            cells[key].push(id);
            true
        });
        self.cells = cells;
    }

    /// Calls `f` with every id in the cells segment `ab` touches (an id may
    /// come more than once) until it returns false; returns whether it
    /// never did.
    fn visit_while(&self, a: Point, b: Point, mut f: impl FnMut(u32) -> bool) -> bool {
        self.touched(a, b, |key| {
            let ids = &self.cells[key];
            self.work.set(self.work.get() + 1 + ids.len() as u64);
            ids.iter().all(|&id| f(id))
        })
    }

    /// Calls `f` with the index of every cell segment `ab` touches, each
    /// once, column by column, until it returns false; returns whether it
    /// never did. In each column the rows run from where the segment enters
    /// the column to where it leaves (or from end to end in the columns of
    /// its ends).
    fn touched(&self, a: Point, b: Point, mut f: impl FnMut(usize) -> bool) -> bool {
        let s = self.hair();
        let (p, q) = if a.x <= b.x { (a, b) } else { (b, a) };
        let (c0, c1) = (self.col(p.x - s), self.col(q.x + s));
        let dx = q.x - p.x;
        let y_at = |x: f64| p.y + (x - p.x) / dx * (q.y - p.y);
        for c in c0..=c1 {
            let (ya, yb) = if c0 == c1 || dx <= 0.0 {
                // One column, or a vertical segment on a column's edge.
                (p.y, q.y)
            } else {
                // The piece of the segment over this column (and a hair
                // beyond it on both sides), clamped to the segment.
                let left = self.x0 + c as f64 * self.cell - s;
                let right = self.x0 + (c + 1) as f64 * self.cell + s;
                let from = if c == c0 { p.x } else { left.max(p.x) };
                let to = if c == c1 { q.x } else { right.min(q.x) };
                (y_at(from), y_at(to.max(from)))
            };
            let (r0, r1) = (self.row(ya.min(yb) - s), self.row(ya.max(yb) + s));
            for r in r0..=r1 {
                if !f(r * self.nx + c) {
                    return false;
                }
            }
        }
        true
    }
}

fn dist(a: Point, b: Point) -> f64 {
    (b.x - a.x).hypot(b.y - a.y)
}

/// The smallest rectangle holding `points`.
fn bounding(points: &[Point]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    Rect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// The smallest rectangle holding both.
fn union(a: &Rect, b: &Rect) -> Rect {
    let (x0, y0) = (a.x.min(b.x), a.y.min(b.y));
    let (x1, y1) = (
        (a.x + a.width).max(b.x + b.width),
        (a.y + a.height).max(b.y + b.height),
    );
    Rect {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// Whether two closed rectangles share a point.
fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height
}

/// Whether segment `ab` meets the open rectangle `r` grown by `grow` (a
/// negative `grow` shrinks it), by Liang–Barsky clipping.
pub(crate) fn meets(a: Point, b: Point, r: &Rect, grow: f64) -> bool {
    let (x0, y0) = (r.x - grow, r.y - grow);
    let (x1, y1) = (r.x + r.width + grow, r.y + r.height + grow);
    if x1 <= x0 || y1 <= y0 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.x - x0),
        (dx, x1 - a.x),
        (-dy, a.y - y0),
        (dy, y1 - a.y),
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

fn inside(p: Point, r: &Rect, grow: f64) -> bool {
    p.x > r.x - grow
        && p.x < r.x + r.width + grow
        && p.y > r.y - grow
        && p.y < r.y + r.height + grow
}

fn orient(a: Point, b: Point, c: Point) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Whether segments `ab` and `cd` cross at a point inside both.
fn cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (d1, d2) = (orient(a, b, c), orient(a, b, d));
    let (d3, d4) = (orient(c, d, a), orient(c, d, b));
    // Without short circuits: the signs of nearby segments are a coin toss
    // to a branch predictor, and all four are at hand.
    (((d1 > 0.0) & (d2 < 0.0)) | ((d1 < 0.0) & (d2 > 0.0)))
        & (((d3 > 0.0) & (d4 < 0.0)) | ((d3 < 0.0) & (d4 > 0.0)))
}

/// Obstacle ids in the grid: nodes, then clusters, then labels.
struct Obstacles<'a> {
    scene: &'a Scene<'a>,
    grid: Grid,
    stamp: Vec<u32>,
    round: u32,
    /// Gap to keep: [`MARGIN`] while straightening, none when checking a
    /// drawn curve.
    margin: f64,
}

impl Obstacles<'_> {
    /// Whether the segment `ab` of route `e` stays clear of every node,
    /// label and cluster border it must avoid.
    fn clear(&mut self, e: usize, a: Point, b: Point) -> bool {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.stamp.fill(0);
            self.round = 1;
        }
        let scene = self.scene;
        let (n, k) = (scene.nodes.len(), scene.clusters.len());
        let (from, to) = scene.ends[e];
        let (stamp, round, margin) = (&mut self.stamp, self.round, self.margin);
        // Each obstacle once, in the order met; the first in the way ends
        // the look-up.
        self.grid.visit_while(a, b, |id| {
            let id = id as usize;
            if stamp[id] == round {
                return true;
            }
            stamp[id] = round;
            if id < n {
                if id == from || id == to {
                    // The segment may start or end on its own node's
                    // border, not run through it.
                    !meets(a, b, &scene.nodes[id], -1.0)
                } else {
                    !meets(a, b, &scene.nodes[id], margin)
                }
            } else if id < n + k {
                let r = &scene.clusters[id - n];
                match (inside(a, r, 0.0), inside(b, r, 0.0)) {
                    (false, false) => {
                        !inside(a, r, margin) && !inside(b, r, margin) && !meets(a, b, r, margin)
                    }
                    // Inside a convex box, or across its border once.
                    _ => true,
                }
            } else {
                let (r, owner) = &scene.labels[id - n - k];
                *owner == Some(e) || !meets(a, b, r, margin)
            }
        })
    }

    /// Whether the spline drawn through `points` (route `e`'s) stays clear
    /// of what [`Obstacles::clear`] checks, without the margin: the curve
    /// cuts the polyline's corners.
    fn curve_clear(&mut self, e: usize, points: &[Point]) -> bool {
        self.margin = 0.0;
        let line = super::sampled(points, super::EdgeRouting::Spline);
        let fine = line.windows(2).all(|w| self.clear(e, w[0], w[1]));
        self.margin = MARGIN;
        fine
    }

    /// A box whose border segment `ab` crosses though both its ends lie
    /// outside the box: a crossing it did not have to make.
    fn crossed_box(&self, a: Point, b: Point) -> Option<usize> {
        let scene = self.scene;
        let (n, k) = (scene.nodes.len(), scene.clusters.len());
        let mut found = None;
        self.grid.visit_while(a, b, |id| {
            let id = id as usize;
            if (n..n + k).contains(&id) {
                let r = &scene.clusters[id - n];
                if !inside(a, r, 0.0) && !inside(b, r, 0.0) && meets(a, b, r, 0.0) {
                    found = Some(id - n);
                    return false;
                }
            }
            true
        });
        found
    }
}

/// Detours of routes around boxes they cross for nothing.
struct Detour<'a, 'b> {
    obstacles: &'a mut Obstacles<'b>,
    lines: &'a mut Lines,
    rounded: bool,
}

impl Detour<'_, '_> {
    /// Where a segment of route `e` crosses a box's border though both its
    /// ends lie outside the box (the box spans both ranks of a lane
    /// change, between the lanes), the route goes round the box: from one
    /// of its points at most two before the segment, straight along its
    /// lane to just above the box's top (or below its bottom), across, and
    /// along the other lane to one of its points at most two after the
    /// segment. Only ways that run on in the route's own direction (along
    /// each lane for [`MARGIN`] at least), keep every pinned point, are
    /// [clear](Obstacles::clear) and run along no other line are taken; of
    /// those the one crossing the fewest lines, then the one adding the
    /// least length, then the fewest points. Several detours round one box
    /// side take tracks [`TRACK_SEP`] apart, as orthogonal routes' tracks
    /// are.
    /// `ids` are the route's segments in the crossing grid, kept in step.
    fn around_boxes(self, e: usize, pts: &mut Vec<Point>, ids: &mut Vec<u32>, pins: &[Point]) {
        let Detour {
            obstacles,
            lines,
            rounded,
        } = self;
        let pinned = |p: &Point| pins.iter().any(|q| q.x == p.x && q.y == p.y);
        let mut i = 0;
        while i + 1 < pts.len() {
            let Some(c) = obstacles.crossed_box(pts[i], pts[i + 1]) else {
                i += 1;
                continue;
            };
            let r = obstacles.scene.clusters[c];
            // (first kept point, last kept point, the way between, crossings,
            // length added, points added)
            let mut best: Option<(usize, usize, Vec<Point>, usize, f64, i64)> = None;
            for a in i.saturating_sub(2)..=i {
                for b in i + 1..(i + 4).min(pts.len()) {
                    if pts[a + 1..b].iter().any(pinned) {
                        continue;
                    }
                    let (p, q) = (pts[a], pts[b]);
                    // Tracks from two margins off the box on, as far apart
                    // as orthogonal routes' tracks: a line already on one
                    // (another detour) keeps it.
                    let tracks = (0..DETOUR_TRACKS).flat_map(|k| {
                        let off = 2.0 * MARGIN + k as f64 * TRACK_SEP;
                        [r.y - off, r.y + r.height + off]
                    });
                    // Along each lane for a margin at least, in the route's
                    // direction.
                    let (lo, hi) = (p.y.min(q.y) + MARGIN, p.y.max(q.y) - MARGIN);
                    for y in tracks {
                        if y < lo || y > hi {
                            continue;
                        }
                        let mut way = vec![p];
                        for w in [Point { x: p.x, y }, Point { x: q.x, y }, q] {
                            if way
                                .last()
                                .is_some_and(|l| (l.x - w.x).abs() + (l.y - w.y).abs() > 1e-9)
                            {
                                way.push(w);
                            }
                        }
                        if !way.windows(2).all(|w| {
                            obstacles.clear(e, w[0], w[1]) && !lines.runs_along(e, w[0], w[1])
                        }) {
                            continue;
                        }
                        let crossings = way
                            .windows(2)
                            .map(|w| lines.crossings(e, w[0], w[1]))
                            .sum::<usize>();
                        // What the route's length and its number of points
                        // grow by.
                        let length = (y - p.y).abs() + (q.x - p.x).abs() + (q.y - y).abs()
                            - pts[a..=b].windows(2).map(|w| dist(w[0], w[1])).sum::<f64>();
                        let more = way.len() as i64 - (b - a + 1) as i64;
                        let better = |(c0, l0, m0): (usize, f64, i64)| {
                            crossings < c0
                                || (crossings == c0
                                    && (length < l0 - 1e-6 || (length <= l0 + 1e-6 && more < m0)))
                        };
                        if best
                            .as_ref()
                            .is_none_or(|(.., c0, l0, m0)| better((*c0, *l0, *m0)))
                        {
                            best = Some((a, b, way, crossings, length, more));
                        }
                    }
                }
            }
            let Some((a, b, way, ..)) = best else {
                i += 1;
                continue;
            };
            if rounded {
                let mut whole = pts[..a].to_vec();
                whole.extend_from_slice(&way);
                whole.extend_from_slice(&pts[b + 1..]);
                if !obstacles.curve_clear(e, &whole) {
                    i += 1;
                    continue;
                }
            }
            for &id in &ids[a..b] {
                lines.remove(id);
            }
            let new: Vec<u32> = way.windows(2).map(|w| lines.add(e, w[0], w[1])).collect();
            let added = new.len();
            ids.splice(a..b, new);
            pts.splice(a..=b, way);
            i = a + added;
        }
    }
}

/// A drawn segment of a route, with the look-up that last met it.
#[derive(Debug, Clone, Copy)]
struct Seg {
    a: Point,
    b: Point,
    route: usize,
    stamp: u32,
    alive: bool,
}

/// The drawn segments of all routes, for counting crossings.
struct Lines {
    grid: Grid,
    /// Each segment's stamp is beside its ends: a look-up reads both.
    segs: Vec<Seg>,
    round: u32,
    /// End nodes of each route; routes that share one are not counted as
    /// crossing. Empty: every pair counts.
    ends: Vec<(usize, usize)>,
    /// Segments taken out since the grid was last cleared of them.
    dead: usize,
    /// Segments taken out in all.
    out: usize,
    /// Whether each segment's crossings are kept (see [`Lines::keep_counts`]).
    keep: bool,
    /// By segment id, if kept: its crossings with live segments of other
    /// routes, as [`Lines::crossings`] counts them ([`UNCOUNTED`] until
    /// first asked for).
    counts: Vec<u32>,
}

/// A segment's crossings not counted yet (see `Lines::counts`).
const UNCOUNTED: u32 = u32::MAX;

impl Lines {
    /// No lines yet, over `lo`..`hi`, with room for `count` segments.
    fn new(lo: Point, hi: Point, count: usize, ends: Vec<(usize, usize)>) -> Lines {
        Lines {
            grid: Grid::new(lo, hi, count.max(1)),
            segs: Vec::with_capacity(count),
            round: 0,
            ends,
            dead: 0,
            out: 0,
            keep: false,
            counts: Vec::new(),
        }
    }

    fn add(&mut self, e: usize, a: Point, b: Point) -> u32 {
        self.add_known(e, a, b, None)
    }

    /// [`Lines::add`] for a segment whose crossings were just counted:
    /// `crossings` of them.
    fn add_counted(&mut self, e: usize, a: Point, b: Point, crossings: usize) -> u32 {
        self.add_known(e, a, b, Some(u32::try_from(crossings).unwrap_or(UNCOUNTED)))
    }

    /// Adds a segment, with its crossings if they are `known`.
    fn add_known(&mut self, e: usize, a: Point, b: Point, known: Option<u32>) -> u32 {
        let id = self.segs.len() as u32;
        self.segs.push(Seg {
            a,
            b,
            route: e,
            stamp: 0,
            alive: true,
        });
        self.grid.insert_segment(a, b, id);
        if self.keep {
            self.counts.push(UNCOUNTED);
            self.recount(id, true, known);
        }
        id
    }

    /// From now on, each segment's crossings are kept once counted
    /// ([`Lines::crossings_of`]): a segment that comes or goes adds one to
    /// or takes one from the kept count of each segment it crosses, where
    /// counting those again would look up every cell along them.
    fn keep_counts(&mut self) {
        self.keep = true;
        self.counts = vec![UNCOUNTED; self.segs.len()];
    }

    /// Crossings of segment `id` with live segments of other routes: kept
    /// (see [`Lines::keep_counts`]) or counted now.
    fn crossings_of(&mut self, id: u32) -> usize {
        let kept = self.counts.get(id as usize).copied().unwrap_or(UNCOUNTED);
        if kept != UNCOUNTED {
            return kept as usize;
        }
        let Seg { a, b, route, .. } = self.segs[id as usize];
        let c = self.crossings(route, a, b);
        if let Some(slot) = self.counts.get_mut(id as usize) {
            *slot = u32::try_from(c).unwrap_or(UNCOUNTED);
        }
        c
    }

    /// A new look-up round: every segment's stamp is older than it.
    fn next_round(&mut self) -> u32 {
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            for seg in &mut self.segs {
                seg.stamp = 0;
            }
            self.round = 1;
        }
        self.round
    }

    /// Segment `id` comes (`up`) or goes: the kept count of each live
    /// segment of another route that it crosses goes up or down by one; a
    /// new segment's own count is the number found. With `known`, its own
    /// count, the look-up stops once it has found that many.
    fn recount(&mut self, id: u32, up: bool, known: Option<u32>) {
        let limit = known.filter(|&k| k != UNCOUNTED).unwrap_or(u32::MAX);
        if limit == 0 {
            return;
        }
        let Seg { a, b, route: e, .. } = self.segs[id as usize];
        let mut counts = std::mem::take(&mut self.counts);
        let mut found = 0u32;
        self.each_crossing(e, a, b, |s, crossed| {
            if !crossed {
                return true;
            }
            found = found.saturating_add(1);
            let c = &mut counts[s as usize];
            if *c != UNCOUNTED {
                // A going segment that crosses this one was counted in it
                // (`cross` is symmetric): the count is at least one.
                debug_assert!(up || *c > 0, "kept count below zero");
                *c = if up { *c + 1 } else { c.saturating_sub(1) };
            }
            found < limit
        });
        if up {
            counts[id as usize] = found;
        }
        self.counts = counts;
    }

    /// Calls `f` once with each segment met along `ab` (its id, and whether
    /// it is a live segment of a route other than `e`, sharing no end node
    /// with it where `ends` are known, that crosses `ab`) until it returns
    /// false; returns whether it never did. Whether a segment crosses is
    /// handed over, not branched on here: a count adds it without a branch
    /// (a test on it is a coin toss to the branch predictor, and this is the
    /// straightening's hottest loop).
    #[inline(always)]
    fn each_crossing(
        &mut self,
        e: usize,
        a: Point,
        b: Point,
        mut f: impl FnMut(u32, bool) -> bool,
    ) -> bool {
        let round = self.next_round();
        let (segs, ends) = (&mut self.segs, &self.ends);
        let apart = |f: usize| {
            ends.is_empty() || {
                let ((a, b), (c, d)) = (ends[e], ends[f]);
                a != c && a != d && b != c && b != d
            }
        };
        self.grid.visit_while(a, b, |id| {
            let seg = &mut segs[id as usize];
            if seg.stamp == round {
                return true;
            }
            seg.stamp = round;
            f(
                id,
                seg.alive && seg.route != e && apart(seg.route) && cross(a, b, seg.a, seg.b),
            )
        })
    }

    /// Takes segment `id` out: it is no longer met. Once more segments have
    /// been taken out than are left, the grid's cells are cleared of them,
    /// so look-ups do not wade through old lines (linear, and amortised
    /// over the segments taken out).
    fn remove(&mut self, id: u32) {
        if self.keep {
            let known = self.counts[id as usize];
            self.recount(id, false, Some(known));
            self.counts[id as usize] = UNCOUNTED;
        }
        self.segs[id as usize].alive = false;
        self.dead += 1;
        self.out += 1;
        if self.dead > self.segs.len() - self.out {
            let segs = &self.segs;
            for cell in &mut self.grid.cells {
                cell.retain(|&id| segs[id as usize].alive);
            }
            self.dead = 0;
        }
    }

    /// Whether segment `ab` runs along a live segment of another route:
    /// within a pixel of its line for more than a pixel, so the two would
    /// be drawn as one.
    fn runs_along(&self, e: usize, a: Point, b: Point) -> bool {
        const NEAR: f64 = 1.0;
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy);
        if len <= NEAR {
            return false;
        }
        let (ux, uy) = (dx / len, dy / len);
        let segs = &self.segs;
        !self.grid.visit_while(a, b, |id| {
            let seg = &segs[id as usize];
            if !seg.alive || seg.route == e {
                return true;
            }
            // Distance of each end from ab's line, and where it falls along it.
            let off = |p: Point| ((p.x - a.x) * uy - (p.y - a.y) * ux).abs();
            let along = |p: Point| (p.x - a.x) * ux + (p.y - a.y) * uy;
            if off(seg.a) > NEAR || off(seg.b) > NEAR {
                return true;
            }
            let (s, t) = (along(seg.a), along(seg.b));
            s.max(t).min(len) - s.min(t).max(0.0) <= NEAR
        })
    }

    /// Crossings of segment `ab` with live segments of other routes.
    fn crossings(&mut self, e: usize, a: Point, b: Point) -> usize {
        self.crossings_within(e, a, b, usize::MAX)
            .unwrap_or(usize::MAX)
    }

    /// [`Lines::crossings`] if they are at most `limit`, else `None`: the
    /// look-up stops at the crossing beyond it.
    fn crossings_within(&mut self, e: usize, a: Point, b: Point, limit: usize) -> Option<usize> {
        let mut count = 0;
        let within = self.each_crossing(e, a, b, |_, crossed| {
            count += usize::from(crossed);
            count <= limit
        });
        within.then_some(count)
    }
}

/// Work cap of one count of a drawing's crossings (grid cells and ids looked
/// at), as [`WORK_BUDGET`] for straightening: a count costs at least one
/// look per crossing, and a large drawing has very many. Of the benchmarks'
/// graphs, random/500 counts the most, with 0.12M.
const COUNT_WORK: u64 = 100_000_000;

/// Whether the lines of drawing `a` cross no more often than those of `b`
/// (points where two segments of different routes cross inside both),
/// pairs of routes that share an end node not counted (`ends` holds each
/// route's end nodes; empty counts every pair). False when either count
/// would take more than [`COUNT_WORK`]: then `b` stays.
pub(crate) fn no_more_crossings(
    a: &[Vec<Point>],
    b: &[Vec<Point>],
    ends: &[(usize, usize)],
) -> bool {
    crossings(b, ends)
        .and_then(|in_b| Some(crossings(a, ends)? <= in_b))
        .unwrap_or(false)
}

/// Crossings between lines of different routes that share no end node (as
/// [`no_more_crossings`] counts them), or `None` when the count would take
/// more than [`COUNT_WORK`].
pub(crate) fn crossings(routes: &[Vec<Point>], ends: &[(usize, usize)]) -> Option<usize> {
    count_within(routes, ends.to_vec(), COUNT_WORK)
}

/// Crossings between lines of different routes that share no end node (as
/// [`no_more_crossings`] counts them), or `None` once the count has looked
/// at more than `work` grid cells and ids.
fn count_within(routes: &[Vec<Point>], ends: Vec<(usize, usize)>, work: u64) -> Option<usize> {
    let mut lo = Point {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Point {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in routes.iter().flatten() {
        lo = Point {
            x: lo.x.min(p.x),
            y: lo.y.min(p.y),
        };
        hi = Point {
            x: hi.x.max(p.x),
            y: hi.y.max(p.y),
        };
    }
    if !lo.x.is_finite() {
        return Some(0);
    }
    let count: usize = routes.iter().map(|r| r.len().saturating_sub(1)).sum();
    let mut lines = Lines::new(lo, hi, count, ends);
    let mut total = 0;
    for (e, r) in routes.iter().enumerate() {
        if lines.grid.work.get() > work {
            return None;
        }
        for w in r.windows(2) {
            // Each pair once: against the segments added before.
            total += lines.crossings(e, w[0], w[1]);
        }
        for w in r.windows(2) {
            lines.add(e, w[0], w[1]);
        }
    }
    (lines.grid.work.get() <= work).then_some(total)
}

/// Straightens the routes flagged in `movable` in place. `pins` holds, per
/// route, points that must stay on it as vertices (the piece of line beside
/// the edge's label). Other routes stay as they are but count as lines to
/// cross. With `rounded` corners (spline routes) a straightened route whose
/// drawn line would enter a node or a label keeps its old points. A pass
/// over the routes follows only one that took out at least `min_gain` bend
/// points (1: every pass that changed a route), and at most
/// [`MAX_PASSES`] run.
pub(crate) fn straighten_while(
    routes: &mut [Vec<Point>],
    movable: &[bool],
    pins: &[Vec<Point>],
    scene: &Scene<'_>,
    rounded: bool,
    min_gain: usize,
) {
    let effort = Effort {
        passes: MAX_PASSES,
        work: WORK_BUDGET,
        min_gain,
    };
    straighten_tries(routes, movable, pins, scene, rounded, effort, true);
}

/// Only the [detours](Detour) round boxes that [`straighten_while`] makes first:
/// for orthogonal routes, whose detours are orthogonal too.
pub(crate) fn detour(
    routes: &mut [Vec<Point>],
    movable: &[bool],
    pins: &[Vec<Point>],
    scene: &Scene<'_>,
) {
    let effort = Effort {
        passes: 0,
        work: WORK_BUDGET,
        min_gain: 1,
    };
    straighten_tries(routes, movable, pins, scene, false, effort, true);
}

/// How much [`straighten_tries`] may do.
#[derive(Debug, Clone, Copy)]
struct Effort {
    /// Passes of shortcuts over the routes (none: detours only).
    passes: usize,
    /// Work cap, as [`WORK_BUDGET`].
    work: u64,
    /// Bend points a pass must take out for another to follow.
    min_gain: usize,
}

/// [`straighten_while`]; with `skip_settled` false, every route is tried in every
/// pass (the outcome is the same, only slower: the tests compare them).
fn straighten_tries(
    routes: &mut [Vec<Point>],
    movable: &[bool],
    pins: &[Vec<Point>],
    scene: &Scene<'_>,
    rounded: bool,
    effort: Effort,
    skip_settled: bool,
) {
    let mut lo = Point {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Point {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    let mut grow = |x: f64, y: f64| {
        lo.x = lo.x.min(x);
        lo.y = lo.y.min(y);
        hi.x = hi.x.max(x);
        hi.y = hi.y.max(y);
    };
    let rects = scene
        .nodes
        .iter()
        .chain(scene.clusters)
        .chain(scene.labels.iter().map(|(r, _)| r));
    for r in rects.clone() {
        grow(r.x, r.y);
        grow(r.x + r.width, r.y + r.height);
    }
    for p in routes.iter().flatten() {
        grow(p.x, p.y);
    }
    if !lo.x.is_finite() {
        return;
    }
    let (n, k) = (scene.nodes.len(), scene.clusters.len());
    let items = n + k + scene.labels.len();
    let mut grid = Grid::new(lo, hi, items);
    for (id, r) in scene.nodes.iter().enumerate() {
        grid.insert_rect(r, MARGIN, id as u32);
    }
    for (c, r) in scene.clusters.iter().enumerate() {
        // Only the border matters: four thin boxes keep big clusters out of
        // most cells.
        let id = (n + c) as u32;
        let (x0, y0, x1, y1) = (r.x, r.y, r.x + r.width, r.y + r.height);
        let m = MARGIN;
        grid.insert_box(x0 - m, y0 - m, x1 + m, y0 + m, id);
        grid.insert_box(x0 - m, y1 - m, x1 + m, y1 + m, id);
        grid.insert_box(x0 - m, y0 - m, x0 + m, y1 + m, id);
        grid.insert_box(x1 - m, y0 - m, x1 + m, y1 + m, id);
    }
    for (j, (r, _)) in scene.labels.iter().enumerate() {
        grid.insert_rect(r, MARGIN, (n + k + j) as u32);
    }
    let mut obstacles = Obstacles {
        scene,
        grid,
        stamp: vec![0; items],
        round: 0,
        margin: MARGIN,
    };
    let seg_count: usize = routes.iter().map(|r| r.len().saturating_sub(1)).sum();
    // Room for the shortcuts too.
    let mut lines = Lines::new(lo, hi, seg_count, Vec::new());
    lines.segs.reserve(seg_count);
    let mut ids: Vec<Vec<u32>> = Vec::with_capacity(routes.len());
    for (e, r) in routes.iter().enumerate() {
        ids.push(r.windows(2).map(|w| lines.add(e, w[0], w[1])).collect());
    }
    // Bookkeeping outside the grids (re-marking routes for another pass).
    let mut marking = 0u64;
    let spent = |lines: &Lines, obstacles: &Obstacles<'_>, marking: u64| {
        lines.grid.work.get() + obstacles.grid.work.get() + marking
    };
    for e in 0..routes.len() {
        if spent(&lines, &obstacles, marking) >= effort.work {
            break;
        }
        if movable[e] {
            let bare = Detour {
                obstacles: &mut obstacles,
                lines: &mut lines,
                rounded,
            };
            bare.around_boxes(e, &mut routes[e], &mut ids[e], &pins[e]);
        }
    }

    // The passes weigh the same runs again and again: their segments'
    // crossings are kept from here on.
    lines.keep_counts();
    // Each route's points by their index in the route as it came: a
    // straightened route keeps some of its points, as they were.
    let mut origin: Vec<Vec<usize>> = routes.iter().map(|r| (0..r.len()).collect()).collect();
    // The pairs of points of each route (by `origin`) joined by a segment
    // that the first pass found blocked by a node, box or label, in the
    // order tried: ascending first point, descending second. Those do not
    // move, so the second pass skips them.
    let mut blocked: Vec<Vec<(usize, usize)>> = vec![Vec::new(); routes.len()];
    // More passes, while routes change: a line straightened later may have
    // cleared the way for an earlier one. A try's outcome depends only on
    // the route's own points, the fixed obstacles and the lines crossing
    // the segments it weighed, so a route is tried again only after it
    // changed itself, or after another route changed within the bounds of
    // the runs whose shortcut its last try turned down for crossings (a
    // shortcut and the run it replaces lie within the run's bounds). A
    // spline route whose try was undone waits on all of its bounds.
    let count = routes.len();
    let mut waiting: Vec<Option<Rect>> = vec![None; count];
    let mut due = vec![true; count];
    let mut changed: Vec<Rect> = Vec::new();
    // Bend points taken out in the current pass, and in the one before.
    let (mut this_pass, mut gain, mut last_gain) = (0, 0, usize::MAX);
    for (pass, e) in (0..effort.passes).flat_map(|p| (0..count).map(move |e| (p, e))) {
        if pass != this_pass {
            (this_pass, last_gain, gain) = (pass, gain, 0);
        }
        if last_gain < effort.min_gain {
            break;
        }
        if !movable[e] || routes[e].len() < 3 || (skip_settled && !due[e]) {
            continue;
        }
        if spent(&lines, &obstacles, marking) >= effort.work {
            break;
        }
        due[e] = false;
        let mut turned_down: Option<Rect> = None;
        changed.clear();
        let mut pts = std::mem::take(&mut routes[e]);
        let mut at = std::mem::take(&mut origin[e]);
        let old = pts.clone();
        let old_len = old.len();
        let old_at = at.clone();
        let mut seg_ids = std::mem::take(&mut ids[e]);
        let pinned = |p: Point| pins[e].iter().any(|q| q.x == p.x && q.y == p.y);
        let mut i = 0;
        while i + 2 < pts.len() {
            // Never jump over a pinned point.
            let limit = (i + 1..pts.len())
                .find(|&j| j + 1 == pts.len() || pinned(pts[j]))
                .unwrap_or(pts.len() - 1)
                .min(i + MAX_SKIP);
            for j in (i + 2..=limit).rev() {
                let (a, b) = (pts[i], pts[j]);
                let known = pass > 0
                    && blocked[e]
                        .binary_search_by(|&(x, y)| x.cmp(&at[i]).then(at[j].cmp(&y)))
                        .is_ok();
                if known || !obstacles.clear(e, a, b) {
                    if pass == 0 {
                        blocked[e].push((at[i], at[j]));
                    }
                    continue;
                }
                let before: usize = seg_ids[i..j].iter().map(|&id| lines.crossings_of(id)).sum();
                // Only a segment crossing no more lines than the run is
                // taken: the count may stop beyond that.
                let Some(after) = lines.crossings_within(e, a, b, before) else {
                    let run = bounding(&pts[i..=j]);
                    turned_down = Some(turned_down.map_or(run, |t| union(&t, &run)));
                    continue;
                };
                for &id in &seg_ids[i..j] {
                    lines.remove(id);
                }
                let id = lines.add_counted(e, a, b, after);
                changed.push(bounding(&pts[i..=j]));
                pts.drain(i + 1..j);
                at.drain(i + 1..j);
                seg_ids.splice(i..j, [id]);
                break;
            }
            i += 1;
        }
        if rounded && pts.len() < old.len() && !obstacles.curve_clear(e, &pts) {
            for &id in &seg_ids {
                lines.remove(id);
            }
            seg_ids = old.windows(2).map(|w| lines.add(e, w[0], w[1])).collect();
            turned_down = Some(bounding(&old));
            pts = old;
            at = old_at;
        }
        waiting[e] = turned_down;
        gain += old_len.saturating_sub(pts.len());
        if pts.len() != old_len {
            due[e] = true;
            marking += (waiting.len() * changed.len()) as u64;
            for (f, w) in waiting.iter().enumerate() {
                if w.is_some_and(|w| changed.iter().any(|r| overlaps(r, &w))) {
                    due[f] = true;
                }
            }
        }
        routes[e] = pts;
        origin[e] = at;
        ids[e] = seg_ids;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pt(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// Straightens every one of `routes`, none pinned, with polyline corners.
    fn straighten_free(routes: &mut [Vec<Point>], scene: &Scene<'_>) {
        let n = routes.len();
        straighten_while(
            routes,
            &vec![true; n],
            &vec![Vec::new(); n],
            scene,
            false,
            1,
        );
    }

    /// A scene of `nodes` alone, no boxes and no labels.
    fn bare<'a>(nodes: &'a [Rect], ends: &'a [(usize, usize)]) -> Scene<'a> {
        Scene {
            nodes,
            clusters: &[],
            labels: &[],
            ends,
        }
    }

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn meets_clips_against_open_rectangles() {
        let r = rect(0.0, 0.0, 10.0, 10.0);
        assert!(meets(pt(-5.0, 5.0), pt(15.0, 5.0), &r, 0.0));
        assert!(!meets(pt(-5.0, -1.0), pt(15.0, -1.0), &r, 0.0));
        assert!(meets(pt(-5.0, -1.0), pt(15.0, -1.0), &r, 2.0));
        // Touching the border from outside is not meeting.
        assert!(!meets(pt(-5.0, 0.0), pt(15.0, 0.0), &r, 0.0));
        assert!(!meets(pt(5.0, 10.0), pt(5.0, 20.0), &r, 0.0));
        assert!(meets(pt(-1.0, -1.0), pt(11.0, 11.0), &r, -1.0));
    }

    #[test]
    fn a_bend_around_a_node_stays_and_a_free_one_goes() {
        // Two routes from node 0 (top) to node 1 (bottom), one of them
        // around node 2 in the middle.
        let nodes = [
            rect(0.0, 0.0, 20.0, 10.0),
            rect(0.0, 100.0, 20.0, 10.0),
            rect(-10.0, 45.0, 40.0, 10.0),
            rect(200.0, 0.0, 20.0, 10.0),
            rect(300.0, 100.0, 20.0, 10.0),
        ];
        let scene = bare(&nodes, &[(0, 1), (3, 4)]);
        let mut routes = vec![
            vec![
                pt(10.0, 10.0),
                pt(40.0, 30.0),
                pt(40.0, 70.0),
                pt(10.0, 100.0),
            ],
            vec![
                pt(210.0, 10.0),
                pt(210.0, 30.0),
                pt(310.0, 70.0),
                pt(310.0, 100.0),
            ],
        ];
        straighten_free(&mut routes, &scene);
        assert_eq!(routes[0].len(), 4, "{:?}", routes[0]);
        assert_eq!(routes[1], vec![pt(210.0, 10.0), pt(310.0, 100.0)]);
    }

    #[test]
    fn a_second_pass_follows_only_a_first_that_gained_enough() {
        // Route 0's shortcut, the diagonal, would cross route 1 twice until
        // route 1, tried after it, loses its bend: then a second pass
        // straightens route 0 too. The first pass takes out one bend point.
        let nodes = [
            rect(-1.0, -1.0, 2.0, 2.0),
            rect(99.0, 99.0, 2.0, 2.0),
            rect(89.0, 9.0, 2.0, 2.0),
            rect(99.0, 79.0, 2.0, 2.0),
        ];
        let scene = bare(&nodes, &[(0, 1), (2, 3)]);
        let routes = vec![
            vec![pt(0.0, 0.0), pt(0.0, 100.0), pt(100.0, 100.0)],
            vec![pt(90.0, 10.0), pt(30.0, 60.0), pt(100.0, 80.0)],
        ];
        let run = |min_gain| {
            let mut out = routes.clone();
            straighten_while(
                &mut out,
                &[true, true],
                &[vec![], vec![]],
                &scene,
                false,
                min_gain,
            );
            out
        };
        let straight = |r: &[Point]| vec![r[0], r[r.len() - 1]];
        assert_eq!(run(1), vec![straight(&routes[0]), straight(&routes[1])]);
        assert_eq!(run(2), vec![routes[0].clone(), straight(&routes[1])]);
    }

    #[test]
    fn straightening_adds_no_crossing_and_keeps_pins() {
        let nodes = [
            rect(0.0, 0.0, 10.0, 10.0),
            rect(100.0, 100.0, 10.0, 10.0),
            rect(100.0, 0.0, 10.0, 10.0),
            rect(0.0, 100.0, 10.0, 10.0),
        ];
        let scene = bare(&nodes, &[(0, 1), (2, 3)]);
        // Route 1 goes round the far side; the straight line would cross
        // route 0's straight line, which route 1's bend avoids.
        let mut routes = vec![
            vec![pt(5.0, 10.0), pt(5.0, 50.0), pt(105.0, 100.0)],
            vec![
                pt(105.0, 10.0),
                pt(150.0, 50.0),
                pt(150.0, 150.0),
                pt(-20.0, 150.0),
                pt(5.0, 110.0),
            ],
        ];
        let pins = vec![vec![pt(5.0, 50.0)], vec![]];
        straighten_while(&mut routes, &[true, true], &pins, &scene, false, 1);
        assert_eq!(routes[0].len(), 3, "pinned point kept");
        let crossings = routes[1]
            .windows(2)
            .flat_map(|s| {
                routes[0]
                    .windows(2)
                    .map(move |t| cross(s[0], s[1], t[0], t[1]))
            })
            .filter(|&c| c)
            .count();
        assert_eq!(crossings, 0, "{:?}", routes[1]);
    }

    #[test]
    fn crossings_match_brute_force() {
        let mut seed = 11u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 500) as f64
        };
        let routes: Vec<Vec<Point>> = (0..30)
            .map(|_| (0..4).map(|_| pt(next(), next())).collect())
            .collect();
        let brute = brute_crossings(&routes);
        assert!(brute > 0);
        assert_eq!(crossings(&routes), Some(brute));
    }

    /// Crossings between lines of different routes, as the layout counts
    /// them for [`no_more_crossings`].
    fn crossings(routes: &[Vec<Point>]) -> Option<usize> {
        count_within(routes, Vec::new(), COUNT_WORK)
    }

    /// The scene of one edge, from node 0 to node 1.
    fn one_edge<'a>(nodes: &'a [Rect], clusters: &'a [Rect]) -> Scene<'a> {
        Scene {
            nodes,
            clusters,
            labels: &[],
            ends: &[(0, 1)],
        }
    }

    /// Each route's ends, whether it may move, and its pins.
    type RouteFlags = (Vec<(usize, usize)>, Vec<bool>, Vec<Vec<Point>>);

    /// `count` routes from node 0 to node 1, all movable, none pinned.
    fn free_routes(count: usize) -> RouteFlags {
        (
            vec![(0, 1); count],
            vec![true; count],
            vec![Vec::new(); count],
        )
    }

    /// Crossings between segments of different routes, pair by pair.
    fn brute_crossings(routes: &[Vec<Point>]) -> usize {
        let mut brute = 0;
        for a in 0..routes.len() {
            for b in a + 1..routes.len() {
                for s in routes[a].windows(2) {
                    for t in routes[b].windows(2) {
                        brute += usize::from(cross(s[0], s[1], t[0], t[1]));
                    }
                }
            }
        }
        brute
    }

    /// Points on a coarse lattice, so that segments run along cell edges,
    /// through cell corners and straight up and across.
    fn lattice_point() -> impl Strategy<Value = Point> {
        (0u8..=12, 0u8..=12).prop_map(|(x, y)| pt(f64::from(x) * 8.0, f64::from(y) * 8.0))
    }

    /// Node boxes at lattice points, `w` by `h` lattice steps.
    fn lattice_nodes(boxes: &[(Point, u8, u8)]) -> Vec<Rect> {
        boxes
            .iter()
            .map(|&(p, w, h)| rect(p.x, p.y, f64::from(w) * 8.0, f64::from(h) * 8.0))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every cell holding a point of the segment is visited, once.
        #[test]
        fn a_segment_visits_every_cell_it_touches(a in lattice_point(), b in lattice_point(), items in 1usize..40) {
            let grid = Grid::new(pt(0.0, 0.0), pt(96.0, 96.0), items);
            let mut seen = Vec::new();
            grid.touched(a, b, |key| {
                seen.push(key);
                true
            });
            let mut unique = seen.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), seen.len());
            for k in 0..=1000 {
                let t = f64::from(k) / 1000.0;
                let p = pt(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
                let key = grid.row(p.y) * grid.nx + grid.col(p.x);
                prop_assert!(seen.contains(&key), "{:?} at {:?} missed", (a, b), p);
            }
        }

        /// The grid finds every crossing that comparing all pairs finds,
        /// with segments along and across the cell edges.
        #[test]
        fn lattice_crossings_match_brute_force(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 2..5), 2..10)
        ) {
            prop_assert_eq!(crossings(&routes), Some(brute_crossings(&routes)));
        }

        /// A count that would look at more than its work allows gives up:
        /// with none allowed, every drawing with a line; with enough, the
        /// count is exact.
        #[test]
        fn a_count_past_its_work_gives_up(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 2..5), 1..10),
            work in 0u64..200,
        ) {
            prop_assert_eq!(count_within(&routes, Vec::new(), 0), None);
            let brute = brute_crossings(&routes);
            prop_assert_eq!(count_within(&routes, Vec::new(), u64::MAX), Some(brute));
            let some = count_within(&routes, Vec::new(), work);
            prop_assert!(some.is_none() || some == Some(brute));
        }

        /// Segments taken out are no longer met, before and after the grid
        /// is cleared of them: a look-up counts the segments left that it
        /// crosses, as comparing it with each of them does.
        #[test]
        fn removed_segments_are_not_met(
            segs in proptest::collection::vec((lattice_point(), lattice_point(), any::<bool>()), 1..40),
            queries in proptest::collection::vec((lattice_point(), lattice_point()), 1..6),
        ) {
            let mut lines = Lines::new(pt(0.0, 0.0), pt(96.0, 96.0), segs.len(), Vec::new());
            // Route 0 for the look-ups; each segment a route of its own.
            let ids: Vec<u32> = segs.iter().enumerate().map(|(i, &(a, b, _))| lines.add(i + 1, a, b)).collect();
            let mut purged = false;
            for (&id, &(_, _, gone)) in ids.iter().zip(&segs) {
                if gone {
                    let before = lines.dead;
                    lines.remove(id);
                    purged |= lines.dead <= before;
                }
            }
            // The grid holds the taken-out segments only until it is cleared.
            let held: usize = lines.grid.cells.iter().flatten().filter(|&&id| !lines.segs[id as usize].alive).count();
            prop_assert_eq!(held == 0, lines.dead == 0);
            for &(a, b) in &queries {
                let expected = segs.iter().filter(|&&(c, d, gone)| !gone && cross(a, b, c, d)).count();
                prop_assert_eq!(lines.crossings(0, a, b), expected);
                prop_assert_eq!(lines.crossings_within(0, a, b, expected), Some(expected));
                if expected > 0 {
                    prop_assert_eq!(lines.crossings_within(0, a, b, expected - 1), None);
                }
            }
            let removed = segs.iter().filter(|s| s.2).count();
            prop_assert_eq!(purged, 2 * removed > segs.len());
        }

        /// Kept counts stay what counting afresh gives, whatever comes and
        /// goes after they were first counted, and whether a new segment's
        /// own count is given or found.
        #[test]
        fn kept_counts_match_counting_afresh(
            first in proptest::collection::vec((lattice_point(), lattice_point(), 0usize..4), 1..20),
            steps in proptest::collection::vec((lattice_point(), lattice_point(), 0usize..4, any::<bool>(), any::<u8>()), 1..30),
        ) {
            let mut lines = Lines::new(pt(0.0, 0.0), pt(96.0, 96.0), first.len(), Vec::new());
            let mut live: Vec<u32> = first.iter().map(|&(a, b, e)| lines.add(e, a, b)).collect();
            lines.keep_counts();
            // Some counted before the changes, the rest after.
            for &id in live.iter().step_by(2) {
                lines.crossings_of(id);
            }
            for &(a, b, e, counted, pick) in &steps {
                if pick % 3 == 0 && !live.is_empty() {
                    let id = live.swap_remove(usize::from(pick) % live.len());
                    lines.remove(id);
                } else if counted {
                    let c = lines.crossings(e, a, b);
                    live.push(lines.add_counted(e, a, b, c));
                } else {
                    live.push(lines.add(e, a, b));
                }
            }
            for &id in &live {
                let Seg { a, b, route, .. } = lines.segs[id as usize];
                let fresh = lines.crossings(route, a, b);
                prop_assert_eq!(lines.crossings_of(id), fresh);
            }
        }

        /// A segment is clear exactly when it meets no node (but touching
        /// its own) grown by the margin: the grid misses none.
        #[test]
        fn clear_matches_checking_every_node(
            boxes in proptest::collection::vec((lattice_point(), 1u8..4, 1u8..4), 2..8),
            a in lattice_point(),
            b in lattice_point(),
        ) {
            let nodes = lattice_nodes(&boxes);
            let ends = [(0, 1)];
            let scene = bare(&nodes, &ends);
            let mut grid = Grid::new(pt(0.0, 0.0), pt(128.0, 128.0), nodes.len());
            for (id, r) in nodes.iter().enumerate() {
                grid.insert_rect(r, MARGIN, id as u32);
            }
            let mut obstacles = Obstacles { scene: &scene, grid, stamp: vec![0; nodes.len()], round: 0, margin: MARGIN };
            let expected = nodes.iter().enumerate().all(|(id, r)| {
                if id < 2 { !meets(a, b, r, -1.0) } else { !meets(a, b, r, MARGIN) }
            });
            prop_assert_eq!(obstacles.clear(0, a, b), expected);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Skipping the routes that nothing has unsettled since their last
        /// try changes nothing: every route tried in every pass comes out
        /// the same, for polyline and for spline routes.
        #[test]
        fn skipping_settled_routes_changes_nothing(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 3..9), 2..12),
            boxes in proptest::collection::vec((lattice_point(), 1u8..3, 1u8..3), 2..6),
            rounded in any::<bool>(),
        ) {
            let nodes = lattice_nodes(&boxes);
            let (ends, movable, pins) = free_routes(routes.len());
            let scene = bare(&nodes, &ends);
            let (mut fast, mut slow) = (routes.clone(), routes.clone());
            let effort = Effort { passes: MAX_PASSES, work: WORK_BUDGET, min_gain: 1 };
            straighten_tries(&mut fast, &movable, &pins, &scene, rounded, effort, true);
            straighten_tries(&mut slow, &movable, &pins, &scene, rounded, effort, false);
            prop_assert_eq!(&fast, &slow);
            prop_assert!(brute_crossings(&fast) <= brute_crossings(&routes));
        }

        /// With a gain to reach, the passes are the first ones run without
        /// it up to and including the first that took out fewer bend
        /// points than that.
        #[test]
        fn a_pass_follows_only_one_that_gained_enough(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 3..9), 2..12),
            boxes in proptest::collection::vec((lattice_point(), 1u8..3, 1u8..3), 2..6),
            min_gain in 1usize..6,
        ) {
            let nodes = lattice_nodes(&boxes);
            let (ends, movable, pins) = free_routes(routes.len());
            let scene = bare(&nodes, &ends);
            let after = |passes: usize| {
                let mut out = routes.clone();
                let effort = Effort { passes, work: WORK_BUDGET, min_gain: 1 };
                straighten_tries(&mut out, &movable, &pins, &scene, false, effort, true);
                out
            };
            let points = |r: &[Vec<Point>]| r.iter().map(Vec::len).sum::<usize>();
            let last = (1..=MAX_PASSES)
                .find(|&p| points(&after(p - 1)) - points(&after(p)) < min_gain)
                .unwrap_or(MAX_PASSES);
            let mut got = routes.clone();
            straighten_while(&mut got, &movable, &pins, &scene, false, min_gain);
            prop_assert_eq!(got, after(last));
        }

        /// Straightening and detours never add a needless box crossing,
        /// nor take a route off its ends or its pins.
        #[test]
        fn no_needless_box_crossing_is_added(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 2..7), 1..8),
            boxes in proptest::collection::vec((lattice_point(), 1u8..3, 1u8..3), 2..5),
            frames in proptest::collection::vec((lattice_point(), 2u8..8, 2u8..8), 1..4),
            pin in any::<bool>(),
            rounded in any::<bool>(),
        ) {
            let nodes = lattice_nodes(&boxes);
            let clusters = lattice_nodes(&frames);
            let (ends, movable, _) = free_routes(routes.len());
            let scene = Scene { nodes: &nodes, clusters: &clusters, labels: &[], ends: &ends };
            let pins: Vec<Vec<Point>> = routes
                .iter()
                .map(|r| if pin { vec![r[r.len() / 2]] } else { Vec::new() })
                .collect();
            let mut after = routes.clone();
            straighten_while(&mut after, &movable, &pins, &scene, rounded, 1);
            prop_assert!(needless_box_crossings(&after, &clusters) <= needless_box_crossings(&routes, &clusters));
            for ((a, b), p) in after.iter().zip(&routes).zip(&pins) {
                prop_assert_eq!((a[0], a[a.len() - 1]), (b[0], b[b.len() - 1]));
                prop_assert!(p.iter().all(|q| a.contains(q)));
            }
        }
    }

    /// Segments of `routes` that cross a box's border with both ends outside
    /// the box, counted box by box.
    fn needless_box_crossings(routes: &[Vec<Point>], clusters: &[Rect]) -> usize {
        routes
            .iter()
            .flat_map(|r| r.windows(2))
            .map(|w| {
                clusters
                    .iter()
                    .filter(|c| {
                        !inside(w[0], c, 0.0) && !inside(w[1], c, 0.0) && meets(w[0], w[1], c, 0.0)
                    })
                    .count()
            })
            .sum()
    }

    /// A source on the right, a target one rank down on the left, and a box
    /// `top`..`bottom` between them in x; the route changes lanes across
    /// the box at y 50-60.
    fn lane_change_through(top: f64, bottom: f64) -> (Vec<Rect>, Vec<Rect>, Vec<Vec<Point>>) {
        let nodes = vec![rect(300.0, 0.0, 20.0, 10.0), rect(0.0, 100.0, 20.0, 10.0)];
        let clusters = vec![rect(100.0, top, 100.0, bottom - top)];
        let routes = vec![vec![
            pt(310.0, 10.0),
            pt(310.0, 50.0),
            pt(10.0, 60.0),
            pt(10.0, 100.0),
        ]];
        (nodes, clusters, routes)
    }

    #[test]
    fn a_lane_change_through_a_box_goes_round_its_top() {
        let (nodes, clusters, mut routes) = lane_change_through(30.0, 120.0);
        assert_eq!(needless_box_crossings(&routes, &clusters), 1);
        let scene = one_edge(&nodes, &clusters);
        straighten_free(&mut routes, &scene);
        let r = &routes[0];
        assert_eq!(needless_box_crossings(&routes, &clusters), 0, "{r:?}");
        assert_eq!((r[0], r[r.len() - 1]), (pt(310.0, 10.0), pt(10.0, 100.0)));
        // It runs on downwards, above the box with the margin to spare.
        assert!(r.windows(2).all(|w| w[0].y <= w[1].y), "{r:?}");
        assert!(
            r.iter()
                .filter(|p| p.x > 90.0 && p.x < 210.0)
                .all(|p| p.y <= 30.0 - MARGIN)
        );
        // The same below the box, where it ends above the target's rank.
        let (nodes, clusters, mut routes) = lane_change_through(-20.0, 70.0);
        let scene = one_edge(&nodes, &clusters);
        straighten_while(&mut routes, &[true], &[vec![]], &scene, true, 1);
        assert_eq!(needless_box_crossings(&routes, &clusters), 0, "{routes:?}");
        assert!(routes[0].windows(2).all(|w| w[0].y <= w[1].y), "{routes:?}");
    }

    #[test]
    fn an_orthogonal_detour_stays_orthogonal() {
        let (nodes, clusters, _) = lane_change_through(30.0, 120.0);
        let mut routes = vec![vec![
            pt(310.0, 10.0),
            pt(310.0, 55.0),
            pt(10.0, 55.0),
            pt(10.0, 100.0),
        ]];
        let scene = one_edge(&nodes, &clusters);
        detour(&mut routes, &[true], &[vec![]], &scene);
        assert_eq!(needless_box_crossings(&routes, &clusters), 0, "{routes:?}");
        // Three pieces, each across or along: no bend is straightened away.
        assert_eq!(routes[0].len(), 4, "{routes:?}");
        assert!(
            routes[0]
                .windows(2)
                .all(|w| w[0].x == w[1].x || w[0].y == w[1].y),
            "{routes:?}"
        );
    }

    #[test]
    fn detours_round_one_box_take_tracks_of_their_own() {
        let (mut nodes, clusters, mut routes) = lane_change_through(30.0, 120.0);
        nodes.extend([rect(260.0, 0.0, 20.0, 10.0), rect(40.0, 100.0, 20.0, 10.0)]);
        routes.push(vec![
            pt(270.0, 10.0),
            pt(270.0, 50.0),
            pt(50.0, 60.0),
            pt(50.0, 100.0),
        ]);
        let ends = [(0, 1), (2, 3)];
        let scene = Scene {
            nodes: &nodes,
            clusters: &clusters,
            labels: &[],
            ends: &ends,
        };
        straighten_free(&mut routes, &scene);
        assert_eq!(needless_box_crossings(&routes, &clusters), 0, "{routes:?}");
        // No piece of one drawn over a piece of the other, as a pixel-by-
        // pixel look along every pair of segments finds.
        for s in routes[0].windows(2) {
            for t in routes[1].windows(2) {
                let shared = (0..=100)
                    .map(|k| f64::from(k) / 100.0)
                    .filter(|&u| {
                        let p = pt(
                            s[0].x + u * (s[1].x - s[0].x),
                            s[0].y + u * (s[1].y - s[0].y),
                        );
                        super::super::distance_to_segment(p, t[0], t[1]) <= 1.0
                    })
                    .count();
                assert!(shared <= 2, "{s:?} runs along {t:?}");
            }
        }
    }

    #[test]
    fn a_box_filling_the_channel_is_not_gone_round() {
        // Round the box would mean running against the edge's direction.
        let (nodes, clusters, mut routes) = lane_change_through(5.0, 105.0);
        let before = routes.clone();
        let scene = one_edge(&nodes, &clusters);
        straighten_free(&mut routes, &scene);
        assert_eq!(routes, before);
        // Nor is a route whose lane-change points are pinned.
        let (nodes, clusters, mut routes) = lane_change_through(30.0, 120.0);
        let before = routes.clone();
        let pins = vec![vec![pt(310.0, 50.0), pt(10.0, 60.0)]];
        let scene = one_edge(&nodes, &clusters);
        straighten_while(&mut routes, &[true], &pins, &scene, false, 1);
        assert_eq!(routes, before);
        // Nor one with a node in the way above the box.
        let (mut nodes, clusters, mut routes) = lane_change_through(30.0, 120.0);
        nodes.push(rect(140.0, 8.0, 20.0, 16.0));
        let before = routes.clone();
        let scene = one_edge(&nodes, &clusters);
        straighten_free(&mut routes, &scene);
        assert_eq!(routes, before);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// Once the work cap is spent, the routes not yet tried keep their
        /// points: with none, nothing changes; the cap does not bite on
        /// small scenes; whatever it is, every route keeps its ends and no
        /// needless box crossing is added.
        #[test]
        fn the_work_cap_stops_straightening_where_it_is_spent(
            routes in proptest::collection::vec(proptest::collection::vec(lattice_point(), 3..8), 2..10),
            boxes in proptest::collection::vec((lattice_point(), 1u8..3, 1u8..3), 2..5),
            frames in proptest::collection::vec((lattice_point(), 2u8..8, 2u8..8), 0..3),
            cap in 0u64..400,
        ) {
            let nodes = lattice_nodes(&boxes);
            let clusters = lattice_nodes(&frames);
            let (ends, movable, pins) = free_routes(routes.len());
            let scene = Scene { nodes: &nodes, clusters: &clusters, labels: &[], ends: &ends };
            let run = |work: u64| {
                let mut out = routes.clone();
                straighten_tries(&mut out, &movable, &pins, &scene, false, Effort { passes: MAX_PASSES, work, min_gain: 1 }, true);
                out
            };
            prop_assert_eq!(run(0), routes.clone());
            let full = run(u64::MAX);
            prop_assert_eq!(run(WORK_BUDGET), full.clone());
            let part = run(cap);
            for (p, r) in part.iter().zip(&routes) {
                prop_assert_eq!((p[0], p[p.len() - 1]), (r[0], r[r.len() - 1]));
            }
            prop_assert!(needless_box_crossings(&part, &clusters) <= needless_box_crossings(&routes, &clusters));
        }
    }

    #[test]
    fn outside_points_do_not_cut_through_a_cluster() {
        let nodes = [rect(0.0, 0.0, 10.0, 10.0), rect(0.0, 200.0, 10.0, 10.0)];
        let clusters = [rect(-20.0, 60.0, 200.0, 80.0)];
        let scene = one_edge(&nodes, &clusters);
        let mut routes = vec![vec![
            pt(5.0, 10.0),
            pt(-40.0, 50.0),
            pt(-40.0, 150.0),
            pt(5.0, 200.0),
        ]];
        let before = routes.clone();
        straighten_free(&mut routes, &scene);
        assert_eq!(routes, before);
    }
}
