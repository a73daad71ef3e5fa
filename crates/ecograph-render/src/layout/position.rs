//! Coordinates: horizontal by Brandes and Köpf ("Fast and Simple Horizontal
//! Coordinate Assignment", 2001), vertical by stacking ranks.
//!
//! Each cluster gets a left and a right border item on every rank it spans.
//! The border items of one side are aligned into a single vertical block
//! before any other alignment, and every segment crossing a border is barred
//! from alignment, so compaction places each border at one x on all ranks:
//! cluster boxes come out as rectangles that contain their members and
//! exclude everything else on their ranks.

use std::collections::BTreeSet;

use super::build::{Kind, Layered};
use super::tree::ClusterTree;
use super::{Direction, LayoutInput, Point, Rect};

/// Placed layered graph, still in the internal top-to-bottom frame.
#[derive(Debug)]
pub(crate) struct Placed {
    /// Centre x of every layered node.
    pub x: Vec<f64>,
    /// Top of each rank's band.
    pub band_top: Vec<f64>,
    /// Height of each rank's band.
    pub band_height: Vec<f64>,
    pub clusters: Vec<Rect>,
    pub cluster_labels: Vec<Point>,
    /// Order of each rank (layered node indices).
    pub order: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Node(usize),
    /// A cluster border; `right` tells the side.
    Border {
        cluster: usize,
        right: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct Item {
    kind: ItemKind,
    left: f64,
    right: f64,
}

struct Rows<'a> {
    g: &'a Layered,
    items: Vec<Item>,
    rows: Vec<Vec<usize>>,
    pos: Vec<usize>,
    /// Border item of the same cluster side on the rank above / below.
    border_up: Vec<Option<usize>>,
    border_down: Vec<Option<usize>>,
    /// Segments (upper item, lower item) that must not be aligned.
    marked: BTreeSet<(usize, usize)>,
    node_sep: f64,
    pad: f64,
    /// Extra gap after a cluster's opening border (its label, for LR).
    open_extra: Vec<f64>,
    /// Minimum distance between a cluster's two borders.
    min_width: Vec<f64>,
}

pub(crate) fn place(
    input: &LayoutInput,
    g: &Layered,
    tree: &ClusterTree,
    order: &[Vec<usize>],
) -> Placed {
    let k = input.clusters.len();
    let pad = input.cluster_padding;
    let lr = input.direction == Direction::LeftToRight;
    // Cluster labels sit along the drawn top edge: in the internal frame
    // that is the top for TB but the left side for LR.
    let open_extra: Vec<f64> = input
        .clusters
        .iter()
        .map(|c| if lr { c.label_height } else { 0.0 })
        .collect();
    let min_width: Vec<f64> = input
        .clusters
        .iter()
        .map(|c| if lr { 0.0 } else { c.label_width + 2.0 * pad })
        .collect();
    let mut rows = Rows::new(g, tree, order, input.node_sep, pad, open_extra, min_width);
    rows.mark_conflicts();
    let xs_items = rows.coordinates();

    let n = g.nodes.len();
    let mut x = vec![0.0; n];
    let mut cl = vec![(f64::INFINITY, f64::NEG_INFINITY); k];
    for (i, it) in rows.items.iter().enumerate() {
        match it.kind {
            ItemKind::Node(v) => x[v] = xs_items[i],
            ItemKind::Border { cluster, right } => {
                if right {
                    cl[cluster].1 = cl[cluster].1.max(xs_items[i]);
                } else {
                    cl[cluster].0 = cl[cluster].0.min(xs_items[i]);
                }
            }
        }
    }

    // Vertical: bands of rank height, gaps wide enough for cluster margins.
    let nr = g.num_ranks;
    let mut band_height = vec![0.0f64; nr];
    for v in &g.nodes {
        band_height[v.rank] = band_height[v.rank].max(v.height);
    }
    let mut top_depth = vec![0.0f64; k];
    for &c in tree.preorder.iter().rev() {
        let label = if lr {
            0.0
        } else {
            input.clusters[c].label_height
        };
        let nested = tree.children[c]
            .iter()
            .filter(|&&d| g.span[d].0 == g.span[c].0)
            .map(|&d| top_depth[d])
            .fold(0.0, f64::max);
        top_depth[c] = pad + label + nested;
    }
    let mut top_stack = vec![0.0f64; nr];
    let mut ending: Vec<Vec<usize>> = vec![Vec::new(); nr];
    for (c, &(lo, hi)) in g.span.iter().enumerate() {
        top_stack[lo] = top_stack[lo].max(top_depth[c]);
        ending[hi].push(c);
    }
    // Inner clusters first, so a parent's bottom margin includes its child's.
    for e in &mut ending {
        e.sort_by_key(|&c| std::cmp::Reverse(tree.path[c].len()));
    }
    let mut bottom_depth = vec![0.0f64; k];
    let mut band_top = vec![0.0f64; nr];
    let mut y = 0.0;
    for r in 0..nr {
        if r > 0 {
            let bottom_stack = ending[r - 1]
                .iter()
                .map(|&c| bottom_depth[c])
                .fold(0.0, f64::max);
            let margins = bottom_stack + top_stack[r];
            let gap = if margins > 0.0 {
                g.rank_sep.max(margins + g.rank_sep.min(input.node_sep))
            } else {
                g.rank_sep
            };
            y += gap;
        }
        band_top[r] = y;
        y += band_height[r];
        for &c in &ending[r] {
            let nested = tree.children[c]
                .iter()
                .filter(|&&d| g.span[d].1 == r)
                .map(|&d| bottom_depth[d])
                .fold(0.0, f64::max);
            let mut depth = pad + nested;
            if lr {
                // The drawn width runs along the ranks: fit the label.
                let top = band_top[g.span[c].0] - top_depth[c];
                let need = input.clusters[c].label_width + 2.0 * pad;
                depth = depth.max(need - (y - top));
            }
            bottom_depth[c] = depth;
        }
    }

    let mut clusters = Vec::with_capacity(k);
    let mut cluster_labels = Vec::with_capacity(k);
    for c in 0..k {
        let (lo, hi) = g.span[c];
        let top = band_top[lo] - top_depth[c];
        let bottom = band_top[hi] + band_height[hi] + bottom_depth[c];
        let (left, right) = if cl[c].0 <= cl[c].1 {
            cl[c]
        } else {
            (0.0, 0.0)
        };
        let rect = Rect {
            x: left,
            y: top,
            width: (right - left).max(0.0),
            height: bottom - top,
        };
        let spec = &input.clusters[c];
        let label = if lr {
            Point {
                x: left + pad / 2.0 + spec.label_height / 2.0,
                y: (top + bottom) / 2.0,
            }
        } else {
            Point {
                x: (left + right) / 2.0,
                y: top + pad / 2.0 + spec.label_height / 2.0,
            }
        };
        clusters.push(rect);
        cluster_labels.push(label);
    }

    Placed {
        x,
        band_top,
        band_height,
        clusters,
        cluster_labels,
        order: order.to_vec(),
    }
}

impl<'a> Rows<'a> {
    fn new(
        g: &'a Layered,
        tree: &ClusterTree,
        order: &[Vec<usize>],
        node_sep: f64,
        pad: f64,
        open_extra: Vec<f64>,
        min_width: Vec<f64>,
    ) -> Self {
        let mut items: Vec<Item> = g
            .nodes
            .iter()
            .enumerate()
            .map(|(i, v)| Item {
                kind: ItemKind::Node(i),
                left: v.left,
                right: v.right,
            })
            .collect();
        let k = tree.parent.len();
        let mut last_border: Vec<[Option<(usize, usize)>; 2]> = vec![[None, None]; k];
        let mut border_up: Vec<Option<usize>> = vec![None; items.len()];
        let mut border_down: Vec<Option<usize>> = vec![None; items.len()];
        let mut rows = Vec::with_capacity(order.len());
        for (r, row) in order.iter().enumerate() {
            let mut out = Vec::with_capacity(row.len());
            let mut open: Vec<usize> = Vec::new();
            let mut push_border = |cluster: usize, right: bool, out: &mut Vec<usize>| {
                let id = items.len();
                items.push(Item {
                    kind: ItemKind::Border { cluster, right },
                    left: 0.0,
                    right: 0.0,
                });
                border_up.push(None);
                border_down.push(None);
                let side = usize::from(right);
                if let Some((pr, prev)) = last_border[cluster][side]
                    && pr + 1 == r
                {
                    border_up[id] = Some(prev);
                    border_down[prev] = Some(id);
                }
                last_border[cluster][side] = Some((r, id));
                out.push(id);
            };
            for &v in row.iter().chain(std::iter::once(&usize::MAX)) {
                let path: &[usize] = if v == usize::MAX {
                    &[]
                } else {
                    g.nodes[v].cluster.map_or(&[], |c| &tree.path[c])
                };
                let common = open.iter().zip(path).take_while(|(a, b)| a == b).count();
                while open.len() > common {
                    let c = open.pop().unwrap_or_default();
                    push_border(c, true, &mut out);
                }
                for &c in &path[common..] {
                    push_border(c, false, &mut out);
                    open.push(c);
                }
                if v != usize::MAX {
                    out.push(v);
                }
            }
            rows.push(out);
        }
        let mut pos = vec![0; items.len()];
        for row in &rows {
            for (i, &it) in row.iter().enumerate() {
                pos[it] = i;
            }
        }
        Rows {
            g,
            items,
            rows,
            pos,
            border_up,
            border_down,
            marked: BTreeSet::new(),
            node_sep,
            pad,
            open_extra,
            min_width,
        }
    }

