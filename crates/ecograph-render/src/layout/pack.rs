//! Disconnected parts laid out one by one and packed side by side.
//!
//! A part is a connected component of the graph whose links are the edges
//! and the top-level clusters (everything inside one top-level cluster
//! belongs to one part). Each part is laid out on its own, then the parts'
//! bounding boxes are packed with a skyline ("bottom-left") packer, largest
//! first, for several bin widths; the packing with the smallest area whose
//! long side is at most [`MAX_ASPECT`] times its short side wins (a single
//! row, what one layered drawing of all parts would give, is among the
//! candidates). Parts never overlap and no edge runs between two parts, so
//! packing adds no crossing between parts; the packed drawing is used only
//! when it [scores](score) better than the one layered drawing of everything
//! (which may tuck small parts into gaps between the ranks of a big one) and
//! has no more crossings.
//!
//! Inside clusters the same packing applies twice: a part that is one
//! cluster around everything is laid out without that cluster and framed by
//! it ([`frame`]), so its disconnected contents are packed too; and the free
//! units of a cluster (child clusters and nodes that no edge reaches)
//! become a [`Bundle`], laid out on its own, packed, and placed in the
//! cluster as one node ([`with_bundles`]).

use super::tree::ClusterTree;
use super::{
    ClusterSpec, Direction, EdgeRoute, EdgeSpec, Layout, LayoutInput, NodeSpec, Point, Rect,
};

/// Longest accepted long side over short side of a packing, unless no
/// candidate achieves it.
const MAX_ASPECT: f64 = 2.0;
/// Packings within [`MAX_ASPECT`], and drawings when one is chosen over
/// another ([`score`]), are weighed by their area times their long side
/// over short side to this power: of two of about the same area the
/// squarer wins (1:1 against 2:1 while at most 7% larger). By area alone,
/// TE24's actors in Finnish were packed 1.86:1 for 0.09% less area than
/// 1.08:1; and boxes inside a bundle were drawn long to save a little of
/// their own area, which made the whole larger: Finnish ot-packages
/// 1.86:1, against 1.22:1 and 4% smaller with the squarer boxes, and
/// English vn-packages 9% larger with a box of three lone tasks wrapped.
const SQUARE: f64 = 0.1;
/// Width over height the bin widths are aimed at.
const TARGETS: [f64; 7] = [0.75, 1.0, 1.25, 1.618, 2.0, 2.6, 3.2];

/// A part: the input's nodes, clusters and edges it holds, in input order.
pub(crate) struct Part {
    pub(crate) nodes: Vec<usize>,
    pub(crate) clusters: Vec<usize>,
    pub(crate) edges: Vec<usize>,
}

fn find(parent: &mut [usize], mut v: usize) -> usize {
    while parent[v] != v {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    v
}

/// The parts of `input`, ordered by their first node; `None` when there is
/// only one, or when a cluster holds no node at all (it would belong to no
/// part).
pub(crate) fn parts(input: &LayoutInput, tree: &ClusterTree) -> Option<Vec<Part>> {
    let n = input.nodes.len();
    let k = input.clusters.len();
    if n < 2 {
        return None;
    }
    let mut parent: Vec<usize> = (0..n).collect();
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            // The smaller index is the root: deterministic.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            parent[hi] = lo;
        }
    };
    for e in &input.edges {
        union(&mut parent, e.from, e.to);
    }
    // First node seen in each top-level cluster, and the node each cluster
    // is represented by.
    let mut first_in_top: Vec<Option<usize>> = vec![None; k];
    for (v, spec) in input.nodes.iter().enumerate() {
        if let Some(c) = spec.cluster {
            let top = tree.path[c][0];
            match first_in_top[top] {
                Some(u) => union(&mut parent, u, v),
                None => first_in_top[top] = Some(v),
            }
        }
    }
    let cluster_node: Vec<Option<usize>> = (0..k).map(|c| first_in_top[tree.path[c][0]]).collect();
    // A cluster with no node anywhere in its top-level tree: keep one drawing.
    let mut has_node = vec![false; k];
    for spec in &input.nodes {
        if let Some(c) = spec.cluster {
            for &a in &tree.path[c] {
                has_node[a] = true;
            }
        }
    }
    if has_node.iter().any(|&h| !h) {
        return None;
    }
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut out: Vec<Part> = Vec::new();
    for v in 0..n {
        let r = find(&mut parent, v);
        let p = *index[r].get_or_insert_with(|| {
            out.push(Part {
                nodes: Vec::new(),
                clusters: Vec::new(),
                edges: Vec::new(),
            });
            out.len() - 1
        });
        out[p].nodes.push(v);
    }
    if out.len() < 2 {
        return None;
    }
    for (c, node) in cluster_node.iter().enumerate() {
        let v = node.expect("every cluster has a node");
        let p = index[find(&mut parent, v)].expect("every node has a part");
        out[p].clusters.push(c);
    }
    for (i, e) in input.edges.iter().enumerate() {
        let p = index[find(&mut parent, e.from)].expect("every node has a part");
        out[p].edges.push(i);
    }
    Some(out)
}

