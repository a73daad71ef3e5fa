//! Network simplex for "integer ranks with minimum edge lengths, minimise
//! total weighted edge length" (Gansner, Koutsofios, North and Vo, 1993),
//! used both for ranking and, on an auxiliary graph, for x-coordinates.
//!
//! The implementation follows Graphviz's `ns.c`: cut values are updated only
//! along the tree path the entering edge closes, ranks only in the subtree
//! that moves, and the post-order numbering only below the lowest common
//! ancestor, where the subtrees off the changed paths are only shifted. The initial feasible tree is grown with two heaps of crossing
//! edges and a lazy rank offset for the tree, in O(E log E). All work is
//! counted and capped: when the budget runs out, the current feasible
//! solution is returned, so time stays bounded whatever the input.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An edge: `rank[head] >= rank[tail] + minlen`, costing
/// `weight * (rank[head] - rank[tail])`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NsEdge {
    pub tail: usize,
    pub head: usize,
    pub minlen: i64,
    pub weight: i64,
}

/// What to do with ties once optimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Balance {
    None,
    /// Centre subtrees that are free to move between their neighbours
    /// (Graphviz's `LR_balance`, for x-coordinates).
    Centre,
}

const NONE: usize = usize::MAX;
/// `low` of a node whose numbering must be redone.
const INVALID: usize = usize::MAX;

/// Solves the problem for `n` nodes, which must be connected and acyclic.
/// Returns `None` if the constraints have a cycle (or there are more nodes
/// than `u32` numbers: no drawing comes near that).
pub(crate) fn solve(n: usize, edges: &[NsEdge], balance: Balance, budget: u64) -> Option<Vec<i64>> {
    solve_from(n, edges, None, balance, budget)
}

/// [`solve`], starting from the ranks `start` where they meet every
/// constraint, instead of the longest-path ranks: a start near the optimum
/// needs fewer pivots, which matters where the budget stops them.
pub(crate) fn solve_from(
    n: usize,
    edges: &[NsEdge],
    start: Option<&[i64]>,
    balance: Balance,
    budget: u64,
) -> Option<Vec<i64>> {
    solve_searching(n, edges, start, balance, budget, false)
}

fn solve_searching(
    n: usize,
    edges: &[NsEdge],
    start: Option<&[i64]>,
    balance: Balance,
    budget: u64,
    subtrees_only: bool,
) -> Option<Vec<i64>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if u32::try_from(n).is_err() {
        return None;
    }
    let mut s = Simplex::new(n, edges);
    s.subtrees_only = subtrees_only;
    if !s.init_rank() {
        return None;
    }
    if let Some(start) = start.filter(|r| r.len() == n && feasible(edges, r)) {
        s.rank.copy_from_slice(start);
    }
    s.feasible_tree();
    s.init_cutvalues();
    while s.work < budget {
        let Some(e) = s.leave_edge() else {
            break;
        };
        let Some(f) = s.enter_edge(e) else {
            break;
        };
        s.update(e, f);
    }
    if balance == Balance::Centre {
        s.centre(budget.saturating_mul(2));
    }
    Some(s.rank)
}

/// Whether `rank` meets every constraint.
fn feasible(edges: &[NsEdge], rank: &[i64]) -> bool {
    edges.iter().all(|e| {
        rank[e.head]
            .checked_sub(rank[e.tail])
            .is_some_and(|d| d >= e.minlen)
    })
}

/// Ranks that meet every constraint, near `hint`: in topological order,
/// each variable takes its hint, or the least rank its constraints allow
/// where that is more; then each variable without a hint and without
/// edges in takes the greatest rank its edges out allow (so a variable
/// that only pulls others together sits as high as it can). `None` on a
/// cycle.
pub(crate) fn feasible_near(n: usize, edges: &[NsEdge], hint: &[Option<i64>]) -> Option<Vec<i64>> {
    if hint.len() != n {
        return None;
    }
    let adj = Adjacency::new(n, edges);
    let mut rank: Vec<Option<i64>> = hint.to_vec();
    let order = adj.topological_order();
    if order.len() != n {
        return None;
    }
    for &v in &order {
        let Some(r) = rank[v] else { continue };
        for &Arc { edge, other: head } in adj.out(v) {
            let least = r.saturating_add(edges[edge].minlen);
            rank[head] = Some(rank[head].map_or(least, |h| h.max(least)));
        }
    }
    // Heads first: every edge out of an unranked variable leads to one
    // ranked by now.
    for &v in order.iter().rev() {
        if rank[v].is_none() {
            let most = adj
                .out(v)
                .iter()
                .filter_map(|&Arc { edge, other }| {
                    Some(rank[other]?.saturating_sub(edges[edge].minlen))
                })
                .min();
            rank[v] = Some(most.unwrap_or(0));
        }
    }
    Some(rank.into_iter().map(|r| r.unwrap_or(0)).collect())
}

