//! Edge routes and the final frame: polylines through the dummies, clipped at
//! node borders, then everything turned to the requested direction and moved
//! so the bounding box starts at the origin.

use std::collections::BTreeMap;

use super::build::{LABEL_GAP, Layered, Route, internal};
use super::position::Placed;
use super::shape::ray_hit;
use super::straight::{Scene, detour, straighten_while};
use super::tree::ClusterTree;
use super::{Direction, EdgeRoute, EdgeRouting, Layout, LayoutInput, Point, Rect};

/// Largest distance between neighbouring ports on one side of a node.
const PORT_SEP: f64 = 10.0;
/// Share of a node's side that its ports may spread over.
const PORT_SPREAD: f64 = 0.7;
/// Distance between neighbouring tracks of orthogonal routes.
pub(crate) const TRACK_SEP: f64 = 6.0;

/// On a layered graph of at least this many nodes, a pass of straightening
/// follows only one that took out a bend point per [`LATE_PASS_SHARE`]
/// layered nodes, the same size from which transposition and sifting stop
/// at their tails on components with boxes. There each pass costs 10-15%
/// of the layout's time: the clustered 500-node benchmark graphs (over
/// 10,000 layered nodes) stop after the third, with 0.91 and 0.68 of dot's
/// bends, and random+clusters/200 (3,196 layered nodes) takes 10% less time
/// for 1,597 bends instead of 1,538 (dot: 1,798). Smaller drawings, every
/// TE24 view among them, take every pass that straightens something.
const LATE_PASS_NODES: usize = 1_000;
/// See [`LATE_PASS_NODES`].
const LATE_PASS_SHARE: usize = 50;
/// Boxes looked at in all for [flat edges' tracks](flat_track): beyond it,
/// a flat edge runs over its rank as near it as it did before tracks were
/// sought, so many flat edges among many boxes stay linear.
const FLAT_WORK: u64 = 10_000_000;
/// Least distance of a flat edge's track from a box border it does not cross.
const FLAT_MARGIN: f64 = 3.0;
/// In a drawing without boxes, each channel between two ranks is at least
/// this share of its longest lane change high (as ELK's polyline router
/// widens the gap between two layers by a share of the widest span an edge
/// crosses there). Two lane changes that cross in a channel of height h,
/// running dx1 and dx2 across it, meet at about h × |1/dx1 - 1/dx2|
/// radians; in the 30-36 px channels of the random graphs those running
/// hundreds of pixels met at a few degrees and read as one line. With
/// boxes, the channels keep their height: there the longest lane changes
/// run round boxes, and the same rule took random+clusters/200 from 1.25 to
/// 2.28 times min(dot, ELK) in area (1.72 with each channel's growth capped
/// at one rank gap), already over the 1.1 the layout aims at. See
/// docs/render.md, "Channels as high as their longest lane change".
const LANE_SLOPE: f64 = 0.05;
/// Above this many lane changes in one channel, tracks are not shared
/// (sharing costs a pass over the earlier ones for each).
const TRACK_SHARING_LIMIT: usize = 2000;

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
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
        if (b.x - a.x).abs() + (b.y - a.y).abs() < 1e-9 * (1.0 + a.x.abs() + a.y.abs()) {
            continue;
        }
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

