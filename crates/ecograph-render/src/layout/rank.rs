//! Layer assignment by network simplex (Gansner, Koutsofios, North and Vo,
//! "A Technique for Drawing Directed Graphs", 1993): minimise the weighted
//! total edge length subject to `rank[head] >= rank[tail] + minlen`.
//!
//! Each exchange recomputes the tree numbering and cut values in O(V + E),
//! and the number of exchanges is capped, so the running time is polynomial
//! even on inputs where pivoting would stall; any tree reached is feasible.

use std::collections::BTreeMap;

/// An edge of the ranking problem.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankEdge {
    pub tail: usize,
    pub head: usize,
    pub minlen: i32,
    pub weight: i64,
}

/// Ranks of `n` nodes; `edges` must be acyclic. Every weakly connected
/// component starts at rank 0.
pub(crate) fn rank(n: usize, edges: &[RankEdge]) -> Vec<i32> {
    if n == 0 {
        return Vec::new();
    }
    // Parallel edges become one (summed weight, largest minlen): the simplex
    // below identifies tree edges by their endpoints.
    let mut merged: BTreeMap<(usize, usize), (i32, i64)> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.tail != e.head) {
        let slot = merged.entry((e.tail, e.head)).or_insert((e.minlen, 0));
        slot.0 = slot.0.max(e.minlen);
        slot.1 += e.weight;
    }
    let mut es: Vec<RankEdge> = merged
        .into_iter()
        .map(|((tail, head), (minlen, weight))| RankEdge {
            tail,
            head,
            minlen,
            weight,
        })
        .collect();
    let comp = components(n, &es);
    // A virtual root joined to every component with weight-0 edges makes the
    // graph connected without changing the objective.
    let root = n;
    let mut reps: Vec<usize> = Vec::new();
    let mut seen = vec![false; n];
    for v in 0..n {
        if !seen[comp[v]] {
            seen[comp[v]] = true;
            reps.push(v);
        }
    }
    for &r in &reps {
        es.push(RankEdge {
            tail: root,
            head: r,
            minlen: 0,
            weight: 0,
        });
    }
    let mut ns = Simplex::new(n + 1, es, root);
    ns.solve();
    let mut ranks = ns.rank;
    ranks.truncate(n);
    let mut min = vec![i32::MAX; n];
    for v in 0..n {
        min[comp[v]] = min[comp[v]].min(ranks[v]);
    }
    for v in 0..n {
        ranks[v] -= min[comp[v]];
    }
    ranks
}

fn components(n: usize, edges: &[RankEdge]) -> Vec<usize> {
    let mut uf: Vec<usize> = (0..n).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        while uf[x] != x {
            uf[x] = uf[uf[x]];
            x = uf[x];
        }
        x
    }
    for e in edges {
        let (a, b) = (find(&mut uf, e.tail), find(&mut uf, e.head));
        if a != b {
            uf[a.max(b)] = a.min(b);
        }
    }
    (0..n).map(|v| find(&mut uf, v)).collect()
}

struct Simplex {
    n: usize,
    edges: Vec<RankEdge>,
    /// Incident edges of each node.
    adj: Vec<Vec<usize>>,
    rank: Vec<i32>,
    root: usize,
    in_tree: Vec<bool>,
    tree_adj: Vec<Vec<usize>>,
    parent_edge: Vec<usize>,
    low: Vec<usize>,
    lim: Vec<usize>,
    cut: Vec<i64>,
    search_start: usize,
}

const NONE: usize = usize::MAX;

