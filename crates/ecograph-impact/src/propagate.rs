//! The analysis: breadth-first search over (element, mode) states on the CSR snapshot,
//! once with the certain rules only and once with every rule.
//!
//! A state is an element together with the change kind it passes impact on with:
//! `modified` (state `2 * node`) or `removed` (state `2 * node + 1`). Changed elements
//! start at distance 0; `added` and `delayed` elements and changed relations are expanded
//! once at level 0 without a state of their own.

use crate::change::{Change, ChangeKind, ChangeSet, RelationRef, Subject};
use crate::graph::{Csr, NONE, Universe, decode};
use crate::rules::{Confidence, Direction, Effect, Link, N_CODES, Options, Rule, StopAt};
use crate::{Error, delay};
use ecograph_core::{Element, ElementKind, Model, Relation, RelationKind};
use std::collections::HashMap;
use std::sync::Arc;

/// The change index bit in [`Pred::from`].
const SEED: u32 = 1 << 31;
/// No rule in a compiled table.
const NO: u8 = u8::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Node(u32),
    Rel(u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    pub kind: ChangeKind,
    pub target: Target,
    /// For a relation change: the relation's half-edges at its `from` and `to` ends.
    pub edges: [u32; 2],
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Pred {
    /// The state the hop leaves, or `SEED | change` for a change's own expansion.
    pub from: u32,
    /// The half-edge, or `NONE` for a changed element's own state.
    pub edge: u32,
}

/// For each change mode (0..4) and (link, direction) code: the mode of the reached state,
/// or `NO`.
pub(crate) type Table = [[u8; N_CODES]; 4];

/// The change indices a state's shortest witness paths start at, when there is more than
/// one change.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    one: Vec<u32>,
    more: HashMap<u32, Vec<u32>>,
}

impl Sources {
    fn new(states: usize, track: bool) -> Sources {
        Sources {
            one: if track {
                vec![NONE; states]
            } else {
                Vec::new()
            },
            more: HashMap::new(),
        }
    }
    pub fn get(&self, s: u32) -> &[u32] {
        if let Some(v) = self.more.get(&s) {
            return v;
        }
        match self.one.get(s as usize) {
            Some(c) if *c != NONE => std::slice::from_ref(c),
            _ => &[],
        }
    }
    fn merge(&mut self, s: u32, set: &[u32]) {
        let one = self.one[s as usize];
        if one == NONE {
            match set {
                [c] => self.one[s as usize] = *c,
                _ => {
                    self.one[s as usize] = set.first().copied().unwrap_or(NONE);
                    if set.len() > 1 {
                        self.more.insert(s, set.to_vec());
                    }
                }
            }
            return;
        }
        if let ([c], None) = (set, self.more.get(&s))
            && *c == one
        {
            return;
        }
        let cur = self.more.entry(s).or_insert_with(|| vec![one]);
        for &c in set {
            if let Err(at) = cur.binary_search(&c) {
                cur.insert(at, c);
            }
        }
    }
}

/// The outcome of one breadth-first search.
#[derive(Debug)]
pub(crate) struct Search {
    pub dist: Vec<u32>,
    pub pred: Vec<Pred>,
    pub sources: Sources,
    pub table: Table,
}

/// One affected element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub node: u32,
    pub dist: u32,
    pub confidence: Confidence,
    /// The state whose witness path is reported.
    pub state: u32,
}

/// What a change set affects in a model: every affected element with its distance,
/// confidence, originating changes, a witness path and its owners.
///
/// Built by [`analyze`] or [`analyze_since`]. Elements are listed nearest first, then in
/// file order (elements only an old model has come last).
#[derive(Debug)]
pub struct Impact<'m> {
    pub(crate) snap: Arc<Snap<'m>>,
    pub(crate) changes: ChangeSet,
    pub(crate) resolved: Vec<Resolved>,
    pub(crate) options: Options,
    pub(crate) stop: Vec<bool>,
    pub(crate) changed: Vec<bool>,
    pub(crate) certain: Search,
    pub(crate) potential: Option<Search>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) index: HashMap<u32, u32>,
    pub(crate) slips: HashMap<u32, i64>,
}