/// The input of one part, indices renumbered.
pub(crate) fn sub_input(input: &LayoutInput, part: &Part) -> LayoutInput {
    let mut node_at = vec![usize::MAX; input.nodes.len()];
    for (i, &v) in part.nodes.iter().enumerate() {
        node_at[v] = i;
    }
    let mut cluster_at = vec![usize::MAX; input.clusters.len()];
    for (i, &c) in part.clusters.iter().enumerate() {
        cluster_at[c] = i;
    }
    LayoutInput {
        direction: input.direction,
        nodes: part
            .nodes
            .iter()
            .map(|&v| NodeSpec {
                cluster: input.nodes[v]
                    .cluster
                    .and_then(|c| (cluster_at[c] != usize::MAX).then(|| cluster_at[c])),
                ..input.nodes[v]
            })
            .collect(),
        clusters: part
            .clusters
            .iter()
            .map(|&c| ClusterSpec {
                parent: input.clusters[c]
                    .parent
                    .and_then(|p| (cluster_at[p] != usize::MAX).then(|| cluster_at[p])),
                ..input.clusters[c]
            })
            .collect(),
        edges: part
            .edges
            .iter()
            .map(|&i| EdgeSpec {
                from: node_at[input.edges[i].from],
                to: node_at[input.edges[i].to],
                ..input.edges[i]
            })
            .collect(),
        ..input.clone_settings()
    }
}

/// The free units of one cluster, packed together and placed as one node.
pub(crate) struct Bundle {
    /// The cluster the units sit in.
    pub(crate) cluster: usize,
    /// The units' nodes, clusters and edges, as a part; the units' outermost
    /// clusters and nodes lose their parent in its input.
    pub(crate) part: Part,
}

/// Free units, per cluster with at least two: a unit is a node directly in
/// the cluster or a child cluster with everything in it, and it is free when
/// no edge crosses its border. Such units can be laid out on their own,
/// packed, and placed as one node. Clusters inside another bundle's units
/// are left to the bundle's own layout.
pub(crate) fn bundles(input: &LayoutInput, tree: &ClusterTree) -> Vec<Bundle> {
    let n = input.nodes.len();
    let k = input.clusters.len();
    let path = |v: usize| -> &[usize] { input.nodes[v].cluster.map_or(&[], |c| &tree.path[c]) };
    let mut node_tied = vec![false; n];
    let mut box_tied = vec![false; k];
    for e in input.edges.iter().filter(|e| e.from != e.to) {
        node_tied[e.from] = true;
        node_tied[e.to] = true;
        let (pf, pt) = (path(e.from), path(e.to));
        for &c in pf.iter().filter(|c| !pt.contains(c)) {
            box_tied[c] = true;
        }
        for &c in pt.iter().filter(|c| !pf.contains(c)) {
            box_tied[c] = true;
        }
    }
    let mut taken_box = vec![false; k];
    let mut out = Vec::new();
    for &p in &tree.preorder {
        if taken_box[p] {
            continue;
        }
        let boxes: Vec<usize> = tree.children[p]
            .iter()
            .copied()
            .filter(|&c| !box_tied[c])
            .collect();
        let nodes: Vec<usize> = (0..n)
            .filter(|&v| input.nodes[v].cluster == Some(p) && !node_tied[v])
            .collect();
        if boxes.len() + nodes.len() < 2 {
            continue;
        }
        let mut in_unit = vec![false; k];
        for &c in &boxes {
            let mut stack = vec![c];
            while let Some(d) = stack.pop() {
                in_unit[d] = true;
                taken_box[d] = true;
                stack.extend_from_slice(&tree.children[d]);
            }
        }
        let mut part_nodes: Vec<usize> = (0..n)
            .filter(|&v| input.nodes[v].cluster.is_some_and(|c| in_unit[c]))
            .collect();
        part_nodes.extend_from_slice(&nodes);
        part_nodes.sort_unstable();
        let mut member = vec![false; n];
        for &v in &part_nodes {
            member[v] = true;
        }
        out.push(Bundle {
            cluster: p,
            part: Part {
                nodes: part_nodes,
                clusters: (0..k).filter(|&c| in_unit[c]).collect(),
                edges: (0..input.edges.len())
                    .filter(|&i| member[input.edges[i].from])
                    .collect(),
            },
        });
    }
    out
}

/// The input with every bundle replaced by one node of the size of its
/// layout (`sizes`), in the bundle's cluster; and the kept nodes, clusters
/// and edges as a part (the bundles' nodes come after the kept nodes).
pub(crate) fn with_bundles(
    input: &LayoutInput,
    bundles: &[Bundle],
    sizes: &[(f64, f64)],
) -> (LayoutInput, Part) {
    let mut gone_node = vec![false; input.nodes.len()];
    let mut gone_box = vec![false; input.clusters.len()];
    for b in bundles {
        b.part.nodes.iter().for_each(|&v| gone_node[v] = true);
        b.part.clusters.iter().for_each(|&c| gone_box[c] = true);
    }
    let keep = Part {
        nodes: (0..input.nodes.len()).filter(|&v| !gone_node[v]).collect(),
        clusters: (0..input.clusters.len())
            .filter(|&c| !gone_box[c])
            .collect(),
        edges: (0..input.edges.len())
            .filter(|&i| !gone_node[input.edges[i].from])
            .collect(),
    };
    let mut outer = sub_input(input, &keep);
    let mut cluster_at = vec![usize::MAX; input.clusters.len()];
    for (i, &c) in keep.clusters.iter().enumerate() {
        cluster_at[c] = i;
    }
    for (b, &(w, h)) in bundles.iter().zip(sizes) {
        outer.nodes.push(NodeSpec {
            width: w,
            height: h,
            cluster: Some(cluster_at[b.cluster]),
            outline: super::Outline::Rect,
        });
    }
    (outer, keep)
}