/// Every node's edges in one array (compressed sparse rows), each with the
/// node at its other end (so searches along them need not read the edge):
/// first the edges the node is the tail of, then those it is the head of,
/// each group in edge order.
struct Adjacency {
    /// Where each node's edges start, where its edges in (those it is the
    /// head of) start, and where they end, side by side: a search reads
    /// all three.
    bounds: Vec<(usize, usize, usize)>,
    list: Vec<Arc>,
}

impl Adjacency {
    fn new(n: usize, edges: &[NsEdge]) -> Self {
        let mut start = vec![0usize; n + 1];
        for e in edges {
            start[e.tail + 1] += 1;
            start[e.head + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut fill = start[..n].to_vec();
        let mut list = vec![Arc::default(); start[n]];
        for (i, e) in edges.iter().enumerate() {
            list[fill[e.tail]] = Arc {
                edge: i,
                other: e.head,
            };
            fill[e.tail] += 1;
        }
        let bounds = (0..n).map(|v| (start[v], fill[v], start[v + 1])).collect();
        for (i, e) in edges.iter().enumerate() {
            list[fill[e.head]] = Arc {
                edge: i,
                other: e.tail,
            };
            fill[e.head] += 1;
        }
        Adjacency { bounds, list }
    }

    /// The node's edges out, then in: where they start, where the edges in
    /// start, and where they end in `list`.
    fn bounds(&self, v: usize) -> (usize, usize, usize) {
        self.bounds[v]
    }

    fn out(&self, v: usize) -> &[Arc] {
        let (from, split, _) = self.bounds[v];
        &self.list[from..split]
    }

    fn inc(&self, v: usize) -> &[Arc] {
        let (_, split, to) = self.bounds[v];
        &self.list[split..to]
    }

    /// The nodes, each after the tails of its edges in (Kahn's order);
    /// shorter than the node count when the edges have a cycle.
    fn topological_order(&self) -> Vec<usize> {
        let n = self.bounds.len();
        let mut indeg: Vec<usize> = (0..n).map(|v| self.inc(v).len()).collect();
        let mut order: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
        let mut i = 0;
        while i < order.len() {
            for &Arc { other: head, .. } in self.out(order[i]) {
                indeg[head] -= 1;
                if indeg[head] == 0 {
                    order.push(head);
                }
            }
            i += 1;
        }
        order
    }
}

/// A tree edge seen from one of its ends: the edge and the node at its
/// other end (so walks along the tree need not read the edge).
#[derive(Debug, Clone, Copy, Default)]
struct Arc {
    edge: usize,
    other: usize,
}

/// Where a node's tree edges sit in [`Simplex::arcs`]: from `start`, `len`
/// of them, the `out` it is the tail of first, each group in the order the
/// edges joined the tree. The slots reserved are the node's degree (its
/// tree edges are among its edges), so they never overflow.
#[derive(Debug, Clone, Copy, Default)]
struct Arcs {
    start: usize,
    len: usize,
    out: usize,
}

/// A node's place in the spanning tree: the tree edge to its parent
/// (`NONE` at the root) and its subtree's range of post-order numbers,
/// `low..=lim` (`lim` its own).
#[derive(Debug, Clone, Copy)]
struct Num {
    par: usize,
    low: usize,
    lim: usize,
}

struct Simplex<'a> {
    n: usize,
    edges: &'a [NsEdge],
    adj: Adjacency,
    /// Reused stack of the numbering's tree walk.
    scratch_pairs: Vec<(usize, usize, usize, usize)>,
    rank: Vec<i64>,
    /// Every node's tree edges, in one array (see [`Arcs`]).
    arcs: Vec<Arc>,
    arcs_of: Vec<Arcs>,
    /// Position of each edge in `tree`, or `NONE`.
    tree_index: Vec<usize>,
    tree: Vec<usize>,
    /// Each node's tree parent edge and post-order numbers, side by side:
    /// the searches read them together.
    num: Vec<Num>,
    /// The node of each post-order number (`lim`): a subtree's nodes are a
    /// run of it, so a subtree moved whole is found without walking it.
    /// Node numbers fit in `u32` ([`solve`] checks): runs of it are copied
    /// after every exchange, half the bytes of `usize`.
    node_at: Vec<u32>,
    /// The nodes [`Simplex::dfs_range`] numbers or moves, in runs, and
    /// each run's first new number and length (reused).
    renumbered: Vec<u32>,
    runs: Vec<(usize, usize)>,
    cut: Vec<i64>,
    /// Which slots of `tree` hold an edge of negative cut value, 64 to a
    /// word, so that [`Simplex::leave_edge`] skips the others a word at a
    /// time.
    negative: Vec<u64>,
    search_start: usize,
    work: u64,
    /// How many nodes the tree numbers (`n` when it spans them all).
    numbered: usize,
    /// Search the subtree below a leaving edge even where the rest is
    /// smaller (the tests compare the two).
    subtrees_only: bool,
}

impl<'a> Simplex<'a> {
    fn new(n: usize, edges: &'a [NsEdge]) -> Self {
        let adj = Adjacency::new(n, edges);
        let arcs_of = (0..n)
            .map(|v| Arcs {
                start: adj.bounds[v].0,
                len: 0,
                out: 0,
            })
            .collect();
        Simplex {
            n,
            edges,
            adj,
            scratch_pairs: Vec::new(),
            rank: vec![0; n],
            arcs: vec![Arc::default(); 2 * edges.len()],
            arcs_of,
            tree_index: vec![NONE; edges.len()],
            tree: Vec::with_capacity(n.saturating_sub(1)),
            num: vec![
                Num {
                    par: NONE,
                    low: 0,
                    lim: 0,
                };
                n
            ],
            node_at: vec![0; n + 1],
            renumbered: Vec::new(),
            runs: Vec::new(),
            cut: vec![0; edges.len()],
            negative: vec![0; n.div_ceil(64)],
            search_start: 0,
            work: 0,
            numbered: 0,
            subtrees_only: false,
        }
    }