/// One hop of a witness path: from one element to the next along a link, and the rule
/// that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop<'m> {
    /// The element impact leaves.
    pub from: Element<'m>,
    /// The element impact reaches.
    pub to: Element<'m>,
    /// The relation followed; `None` for containment (`parent`). For a `data` hop, the
    /// flow that carries the data.
    pub relation: Option<Relation<'m>>,
    /// The rule that fired.
    pub rule: Rule,
}

impl Hop<'_> {
    /// What was followed.
    pub fn link(&self) -> Link {
        self.rule.link
    }
    /// Which way.
    pub fn direction(&self) -> Direction {
        self.rule.direction
    }
}

/// An affected element in an [`Impact`].
#[derive(Debug, Clone, Copy)]
pub struct Affected<'i, 'm> {
    impact: &'i Impact<'m>,
    entry: Entry,
}

impl<'i, 'm> Affected<'i, 'm> {
    /// The element.
    pub fn element(&self) -> Element<'m> {
        self.impact.snap.universe.element(self.entry.node)
    }
    /// The number of hops of the reported witness path: the shortest among the paths of
    /// the element's best confidence.
    pub fn distance(&self) -> usize {
        self.entry.dist as usize
    }
    /// The best confidence over every path from a change.
    pub fn confidence(&self) -> Confidence {
        self.entry.confidence
    }
    /// What the element undergoes on its witness path: `Removed` for the contents of a
    /// removed container (by the default rules), else `Modified`.
    pub fn effect(&self) -> Effect {
        if self.entry.state % 2 == 1 {
            Effect::Removed
        } else {
            Effect::Modified
        }
    }
    /// The changes (indices into [`Impact::changes`]) that shortest witness paths of the
    /// element's confidence start at, in change set order.
    pub fn change_indices(&self) -> Vec<usize> {
        let search = self.impact.search(self.entry.confidence);
        let node = self.entry.node;
        let mut out: Vec<usize> = Vec::new();
        if self.impact.resolved.len() == 1 {
            return vec![0];
        }
        for s in [2 * node, 2 * node + 1] {
            if search.dist[s as usize] == self.entry.dist {
                out.extend(search.sources.get(s).iter().map(|&c| c as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
    /// The changes that shortest witness paths start at.
    pub fn changes(&self) -> impl Iterator<Item = &'i Change> + 'i {
        let all: Vec<&Change> = self.impact.changes.iter().collect();
        self.change_indices()
            .into_iter()
            .filter_map(move |i| all.get(i).copied())
    }
    /// A witness path: the hops from a changed element to this one. Its first hop leaves
    /// the changed element (for a changed relation, it is that relation).
    pub fn path(&self) -> Vec<Hop<'m>> {
        self.impact.path(self.entry.confidence, self.entry.state)
    }
    /// Who must act: the actors and roles `responsible` for the element, or, when it has
    /// none, for its nearest container that has some. In file order.
    pub fn owners(&self) -> Vec<Element<'m>> {
        self.impact.owners(self.entry.node)
    }
    /// For a task reached from a `delayed` change: how many days its end moves, when the
    /// schedule analysis can tell.
    pub fn slip_days(&self) -> Option<i64> {
        self.impact.slips.get(&self.entry.node).copied()
    }
}

impl<'m> Impact<'m> {
    /// The changes analysed, in the order given.
    pub fn changes(&self) -> &ChangeSet {
        &self.changes
    }
    /// The options used.
    pub fn options(&self) -> &Options {
        &self.options
    }
    /// The affected elements, nearest first, then in file order. Changed elements are not
    /// listed.
    pub fn affected(&self) -> impl ExactSizeIterator<Item = Affected<'_, 'm>> + '_ {
        self.entries.iter().map(move |&entry| Affected {
            impact: self,
            entry,
        })
    }
    /// The affected element with this id, if it is affected.
    pub fn get(&self, id: &str) -> Option<Affected<'_, 'm>> {
        let node = self.snap.universe.node(id)?;
        let &i = self.index.get(&node)?;
        Some(Affected {
            impact: self,
            entry: self.entries[i as usize],
        })
    }
    /// The number of affected elements.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether nothing is affected.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// The number of affected elements with this confidence.
    pub fn count(&self, confidence: Confidence) -> usize {
        self.entries
            .iter()
            .filter(|e| e.confidence == confidence)
            .count()
    }
    /// The highest confidence of any impact, `None` when nothing is affected.
    pub fn max_confidence(&self) -> Option<Confidence> {
        self.entries.iter().map(|e| e.confidence).max()
    }
    /// Whether an element is the subject of one of the changes.
    pub fn is_changed(&self, element: Element<'_>) -> bool {
        self.snap
            .universe
            .node(element.id().as_str())
            .is_some_and(|n| self.changed[n as usize])
    }

    pub(crate) fn search(&self, confidence: Confidence) -> &Search {
        match (confidence, &self.potential) {
            (Confidence::Potential, Some(p)) => p,
            _ => &self.certain,
        }
    }

    pub(crate) fn hop(&self, edge: u32, mode: u8) -> Hop<'m> {
        self.hop_from(self.snap.csr.source(edge as usize), edge, mode)
    }

    /// The hop along half-edge `edge`, which leaves `source`.
    fn hop_from(&self, source: u32, edge: u32, mode: u8) -> Hop<'m> {
        let e = self.snap.csr.edges[edge as usize];
        let (link, direction) = decode(e.code);
        let change = ChangeKind::ALL[mode as usize];
        let rule = self
            .options
            .rules
            .get(change, link, direction)
            .unwrap_or_else(|| Rule::new(change, link, direction, Confidence::Potential));
        Hop {
            from: self.snap.universe.element(source),
            to: self.snap.universe.element(e.to),
            relation: (e.rel != NONE).then(|| self.snap.universe.relation(e.rel)),
            rule,
        }
    }

    pub(crate) fn path(&self, confidence: Confidence, state: u32) -> Vec<Hop<'m>> {
        self.trace(confidence, state).1
    }

    pub(crate) fn path_with_origin(
        &self,
        confidence: Confidence,
        a: Affected<'_, 'm>,
    ) -> (usize, Vec<Hop<'m>>) {
        self.trace(confidence, a.entry.state)
    }

    /// The witness path to `state` and the change it starts at.
    fn trace(&self, confidence: Confidence, state: u32) -> (usize, Vec<Hop<'m>>) {
        let search = self.search(confidence);
        let mut hops = Vec::new();
        let mut s = state;
        let mut origin = 0;
        // At most one hop per state: a path never revisits a state.
        for _ in 0..search.pred.len() {
            let p = search.pred[s as usize];
            if p.from == NONE {
                break;
            }
            if p.from & SEED != 0 {
                origin = (p.from & !SEED) as usize;
                if p.edge != NONE {
                    let r = self.resolved[origin];
                    let source = match r.target {
                        Target::Node(v) => v,
                        // The relation's own half-edges: at `from`, then at `to`.
                        Target::Rel(rel) if r.edges[0] == p.edge => self.snap.universe.ends(rel).0,
                        Target::Rel(rel) => self.snap.universe.ends(rel).1,
                    };
                    hops.push(self.hop_from(source, p.edge, r.kind.index() as u8));
                }
                break;
            }
            hops.push(self.hop_from(p.from / 2, p.edge, (p.from % 2) as u8));
            s = p.from;
        }
        hops.reverse();
        (origin, hops)
    }

    pub(crate) fn owners(&self, node: u32) -> Vec<Element<'m>> {
        let responsible = crate::graph::code(
            Link::Relation(RelationKind::Responsible),
            Direction::Backward,
        );
        let parent = crate::graph::code(Link::Parent, Direction::Forward);
        let mut at = node;
        for _ in 0..self.snap.universe.node_count() {
            let mut owners: Vec<u32> = Vec::new();
            for e in self.snap.csr.of(at) {
                if e.code == responsible && !owners.contains(&e.to) {
                    owners.push(e.to);
                }
            }
            if !owners.is_empty() {
                owners.sort_unstable();
                return owners
                    .into_iter()
                    .map(|o| self.snap.universe.element(o))
                    .collect();
            }
            match self.snap.csr.of(at).iter().find(|e| e.code == parent) {
                Some(p) => at = p.to,
                None => break,
            }
        }
        Vec::new()
    }
}