/// The one top-level cluster when it holds every node (and there is one).
pub(crate) fn sole_box(input: &LayoutInput, tree: &ClusterTree) -> Option<usize> {
    let first = input.nodes.first()?.cluster?;
    let top = tree.path[first][0];
    let inside = |c: Option<usize>| c.is_some_and(|c| tree.path[c][0] == top);
    (input.nodes.iter().all(|v| inside(v.cluster))
        && tree.parent.iter().filter(|p| p.is_none()).count() == 1)
        .then_some(top)
}

/// The input without cluster `c`: its contents move up to its parent.
pub(crate) fn without_box(input: &LayoutInput, c: usize) -> LayoutInput {
    let keep: Vec<usize> = (0..input.clusters.len()).filter(|&d| d != c).collect();
    let part = Part {
        nodes: (0..input.nodes.len()).collect(),
        clusters: keep,
        edges: (0..input.edges.len()).collect(),
    };
    let up = |d: Option<usize>| {
        if d == Some(c) {
            input.clusters[c].parent
        } else {
            d
        }
    };
    let lifted = LayoutInput {
        nodes: input
            .nodes
            .iter()
            .map(|v| NodeSpec {
                cluster: up(v.cluster),
                ..*v
            })
            .collect(),
        clusters: input
            .clusters
            .iter()
            .map(|d| ClusterSpec {
                parent: up(d.parent),
                ..*d
            })
            .collect(),
        edges: input.edges.clone(),
        ..input.clone_settings()
    };
    sub_input(&lifted, &part)
}

/// The layout of `input` from `inner`, the layout of
/// [`without_box(input, c)`](without_box) whose box `c` has no parent: the
/// contents inside `c`'s padding, below its label, centred under a label
/// wider than they are.
pub(crate) fn frame(input: &LayoutInput, c: usize, inner: Layout) -> Layout {
    let pad = input.cluster_padding;
    let spec = &input.clusters[c];
    let width = (inner.width + 2.0 * pad).max(spec.label_width + 2.0 * pad);
    let height = inner.height + 2.0 * pad + spec.label_height;
    let part = Part {
        nodes: (0..input.nodes.len()).collect(),
        clusters: (0..input.clusters.len()).filter(|&d| d != c).collect(),
        edges: (0..input.edges.len()).collect(),
    };
    let by = Point {
        x: (width - inner.width) / 2.0,
        y: pad + spec.label_height,
    };
    let mut out = Layout {
        width,
        height,
        nodes: vec![Point::default(); input.nodes.len()],
        clusters: vec![Rect::default(); input.clusters.len()],
        cluster_labels: vec![Point::default(); input.clusters.len()],
        edges: vec![EdgeRoute::default(); input.edges.len()],
    };
    place(&mut out, &part, inner, by);
    out.clusters[c] = Rect {
        x: 0.0,
        y: 0.0,
        width,
        height,
    };
    out.cluster_labels[c] = Point {
        x: width / 2.0,
        y: pad / 2.0 + spec.label_height / 2.0,
    };
    out
}

impl LayoutInput {
    /// The settings without nodes, clusters or edges.
    fn clone_settings(&self) -> LayoutInput {
        LayoutInput {
            direction: self.direction,
            nodes: Vec::new(),
            clusters: Vec::new(),
            edges: Vec::new(),
            node_sep: self.node_sep,
            rank_sep: self.rank_sep,
            cluster_padding: self.cluster_padding,
            routing: self.routing,
        }
    }
}

/// Long side over short side beyond which [`score`] counts a drawing as
/// larger than it is.
pub(crate) const LONG_SIDE: f64 = 2.6;

/// Whether a drawing of `w` × `h` is at most [`LONG_SIDE`] times as long
/// as it is wide, either way.
pub(crate) fn within_long_side(w: f64, h: f64) -> bool {
    w.max(h) <= LONG_SIDE * w.min(h)
}

/// How large a `w × h` drawing counts when choosing between the packed and
/// the single layered drawing: its area, times its long side over short
/// side to the power [`SQUARE`], times the square of how far its long side
/// exceeds [`LONG_SIDE`] times the short side.
pub(crate) fn score(w: f64, h: f64) -> f64 {
    score_beyond(w, h, LONG_SIDE)
}

/// Long side over short side beyond which [`drawn_score`] counts a drawing
/// as larger than it is.
pub(crate) const DRAWN_LONG_SIDE: f64 = 2.0;

/// [`score`] for choosing between two whole drawings of a diagram (with or
/// without grids of lone nodes and boxes): long drawings count larger from
/// 2:1 on.
pub(crate) fn drawn_score(w: f64, h: f64) -> f64 {
    score_beyond(w, h, DRAWN_LONG_SIDE)
}

fn score_beyond(w: f64, h: f64, long: f64) -> f64 {
    let aspect = w.max(h) / w.min(h).max(1e-9);
    w * h * aspect.powf(SQUARE) * (aspect / long).max(1.0).powi(2)
}