    fn is_dummy(&self, it: usize) -> bool {
        matches!(self.items[it].kind, ItemKind::Node(v)
            if matches!(self.g.nodes[v].kind, Kind::Dummy | Kind::Label))
    }

    fn up(&self, it: usize) -> &[usize] {
        match self.items[it].kind {
            ItemKind::Node(v) => &self.g.up[v],
            ItemKind::Border { .. } => &[],
        }
    }

    fn down(&self, it: usize) -> &[usize] {
        match self.items[it].kind {
            ItemKind::Node(v) => &self.g.down[v],
            ItemKind::Border { .. } => &[],
        }
    }

    /// Marks segments crossing "inner" segments (Brandes–Köpf type 1), in two
    /// passes: first against cluster borders alone, so borders win over long
    /// edges, then against borders and long-edge segments together.
    fn mark_conflicts(&mut self) {
        for with_dummies in [false, true] {
            for r in 0..self.rows.len().saturating_sub(1) {
                let (upper_len, lower) = (self.rows[r].len(), &self.rows[r + 1]);
                let mut k0 = 0usize;
                let mut l = 0usize;
                let mut new_marks = Vec::new();
                for l1 in 0..lower.len() {
                    let v = lower[l1];
                    let inner = match self.items[v].kind {
                        ItemKind::Border { .. } => self.border_up[v],
                        ItemKind::Node(_) if with_dummies && self.is_dummy(v) => {
                            let ups = self.up(v);
                            (ups.len() == 1 && self.is_dummy(ups[0])).then(|| ups[0])
                        }
                        ItemKind::Node(_) => None,
                    };
                    if l1 + 1 == lower.len() || inner.is_some() {
                        let k1 = inner.map_or(upper_len.saturating_sub(1), |u| self.pos[u]);
                        while l <= l1 {
                            let w = lower[l];
                            for &u in self.up(w) {
                                if Some(u) == inner && w == v {
                                    continue;
                                }
                                if self.pos[u] < k0 || self.pos[u] > k1 {
                                    new_marks.push((u, w));
                                }
                            }
                            l += 1;
                        }
                        k0 = k1;
                    }
                }
                self.marked.extend(new_marks);
            }
        }
    }