/// Analyses what `changes` affect in `model`.
///
/// Impact travels from each changed element by the rules in `options`; each affected
/// element passes it on as a modified one does (or as a removed one, when the rule that
/// reached it says so), up to the depth limit. An element's confidence is the best over
/// all paths from a change (a path is as sure as its least sure hop); its distance is the
/// length of the shortest path of that confidence. See `docs/impact.md`.
///
/// # Errors
/// [`Error::UnknownElement`] or [`Error::UnknownRelation`] (with a did-you-mean
/// suggestion) when a change or a `--stop-at` names something the model lacks,
/// [`Error::NotATask`] when a non-task is delayed, [`Error::UnknownTag`] for a stop tag no
/// element has.
pub fn analyze<'m>(
    model: &'m Model,
    changes: &ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    run(Snapshot::new(model), changes.clone(), options)
}

/// Analyses what changed from `old` to `new` (the changes [`crate::diff`] finds, then
/// `extra`), over `new` together with the elements and relations only `old` has, so that
/// the loss of a removed element is traced through the relations it had.
///
/// # Errors
/// As [`analyze`], for the changes in `extra` and the stop elements.
pub fn analyze_since<'m>(
    old: &'m Model,
    new: &'m Model,
    extra: &ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    let d = crate::diff::diff(old, new);
    let mut changes = d.change_set();
    changes.extend(extra.iter().cloned());
    let (elements, relations) = d.lost();
    run(
        Snapshot::of(Universe::with_old(new, elements, relations)),
        changes,
        options,
    )
}

