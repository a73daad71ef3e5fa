//! The analysis: breadth-first search over (element, mode) states on the CSR snapshot,
//! once with the certain rules only and once with every rule.
//!
//! A state is an element together with the change kind it passes impact on with:
//! `modified` (state `2 * node`) or `removed` (state `2 * node + 1`). Changed elements
//! start at distance 0; `added` and `delayed` elements and changed relations are expanded
//! once at level 0 without a state of their own.
//!
//! The search keeps the states in the order it reaches them, each with the hop it was
//! first reached by (the queue position of the state it leaves, and the half-edge);
//! distances come from where each level starts, and witness paths are written out only
//! when asked for. The inner loop reads 4 bytes a half-edge (target and code), looks the
//! rule up in a bitmask and tests a visited bitset that stays in the cache.

use crate::change::ChangeKind;
use crate::graph::{CODE_BITS, Csr, Ends, NONE, decode};
use crate::resolve::{Resolved, Target};
use crate::rules::{Confidence, N_CODES, Options};
use std::sync::OnceLock;

/// The change index bit in [`Pred::from`].
pub(crate) const SEED: u32 = 1 << 31;
/// No rule in a compiled table.
const NO: u8 = u8::MAX;
/// How many states ahead of the one expanded the search asks for a row (and twice as
/// many for a row start). Measured: 12 to 40 give the same times, 64 is slower.
const AHEAD: usize = 24;
/// In [`Sources`], the bit that marks a set of changes rather than one change.
const SET: u32 = 1 << 31;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Pred {
    /// The state the hop leaves, or `SEED | change` for a change's own expansion. In
    /// [`Search::preds`], the position of that state in [`Search::order`] instead.
    pub from: u32,
    /// The half-edge, or `NONE` for a changed element's own state.
    pub edge: u32,
    /// The half-edge's (link, direction) code, kept here so that writing a witness path
    /// out reads the adjacency once a hop (for the relation), as when it was one array.
    pub code: u8,
}

/// For each change mode (0..4) and (link, direction) code: the mode of the reached state,
/// or `NO`.
pub(crate) type Table = [[u8; N_CODES]; 4];

/// The change indices a state's shortest witness paths start at, when there is more than
/// one change: per state one change index, or `SET | i` for the `i`-th interned set.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    of: Vec<u32>,
    arena: Vec<u32>,
    spans: Vec<(u32, u32)>,
}

impl Sources {
    pub fn get(&self, s: u32) -> &[u32] {
        match self.of.get(s as usize) {
            Some(&v) if v == NONE => &[],
            Some(v) => self.set(*v).unwrap_or(std::slice::from_ref(v)),
            None => &[],
        }
    }

    /// The changes of a `SET | i` id; `None` for a single change.
    fn set(&self, id: u32) -> Option<&[u32]> {
        (id & SET != 0).then(|| {
            let (a, b) = self.spans[(id & !SET) as usize];
            &self.arena[a as usize..b as usize]
        })
    }
}

/// Builds [`Sources`]. Merging the sources of a state that is reached again at the same
/// distance is a compare of two integers when both paths come from the same changes; a
/// set is written only for a genuine union (one set is not a subset of the other).
#[derive(Default)]
struct SetPool {
    sources: Sources,
    scratch: Vec<u32>,
}