/// The height of the run of a flat edge between `xa` and `xb` (left to
/// right, their centres at height `ends_y`), from the top of its ends
/// (`over`) or from their bottom, within `lo..hi`, the gap between their
/// rank and the one above or below, with the boxes it crosses there: of
/// the heights at which the line crosses the fewest borders of boxes in
/// `boxes` (each with whether it holds the left end and the right end) but
/// those holding exactly one end, [`FLAT_MARGIN`] clear of the borders it
/// does not cross, the one nearest `prefer`. None crossed where a height
/// allows: the run stays inside the boxes holding both ends and clear of
/// those holding neither; where one of those stands over an end, beyond
/// it. A box between the ends that reaches across the whole gap is
/// crossed, and the others are still kept clear of. None if no height
/// stays inside the boxes holding both ends.
fn flat_track<'r>(
    (xa, xb, ends_y): (f64, f64, f64),
    (mut lo, mut hi): (f64, f64),
    prefer: f64,
    over: bool,
    boxes: impl Iterator<Item = (&'r Rect, bool, bool)>,
) -> Option<(f64, usize)> {
    let m = FLAT_MARGIN;
    lo += m;
    hi -= m;
    // Open stretches of height at which the line would cross a box.
    let mut forbidden: Vec<(f64, f64)> = Vec::new();
    for (r, holds_a, holds_b) in boxes {
        let (x0, x1, y0, y1) = (r.x, r.x + r.width, r.y, r.y + r.height);
        if x0 >= xb + m || x1 <= xa - m {
            continue;
        }
        match (holds_a, holds_b) {
            (true, true) => {
                lo = lo.max(y0 + m);
                hi = hi.min(y1 - m);
            }
            (false, false) => {
                let stands_over = |x: f64| x0 - m <= x && x <= x1 + m;
                if stands_over(xa) || stands_over(xb) {
                    // Over or under an end: on the line's side, the line
                    // must stay between the end and it; on the other, it
                    // is out of the line's way.
                    if over && y1 <= ends_y {
                        forbidden.push((f64::NEG_INFINITY, y1 + m));
                    } else if !over && y0 >= ends_y {
                        forbidden.push((y0 - m, f64::INFINITY));
                    }
                } else {
                    forbidden.push((y0 - m, y1 + m));
                }
            }
            // Holding one end: crossed at the side, so the run keeps
            // clear of its top and bottom (a spline rounding the corner
            // would cross there too).
            _ => forbidden.extend([(y0 - m, y0 + m), (y1 - m, y1 + m)]),
        }
    }
    if lo > hi {
        return None;
    }
    // The boxes crossed at height y: those whose stretch holds it, counted
    // from the sorted starts and ends (a stretch ending at or before y
    // started before it).
    let mut starts: Vec<f64> = forbidden.iter().map(|f| f.0).collect();
    let mut ends: Vec<f64> = forbidden.iter().map(|f| f.1).collect();
    starts.sort_by(f64::total_cmp);
    ends.sort_by(f64::total_cmp);
    let crossed = |y: f64| starts.partition_point(|&s| s < y) - ends.partition_point(|&e| e <= y);
    // The crossings change only at the stretches' ends, and are no more
    // there than on either side: the height nearest `prefer` is one of
    // those ends, a bound of the gap, or `prefer` itself.
    let candidates = starts
        .iter()
        .chain(&ends)
        .copied()
        .filter(|y| (lo..=hi).contains(y));
    candidates
        .chain([lo, hi, prefer.clamp(lo, hi)])
        // A gap with no rank beyond it has no bound there.
        .filter(|y| y.is_finite())
        .map(|y| (crossed(y), (y - prefer).abs(), y))
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        })
        .map(|(c, _, y)| (y, c))
}

/// A lane change of one edge in the channel below rank `rank`.
struct Change {
    route: usize,
    /// Index of the chain node above the channel.
    step: usize,
    from_x: f64,
    to_x: f64,
}

/// Port offsets from the node centre line, by (route, end): `end` 0 is the
/// chain's upper end (a port on the node's lower side), 1 its lower end.
fn ports(g: &Layered, p: &Placed) -> BTreeMap<(usize, usize), f64> {
    // (node, lower side) -> (x of the neighbour on the chain, route, end).
    type Side = Vec<(f64, usize, usize)>;
    let mut sides: BTreeMap<(usize, bool), Side> = BTreeMap::new();
    for (i, route) in g.routes.iter().enumerate() {
        if let Route::Chain { nodes, .. } = route {
            let k = nodes.len();
            sides
                .entry((nodes[0], true))
                .or_default()
                .push((p.x[nodes[1]], i, 0));
            sides
                .entry((nodes[k - 1], false))
                .or_default()
                .push((p.x[nodes[k - 2]], i, 1));
        }
    }
    let mut out = BTreeMap::new();
    for ((v, _), mut list) in sides {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let c = list.len();
        let step = if c > 1 {
            PORT_SEP.min(g.size[v].0 * PORT_SPREAD / (c - 1) as f64)
        } else {
            0.0
        };
        for (j, &(_, i, end)) in list.iter().enumerate() {
            out.insert((i, end), (j as f64 - (c - 1) as f64 / 2.0) * step);
        }
    }
    out
}

