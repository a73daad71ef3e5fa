//! Global sifting in components with boxes.
//!
//! Each box (and the root) is one level: its entries are its own real
//! nodes, the runs of long edges' bend points that belong to it (a bend
//! point belongs to the box `build` assigned it on its rank), and its child
//! boxes as whole blocks. An entry spans a run of ranks; the entries of one
//! level get one global order that every rank's order inside the box
//! follows, and each entry in turn moves to the place in that order where
//! its edges cross the fewest others (Bachmaier, Brandenburg, Brunner and
//! Hübner, 2010, applied level by level). So every box stays contiguous on
//! every rank, no bend point enters a box it does not belong to, and a run of
//! bend points keeps its side of every sibling box on all the ranks they
//! share. Levels are sifted top down: first the root's boxes as blocks, then
//! what is inside each box.

use super::super::build::{Kind, Route};
use super::{DRAWN_WEIGHT, GLOBAL_ROUNDS, Orderer, SEARCH_QUIT, WORK_BUDGET};

/// Cap on the work of the search in components with boxes (global sifting
/// rounds and the iterated search together), as a multiple of the work
/// spent on the component before it ...
const BOX_SEARCH_SHARE: u64 = 2;
/// ... and in elementary steps.
const BOX_SEARCH_WORK: u64 = 2_000_000;

/// Largest component (real nodes) searched: on larger ones the search is cut
/// off by its cap within its first round, and there it lowered the order's
/// crossings by 0.2-1% while the drawn ones rose (random+clusters/500 by 10,
/// short-edge+clusters/200 by 22).
pub(super) const BOX_SEARCH_NODES: usize = 100;

/// What an entry of one level stands for, before it has an index.
#[derive(Clone, Copy)]
enum Key {
    Node(usize),
    Run(usize),
    Child(usize),
}

/// Weight of a line between two entries passing a box between them, against
/// one crossing of two lines: high enough that global sifting never trades
/// a needless box crossing for crossings.
const BOX_PENALTY: i64 = 64;

/// One entry of a level: its nodes on each rank from `first` on, in their
/// order there, and its lines to other entries of the level.
struct Entry {
    first: usize,
    rows: Vec<Vec<usize>>,
    /// Whether the entry is a box.
    boxed: bool,
    /// Lines from this entry's nodes to another entry's on the next or the
    /// previous rank: (other entry, upper rank).
    links: Vec<(usize, usize)>,
}

impl Entry {
    fn last(&self) -> usize {
        self.first + self.rows.len() - 1
    }

    /// Whether a line between ranks `r` and `r + 1` that passes this entry
    /// crosses it: it is a box present on both.
    fn blocks(&self, r: usize) -> bool {
        self.boxed && !self.row(r).is_empty() && !self.row(r + 1).is_empty()
    }

    fn row(&self, r: usize) -> &[usize] {
        if r < self.first {
            return &[];
        }
        self.rows.get(r - self.first).map_or(&[], Vec::as_slice)
    }
}

