//! Crossing reduction: the order of nodes within each rank.
//!
//! Layer-by-layer sweeps sort each rank by the weighted median of its
//! neighbours on the previous rank (as in dot), followed by transposition of
//! adjacent nodes; the best order seen, by the exact crossing count, wins.
//! Then a few rounds of sifting (each node moved to its best slot among its
//! cluster's run of neighbours) while they remove crossings. A component
//! without clusters then gets global sifting (every long edge's bend points
//! move as one block) and an iterated local search from the best order,
//! bounded by the work spent before it. A component with clusters instead
//! ends with single nodes, then runs of a long edge's bend points, moved
//! across the boxes beside them where an edge would pass through a box
//! between two ranks and the move adds no crossing.
//! Clusters stay contiguous on every rank: a rank is sorted as a tree of
//! blocks (a cluster's block is sorted inside, then placed by the mean key of
//! its members), and sibling clusters keep the relative order they have on
//! the previous rank, so their boxes can never interleave.

use super::build::{Kind, Layered, NO_SINGLE};
use super::crossings::Accumulator;
use super::tree::ClusterTree;

mod boxes;

/// Further starts of the ordering of a small component with boxes, each
/// from its own shuffled sources (see [`Orderer::restarts_pay`]).
const RESTARTS: u64 = 2;
/// The shuffles' seeds are multiples of this.
const RESTART_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// Passes over all ranks of [`Orderer::unpass`].
const UNPASS_ROUNDS: usize = 2;
/// [`Orderer::unpass_chains`] may spend at most this fraction (one in ...)
/// of the work the component's ordering took before it.
const UNPASS_CHAINS_SHARE: u64 = 4;
/// Crossings that taking an edge out of a box it passes through (two
/// needless border crossings) may add, in [`Orderer::unpass`] and
/// [`Orderer::unpass_chains`]. Where it was 128 (twice the weight global
/// sifting gives a pass, [`boxes`]' 64), short-edge+clusters/500 kept one
/// pass once the box units' order was sifted: taking it out with its bend
/// points costs more crossings than that, of about 31,800. Weights of 128,
/// 256 and 1,000 gave every benchmark graph and TE24 view the same
/// measures before.
const PASS_WEIGHT: i64 = 1_000;
/// The most nodes [`Orderer::region_move`] moves across a box at once.
const REGION_NODES: usize = 64;
/// The most checks of (segment or edge along a rank, box) pairs a move may
/// take to count its passes ([`Orderer::try_plan`]); a move that would
/// take more (a node with very many edges, among very many boxes) is not
/// tried, so no one move costs more than this.
const PLAN_COUNT_CAP: usize = 1 << 20;
/// Sweeps from each start order, from the best order, and how many may pass
/// without a real improvement (dot's values).
const START_ITER: usize = 4;
const MAX_ITER: usize = 24;
const MIN_QUIT: usize = 8;
/// An improvement smaller than this factor does not reset the quit counter.
const CONVERGENCE: f64 = 0.995;
/// Passes over all ranks in one transposition step.
const MAX_TRANSPOSE_PASSES: usize = 64;
/// On a component with boxes of at least [`TAIL_NODES`] layered nodes,
/// transposition stops after a pass that takes out fewer than one crossing
/// per this many of its layered nodes. Nodes move left one slot a pass, so
/// a call could run 20-45 passes of 1-30 crossings each: on the clustered
/// benchmark graphs of 200 and 500 nodes (2,292-13,751 layered nodes) that
/// tail was 41-53% of the layout's time for 3.5-7.6% of the crossings
/// (they stay under 0.72 of min(dot, ELK)'s). Without boxes those passes are
/// where the last crossings below dot's come from, and small drawings (every
/// TE24 view) are cheap anyway: both keep every pass that takes one out.
/// Rounds of sifting stop alike: on the clustered graphs of 200 and 500
/// nodes the three after the first took out 0-60 crossings each (9-72 in
/// all, 0.03-0.11%) for 7-12% of the layout's time.
const TAIL_SHARE: usize = 50;
/// See [`TAIL_SHARE`].
const TAIL_NODES: usize = 1000;
/// Rounds of sifting over all ranks after the sweeps.
const MAX_SIFT_ROUNDS: usize = 4;
/// Rounds of global sifting while they remove crossings.
const GLOBAL_ROUNDS: usize = 2;
/// Tries of the iterated local search without a gain before it stops.
const SEARCH_QUIT: usize = 10;
/// Cap on the work of the iterated local search: it pays on small graphs;
/// on large ones global sifting has done most of what it can.
const SEARCH_WORK: u64 = 300_000;
/// A try moves about one node in this many ...
const PERTURB_ONE_IN: usize = 5;
/// ... by at most this many slots.
const PERTURB_REACH: usize = 3;
/// Weight of a drawn edge against a [hidden](super::EdgeSpec::hidden) one: a
/// crossing of two drawn edges counts this squared, of a drawn and a hidden
/// edge this, of two hidden ones 1. So hidden edges' crossings mostly break
/// ties.
const DRAWN_WEIGHT: u64 = 16;
/// Cap on elementary steps (keys, sort entries, crossing checks): no real
/// graph comes near it; it bounds the time on huge dense ones, where the
/// best order found so far is used.
const WORK_BUDGET: u64 = 300_000_000;

/// The order of every rank: node indices of the layered graph.
pub(crate) fn order(g: &Layered, tree: &ClusterTree) -> Vec<Vec<usize>> {
    let n = g.nodes.len();
    let comps = components(g, tree);
    let mut result: Vec<Vec<usize>> = vec![Vec::new(); g.num_ranks];
    let mut pos = vec![0usize; n];
    let mut work = 0u64;
    // In the search inside boxes, drawn edges outweigh hidden ones where
    // there are both.
    let hidden_chain = g
        .routes
        .iter()
        .zip(&g.hidden)
        .any(|(r, &h)| h && matches!(r, super::build::Route::Chain { .. }));
    let weights = (hidden_chain && g.hidden.contains(&false)).then(|| {
        let w: Vec<u64> = g
            .hidden
            .iter()
            .map(|&h| if h { 1 } else { DRAWN_WEIGHT })
            .collect();
        Weights::new(g, &w)
    });
    for comp in comps {
        let mut o = Orderer {
            g,
            tree,
            ranks: vec![Vec::new(); g.num_ranks],
            pos: &mut pos,
            acc: Accumulator::new(0),
            key: vec![None; n],
            barycenter: false,
            work: &mut work,
            weights: None,
            search_weights: weights.as_ref(),
            sort_scratch: SortScratch::default(),
            shuffle: None,
        };
        let ranks = o.mincross(&comp);
        for (r, row) in ranks.into_iter().enumerate() {
            result[r].extend(row);
        }
    }
    result
}

/// Weakly connected components, where a top-level cluster also connects all
/// its members (a cluster must be ordered as one block), and an edge between
/// two nodes of one rank its ends.
fn components(g: &Layered, tree: &ClusterTree) -> Vec<Vec<usize>> {
    let n = g.nodes.len();
    let mut uf: Vec<usize> = (0..n).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        while uf[x] != x {
            uf[x] = uf[uf[x]];
            x = uf[x];
        }
        x
    }
    fn union(uf: &mut [usize], a: usize, b: usize) {
        let (a, b) = (find(uf, a), find(uf, b));
        if a != b {
            uf[a.max(b)] = a.min(b);
        }
    }
    let mut first_in: Vec<Option<usize>> = vec![None; tree.parent.len()];
    for v in 0..n {
        // Edges along a rank too, so no part is put between their ends.
        for &w in g.down[v].iter().chain(&g.flat[v]) {
            union(&mut uf, v, w);
        }
        if let Some(c) = g.nodes[v].cluster {
            let top = tree.path[c][0];
            match first_in[top] {
                Some(f) => union(&mut uf, f, v),
                None => first_in[top] = Some(v),
            }
        }
    }
    let mut index: Vec<Option<usize>> = vec![None; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for v in 0..n {
        let r = find(&mut uf, v);
        let i = *index[r].get_or_insert_with(|| {
            comps.push(Vec::new());
            comps.len() - 1
        });
        comps[i].push(v);
    }
    comps
}

struct Orderer<'a> {
    g: &'a Layered,
    tree: &'a ClusterTree,
    ranks: Vec<Vec<usize>>,
    pos: &'a mut Vec<usize>,
    acc: Accumulator,
    /// Sort key of each node during one rank's sort.
    key: Vec<Option<f64>>,
    /// Sort by barycenter instead of median.
    barycenter: bool,
    /// Elementary steps so far, shared by all components.
    work: &'a mut u64,
    /// Weights of the edges in `g.up` and `g.down`, entry by entry, when
    /// not all are 1.
    weights: Option<&'a Weights>,
    /// The weights the search inside boxes uses (drawn edges outweigh
    /// hidden ones); the sweeps count every crossing alike.
    search_weights: Option<&'a Weights>,
    /// Buffers of [`Orderer::sort_rank`], kept between sorts.
    sort_scratch: SortScratch,
    /// Seed of a pseudo-random order of the sources (or sinks) that the
    /// breadth-first start orders begin from; `None` keeps index order.
    shuffle: Option<u64>,
}

/// The buffers of [`Orderer::sort_rank`], kept between sorts: per block
/// (each cluster, and the root after them) its entries, whether it is on the
/// rank, and its nodes' key sum and count, number and first slot.
#[derive(Default)]
struct SortScratch {
    own_sum: Vec<u64>,
    own_cnt: Vec<usize>,
    own_on_ref: Vec<usize>,
    ref_sum: Vec<u64>,
    ref_cnt: Vec<usize>,
    on_ref: Vec<usize>,
    blocks: Vec<Vec<Item>>,
    seen: Vec<bool>,
    present: Vec<usize>,
    sum: Vec<f64>,
    count: Vec<usize>,
    size: Vec<usize>,
    start: Vec<usize>,
    sortable: Vec<(i64, usize)>,
    unsortable: Vec<usize>,
    result: Vec<usize>,
    slots: Vec<usize>,
    constrained: Vec<usize>,
    sorted: Vec<Item>,
}

/// One entry of a block being sorted: a node of the block's own cluster, or
/// a child cluster (sorted inside before the block).
#[derive(Clone, Copy)]
enum Item {
    Node(usize),
    Child(usize),
}

/// Crossing weights parallel to `Layered::up` and `Layered::down`.
pub(crate) struct Weights {
    up: Vec<Vec<u64>>,
    down: Vec<Vec<u64>>,
}

impl Weights {
    /// Weights of each layered edge from the weight of the input edge it
    /// belongs to.
    fn new(g: &Layered, edge_weight: &[u64]) -> Self {
        let n = g.nodes.len();
        let mut up: Vec<Vec<u64>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<u64>> = vec![Vec::new(); n];
        for (e, route) in g.routes.iter().enumerate() {
            if let super::build::Route::Chain { nodes, .. } = route {
                let w = edge_weight.get(e).copied().unwrap_or(1);
                for s in nodes.windows(2) {
                    down[s[0]].push(w);
                    up[s[1]].push(w);
                }
            }
        }
        Weights { up, down }
    }
}