    /// Required distance between the centres of adjacent items `a` (left)
    /// and `b` (right).
    fn sep(&self, a: usize, b: usize) -> f64 {
        let gap = match (self.items[a].kind, self.items[b].kind) {
            (
                ItemKind::Border {
                    cluster,
                    right: false,
                },
                _,
            ) => self.pad + self.open_extra[cluster],
            (_, ItemKind::Border { right: true, .. }) => self.pad,
            (ItemKind::Node(u), ItemKind::Node(v)) => {
                let real = |v: usize| matches!(self.g.nodes[v].kind, Kind::Real | Kind::Label);
                if real(u) && real(v) {
                    self.node_sep
                } else {
                    self.node_sep / 2.0
                }
            }
            _ => self.node_sep,
        };
        self.items[a].right + gap + self.items[b].left
    }

    /// The four Brandes–Köpf layouts, balanced; falls back to the narrowest
    /// one should balancing violate a separation.
    fn coordinates(&self) -> Vec<f64> {
        let mut layouts: Vec<(Vec<f64>, bool)> = Vec::new();
        for down in [true, false] {
            for left in [true, false] {
                if let Some(xs) = self.one_layout(down, left, true, true) {
                    layouts.push((xs, left));
                }
            }
        }
        if layouts.is_empty() {
            return self.fallback();
        }
        let extent = |xs: &[f64]| {
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for (i, it) in self.items.iter().enumerate() {
                lo = lo.min(xs[i] - it.left);
                hi = hi.max(xs[i] + it.right);
            }
            (lo, hi)
        };
        let extents: Vec<(f64, f64)> = layouts.iter().map(|(xs, _)| extent(xs)).collect();
        let narrowest = (0..layouts.len())
            .min_by(|&a, &b| {
                let wa = extents[a].1 - extents[a].0;
                let wb = extents[b].1 - extents[b].0;
                wa.total_cmp(&wb).then(a.cmp(&b))
            })
            .unwrap_or(0);
        let (lo0, hi0) = extents[narrowest];
        for (i, (xs, left)) in layouts.iter_mut().enumerate() {
            let shift = if *left {
                lo0 - extents[i].0
            } else {
                hi0 - extents[i].1
            };
            for x in xs.iter_mut() {
                *x += shift;
            }
        }
        if layouts.len() < 4 {
            return layouts.swap_remove(narrowest).0;
        }
        let balanced: Vec<f64> = (0..self.items.len())
            .map(|i| {
                let mut v = [
                    layouts[0].0[i],
                    layouts[1].0[i],
                    layouts[2].0[i],
                    layouts[3].0[i],
                ];
                v.sort_by(f64::total_cmp);
                (v[1] + v[2]) / 2.0
            })
            .collect();
        if self.valid(&balanced) {
            balanced
        } else {
            layouts.swap_remove(narrowest).0
        }
    }