    fn slack(&self, e: usize) -> i64 {
        let e = &self.edges[e];
        self.rank[e.head] - self.rank[e.tail] - e.minlen
    }

    fn in_tree(&self, e: usize) -> bool {
        self.tree_index[e] != NONE
    }

    /// Longest-path ranks from the sources; false if there is a cycle.
    fn init_rank(&mut self) -> bool {
        let order = self.adj.topological_order();
        for &v in &order {
            for &Arc { edge: e, .. } in self.adj.out(v) {
                let NsEdge { head, minlen, .. } = self.edges[e];
                self.rank[head] = self.rank[head].max(self.rank[v] + minlen);
            }
        }
        self.work += (self.n + self.edges.len()) as u64;
        order.len() == self.n
    }

    fn add_tree_edge(&mut self, e: usize) {
        self.tree_index[e] = self.tree.len();
        self.tree.push(e);
        self.attach(e);
    }

    /// Adds tree edge `e` to the tree edges of its ends, after the others
    /// of its group at each.
    fn attach(&mut self, e: usize) {
        let NsEdge { tail, head, .. } = self.edges[e];
        // At the tail, after its other outgoing tree edges.
        let at = self.arcs_of[tail];
        let first_in = at.start + at.out;
        self.arcs
            .copy_within(first_in..at.start + at.len, first_in + 1);
        self.arcs[first_in] = Arc {
            edge: e,
            other: head,
        };
        self.arcs_of[tail].len += 1;
        self.arcs_of[tail].out += 1;
        // At the head, last.
        let at = self.arcs_of[head];
        self.arcs[at.start + at.len] = Arc {
            edge: e,
            other: tail,
        };
        self.arcs_of[head].len += 1;
    }

    /// Removes tree edge `e` from the tree edges of its ends.
    fn detach(&mut self, e: usize) {
        let NsEdge { tail, head, .. } = self.edges[e];
        for v in [tail, head] {
            let at = self.arcs_of[v];
            let list = &self.arcs[at.start..at.start + at.len];
            if let Some(i) = list.iter().position(|a| a.edge == e) {
                self.arcs
                    .copy_within(at.start + i + 1..at.start + at.len, at.start + i);
                self.arcs_of[v].len -= 1;
                if i < at.out {
                    self.arcs_of[v].out -= 1;
                }
            }
        }
    }