/// Whether the one layered drawing of everything surely scores no smaller
/// than the packed drawing of the `parts`, `packed` (width, height), so
/// that it need not be laid out. Only when every part but one is a lone
/// node (no edge, no box): the layered drawing is then, in practice, the
/// big part's own, `sizes[big]`, with each lone node set into one of its
/// ranks (its place found by the same ordering and coordinates), so it is
/// at most the lone nodes' extents and gaps longer along the ranks and
/// their extents longer across them, and it has the big part's crossings.
/// Packing wins when it scores smaller than every size in that range.
pub(crate) fn joint_loses(
    input: &LayoutInput,
    parts: &[Part],
    sizes: &[(f64, f64)],
    packed: (f64, f64),
) -> bool {
    let mut others = parts.iter().enumerate().filter(|(_, p)| !is_lone(p));
    let big = match (others.next(), others.next()) {
        (None, _) => 0,
        (Some((i, _)), None) => i,
        (Some(_), Some(_)) => return false,
    };
    let (mut along, mut across) = (0.0, 0.0);
    for (i, p) in parts.iter().enumerate() {
        if i != big {
            let spec = &input.nodes[p.nodes[0]];
            let (w, h) = super::build::internal(input.direction, (spec.width, spec.height));
            along += w + input.node_sep;
            across += h;
        }
    }
    let (w, h) = sizes[big];
    let (grow_w, grow_h) = match input.direction {
        super::Direction::TopToBottom => (along, across),
        super::Direction::LeftToRight => (across, along),
    };
    score(packed.0, packed.1) < least_score((w, w + grow_w), (h, h + grow_h))
}

/// Whether a part is one node with no edge and no box.
fn is_lone(p: &Part) -> bool {
    p.nodes.len() == 1 && p.edges.is_empty() && p.clusters.is_empty()
}

/// Where every part but one is a lone node (no edge, no box): the lone
/// nodes set into empty corners of the big part's drawing `laid[big]`,
/// each [`LayoutInput::node_sep`] clear of every node, box, drawn line and
/// label in it and of the lone nodes set before it. Then the top-left
/// corner of each part's drawing (the big part's at the origin) and the
/// big part's width and height; `None` where a lone node finds no such
/// corner, or there is no big part. The drawing is as large as the big
/// part's, the least the one layered drawing of everything could be
/// ([`joint_loses`]), with the big part's crossings, so that drawing need
/// not be laid out.
pub(crate) fn tuck(
    input: &LayoutInput,
    parts: &[Part],
    laid: &[Layout],
) -> Option<(Vec<Point>, f64, f64)> {
    let mut others = parts.iter().enumerate().filter(|(_, p)| !is_lone(p));
    let (big, _) = others.next()?;
    if others.next().is_some() || parts.len() < 2 {
        return None;
    }
    let (part, lay) = (&parts[big], &laid[big]);
    let (w_all, h_all) = (lay.width, lay.height);
    let size = |v: usize| (input.nodes[v].width, input.nodes[v].height);
    let mut rects: Vec<Rect> = Vec::new();
    for (&v, c) in part.nodes.iter().zip(&lay.nodes) {
        let (w, h) = size(v);
        rects.push(Rect {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            width: w,
            height: h,
        });
    }
    rects.extend(lay.clusters.iter().copied());
    let mut lines: Vec<(Point, Point)> = Vec::new();
    for (&i, e) in part.edges.iter().zip(&lay.edges) {
        let spec = &input.edges[i];
        if let (Some(c), Some((w, h))) = (e.label_pos, spec.label) {
            rects.push(Rect {
                x: c.x - w / 2.0,
                y: c.y - h / 2.0,
                width: w,
                height: h,
            });
        }
        if !spec.hidden {
            let drawn = super::sampled(&e.points, input.routing);
            lines.extend(drawn.windows(2).map(|w| (w[0], w[1])));
        }
    }
    let gap = input.node_sep;
    let mut at = vec![Point::default(); parts.len()];
    for (i, p) in parts.iter().enumerate().filter(|&(i, _)| i != big) {
        let (w, h) = size(p.nodes[0]);
        let corners = [
            (0.0, 0.0),
            (w_all - w, 0.0),
            (0.0, h_all - h),
            (w_all - w, h_all - h),
        ];
        let spot = corners.into_iter().find_map(|(x, y)| {
            let room = Rect {
                x: x - gap,
                y: y - gap,
                width: w + 2.0 * gap,
                height: h + 2.0 * gap,
            };
            let fits = x >= 0.0
                && y >= 0.0
                && !rects.iter().any(|r| overlaps(&room, r))
                && !lines
                    .iter()
                    .any(|&(a, b)| super::straight::meets(a, b, &room, 0.0));
            fits.then_some(Rect {
                x,
                y,
                width: w,
                height: h,
            })
        })?;
        at[i] = Point {
            x: spot.x,
            y: spot.y,
        };
        rects.push(spot);
    }
    Some((at, w_all, h_all))
}