/// Tracks of the lane changes in one channel, counted from its bottom:
/// a change that starts further left of the others going right (or further
/// right going left) runs lower, so two changes cross only where their
/// edges must; changes whose spans are apart share a track.
fn tracks(changes: &[Change]) -> (Vec<usize>, usize) {
    let mut order: Vec<usize> = (0..changes.len()).collect();
    let key = |c: &Change| {
        if c.to_x > c.from_x {
            (0, c.from_x)
        } else {
            (1, -c.from_x)
        }
    };
    order.sort_by(|&a, &b| {
        let (ka, kb) = (key(&changes[a]), key(&changes[b]));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
    });
    let mut track = vec![0usize; changes.len()];
    let mut count = 0;
    let span = |c: &Change| (c.from_x.min(c.to_x), c.from_x.max(c.to_x));
    for (j, &i) in order.iter().enumerate() {
        let t = if changes.len() > TRACK_SHARING_LIMIT {
            j
        } else {
            let (lo, hi) = span(&changes[i]);
            order[..j]
                .iter()
                .filter(|&&e| {
                    let (a, b) = span(&changes[e]);
                    a <= hi + TRACK_SEP && lo <= b + TRACK_SEP
                })
                .map(|&e| track[e] + 1)
                .max()
                .unwrap_or(0)
        };
        track[i] = t;
        count = count.max(t + 1);
    }
    (track, count)
}