    /// Grows a spanning tree of tight edges. While stuck, the whole tree
    /// shifts by the least slack of an edge leaving it, which makes that edge
    /// tight; a lazy offset makes the shift O(1).
    fn feasible_tree(&mut self) {
        let n = self.n;
        let mut in_t = vec![false; n];
        // Tree nodes' ranks are `base + offset`.
        let mut base = vec![0i64; n];
        let mut offset = 0i64;
        // Edges leaving the tree from their tail: slack = key - offset;
        // entering it at their head: slack = key + offset.
        let mut out_heap: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut in_heap: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut count = 0;
        let mut next_start = 0;
        while count < n {
            if stack.is_empty() {
                // Pick the least-slack crossing edge, or start a new tree on
                // a disconnected input (callers avoid this).
                let mut joined = None;
                loop {
                    let top_out = out_heap.peek().map(|Reverse((k, e))| (k - offset, *e));
                    let top_in = in_heap.peek().map(|Reverse((k, e))| (k + offset, *e));
                    let (slack, e, outward) = match (top_out, top_in) {
                        (None, None) => break,
                        (Some((s, e)), None) => (s, e, true),
                        (None, Some((s, e))) => (s, e, false),
                        (Some((so, eo)), Some((si, ei))) => {
                            if (so, eo) <= (si, ei) {
                                (so, eo, true)
                            } else {
                                (si, ei, false)
                            }
                        }
                    };
                    if outward {
                        out_heap.pop();
                    } else {
                        in_heap.pop();
                    }
                    self.work += 1;
                    let NsEdge { tail, head, .. } = self.edges[e];
                    if in_t[tail] && in_t[head] {
                        continue;
                    }
                    offset += if outward { slack } else { -slack };
                    self.add_tree_edge(e);
                    joined = Some(if outward { head } else { tail });
                    break;
                }
                let v = match joined {
                    Some(v) => v,
                    None => {
                        while in_t[next_start] {
                            next_start += 1;
                        }
                        next_start
                    }
                };
                in_t[v] = true;
                base[v] = self.rank[v] - offset;
                count += 1;
                stack.push(v);
            }
            while let Some(v) = stack.pop() {
                let rv = base[v] + offset;
                let (from, split, to) = self.adj.bounds(v);
                for k in from..to {
                    let (e, outward) = (self.adj.list[k].edge, k < split);
                    self.work += 1;
                    let NsEdge {
                        tail, head, minlen, ..
                    } = self.edges[e];
                    let w = if outward { head } else { tail };
                    if in_t[w] {
                        continue;
                    }
                    let slack = if outward {
                        self.rank[head] - rv - minlen
                    } else {
                        rv - self.rank[tail] - minlen
                    };
                    if slack == 0 {
                        in_t[w] = true;
                        base[w] = self.rank[w] - offset;
                        count += 1;
                        self.add_tree_edge(e);
                        stack.push(w);
                    } else if outward {
                        out_heap.push(Reverse((slack + offset, e)));
                    } else {
                        in_heap.push(Reverse((slack - offset, e)));
                    }
                }
            }
        }
        for (r, b) in self.rank.iter_mut().zip(&base) {
            *r = b + offset;
        }
    }