/// Whether two rectangles share interior points.
fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/// The least [`score`] of a drawing whose width and height lie in the
/// given ranges: at a corner of the range, or where a side of it meets a
/// line of [`LONG_SIDE`]:1 (the score is the area within those lines, and
/// beyond them falls towards them and rises with the long side).
fn least_score((w0, w1): (f64, f64), (h0, h1): (f64, f64)) -> f64 {
    let mut at = vec![(w0, h0), (w0, h1), (w1, h0), (w1, h1)];
    for w in [w0, w1] {
        at.push((w, w * LONG_SIDE));
        at.push((w, w / LONG_SIDE));
    }
    for h in [h0, h1] {
        at.push((h * LONG_SIDE, h));
        at.push((h / LONG_SIDE, h));
    }
    at.into_iter()
        .filter(|&(w, h)| (w0..=w1).contains(&w) && (h0..=h1).contains(&h))
        .map(|(w, h)| score(w, h))
        .fold(f64::INFINITY, f64::min)
}

/// Top-left corners of boxes of the given sizes packed into a strip `width`
/// wide, in the order `order`: each box goes where its top is highest (then
/// leftmost) on the skyline of the boxes before it. Returns the corners and
/// the packing's width and height.
fn skyline(sizes: &[(f64, f64)], order: &[usize], width: f64) -> (Vec<Point>, f64, f64) {
    // (x where the step starts, its height), x increasing, first at 0.
    let mut sky: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    let mut at = vec![Point::default(); sizes.len()];
    let (mut w_used, mut h_used) = (0.0f64, 0.0f64);
    for &b in order {
        let (w, h) = sizes[b];
        let mut best: Option<(f64, f64, usize)> = None;
        for s in 0..sky.len() {
            let x = sky[s].0;
            if s > 0 && x + w > width {
                break;
            }
            let mut y = 0.0f64;
            for t in &sky[s..] {
                if t.0 >= x + w {
                    break;
                }
                y = y.max(t.1);
            }
            if best.is_none_or(|(by, bx, _)| y < by || (y == by && x < bx)) {
                best = Some((y, x, s));
            }
        }
        let (y, x, _) = best.expect("the first step always fits");
        at[b] = Point { x, y };
        w_used = w_used.max(x + w);
        h_used = h_used.max(y + h);
        // Raise the skyline over [x, x + w).
        let end = x + w;
        let height_after = sky
            .iter()
            .take_while(|t| t.0 <= end)
            .last()
            .map_or(0.0, |t| t.1);
        sky.retain(|t| t.0 < x || t.0 > end);
        let pos = sky.partition_point(|t| t.0 < x);
        sky.insert(pos, (x, y + h));
        if sky.get(pos + 1).is_none_or(|t| t.0 > end) {
            sky.insert(pos + 1, (end, height_after));
        }
    }
    (at, w_used, h_used)
}

/// Top-left corners for parts of the given sizes, `gap` apart, and the
/// packing's size: skyline packings into strips of several widths, the
/// one [weighed](SQUARE) smallest of those within [`MAX_ASPECT`] (else the
/// least long).
pub(crate) fn arrange(sizes: &[(f64, f64)], gap: f64) -> (Vec<Point>, f64, f64) {
    let (padded, order) = padded_order(sizes, gap);
    let area: f64 = padded.iter().map(|&(w, h)| w * h).sum();
    let widest = padded.iter().map(|s| s.0).fold(0.0, f64::max);
    let row: f64 = padded.iter().map(|s| s.0).sum();
    let mut widths: Vec<f64> = TARGETS
        .iter()
        .map(|&t| (area * t).sqrt().clamp(widest, row))
        .collect();
    widths.push(row);
    widths.push(widest);
    let mut best: Option<(bool, f64, Vec<Point>, f64, f64)> = None;
    for width in widths {
        let (at, w, h) = skyline(&padded, &order, width + 1e-9);
        let (w, h) = ((w - gap).max(0.0), (h - gap).max(0.0));
        let aspect = w.max(h) / w.min(h).max(1e-9);
        let fits = aspect <= MAX_ASPECT;
        let score = if fits {
            w * h * aspect.powf(SQUARE)
        } else {
            aspect
        };
        let better = match &best {
            None => true,
            Some((bf, bs, ..)) => (fits && !bf) || (fits == *bf && score < *bs),
        };
        if better {
            best = Some((fits, score, at, w, h));
        }
    }
    let (_, _, at, w, h) = best.expect("at least one candidate");
    (at, w, h)
}

/// A shape of packing, besides the smallest drawing of the parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// [`arrange`]'s packing (which the one layered drawing of the parts
    /// may have beaten).
    Packed,
    /// One line along the ranks: a row top to bottom, a column left to right.
    Line(Direction),
    /// [`Line`](Shape::Line), with the parts that reach furthest across the
    /// ranks, this many of them, laid out as one layered drawing each
    /// instead of packed, where that is flatter: a line less deep, and
    /// longer.
    Flat(Direction, usize),
    /// [`Line`](Shape::Line) wrapped at [`WRAPPED`] of its length (never
    /// shorter than its longest part): between the line and the packing.
    Wrapped(Direction),
}

/// Where a [wrapped](Shape::Wrapped) line wraps, as a share of its length.
/// A column of six lone tasks beside a header (TE24's overview in Finnish)
/// makes the drawing 1.21:1 tall, and two wide (too wide to be the
/// packing) 1.21:1 wide; wrapped at two thirds, into columns of four and
/// two, it is 1.02:1 and 15% smaller.
const WRAPPED: f64 = 2.0 / 3.0;