/// The graph an analysis runs on.
#[derive(Debug)]
pub(crate) struct Snap<'m> {
    pub universe: Universe<'m>,
    pub csr: Csr,
}

/// A compact snapshot of a model's graph (compressed adjacency arrays over the dense
/// element indices), built once and shared by any number of analyses. Cheap to clone.
///
/// [`analyze`] builds one per call; build a snapshot yourself to analyse many change sets
/// against the same model.
#[derive(Debug, Clone)]
pub struct Snapshot<'m>(Arc<Snap<'m>>);

impl<'m> Snapshot<'m> {
    /// The snapshot of a model.
    pub fn new(model: &'m Model) -> Snapshot<'m> {
        Snapshot::of(Universe::single(model))
    }

    pub(crate) fn of(universe: Universe<'m>) -> Snapshot<'m> {
        let csr = Csr::build(&universe);
        Snapshot(Arc::new(Snap { universe, csr }))
    }

    /// Analyses what `changes` affect, as [`analyze`] does.
    ///
    /// # Errors
    /// As [`analyze`].
    pub fn analyze(&self, changes: &ChangeSet, options: &Options) -> Result<Impact<'m>, Error> {
        run(self.clone(), changes.clone(), options)
    }
}

pub(crate) fn run<'m>(
    snapshot: Snapshot<'m>,
    changes: ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    let snap = snapshot.0;
    let (universe, csr) = (&snap.universe, &snap.csr);
    let mut resolved = resolve(universe, &changes)?;
    let n = universe.node_count();
    let stop = stops(universe, &options.stop_at)?;
    for r in &mut resolved {
        if let Target::Rel(rel) = r.target {
            r.edges = relation_half_edges(csr, universe, rel);
        }
    }
    let mut changed = vec![false; n];
    for r in &resolved {
        if let Target::Node(v) = r.target {
            changed[v as usize] = true;
        }
    }
    let certain_table = compile(options, false);
    let full_table = compile(options, true);
    let certain = bfs(csr, &resolved, &stop, options.depth, certain_table);
    let potential = (full_table != certain_table)
        .then(|| bfs(csr, &resolved, &stop, options.depth, full_table));