    /// Post-order numbers of the subtree of `root` (entered through tree
    /// edge `par_edge`), starting at `low`; returns the next free number.
    /// A subtree whose parent edge is unchanged and whose root is not on an
    /// invalidated path (so nothing below it changed) keeps its numbers
    /// (Graphviz's incremental `dfs_range`), moved by as much as its first
    /// number moved (its nodes are read off `node_at`, not walked): after an
    /// exchange only the invalidated paths are walked child by child. The work counted for a moved subtree is that of
    /// numbering it afresh, so every budget stops where it did before the
    /// moves.
    fn dfs_range(&mut self, root: usize, par_edge: usize, low: usize) -> usize {
        if self.num[root].par == par_edge && self.num[root].low == low {
            return self.num[root].lim + 1;
        }
        let mut next = low;
        let mut work = 0;
        // The nodes numbered or moved, in runs of consecutive new numbers.
        let mut moved = std::mem::take(&mut self.renumbered);
        let mut runs = std::mem::take(&mut self.runs);
        moved.clear();
        runs.clear();
        // (node, next and end slot of its tree edges in `arcs`, its parent
        // edge)
        let mut stack = std::mem::take(&mut self.scratch_pairs);
        stack.clear();
        let at = self.arcs_of[root];
        stack.push((root, at.start, at.start + at.len, par_edge));
        self.num[root].par = par_edge;
        self.num[root].low = low;
        while let Some(top) = stack.last_mut() {
            let (v, mut k, end, par_v) = *top;
            // The next child to number, if any is left.
            let mut child = None;
            while k < end {
                let Arc { edge: e, other: w } = self.arcs[k];
                k += 1;
                if e == par_v {
                    continue;
                }
                work += 1;
                if self.num[w].par == e && self.num[w].low != INVALID {
                    // Nothing below `w` changed (a change invalidates the
                    // path above it): its numbers only move, counted as the
                    // renumbering they replace.
                    let (from, to) = (self.num[w].low, self.num[w].lim);
                    let d = next.wrapping_sub(from);
                    if d != 0 {
                        work += (to - from) as u64;
                        let run = &self.node_at[from..=to];
                        for &u in run {
                            let u = u as usize;
                            self.num[u].low = self.num[u].low.wrapping_add(d);
                            self.num[u].lim = self.num[u].lim.wrapping_add(d);
                        }
                        runs.push((next, run.len()));
                        moved.extend_from_slice(run);
                    }
                    next = self.num[w].lim + 1;
                    continue;
                }
                child = Some((w, e));
                break;
            }
            top.1 = k;
            if let Some((w, e)) = child {
                self.num[w].par = e;
                self.num[w].low = next;
                let at = self.arcs_of[w];
                stack.push((w, at.start, at.start + at.len, e));
            } else {
                self.num[v].lim = next;
                match runs.last_mut() {
                    Some((first, len)) if *first + *len == next => *len += 1,
                    _ => runs.push((next, 1)),
                }
                moved.push(v as u32);
                next += 1;
                stack.pop();
            }
        }
        self.work += work;
        self.scratch_pairs = stack;
        // Only now: the moved runs above were read from the old numbers.
        let mut at = 0;
        for &(first, len) in &runs {
            self.node_at[first..first + len].copy_from_slice(&moved[at..at + len]);
            at += len;
        }
        self.renumbered = moved;
        self.runs = runs;
        next
    }

    /// Marks the tree path from `to` up to `lca` for renumbering.
    fn invalidate_path(&mut self, lca: usize, mut to: usize) {
        loop {
            if self.num[to].low == INVALID {
                break;
            }
            self.num[to].low = INVALID;
            let e = self.num[to].par;
            if e == NONE || self.num[to].lim >= self.num[lca].lim {
                break;
            }
            self.work += 1;
            let NsEdge { tail, head, .. } = self.edges[e];
            to = if self.num[tail].lim > self.num[head].lim {
                tail
            } else {
                head
            };
        }
    }

    fn init_cutvalues(&mut self) {
        for x in &mut self.num {
            x.low = INVALID;
        }
        let end = self.dfs_range(0, NONE, 1);
        self.numbered = end - 1;
        // Post-order, children's cut values first: the numbered nodes by
        // number, as `node_at` lists them (the others have no parent edge).
        for lim in 1..end {
            let v = self.node_at[lim] as usize;
            let f = self.num[v].par;
            if f != NONE {
                self.x_cutval(f);
            }
        }
    }

    fn seq(&self, low: usize, x: usize, lim: usize) -> bool {
        low <= x && x <= lim
    }

    /// Cut value of tree edge `f` from those of the tree edges below it.
    fn x_cutval(&mut self, f: usize) {
        let NsEdge { tail, head, .. } = self.edges[f];
        let (v, dir) = if self.num[tail].par == f {
            (tail, 1)
        } else {
            (head, -1)
        };
        let mut sum = 0;
        let (from, _, to) = self.adj.bounds(v);
        for k in from..to {
            sum += self.x_val(self.adj.list[k].edge, v, dir);
        }
        self.work += (to - from) as u64;
        self.set_cut(f, sum);
    }

    fn x_val(&self, e: usize, v: usize, dir: i32) -> i64 {
        let NsEdge {
            tail, head, weight, ..
        } = self.edges[e];
        let other = if tail == v { head } else { tail };
        let outside = !self.seq(self.num[v].low, self.num[other].lim, self.num[v].lim);
        let mut rv = if outside {
            weight
        } else {
            let c = if self.in_tree(e) { self.cut[e] } else { 0 };
            c - weight
        };
        let mut d = if dir > 0 {
            if head == v { 1 } else { -1 }
        } else if tail == v {
            1
        } else {
            -1
        };
        if outside {
            d = -d;
        }
        if d < 0 {
            rv = -rv;
        }
        rv
    }