/// Top-left corners for parts of the given sizes, `gap` apart, packed to
/// `shape`, and the packing's size.
pub(crate) fn arrange_shape(
    sizes: &[(f64, f64)],
    gap: f64,
    shape: Shape,
) -> (Vec<Point>, f64, f64) {
    match shape {
        Shape::Packed => arrange(sizes, gap),
        Shape::Line(direction) | Shape::Flat(direction, _) => line(sizes, gap, direction, 1.0),
        Shape::Wrapped(direction) => line(sizes, gap, direction, WRAPPED),
    }
}

/// Top-left corners for parts of the given sizes, `gap` apart, packed along
/// the ranks of `direction` into lines at most `share` of their one line's
/// length long (and at least the longest part's), and the packing's size.
fn line(
    sizes: &[(f64, f64)],
    gap: f64,
    direction: Direction,
    share: f64,
) -> (Vec<Point>, f64, f64) {
    // In the internal frame, where the ranks are rows.
    let turn = |(x, y): (f64, f64)| super::build::internal(direction, (x, y));
    let turned: Vec<(f64, f64)> = sizes.iter().map(|&s| turn(s)).collect();
    let (padded, order) = padded_order(&turned, gap);
    let length: f64 = padded.iter().map(|s| s.0).sum();
    let longest = padded.iter().map(|s| s.0).fold(0.0, f64::max);
    let (at, w, h) = skyline(&padded, &order, (length * share).max(longest) + 1e-9);
    let at = at
        .into_iter()
        .map(|p| {
            let (x, y) = turn((p.x, p.y));
            Point { x, y }
        })
        .collect();
    let (w, h) = turn((w, h));
    (at, (w - gap).max(0.0), (h - gap).max(0.0))
}

/// Sizes grown by `gap`, and the order the packer takes them in: tallest
/// first, then widest, then in input order.
fn padded_order(sizes: &[(f64, f64)], gap: f64) -> (Vec<(f64, f64)>, Vec<usize>) {
    let padded: Vec<(f64, f64)> = sizes.iter().map(|&(w, h)| (w + gap, h + gap)).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (padded[a], padded[b]);
        sb.1.total_cmp(&sa.1)
            .then(sb.0.total_cmp(&sa.0))
            .then(a.cmp(&b))
    });
    (padded, order)
}