impl Orderer<'_> {
    /// dot's schedule: a few sweeps from each of two start orders, then
    /// many from the best order found, plus a barycenter pass and sifting;
    /// then, on a component without clusters, global sifting and an
    /// iterated local search around the best order (where
    /// [restarts pay](Orderer::restarts_pay), from the best of three starts,
    /// two of them from shuffled sources). The best order seen wins.
    fn mincross(&mut self, comp: &[usize]) -> Vec<Vec<usize>> {
        let work_before = *self.work;
        let (mut best, mut best_cross) = self.start(comp);
        let clustered = comp.iter().any(|&v| self.g.nodes[v].cluster.is_some());
        // The search's budget is what one start's work gives.
        let mut budget_from = work_before;
        if clustered && self.restarts_pay(comp) {
            let one = *self.work - work_before;
            for i in 1..=RESTARTS {
                if best_cross == 0 || *self.work > WORK_BUDGET {
                    break;
                }
                self.shuffle = Some(RESTART_SEED.wrapping_mul(i));
                let (other, c) = self.start(comp);
                if c < best_cross {
                    best_cross = c;
                    best = other;
                }
            }
            self.shuffle = None;
            budget_from = *self.work - one;
        }
        let work_before = budget_from;
        if clustered {
            self.search_boxes(comp, work_before, &mut best, &mut best_cross);
        } else {
            self.search(comp, work_before, &mut best, &mut best_cross);
        }
        self.restore(&best);
        if clustered {
            self.unpass();
            self.unpass_chains((*self.work - work_before) / UNPASS_CHAINS_SHARE);
            self.unpass_with_bends();
            self.unpass_regions();
        }
        std::mem::take(&mut self.ranks)
    }

    /// Whether [`Orderer::mincross`] also starts from shuffled sources: on
    /// small components with boxes whose ranks stacking edges (hidden
    /// edges across more than one rank, left out of the ordering) helped to
    /// set. There the search ends in a local optimum that
    /// depends much on where it starts (tj-packages: 25 crossings from the
    /// unshuffled start, 17 from the best of three); on the benchmark's
    /// clustered graphs, which have no stacking edges, two more starts found
    /// nothing on random+clusters/50 and 289 -> 278 crossings on
    /// short-edge+clusters/50, for 2.2 times the layout's time there.
    fn restarts_pay(&self, comp: &[usize]) -> bool {
        let real = comp
            .iter()
            .filter(|&&v| self.g.nodes[v].kind == Kind::Real)
            .count();
        real <= boxes::BOX_SEARCH_NODES
            && self
                .g
                .align
                .iter()
                .any(|&(u, v)| comp.binary_search(&u).is_ok() || comp.binary_search(&v).is_ok())
    }

    /// dot's schedule up to the search: a few sweeps from each of two
    /// breadth-first start orders, then [`Orderer::improve`] from the better
    /// one. Returns the best order and its crossings.
    fn start(&mut self, comp: &[usize]) -> (Vec<Vec<usize>>, u64) {
        let mut best_cross = u64::MAX;
        let mut best: Vec<Vec<usize>> = Vec::new();
        for downward in [true, false] {
            self.initial_order(comp, downward);
            self.transpose(false);
            let c = self.crossings();
            if c <= best_cross {
                best_cross = c;
                best.clone_from(&self.ranks);
            }
            self.sweeps(START_ITER, &mut best, &mut best_cross);
            if best_cross == 0 {
                break;
            }
        }
        self.improve(&mut best, &mut best_cross);
        (best, best_cross)
    }

    /// First and last slot of each box on rank `r` (`(usize::MAX, 0)` where
    /// it has no node).
    fn box_spans(&self, r: usize, out: &mut Vec<(usize, usize)>) {
        row_box_spans(self.g, self.tree, &self.ranks[r], out);
    }

    /// [`Orderer::box_spans`] of every rank.
    fn all_box_spans(&self) -> Vec<Vec<(usize, usize)>> {
        (0..self.ranks.len())
            .map(|r| {
                let mut row = Vec::new();
                self.box_spans(r, &mut row);
                row
            })
            .collect()
    }

    /// The work of [`Orderer::all_box_spans`]: each rank's nodes and boxes.
    fn spans_work(&self) -> u64 {
        let nodes: usize = self.ranks.iter().map(Vec::len).sum();
        (nodes + self.ranks.len() * self.tree.parent.len()) as u64
    }

    /// Moves single nodes across the boxes beside them on their rank where
    /// that takes their edges out of boxes they pass through (a box that
    /// spans both ranks of an edge segment, with the segment's ends on
    /// opposite sides of it) and adds no crossing. Each node with such a
    /// pass may move to a gap next to one of the boxes of its own block (so
    /// every box stays contiguous and sibling boxes keep their order), the
    /// gap with the fewest passes; crossings are counted exactly pair by
    /// pair as in sifting. [`UNPASS_ROUNDS`] passes over the ranks.
    fn unpass(&mut self) {
        let g = self.g;
        let tree = self.tree;
        let nr = self.ranks.len();
        let none = (usize::MAX, 0);
        let (mut above, mut here, mut below) = (Vec::new(), Vec::new(), Vec::new());
        let (mut up, mut down) = (Beside::default(), Beside::default());
        let mut table = Vec::new();
        for r in (0..nr).cycle().take(nr * UNPASS_ROUNDS) {
            if *self.work > WORK_BUDGET {
                return;
            }
            match r.checked_sub(1) {
                Some(a) => self.box_spans(a, &mut above),
                None => above = vec![none; tree.parent.len()],
            }
            if r + 1 < nr {
                self.box_spans(r + 1, &mut below);
            } else {
                below = vec![none; tree.parent.len()];
            }
            let nodes = self.ranks[r].clone();
            // Kept up to date as nodes move.
            self.box_spans(r, &mut here);
            up.set(&here, Some(&above), true);
            down.set(&here, Some(&below), true);
            for v in nodes {
                if g.up[v].is_empty() && g.down[v].is_empty() {
                    continue;
                }
                *self.work += (here.len() * (g.up[v].len() + g.down[v].len() + 1)) as u64;
                let at = self.pos[v];
                let now = self.passes_at(v, 2 * at + 1, &up, &down);
                if now == 0 {
                    continue;
                }
                // Gaps before and after each box directly inside v's own.
                let own = g.nodes[v].cluster;
                let mut gaps: Vec<usize> = Vec::new();
                for (c, &(a, b)) in here.iter().enumerate() {
                    if (a, b) != none && tree.parent[c] == own {
                        gaps.extend([a, b + 1]);
                    }
                }
                // What each box adds to v's passes with v left of it and
                // right of it does not depend on the gap: taken once.
                self.pass_table(v, &up, &down, &mut table);
                let (mut best_gap, mut best) = (None, (now, 0i64));
                for gap in gaps {
                    if gap == at || gap == at + 1 {
                        continue;
                    }
                    // At the gap before slot `gap`: left of a box that
                    // starts at `gap` or later, right of one that ends
                    // before it (passes_at's sum at 2 * gap).
                    let p: u64 = table
                        .iter()
                        .map(|&(h0, h1, l, r)| {
                            if gap <= h0 {
                                l
                            } else if gap > h1 {
                                r
                            } else {
                                0
                            }
                        })
                        .sum();
                    if p >= now {
                        continue;
                    }
                    let d = self.shift_delta(r, at, gap);
                    let w = |p: u64, d: i64| d + PASS_WEIGHT * p as i64;
                    if d <= PASS_WEIGHT * (now - p) as i64 && w(p, d) < w(best.0, best.1) {
                        (best_gap, best) = (Some(gap), (p, d));
                    }
                }
                if let Some(gap) = best_gap {
                    self.move_node(r, at, gap);
                    moved_spans(&mut here, at, gap);
                    up.set(&here, Some(&above), true);
                    down.set(&here, Some(&below), true);
                }
            }
        }
    }

    /// The change in crossings if the node at slot `at` of rank `r` moved to
    /// the gap before slot `gap` (slots of the row as it is).
    fn shift_delta(&mut self, r: usize, at: usize, gap: usize) -> i64 {
        let v = self.ranks[r][at];
        let mut d = 0i64;
        for i in gap.min(at + 1)..gap.max(at) {
            let w = self.ranks[r][i];
            let (before, after) = if gap < at {
                self.pair_crossings_twice(w, v)
            } else {
                self.pair_crossings_twice(v, w)
            };
            d += after as i64 - before as i64;
        }
        d
    }

    /// Moves the node at slot `at` of rank `r` to the gap before slot `gap`
    /// (slots of the row as it is); returns the change in crossings.
    fn shift(&mut self, r: usize, at: usize, gap: usize) -> i64 {
        let d = self.shift_delta(r, at, gap);
        self.move_node(r, at, gap);
        d
    }

    /// Moves the node at slot `at` of rank `r` to the gap before slot `gap`
    /// (slots of the row as it is).
    fn move_node(&mut self, r: usize, at: usize, gap: usize) {
        let to = if gap > at { gap - 1 } else { gap };
        let x = self.ranks[r].remove(at);
        self.ranks[r].insert(to, x);
        for i in at.min(to)..=at.max(to) {
            self.pos[self.ranks[r][i]] = i;
        }
    }

    /// Passes of the edge segments at node `v` through boxes (see
    /// [`Orderer::unpass`]); `spans` holds every box's first and last slot
    /// on every rank as the ranks are.
    /// `beside` is scratch space.
    /// `on_both[r]` lists the boxes with nodes on ranks r and r + 1.
    fn node_passes(
        &self,
        v: usize,
        spans: &[Vec<(usize, usize)>],
        on_both: &[Vec<usize>],
        beside: &mut [Beside; 2],
    ) -> u64 {
        let r = self.g.nodes[v].rank;
        let [up, down] = beside;
        match r.checked_sub(1) {
            Some(a) => up.set_among(&spans[r], &spans[a], &on_both[a]),
            None => up.set(&spans[r], None, false),
        }
        match spans.get(r + 1) {
            Some(below) => down.set_among(&spans[r], below, &on_both[r]),
            None => down.set(&spans[r], None, false),
        }
        self.passes_at(v, 2 * self.pos[v] + 1, up, down)
    }

    /// Passes of the edge segments at node `v` through boxes if `v` sat at
    /// `at2` on its rank, in doubled slots (slot i is 2i + 1, the gap before
    /// it 2i): boxes that span both ranks of a segment, hold neither end and
    /// have the ends on opposite sides. `up` and `down` hold the boxes on
    /// v's rank and the rank above and below it.
    fn passes_at(&self, v: usize, at2: usize, up: &Beside, down: &Beside) -> u64 {
        let g = self.g;
        let path =
            |v: usize| -> &[usize] { g.nodes[v].cluster.map_or(&[], |k| &self.tree.path[k][..]) };
        let v_path = path(v);
        let pos: &[usize] = self.pos;
        let mut total = 0;
        for (nbrs, boxes) in [(&g.up[v][..], up), (&g.down[v][..], down)] {
            if nbrs.is_empty() {
                continue;
            }
            // The neighbours' first and last slot.
            let (lo, hi) = nbrs.iter().fold((usize::MAX, 0), |(lo, hi), &w| {
                (lo.min(pos[w]), hi.max(pos[w]))
            });
            // Only a box beside v (so v is outside it) with a neighbour
            // beyond its far side on the other rank can be passed. Most
            // boxes looked at cannot: this test, small enough to be
            // inlined in the loops below, is all they cost.
            let may_pass = |&(_, h, t): &BoxOnBoth| {
                (at2 < 2 * h.0 + 1 && hi > t.1) || (at2 > 2 * h.1 + 1 && lo < t.0)
            };
            let passes_of = |&(c, h, t): &BoxOnBoth| {
                let (left, right) = (at2 < 2 * h.0 + 1, at2 > 2 * h.1 + 1);
                let mut passes = 0;
                for &w in nbrs {
                    let pw = pos[w];
                    passes += u64::from(
                        ((left && pw > t.1) || (right && pw < t.0)) && !path(w).contains(&c),
                    );
                }
                // Passes are rare: v's own boxes are ruled out only then.
                if passes > 0 && !v_path.contains(&c) {
                    passes
                } else {
                    0
                }
            };
            if !boxes.indexed {
                total += boxes
                    .boxes
                    .iter()
                    .filter(|b| may_pass(b))
                    .map(passes_of)
                    .sum::<u64>();
                continue;
            }
            // The boxes that start right of v, while one of them may end
            // before `hi` on the other rank, and those that end left of
            // v, while one of them may start after `lo` there (a sum, so
            // the order the boxes are taken in does not matter).
            let i = boxes.by_start.partition_point(|&(h0, ..)| at2 > 2 * h0);
            for &(_, least_t1, b) in &boxes.by_start[i..] {
                if least_t1 >= hi {
                    break;
                }
                let bx = &boxes.boxes[b];
                if may_pass(bx) {
                    total += passes_of(bx);
                }
            }
            let j = boxes.by_end.partition_point(|&(h1, ..)| at2 > 2 * h1 + 1);
            for &(_, most_t0, b) in boxes.by_end[..j].iter().rev() {
                if most_t0 <= lo {
                    break;
                }
                let bx = &boxes.boxes[b];
                if may_pass(bx) {
                    total += passes_of(bx);
                }
            }
        }
        total
    }

    /// For each box beside `v` on the rank above or below (see
    /// [`Orderer::passes_at`]) that `v` could pass from one side: its first
    /// and last slot on v's rank and the passes of v's segments through it
    /// with `v` left of it and with `v` right of it. [`Orderer::passes_at`]
    /// at any slot or gap outside v's own boxes is the sum of these, taken
    /// on the side `v` is on.
    fn pass_table(
        &self,
        v: usize,
        up: &Beside,
        down: &Beside,
        out: &mut Vec<(usize, usize, u64, u64)>,
    ) {
        let g = self.g;
        let path =
            |v: usize| -> &[usize] { g.nodes[v].cluster.map_or(&[], |k| &self.tree.path[k][..]) };
        let v_path = path(v);
        let pos: &[usize] = self.pos;
        out.clear();
        for (nbrs, boxes) in [(&g.up[v][..], up), (&g.down[v][..], down)] {
            if nbrs.is_empty() {
                continue;
            }
            for &(c, h, t) in &boxes.boxes {
                let (mut l, mut r) = (0, 0);
                for &w in nbrs {
                    let pw = pos[w];
                    if (pw > t.1 || pw < t.0) && !path(w).contains(&c) {
                        l += u64::from(pw > t.1);
                        r += u64::from(pw < t.0);
                    }
                }
                if (l > 0 || r > 0) && !v_path.contains(&c) {
                    out.push((h.0, h.1, l, r));
                }
            }
        }
    }

    /// Moves runs of a long edge's bend points across a box its edge passes
    /// through, up to where the box ends, so the edge changes sides of the
    /// box above or below it instead of through it: kept when that removes
    /// passes and adds no crossing. Boxes stay contiguous (each bend point
    /// goes to the gap next to the box, in its own block). Stops once it has
    /// spent `budget` work.
    fn unpass_chains(&mut self, budget: u64) {
        let start = *self.work;
        let g = self.g;
        let tree = self.tree;
        let none = (usize::MAX, 0);
        let mut spans = self.all_box_spans();
        let mut beside = [Beside::default(), Beside::default()];
        // Moving nodes along their ranks never changes these.
        let on_both = on_both(&spans);
        *self.work += self.pos.len() as u64;
        // Only chains of the component being ordered: the others' nodes
        // are not in the ranks (their places are another component's).
        let in_ranks = |o: &Self, v: usize| o.ranks[g.nodes[v].rank].get(o.pos[v]) == Some(&v);
        for route in &g.routes {
            let super::build::Route::Chain { nodes, .. } = route else {
                continue;
            };
            if !in_ranks(self, nodes[0]) {
                continue;
            }
            for s in 0..nodes.len() - 1 {
                if *self.work > WORK_BUDGET || *self.work - start > budget {
                    return;
                }
                let (a, b) = (nodes[s], nodes[s + 1]);
                let r = g.nodes[a].rank;
                let (upper, lower) = (&spans[r], &spans[r + 1]);
                *self.work += upper.len() as u64;
                let (pa, pb) = (self.pos[a], self.pos[b]);
                // A box this segment passes through: one side of it on rank
                // r, the other on rank r + 1 (the first such).
                let Some(d) = on_both[r].iter().copied().find(|&c| {
                    let (h, t) = (upper[c], lower[c]);
                    (pa < h.0 && pb > t.1) || (pa > h.1 && pb < t.0)
                }) else {
                    continue;
                };
                let (a_left, b_left) = (pa < upper[d].0, pb < lower[d].0);
                // Up from a, or down from b: the bend points on the wrong
                // side, in d's parent block, while d is on their rank.
                for (start, step, was_left) in [(s, -1isize, a_left), (s + 1, 1, b_left)] {
                    let mut run: Vec<usize> = Vec::new();
                    let mut i = start as isize;
                    let ok = loop {
                        if i < 0 || i as usize >= nodes.len() {
                            break false;
                        }
                        let v = nodes[i as usize];
                        let span = spans[g.nodes[v].rank][d];
                        if span == none || (self.pos[v] < span.0) != was_left {
                            break true;
                        }
                        if !matches!(g.nodes[v].kind, Kind::Dummy | Kind::Label)
                            || g.nodes[v].cluster != tree.parent[d]
                        {
                            break false;
                        }
                        run.push(v);
                        i += step;
                    };
                    if !ok || run.is_empty() {
                        continue;
                    }
                    *self.work += (run.len() * spans[r].len() * 4) as u64;
                    let before: u64 = run
                        .iter()
                        .map(|&v| self.node_passes(v, &spans, &on_both, &mut beside))
                        .sum();
                    // Move each across d, remembering where it was and its
                    // rank's box spans before (each on its own rank: a run
                    // is part of one chain).
                    let mut delta = 0i64;
                    let mut undo: Vec<(usize, usize, Spans)> = Vec::new();
                    for &v in &run {
                        let rv = g.nodes[v].rank;
                        let at = self.pos[v];
                        let span = spans[rv][d];
                        let gap = if at < span.0 { span.1 + 1 } else { span.0 };
                        delta += self.shift(rv, at, gap);
                        let before = spans[rv].clone();
                        moved_spans(&mut spans[rv], at, gap);
                        *self.work += self.ranks[rv].len() as u64;
                        undo.push((v, at, before));
                    }
                    let after: u64 = run
                        .iter()
                        .map(|&v| self.node_passes(v, &spans, &on_both, &mut beside))
                        .sum();
                    if after < before && delta <= PASS_WEIGHT * (before - after) as i64 {
                        break;
                    }
                    // Each node goes back to its slot, so its rank's spans
                    // are again those it had.
                    for (v, at, before) in undo.into_iter().rev() {
                        let rv = g.nodes[v].rank;
                        let now = self.pos[v];
                        let gap = if at > now { at + 1 } else { at };
                        self.shift(rv, now, gap);
                        spans[rv] = before;
                        *self.work += self.ranks[rv].len() as u64;
                    }
                }
            }
        }
    }

    /// Moves a node across a box beside it on its rank together with its
    /// edges' runs of bend points beside the box above and below (those in
    /// the node's box, as far as the box reaches), where that takes out
    /// passes that neither [`Orderer::unpass`] (the node alone) nor
    /// [`Orderer::unpass_chains`] (bend points alone) can: a node whose short
    /// edges pass the box on one side while its long edges run down the
    /// other, or one whose long edge passes the box further down, where
    /// its bend point is beside the box and the next node past it. Kept, as
    /// there, when the passes of the moved nodes' segments fall and the
    /// crossings added are fewer than [`PASS_WEIGHT`] per pass taken out; of
    /// the boxes passed at a node or along its runs, the move that costs
    /// least wins.
    fn unpass_with_bends(&mut self) {
        let g = self.g;
        let tree = self.tree;
        let nr = self.ranks.len();
        let mut spans = self.all_box_spans();
        *self.work += self.spans_work();
        for r in 0..nr {
            let real: Vec<usize> = self.ranks[r]
                .iter()
                .copied()
                .filter(|&v| g.nodes[v].kind == Kind::Real)
                .collect();
            // The boxes on this rank.
            let here: Vec<usize> = (0..tree.parent.len())
                .filter(|&c| spans[r][c].0 != usize::MAX)
                .collect();
            *self.work += tree.parent.len() as u64;
            for v in real {
                if *self.work > WORK_BUDGET {
                    return;
                }
                let own = g.nodes[v].cluster;
                // v's segments and those along its edges' runs of bend
                // points in v's box: a pass further down a run is taken out
                // by moving v with the run as much as one at v.
                let along: Vec<usize> = std::iter::once(v)
                    .chain(self.bend_runs(v).flatten())
                    .collect();
                *self.work += along.len() as u64;
                let segs = self.segments(&along);
                // The boxes directly inside v's own that those segments pass.
                let passed: Vec<usize> = here
                    .iter()
                    .copied()
                    .filter(|&c| tree.parent[c] == own)
                    .filter(|&c| segs.iter().any(|&(x, y)| self.passes_box(x, y, c, &spans)))
                    .collect();
                *self.work += (here.len() * (segs.len() + 1)) as u64;
                // One box (most nodes): its move is tried once, and kept if
                // it pays.
                if let [b] = passed[..] {
                    self.bends_move(v, b, &mut spans, true);
                    continue;
                }
                let mut best: Option<(i64, usize)> = None;
                for &b in &passed {
                    if let Some(cost) = self.bends_move(v, b, &mut spans, false)
                        && best.is_none_or(|(c, _)| cost < c)
                    {
                        best = Some((cost, b));
                    }
                }
                if let Some((_, b)) = best {
                    self.bends_move(v, b, &mut spans, true);
                }
            }
        }
    }

    /// Last, for each pass left (a segment through a box, found node by
    /// node, or an edge between two nodes of one rank with boxes between
    /// them that reach the ranks above and below, [`flat_blocked`]): the
    /// region of one of the ends moves across the box
    /// ([`Orderer::region_move`]), of the two the one that costs least,
    /// where that pays.
    fn unpass_regions(&mut self) {
        let g = self.g;
        let tree = self.tree;
        let nr = self.ranks.len();
        let mut spans = self.all_box_spans();
        *self.work += self.spans_work();
        // Moving nodes along their ranks never changes these.
        let on_both = on_both(&spans);
        let mut beside = [Beside::default(), Beside::default()];
        for r in 0..nr {
            let nodes = self.ranks[r].clone();
            for u in nodes {
                if *self.work > WORK_BUDGET {
                    return;
                }
                *self.work += (spans[r].len() + g.up[u].len() + g.down[u].len()) as u64;
                if g.flat[u].is_empty() && self.node_passes(u, &spans, &on_both, &mut beside) == 0 {
                    continue;
                }
                // u's edges to nodes of its rank right of it and the boxes
                // they cannot clear (flat), then the segments at u below it
                // (those above were looked at from their upper ends) and
                // the boxes they pass.
                let mut passes: Vec<(usize, usize, usize, bool)> = Vec::new();
                for &w in &g.flat[u] {
                    if *self.work > WORK_BUDGET {
                        return;
                    }
                    if self.pos[w] > self.pos[u] {
                        self.flat_passed(u, w, &spans, |c| passes.push((u, w, c, true)));
                        *self.work += 2 * spans[r].len() as u64;
                    }
                }
                for &w in &g.down[u] {
                    if *self.work > WORK_BUDGET {
                        return;
                    }
                    for &c in &on_both[r] {
                        if self.passes_box(u, w, c, &spans) {
                            passes.push((u, w, c, false));
                        }
                    }
                    *self.work += on_both[r].len() as u64;
                }
                for (x, y, c, flat) in passes {
                    let still = if flat {
                        let mut found = false;
                        self.flat_passed(x, y, &spans, |b| found |= b == c);
                        found
                    } else {
                        self.passes_box(x, y, c, &spans)
                    };
                    if !still {
                        continue;
                    }
                    // Each end moves across the box around `c` at its own
                    // level (`c` itself, or the outermost box holding `c`
                    // but not the end).
                    let around = |e: usize| {
                        let shared = tree.lca(Some(c), g.nodes[e].cluster);
                        tree.ancestor_at(c, tree.depth(shared) + 1)
                    };
                    let (bx, by) = (around(x), around(y));
                    let costs =
                        [(x, bx), (y, by)].map(|(e, b)| self.region_move(e, b, &mut spans, false));
                    let best = match costs {
                        [Some(a), Some(b)] => Some(if a <= b { (x, bx) } else { (y, by) }),
                        [Some(_), None] => Some((x, bx)),
                        [None, Some(_)] => Some((y, by)),
                        [None, None] => None,
                    };
                    if let Some((e, b)) = best {
                        self.region_move(e, b, &mut spans, true);
                    }
                }
            }
        }
    }

    /// [`Orderer::unpass_with_bends`]'s move of node `v` with its bend
    /// points to the other side of box `b`: its cost (crossings added plus
    /// [`PASS_WEIGHT`] per pass left), if it takes out passes at less than
    /// that weight each. The move is made when `keep` and it pays, and
    /// undone otherwise.
    fn bends_move(
        &mut self,
        v: usize,
        b: usize,
        spans: &mut [Vec<(usize, usize)>],
        keep: bool,
    ) -> Option<i64> {
        let g = self.g;
        let r = g.nodes[v].rank;
        let (lo, hi) = spans[r][b];
        let left = self.pos[v] > hi;
        // The nodes to move, each with its rank and the gap it goes to.
        let mut plan = vec![(v, r, if left { lo } else { hi + 1 })];
        // Each of v's edges' runs of bend points in v's box beside the box,
        // down and up, as far as the box reaches.
        for run in self.bend_runs(v) {
            for w in run {
                let rn = g.nodes[w].rank;
                let (b0, b1) = spans[rn][b];
                let pw = self.pos[w];
                if b0 == usize::MAX || (left && pw < b0) || (!left && pw > b1) {
                    break;
                }
                plan.push((w, rn, if left { b0 } else { b1 + 1 }));
            }
        }
        self.try_plan(&plan, &[], spans, keep)
    }

    /// [`Orderer::unpass_regions`]' move, for a pass that moving a node
    /// with its runs of bend points leaves: the unit at box `b`'s level
    /// that holds `v` (`v` itself, or the box beside `b` that holds it) goes
    /// to the other side of `b`, together with every unit the moved nodes'
    /// segments reach beside `b`: on the ranks `b` has nodes on, on v's
    /// side, real nodes and boxes too (a box on each rank it shares with
    /// `b`, and with it every sibling box that stands between the two on
    /// one of them, so sibling boxes keep their order). A long edge from
    /// across the box into a bend point whose run leads to a real node with
    /// more edges beside the box, or into a box, can only be taken out so.
    /// Each rank's moved nodes keep their order. Not tried when more than
    /// [`REGION_NODES`] nodes would move; returns and keeps as
    /// [`Orderer::bends_move`].
    fn region_move(
        &mut self,
        v: usize,
        b: usize,
        spans: &mut [Vec<(usize, usize)>],
        keep: bool,
    ) -> Option<i64> {
        let g = self.g;
        let tree = self.tree;
        let level = tree.parent[b];
        let depth = tree.depth(level);
        let left = self.pos[v] > spans[g.nodes[v].rank][b].1;
        // The unit at b's level that holds node `x`: `Some(None)` for `x`
        // itself, `Some(Some(a))` for the box `a` beside `b` that holds
        // it; `None` inside `b` or outside b's parent.
        let unit = |x: usize| -> Option<Option<usize>> {
            let c = g.nodes[x].cluster;
            if c == level {
                return Some(None);
            }
            let c = c?;
            if tree.lca(Some(c), level) != level {
                return None;
            }
            let a = tree.ancestor_at(c, depth + 1);
            (a != b).then_some(Some(a))
        };
        // Slots from `lo` to `hi` on v's side of `b` on rank `rn`: whether
        // `(lo, hi)` lies there.
        let beside = |rn: usize, lo: usize, hi: usize| {
            let (b0, b1) = spans[rn][b];
            b0 != usize::MAX && if left { lo > b1 } else { hi < b0 }
        };
        let mut moved: Vec<usize> = Vec::new();
        let mut boxes: Vec<usize> = Vec::new();
        let mut queue = vec![v];
        while let Some(x) = queue.pop() {
            *self.work += (moved.len() + boxes.len() + 1) as u64;
            let rn = g.nodes[x].rank;
            if moved.contains(&x) || !beside(rn, self.pos[x], self.pos[x]) {
                continue;
            }
            let new: Vec<usize> = match unit(x) {
                None => continue,
                Some(None) => vec![x],
                Some(Some(a)) => {
                    if boxes.contains(&a) {
                        continue;
                    }
                    boxes.push(a);
                    // The box's nodes on every rank it shares with `b`.
                    let mut nodes = Vec::new();
                    let (sa, sb) = (g.span[a], g.span[b]);
                    let shared = sa.0.max(sb.0)..=sa.1.min(sb.1);
                    for (rk, row) in spans
                        .iter()
                        .enumerate()
                        .take(*shared.end() + 1)
                        .skip(*shared.start())
                    {
                        let ((a0, a1), (b0, b1)) = (row[a], row[b]);
                        if a0 == usize::MAX || b0 == usize::MAX {
                            continue;
                        }
                        if moved.len() + nodes.len() > REGION_NODES {
                            return None;
                        }
                        if !beside(rk, a0, a1) {
                            return None;
                        }
                        let between = if left { b1 + 1..a0 } else { a1 + 1..b0 };
                        *self.work += (between.len() + a1 - a0 + 1) as u64;
                        // A sibling box between them goes too, so sibling
                        // boxes keep their order; free nodes stay.
                        for &y in &self.ranks[rk][between] {
                            match unit(y) {
                                Some(None) => {}
                                Some(Some(m)) => {
                                    if !boxes.contains(&m) {
                                        queue.push(y);
                                    }
                                }
                                None => return None,
                            }
                        }
                        nodes.extend_from_slice(&self.ranks[rk][a0..=a1]);
                    }
                    nodes
                }
            };
            if moved.len() + new.len() > REGION_NODES {
                return None;
            }
            for &y in &new {
                queue.extend(g.up[y].iter().chain(&g.down[y]));
            }
            moved.extend(new);
        }
        if moved.is_empty() {
            return None;
        }
        // Moved right, each rank's nodes go from the left, so each lands
        // right of the one before; moved left, from the right.
        moved.sort_unstable_by_key(|&w| (g.nodes[w].rank, self.pos[w]));
        if left {
            moved.reverse();
        }
        // A moved box may now stand between the ends of a segment at a
        // node it jumped: those are counted too.
        let mut jumped: Vec<usize> = Vec::new();
        if !boxes.is_empty() {
            let mut i = 0;
            while i < moved.len() {
                let rn = g.nodes[moved[i]].rank;
                let (b0, b1) = spans[rn][b];
                let from = self.pos[moved[i]];
                let range = if left { b0..from } else { from + 1..b1 + 1 };
                *self.work += range.len() as u64;
                jumped.extend(self.ranks[rn][range].iter().filter(|y| !moved.contains(y)));
                while i < moved.len() && g.nodes[moved[i]].rank == rn {
                    i += 1;
                }
            }
            if moved.len() + jumped.len() > 4 * REGION_NODES {
                return None;
            }
        }
        let plan: Vec<(usize, usize, usize)> = moved
            .into_iter()
            .map(|w| {
                let rn = g.nodes[w].rank;
                let (b0, b1) = spans[rn][b];
                (w, rn, if left { b0 } else { b1 + 1 })
            })
            .collect();
        self.try_plan(&plan, &jumped, spans, keep)
    }

    /// Moves each node of `plan` (node, its rank, the gap it goes to, in
    /// slots as they are when it moves) and counts the passes of the
    /// segments at the moved nodes and at `also`, and of the moved nodes'
    /// edges along their rank ([`Orderer::flat_passed`]), before and
    /// after: the cost (crossings added plus [`PASS_WEIGHT`] per pass
    /// left) if the move takes out passes at less than that weight each.
    /// The move is kept when `keep` and it pays, and undone otherwise.
    fn try_plan(
        &mut self,
        plan: &[(usize, usize, usize)],
        also: &[usize],
        spans: &mut [Vec<(usize, usize)>],
        keep: bool,
    ) -> Option<i64> {
        let r = plan[0].1;
        let mut moved: Vec<usize> = plan.iter().map(|&(w, _, _)| w).collect();
        moved.extend_from_slice(also);
        let segs = self.segments(&moved);
        // And the moved nodes' edges to nodes of their own rank, each once.
        let flats: Vec<(usize, usize)> = {
            let mut set = moved.clone();
            set.sort_unstable();
            set.dedup();
            let g = self.g;
            let mut out = Vec::new();
            for &w in &set {
                for &x in &g.flat[w] {
                    if w < x || set.binary_search(&x).is_err() {
                        out.push((w, x));
                    }
                }
            }
            out
        };
        let count = |o: &Self, spans: &[Vec<(usize, usize)>]| -> u64 {
            let k = spans[0].len();
            let segs: u64 = segs
                .iter()
                .map(|&(x, y)| (0..k).filter(|&c| o.passes_box(x, y, c, spans)).count() as u64)
                .sum();
            let flats: u64 = flats.iter().map(|&(x, y)| o.flat_passes(x, y, spans)).sum();
            segs + flats
        };
        if (segs.len() + flats.len()) * spans[r].len() > PLAN_COUNT_CAP {
            return None;
        }
        let before = count(self, spans);
        *self.work += ((segs.len() + flats.len()) * spans[r].len()) as u64;
        // Two edges' runs may share a rank: each rank touched is kept and
        // re-spanned once.
        let mut touched: Vec<usize> = plan.iter().map(|&(_, rn, _)| rn).collect();
        touched.sort_unstable();
        touched.dedup();
        let rows: Vec<Vec<usize>> = touched.iter().map(|&rn| self.ranks[rn].clone()).collect();
        *self.work += (plan.len() + rows.iter().map(Vec::len).sum::<usize>()) as u64;
        let mut delta = 0i64;
        for &(w, rn, gap) in plan {
            let at = self.pos[w];
            delta += self.shift_delta(rn, at, gap);
            self.move_node(rn, at, gap);
        }
        for &rn in &touched {
            self.box_spans(rn, &mut spans[rn]);
            *self.work += self.ranks[rn].len() as u64;
        }
        let after = count(self, spans);
        *self.work += ((segs.len() + flats.len()) * spans[r].len()) as u64;
        let pays = after < before && delta < PASS_WEIGHT * (before - after) as i64;
        if !(keep && pays) {
            for (&rn, row) in touched.iter().zip(rows) {
                self.ranks[rn] = row;
                self.set_positions(rn);
                self.box_spans(rn, &mut spans[rn]);
                *self.work += self.ranks[rn].len() as u64;
            }
        }
        pays.then_some(delta + PASS_WEIGHT * after as i64)
    }

    /// The runs of bend points of `v`'s edges in `v`'s box, down and then
    /// up, each from `v`'s neighbour on, as far as it stays a bend point in
    /// that box.
    fn bend_runs(&self, v: usize) -> impl Iterator<Item = impl Iterator<Item = usize> + '_> + '_ {
        let g = self.g;
        let firsts = g.down[v].iter().map(|&w| (w, true));
        let firsts = firsts.chain(g.up[v].iter().map(|&w| (w, false)));
        firsts.map(move |(first, down)| {
            // A bend point has one neighbour each way.
            let next = move |&w: &usize| match if down { &g.down[w][..] } else { &g.up[w][..] } {
                &[next] => Some(next),
                _ => None,
            };
            std::iter::successors(Some(first), next).take_while(move |&w| {
                g.nodes[w].kind != Kind::Real && g.cluster_of[w] == g.cluster_of[v]
            })
        })
    }

    /// The segments at `nodes` (upper end first), each once, and each of
    /// parallel edges' (so passes are counted as [`Orderer::passes_at`]
    /// counts them).
    fn segments(&self, nodes: &[usize]) -> Vec<(usize, usize)> {
        let g = self.g;
        let mut set = nodes.to_vec();
        set.sort_unstable();
        set.dedup();
        let mut out: Vec<(usize, usize)> = Vec::new();
        for &v in &set {
            // One between two of the nodes is taken at its upper end.
            out.extend(
                g.up[v]
                    .iter()
                    .filter(|u| set.binary_search(u).is_err())
                    .map(|&u| (u, v)),
            );
            out.extend(g.down[v].iter().map(|&w| (v, w)));
        }
        out.sort_unstable();
        out
    }

    /// Whether segment `x`-`y` (`x` on the rank above) passes box `c`: the
    /// box has nodes on both ranks, and the ends are on opposite sides of
    /// it (`spans` as [`Orderer::box_spans`] gives them, rank by rank).
    fn passes_box(&self, x: usize, y: usize, c: usize, spans: &[Vec<(usize, usize)>]) -> bool {
        segment_passes(spans, self.g.nodes[x].rank, c, self.pos[x], self.pos[y])
    }

    /// The boxes the edge between `x` and `y`, on one rank, passes
    /// ([`flat_blocked`]), each passed to `f`.
    fn flat_passed(&self, x: usize, y: usize, spans: &[Vec<(usize, usize)>], f: impl FnMut(usize)) {
        let r = self.g.nodes[x].rank;
        let (lo, hi) = (self.pos[x].min(self.pos[y]), self.pos[x].max(self.pos[y]));
        flat_blocked(spans, r, lo, hi, f);
    }

    /// How many boxes the edge between `x` and `y`, on one rank, passes.
    fn flat_passes(&self, x: usize, y: usize, spans: &[Vec<(usize, usize)>]) -> u64 {
        let mut count = 0;
        self.flat_passed(x, y, spans, |_| count += 1);
        count
    }

    /// Sweeps from the current order, keeping the best order seen in `best`.
    fn sweeps(&mut self, max_iter: usize, best: &mut Vec<Vec<usize>>, best_cross: &mut u64) {
        let mut stale = 0;
        for it in 0..max_iter {
            if *best_cross == 0 || stale >= MIN_QUIT || *self.work > WORK_BUDGET {
                break;
            }
            stale += 1;
            let reverse = it % 4 < 2;
            self.sweep(it % 2 == 0, reverse);
            self.transpose(!reverse);
            let c = self.crossings();
            if c <= *best_cross {
                if (c as f64) < CONVERGENCE * *best_cross as f64 {
                    stale = 0;
                }
                *best_cross = c;
                best.clone_from(&self.ranks);
            }
        }
    }

    /// From the best order: many sweeps with medians (dot stops after
    /// these), as many with barycenters (the other key moves the order out
    /// of the medians' local minimum: a few percent fewer crossings on dense
    /// graphs), then sifting.
    fn improve(&mut self, best: &mut Vec<Vec<usize>>, best_cross: &mut u64) {
        for barycenter in [false, true] {
            self.barycenter = barycenter;
            self.restore(best);
            self.sweeps(MAX_ITER, best, best_cross);
        }
        self.barycenter = false;
        self.restore(best);
        if *best_cross == 0 {
            return;
        }
        self.transpose(false);
        // Sifting moves single nodes further than transposition can: a few
        // rounds while they help, each followed by transposition. (Sifting
        // inside every sweep removed more crossings on some graphs but more
        // than doubled the time and added crossings on others.)
        // On a large component with boxes, as transposition: another round
        // only after one that took out a crossing per [`TAIL_SHARE`] nodes.
        let min_gain = self.min_gain();
        (*best_cross, _) = self.sift_rounds(best, min_gain);
    }

    /// Rounds of sifting, each followed by transposition, from the current
    /// order: at most [`MAX_SIFT_ROUNDS`], another only after one that took
    /// out `min_gain` crossings or more, none after one that took out none.
    /// Leaves the best order in the ranks and in `best`; returns its
    /// crossings and the rounds run.
    fn sift_rounds(&mut self, best: &mut Vec<Vec<usize>>, min_gain: u64) -> (u64, usize) {
        let mut current = self.crossings();
        best.clone_from(&self.ranks);
        let mut rounds = 0;
        while rounds < MAX_SIFT_ROUNDS {
            if current == 0 || *self.work > WORK_BUDGET {
                break;
            }
            self.sift();
            self.transpose(false);
            rounds += 1;
            let c = self.crossings();
            if c >= current {
                break;
            }
            let gain = current - c;
            current = c;
            best.clone_from(&self.ranks);
            if gain < min_gain {
                break;
            }
        }
        self.restore(best);
        (current, rounds)
    }

    /// Global sifting, then an iterated local search: from the best order,
    /// some nodes move a few slots at random (a fixed seed), global sifting,
    /// transposition and sifting follow, and the result is kept when it
    /// crosses less. It stops after [`SEARCH_QUIT`] tries without a gain or
    /// when it has cost half the work of this component's ordering before
    /// it, or [`SEARCH_WORK`].
    fn search(
        &mut self,
        comp: &[usize],
        work_before: u64,
        best: &mut Vec<Vec<usize>>,
        best_cross: &mut u64,
    ) {
        if *best_cross == 0 || *self.work > WORK_BUDGET {
            return;
        }
        for _ in 0..GLOBAL_ROUNDS {
            self.restore(best);
            let c = self.local_search(comp);
            if c >= *best_cross {
                break;
            }
            *best_cross = c;
            best.clone_from(&self.ranks);
        }
        let start = *self.work;
        let budget = ((start - work_before) / 2).min(SEARCH_WORK);
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut stale = 0;
        while *best_cross > 0
            && stale < SEARCH_QUIT
            && *self.work - start <= budget
            && *self.work <= WORK_BUDGET
        {
            stale += 1;
            self.restore(best);
            self.perturb(&mut rng);
            let c = self.local_search(comp);
            if c < *best_cross {
                stale = 0;
                *best_cross = c;
                best.clone_from(&self.ranks);
            }
        }
    }

    /// One round of global sifting, transposition, sifting and
    /// transposition; returns the crossings after them.
    fn local_search(&mut self, comp: &[usize]) -> u64 {
        self.global_sift(comp);
        self.transpose(false);
        self.sift();
        self.transpose(false);
        self.crossings()
    }

    /// Global sifting (Bachmaier, Brandenburg, Brunner and Hübner, 2010)
    /// on a component without clusters: every real node and every long
    /// edge's chain of bend points is one block; the blocks get one global
    /// order that every rank's order follows, and each block in turn moves
    /// to the place in it where its edges cross the fewest others. Only for
    /// components without clusters (a block could leave its cluster).
    fn global_sift(&mut self, comp: &[usize]) {
        let g = self.g;
        let n = g.nodes.len();
        let none = usize::MAX;
        let mut block_of = vec![none; n];
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        for route in &g.routes {
            if let super::build::Route::Chain { nodes, .. } = route
                && nodes.len() > 2
            {
                let inner = &nodes[1..nodes.len() - 1];
                if inner
                    .iter()
                    .all(|&v| block_of[v] == none && g.nodes[v].kind != Kind::Real)
                {
                    let ok = inner
                        .windows(2)
                        .all(|w| g.nodes[w[1]].rank == g.nodes[w[0]].rank + 1);
                    if ok && comp.binary_search(&inner[0]).is_ok() {
                        for &v in inner {
                            block_of[v] = blocks.len();
                        }
                        blocks.push(inner.to_vec());
                    }
                }
            }
        }
        for &v in comp {
            if block_of[v] == none {
                block_of[v] = blocks.len();
                blocks.push(vec![v]);
            }
        }
        let nb = blocks.len();
        let first: Vec<usize> = blocks.iter().map(|b| g.nodes[b[0]].rank).collect();
        // One global order following the ranks' orders where they agree:
        // blocks in topological order of "left of" on some rank, the
        // leftmost (by relative position) first.
        let key: Vec<u64> = blocks
            .iter()
            .map(|b| {
                let s: f64 = b
                    .iter()
                    .map(|&v| {
                        let len = self.ranks[g.nodes[v].rank].len().max(1);
                        (self.pos[v] as f64 + 0.5) / len as f64
                    })
                    .sum();
                (s / b.len() as f64 * 1e12) as u64
            })
            .collect();
        let mut indeg = vec![0usize; nb];
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); nb];
        for row in &self.ranks {
            for w in row.windows(2) {
                let (a, b) = (block_of[w[0]], block_of[w[1]]);
                if a != none && b != none && a != b {
                    succ[a].push(b);
                    indeg[b] += 1;
                }
            }
        }
        *self.work += (n + nb) as u64 * 4;
        let mut pi = keyed_topological_order(&key, indeg, &succ);
        for &v in comp {
            self.ranks[g.nodes[v].rank].clear();
        }
        for &b in &pi {
            for &v in &blocks[b] {
                self.ranks[g.nodes[v].rank].push(v);
            }
        }
        for r in 0..self.ranks.len() {
            self.set_positions(r);
        }
        let mut at = vec![0usize; nb];
        for (i, &b) in pi.iter().enumerate() {
            at[b] = i;
        }
        for b in pi.clone() {
            if *self.work > WORK_BUDGET {
                return;
            }
            // Towards the front, then on to the end: past its first slot
            // the swaps undo the ones before, so `d` is always the change
            // from the first slot.
            let first_slot = at[b];
            let (mut best_i, mut best_d, mut d) = (first_slot, 0i64, 0i64);
            let mut p = first_slot;
            while p > 0 {
                d += self.swap_blocks(&blocks, &first, &mut pi, &mut at, p - 1);
                p -= 1;
                if d < best_d {
                    (best_i, best_d) = (p, d);
                }
            }
            while p + 1 < nb {
                d += self.swap_blocks(&blocks, &first, &mut pi, &mut at, p);
                p += 1;
                if d < best_d {
                    (best_i, best_d) = (p, d);
                }
            }
            while p > best_i {
                self.swap_blocks(&blocks, &first, &mut pi, &mut at, p - 1);
                p -= 1;
            }
        }
    }

    /// Swaps the blocks at `i` and `i + 1` of the global order on every
    /// rank they share; returns the change in crossings.
    fn swap_blocks(
        &mut self,
        blocks: &[Vec<usize>],
        first: &[usize],
        pi: &mut [usize],
        at: &mut [usize],
        i: usize,
    ) -> i64 {
        let (a, b) = (pi[i], pi[i + 1]);
        pi.swap(i, i + 1);
        at[a] = i + 1;
        at[b] = i;
        *self.work += 4;
        let (fa, fb) = (first[a], first[b]);
        let lo = fa.max(fb);
        let hi = (fa + blocks[a].len()).min(fb + blocks[b].len());
        let mut d = 0i64;
        for r in lo..hi {
            let (u, v) = (blocks[a][r - first[a]], blocks[b][r - first[b]]);
            let (c0, c1) = self.pair_crossings_both(u, v);
            d += c1 as i64 - c0 as i64;
            let (pu, pv) = (self.pos[u], self.pos[v]);
            self.ranks[r].swap(pu, pv);
            self.pos[u] = pv;
            self.pos[v] = pu;
        }
        d
    }

    /// Moves about one node in [`PERTURB_ONE_IN`] to a pseudo-random slot
    /// at most [`PERTURB_REACH`] away in its cluster's run.
    fn perturb(&mut self, rng: &mut u64) {
        let mut next = |m: usize| {
            *rng = xorshift(*rng);
            (*rng % m as u64) as usize
        };
        for r in 0..self.ranks.len() {
            let nodes = self.ranks[r].clone();
            for v in nodes {
                if next(PERTURB_ONE_IN) != 0 {
                    continue;
                }
                let (lo, at, hi) = self.run_of(r, v);
                let (lo, hi) = (
                    lo.max(at.saturating_sub(PERTURB_REACH)),
                    hi.min(at + PERTURB_REACH),
                );
                let to = lo + next(hi - lo + 1);
                let x = self.ranks[r].remove(at);
                self.ranks[r].insert(to, x);
                for i in at.min(to)..=at.max(to) {
                    self.pos[self.ranks[r][i]] = i;
                }
            }
        }
    }

    fn restore(&mut self, ranks: &[Vec<usize>]) {
        self.ranks = ranks.to_vec();
        for r in 0..self.ranks.len() {
            self.set_positions(r);
        }
    }

    fn set_positions(&mut self, r: usize) {
        let pos: &mut [usize] = self.pos;
        for (i, &v) in self.ranks[r].iter().enumerate() {
            pos[v] = i;
        }
    }

    /// Breadth-first order from the top (or bottom) ranks, then made
    /// cluster-contiguous by one sorting pass keyed on that order.
    fn initial_order(&mut self, comp: &[usize], downward: bool) {
        for row in &mut self.ranks {
            row.clear();
        }
        let g = self.g;
        // Like dot: breadth-first from the sources (or sinks) in index
        // order, then from whatever is left.
        let mut starts: Vec<usize> = comp
            .iter()
            .copied()
            .filter(|&v| {
                if downward {
                    g.up[v].is_empty()
                } else {
                    g.down[v].is_empty()
                }
            })
            .collect();
        if let Some(mut rng) = self.shuffle {
            for i in (1..starts.len()).rev() {
                rng = xorshift(rng);
                starts.swap(i, (rng % (i as u64 + 1)) as usize);
            }
        }
        starts.extend_from_slice(comp);
        let mut seen = vec![false; g.nodes.len()];
        let mut queue = std::collections::VecDeque::new();
        for &s in &starts {
            if seen[s] {
                continue;
            }
            seen[s] = true;
            queue.push_back(s);
            while let Some(v) = queue.pop_front() {
                self.ranks[g.nodes[v].rank].push(v);
                let (first, second) = if downward {
                    (&g.down[v], &g.up[v])
                } else {
                    (&g.up[v], &g.down[v])
                };
                for &w in first.iter().chain(second) {
                    if !seen[w] {
                        seen[w] = true;
                        queue.push_back(w);
                    }
                }
            }
        }
        for r in 0..self.ranks.len() {
            self.set_positions(r);
        }
        let order: Vec<usize> = if downward {
            (0..self.ranks.len()).collect()
        } else {
            (0..self.ranks.len()).rev().collect()
        };
        let mut prev: Option<usize> = None;
        for r in order {
            for &v in &self.ranks[r] {
                self.key[v] = (g.nodes[v].kind != Kind::Filler).then_some(self.pos[v] as f64);
            }
            self.sort_rank(r, prev, false, prev.is_some());
            prev = Some(r);
        }
    }

    fn sweep(&mut self, downward: bool, flip: bool) {
        let g = self.g;
        let nr = self.ranks.len();
        let mut buf: Vec<usize> = Vec::new();
        let ranks: Vec<usize> = if downward {
            (1..nr).collect()
        } else {
            (0..nr.saturating_sub(1)).rev().collect()
        };
        for &r in &ranks {
            let side = usize::from(!downward);
            let (pos, key): (&[usize], &mut [Option<f64>]) = (self.pos, &mut self.key);
            for &v in &self.ranks[r] {
                // Most nodes (bend points) have one neighbour there: its
                // position is both the median and the barycenter.
                let w = g.single[v][side];
                if w != NO_SINGLE {
                    key[v] = Some(pos[w] as f64);
                    continue;
                }
                let nbrs = if downward { &g.up[v] } else { &g.down[v] };
                buf.clear();
                buf.extend(nbrs.iter().map(|&w| pos[w]));
                buf.sort_unstable();
                key[v] = if self.barycenter {
                    (!buf.is_empty()).then(|| buf.iter().sum::<usize>() as f64 / buf.len() as f64)
                } else {
                    median(&buf)
                };
            }
            let reference = if downward { r - 1 } else { r + 1 };
            // Every rank but the first is sorted right after its reference.
            let just_sorted = r != ranks[0];
            self.sort_rank(r, Some(reference), flip, just_sorted);
        }
    }

    /// Sorts rank `r` by `self.key`, block by block. `reference` is the
    /// neighbouring rank whose cluster order must be kept.
    ///
    /// A block (a cluster, or the root) holds its own nodes and its child
    /// clusters present on the rank as entries, in the order they are first
    /// met; a child is sorted inside before its parent, which keys it by
    /// the mean key of its nodes. The blocks are sorted deepest first and
    /// the rank is written out from the root down, so each node is grouped
    /// once however deep it is nested, and nothing recurses.
    ///
    /// `ref_just_sorted`: the reference rank is the one sorted last, not
    /// changed since, so the totals of its clusters' positions that the
    /// sort needs are those that sort left behind.
    fn sort_rank(&mut self, r: usize, reference: Option<usize>, flip: bool, ref_just_sorted: bool) {
        let k = self.tree.parent.len();
        let root = k;
        let mut s = std::mem::take(&mut self.sort_scratch);
        // Total and number of positions of each cluster's nodes (its own,
        // then with its descendants') on the reference rank, for their mean.
        // The totals are whole numbers, so summed in any order they are the
        // sums in rank order.
        if s.ref_sum.len() < k {
            s.own_sum.resize(k, 0);
            s.own_cnt.resize(k, 0);
            s.ref_sum.resize(k, 0);
            s.ref_cnt.resize(k, 0);
        }
        s.on_ref.clear();
        if !ref_just_sorted {
            Self::clear_totals(&mut s);
            if let Some(rr) = reference {
                for &v in &self.ranks[rr] {
                    let c = self.g.cluster_of[v];
                    if c != usize::MAX {
                        if s.own_cnt[c] == 0 {
                            s.own_on_ref.push(c);
                        }
                        s.own_sum[c] += self.pos[v] as u64;
                        s.own_cnt[c] += 1;
                    }
                }
            }
        }
        if reference.is_some() {
            for &c in &s.own_on_ref {
                for &a in &self.tree.path[c] {
                    if s.ref_cnt[a] == 0 {
                        s.on_ref.push(a);
                    }
                    s.ref_sum[a] += s.own_sum[c];
                    s.ref_cnt[a] += s.own_cnt[c];
                }
            }
        }
        if s.blocks.len() < k + 1 {
            s.blocks.resize_with(k + 1, Vec::new);
            s.seen.resize(k + 1, false);
            s.sum.resize(k + 1, 0.0);
            s.count.resize(k + 1, 0);
            s.size.resize(k + 1, 0);
            s.start.resize(k + 1, 0);
        }
        let nodes = std::mem::take(&mut self.ranks[r]);
        *self.work += nodes.len() as u64 * 4;
        // Each block's entries in the order first met. A child cluster is
        // first met with its first node, which is when it is first seen; a
        // walk up stops at a block seen before, so it is as long as the
        // number of blocks it newly sees.
        // `present` lists the blocks on the rank parents first: the blocks
        // a walk newly sees are put in from the top down (the parent of the
        // topmost was seen before).
        s.present.clear();
        for &v in &nodes {
            let c = match self.g.cluster_of[v] {
                usize::MAX => root,
                c => c,
            };
            let from = s.present.len();
            let mut new = !s.seen[c];
            if new {
                s.seen[c] = true;
                s.present.push(c);
            }
            s.blocks[c].push(Item::Node(v));
            let mut cur = c;
            while new && cur != root {
                let p = self.tree.parent[cur].unwrap_or(root);
                new = !s.seen[p];
                if new {
                    s.seen[p] = true;
                    s.present.push(p);
                }
                s.blocks[p].push(Item::Child(cur));
                cur = p;
            }
            if s.present.len() > from + 1 {
                s.present[from..].reverse();
            }
        }
        // Children first, so each child is sorted before its parent.
        for i in (0..s.present.len()).rev() {
            let b = s.present[i];
            self.sort_entries(&mut s, b, flip);
        }
        // Written out from the root down, over the rank's old order (every
        // node is in one block, so every slot is written). The totals of
        // each cluster's own nodes' new slots are left behind for the sort
        // of the next rank, which may take this one as its reference.
        Self::clear_totals(&mut s);
        let mut out = nodes;
        if let Some(&top) = s.present.first() {
            s.start[top] = 0;
        }
        for i in 0..s.present.len() {
            let b = s.present[i];
            let mut at = s.start[b];
            let (mut total, mut count) = (0, 0);
            for &item in &s.blocks[b] {
                match item {
                    Item::Node(v) => {
                        if let Some(slot) = out.get_mut(at) {
                            *slot = v;
                        }
                        total += at as u64;
                        count += 1;
                        at += 1;
                    }
                    Item::Child(ch) => {
                        s.start[ch] = at;
                        at += s.size[ch];
                    }
                }
            }
            if b != root && count > 0 {
                s.own_on_ref.push(b);
                s.own_sum[b] = total;
                s.own_cnt[b] = count;
            }
        }
        for i in 0..s.present.len() {
            let b = s.present[i];
            s.blocks[b].clear();
            s.seen[b] = false;
        }
        for i in 0..s.on_ref.len() {
            let c = s.on_ref[i];
            s.ref_sum[c] = 0;
            s.ref_cnt[c] = 0;
        }
        self.sort_scratch = s;
        self.ranks[r] = out;
        self.set_positions(r);
    }

    /// Forgets the totals of the clusters' own nodes' slots on a rank.
    fn clear_totals(s: &mut SortScratch) {
        for &c in &s.own_on_ref {
            s.own_sum[c] = 0;
            s.own_cnt[c] = 0;
        }
        s.own_on_ref.clear();
    }

    /// Sorts the entries of block `b` (its children already sorted inside)
    /// in place, and records the sum and count of its nodes' keys and its
    /// number of nodes.
    fn sort_entries(&self, s: &mut SortScratch, b: usize, flip: bool) {
        let items = std::mem::take(&mut s.blocks[b]);
        let SortScratch {
            ref_sum,
            ref_cnt,
            sum,
            count,
            size,
            sortable,
            unsortable,
            result,
            slots,
            constrained,
            sorted,
            ..
        } = s;
        // A child's mean position on the reference rank.
        let ref_pos =
            |ch: usize| (ref_cnt[ch] > 0).then(|| ref_sum[ch] as f64 / ref_cnt[ch] as f64);
        // An entry's key: a node's own, a child's mean key of its nodes, or
        // for a child without any, its mean position on the reference rank.
        let key_of = |item: Item| match item {
            Item::Node(v) => self.key[v],
            Item::Child(ch) => {
                let c = count[ch];
                if c > 0 {
                    Some(sum[ch] / c as f64)
                } else {
                    ref_pos(ch)
                }
            }
        };
        let ref_of = |item: Item| match item {
            Item::Node(_) => None,
            Item::Child(ch) => ref_pos(ch),
        };
        // Entries with a key are sorted by it (in `f64::total_cmp`'s
        // order), ties by index (descending with `flip`); the others keep
        // their slots. The index breaks every tie, so the unstable sort
        // gives the one order.
        let tie = |i: usize| if flip { !i } else { i };
        sortable.clear();
        unsortable.clear();
        // Child clusters on the reference rank (only they are constrained).
        let mut on_ref = 0;
        for (i, &item) in items.iter().enumerate() {
            if let Item::Child(ch) = item {
                on_ref += usize::from(ref_cnt[ch] > 0);
            }
            match key_of(item) {
                Some(k) => sortable.push((total_order(k), tie(i))),
                None => unsortable.push(i),
            }
        }
        sortable.sort_unstable();
        // Without entries that keep their slots and without two children
        // on the reference rank, the order is the sorted one as it is.
        let direct = unsortable.is_empty() && on_ref <= 1;
        if !direct {
            result.clear();
            let mut ui = 0;
            for &(_, t) in sortable.iter() {
                while ui < unsortable.len() && unsortable[ui] <= result.len() {
                    result.push(unsortable[ui]);
                    ui += 1;
                }
                result.push(tie(t));
            }
            result.extend_from_slice(&unsortable[ui..]);
            // Sibling clusters also present on the reference rank keep
            // their order from there.
            slots.clear();
            if on_ref > 1 {
                slots.extend((0..result.len()).filter(|&i| ref_of(items[result[i]]).is_some()));
            }
            if slots.len() > 1 {
                constrained.clear();
                constrained.extend(slots.iter().map(|&i| result[i]));
                constrained.sort_unstable_by(|&a, &b| {
                    let (ra, rb) = (
                        ref_of(items[a]).unwrap_or(0.0),
                        ref_of(items[b]).unwrap_or(0.0),
                    );
                    ra.total_cmp(&rb).then(a.cmp(&b))
                });
                for (&slot, &e) in slots.iter().zip(constrained.iter()) {
                    result[slot] = e;
                }
            }
        }
        // The block's key sum in its sorted order (the order the sums were
        // always added in), and its entries in that order.
        let (mut total, mut n, mut nodes) = (0.0, 0, 0);
        sorted.clear();
        let mut take = |item: Item| {
            match item {
                Item::Node(v) => {
                    if let Some(k) = self.key[v] {
                        total += k;
                        n += 1;
                    } else {
                        total += 0.0;
                    }
                    nodes += 1;
                }
                Item::Child(ch) => {
                    total += sum[ch];
                    n += count[ch];
                    nodes += size[ch];
                }
            }
            sorted.push(item);
        };
        if direct {
            for &(_, t) in sortable.iter() {
                take(items[tie(t)]);
            }
        } else {
            for &i in result.iter() {
                take(items[i]);
            }
        }
        sum[b] = total;
        count[b] = n;
        size[b] = nodes;
        let mut items = items;
        std::mem::swap(&mut items, sorted);
        s.blocks[b] = items;
    }

    /// Total crossings between all pairs of adjacent ranks.
    fn crossings(&mut self) -> u64 {
        if let Some(wt) = self.weights {
            return self.weighted_crossings(wt);
        }
        let mut total = 0;
        let mut buf = Vec::new();
        let (g, pos, acc): (&Layered, &[usize], _) = (self.g, self.pos, &mut self.acc);
        for r in 0..self.ranks.len().saturating_sub(1) {
            acc.reset(self.ranks[r + 1].len());
            *self.work += (self.ranks[r].len() + self.ranks[r + 1].len()) as u64;
            for &v in &self.ranks[r] {
                // Most nodes (bend points) have one edge down: read from
                // `single`, not through the node's list.
                let w = g.single[v][1];
                if w != NO_SINGLE {
                    total += acc.insert(pos[w]);
                    continue;
                }
                buf.clear();
                buf.extend(g.down[v].iter().map(|&w| pos[w]));
                buf.sort_unstable();
                for &p in &buf {
                    total += acc.insert(p);
                }
            }
        }
        total
    }

    /// Weighted crossings between all pairs of adjacent ranks: each
    /// crossing counts the product of its two edges' weights.
    fn weighted_crossings(&mut self, wt: &Weights) -> u64 {
        self.crossings_weighted_by(wt, |x| x)
    }

    /// Crossings between all pairs of adjacent ranks, each counting the
    /// product of `weight` of its two edges' weights.
    pub(super) fn crossings_weighted_by(
        &mut self,
        wt: &Weights,
        weight: impl Fn(u64) -> u64,
    ) -> u64 {
        let mut total = 0;
        let mut buf: Vec<(usize, u64)> = Vec::new();
        for r in 0..self.ranks.len().saturating_sub(1) {
            self.acc.reset_weighted(self.ranks[r + 1].len());
            *self.work += (self.ranks[r].len() + self.ranks[r + 1].len()) as u64;
            for &v in &self.ranks[r] {
                buf.clear();
                buf.extend(
                    self.g.down[v]
                        .iter()
                        .zip(&wt.down[v])
                        .map(|(&w, &x)| (self.pos[w], weight(x))),
                );
                buf.sort_unstable();
                for &(p, x) in &buf {
                    total += x * self.acc.insert_weighted(p, x);
                }
            }
        }
        total
    }

    /// Crossings among the edges of `u` and `v` with `u` left of `v`, and
    /// with `v` left of `u`, in one pass.
    fn pair_crossings_both(&mut self, u: usize, v: usize) -> (u64, u64) {
        let Some(wt) = self.weights else {
            return self.pair_crossings_unweighted(u, v);
        };
        *self.work += self.pair_work(u, v);
        let (mut c0, mut c1) = (0, 0);
        for (side, ws) in [(&self.g.up, &wt.up), (&self.g.down, &wt.down)] {
            for (&a, &wa) in side[u].iter().zip(&ws[u]) {
                let pa = self.pos[a];
                for (&b, &wb) in side[v].iter().zip(&ws[v]) {
                    let pb = self.pos[b];
                    c0 += u64::from(pb < pa) * wa * wb;
                    c1 += u64::from(pb > pa) * wa * wb;
                }
            }
        }
        (c0, c1)
    }

    /// [`Orderer::pair_crossings_both`] with every weight 1. Most pairs in
    /// long-edge chains have one neighbour each on a side: that case is
    /// one comparison, without the nested loops.
    #[inline(always)]
    fn pair_crossings_unweighted(&mut self, u: usize, v: usize) -> (u64, u64) {
        let (c0, c1, work) = self.count_unweighted(u, v);
        *self.work += work;
        (c0, c1)
    }

    /// The crossings of [`Orderer::pair_crossings_unweighted`] and their
    /// work, without adding it (a caller in a hot loop adds it up locally).
    /// That work is also [`Orderer::pair_work`]'s: per side, the product of
    /// the two nodes' numbers of neighbours there (1 where both have one).
    #[inline(always)]
    fn count_unweighted(&self, u: usize, v: usize) -> (u64, u64, u64) {
        let pos: &[usize] = self.pos;
        let (mut c0, mut c1, mut work) = (0, 0, 0);
        let (one_u, one_v) = (self.g.single[u], self.g.single[v]);
        for (k, side) in [&self.g.up, &self.g.down].into_iter().enumerate() {
            let (a, b) = (one_u[k], one_v[k]);
            if a != NO_SINGLE && b != NO_SINGLE {
                let (pa, pb) = (pos[a], pos[b]);
                c0 += u64::from(pb < pa);
                c1 += u64::from(pb > pa);
                work += 1;
                continue;
            }
            let (su, sv) = (side[u].as_slice(), side[v].as_slice());
            work += (su.len() * sv.len()) as u64;
            for &a in su {
                let pa = pos[a];
                for &b in sv {
                    let pb = pos[b];
                    c0 += u64::from(pb < pa);
                    c1 += u64::from(pb > pa);
                }
            }
        }
        (c0, c1, work)
    }

    /// [`Orderer::pair_crossings_both`], counting the work of counting each
    /// order apart (so the work caps fall where they did when they were).
    fn pair_crossings_twice(&mut self, u: usize, v: usize) -> (u64, u64) {
        if self.weights.is_none() {
            // That work is the work of counting both (`count_unweighted`).
            let (c0, c1, work) = self.count_unweighted(u, v);
            *self.work += 2 * work;
            return (c0, c1);
        }
        *self.work += self.pair_work(u, v);
        self.pair_crossings_both(u, v)
    }

    /// The work of counting the crossings of one order of `u` and `v`.
    #[inline]
    fn pair_work(&self, u: usize, v: usize) -> u64 {
        let g = self.g;
        (g.up[u].len() * g.up[v].len() + g.down[u].len() * g.down[v].len()) as u64
    }

    /// Sifting (Matuszewski, Schönfeld and Molitor, 1999): each node in
    /// turn moves to the slot, within the run of its own cluster's nodes
    /// around it on its rank (so clusters stay contiguous), where its edges
    /// cross the fewest others, counted exactly pair by pair.
    fn sift(&mut self) {
        for r in 0..self.ranks.len() {
            let nodes = self.ranks[r].clone();
            for v in nodes {
                if *self.work > WORK_BUDGET {
                    return;
                }
                let (lo, at, hi) = self.run_of(r, v);
                if lo == hi {
                    continue;
                }
                // Change in crossings when v moves to slot i instead of `at`.
                let (mut best_i, mut best_d) = (at, 0i64);
                let mut d = 0i64;
                for i in (lo..at).rev() {
                    let w = self.ranks[r][i];
                    let (vw, wv) = self.pair_crossings_twice(v, w);
                    d += vw as i64 - wv as i64;
                    if d < best_d {
                        (best_i, best_d) = (i, d);
                    }
                }
                d = 0;
                for i in at + 1..=hi {
                    let w = self.ranks[r][i];
                    let (wv, vw) = self.pair_crossings_twice(w, v);
                    d += wv as i64 - vw as i64;
                    if d < best_d {
                        (best_i, best_d) = (i, d);
                    }
                }
                if best_i != at {
                    let x = self.ranks[r].remove(at);
                    self.ranks[r].insert(best_i, x);
                    for i in at.min(best_i)..=at.max(best_i) {
                        self.pos[self.ranks[r][i]] = i;
                    }
                }
            }
        }
    }

    /// The first slot, `v`'s slot and the last slot of the run of nodes of
    /// `v`'s own cluster around `v` on rank `r`.
    fn run_of(&self, r: usize, v: usize) -> (usize, usize, usize) {
        let row = &self.ranks[r];
        let cluster_of = &self.g.cluster_of;
        let cluster = cluster_of[v];
        let at = self.pos[v];
        let mut lo = at;
        while lo > 0 && cluster_of[row[lo - 1]] == cluster {
            lo -= 1;
        }
        let mut hi = at;
        while hi + 1 < row.len() && cluster_of[row[hi + 1]] == cluster {
            hi += 1;
        }
        (lo, at, hi)
    }

    /// Swaps neighbours of one cluster while that removes crossings.
    ///
    /// A pair's crossings depend only on the order of the two nodes and of
    /// their neighbours, so a pair that was kept and where none of these has
    /// moved since would be kept again: it is not counted again, only its
    /// work is (so the work caps fall where they would).
    fn transpose(&mut self, reverse: bool) {
        let g = self.g;
        let nr = self.ranks.len();
        let mut candidate = vec![true; nr];
        // For each slot, the work of the last look at its node and the
        // right neighbour, when that kept them and nothing has moved since:
        // slot i of rank r is `kept[r][i]`. Nodes move only by swaps, which
        // mark both their slots, so a slot's entry is its node's; kept by
        // slot, the scan reads it without the node.
        let mut kept: Vec<Vec<u64>> = self
            .ranks
            .iter()
            .map(|row| vec![UNKNOWN; row.len()])
            .collect();
        let min_gain = self.min_gain();
        for _ in 0..MAX_TRANSPOSE_PASSES {
            let mut delta = 0u64;
            for r in 0..nr {
                if !candidate[r] {
                    continue;
                }
                candidate[r] = false;
                // This rank's entries, and those of the ranks above and
                // below (where a swap here marks pairs).
                let (above, rest) = kept.split_at_mut(r);
                let Some((here, below)) = rest.split_first_mut() else {
                    continue;
                };
                let here = here.as_mut_slice();
                let mut around = [above.last_mut(), below.first_mut()];
                // The row is taken out while it is scanned, so the scan
                // reads and swaps a local vector; put back below.
                let mut row = std::mem::take(&mut self.ranks[r]);
                // The work of this rank's pairs, added once per rank (the
                // budget is only checked between passes).
                let mut spent = 0u64;
                let len = row.len().min(here.len());
                // Both cut to the same length, so indices below it need no
                // further checks.
                let (here, cut) = (&mut here[..len], &mut row[..len]);
                let mut i = 0;
                while i + 1 < len {
                    let k = here[i];
                    if k != UNKNOWN {
                        spent += k;
                        i += 1;
                        continue;
                    }
                    let (v, w) = (cut[i], cut[i + 1]);
                    if g.cluster_of[v] != g.cluster_of[w] {
                        here[i] = 0;
                        i += 1;
                        continue;
                    }
                    // Unweighted, the count is inlined here and its work
                    // added up locally: this is the hottest call of the
                    // ordering.
                    // Unweighted, the work of counting one order is that of
                    // counting both (a product of the two nodes' degrees on
                    // each side, or 1 where both have one neighbour there).
                    let (c0, c1, count, one_order) = if self.weights.is_none() {
                        let (c0, c1, count) = self.count_unweighted(v, w);
                        (c0, c1, count, count)
                    } else {
                        let before = *self.work;
                        let (c0, c1) = self.pair_crossings_both(v, w);
                        let count = *self.work - before;
                        *self.work = before;
                        (c0, c1, count, self.pair_work(v, w))
                    };
                    let look = count + 1;
                    if c0 == 0 {
                        spent += look;
                        here[i] = look;
                        i += 1;
                        continue;
                    }
                    // With the work of counting the swapped order on its own.
                    let look = look + one_order;
                    spent += look;
                    if c1 < c0 || (reverse && c1 == c0) {
                        cut.swap(i, i + 1);
                        self.pos[v] = i + 1;
                        self.pos[w] = i;
                        delta += c0.saturating_sub(c1);
                        candidate[r] = true;
                        if r > 0 {
                            candidate[r - 1] = true;
                        }
                        if r + 1 < nr {
                            candidate[r + 1] = true;
                        }
                        // The pairs this swap changes: those of v, of w and
                        // of the node left of them; and on the ranks above
                        // and below, a pair of a neighbour of v beside a
                        // neighbour of w, the only pairs there whose
                        // crossings count the order of v and w. Any other
                        // pair would be counted again to the same result
                        // and work, so it stays kept.
                        here[i] = UNKNOWN;
                        here[i + 1] = UNKNOWN;
                        if let Some(p) = i.checked_sub(1) {
                            here[p] = UNKNOWN;
                        }
                        for (side, there) in [(0, r.wrapping_sub(1)), (1, r + 1)] {
                            // Neighbours on that side are on rank `there`,
                            // and see v and w from the other side.
                            let (Some(kept_there), Some(row_there)) =
                                (around[side].as_deref_mut(), self.ranks.get(there))
                            else {
                                continue;
                            };
                            let back = 1 - side;
                            let touches_w = |y: usize| {
                                let one = g.single[y][back];
                                one == w
                                    || (one == NO_SINGLE && [&g.down, &g.up][side][y].contains(&w))
                            };
                            let one = &g.single[v][side];
                            let nbrs = if *one != NO_SINGLE {
                                std::slice::from_ref(one)
                            } else {
                                &[&g.up, &g.down][side][v][..]
                            };
                            for &x in nbrs {
                                let px = self.pos[x];
                                if px > 0 && row_there.get(px - 1).is_some_and(|&y| touches_w(y)) {
                                    kept_there[px - 1] = UNKNOWN;
                                }
                                if row_there.get(px + 1).is_some_and(|&y| touches_w(y)) {
                                    kept_there[px] = UNKNOWN;
                                }
                            }
                        }
                    } else {
                        here[i] = look;
                    }
                    i += 1;
                }
                *self.work += spent;
                self.ranks[r] = row;
            }
            if delta < min_gain || *self.work > WORK_BUDGET {
                break;
            }
        }
    }

    /// The fewest crossings a transposition pass or a round of sifting must
    /// take out for another to follow: 1, or on a large component with boxes
    /// (unweighted) one per [`TAIL_SHARE`] of its layered nodes.
    fn min_gain(&self) -> u64 {
        let size: usize = self.ranks.iter().map(Vec::len).sum();
        let boxed = || {
            self.ranks
                .iter()
                .flatten()
                .any(|&v| self.g.cluster_of[v] != usize::MAX)
        };
        if size >= TAIL_NODES && self.weights.is_none() && boxed() {
            (size / TAIL_SHARE) as u64
        } else {
            1
        }
    }
}