    /// Sets the cut value of tree edge `e`, keeping `negative` in step.
    fn set_cut(&mut self, e: usize, c: i64) {
        self.cut[e] = c;
        let slot = self.tree_index[e];
        let bit = 1u64 << (slot % 64);
        if c < 0 {
            self.negative[slot / 64] |= bit;
        } else {
            self.negative[slot / 64] &= !bit;
        }
    }

    /// A tree edge of negative cut value: the most negative among the next
    /// few found, searching round the tree edge list (dot's `searchsize`).
    /// The work counted is the slots passed, as if each were read.
    fn leave_edge(&mut self) -> Option<usize> {
        const SEARCH: usize = 30;
        let m = self.tree.len();
        let mut best: Option<usize> = None;
        let mut found = 0;
        // Round the list from `search_start`: slot i is step k.
        let from = self.search_start.min(m);
        for (lo, hi) in [(from, m), (0, from)] {
            let mut i = lo;
            while i < hi {
                let word = self.negative[i / 64] >> (i % 64);
                if word == 0 {
                    i = (i / 64 + 1) * 64;
                    continue;
                }
                i += word.trailing_zeros() as usize;
                if i >= hi {
                    break;
                }
                let f = self.tree[i];
                if best.is_none_or(|b| self.cut[f] < self.cut[b]) {
                    best = Some(f);
                }
                found += 1;
                if found >= SEARCH {
                    self.search_start = i;
                    self.work += (if i >= from { i - from } else { m - from + i }) as u64;
                    return best;
                }
                i += 1;
            }
        }
        self.work += m as u64;
        self.search_start = 0;
        best
    }

    /// The non-tree edge of least slack that reconnects the two parts the
    /// tree falls into without `e` (in `e`'s direction), the first found
    /// where several tie. The smaller part is searched: the subtree below
    /// `e`, the nodes numbered `low..=lim` of its root, or the rest, the
    /// nodes numbered outside that range; either is read off `node_at`.
    fn enter_edge(&mut self, e: usize) -> Option<usize> {
        let NsEdge { tail, head, .. } = self.edges[e];
        // `v` is the lower end: the root of the subtree below `e`. Entering
        // edges leave the subtree from their tail when `e` enters it.
        let (v, out_of_subtree) = if self.num[tail].lim < self.num[head].lim {
            (tail, false)
        } else {
            (head, true)
        };
        let (low, lim) = (self.num[v].low, self.num[v].lim);
        let below = lim + 1 - low;
        let rest = self.numbered - below;
        // The part searched, whether it is the subtree, and whether the
        // edges across leave it from their tail.
        let (ranges, in_subtree, out) =
            if below <= rest || self.numbered != self.n || self.subtrees_only {
                ([(low, lim + 1), (0, 0)], true, out_of_subtree)
            } else {
                (
                    [(1, low), (lim + 1, self.numbered + 1)],
                    false,
                    !out_of_subtree,
                )
            };
        let nums = &self.num[..];
        let mut best: Option<(i64, usize)> = None;
        // Added once at the end: the budget is checked between pivots.
        let mut work = 0;
        'search: for (from, to) in ranges {
            for &u in &self.node_at[from..to] {
                let (start, split, end) = self.adj.bounds(u as usize);
                work += (end - start) as u64;
                let cands = if out {
                    &self.adj.list[start..split]
                } else {
                    &self.adj.list[split..end]
                };
                for &Arc { edge: f, other } in cands {
                    // An edge across is one with its other end in the other
                    // part; the one tree edge across is `e`.
                    let across = self.seq(low, nums[other].lim, lim) != in_subtree;
                    if across && f != e {
                        let s = self.slack(f);
                        if best.is_none_or(|(b, _)| s < b) {
                            best = Some((s, f));
                            if s == 0 {
                                break 'search;
                            }
                        }
                    }
                }
            }
        }
        self.work += work;
        best.map(|(_, f)| f)
    }

    /// Subtracts `delta` from the ranks of the subtree hanging from `v`:
    /// the nodes numbered `low..=lim` of `v`, read off `node_at`.
    fn rerank(&mut self, v: usize, delta: i64) {
        let Num { low, lim, .. } = self.num[v];
        for &u in &self.node_at[low..=lim] {
            self.rank[u as usize] -= delta;
        }
        self.work += (lim + 1 - low) as u64;
    }