/// Moves the part's layout by `by` into the whole layout's slots.
pub(crate) fn place(out: &mut Layout, part: &Part, lay: Layout, by: Point) {
    let shift = |p: Point| Point {
        x: p.x + by.x,
        y: p.y + by.y,
    };
    for (&v, c) in part.nodes.iter().zip(lay.nodes) {
        out.nodes[v] = shift(c);
    }
    for ((&c, r), l) in part
        .clusters
        .iter()
        .zip(lay.clusters)
        .zip(lay.cluster_labels)
    {
        out.clusters[c] = Rect {
            x: r.x + by.x,
            y: r.y + by.y,
            ..r
        };
        out.cluster_labels[c] = shift(l);
    }
    for (&i, mut e) in part.edges.iter().zip(lay.edges) {
        e.points.iter_mut().for_each(|p| *p = shift(*p));
        e.label_pos = e.label_pos.map(shift);
        out.edges[i] = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Direction;
    use proptest::prelude::*;

    #[test]
    fn of_two_packings_of_about_the_same_area_the_squarer() {
        // TE24's actors in Finnish: the big part, two smaller ones and
        // fourteen lone nodes. A packing 1,262 x 677 px (1.86:1) is 0.09%
        // smaller than one 963 x 888 (1.08:1); taking the smallest area
        // alone took the long one.
        let sizes = [
            (208.0, 59.0),
            (181.0, 29.0),
            (250.0, 174.0),
            (154.0, 29.0),
            (963.0, 441.0),
            (82.0, 29.0),
            (151.0, 29.0),
            (104.0, 29.0),
            (701.0, 214.0),
            (349.0, 44.0),
            (95.0, 29.0),
            (168.0, 44.0),
            (159.0, 29.0),
            (117.0, 29.0),
            (160.0, 44.0),
            (164.0, 44.0),
            (156.0, 44.0),
        ];
        let gap = 22.0;
        // The oracle: skyline packings to every strip width, 1 px apart.
        let (padded, order) = padded_order(&sizes, gap);
        let widest = padded.iter().map(|s| s.0).fold(0.0, f64::max);
        let row: f64 = padded.iter().map(|s| s.0).sum();
        let (mut least, mut least_aspect) = (f64::INFINITY, 0.0);
        let mut width = widest;
        while width <= row {
            let (_, w, h) = skyline(&padded, &order, width + 1e-9);
            let (w, h) = (w - gap, h - gap);
            let aspect = w.max(h) / w.min(h);
            if aspect <= MAX_ASPECT && w * h < least {
                (least, least_aspect) = (w * h, aspect);
            }
            width += 1.0;
        }
        assert!(least_aspect > 1.5, "the smallest is long: {least_aspect}");
        let (at, w, h) = arrange(&sizes, gap);
        assert_eq!(at.len(), sizes.len());
        assert!(w.max(h) / w.min(h) < 1.2, "{w} x {h}");
        assert!(w * h <= least * 1.01, "{w} x {h} against {least}");
    }

    #[test]
    fn of_two_drawings_of_about_the_same_area_the_squarer_scores_smaller() {
        // A column 2.33:1 against the same boxes two and one, 1.15:1 and 4%
        // larger.
        let (column, square) = ((450.0, 1050.0), (750.0, 655.0));
        assert!(column.0 * column.1 < square.0 * square.1 / 1.03);
        assert!(score(square.0, square.1) < score(column.0, column.1));
        // Not at any price: a third smaller wins however long, up to the
        // cap, and beyond the cap the length counts in full.
        assert!(score(450.0, 700.0) < score(square.0, square.1));
        assert!(score(300.0, 1050.0) > score(450.0, 1050.0) * 300.0 / 450.0);
        // Either way round, and the same for a drawing turned.
        assert_eq!(score(1050.0, 450.0), score(450.0, 1050.0));
    }

    proptest! {
        /// `least_score` is a lower bound of the score on its range (dense
        /// sampling as the oracle).
        #[test]
        fn least_score_is_the_least_on_the_range(
            w0 in 1.0f64..5000.0, dw in 0.0f64..5000.0,
            h0 in 1.0f64..5000.0, dh in 0.0f64..5000.0,
        ) {
            let least = least_score((w0, w0 + dw), (h0, h0 + dh));
            let mut sampled = f64::INFINITY;
            for i in 0..=60 {
                for j in 0..=60 {
                    let (w, h) = (w0 + dw * f64::from(i) / 60.0, h0 + dh * f64::from(j) / 60.0);
                    sampled = sampled.min(score(w, h));
                }
            }
            prop_assert!(least <= sampled * (1.0 + 1e-12), "{least} above {sampled}");
        }
    }

    /// One part of `fan` children under one root (a drawing `fan` nodes wide
    /// and two ranks tall) and `lone` nodes with no edge.
    fn fan_and_lone(direction: Direction, fan: usize, lone: &[(f64, f64)]) -> LayoutInput {
        let mut nodes = vec![NodeSpec::new(60.0, 30.0)];
        let mut edges = Vec::new();
        for i in 0..fan {
            nodes.push(NodeSpec::new(40.0 + (i % 3) as f64 * 25.0, 30.0));
            edges.push(EdgeSpec::new(0, i + 1));
        }
        nodes.extend(lone.iter().map(|&(w, h)| NodeSpec::new(w, h)));
        LayoutInput {
            direction,
            nodes,
            edges,
            ..LayoutInput::default()
        }
    }

    #[test]
    fn the_joint_drawing_is_skipped_only_when_it_loses() {
        let mut skipped = 0;
        let mut laid_out = 0;
        for direction in [Direction::TopToBottom, Direction::LeftToRight] {
            for fan in [1, 3, 6, 12, 25, 40] {
                for lone in [
                    &[(50.0, 30.0)][..],
                    &[(200.0, 30.0)],
                    &[(40.0, 300.0)],
                    &[(50.0, 30.0), (80.0, 40.0), (30.0, 30.0)],
                    &[(900.0, 900.0)],
                ] {
                    let input = fan_and_lone(direction, fan, lone);
                    let tree = ClusterTree::new(&input.clusters).expect("no clusters");
                    let parts = parts(&input, &tree).expect("more than one part");
                    let (packed, sizes) = crate::layout::packed_parts(&input, &parts);
                    let joint = crate::layout::layout_connected(&input, &tree);
                    if joint_loses(&input, &parts, &sizes, (packed.width, packed.height)) {
                        skipped += 1;
                        assert!(
                            crate::layout::is_better(&input, &packed, &joint),
                            "{direction:?}, fan {fan}, lone {lone:?}: the joint drawing \
                             ({} x {}) wins against the packed one ({} x {})",
                            joint.width,
                            joint.height,
                            packed.width,
                            packed.height
                        );
                    } else {
                        laid_out += 1;
                    }
                }
            }
        }
        assert!(
            skipped > 0 && laid_out > 0,
            "{skipped} skipped, {laid_out} laid out"
        );
    }

    #[test]
    fn lone_nodes_are_tucked_into_free_corners_clear_of_everything() {
        let (mut tucked, mut refused) = (0, 0);
        for direction in [Direction::TopToBottom, Direction::LeftToRight] {
            for fan in [1, 3, 6, 12, 25] {
                for lone in [
                    &[(50.0, 30.0)][..],
                    &[(50.0, 30.0), (80.0, 40.0), (30.0, 30.0)],
                    &[(900.0, 900.0)],
                ] {
                    let input = fan_and_lone(direction, fan, lone);
                    let tree = ClusterTree::new(&input.clusters).expect("no clusters");
                    let parts = parts(&input, &tree).expect("parts");
                    let laid = crate::layout::laid_parts_for_tests(&input, &parts);
                    let big = parts.iter().position(|p| p.nodes.len() > 1).expect("fan");
                    let found = tuck(&input, &parts, &laid);
                    // A node larger than the drawing never fits.
                    assert!(lone[0].0 < 900.0 || found.is_none());
                    let Some((at, w, h)) = found else {
                        refused += 1;
                        continue;
                    };
                    tucked += 1;
                    assert_eq!((w, h), (laid[big].width, laid[big].height));
                    assert_eq!((at[big].x, at[big].y), (0.0, 0.0));
                    let gap = input.node_sep;
                    let rect = |v: usize, c: Point| {
                        let s = &input.nodes[v];
                        (c.x - s.width / 2.0, c.y - s.height / 2.0, s.width, s.height)
                    };
                    let lone_rects: Vec<(usize, (f64, f64, f64, f64))> = parts
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != big)
                        .map(|(i, p)| {
                            let s = &input.nodes[p.nodes[0]];
                            (i, (at[i].x, at[i].y, s.width, s.height))
                        })
                        .collect();
                    let inside = |(x, y): (f64, f64), r: (f64, f64, f64, f64), grow: f64| {
                        x > r.0 - grow
                            && x < r.0 + r.2 + grow
                            && y > r.1 - grow
                            && y < r.1 + r.3 + grow
                    };
                    for &(i, r) in &lone_rects {
                        assert!(r.0 >= 0.0 && r.1 >= 0.0 && r.0 + r.2 <= w && r.1 + r.3 <= h);
                        // Every node of the big part, and every other lone
                        // node, at least `gap` away (corners included).
                        let others = parts[big]
                            .nodes
                            .iter()
                            .zip(&laid[big].nodes)
                            .map(|(&v, &c)| rect(v, c))
                            .chain(lone_rects.iter().filter(|&&(j, _)| j != i).map(|&(_, q)| q));
                        for q in others {
                            let apart = q.0 >= r.0 + r.2 + gap
                                || r.0 >= q.0 + q.2 + gap
                                || q.1 >= r.1 + r.3 + gap
                                || r.1 >= q.1 + q.3 + gap;
                            assert!(apart, "{direction:?} fan {fan}: {r:?} near {q:?}");
                        }
                        // Every line, sampled every half pixel.
                        for e in &laid[big].edges {
                            for s in e.points.windows(2) {
                                let len = ((s[1].x - s[0].x).hypot(s[1].y - s[0].y) * 2.0).ceil();
                                for k in 0..=len as usize {
                                    let t = k as f64 / len.max(1.0);
                                    let p = (
                                        s[0].x + t * (s[1].x - s[0].x),
                                        s[0].y + t * (s[1].y - s[0].y),
                                    );
                                    assert!(
                                        !inside(p, r, gap),
                                        "{direction:?} fan {fan}: line at {p:?} near {r:?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(
            tucked >= 4 && refused >= 10,
            "{tucked} tucked, {refused} refused"
        );
    }

    #[test]
    fn two_parts_with_edges_always_get_the_joint_drawing() {
        let mut input = fan_and_lone(Direction::TopToBottom, 30, &[(50.0, 30.0), (50.0, 30.0)]);
        let n = input.nodes.len();
        input.edges.push(EdgeSpec::new(n - 2, n - 1));
        let tree = ClusterTree::new(&input.clusters).expect("no clusters");
        let parts = parts(&input, &tree).expect("two parts");
        let (packed, sizes) = crate::layout::packed_parts(&input, &parts);
        assert!(!joint_loses(
            &input,
            &parts,
            &sizes,
            (packed.width, packed.height)
        ));
    }

    fn overlap(a: (Point, (f64, f64)), b: (Point, (f64, f64))) -> bool {
        a.0.x < b.0.x + b.1.0
            && b.0.x < a.0.x + a.1.0
            && a.0.y < b.0.y + b.1.1
            && b.0.y < a.0.y + a.1.1
    }

    #[test]
    fn packed_boxes_do_not_overlap_and_fit_the_reported_size() {
        // Deterministic pseudo-random sizes.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 300) as f64 + 1.0
        };
        for n in [1usize, 2, 3, 5, 8, 13, 40, 100] {
            let sizes: Vec<(f64, f64)> = (0..n).map(|_| (next(), next() / 2.0)).collect();
            let (at, w, h) = arrange(&sizes, 10.0);
            for i in 0..n {
                assert!(at[i].x >= 0.0 && at[i].y >= 0.0);
                assert!(
                    at[i].x + sizes[i].0 <= w + 1e-6,
                    "box {i} of {n} sticks out"
                );
                assert!(
                    at[i].y + sizes[i].1 <= h + 1e-6,
                    "box {i} of {n} sticks out"
                );
                for j in i + 1..n {
                    // With the gap: boxes grown by it do not overlap either.
                    let grown = |k: usize| (at[k], (sizes[k].0 + 10.0, sizes[k].1 + 10.0));
                    assert!(
                        !overlap(grown(i), grown(j)),
                        "boxes {i} and {j} of {n} overlap"
                    );
                }
            }
            let area: f64 = sizes.iter().map(|s| s.0 * s.1).sum();
            assert!(w * h >= area - 1e-6);
        }
    }

    #[test]
    fn many_equal_boxes_pack_into_a_squarish_block() {
        let sizes = vec![(100.0, 40.0); 36];
        let (_, w, h) = arrange(&sizes, 0.0);
        assert!(w.max(h) / w.min(h) <= MAX_ASPECT, "{w} × {h}");
        // Not worse than a 10 % loss against the boxes' own area.
        assert!(w * h <= 36.0 * 4000.0 * 1.1, "{w} × {h}");
    }

    #[test]
    fn one_tall_box_gets_small_ones_beside_it() {
        let mut sizes = vec![(200.0, 400.0)];
        sizes.extend(std::iter::repeat_n((50.0, 30.0), 12));
        let (at, w, h) = arrange(&sizes, 0.0);
        assert_eq!(h, 400.0, "small boxes stack beside the tall one: {w} × {h}");
        assert!(at[1..].iter().all(|p| p.x >= 200.0));
    }
}