/// First and last slot of each box in `row` (`(usize::MAX, 0)` where it
/// has no node), into `out`.
fn row_box_spans(g: &Layered, tree: &ClusterTree, row: &[usize], out: &mut Vec<(usize, usize)>) {
    out.clear();
    out.resize(tree.parent.len(), (usize::MAX, 0));
    for (p, &v) in row.iter().enumerate() {
        let c = g.cluster_of[v];
        if c != usize::MAX {
            out[c] = (out[c].0.min(p), out[c].1.max(p));
        }
    }
    // Each box takes in its children's spans, children first, so a node is
    // counted once however deep its box is nested (an empty span,
    // `(usize::MAX, 0)`, changes nothing).
    for &c in tree.preorder.iter().rev() {
        if let Some(a) = tree.parent[c] {
            let (lo, hi) = out[c];
            out[a] = (out[a].0.min(lo), out[a].1.max(hi));
        }
    }
}

/// Whether a segment from slot `px` of rank `q` to slot `py` of rank
/// `q + 1` passes box `c`: the box has nodes on both ranks and the ends
/// are on opposite sides of it (`spans` as [`row_box_spans`] gives them,
/// rank by rank).
fn segment_passes(spans: &[Vec<(usize, usize)>], q: usize, c: usize, px: usize, py: usize) -> bool {
    let ((a0, a1), (b0, b1)) = (spans[q][c], spans[q + 1][c]);
    a0 != usize::MAX && b0 != usize::MAX && ((px < a0 && py > b1) || (px > a1 && py < b0))
}