impl SetPool {
    /// The union of two sets (each a change index or `SET | i`).
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (one_a, one_b) = ([a], [b]);
        let xs = self.sources.set(a).unwrap_or(&one_a);
        let ys = self.sources.set(b).unwrap_or(&one_b);
        let out = &mut self.scratch;
        out.clear();
        let (mut i, mut j) = (0, 0);
        while i < xs.len() && j < ys.len() {
            match xs[i].cmp(&ys[j]) {
                std::cmp::Ordering::Less => {
                    out.push(xs[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    out.push(ys[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    out.push(xs[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        out.extend_from_slice(&xs[i..]);
        out.extend_from_slice(&ys[j..]);
        if out.len() == xs.len() {
            return a;
        }
        if out.len() == ys.len() {
            return b;
        }
        let start = self.sources.arena.len() as u32;
        self.sources.arena.extend_from_slice(&self.scratch);
        let id = SET | self.sources.spans.len() as u32;
        self.sources
            .spans
            .push((start, self.sources.arena.len() as u32));
        id
    }
}

/// The outcome of one breadth-first search, kept in the order states were reached:
/// writing it is appending to three arrays, where a table indexed by state would take a
/// cache miss at a random place for every state reached.
#[derive(Debug)]
pub(crate) struct Search {
    /// The states reached, level by level, each level in the order it was reached.
    pub(crate) order: Vec<u32>,
    /// Per position in `order`: how that state was first reached (`from` is a position).
    pub(crate) preds: Vec<Pred>,
    /// Where levels 1, 2, ... start in `order` (level 0, the changed elements, starts at
    /// 0).
    pub(crate) levels: Vec<u32>,
    /// Per state, its position in `order` (`NONE` when it is not reached); built when a
    /// state is first looked up.
    at: OnceLock<Vec<u32>>,
    states: usize,
    pub sources: Sources,
    pub table: Table,
}

impl Search {
    /// The position of a state in `order`, `NONE` when it is not reached.
    fn position(&self, s: u32) -> u32 {
        let at = self.at.get_or_init(|| {
            let mut at = vec![NONE; self.states];
            for (pos, &s) in self.order.iter().enumerate() {
                at[s as usize] = pos as u32;
            }
            at
        });
        at.get(s as usize).copied().unwrap_or(NONE)
    }
    /// The distance of the state at a position.
    pub(crate) fn dist_at(&self, pos: u32) -> u32 {
        self.levels.partition_point(|&l| l <= pos) as u32
    }
    /// The distance of a state, `NONE` when it is not reached.
    pub fn dist(&self, s: u32) -> u32 {
        match self.position(s) {
            NONE => NONE,
            pos => self.dist_at(pos),
        }
    }
    /// How a state was first reached (`from` is `NONE` when it is not).
    #[cfg(test)]
    pub fn pred(&self, s: u32) -> Pred {
        match self.position(s) {
            NONE => Pred {
                from: NONE,
                edge: NONE,
                code: 0,
            },
            pos => {
                let mut p = self.preds[pos as usize];
                if p.from & SEED == 0 {
                    p.from = self.order[p.from as usize];
                }
                p
            }
        }
    }
    #[cfg(test)]
    pub fn states(&self) -> usize {
        self.states
    }
}

/// The search with the certain rules, handed to `then` as soon as it is done, and, when the full table has more, the one with
/// every rule. The two are independent: with `parallel`, the second runs on another
/// thread. Each is deterministic, so the results do not depend on timing.
pub(crate) fn searches(
    csr: &Csr,
    resolved: &[Resolved],
    stop: &[bool],
    depth: Option<usize>,
    [certain_table, full_table]: [Table; 2],
    parallel: bool,
    mut then: impl FnMut(&Search),
) -> (Search, Option<Search>) {
    let search = |table| bfs(csr, resolved, stop, depth, table);
    if full_table == certain_table {
        let certain = search(certain_table);
        then(&certain);
        (certain, None)
    } else {
        let (certain, full) = crate::both(
            parallel,
            || {
                let certain = search(certain_table);
                then(&certain);
                certain
            },
            || search(full_table),
        );
        (certain, Some(full))
    }
}

pub(crate) fn compile(options: &Options, with_potential: bool) -> Table {
    let mut t = [[NO; N_CODES]; 4];
    for (m, &change) in ChangeKind::ALL.iter().enumerate() {
        for (code, slot) in t[m].iter_mut().enumerate() {
            let (link, dir) = decode(code as u32);
            if let Some(r) = options.effective_rule(change, link, dir)
                && (with_potential || r.confidence == Confidence::Certain)
            {
                *slot = r.then.as_change().index() as u8;
            }
        }
    }
    t
}

/// The rules of a compiled table as bitmasks over (link, direction) codes, per change
/// mode: which codes fire, and which of those make the reached element count as removed.
fn masks(table: &Table) -> ([u64; 4], [u64; 4]) {
    let mut fire = [0u64; 4];
    let mut then = [0u64; 4];
    for (m, row) in table.iter().enumerate() {
        for (c, &t) in row.iter().enumerate() {
            if t != NO {
                fire[m] |= 1 << c;
                if t == 1 {
                    then[m] |= 1 << c;
                }
            }
        }
    }
    (fire, then)
}

/// The state of one breadth-first search.
struct Bfs<'c> {
    csr: &'c Csr,
    fire: [u64; 4],
    then: [u64; 4],
    /// Visited states, one bit each: the test in the inner loop stays in the cache. One
    /// word more than the states need holds the sentinel.
    seen: Vec<u64>,
    sentinel: u32,
    /// With several changes: the states reached at the level being filled.
    next: Vec<u64>,
    track: bool,
    pool: SetPool,
    /// The states in the order reached, and how each was reached.
    queue: Vec<u32>,
    pub(crate) preds: Vec<Pred>,
}

impl Bfs<'_> {
    /// Follows the half-edges `range` from the state at position `from` of the queue (or
    /// `SEED | change`), which passes impact on as change mode `mode`, with sources `src`.
    #[inline]
    fn expand(&mut self, from: u32, mode: usize, range: std::ops::Range<usize>, src: u32) {
        let csr = self.csr;
        let base = range.start;
        match &csr.ends {
            Ends::Packed(p) => self.scan(
                from,
                mode,
                base,
                p[range].iter().map(|&x| (x >> CODE_BITS, x)),
                src,
            ),
            Ends::Wide { to, code } => self.scan(
                from,
                mode,
                base,
                to[range.clone()]
                    .iter()
                    .zip(&code[range])
                    .map(|(&t, &c)| (t, u32::from(c))),
                src,
            ),
        }
    }

    /// The inner loop: `edges` are (target, code) pairs (only the low bits of the code
    /// count), the first at half-edge `base`.
    #[inline(always)]
    fn scan(
        &mut self,
        from: u32,
        mode: usize,
        base: usize,
        edges: impl Iterator<Item = (u32, u32)>,
        src: u32,
    ) {
        let fire = self.fire[mode & 3];
        if fire == 0 {
            return;
        }
        let then = self.then[mode & 3];
        let sentinel = self.sentinel;
        for (i, (t, c)) in edges.enumerate() {
            let c = c & 31;
            // Without a branch: a half-edge no rule fires on leads to the sentinel, a
            // state that is always seen, so the branch below is rarely taken.
            let keep = 0u32.wrapping_sub(((fire >> c) & 1) as u32);
            let ts = ((2 * t + ((then >> c) & 1) as u32) & keep) | (sentinel & !keep);
            let (w, bit) = ((ts / 64) as usize, 1u64 << (ts % 64));
            if self.seen[w] & bit == 0 {
                self.seen[w] |= bit;
                self.queue.push(ts);
                self.preds.push(Pred {
                    from,
                    edge: (base + i) as u32,
                    code: c as u8,
                });
                if self.track {
                    self.next[w] |= bit;
                    self.pool.sources.of[ts as usize] = src;
                }
            } else if self.track && self.next[w] & bit != 0 {
                self.merge(ts, src);
            }
        }
    }

    fn merge(&mut self, s: u32, src: u32) {
        let cur = self.pool.sources.of[s as usize];
        if cur == src {
            return;
        }
        self.pool.sources.of[s as usize] = if cur == NONE {
            src
        } else {
            self.pool.union(cur, src)
        };
    }

    fn src(&self, s: u32) -> u32 {
        if self.track {
            self.pool.sources.of[s as usize]
        } else {
            0
        }
    }
}

pub(crate) fn bfs(
    csr: &Csr,
    resolved: &[Resolved],
    stop: &[bool],
    depth: Option<usize>,
    table: Table,
) -> Search {
    let states = csr.node_count() * 2;
    let track = resolved.len() > 1;
    let (fire, then) = masks(&table);
    let words = states.div_ceil(64);
    let mut b = Bfs {
        csr,
        fire,
        then,
        seen: vec![0; words + 1],
        sentinel: (words * 64) as u32,
        next: if track {
            vec![0; words + 1]
        } else {
            Vec::new()
        },
        track,
        pool: SetPool::default(),
        // Room for a state per element: a search rarely reaches both states of one.
        queue: Vec::with_capacity(csr.node_count()),
        preds: Vec::with_capacity(csr.node_count()),
    };
    b.seen[words] = !0;
    if track {
        b.pool.sources.of = vec![NONE; states];
    }
    let depth = depth.map_or(u32::MAX, |d| d.min(u32::MAX as usize - 1) as u32);

    // Level 0: the changed elements' own states. Per change: the position of its state
    // when it is the first change to name it.
    let mut own = vec![NONE; resolved.len()];
    for (ci, r) in resolved.iter().enumerate() {
        if let (Target::Node(v), ChangeKind::Modified | ChangeKind::Removed) = (r.target, r.kind) {
            let s = 2 * v + r.kind.index() as u32;
            let (w, bit) = (s as usize / 64, 1 << (s % 64));
            if b.seen[w] & bit == 0 {
                b.seen[w] |= bit;
                own[ci] = b.queue.len() as u32;
                b.queue.push(s);
                b.preds.push(Pred {
                    from: SEED | ci as u32,
                    edge: NONE,
                    code: 0,
                });
            }
            if track {
                b.merge(s, ci as u32);
            }
        }
    }
    let seeds = b.queue.len();
    let mut levels = vec![seeds as u32];
    if depth > 0 {
        // Level 0, in change order: each change's own expansion. A changed element's
        // state is expanded once, by the first change that names it.
        for (ci, r) in resolved.iter().enumerate() {
            let c = ci as u32;
            match (r.target, r.kind) {
                (Target::Node(v), ChangeKind::Modified | ChangeKind::Removed) => {
                    if own[ci] == NONE {
                        continue;
                    }
                    let src = b.src(2 * v + r.kind.index() as u32);
                    b.expand(own[ci], r.kind.index(), csr.range(v), src);
                }
                (Target::Node(v), kind) => {
                    b.expand(SEED | c, kind.index(), csr.range(v), c);
                }
                (Target::Rel(_), kind) => {
                    // The relation's own half-edges, one from each end.
                    for &end in &r.edges {
                        if end != NONE {
                            let end = end as usize;
                            b.expand(SEED | c, kind.index(), end..end + 1, c);
                        }
                    }
                }
            }
        }
        // The rest, level by level.
        let mut lo = seeds;
        let mut d = 1;
        while lo < b.queue.len() && d < depth {
            let hi = b.queue.len();
            if track {
                for &s in &b.queue[lo..hi] {
                    b.next[s as usize / 64] &= !(1 << (s % 64));
                }
            }
            for qi in lo..hi {
                // Ask for the memory of states further down the queue before it is
                // needed, so that its cache misses overlap with this state's work: the
                // row start two strides ahead, the row itself (whose start is then at
                // hand) one stride ahead.
                if let Some(&s) = b.queue.get(qi + 2 * AHEAD) {
                    csr.prefetch_start(s / 2);
                }
                if let Some(&s) = b.queue.get(qi + AHEAD) {
                    csr.prefetch_row(s / 2);
                    if track {
                        crate::prefetch::prefetch(&b.pool.sources.of, s as usize);
                    }
                }
                let s = b.queue[qi];
                let v = s / 2;
                if stop.get(v as usize).copied().unwrap_or(false) {
                    continue;
                }
                let src = b.src(s);
                b.expand(qi as u32, (s % 2) as usize, csr.range(v), src);
            }
            lo = hi;
            levels.push(hi as u32);
            d += 1;
        }
    }
    // The level that would start at the end holds nothing.
    levels.retain(|&l| (l as usize) < b.queue.len());
    Search {
        order: b.queue,
        preds: b.preds,
        levels,
        at: OnceLock::new(),
        states,
        sources: b.pool.sources,
        table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Universe;
    use ecograph_core::Model;

    /// Models of 2^27 elements or more keep targets and codes in separate arrays; the
    /// search must find the same distances and predecessors either way.
    #[test]
    fn wide_adjacency_searches_like_the_packed_one() {
        let path = format!("{}/../../models/te24.json", env!("CARGO_MANIFEST_DIR"));
        let model = Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let u = Universe::single(&model);
        let packed = Csr::build_with(&u, true, false);
        let wide = Csr::build_with(&u, false, false);
        assert!(matches!(packed.ends, Ends::Packed(_)));
        assert!(matches!(wide.ends, Ends::Wide { .. }));
        let options = Options::default();
        for with_potential in [false, true] {
            let table = compile(&options, with_potential);
            for v in 0..model.element_count() as u32 {
                let resolved: Vec<Resolved> = [ChangeKind::Modified, ChangeKind::Removed]
                    .into_iter()
                    .map(|kind| Resolved {
                        kind,
                        target: Target::Node(v),
                        edges: [NONE; 2],
                    })
                    .collect();
                let a = bfs(&packed, &resolved, &[], None, table);
                let b = bfs(&wide, &resolved, &[], None, table);
                for s in 0..a.states() as u32 {
                    assert_eq!(a.dist(s), b.dist(s));
                    assert_eq!(a.pred(s).from, b.pred(s).from);
                    assert_eq!(a.pred(s).edge, b.pred(s).edge);
                    assert_eq!(a.sources.get(s), b.sources.get(s));
                }
            }
        }
    }
}

#[cfg(test)]
mod parallel {
    use super::*;
    use crate::graph::Universe;
    use ecograph_core::Model;

    /// On large models the certain and the full search run on two threads; they must give
    /// what they give one after the other.
    #[test]
    fn searches_on_two_threads_match_one_after_the_other() {
        let path = format!("{}/../../models/te24.json", env!("CARGO_MANIFEST_DIR"));
        let model = Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let u = Universe::single(&model);
        let csr = Csr::build(&u);
        let options = Options::default();
        let tables = [compile(&options, false), compile(&options, true)];
        let n = model.element_count() as u32;
        let resolved: Vec<Resolved> = [(0, ChangeKind::Removed), (n / 2, ChangeKind::Modified)]
            .into_iter()
            .map(|(v, kind)| Resolved {
                kind,
                target: Target::Node(v),
                edges: [NONE; 2],
            })
            .collect();
        let (c1, f1) = searches(&csr, &resolved, &[], None, tables, false, |_| ());
        let (c2, f2) = searches(&csr, &resolved, &[], None, tables, true, |_| ());
        let (f1, f2) = (f1.expect("potential rules"), f2.expect("potential rules"));
        for (a, b) in [(&c1, &c2), (&f1, &f2)] {
            for s in 0..a.states() as u32 {
                assert_eq!(a.dist(s), b.dist(s));
                assert_eq!(a.pred(s).from, b.pred(s).from);
                assert_eq!(a.pred(s).edge, b.pred(s).edge);
                assert_eq!(a.sources.get(s), b.sources.get(s));
            }
        }
    }
}