    /// Walks up from `v` to the subtree containing `w`, adding `cutvalue` to
    /// the cut values on the way; returns that subtree's root.
    fn treeupdate(&mut self, mut v: usize, w: usize, cutvalue: i64, dir: bool) -> usize {
        while !self.seq(self.num[v].low, self.num[w].lim, self.num[v].lim) {
            let e = self.num[v].par;
            if e == NONE {
                break;
            }
            self.work += 1;
            let NsEdge { tail, head, .. } = self.edges[e];
            let d = if v == tail { dir } else { !dir };
            let c = if d {
                self.cut[e] + cutvalue
            } else {
                self.cut[e] - cutvalue
            };
            self.set_cut(e, c);
            v = if self.num[tail].lim > self.num[head].lim {
                tail
            } else {
                head
            };
        }
        v
    }

    fn update(&mut self, e: usize, f: usize) {
        let delta = self.slack(f);
        let NsEdge { tail, head, .. } = self.edges[e];
        if delta > 0 {
            let tail_size = self.arcs_of[tail].len;
            let head_size = self.arcs_of[head].len;
            if tail_size == 1 {
                self.rerank(tail, delta);
            } else if head_size == 1 {
                self.rerank(head, -delta);
            } else if self.num[tail].lim < self.num[head].lim {
                self.rerank(tail, delta);
            } else {
                self.rerank(head, -delta);
            }
        }
        let cutvalue = self.cut[e];
        let NsEdge {
            tail: ft, head: fh, ..
        } = self.edges[f];
        let lca = self.treeupdate(ft, fh, cutvalue, true);
        self.treeupdate(fh, ft, cutvalue, false);
        let lca_low = self.num[lca].low;
        self.invalidate_path(lca, fh);
        self.invalidate_path(lca, ft);
        self.cut[e] = 0;
        // Exchange: `f` takes `e`'s slot in the tree edge list.
        let slot = self.tree_index[e];
        self.tree_index[e] = NONE;
        self.tree[slot] = f;
        self.tree_index[f] = slot;
        self.set_cut(f, -cutvalue);
        self.detach(e);
        self.attach(f);
        let par = self.num[lca].par;
        self.dfs_range(lca, par, lca_low);
    }