    fn valid(&self, xs: &[f64]) -> bool {
        const EPS: f64 = 1e-6;
        for row in &self.rows {
            for w in row.windows(2) {
                if xs[w[1]] - xs[w[0]] < self.sep(w[0], w[1]) - EPS {
                    return false;
                }
            }
        }
        self.cluster_widths()
            .all(|(l, r, w)| xs[r] - xs[l] >= w - EPS)
    }

    /// (left border item, right border item, minimum width) of each cluster,
    /// from one rank it spans.
    fn cluster_widths(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        let mut first: Vec<(Option<usize>, Option<usize>)> =
            vec![(None, None); self.min_width.len()];
        for (i, it) in self.items.iter().enumerate() {
            if let ItemKind::Border { cluster, right } = it.kind {
                let slot = &mut first[cluster];
                if right {
                    slot.1.get_or_insert(i);
                } else {
                    slot.0.get_or_insert(i);
                }
            }
        }
        first
            .into_iter()
            .enumerate()
            .filter_map(|(c, (l, r))| Some((l?, r?, self.min_width[c])))
    }

    /// Compaction without node alignment, used only if every Brandes–Köpf
    /// layout failed (which consistent cluster orders rule out); without
    /// border alignment too as a last resort, which always succeeds.
    fn fallback(&self) -> Vec<f64> {
        self.one_layout(true, true, false, true)
            .or_else(|| self.one_layout(true, true, false, false))
            .unwrap_or_else(|| vec![0.0; self.items.len()])
    }