/// The boxes an edge along rank `r` between slots `lo` and `hi` passes,
/// each passed to `f`: where some box between its ends has nodes on the
/// rank above and some (the same or another) on the rank below, no line
/// over or under the rank clears them (`route::flat_track`), and every box
/// between that reaches either way counts.
fn flat_blocked(
    spans: &[Vec<(usize, usize)>],
    r: usize,
    lo: usize,
    hi: usize,
    mut f: impl FnMut(usize),
) {
    let on = |q: Option<usize>, c: usize| {
        q.and_then(|q| spans.get(q))
            .is_some_and(|s| s[c].0 != usize::MAX)
    };
    let between = |c: usize| {
        let (c0, c1) = spans[r][c];
        c0 != usize::MAX && lo < c0 && c1 < hi
    };
    let reach = |c: usize| (on(r.checked_sub(1), c), on(Some(r + 1), c));
    let (mut up, mut down) = (false, false);
    for c in (0..spans[r].len()).filter(|&c| between(c)) {
        let (u, d) = reach(c);
        (up, down) = (up || u, down || d);
    }
    if up && down {
        for c in (0..spans[r].len()).filter(|&c| between(c)) {
            if reach(c) != (false, false) {
                f(c);
            }
        }
    }
}

/// The pairs of units to stack (upper, lower; a node `v < n` or box `c` as
/// `n + c`, as [`super::build::build_stacking`] takes them) for the passes
/// `order` leaves: for each segment that passes a box (a box on both its
/// ranks between its ends) and each drawn edge along a rank and box it
/// passes ([`flat_blocked`]), each end's unit beside the box around the
/// passed one at their level, with that box, in the order of their first
/// and last ranks. An end that is a bend point outside every box beside the
/// passed one has no unit to stack.
pub(crate) fn passed_units(
    g: &Layered,
    tree: &ClusterTree,
    order: &[Vec<usize>],
    n: usize,
) -> Vec<(usize, usize)> {
    if tree.parent.is_empty() {
        return Vec::new();
    }
    let mut pos = vec![0usize; g.nodes.len()];
    for row in order {
        for (p, &v) in row.iter().enumerate() {
            pos[v] = p;
        }
    }
    let spans: Vec<Vec<(usize, usize)>> = order
        .iter()
        .map(|row| {
            let mut out = Vec::new();
            row_box_spans(g, tree, row, &mut out);
            out
        })
        .collect();
    let both = on_both(&spans);
    let span = |u: usize| {
        if u < n {
            (g.nodes[u].rank, g.nodes[u].rank)
        } else {
            g.span[u - n]
        }
    };
    let mut out = Vec::new();
    let mut stack = |e: usize, c: usize| {
        let ce = g.nodes[e].cluster;
        let d = tree.depth(tree.lca(Some(c), ce));
        let b = n + tree.ancestor_at(c, d + 1);
        let unit = match ce {
            Some(a) if tree.depth(Some(a)) > d => n + tree.ancestor_at(a, d + 1),
            _ if e < n => e,
            _ => return,
        };
        out.push(if span(unit) <= span(b) {
            (unit, b)
        } else {
            (b, unit)
        });
    };
    for (r, row) in order.iter().enumerate() {
        for &x in row {
            for &y in &g.down[x] {
                for &c in &both[r] {
                    if segment_passes(&spans, r, c, pos[x], pos[y]) {
                        stack(x, c);
                        stack(y, c);
                    }
                }
            }
            for &y in &g.flat[x] {
                let (lo, hi) = (pos[x], pos[y]);
                if hi > lo {
                    flat_blocked(&spans, r, lo, hi, |c| {
                        stack(x, c);
                        stack(y, c);
                    });
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// For each rank r but the last, the boxes with nodes on both rank r and
/// r + 1, ascending (`spans` as [`Orderer::box_spans`] gives them, rank by
/// rank).
fn on_both(spans: &[Vec<(usize, usize)>]) -> Vec<Vec<usize>> {
    let none = (usize::MAX, 0);
    spans
        .windows(2)
        .map(|w| {
            (0..w[0].len())
                .filter(|&c| w[0][c] != none && w[1][c] != none)
                .collect()
        })
        .collect()
}

/// The box spans of a rank (as [`Orderer::box_spans`] gives them) after
/// its node at slot `at` moved to the gap before slot `gap` within its own
/// box's block, as [`Orderer::unpass`] and [`Orderer::unpass_chains`] move
/// nodes: the slots in between shift by one towards `at`. Boxes are
/// contiguous on every rank, so a box that holds a node in between but
/// not the one moved lies wholly in between (a box reaching past either
/// end would hold the moved node, or hold the box beside the gap and so be
/// its parent's, which holds the node): it shifts whole; every other box
/// keeps its span, the node's own boxes because it stays inside them.
fn moved_spans(spans: &mut [(usize, usize)], at: usize, gap: usize) {
    let to = if gap > at { gap - 1 } else { gap };
    let (lo, hi, right) = match to.cmp(&at) {
        std::cmp::Ordering::Greater => (at + 1, to, false),
        std::cmp::Ordering::Less => (to, at - 1, true),
        std::cmp::Ordering::Equal => return,
    };
    for span in spans {
        let (s, t) = *span;
        if s != usize::MAX && lo <= s && t <= hi {
            *span = if right {
                (s + 1, t + 1)
            } else {
                (s - 1, t - 1)
            };
        }
    }
}

/// A key whose order is `f64::total_cmp`'s (the same bit trick).
fn total_order(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// A box on two ranks: its index and its first and last slot on each.
type BoxOnBoth = (usize, (usize, usize), (usize, usize));

/// Each box's first and last slot on a rank ([`Orderer::box_spans`]).
type Spans = Vec<(usize, usize)>;

/// The boxes with nodes on both of two ranks, and what rules out most of
/// them at once for [`Orderer::passes_at`].
#[derive(Default)]
struct Beside {
    boxes: Vec<BoxOnBoth>,
    /// The boxes' first slots on this rank, ascending, each with the least
    /// last slot on the other rank of the boxes that start there or later,
    /// and the box's place in `boxes`.
    by_start: Vec<(usize, usize, usize)>,
    /// The boxes' last slots on this rank, ascending, each with the
    /// greatest first slot on the other rank of the boxes that end there or
    /// earlier, and the box's place in `boxes`.
    by_end: Vec<(usize, usize, usize)>,
    /// Whether `by_start` and `by_end` are filled.
    indexed: bool,
}

impl Beside {
    /// From every box's first and last slot on this rank and on the other
    /// (`None` where there is no such rank); `index`: with the look-up that
    /// rules boxes out (worth its sort where many nodes are checked).
    fn set(&mut self, here: &[(usize, usize)], there: Option<&[(usize, usize)]>, index: bool) {
        let none = (usize::MAX, 0);
        self.boxes.clear();
        if let Some(there) = there {
            self.boxes.extend(
                here.iter()
                    .zip(there)
                    .enumerate()
                    .filter(|&(_, (&h, &t))| h != none && t != none)
                    .map(|(c, (&h, &t))| (c, h, t)),
            );
        }
        self.by_start.clear();
        self.by_end.clear();
        self.indexed = index;
        if !index {
            return;
        }
        self.by_start.extend(
            self.boxes
                .iter()
                .enumerate()
                .map(|(b, &(_, h, t))| (h.0, t.1, b)),
        );
        self.by_start.sort_unstable();
        let mut least = usize::MAX;
        for e in self.by_start.iter_mut().rev() {
            least = least.min(e.1);
            e.1 = least;
        }
        self.by_end.extend(
            self.boxes
                .iter()
                .enumerate()
                .map(|(b, &(_, h, t))| (h.1, t.0, b)),
        );
        self.by_end.sort_unstable();
        let mut most = 0;
        for e in &mut self.by_end {
            most = most.max(e.1);
            e.1 = most;
        }
    }

    /// [`Beside::set`] without the look-up, from `among`, the boxes known
    /// to have nodes on both ranks (ascending, as `set` finds them).
    fn set_among(&mut self, here: &[(usize, usize)], there: &[(usize, usize)], among: &[usize]) {
        self.boxes.clear();
        self.boxes
            .extend(among.iter().map(|&c| (c, here[c], there[c])));
        self.by_start.clear();
        self.by_end.clear();
        self.indexed = false;
    }
}

/// Not yet looked at, or changed since (see [`Orderer::transpose`]).
const UNKNOWN: u64 = u64::MAX;

/// The next state of a xorshift64 generator: deterministic, and good
/// enough to shake an order.
pub(super) fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Weighted median of sorted positions, as in dot: between the two middle
/// values, leaning towards the side where neighbours are packed tighter.
fn median(p: &[usize]) -> Option<f64> {
    let n = p.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(p[n / 2] as f64),
        2 => Some((p[0] + p[1]) as f64 / 2.0),
        _ => {
            let m = n / 2;
            let left = (p[m - 1] - p[0]) as f64;
            let right = (p[n - 1] - p[m]) as f64;
            if left + right > 0.0 {
                Some((p[m - 1] as f64 * right + p[m] as f64 * left) / (left + right))
            } else {
                Some((p[m - 1] + p[m]) as f64 / 2.0)
            }
        }
    }
}

/// The blocks `0..key.len()` in topological order of the "left of" edges
/// `succ` (`indeg` counts each block's predecessors), the smallest key first
/// among the blocks that are ready. Where a cycle leaves none ready (chains
/// crossing between their ends), the waiting block with the smallest key goes
/// next. Used by global sifting, with and without boxes.
pub(super) fn keyed_topological_order(
    key: &[u64],
    mut indeg: Vec<usize>,
    succ: &[Vec<usize>],
) -> Vec<usize> {
    let nb = key.len();
    let mut ready: std::collections::BTreeSet<(u64, usize)> = (0..nb)
        .filter(|&b| indeg[b] == 0)
        .map(|b| (key[b], b))
        .collect();
    let mut waiting: std::collections::BTreeSet<(u64, usize)> = (0..nb)
        .filter(|&b| indeg[b] > 0)
        .map(|b| (key[b], b))
        .collect();
    let mut done = vec![false; nb];
    let mut pi: Vec<usize> = Vec::with_capacity(nb);
    while pi.len() < nb {
        let b = match ready.pop_first() {
            Some((_, b)) => b,
            None => match waiting.first().copied() {
                Some((_, b)) => b,
                None => break,
            },
        };
        if done[b] {
            continue;
        }
        waiting.remove(&(key[b], b));
        done[b] = true;
        pi.push(b);
        for &s in &succ[b] {
            indeg[s] = indeg[s].saturating_sub(1);
            if indeg[s] == 0 && !done[s] && waiting.remove(&(key[s], s)) {
                ready.insert((key[s], s));
            }
        }
    }
    pi
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::layout::build::{self, build};
    use crate::layout::{ClusterSpec, Direction, EdgeSpec, LayoutInput, NodeSpec};
    use proptest::prelude::*;

    /// Crossings between adjacent ranks, pair by pair: the oracle.
    pub(super) fn brute_force(g: &Layered, ranks: &[Vec<usize>]) -> u64 {
        let mut pos = vec![0usize; g.nodes.len()];
        for row in ranks {
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i;
            }
        }
        let mut total = 0;
        for row in ranks {
            let segs: Vec<(usize, usize)> = row
                .iter()
                .flat_map(|&v| g.down[v].iter().map(move |&w| (v, w)))
                .collect();
            for (i, &(a, b)) in segs.iter().enumerate() {
                for &(c, d) in &segs[i + 1..] {
                    let (pa, pb, pc, pd) = (pos[a], pos[b], pos[c], pos[d]);
                    if (pa < pc && pb > pd) || (pa > pc && pb < pd) {
                        total += 1;
                    }
                }
            }
        }
        total
    }

    /// Every rank holds the same nodes as before, and each cluster's nodes
    /// are contiguous on it.
    pub(super) fn assert_valid(
        g: &Layered,
        tree: &ClusterTree,
        before: &[Vec<usize>],
        after: &[Vec<usize>],
    ) {
        for (b, a) in before.iter().zip(after) {
            let (mut b, mut a2) = (b.clone(), a.clone());
            b.sort_unstable();
            a2.sort_unstable();
            assert_eq!(a2, b, "a rank lost or gained nodes");
            for c in 0..tree.parent.len() {
                let slots: Vec<usize> = (0..a.len())
                    .filter(|&i| {
                        g.nodes[a[i]]
                            .cluster
                            .is_some_and(|k| tree.path[k].contains(&c))
                    })
                    .collect();
                if let (Some(&lo), Some(&hi)) = (slots.first(), slots.last()) {
                    assert_eq!(hi - lo + 1, slots.len(), "cluster {c} is split on a rank");
                }
            }
        }
    }

    /// Sets the order of every rank to `ranks`, with the positions.
    fn set_order(o: &mut Orderer<'_>, ranks: Vec<Vec<usize>>) {
        o.ranks = ranks;
        for r in 0..o.ranks.len() {
            o.set_positions(r);
        }
    }

    /// The layered nodes of each rank, by index.
    fn by_rank(g: &Layered) -> Vec<Vec<usize>> {
        let mut ranks: Vec<Vec<usize>> = vec![Vec::new(); g.num_ranks];
        for (v, node) in g.nodes.iter().enumerate() {
            ranks[node.rank].push(v);
        }
        ranks
    }

    /// Small inputs with up to four boxes, nested at random (also used by
    /// the placement's tests).
    pub(in crate::layout) fn arb_input() -> impl Strategy<Value = LayoutInput> {
        arb_input_of(14)
    }

    /// [`arb_input`] with fewer than `max_nodes` nodes.
    fn arb_input_of(max_nodes: usize) -> impl Strategy<Value = LayoutInput> {
        (1usize..max_nodes, 0usize..4).prop_flat_map(|(n, k)| {
            let clusters =
                proptest::collection::vec(proptest::option::of(0usize..4), k).prop_map(|parents| {
                    // Parents only among earlier clusters: a forest.
                    parents
                        .iter()
                        .enumerate()
                        .map(|(i, p)| ClusterSpec {
                            parent: p.filter(|&p| p < i),
                            ..ClusterSpec::default()
                        })
                        .collect::<Vec<_>>()
                });
            let nodes =
                proptest::collection::vec(proptest::option::of(0usize..4), n).prop_map(move |cs| {
                    cs.iter()
                        .map(|c| NodeSpec {
                            cluster: c.filter(|&c| c < k),
                            ..NodeSpec::new(20.0, 10.0)
                        })
                        .collect::<Vec<_>>()
                });
            let edges = proptest::collection::vec((0..n, 0..n), 0..3 * n).prop_map(|es| {
                es.iter()
                    .map(|&(a, b)| EdgeSpec::new(a, b))
                    .collect::<Vec<_>>()
            });
            (clusters, nodes, edges).prop_map(|(clusters, nodes, edges)| LayoutInput {
                nodes,
                clusters,
                edges,
                ..LayoutInput::default()
            })
        })
    }

    pub(super) fn orderer<'a>(
        g: &'a Layered,
        tree: &'a ClusterTree,
        pos: &'a mut Vec<usize>,
        work: &'a mut u64,
    ) -> Orderer<'a> {
        let all: Vec<usize> = (0..g.nodes.len()).collect();
        let mut o = Orderer {
            g,
            tree,
            ranks: vec![Vec::new(); g.num_ranks],
            pos,
            acc: Accumulator::new(0),
            key: vec![None; g.nodes.len()],
            barycenter: false,
            work,
            weights: None,
            search_weights: None,
            sort_scratch: SortScratch::default(),
            shuffle: None,
        };
        o.initial_order(&all, true);
        o
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn transpose_and_sift_never_add_crossings(input in arb_input()) {
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let start = o.ranks.clone();
            let c0 = brute_force(&g, &o.ranks);
            prop_assert_eq!(o.crossings(), c0);
            o.transpose(false);
            let c1 = brute_force(&g, &o.ranks);
            prop_assert!(c1 <= c0, "transpose: {} -> {}", c0, c1);
            o.sift();
            let c2 = brute_force(&g, &o.ranks);
            prop_assert!(c2 <= c1, "sift: {} -> {}", c1, c2);
            prop_assert_eq!(o.crossings(), c2);
            assert_valid(&g, &tree, &start, &o.ranks);
            for row in &o.ranks {
                for (i, &v) in row.iter().enumerate() {
                    prop_assert_eq!(o.pos[v], i);
                }
            }
        }

        #[test]
        fn global_sifting_from_its_own_order_never_adds_crossings(input in arb_input()) {
            // Without clusters: global sifting is only used there.
            let input = LayoutInput {
                clusters: Vec::new(),
                nodes: input
                    .nodes
                    .iter()
                    .map(|n| NodeSpec { cluster: None, ..*n })
                    .collect(),
                ..input
            };
            let tree = ClusterTree::new(&input.clusters).expect("no clusters");
            let g = build(&input, &tree);
            let all: Vec<usize> = (0..g.nodes.len()).collect();
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let start = o.ranks.clone();
            o.global_sift(&all);
            let c1 = brute_force(&g, &o.ranks);
            prop_assert_eq!(o.crossings(), c1);
            o.global_sift(&all);
            let c2 = brute_force(&g, &o.ranks);
            prop_assert!(c2 <= c1, "global sifting: {} -> {}", c1, c2);
            assert_valid(&g, &tree, &start, &o.ranks);
            for row in &o.ranks {
                for (i, &v) in row.iter().enumerate() {
                    prop_assert_eq!(o.pos[v], i);
                }
            }
        }

        #[test]
        fn the_ordering_keeps_clusters_contiguous(input in arb_input()) {
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let ranks = order(&g, &tree);
            let start = by_rank(&g);
            assert_valid(&g, &tree, &start, &ranks);
        }
    }

    /// Transposition on two ranks where one node must travel left one slot
    /// a pass, each pass taking out one crossing: tops `t0..t(m-1)` over
    /// bottoms `b0..b(m-2)`, `ti -> bi`, and `t(m-1) -> b0` crossing the
    /// other `m - 2` edges (`b0` is held at the left by `t0`). Returns the
    /// crossings before and after one transposition and the graph's size.
    fn one_slot_a_pass(m: usize, boxed: bool) -> (u64, u64, usize) {
        let cluster = boxed.then_some(0);
        let input = LayoutInput {
            nodes: vec![
                NodeSpec {
                    cluster,
                    ..NodeSpec::new(20.0, 10.0)
                };
                2 * m - 1
            ],
            clusters: if boxed {
                vec![ClusterSpec::default()]
            } else {
                Vec::new()
            },
            edges: (0..m - 1)
                .map(|i| EdgeSpec::new(i, m + i))
                .chain([EdgeSpec::new(m - 1, m)])
                .collect(),
            ..LayoutInput::default()
        };
        let tree = ClusterTree::new(&input.clusters).expect("a forest");
        let g = build(&input, &tree);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![(0..m).collect(), (m..2 * m - 1).collect()]);
        let before = brute_force(&g, &o.ranks);
        o.transpose(false);
        (before, brute_force(&g, &o.ranks), g.nodes.len())
    }

    #[test]
    fn transposition_stops_at_a_tail_of_small_gains_only_on_large_components_with_boxes() {
        // Large, with a box: the first pass takes out 1, fewer than one per
        // TAIL_SHARE nodes, so it is the last.
        let (before, after, size) = one_slot_a_pass(TAIL_NODES / 2 + 1, true);
        assert!(size >= TAIL_NODES && size / TAIL_SHARE > 1, "{size}");
        assert_eq!(before, (TAIL_NODES / 2 - 1) as u64);
        assert_eq!(after, before - 1);
        // Without the box, or small: every pass that takes one out counts.
        let (before, after, _) = one_slot_a_pass(TAIL_NODES / 2 + 1, false);
        assert_eq!(after, before - MAX_TRANSPOSE_PASSES as u64);
        let (before, after, size) = one_slot_a_pass(40, true);
        assert!(size < TAIL_NODES);
        assert_eq!((before, after), (38, 0));
    }

    #[test]
    fn another_round_of_sifting_follows_only_one_that_took_out_enough() {
        // The first random graph (fixed seed) on which a second round runs
        // when every gain counts; then the first round's gain is the least
        // that lets a second follow.
        use proptest::strategy::ValueTree;
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::deterministic_rng(RngAlgorithm::ChaCha),
        );
        let strategy = arb_input_of(40);
        let mut found = false;
        for _ in 0..1000 {
            let input = strategy.new_tree(&mut runner).expect("an input").current();
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            // Rounds run and crossings left with `min_gain`, from the
            // orderer's first order.
            let rounds = |min_gain: u64| {
                let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
                let mut o = orderer(&g, &tree, &mut pos, &mut work);
                let start = o.crossings();
                let mut best = Vec::new();
                let (left, rounds) = o.sift_rounds(&mut best, min_gain);
                assert_eq!(o.ranks, best);
                assert_eq!(brute_force(&g, &o.ranks), left);
                (start, left, rounds)
            };
            let (start, _, all) = rounds(1);
            if all < 2 {
                continue;
            }
            let (_, after_one, one) = rounds(u64::MAX);
            assert_eq!(one, 1);
            let first_gain = start - after_one;
            assert!(first_gain > 0);
            assert_eq!(rounds(first_gain + 1).2, 1);
            assert!(rounds(first_gain).2 >= 2);
            found = true;
            break;
        }
        assert!(found, "no graph took a second round");
    }

    #[test]
    fn sifting_moves_a_node_past_several_neighbours() {
        // Rank 0: a b c d; rank 1: w x y z with a->x, b->y, c->z, d->w:
        // d->w crosses the other three; one sift of w to the far right
        // removes all three crossings at once.
        let input = LayoutInput {
            nodes: vec![NodeSpec::new(10.0, 10.0); 8],
            edges: [(0, 5), (1, 6), (2, 7), (3, 4)]
                .iter()
                .map(|&(a, b)| EdgeSpec::new(a, b))
                .collect(),
            ..LayoutInput::default()
        };
        let tree = ClusterTree::new(&input.clusters).expect("no clusters");
        let g = build(&input, &tree);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
        assert_eq!(brute_force(&g, &o.ranks), 3);
        o.sift();
        assert_eq!(brute_force(&g, &o.ranks), 0, "{:?}", o.ranks);
    }

    /// (Edge segment, box) pairs where the box spans both ranks of the
    /// segment, holds neither end, and has the ends on opposite sides: the
    /// oracle for [`Orderer::unpass`].
    fn box_passes(g: &Layered, tree: &ClusterTree, ranks: &[Vec<usize>]) -> u64 {
        let inside = |v: usize, c: usize| {
            g.nodes[v]
                .cluster
                .is_some_and(|k| tree.path[k].contains(&c))
        };
        let mut total = 0;
        for r in 0..ranks.len().saturating_sub(1) {
            for c in 0..tree.parent.len() {
                let slots = |row: &[usize]| -> Vec<usize> {
                    (0..row.len()).filter(|&i| inside(row[i], c)).collect()
                };
                let (upper, lower) = (slots(&ranks[r]), slots(&ranks[r + 1]));
                let (Some(&ul), Some(&uh), Some(&ll), Some(&lh)) =
                    (upper.first(), upper.last(), lower.first(), lower.last())
                else {
                    continue;
                };
                for (a, &v) in ranks[r].iter().enumerate() {
                    for &w in &g.down[v] {
                        let b = ranks[r + 1].iter().position(|&x| x == w).unwrap_or(0);
                        if (a < ul && b > lh) || (a > uh && b < ll) {
                            total += 1;
                        }
                    }
                }
            }
        }
        total
    }

    /// Nodes in box 0, in box 1 (inside box 0) or outside both, as
    /// `boxes` says, joined by `edges`.
    fn in_nested_boxes(boxes: &[Option<usize>], edges: &[(usize, usize)]) -> LayoutInput {
        LayoutInput {
            clusters: vec![
                ClusterSpec::default(),
                ClusterSpec {
                    parent: Some(0),
                    ..ClusterSpec::default()
                },
            ],
            ..build::tests::input(boxes, edges)
        }
    }

    #[test]
    fn a_node_crosses_a_box_with_its_bend_points() {
        // Box A holds u, v, x and box B = {b1, b2}; u -> x, v -> x, b1 -> b2
        // and v -> y, y below A, so v -> y has a bend point d on x's rank,
        // in A. Rank 0: u B v; rank 1: x B d. v -> x passes B. v alone moved
        // left of B would make v -> d pass it, x moved right would make
        // u -> x pass it, and d's edge passes nothing: only v and d moved
        // together take the pass out (and v -> x's crossing of b1 -> b2).
        let (u, v, b1, b2, x, y) = (0, 1, 2, 3, 4, 5);
        let input = in_nested_boxes(
            &[Some(0), Some(0), Some(1), Some(1), Some(0), None],
            &[(u, x), (v, x), (b1, b2), (v, y)],
        );
        let tree = ClusterTree::new(&input.clusters).expect("nested boxes");
        let g = build(&input, &tree);
        let d = *g.down[v].iter().find(|&&w| w != x).expect("a bend point");
        assert_eq!((g.nodes[d].kind, g.cluster_of[d]), (Kind::Dummy, 0));
        assert_eq!(
            [u, v, b1, x, b2, d, y].map(|w| g.nodes[w].rank),
            [0, 0, 0, 1, 1, 1, 2]
        );
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![vec![u, b1, v], vec![x, b2, d], vec![y]]);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        assert_eq!(brute_force(&g, &o.ranks), 1);
        o.unpass();
        o.unpass_chains(u64::MAX);
        assert_eq!(o.ranks, [vec![u, b1, v], vec![x, b2, d], vec![y]]);
        o.unpass_with_bends();
        assert_eq!(o.ranks, [vec![u, v, b1], vec![x, d, b2], vec![y]]);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(brute_force(&g, &o.ranks), 0);
    }

    #[test]
    fn a_node_crosses_a_box_with_its_run_of_bend_points() {
        // As above, with box B a chain of four and v pulled up to A's top by
        // an edge from w above A, so v -> y runs beside B with two bend
        // points or more: moving v with the first alone would leave the next
        // segment passing B. Each rank: w, u and x, then B, then v and
        // v -> y's bend points.
        let (u, v, x, y, w) = (0, 1, 2, 3, 8);
        let bs = [4, 5, 6, 7];
        let boxes: Vec<Option<usize>> = (0..9)
            .map(|k| {
                if bs.contains(&k) {
                    Some(1)
                } else {
                    (k != y && k != w).then_some(0)
                }
            })
            .collect();
        let input = in_nested_boxes(
            &boxes,
            &[(w, v), (u, x), (v, x), (v, y), (4, 5), (5, 6), (6, 7)],
        );
        let tree = ClusterTree::new(&input.clusters).expect("nested boxes");
        let g = build(&input, &tree);
        let rank = |w: usize| g.nodes[w].rank;
        let mut run = Vec::new();
        let mut d = *g.down[v].iter().find(|&&w| w != x).expect("a bend point");
        while g.nodes[d].kind != Kind::Real {
            assert_eq!(g.cluster_of[d], 0, "bend points in box A");
            run.push(d);
            d = g.down[d][0];
        }
        let beside = run
            .iter()
            .filter(|&&d| bs.iter().any(|&b| rank(b) == rank(d)))
            .count();
        assert!(beside >= 2, "{run:?}");
        assert_eq!(rank(x), rank(v) + 1);
        let row = |r: usize, groups: &[&[usize]]| -> Vec<usize> {
            groups
                .iter()
                .flat_map(|gr| gr.iter().copied().filter(|&w| rank(w) == r))
                .collect()
        };
        let right: Vec<usize> = [v].into_iter().chain(run.iter().copied()).collect();
        let start: Vec<Vec<usize>> = (0..g.num_ranks)
            .map(|r| row(r, &[&[w, u, x], &bs, &right, &[y]]))
            .collect();
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        o.ranks = start.clone();
        for r in 0..g.num_ranks {
            o.set_positions(r);
        }
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        o.unpass();
        o.unpass_chains(u64::MAX);
        assert_eq!(o.ranks, start);
        o.unpass_with_bends();
        // v and the bend points beside B move left of it.
        let moved: Vec<Vec<usize>> = (0..g.num_ranks)
            .map(|r| row(r, &[&[w, u, x], &right, &bs, &[y]]))
            .collect();
        assert_eq!(o.ranks, moved);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(brute_force(&g, &o.ranks), 0);
    }

    /// Whether `unpass` takes node `a` out of the box its edge passes when
    /// that adds `cost` crossings: `g -> a` and `a -> d`, box `{b, c}` with
    /// `b -> c`, `e -> d`, and `cost + 1` nodes `h` above `b` and right of
    /// `g`, each `h -> b`. `a` (left of the box) moved right of `b` crosses
    /// every `h -> b` and no longer `b -> c`; `d` moved left of the box
    /// would make `e -> d` pass it instead.
    fn unpass_takes_a_pass_out_for(cost: usize) -> bool {
        let (g, a, b, c, d, e) = (0, 1, 2, 3, 4, 5);
        let h = 6..6 + cost + 1;
        let input = LayoutInput {
            nodes: (0..h.end)
                .map(|v| NodeSpec {
                    cluster: (v == b || v == c).then_some(0),
                    ..NodeSpec::new(10.0, 10.0)
                })
                .collect(),
            clusters: vec![ClusterSpec::default()],
            edges: [(g, a), (a, d), (b, c), (e, d)]
                .into_iter()
                .chain(h.clone().map(|x| (x, b)))
                .map(|(u, v)| EdgeSpec::new(u, v))
                .collect(),
            ..LayoutInput::default()
        };
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g_ = build(&input, &tree);
        assert_eq!(g_.nodes.len(), input.nodes.len(), "no bend points");
        let (mut pos, mut work) = (vec![0; g_.nodes.len()], 0);
        let mut o = orderer(&g_, &tree, &mut pos, &mut work);
        set_order(
            &mut o,
            vec![
                [g].into_iter().chain(h).collect(),
                vec![a, b, e],
                vec![c, d],
            ],
        );
        assert_eq!(box_passes(&g_, &tree, &o.ranks), 1);
        let before = brute_force(&g_, &o.ranks);
        o.unpass();
        let taken = box_passes(&g_, &tree, &o.ranks) == 0;
        if taken {
            assert_eq!(o.ranks[1], [b, a, e]);
            assert_eq!(brute_force(&g_, &o.ranks), before + cost as u64);
        }
        taken
    }

    #[test]
    fn a_pass_is_taken_out_for_fewer_crossings_than_its_weight() {
        // At the weight itself the move is a tie with staying, and the node
        // stays.
        let weight = PASS_WEIGHT as usize;
        assert!(unpass_takes_a_pass_out_for(0));
        assert!(unpass_takes_a_pass_out_for(weight - 1));
        assert!(!unpass_takes_a_pass_out_for(weight));
    }

    #[test]
    fn a_pass_down_a_nodes_run_of_bend_points_is_taken_out_by_moving_the_node_with_it() {
        // Box 0 holds 5 -> 6 -> 7 on ranks 1-3. 0 -> 1 -> 2 -> 3 runs down
        // its left; 4 (rank 1, held there by a double edge from 0) right of
        // it has a long edge to 3 whose bend point on rank 2 is right of
        // the box too, so that edge passes the box between ranks 2 and 3,
        // though no segment at 4 does. 3 cannot go right (2 -> 3 would
        // pass) nor the bend point left alone (4 -> it would): 4 goes left
        // with its bend point.
        let input = LayoutInput {
            clusters: vec![ClusterSpec::default()],
            edges: vec![
                EdgeSpec::new(0, 1),
                EdgeSpec::new(1, 2),
                EdgeSpec::new(2, 3),
                EdgeSpec::new(0, 4),
                EdgeSpec::new(0, 4),
                EdgeSpec::new(4, 3),
                EdgeSpec::hidden(0, 5),
                EdgeSpec::new(5, 6),
                EdgeSpec::new(6, 7),
            ],
            ..build::tests::input(
                &[None, None, None, None, None, Some(0), Some(0), Some(0)],
                &[],
            )
        };
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g = build(&input, &tree);
        let ranks: Vec<usize> = (0..8).map(|v| g.nodes[v].rank).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 1, 1, 2, 3]);
        let bend = (8..g.nodes.len())
            .find(|&v| g.nodes[v].kind == Kind::Dummy && g.nodes[v].rank == 2)
            .expect("the bend point of 4 -> 3");
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(
            &mut o,
            vec![vec![0], vec![1, 5, 4], vec![2, 6, bend], vec![3, 7]],
        );
        // 4 -> 3 also crosses 6 -> 7.
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        assert_eq!(brute_force(&g, &o.ranks), 1);
        // Neither a node nor bend points alone can take the pass out.
        o.unpass();
        o.unpass_chains(u64::MAX);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        o.unpass_with_bends();
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(brute_force(&g, &o.ranks), 0);
        assert!(
            o.pos[4] < o.pos[5] && o.pos[bend] < o.pos[6],
            "{:?}",
            o.ranks
        );
    }

    /// Box 0 holding 1 -> 2 -> 3 under 0, and 0 -> 4 -> 5 (edge 4) beside
    /// it: `rest` gives the boxes of nodes 4 on, `more` the edges after
    /// those.
    fn column_and_long_edge(rest: &[Option<usize>], more: &[(usize, usize)]) -> LayoutInput {
        let clusters: Vec<Option<usize>> = [None, Some(0), Some(0), Some(0)]
            .into_iter()
            .chain(rest.iter().copied())
            .collect();
        let edges: Vec<(usize, usize)> = [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5)]
            .into_iter()
            .chain(more.iter().copied())
            .collect();
        build::tests::input(&clusters, &edges)
    }

    /// The first bend point of edge `e`.
    fn first_bend(g: &Layered, e: usize) -> usize {
        let build::Route::Chain { nodes, .. } = &g.routes[e] else {
            panic!("edge {e} is a chain")
        };
        nodes[1]
    }

    #[test]
    fn a_pass_that_only_a_sibling_box_moving_takes_out_is_taken_out_by_moving_it() {
        // Box 0 holds 1 -> 2 -> 3 on ranks 1-3, box 1 holds 4 (rank 1),
        // box 2 holds 5 (rank 3; not linked to box 0, so beside it, held
        // there by 0 -> 6 -> 7 -> 5). 4 -> 5 bends on rank 2; with box 1
        // right of box 0 and the bend point left of it, the edge passes
        // box 0 between ranks 1 and 2. No node can leave its box, and the
        // bend point cannot move alone (it -> 5 would pass) nor with its
        // run (5 is a box's): box 1, a unit beside box 0, moves across it.
        let mut input =
            column_and_long_edge(&[Some(1), Some(2), None, None], &[(0, 6), (6, 7), (7, 5)]);
        input.clusters = vec![ClusterSpec::default(); 3];
        let tree = ClusterTree::new(&input.clusters).expect("three boxes");
        let g = build(&input, &tree);
        let ranks: Vec<usize> = (0..8).map(|v| g.nodes[v].rank).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 1, 3, 1, 2]);
        let bend = first_bend(&g, 4);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(
            &mut o,
            vec![vec![0], vec![6, 1, 4], vec![7, bend, 2], vec![5, 3]],
        );
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        o.unpass();
        o.unpass_chains(u64::MAX);
        o.unpass_with_bends();
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        o.unpass_regions();
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(o.ranks[1], [6, 4, 1], "{:?}", o.ranks);
        assert_eq!(brute_force(&g, &o.ranks), 0);
    }

    #[test]
    fn an_end_outside_the_passed_boxs_parent_moves_across_the_parent() {
        // Box 0 holds box 1 (1 -> 2 -> 3, ranks 0-2) and 4 -> 5 -> 6
        // beside it. 7 -> 8 outside; a non-constraint edge 8 -> 6 passes
        // box 1 with 8 left of box 0. 8 cannot move across box 1 alone
        // (it is not in box 0): it moves across box 0, with 7.
        let mut input = build::tests::input(
            &[
                None,
                Some(1),
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(0),
                None,
                None,
            ],
            &[(1, 2), (2, 3), (4, 5), (5, 6), (7, 8), (8, 6)],
        );
        input.clusters[1].parent = Some(0);
        input.edges[5].constraint = false;
        let tree = ClusterTree::new(&input.clusters).expect("two boxes");
        let g = build(&input, &tree);
        let ranks: Vec<usize> = (1..9).map(|v| g.nodes[v].rank).collect();
        assert_eq!(ranks, [0, 1, 2, 0, 1, 2, 0, 1]);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![vec![7, 1, 4], vec![8, 2, 5], vec![3, 6]]);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        o.unpass_regions();
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(o.ranks, [vec![1, 4, 7], vec![2, 5, 8], vec![3, 6]]);
    }

    /// Box 0 holds 2 -> 3 -> 4 on ranks 0-2; 0 -> 1 and 5 -> 6 beside it,
    /// and a non-constraint edge from 1 to 6, both on rank 1.
    fn flat_edge_and_a_box() -> LayoutInput {
        let mut input = build::tests::input(
            &[None, None, Some(0), Some(0), Some(0), None, None],
            &[(0, 1), (2, 3), (3, 4), (5, 6), (1, 6)],
        );
        input.clusters.truncate(1);
        input.edges[4].constraint = false;
        input
    }

    /// The boxes the edges along a rank cannot clear, each time.
    fn flat_passes(o: &Orderer<'_>, g: &Layered) -> usize {
        let spans = o.all_box_spans();
        let pairs = (0..g.nodes.len()).flat_map(|u| g.flat[u].iter().map(move |&w| (u, w)));
        pairs
            .filter(|&(u, w)| u < w)
            .map(|(u, w)| o.flat_passes(u, w, &spans) as usize)
            .sum()
    }

    #[test]
    fn an_edge_along_a_rank_keeps_its_ends_parts_together() {
        // 0 -> 1, the box and 5 -> 6 are three parts but for the edge
        // 1 - 6: ordered as one, the box is not put between 1 and 6.
        let input = flat_edge_and_a_box();
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g = build(&input, &tree);
        assert_eq!(g.flat[1], [6]);
        assert_eq!(components(&g, &tree).len(), 2);
        let ranks = order(&g, &tree);
        let at = |v: usize| ranks[1].iter().position(|&w| w == v).expect("on rank 1");
        let (a, b) = (at(1).min(at(6)), at(1).max(at(6)));
        assert!(!(a..b).contains(&at(3)), "{ranks:?}");
    }

    #[test]
    fn an_edge_along_a_rank_is_taken_out_of_a_box_between_its_ends() {
        // The box between 1 and 6, reaching the ranks above and below:
        // one end moves across it with the node above it.
        let input = flat_edge_and_a_box();
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g = build(&input, &tree);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![vec![0, 2, 5], vec![1, 3, 6], vec![4]]);
        assert_eq!(flat_passes(&o, &g), 1);
        o.unpass_regions();
        assert_eq!(flat_passes(&o, &g), 0);
        assert_eq!(o.ranks, [vec![2, 0, 5], vec![3, 1, 6], vec![4]]);
    }

    #[test]
    fn a_region_beside_a_box_moves_across_it_in_its_order() {
        // Box 0 holds 1 -> 2 -> 3 on ranks 1-3. 4 (rank 1, right of the
        // box) has a long edge to 5 (rank 3) whose bend point is left of
        // it; 5 and 6, left of it too, both have edges from 7 (rank 2),
        // and 7 one from 8 (rank 1). Everything left of the box on ranks
        // 1-3 that 5 reaches moves across it, each rank's nodes in the
        // order they had.
        let input = column_and_long_edge(&[None; 5], &[(0, 8), (8, 7), (7, 5), (7, 6)]);
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g = build(&input, &tree);
        let ranks: Vec<usize> = (0..9).map(|v| g.nodes[v].rank).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 1, 3, 3, 2, 1]);
        let bend = first_bend(&g, 4);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(
            &mut o,
            vec![vec![0], vec![8, 1, 4], vec![7, bend, 2], vec![5, 6, 3]],
        );
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        let mut spans = o.all_box_spans();
        assert!(o.region_move(5, 0, &mut spans, true).is_some());
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(
            o.ranks,
            [vec![0], vec![1, 8, 4], vec![2, 7, bend], vec![3, 5, 6]]
        );
    }

    #[test]
    fn each_component_moves_only_its_own_bend_points_out_of_boxes() {
        // Parts not linked to each other, with boxes and long edges (found by
        // the layout's random-graph test): moving bend points out of boxes
        // looked at every long edge, also those of parts ordered before,
        // whose places are in another part's ranks, and shifted nodes that
        // were not there (a slot past the end of a rank).
        let clusters = [
            None,
            None,
            None,
            Some(1),
            None,
            Some(0),
            None,
            Some(0),
            None,
            Some(1),
        ];
        let mut input = LayoutInput {
            clusters: vec![ClusterSpec::default(); 5],
            // (from, to, constraint), in the order found.
            edges: [
                (3, 7, false),
                (2, 6, false),
                (1, 8, true),
                (2, 8, true),
                (0, 0, false),
                (5, 7, true),
                (6, 2, false),
                (6, 0, true),
                (8, 6, true),
            ]
            .iter()
            .map(|&(a, b, constraint)| EdgeSpec {
                constraint,
                ..EdgeSpec::new(a, b)
            })
            .collect(),
            direction: Direction::LeftToRight,
            ..build::tests::input(&clusters, &[])
        };
        // Points, as found.
        for node in &mut input.nodes {
            (node.width, node.height) = (0.0, 0.0);
        }
        let tree = ClusterTree::new(&input.clusters).expect("five boxes");
        let g = build(&input, &tree);
        assert!(components(&g, &tree).len() > 1);
        let ranks = order(&g, &tree);
        let start = by_rank(&g);
        assert_valid(&g, &tree, &start, &ranks);
        assert_eq!(box_passes(&g, &tree, &ranks), 0);
    }

    #[test]
    fn an_edge_passing_through_a_box_is_moved_beside_it() {
        // 0 -> 3 outside box 0, 1 -> 2 inside it, on ranks 0 and 1: with 0
        // left of the box and 3 right of it the edge passes through the box
        // (and crosses 1 -> 2); rank 0 comes first, so 0 moves to the
        // box's right.
        let input = LayoutInput {
            nodes: [None, Some(0), Some(0), None]
                .iter()
                .map(|&cluster| NodeSpec {
                    cluster,
                    ..NodeSpec::new(10.0, 10.0)
                })
                .collect(),
            clusters: vec![ClusterSpec::default()],
            edges: vec![EdgeSpec::new(0, 3), EdgeSpec::new(1, 2)],
            ..LayoutInput::default()
        };
        let tree = ClusterTree::new(&input.clusters).expect("one box");
        let g = build(&input, &tree);
        let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
        let mut o = orderer(&g, &tree, &mut pos, &mut work);
        set_order(&mut o, vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 1);
        assert_eq!(brute_force(&g, &o.ranks), 1);
        o.unpass();
        assert_eq!(o.ranks, [vec![1, 0], vec![2, 3]]);
        assert_eq!(box_passes(&g, &tree, &o.ranks), 0);
        assert_eq!(brute_force(&g, &o.ranks), 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn moving_nodes_and_bend_points_out_of_boxes_trades_at_most_pass_weight_crossings_per_pass(
            input in arb_input()
        ) {
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let start = o.ranks.clone();
            let (c0, p0) = (brute_force(&g, &o.ranks), box_passes(&g, &tree, &o.ranks));
            // Passes never rise, and each pass taken out adds at most
            // PASS_WEIGHT crossings.
            let cost = |c: u64, p: u64| c as i64 + PASS_WEIGHT * p as i64;
            o.unpass();
            let (c1, p1) = (brute_force(&g, &o.ranks), box_passes(&g, &tree, &o.ranks));
            prop_assert!(cost(c1, p1) <= cost(c0, p0), "{} / {} -> {} / {}", c0, p0, c1, p1);
            prop_assert!(p1 <= p0, "passes {} -> {}", p0, p1);
            let (c0, p0) = (c1, p1);
            o.unpass_chains(u64::MAX);
            let (c1, p1) = (brute_force(&g, &o.ranks), box_passes(&g, &tree, &o.ranks));
            prop_assert!(cost(c1, p1) <= cost(c0, p0), "{} / {} -> {} / {}", c0, p0, c1, p1);
            prop_assert!(p1 <= p0, "passes {} -> {}", p0, p1);
            let (c0, p0) = (c1, p1);
            o.unpass_with_bends();
            let (c1, p1) = (brute_force(&g, &o.ranks), box_passes(&g, &tree, &o.ranks));
            prop_assert!(cost(c1, p1) <= cost(c0, p0), "{} / {} -> {} / {}", c0, p0, c1, p1);
            prop_assert!(p1 <= p0, "passes {} -> {}", p0, p1);
            assert_valid(&g, &tree, &start, &o.ranks);
            for row in &o.ranks {
                for (i, &v) in row.iter().enumerate() {
                    prop_assert_eq!(o.pos[v], i);
                }
            }
        }

        #[test]
        fn both_counts_of_passes_agree_with_the_oracle_on_any_order(
            input in arb_input_of(40),
            seed in any::<u64>(),
        ) {
            // `passes_at` (per node, indexed) and `passes_box` (per segment
            // and box) are two ways of counting the same passes: on any
            // order of the ranks, contiguous boxes or not, each agrees with
            // `box_passes`.
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let mut state = seed | 1;
            for r in 0..o.ranks.len() {
                for i in (1..o.ranks[r].len()).rev() {
                    state = xorshift(state);
                    o.ranks[r].swap(i, (state % (i as u64 + 1)) as usize);
                }
                o.set_positions(r);
            }
            let expected = box_passes(&g, &tree, &o.ranks);
            let spans = o.all_box_spans();
            let on_both = on_both(&spans);
            let mut beside = [Beside::default(), Beside::default()];
            // Each segment is counted at both of its ends.
            let per_node: u64 = (0..g.nodes.len())
                .map(|v| o.node_passes(v, &spans, &on_both, &mut beside))
                .sum();
            prop_assert_eq!(per_node, 2 * expected);
            let per_segment = o
                .segments(&(0..g.nodes.len()).collect::<Vec<_>>())
                .iter()
                .map(|&(x, y)| {
                    (0..tree.parent.len())
                        .filter(|&c| o.passes_box(x, y, c, &spans))
                        .count() as u64
                })
                .sum::<u64>();
            prop_assert_eq!(per_segment, expected);
        }

        #[test]
        fn a_node_moved_beside_a_box_of_its_own_box_shifts_the_spans_of_the_boxes_passed(
            input in arb_input()
        ) {
            // Every move unpass and unpass_chains can make: a node to the
            // gap before or after a box directly inside its own box.
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let none = (usize::MAX, 0);
            for r in 0..o.ranks.len() {
                let mut before = Vec::new();
                o.box_spans(r, &mut before);
                for at in 0..o.ranks[r].len() {
                    let own = g.nodes[o.ranks[r][at]].cluster;
                    let gaps: Vec<usize> = before
                        .iter()
                        .enumerate()
                        .filter(|&(c, &span)| span != none && tree.parent[c] == own)
                        .flat_map(|(_, &(a, b))| [a, b + 1])
                        .collect();
                    for gap in gaps {
                        let row = o.ranks[r].clone();
                        o.move_node(r, at, gap);
                        let mut after = Vec::new();
                        o.box_spans(r, &mut after);
                        let mut moved = before.clone();
                        moved_spans(&mut moved, at, gap);
                        prop_assert_eq!(&moved, &after);
                        o.ranks[r] = row;
                        o.set_positions(r);
                    }
                }
            }
        }
    }
}