    /// Moves each subtree with a zero cut value halfway into the slack of
    /// the edge that could replace its tree edge, centring it.
    fn centre(&mut self, budget: u64) {
        for i in 0..self.tree.len() {
            if self.work >= budget {
                break;
            }
            let e = self.tree[i];
            if self.cut[e] != 0 {
                continue;
            }
            let Some(f) = self.enter_edge(e) else {
                continue;
            };
            let delta = self.slack(f);
            if delta <= 1 {
                continue;
            }
            let NsEdge { tail, head, .. } = self.edges[e];
            if self.num[tail].lim < self.num[head].lim {
                self.rerank(tail, delta / 2);
            } else {
                self.rerank(head, -delta / 2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(tail: usize, head: usize, minlen: i64, weight: i64) -> NsEdge {
        NsEdge {
            tail,
            head,
            minlen,
            weight,
        }
    }

    fn cost(edges: &[NsEdge], r: &[i64]) -> i64 {
        edges
            .iter()
            .map(|x| x.weight * (r[x.head] - r[x.tail]))
            .sum()
    }

    #[test]
    fn optimal_on_small_graphs() {
        // Diamond with a long side: the optimum keeps every edge tight but one.
        let edges = [
            e(0, 1, 1, 1),
            e(1, 2, 1, 1),
            e(2, 3, 1, 1),
            e(0, 3, 1, 1),
            e(4, 3, 1, 1),
        ];
        let r = solve(5, &edges, Balance::None, u64::MAX).expect("acyclic");
        for x in &edges {
            assert!(r[x.head] - r[x.tail] >= x.minlen);
        }
        assert_eq!(cost(&edges, &r), 7);
        assert!(solve(2, &[e(0, 1, 1, 1), e(1, 0, 1, 1)], Balance::None, u64::MAX).is_none());
    }

    /// A xorshift generator: `next(m)` is below `m`.
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        }
    }

    /// A random connected acyclic instance on `n` nodes: a spanning tree
    /// of edges from lower to higher nodes (so it is connected), then up to
    /// `extra` more, minimum lengths below `len` and weights below `weight`.
    fn instance(
        next: &mut impl FnMut(u64) -> u64,
        n: usize,
        extra: u64,
        len: u64,
        weight: u64,
    ) -> Vec<NsEdge> {
        let mut edges = Vec::new();
        for v in 1..n {
            let u = next(v as u64) as usize;
            edges.push(e(u, v, next(len) as i64, next(weight) as i64));
        }
        for _ in 0..next(extra) {
            let a = next(n as u64) as usize;
            let b = next(n as u64) as usize;
            if a < b {
                edges.push(e(a, b, next(len) as i64, next(weight) as i64));
            }
        }
        edges
    }

    #[test]
    fn matches_brute_force() {
        // Tiny random instances against exhaustive search over small ranks.
        let mut next = numbers(12345);
        for _ in 0..200 {
            let n = 2 + next(3) as usize;
            let edges = instance(&mut next, n, 4, 3, 4);
            let r = solve(n, &edges, Balance::None, u64::MAX).expect("acyclic");
            for x in &edges {
                assert!(r[x.head] - r[x.tail] >= x.minlen);
            }
            let mut best = i64::MAX;
            let span = 13i64;
            let total = (span as usize).pow(n as u32 - 1);
            for code in 0..total {
                let mut rr = vec![0i64; n];
                let mut c = code;
                for slot in rr.iter_mut().skip(1) {
                    *slot = (c % span as usize) as i64 - 6;
                    c /= span as usize;
                }
                if edges.iter().all(|x| rr[x.head] - rr[x.tail] >= x.minlen) {
                    best = best.min(cost(&edges, &rr));
                }
            }
            assert_eq!(cost(&edges, &r), best, "{edges:?}");
            // From any start made feasible, the same optimum.
            let hint: Vec<Option<i64>> = (0..n)
                .map(|_| (next(3) > 0).then(|| next(9) as i64 - 4))
                .collect();
            let start = feasible_near(n, &edges, &hint).expect("acyclic");
            assert!(feasible(&edges, &start), "{edges:?} {hint:?} {start:?}");
            let r = solve_from(n, &edges, Some(&start), Balance::None, u64::MAX).expect("acyclic");
            assert!(feasible(&edges, &r));
            assert_eq!(cost(&edges, &r), best, "{edges:?} from {start:?}");
        }
    }

    #[test]
    fn searching_the_smaller_part_reaches_the_same_optimum() {
        // Larger random instances than brute force can take: searching the
        // smaller part of the tree for an entering edge, and searching the
        // subtree below the leaving edge always, must both end optimal, so
        // at the same cost (searching the rest in the wrong direction fails
        // this).
        let mut next = numbers(987);
        for _ in 0..100 {
            let n = 10 + next(50) as usize;
            let edges = instance(&mut next, n, 3 * n as u64, 4, 5);
            for balance in [Balance::None, Balance::Centre] {
                let fast = solve(n, &edges, balance, u64::MAX).expect("acyclic");
                let slow =
                    solve_searching(n, &edges, None, balance, u64::MAX, true).expect("acyclic");
                assert!(feasible(&edges, &fast) && feasible(&edges, &slow));
                assert_eq!(cost(&edges, &fast), cost(&edges, &slow), "{edges:?}");
            }
        }
    }

    #[test]
    fn feasible_near_keeps_what_it_can_and_raises_the_rest() {
        // 0 -> 1 -> 2 at least 2 apart each; 3 pulls 1 and 2 from below.
        let edges = [e(0, 1, 2, 0), e(1, 2, 2, 0), e(3, 1, 0, 1), e(3, 2, 0, 1)];
        let start = feasible_near(4, &edges, &[Some(0), Some(5), Some(3), None]).expect("acyclic");
        // 1 keeps its hint, 2 is raised to 7, and 3 sits as high as both allow.
        assert_eq!(start, vec![0, 5, 7, 5]);
        assert!(feasible_near(2, &[e(0, 1, 1, 1), e(1, 0, 1, 1)], &[None, None]).is_none());
        // An infeasible start is not used: the optimum is still found.
        let r =
            solve_from(4, &edges, Some(&[0, 0, 0, 0]), Balance::None, u64::MAX).expect("acyclic");
        assert!(feasible(&edges, &r));
        assert_eq!(cost(&edges, &r), 2);
    }
}