impl Orderer<'_> {
    /// Global sifting and an iterated local search for a component with
    /// boxes, from the best order: rounds of level-by-level global sifting,
    /// transposition and sifting while they remove crossings, then tries from
    /// the best order shaken a little (as in the search of components
    /// without boxes). Capped at twice the work spent on the component
    /// before it and at [`BOX_SEARCH_WORK`]; only on components of at most
    /// [`BOX_SEARCH_NODES`] real nodes.
    pub(super) fn search_boxes(
        &mut self,
        comp: &[usize],
        work_before: u64,
        best: &mut Vec<Vec<usize>>,
        best_cross: &mut u64,
    ) {
        let real = comp
            .iter()
            .filter(|&&v| self.g.nodes[v].kind == Kind::Real)
            .count();
        if *best_cross == 0 || real > BOX_SEARCH_NODES || *self.work > WORK_BUDGET {
            return;
        }
        // Where only hidden edges cross, nothing seen can get better.
        self.weights = self.search_weights;
        self.restore(best);
        if self.drawn_crossings() == 0 {
            self.weights = None;
            return;
        }
        *best_cross = self.crossings();
        let start = *self.work;
        let budget = ((start - work_before) * BOX_SEARCH_SHARE).min(BOX_SEARCH_WORK);
        let limit = start + budget;
        let runs = self.runs(comp);
        for _ in 0..GLOBAL_ROUNDS {
            self.restore(best);
            let c = self.local_search_boxes(comp, &runs, limit);
            if c >= *best_cross {
                break;
            }
            *best_cross = c;
            best.clone_from(&self.ranks);
        }
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut stale = 0;
        while *best_cross > 0 && stale < SEARCH_QUIT && *self.work <= limit {
            stale += 1;
            self.restore(best);
            self.perturb(&mut rng);
            let c = self.local_search_boxes(comp, &runs, limit);
            if c < *best_cross {
                stale = 0;
                *best_cross = c;
                best.clone_from(&self.ranks);
            }
        }
        self.weights = None;
    }

    /// Crossings between two drawn edges (all crossings when no edge is
    /// hidden).
    fn drawn_crossings(&mut self) -> u64 {
        let Some(wt) = self.weights else {
            return self.crossings();
        };
        self.crossings_weighted_by(wt, |x| u64::from(x == DRAWN_WEIGHT))
    }

    /// Level-by-level global sifting, transposition, sifting and
    /// transposition; returns the crossings after them.
    fn local_search_boxes(&mut self, comp: &[usize], runs: &[usize], limit: u64) -> u64 {
        self.global_sift_boxes(comp, runs, limit);
        self.transpose(false);
        self.sift();
        self.transpose(false);
        self.crossings()
    }

    /// The run of bend points each node belongs to (`usize::MAX` for real
    /// nodes and fillers): a run is the part of one long edge's chain that
    /// lies in one box.
    fn runs(&self, comp: &[usize]) -> Vec<usize> {
        let g = self.g;
        let mut run = vec![usize::MAX; g.nodes.len()];
        let mut next = 0;
        for route in &g.routes {
            let Route::Chain { nodes, .. } = route else {
                continue;
            };
            if nodes.len() <= 2 || comp.binary_search(&nodes[0]).is_err() {
                continue;
            }
            let inner = &nodes[1..nodes.len() - 1];
            for (i, &v) in inner.iter().enumerate() {
                if g.nodes[v].kind == Kind::Real {
                    continue;
                }
                let joins = i > 0 && {
                    let u = inner[i - 1];
                    g.nodes[u].kind != Kind::Real
                        && g.nodes[u].cluster == g.nodes[v].cluster
                        && g.nodes[u].rank + 1 == g.nodes[v].rank
                };
                if !joins {
                    next += 1;
                }
                run[v] = next - 1;
            }
        }
        run
    }

    /// One round of global sifting on every level of the component, the
    /// root first, then each box in pre-order; stops starting new entries
    /// once the work passes `limit`.
    fn global_sift_boxes(&mut self, comp: &[usize], runs: &[usize], limit: u64) {
        let tree = self.tree;
        let mut levels: Vec<Option<usize>> = vec![None];
        let mut present = vec![false; tree.parent.len()];
        for &v in comp {
            if let Some(c) = self.g.nodes[v].cluster {
                present[c] = true;
            }
        }
        // A box is present when a member or a box inside it is.
        for &c in tree.preorder.iter().rev() {
            if present[c]
                && let Some(p) = tree.parent[c]
            {
                present[p] = true;
            }
        }
        levels.extend(
            tree.preorder
                .iter()
                .filter(|&&c| present[c])
                .map(|&c| Some(c)),
        );
        for level in levels {
            if *self.work > limit || *self.work > WORK_BUDGET {
                return;
            }
            self.sift_level(comp, runs, level, limit);
        }
    }

    /// The entry key of node `v` on the level of box `level`, if `v` is
    /// inside it.
    fn key_in(&self, v: usize, runs: &[usize], level: Option<usize>) -> Option<Key> {
        let tree = self.tree;
        let c = self.g.nodes[v].cluster;
        let d = tree.depth(level);
        if let Some(l) = level {
            let c = c?;
            if tree.path[c].len() < d || tree.path[c][d - 1] != l {
                return None;
            }
        }
        Some(match c {
            Some(c) if tree.path[c].len() > d => Key::Child(tree.ancestor_at(c, d + 1)),
            _ if runs[v] != usize::MAX => Key::Run(runs[v]),
            _ => Key::Node(v),
        })
    }

    /// Global sifting of the entries of one level.
    fn sift_level(&mut self, comp: &[usize], runs: &[usize], level: Option<usize>, limit: u64) {
        let g = self.g;
        let mut members: Vec<(usize, usize, Key)> = comp
            .iter()
            .filter_map(|&v| {
                self.key_in(v, runs, level)
                    .map(|k| (g.nodes[v].rank, self.pos[v], k))
            })
            .collect();
        *self.work += members.len() as u64 * 4;
        members.sort_unstable_by_key(|&(r, p, _)| (r, p));
        // Entry indices by key, assigned in order of first appearance.
        let mut index: std::collections::HashMap<(u8, usize), usize> =
            std::collections::HashMap::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut entry_of = Vec::with_capacity(members.len());
        for &(r, p, key) in &members {
            let id = match key {
                Key::Node(v) => (0, v),
                Key::Run(x) => (1, x),
                Key::Child(c) => (2, c),
            };
            let e = *index.entry(id).or_insert_with(|| {
                entries.push(Entry {
                    first: r,
                    rows: Vec::new(),
                    boxed: matches!(key, Key::Child(_)),
                    links: Vec::new(),
                });
                entries.len() - 1
            });
            let entry = &mut entries[e];
            let i = r - entry.first;
            if entry.rows.len() <= i {
                entry.rows.resize_with(i + 1, Vec::new);
            }
            entry.rows[i].push(self.ranks[r][p]);
            entry_of.push(e);
        }
        let nb = entries.len();
        if nb < 2 {
            return;
        }
        // Lines between entries, each kept at both ends.
        let mut entry_at = vec![usize::MAX; 0];
        entry_at.resize(self.pos.len(), usize::MAX);
        for (i, &(r, p, _)) in members.iter().enumerate() {
            entry_at[self.ranks[r][p]] = entry_of[i];
        }
        for (i, &(r, p, _)) in members.iter().enumerate() {
            let v = self.ranks[r][p];
            let e = entry_of[i];
            for &w in &g.down[v] {
                let f = entry_at[w];
                if f != usize::MAX && f != e {
                    entries[e].links.push((f, r));
                    entries[f].links.push((e, r));
                }
            }
        }
        *self.work += members.len() as u64;
        // One global order following the ranks' orders where they agree, as
        // in `global_sift`: "left of" on some rank, the leftmost first.
        let mut key_sum = vec![0.0f64; nb];
        let mut key_cnt = vec![0usize; nb];
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); nb];
        let mut indeg = vec![0usize; nb];
        for (i, &(r, p, _)) in members.iter().enumerate() {
            let e = entry_of[i];
            key_sum[e] += (p as f64 + 0.5) / self.ranks[r].len().max(1) as f64;
            key_cnt[e] += 1;
            if i > 0 && members[i - 1].0 == r && entry_of[i - 1] != e {
                succ[entry_of[i - 1]].push(e);
                indeg[e] += 1;
            }
        }
        let key: Vec<u64> = (0..nb)
            .map(|e| (key_sum[e] / key_cnt[e].max(1) as f64 * 1e12) as u64)
            .collect();
        let mut pi = super::keyed_topological_order(&key, indeg, &succ);
        // Lay each rank's part of the level out in that order.
        let mut start: Vec<Option<usize>> = vec![None; self.ranks.len()];
        for &(r, p, _) in &members {
            start[r].get_or_insert(p);
        }
        let mut fill: Vec<usize> = start.iter().map(|s| s.unwrap_or(0)).collect();
        for &e in &pi {
            let entry = &entries[e];
            for (i, row) in entry.rows.iter().enumerate() {
                let r = entry.first + i;
                for &v in row {
                    self.ranks[r][fill[r]] = v;
                    self.pos[v] = fill[r];
                    fill[r] += 1;
                }
            }
        }
        let mut at = vec![0usize; nb];
        for (i, &b) in pi.iter().enumerate() {
            at[b] = i;
        }
        for b in pi.clone() {
            if *self.work > limit || *self.work > WORK_BUDGET {
                return;
            }
            let first_slot = at[b];
            let (mut best_i, mut best_d, mut d) = (first_slot, 0i64, 0i64);
            let mut p = first_slot;
            while p > 0 {
                d += self.swap_entries(&entries, &mut pi, &mut at, p - 1);
                p -= 1;
                if d < best_d {
                    (best_i, best_d) = (p, d);
                }
            }
            while p + 1 < nb {
                d += self.swap_entries(&entries, &mut pi, &mut at, p);
                p += 1;
                if d < best_d {
                    (best_i, best_d) = (p, d);
                }
            }
            while p > best_i {
                self.swap_entries(&entries, &mut pi, &mut at, p - 1);
                p -= 1;
            }
        }
    }

    /// Swaps the entries at `i` and `i + 1` of a level's global order on
    /// every rank they share; returns the change in crossings, plus
    /// [`BOX_PENALTY`] for each line between two entries that starts to pass
    /// a box between them (less for each that stops). Ranks are
    /// taken top down, each counted against the rank above as already
    /// swapped and the rank below as not yet, so edges between the two
    /// entries on adjacent ranks are counted once in all.
    fn swap_entries(
        &mut self,
        entries: &[Entry],
        pi: &mut [usize],
        at: &mut [usize],
        i: usize,
    ) -> i64 {
        let (a, b) = (pi[i], pi[i + 1]);
        let (ea, eb) = (&entries[a], &entries[b]);
        // Lines of `a` to entries beyond `b` stop passing `b`, those to
        // entries before `a` start to; likewise for `b`'s lines and `a`.
        let mut boxes = 0i64;
        if eb.boxed {
            for &(x, r) in &ea.links {
                if x != b && eb.blocks(r) {
                    boxes += if at[x] > i + 1 { -1 } else { 1 };
                }
            }
        }
        if ea.boxed {
            for &(x, r) in &eb.links {
                if x != a && ea.blocks(r) {
                    boxes += if at[x] < i { -1 } else { 1 };
                }
            }
        }
        *self.work += (ea.links.len() + eb.links.len()) as u64;
        pi.swap(i, i + 1);
        at[a] = i + 1;
        at[b] = i;
        *self.work += 4;
        let lo = ea.first.max(eb.first);
        let hi = ea.last().min(eb.last());
        let mut d = 0i64;
        for r in lo..=hi {
            let (x, y) = (ea.row(r), eb.row(r));
            if x.is_empty() || y.is_empty() {
                continue;
            }
            for &u in x {
                for &v in y {
                    let (c0, c1) = self.pair_crossings_both(u, v);
                    d += c1 as i64 - c0 as i64;
                }
            }
            let s = self.pos[x[0]];
            let len = x.len() + y.len();
            self.ranks[r][s..s + len].rotate_left(x.len());
            for j in s..s + len {
                self.pos[self.ranks[r][j]] = j;
            }
        }
        d + boxes * BOX_PENALTY
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{arb_input, assert_valid, brute_force, orderer};
    use super::super::{DRAWN_WEIGHT, Orderer, Weights};
    use super::Route;
    use crate::layout::build::build;
    use crate::layout::tree::ClusterTree;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn weighted_crossings_match_pair_by_pair_and_never_grow(
            input in arb_input(),
            hide in proptest::collection::vec(any::<bool>(), 64),
        ) {
            let mut input = input;
            for (e, h) in input.edges.iter_mut().zip(&hide) {
                e.hidden = *h;
            }
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let w: Vec<u64> = g.hidden.iter().map(|&h| if h { 1 } else { DRAWN_WEIGHT }).collect();
            let weights = Weights::new(&g, &w);
            // Every segment between adjacent ranks with its edge's weight.
            let mut segs: Vec<(usize, usize, u64)> = Vec::new();
            for (e, route) in g.routes.iter().enumerate() {
                if let Route::Chain { nodes, .. } = route {
                    segs.extend(nodes.windows(2).map(|s| (s[0], s[1], w[e])));
                }
            }
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            o.weights = Some(&weights);
            let oracle = |o: &Orderer<'_>| -> u64 {
                let mut total = 0;
                for (i, &(a, b, x)) in segs.iter().enumerate() {
                    for &(c, d, y) in &segs[i + 1..] {
                        let same_rank = g.nodes[a].rank == g.nodes[c].rank;
                        let (pa, pb, pc, pd) = (o.pos[a], o.pos[b], o.pos[c], o.pos[d]);
                        if same_rank && ((pa < pc && pb > pd) || (pa > pc && pb < pd)) {
                            total += x * y;
                        }
                    }
                }
                total
            };
            let c0 = oracle(&o);
            prop_assert_eq!(o.crossings(), c0);
            o.transpose(false);
            o.sift();
            let c1 = oracle(&o);
            prop_assert!(c1 <= c0, "transpose and sift: {} -> {}", c0, c1);
            prop_assert_eq!(o.crossings(), c1);
        }

        #[test]
        fn global_sifting_in_boxes_keeps_boxes_whole_and_sides_kept(input in arb_input()) {
            let tree = ClusterTree::new(&input.clusters).expect("a forest");
            let g = build(&input, &tree);
            let all: Vec<usize> = (0..g.nodes.len()).collect();
            let (mut pos, mut work) = (vec![0; g.nodes.len()], 0);
            let mut o = orderer(&g, &tree, &mut pos, &mut work);
            let start = o.ranks.clone();
            let runs = o.runs(&all);
            o.global_sift_boxes(&all, &runs, u64::MAX);
            assert_valid(&g, &tree, &start, &o.ranks);
            for row in &o.ranks {
                for (i, &v) in row.iter().enumerate() {
                    prop_assert_eq!(o.pos[v], i);
                }
            }
            prop_assert_eq!(o.crossings(), brute_force(&g, &o.ranks));
            // Every run of bend points and every box keeps its side of every
            // sibling box on all the ranks they share.
            let parent = |v: usize| g.nodes[v].cluster;
            // A box or a run: the box it lies in, its (rank, slot)s.
            type Unit = (Option<usize>, Vec<(usize, usize)>);
            let mut units: Vec<Unit> = Vec::new();
            for c in 0..tree.parent.len() {
                let at: Vec<(usize, usize)> = (0..g.nodes.len())
                    .filter(|&v| g.nodes[v].cluster.is_some_and(|k| tree.path[k].contains(&c)))
                    .map(|v| (g.nodes[v].rank, o.pos[v]))
                    .collect();
                units.push((tree.parent[c], at));
            }
            let boxes = units.len();
            let mut run_unit = std::collections::BTreeMap::new();
            for (v, &run) in runs.iter().enumerate() {
                if run != usize::MAX {
                    let u = *run_unit.entry(run).or_insert_with(|| {
                        units.push((parent(v), Vec::new()));
                        units.len() - 1
                    });
                    units[u].1.push((g.nodes[v].rank, o.pos[v]));
                }
            }
            for a in 0..boxes {
                for b in 0..units.len() {
                    if a == b || units[a].0 != units[b].0 {
                        continue;
                    }
                    let mut sides = std::collections::BTreeSet::new();
                    for &(r, p) in &units[b].1 {
                        let here: Vec<usize> = units[a].1.iter().filter(|x| x.0 == r).map(|x| x.1).collect();
                        if let Some(&q) = here.first() {
                            sides.insert(q < p);
                        }
                    }
                    prop_assert!(sides.len() <= 1, "box {} and unit {} swap sides", a, b);
                }
            }
        }
    }
}