    /// One Brandes–Köpf layout: vertical alignment towards the rank above
    /// (`down`) or below, scanning ranks from the left (`left`) or right.
    /// Coordinates are returned in the normal left-to-right frame.
    fn one_layout(
        &self,
        down: bool,
        left: bool,
        align_nodes: bool,
        align_borders: bool,
    ) -> Option<Vec<f64>> {
        let n = self.items.len();
        let nr = self.rows.len();
        let hpos = |it: usize, r: usize| -> usize {
            if left {
                self.pos[it]
            } else {
                self.rows[r].len() - 1 - self.pos[it]
            }
        };
        let mut root: Vec<usize> = (0..n).collect();
        let vertical: Vec<usize> = if down {
            (0..nr).collect()
        } else {
            (0..nr).rev().collect()
        };
        let mut aligned_below = vec![false; n];
        let mut nbrs: Vec<(usize, usize)> = Vec::new();
        for (step, &r) in vertical.iter().enumerate() {
            if step == 0 {
                continue;
            }
            let prev_r = vertical[step - 1];
            let mut rptr: isize = -1;
            let row = &self.rows[r];
            let scan: Vec<usize> = if left {
                row.clone()
            } else {
                row.iter().rev().copied().collect()
            };
            for v in scan {
                if let ItemKind::Border { .. } = self.items[v].kind {
                    let pre = if down {
                        self.border_up[v]
                    } else {
                        self.border_down[v]
                    };
                    if let Some(u) = pre.filter(|_| align_borders) {
                        root[v] = root[u];
                        aligned_below[u] = true;
                        rptr = hpos(u, prev_r) as isize;
                    }
                    continue;
                }
                let ns = if down { self.up(v) } else { self.down(v) };
                if ns.is_empty() || !align_nodes {
                    continue;
                }
                nbrs.clear();
                nbrs.extend(ns.iter().map(|&u| (hpos(u, prev_r), u)));
                nbrs.sort_unstable();
                nbrs.dedup();
                let d = nbrs.len();
                for m in [(d - 1) / 2, d / 2] {
                    if root[v] != v {
                        break;
                    }
                    let (hp, u) = nbrs[m];
                    let seg = if down { (u, v) } else { (v, u) };
                    if !aligned_below[u] && !self.marked.contains(&seg) && rptr < hp as isize {
                        root[v] = root[u];
                        aligned_below[u] = true;
                        rptr = hp as isize;
                    }
                }
            }
        }

        // Block graph: for adjacent items, the right block must sit at least
        // `sep` right of the left one (in this pass's scanning frame).
        let mut succ: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let mut indeg = vec![0usize; n];
        let mut add = |a: usize, b: usize, w: f64, succ: &mut Vec<Vec<(usize, f64)>>| {
            let (ra, rb) = (root[a], root[b]);
            succ[ra].push((rb, w));
            indeg[rb] += 1;
        };
        for row in &self.rows {
            for w in row.windows(2) {
                let s = self.sep(w[0], w[1]);
                if left {
                    add(w[0], w[1], s, &mut succ);
                } else {
                    add(w[1], w[0], s, &mut succ);
                }
            }
        }
        for (l, r, w) in self.cluster_widths() {
            if left {
                add(l, r, w, &mut succ);
            } else {
                add(r, l, w, &mut succ);
            }
        }
        let roots: Vec<usize> = (0..n).filter(|&i| root[i] == i).collect();
        let mut topo = Vec::with_capacity(roots.len());
        let mut queue: Vec<usize> = roots
            .iter()
            .rev()
            .copied()
            .filter(|&b| indeg[b] == 0)
            .collect();
        while let Some(b) = queue.pop() {
            topo.push(b);
            for &(s, _) in &succ[b] {
                indeg[s] -= 1;
                if indeg[s] == 0 {
                    queue.push(s);
                }
            }
        }
        if topo.len() != roots.len() {
            return None;
        }
        let mut xb = vec![0.0f64; n];
        for &b in &topo {
            for &(s, w) in &succ[b] {
                xb[s] = xb[s].max(xb[b] + w);
            }
        }
        // Pull blocks towards their successors to close gaps, except closing
        // cluster borders, which would only widen their cluster.
        for &b in topo.iter().rev() {
            if let ItemKind::Border { right, .. } = self.items[b].kind
                && right == left
            {
                continue;
            }
            let m = succ[b]
                .iter()
                .map(|&(s, w)| xb[s] - w)
                .fold(f64::INFINITY, f64::min);
            if m.is_finite() && m > xb[b] {
                xb[b] = m;
            }
        }
        let sign = if left { 1.0 } else { -1.0 };
        Some((0..n).map(|i| sign * xb[root[i]]).collect())
    }
}