pub(crate) fn finish(
    input: &LayoutInput,
    g: &Layered,
    tree: &ClusterTree,
    placed: &Placed,
) -> Layout {
    let dir = input.direction;
    let orthogonal = input.routing == EdgeRouting::Orthogonal;
    let mut p_band_top = placed.band_top.clone();
    let mut channel = placed.channel.clone();
    let mut clusters_rect = placed.clusters.clone();
    let mut cluster_label = placed.cluster_labels.clone();
    let p = placed;
    let port = ports(g, p);
    let port_x =
        |i: usize, end: usize, v: usize| p.x[v] + port.get(&(i, end)).copied().unwrap_or(0.0);

    // Lane changes per channel; orthogonal ones get tracks, and a channel
    // too low for its tracks grows, moving everything below it down.
    let nr = g.num_ranks;
    let mut changes: Vec<Vec<Change>> = (0..nr.saturating_sub(1)).map(|_| Vec::new()).collect();
    for (i, route) in g.routes.iter().enumerate() {
        if let Route::Chain { nodes, .. } = route {
            let k = nodes.len();
            for s in 0..k - 1 {
                let from_x = if s == 0 {
                    port_x(i, 0, nodes[0])
                } else {
                    p.x[nodes[s]]
                };
                let to_x = if s + 2 == k {
                    port_x(i, 1, nodes[k - 1])
                } else {
                    p.x[nodes[s + 1]]
                };
                if (from_x - to_x).abs() > 1e-6 {
                    changes[g.nodes[nodes[s]].rank].push(Change {
                        route: i,
                        step: s,
                        from_x,
                        to_x,
                    });
                }
            }
        }
    }
    let mut track_y: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    // Without boxes, sloped lane changes get channels high enough to keep
    // them apart (see LANE_SLOPE).
    let steep = !orthogonal && input.clusters.is_empty();
    if orthogonal || steep {
        let mut shift = 0.0;
        let mut shifts = vec![0.0f64; nr];
        for r in 0..nr {
            p_band_top[r] += shift;
            if r + 1 < nr {
                let (lo, hi) = (channel[r].0 + shift, channel[r].1 + shift);
                let (track, count, need) = if orthogonal {
                    let (track, count) = tracks(&changes[r]);
                    (track, count, (count + 1) as f64 * TRACK_SEP)
                } else {
                    let longest = changes[r]
                        .iter()
                        .map(|c| (c.to_x - c.from_x).abs())
                        .fold(0.0, f64::max);
                    (Vec::new(), 0, LANE_SLOPE * longest)
                };
                let extra = (need - (hi - lo)).max(0.0);
                let hi = hi + extra;
                let sep = (hi - lo) / (count + 1) as f64;
                for (c, t) in changes[r].iter().zip(&track) {
                    track_y.insert((c.route, c.step), hi - (*t + 1) as f64 * sep);
                }
                channel[r] = (lo, hi);
                shift += extra;
            }
            shifts[r] = shift;
        }
        // Ranks got `shifts[r]` lower in total once their band is placed.
        let moved = |r: usize| if r == 0 { 0.0 } else { shifts[r - 1] };
        for (c, rect) in clusters_rect.iter_mut().enumerate() {
            let (lo, hi) = g.span[c];
            let (top, bottom) = (rect.y + moved(lo), rect.y + rect.height + moved(hi));
            rect.y = top;
            rect.height = bottom - top;
            cluster_label[c].y += match dir {
                Direction::TopToBottom => moved(lo),
                Direction::LeftToRight => (moved(lo) + moved(hi)) / 2.0,
            };
        }
    }
    let band_top = &p_band_top;
    let centre = |v: usize| {
        let r = g.nodes[v].rank;
        pt(p.x[v], band_top[r] + p.band_height[r] / 2.0)
    };
    let mut pos = vec![0usize; g.nodes.len()];
    for row in &p.order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }

    let mut routes: Vec<EdgeRoute> = Vec::with_capacity(input.edges.len());
    // Boxes looked at for flat edges' tracks, up to FLAT_WORK.
    let mut flat_work = 0u64;
    for (i, (e, route)) in input.edges.iter().zip(&g.routes).enumerate() {
        let label = e.label.map(|l| internal(dir, l));
        let (u, v) = (e.from, e.to);
        let r = match route {
            Route::Chain {
                nodes,
                reversed,
                label: label_node,
            } => {
                let k = nodes.len();
                let (first, last) = (nodes[0], nodes[k - 1]);
                let band_bottom = |r: usize| band_top[r] + p.band_height[r];
                let x0 = port_x(i, 0, first);
                let mut points = vec![
                    pt(x0, centre(first).y + g.size[first].1 / 2.0),
                    pt(x0, band_bottom(g.nodes[first].rank)),
                ];
                for s in 0..k - 1 {
                    let (a, b) = (nodes[s], nodes[s + 1]);
                    let r = g.nodes[a].rank;
                    let xa = if s == 0 { x0 } else { p.x[a] };
                    let xb = if s + 2 == k { port_x(i, 1, b) } else { p.x[b] };
                    let (lo, hi) = channel[r];
                    match track_y.get(&(i, s)) {
                        Some(&y) => {
                            points.push(pt(xa, y));
                            points.push(pt(xb, y));
                        }
                        None => {
                            // Short straight pieces at both sides of the
                            // channel: the line meets each end's outline
                            // head on, and a rounded corner stays inside.
                            let stub = ((hi - lo) / 4.0).min(6.0);
                            points.push(pt(xa, lo + stub));
                            points.push(pt(xb, hi - stub));
                        }
                    }
                    points.push(pt(xb, band_top[r + 1]));
                    if s + 2 == k {
                        points.push(pt(xb, centre(b).y - g.size[last].1 / 2.0));
                    } else {
                        points.push(pt(xb, band_bottom(r + 1)));
                    }
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
                // The label goes over the line, or under it when it runs
                // under the rank.
                let (mut points, over) = if pos[u].abs_diff(pos[v]) == 1 {
                    let line = vec![pt(a.x + sa.0 / 2.0, a.y), pt(b.x - sb.0 / 2.0, b.y)];
                    (line, true)
                } else {
                    // Over the rank, through the gap above it, or under it,
                    // at a height where the line crosses no box border but
                    // those it must (else over it, as near the rank).
                    let r = g.nodes[u].rank;
                    let bottom = band_top[r] + p.band_height[r];
                    let above = (
                        r.checked_sub(1)
                            .map_or(f64::NEG_INFINITY, |q| band_top[q] + p.band_height[q]),
                        band_top[r],
                        band_top[r] - g.rank_sep / 3.0,
                    );
                    let below = (
                        bottom,
                        band_top.get(r + 1).copied().unwrap_or(f64::INFINITY),
                        bottom + g.rank_sep / 3.0,
                    );
                    let holds = |c: usize, w: usize| {
                        input.nodes[w]
                            .cluster
                            .is_some_and(|k| tree.path[k].get(tree.path[c].len() - 1) == Some(&c))
                    };
                    let track = |(lo, hi, prefer), over: bool, work: &mut u64| {
                        *work += clusters_rect.len() as u64;
                        if *work > FLAT_WORK {
                            return None;
                        }
                        let boxes = clusters_rect
                            .iter()
                            .enumerate()
                            .map(|(c, rect)| (rect, holds(c, u), holds(c, v)));
                        let ends = (a.x.min(b.x), a.x.max(b.x), a.y);
                        flat_track(ends, (lo, hi), prefer, over, boxes)
                    };
                    // Above the rank where no box need be crossed there;
                    // else below it if that crosses fewer.
                    let up = track(above, true, &mut flat_work);
                    let way = match up {
                        Some((y, 0)) => Some((y, true)),
                        _ => match (up, track(below, false, &mut flat_work)) {
                            (Some((ya, ca)), Some((_, cb))) if ca <= cb => Some((ya, true)),
                            (_, Some((yb, _))) => Some((yb, false)),
                            (up, None) => up.map(|(y, _)| (y, true)),
                        },
                    };
                    let (y, over) = way.unwrap_or((above.2, true));
                    let side = if over { -0.5 } else { 0.5 };
                    let line = vec![
                        pt(a.x, a.y + side * sa.1),
                        pt(a.x, y),
                        pt(b.x, y),
                        pt(b.x, b.y + side * sb.1),
                    ];
                    (line, over)
                };
                let label_pos = label.map(|(_, lh)| {
                    let m = midpoint(&points);
                    let ys = points.iter().map(|q| q.y);
                    if over {
                        let top = ys.fold(f64::INFINITY, f64::min);
                        pt(m.x, top - LABEL_GAP - lh / 2.0)
                    } else {
                        let bottom = ys.fold(f64::NEG_INFINITY, f64::max);
                        pt(m.x, bottom + LABEL_GAP + lh / 2.0)
                    }
                });
                if cu.x > cv.x {
                    points.reverse();
                }
                EdgeRoute { points, label_pos }
            }
            Route::Hidden => EdgeRoute {
                points: vec![centre(u), centre(v)],
                label_pos: None,
            },
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
    straighten_routes(
        input,
        g,
        &mut routes,
        &clusters_rect,
        &cluster_label,
        &|d| centre(d),
        &p.x,
    );

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
    let mut clusters: Vec<Rect> = clusters_rect.iter().map(|&r| flip_rect(r)).collect();
    let mut cluster_labels: Vec<Point> = cluster_label.iter().map(|&q| flip(q)).collect();
    for (r, e) in routes.iter_mut().zip(&input.edges) {
        for q in &mut r.points {
            *q = flip(*q);
        }
        r.label_pos = r.label_pos.map(flip);
        // Cut the ends where the line meets the drawn outline.
        let k = r.points.len();
        let apart = |a: Point, b: Point| (a.x - b.x).abs() + (a.y - b.y).abs() > 1e-6;
        let after = (1..k).find(|&j| apart(r.points[j], r.points[0]));
        let before = (0..k - 1)
            .rev()
            .find(|&j| apart(r.points[j], r.points[k - 1]));
        // (end, where the line now ends, a corner kept before that end).
        let mut cut: [Option<(Point, Option<Point>)>; 2] = [None, None];
        for (slot, (end, next, v)) in [(0, after, e.from), (k - 1, before, e.to)]
            .into_iter()
            .enumerate()
        {
            let Some(next) = next else { continue };
            let spec = &input.nodes[v];
            let c = nodes[v];
            let poly = spec.outline.polygon(
                c.x - spec.width / 2.0,
                c.y - spec.height / 2.0,
                spec.width,
                spec.height,
            );
            // A ray grazing a slanted corner, or a straightened line coming
            // in at a slant, may miss the shape: then the line keeps its
            // end on the box as a corner and goes on from there towards the
            // centre to meet the shape.
            cut[slot] = match ray_hit(&poly, r.points[next], r.points[end]) {
                Some(hit) => Some((hit, None)),
                None => ray_hit(&poly, r.points[end], c).map(|hit| (hit, Some(r.points[end]))),
            };
        }
        if let Some((hit, corner)) = cut[1] {
            r.points[k - 1] = hit;
            if let Some(q) = corner {
                r.points.insert(k - 1, q);
            }
        }
        if let Some((hit, corner)) = cut[0] {
            r.points[0] = hit;
            if let Some(q) = corner {
                r.points.insert(1, q);
            }
        }
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

/// Replaces runs of bends by straight segments where nothing is in the way
/// (see [`straighten_while`]), in the internal frame. The piece of a labelled
/// edge beside its label is pinned so the label stays next to the line; an
/// edge whose label sits at its midpoint is left alone. Orthogonal routes
/// keep their bends and only go round boxes they cross for nothing
/// ([`detour`]), labelled ones not at all.
fn straighten_routes(
    input: &LayoutInput,
    g: &Layered,
    routes: &mut [EdgeRoute],
    clusters: &[Rect],
    cluster_labels: &[Point],
    centre: &dyn Fn(usize) -> Point,
    xs: &[f64],
) {
    let dir = input.direction;
    let nodes: Vec<Rect> = (0..input.nodes.len())
        .map(|v| (centre(v), g.size[v]))
        .map(|(c, (w, h))| Rect {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            width: w,
            height: h,
        })
        .collect();
    let around = |c: Point, (w, h): (f64, f64)| Rect {
        x: c.x - w / 2.0,
        y: c.y - h / 2.0,
        width: w,
        height: h,
    };
    let mut labels: Vec<(Rect, Option<usize>)> = Vec::new();
    for (c, spec) in cluster_labels.iter().zip(&input.clusters) {
        let size = internal(dir, (spec.label_width, spec.label_height));
        if size.0 > 0.0 && size.1 > 0.0 {
            labels.push((around(*c, size), None));
        }
    }
    for (i, (r, e)) in routes.iter().zip(&input.edges).enumerate() {
        if let (Some(c), Some(l)) = (r.label_pos, e.label) {
            labels.push((around(c, internal(dir, l)), Some(i)));
        }
    }
    let ends: Vec<(usize, usize)> = input.edges.iter().map(|e| (e.from, e.to)).collect();
    let mut movable = vec![false; routes.len()];
    let mut pins: Vec<Vec<Point>> = vec![Vec::new(); routes.len()];
    for (i, (route, e)) in g.routes.iter().zip(&input.edges).enumerate() {
        let Route::Chain { label, .. } = route else {
            continue;
        };
        match (e.label, label) {
            (None, _) => movable[i] = true,
            (Some(_), _) if input.routing == EdgeRouting::Orthogonal => {}
            (Some(l), Some(d)) => {
                // Pin the vertical piece beside the label: its ends become
                // vertices of the route.
                let (x, cy) = (xs[*d], centre(*d).y);
                let h = internal(dir, l).1;
                let points = &mut routes[i].points;
                let (top, bottom) = (pt(x, cy - h / 2.0), pt(x, cy + h / 2.0));
                let at = points.windows(2).position(|w| {
                    (w[0].x - x).abs() < 1e-9
                        && (w[1].x - x).abs() < 1e-9
                        && w[0].y.min(w[1].y) <= top.y
                        && w[0].y.max(w[1].y) >= bottom.y
                });
                if let Some(k) = at {
                    let pair = if points[k].y <= points[k + 1].y {
                        [top, bottom]
                    } else {
                        [bottom, top]
                    };
                    points.splice(k + 1..k + 1, pair);
                    simplify_keeping(points, &pair);
                    pins[i] = pair.to_vec();
                    movable[i] = true;
                }
            }
            (Some(_), None) => {}
        }
    }
    let mut lines: Vec<Vec<Point>> = routes
        .iter_mut()
        .map(|r| std::mem::take(&mut r.points))
        .collect();
    let scene = Scene {
        nodes: &nodes,
        clusters,
        labels: &labels,
        ends: &ends,
    };
    let rounded = input.routing == EdgeRouting::Spline;
    // Hidden edges are not drawn: no line to keep clear of.
    let mut hidden: Vec<(usize, Vec<Point>)> = Vec::new();
    for (i, route) in g.routes.iter().enumerate() {
        if matches!(route, Route::Hidden) {
            hidden.push((i, std::mem::take(&mut lines[i])));
        }
    }
    if input.routing == EdgeRouting::Orthogonal {
        detour(&mut lines, &movable, &pins, &scene);
    } else {
        let min_gain = if g.nodes.len() >= LATE_PASS_NODES {
            g.nodes.len() / LATE_PASS_SHARE
        } else {
            1
        };
        straighten_while(&mut lines, &movable, &pins, &scene, rounded, min_gain);
    }
    for (i, points) in hidden {
        lines[i] = points;
    }
    for (r, points) in routes.iter_mut().zip(lines) {
        r.points = points;
    }
}

/// Drops repeated points, but never one of `keep`.
fn simplify_keeping(points: &mut Vec<Point>, keep: &[Point]) {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for (j, &q) in points.iter().enumerate() {
        let last = j + 1 == points.len();
        if let Some(&prev) = out.last()
            && (prev.x - q.x).abs() + (prev.y - q.y).abs() < 1e-9
        {
            if keep.contains(&q) || last {
                out.pop();
            } else {
                continue;
            }
        }
        out.push(q);
    }
    *points = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    /// [`flat_track`] between ends at x 0 and 100, centred at y 50, in the
    /// gap 0..40 above them or 60..100 below them, preferring 30 or 70: the
    /// height, where it crosses no box.
    fn track(over: bool, boxes: &[(Rect, bool, bool)]) -> Option<f64> {
        match crossing(over, boxes) {
            Some((y, 0)) => Some(y),
            _ => None,
        }
    }

    /// [`flat_track`] as [`track`] calls it: the height and the boxes the
    /// line crosses there.
    fn crossing(over: bool, boxes: &[(Rect, bool, bool)]) -> Option<(f64, usize)> {
        let (gap, prefer) = if over {
            ((0.0, 40.0), 30.0)
        } else {
            ((60.0, 100.0), 70.0)
        };
        let boxes = boxes.iter().map(|(r, a, b)| (r, *a, *b));
        flat_track((0.0, 100.0, 50.0), gap, prefer, over, boxes)
    }

    #[test]
    fn a_flat_track_passes_over_a_box_between_its_ends_that_starts_on_their_rank() {
        let between = rect(40.0, 20.0, 60.0, 80.0);
        let m = FLAT_MARGIN;
        assert_eq!(track(true, &[(between, false, false)]), Some(20.0 - m));
        assert_eq!(track(false, &[(between, false, false)]), Some(80.0 + m));
        // Without it, the preferred height.
        assert_eq!(track(true, &[]), Some(30.0));
    }

    #[test]
    fn a_flat_track_stays_inside_a_box_holding_both_ends() {
        let around = rect(-10.0, 25.0, 110.0, 75.0);
        let inner = rect(40.0, 32.0, 60.0, 70.0);
        let m = FLAT_MARGIN;
        // Above the inner box, below the outer box's top.
        let y = track(true, &[(around, true, true), (inner, false, false)]).expect("a track");
        assert!((25.0 + m..=32.0 - m).contains(&y), "{y}");
        // No room between the two tops: under the rank instead.
        let tight = rect(40.0, 27.0, 60.0, 66.0);
        assert_eq!(
            track(true, &[(around, true, true), (tight, false, false)]),
            None
        );
        let y = track(false, &[(around, true, true), (tight, false, false)]).expect("a track");
        assert!((66.0 + m..=75.0 - m).contains(&y), "{y}");
    }

    #[test]
    fn a_flat_track_ignores_boxes_holding_one_end_and_boxes_beyond_an_end() {
        // A box holding the left end only: crossed once either way.
        let own = rect(-10.0, 10.0, 20.0, 90.0);
        assert_eq!(track(true, &[(own, true, false)]), Some(30.0));
        // A box under the left end does not stop a line over it; a box
        // over it does, below its bottom.
        let under = rect(-10.0, 70.0, 20.0, 90.0);
        assert_eq!(track(true, &[(under, false, false)]), Some(30.0));
        let over = rect(-10.0, 0.0, 20.0, 31.0);
        assert_eq!(
            track(true, &[(over, false, false)]),
            Some(31.0 + FLAT_MARGIN)
        );
    }

    #[test]
    fn a_flat_track_crosses_a_box_between_the_ends_across_the_gap_and_only_it() {
        // A box between the ends that fills the gaps above and below
        // cannot be kept clear of; the track crosses it where it keeps
        // clear of a shorter box inside it that starts on the ends' rank.
        let tall = rect(40.0, -20.0, 60.0, 120.0);
        assert_eq!(track(true, &[(tall, false, false)]), None);
        assert_eq!(track(false, &[(tall, false, false)]), None);
        assert_eq!(crossing(true, &[(tall, false, false)]), Some((30.0, 1)));
        let inner = rect(45.0, 20.0, 55.0, 80.0);
        let m = FLAT_MARGIN;
        let both = [(tall, false, false), (inner, false, false)];
        assert_eq!(crossing(true, &both), Some((20.0 - m, 1)));
        assert_eq!(crossing(false, &both), Some((80.0 + m, 1)));
        // With no room beside the inner box in the gap, both are crossed.
        let full = rect(45.0, -10.0, 55.0, 110.0);
        let both = [(tall, false, false), (full, false, false)];
        assert_eq!(crossing(true, &both), Some((30.0, 2)));
        // No height inside a box holding both ends: no track.
        let around = rect(-10.0, 45.0, 110.0, 55.0);
        assert_eq!(crossing(true, &[(around, true, true)]), None);
    }
}