impl Simplex {
    fn new(n: usize, edges: Vec<RankEdge>, root: usize) -> Self {
        let mut adj = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            adj[e.tail].push(i);
            adj[e.head].push(i);
        }
        let m = edges.len();
        Simplex {
            n,
            edges,
            adj,
            rank: vec![0; n],
            root,
            in_tree: vec![false; m],
            tree_adj: vec![Vec::new(); n],
            parent_edge: vec![NONE; n],
            low: vec![0; n],
            lim: vec![0; n],
            cut: vec![0; m],
            search_start: 0,
        }
    }

    fn slack(&self, e: usize) -> i32 {
        let e = &self.edges[e];
        self.rank[e.head] - self.rank[e.tail] - e.minlen
    }

    fn other(&self, e: usize, v: usize) -> usize {
        let e = &self.edges[e];
        if e.tail == v { e.head } else { e.tail }
    }

    fn solve(&mut self) {
        self.init_rank();
        self.feasible_tree();
        self.init_tree_values();
        let size = self.n + self.edges.len();
        // Enough exchanges to converge on every graph we have measured, and
        // a hard bound of about 5e7 elementary steps whatever the input.
        let max_iter = (5 * size).min(50_000_000 / size.max(1)).max(100);
        for _ in 0..max_iter {
            let Some(leave) = self.leave_edge() else {
                break;
            };
            let Some(enter) = self.enter_edge(leave) else {
                break;
            };
            self.exchange(leave, enter);
        }
    }

    /// Longest-path ranks from the sources: a feasible start.
    fn init_rank(&mut self) {
        let mut indeg = vec![0usize; self.n];
        for e in &self.edges {
            indeg[e.head] += 1;
        }
        let mut queue: Vec<usize> = (0..self.n).filter(|&v| indeg[v] == 0).collect();
        let mut i = 0;
        while i < queue.len() {
            let v = queue[i];
            i += 1;
            for k in 0..self.adj[v].len() {
                let e = self.adj[v][k];
                let edge = self.edges[e];
                if edge.tail == v {
                    let w = edge.head;
                    self.rank[w] = self.rank[w].max(self.rank[v] + edge.minlen);
                    indeg[w] -= 1;
                    if indeg[w] == 0 {
                        queue.push(w);
                    }
                }
            }
        }
    }

    /// Grows a spanning tree of tight edges, shifting the partial tree by the
    /// smallest slack whenever it gets stuck.
    fn feasible_tree(&mut self) {
        let mut in_t = vec![false; self.n];
        in_t[self.root] = true;
        let mut size = 1;
        let mut stack = Vec::new();
        loop {
            stack.extend((0..self.n).filter(|&v| in_t[v]));
            while let Some(v) = stack.pop() {
                for k in 0..self.adj[v].len() {
                    let e = self.adj[v][k];
                    let w = self.other(e, v);
                    if !in_t[w] && self.slack(e) == 0 {
                        in_t[w] = true;
                        self.add_tree_edge(e);
                        size += 1;
                        stack.push(w);
                    }
                }
            }
            if size == self.n {
                return;
            }
            let mut best: Option<(i32, usize)> = None;
            for e in 0..self.edges.len() {
                let edge = &self.edges[e];
                if in_t[edge.tail] != in_t[edge.head] {
                    let s = self.slack(e);
                    if best.is_none_or(|(b, _)| s < b) {
                        best = Some((s, e));
                    }
                }
            }
            let Some((s, e)) = best else {
                // Disconnected: cannot happen with the virtual root.
                return;
            };
            let delta = if in_t[self.edges[e].tail] { s } else { -s };
            for (r, _) in self.rank.iter_mut().zip(&in_t).filter(|(_, t)| **t) {
                *r += delta;
            }
        }
    }

    fn add_tree_edge(&mut self, e: usize) {
        self.in_tree[e] = true;
        let RankEdge { tail, head, .. } = self.edges[e];
        self.tree_adj[tail].push(e);
        self.tree_adj[head].push(e);
    }

    fn remove_tree_edge(&mut self, e: usize) {
        self.in_tree[e] = false;
        let RankEdge { tail, head, .. } = self.edges[e];
        self.tree_adj[tail].retain(|&x| x != e);
        self.tree_adj[head].retain(|&x| x != e);
    }

    /// Post-order numbering (`low`, `lim`), parent edges, and cut values.
    fn init_tree_values(&mut self) {
        let mut order = Vec::with_capacity(self.n); // post-order
        let mut stack: Vec<(usize, usize)> = vec![(self.root, 0)];
        self.parent_edge[self.root] = NONE;
        let mut next = 1;
        let mut low_stack: Vec<usize> = vec![next];
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < self.tree_adj[v].len() {
                let e = self.tree_adj[v][*k];
                *k += 1;
                if e == self.parent_edge[v] {
                    continue;
                }
                let w = self.other(e, v);
                self.parent_edge[w] = e;
                stack.push((w, 0));
                low_stack.push(next);
            } else {
                stack.pop();
                self.low[v] = low_stack.pop().unwrap_or(next);
                self.lim[v] = next;
                next += 1;
                order.push(v);
            }
        }
        for &v in &order {
            if v != self.root {
                let pe = self.parent_edge[v];
                self.cut[pe] = self.cut_value(v);
            }
        }
    }

    /// Cut value of the tree edge between `child` and its parent, from the
    /// cut values of the child's own child edges (as in dagre).
    fn cut_value(&self, child: usize) -> i64 {
        let pe = self.parent_edge[child];
        let child_is_tail = self.edges[pe].tail == child;
        let mut cut = self.edges[pe].weight;
        for &e in &self.adj[child] {
            if e == pe {
                continue;
            }
            let is_out = self.edges[e].tail == child;
            let points_to_head = is_out == child_is_tail;
            let w = self.edges[e].weight;
            cut += if points_to_head { w } else { -w };
            if self.in_tree[e] {
                let oc = self.cut[e];
                cut += if points_to_head { -oc } else { oc };
            }
        }
        cut
    }

    /// A tree edge with negative cut value: the most negative among the
    /// first few found, searching cyclically (like dot's `searchsize`).
    fn leave_edge(&mut self) -> Option<usize> {
        const SEARCH: usize = 30;
        let m = self.edges.len();
        let mut best: Option<usize> = None;
        let mut found = 0;
        for k in 0..m {
            let e = (self.search_start + k) % m;
            if self.in_tree[e] && self.cut[e] < 0 {
                if best.is_none_or(|b| self.cut[e] < self.cut[b]) {
                    best = Some(e);
                }
                found += 1;
                if found >= SEARCH {
                    self.search_start = e;
                    return best;
                }
            }
        }
        if let Some(b) = best {
            self.search_start = b;
        }
        best
    }

    fn is_descendant(&self, v: usize, of: usize) -> bool {
        self.low[of] <= self.lim[v] && self.lim[v] <= self.lim[of]
    }

    /// The non-tree edge of least slack that reconnects the two halves of the
    /// tree once `leave` is removed, pointing the other way across the cut.
    fn enter_edge(&self, leave: usize) -> Option<usize> {
        let RankEdge { tail, head, .. } = self.edges[leave];
        // The half below `leave` is the subtree of whichever endpoint is the
        // child; `flip` says whether that is the head.
        let (sub, flip) = if self.lim[tail] > self.lim[head] {
            (head, true)
        } else {
            (tail, false)
        };
        let mut best: Option<(i32, usize)> = None;
        for (f, edge) in self.edges.iter().enumerate() {
            if self.in_tree[f] {
                continue;
            }
            if flip == self.is_descendant(edge.tail, sub)
                && flip != self.is_descendant(edge.head, sub)
            {
                let s = self.slack(f);
                if best.is_none_or(|(b, _)| s < b) {
                    best = Some((s, f));
                }
            }
        }
        best.map(|(_, f)| f)
    }

    fn exchange(&mut self, leave: usize, enter: usize) {
        self.remove_tree_edge(leave);
        self.add_tree_edge(enter);
        self.init_tree_values();
        // Ranks follow from the tree: every tree edge is tight.
        let mut stack = vec![self.root];
        while let Some(v) = stack.pop() {
            for k in 0..self.tree_adj[v].len() {
                let e = self.tree_adj[v][k];
                if e == self.parent_edge[v] {
                    continue;
                }
                let edge = self.edges[e];
                let w = self.other(e, v);
                self.rank[w] = if edge.tail == v {
                    self.rank[v] + edge.minlen
                } else {
                    self.rank[v] - edge.minlen
                };
                stack.push(w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(tail: usize, head: usize) -> RankEdge {
        RankEdge {
            tail,
            head,
            minlen: 1,
            weight: 1,
        }
    }

    #[test]
    fn ranks_are_feasible_and_tight() {
        // a->b->c->d and a->d: optimal total length keeps the chain tight.
        let edges = [e(0, 1), e(1, 2), e(2, 3), e(0, 3), e(4, 3)];
        let r = rank(5, &edges);
        for x in &edges {
            assert!(r[x.head] >= r[x.tail] + x.minlen);
        }
        assert_eq!(r[..4], [0, 1, 2, 3]);
        // Node 4 sits right above its only successor.
        assert_eq!(r[4], 2);
    }

    #[test]
    fn components_start_at_zero() {
        let r = rank(4, &[e(0, 1), e(2, 3)]);
        assert_eq!(r, vec![0, 1, 0, 1]);
    }
}