    // Per element: the best confidence, then the shortest distance.
    let mut entries: Vec<Entry> = Vec::new();
    let best = |s: &Search, v: u32| -> Option<(u32, u32)> {
        let (a, b) = (s.dist[2 * v as usize], s.dist[2 * v as usize + 1]);
        match (a, b) {
            (NONE, NONE) => None,
            _ if a <= b => Some((a, 2 * v)),
            _ => Some((b, 2 * v + 1)),
        }
    };
    let mut max_dist = 0;
    for v in 0..n as u32 {
        if changed[v as usize] {
            continue;
        }
        let found = best(&certain, v)
            .map(|b| (b, Confidence::Certain))
            .or_else(|| {
                potential
                    .as_ref()
                    .and_then(|p| best(p, v))
                    .map(|b| (b, Confidence::Potential))
            });
        if let Some(((dist, state), confidence)) = found {
            max_dist = max_dist.max(dist);
            entries.push(Entry {
                node: v,
                dist,
                confidence,
                state,
            });
        }
    }
    // Nearest first, file order within a distance: a stable counting sort.
    let mut count = vec![0usize; max_dist as usize + 2];
    for e in &entries {
        count[e.dist as usize + 1] += 1;
    }
    for i in 1..count.len() {
        count[i] += count[i - 1];
    }
    let mut sorted = entries.clone();
    for e in entries {
        let slot = &mut count[e.dist as usize];
        sorted[*slot] = e;
        *slot += 1;
    }
    let index = sorted
        .iter()
        .enumerate()
        .map(|(i, e)| (e.node, i as u32))
        .collect();
    let delays: Vec<(Element<'m>, ecograph_core::Duration)> = changes
        .iter()
        .zip(&resolved)
        .filter_map(|(c, r)| match (c.delay(), r.target) {
            (Some(d), Target::Node(v)) if (v as usize) < universe.model.element_count() => {
                Some((universe.element(v), d))
            }
            _ => None,
        })
        .collect();
    let slips = if delays.is_empty() {
        HashMap::new()
    } else {
        delay::slip_days(universe.model, &delays)
            .unwrap_or_default()
            .into_iter()
            .map(|(i, d)| (i as u32, d))
            .collect()
    };
    drop(delays);
    Ok(Impact {
        snap,
        changes,
        resolved,
        options: options.clone(),
        stop,
        changed,
        certain,
        potential,
        entries: sorted,
        index,
        slips,
    })
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

pub(crate) fn bfs(
    csr: &Csr,
    resolved: &[Resolved],
    stop: &[bool],
    depth: Option<usize>,
    table: Table,
) -> Search {
    let states = (csr.start.len() - 1) * 2;
    let track = resolved.len() > 1;
    let mut dist = vec![NONE; states];
    let mut pred = vec![
        Pred {
            from: NONE,
            edge: NONE
        };
        states
    ];
    let mut sources = Sources::new(states, track);
    let mut queue: Vec<u32> = Vec::new();
    let depth = depth.map_or(u32::MAX, |d| d.min(u32::MAX as usize - 1) as u32);

    // Level 0: the changed elements' own states.
    for (ci, r) in resolved.iter().enumerate() {
        if let (Target::Node(v), ChangeKind::Modified | ChangeKind::Removed) = (r.target, r.kind) {
            let s = 2 * v + r.kind.index() as u32;
            if dist[s as usize] == NONE {
                dist[s as usize] = 0;
                pred[s as usize] = Pred {
                    from: SEED | ci as u32,
                    edge: NONE,
                };
                queue.push(s);
            }
            if track {
                sources.merge(s, &[ci as u32]);
            }
        }
    }
    let seeds = queue.len();
    if depth == 0 {
        return Search {
            dist,
            pred,
            sources,
            table,
        };
    }
    let mut expanded = vec![false; seeds];
    let mut scratch: Vec<u32> = Vec::new();
    let step = |from: u32,
                mode: usize,
                d: u32,
                range: std::ops::Range<usize>,
                src: &[u32],
                dist: &mut Vec<u32>,
                pred: &mut Vec<Pred>,
                sources: &mut Sources,
                queue: &mut Vec<u32>| {
        let row = &table[mode];
        for ei in range {
            let e = csr.edges[ei];
            let t = row[e.code as usize];
            if t == NO {
                continue;
            }
            let ts = 2 * e.to + u32::from(t);
            let slot = &mut dist[ts as usize];
            if *slot == NONE {
                *slot = d + 1;
                pred[ts as usize] = Pred {
                    from,
                    edge: ei as u32,
                };
                queue.push(ts);
                if track {
                    sources.merge(ts, src);
                }
            } else if track && *slot == d + 1 {
                sources.merge(ts, src);
            }
        }
    };
    // Level 0, in change order: each change's own expansion.
    for (ci, r) in resolved.iter().enumerate() {
        let c = ci as u32;
        match (r.target, r.kind) {
            (Target::Node(v), ChangeKind::Modified | ChangeKind::Removed) => {
                let s = 2 * v + r.kind.index() as u32;
                let Some(qi) = queue[..seeds].iter().position(|&q| q == s) else {
                    continue;
                };
                if expanded[qi] {
                    continue;
                }
                expanded[qi] = true;
                scratch.clear();
                scratch.extend_from_slice(sources.get(s));
                let src = std::mem::take(&mut scratch);
                step(
                    s,
                    r.kind.index(),
                    0,
                    csr.range(v),
                    &src,
                    &mut dist,
                    &mut pred,
                    &mut sources,
                    &mut queue,
                );
                scratch = src;
            }
            (Target::Node(v), kind) => {
                step(
                    SEED | c,
                    kind.index(),
                    0,
                    csr.range(v),
                    &[c],
                    &mut dist,
                    &mut pred,
                    &mut sources,
                    &mut queue,
                );
            }
            (Target::Rel(_), kind) => {
                // The relation's own half-edges, one from each end.
                for &end in &r.edges {
                    let end = end as usize;
                    if end != NONE as usize {
                        step(
                            SEED | c,
                            kind.index(),
                            0,
                            end..end + 1,
                            &[c],
                            &mut dist,
                            &mut pred,
                            &mut sources,
                            &mut queue,
                        );
                    }
                }
            }
        }
    }
    // The rest, level by level.
    let mut head = seeds;
    while head < queue.len() {
        let s = queue[head];
        head += 1;
        let v = s / 2;
        let d = dist[s as usize];
        if d >= depth || stop[v as usize] {
            continue;
        }
        scratch.clear();
        if track {
            scratch.extend_from_slice(sources.get(s));
        }
        let src = std::mem::take(&mut scratch);
        step(
            s,
            (s % 2) as usize,
            d,
            csr.range(v),
            &src,
            &mut dist,
            &mut pred,
            &mut sources,
            &mut queue,
        );
        scratch = src;
    }
    Search {
        dist,
        pred,
        sources,
        table,
    }
}

/// The half-edges that stand for relation `rel` itself (not the data it carries), one
/// at each end.
fn relation_half_edges(csr: &Csr, u: &Universe<'_>, rel: u32) -> [u32; 2] {
    let data = [
        crate::graph::code(Link::Data, Direction::Forward),
        crate::graph::code(Link::Data, Direction::Backward),
    ];
    let (f, t) = u.ends(rel);
    let mut out = [NONE; 2];
    // From `from` the relation's half-edge is forward (even code), from `to` backward.
    for ((slot, node), parity) in out.iter_mut().zip([f, t]).zip([0, 1]) {
        let range = csr.range(node);
        if let Some(i) = csr.edges[range.clone()]
            .iter()
            .position(|e| e.rel == rel && e.code % 2 == parity && !data.contains(&e.code))
        {
            *slot = (range.start + i) as u32;
        }
    }
    out
}

fn unknown_element(u: &Universe<'_>, id: &str, context: &'static str) -> Error {
    Error::UnknownElement {
        id: id.to_owned(),
        context,
        suggestion: ecograph_core::suggest::closest(id, u.ids()).map(str::to_owned),
    }
}

/// A relation's kind, ends and carried data, as nodes.
type RelKey = (RelationKind, u32, u32, Vec<u32>);

pub(crate) fn resolve(u: &Universe<'_>, changes: &ChangeSet) -> Result<Vec<Resolved>, Error> {
    let mut by_id: Option<HashMap<&str, Vec<u32>>> = None;
    let mut by_key: Option<HashMap<RelKey, Vec<u32>>> = None;
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        let target = match c.subject() {
            Subject::Element(id) => {
                let v = u
                    .node(id)
                    .ok_or_else(|| unknown_element(u, id, "the change set"))?;
                let e = u.element(v);
                if c.kind() == ChangeKind::Delayed && e.kind() != ElementKind::Task {
                    return Err(Error::NotATask {
                        id: id.clone(),
                        kind: e.kind(),
                    });
                }
                Target::Node(v)
            }
            Subject::Relation(r) => {
                let candidates: &[u32] = match r {
                    RelationRef::Id(id) => {
                        let map = by_id.get_or_insert_with(|| {
                            let mut m: HashMap<&str, Vec<u32>> = HashMap::new();
                            for i in 0..u.relation_count() as u32 {
                                if let Some(rid) = u.relation(i).id() {
                                    m.entry(rid).or_default().push(i);
                                }
                            }
                            m
                        });
                        match map.get(id.as_str()) {
                            Some(v) => v,
                            None => {
                                return Err(Error::UnknownRelation {
                                    relation: r.to_string(),
                                    suggestion: ecograph_core::suggest::closest(
                                        id,
                                        map.keys().copied(),
                                    )
                                    .map(str::to_owned),
                                });
                            }
                        }
                    }
                    RelationRef::Key {
                        kind,
                        from,
                        to,
                        data,
                    } => {
                        let f = u.node(from).ok_or_else(|| {
                            unknown_element(u, from, "a relation of the change set")
                        })?;
                        let t = u.node(to).ok_or_else(|| {
                            unknown_element(u, to, "a relation of the change set")
                        })?;
                        let data = data
                            .iter()
                            .map(|d| {
                                u.node(d).ok_or_else(|| {
                                    unknown_element(u, d, "a relation of the change set")
                                })
                            })
                            .collect::<Result<Vec<_>, _>>()?;
                        let map = by_key.get_or_insert_with(|| {
                            let mut m: HashMap<_, Vec<u32>> = HashMap::new();
                            for i in 0..u.relation_count() as u32 {
                                let r = u.relation(i);
                                let (f, t) = u.ends(i);
                                let data: Vec<u32> = r
                                    .data_carried()
                                    .filter_map(|d| u.node(d.id().as_str()))
                                    .collect();
                                m.entry((r.kind(), f, t, data)).or_default().push(i);
                            }
                            m
                        });
                        match map.get(&(*kind, f, t, data)) {
                            Some(v) => v,
                            None => {
                                return Err(Error::UnknownRelation {
                                    relation: r.to_string(),
                                    suggestion: None,
                                });
                            }
                        }
                    }
                };
                // A removed relation is the old model's when both have one by that name.
                let primary = u.model.relation_count() as u32;
                let pick = if c.kind() == ChangeKind::Removed {
                    candidates
                        .iter()
                        .find(|&&i| i >= primary)
                        .or(candidates.first())
                } else {
                    candidates.first()
                };
                Target::Rel(pick.copied().unwrap_or(0))
            }
        };
        out.push(Resolved {
            kind: c.kind(),
            target,
            edges: [NONE; 2],
        });
    }
    Ok(out)
}

fn stops(u: &Universe<'_>, stop_at: &[StopAt]) -> Result<Vec<bool>, Error> {
    let mut stop = vec![false; u.node_count()];
    for s in stop_at {
        match s {
            StopAt::Id(id) => {
                let v = u
                    .node(id)
                    .ok_or_else(|| unknown_element(u, id, "--stop-at"))?;
                stop[v as usize] = true;
            }
            StopAt::Tag(tag) => {
                let mut any = false;
                for v in 0..u.node_count() as u32 {
                    if u.element(v).has_tag(tag) {
                        stop[v as usize] = true;
                        any = true;
                    }
                }
                if !any {
                    let mut tags: Vec<String> = (0..u.node_count() as u32)
                        .flat_map(|v| u.element(v).tags().map(str::to_owned).collect::<Vec<_>>())
                        .collect();
                    tags.sort_unstable();
                    tags.dedup();
                    return Err(Error::UnknownTag {
                        tag: tag.clone(),
                        suggestion: ecograph_core::suggest::closest(
                            tag,
                            tags.iter().map(String::as_str),
                        )
                        .map(str::to_owned),
                    });
                }
            }
        }
    }
    Ok(stop)
}
