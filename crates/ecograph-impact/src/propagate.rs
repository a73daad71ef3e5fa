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

use crate::change::{Change, ChangeKind, ChangeSet, RelationRef, Subject};
use crate::graph::{CODE_BITS, Csr, Ends, NONE, Universe, decode};
use crate::rules::{Confidence, Direction, Effect, Link, N_CODES, Options, Rule, StopAt};
use crate::{Error, PARALLEL_FROM, delay};
use ecograph_core::{Element, ElementKind, Model, Relation, RelationKind};
use ecograph_schedule::{DelayReport, Error as ScheduleError};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The change index bit in [`Pred::from`].
const SEED: u32 = 1 << 31;
/// No rule in a compiled table.
const NO: u8 = u8::MAX;
/// How many states ahead of the one expanded the search asks for a row (and twice as
/// many for a row start). Measured: 12 to 40 give the same times, 64 is slower.
const AHEAD: usize = 24;
/// In [`Sources`], the bit that marks a set of changes rather than one change.
const SET: u32 = 1 << 31;

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
    order: Vec<u32>,
    /// Per position in `order`: how that state was first reached (`from` is a position).
    preds: Vec<Pred>,
    /// Where levels 1, 2, ... start in `order` (level 0, the changed elements, starts at
    /// 0).
    levels: Vec<u32>,
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
    fn dist_at(&self, pos: u32) -> u32 {
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

/// One affected element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub node: u32,
    pub dist: u32,
    /// The position, in the search of its confidence, of the state whose witness path
    /// is reported.
    pub pos: u32,
    pub confidence: Confidence,
    /// Whether that state is the element's `removed` one.
    pub removed: bool,
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
    /// Per node, whether it is a `--stop-at` element; empty when there is none.
    pub(crate) stop: Vec<bool>,
    pub(crate) changed: Vec<bool>,
    pub(crate) certain: Search,
    pub(crate) potential: Option<Search>,
    pub(crate) entries: Vec<Entry>,
    /// Per node, its position in `entries`, `NONE` when it is not affected.
    pub(crate) index: Vec<u32>,
    /// What the `delayed` changes do to the plan's dates (`None` without one), and per
    /// moved task or deliverable how many days later it ends; worked out when first
    /// asked for, so that an analysis that never reports it does not pay for it.
    pub(crate) schedule: OnceLock<Schedule<'m>>,
}

/// What the delays of a change set do to the plan.
#[derive(Debug)]
pub(crate) struct Schedule<'m> {
    report: Option<Result<DelayReport<'m>, ScheduleError>>,
    slips: HashMap<u32, i64>,
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
        if self.entry.removed {
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
            if search.dist(s) == self.entry.dist {
                out.extend(search.sources.get(s).iter().map(|&c| c as usize));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
    /// The changes that shortest witness paths start at.
    pub fn changes(&self) -> impl Iterator<Item = &'i Change> + 'i {
        let all = self.impact.changes.iter().as_slice();
        self.change_indices()
            .into_iter()
            .filter_map(move |i| all.get(i))
    }
    /// A witness path: the hops from a changed element to this one. Its first hop leaves
    /// the changed element (for a changed relation, it is that relation).
    pub fn path(&self) -> Vec<Hop<'m>> {
        self.impact.path(self.entry.confidence, self.entry.pos)
    }
    /// Who must act: the actors and roles `responsible` for the element, or, when it has
    /// none, for its nearest container that has some. In file order.
    pub fn owners(&self) -> Vec<Element<'m>> {
        self.impact.owners(self.entry.node)
    }
    /// For a task reached from a `delayed` change: how many days its end moves, when the
    /// schedule analysis can tell.
    pub fn slip_days(&self) -> Option<i64> {
        self.impact.dates().slips.get(&self.entry.node).copied()
    }
}

impl<'m> Impact<'m> {
    /// The changes analyzed, in the order given.
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
        let i = *self.index.get(node as usize)?;
        if i == NONE {
            return None;
        }
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
    /// What the `delayed` changes do to the plan's dates, as the schedule analysis
    /// ([`ecograph_schedule::delay`]) tells it: the tasks and deliverables that move with
    /// their old and new dates, where slack absorbs the slip, and which deadlines break;
    /// or why it cannot tell (a delayed task without an end, or one that is `done`).
    /// `None` when no change is a delay. The structural impact does not depend on it.
    pub fn schedule(&self) -> Option<Result<&DelayReport<'m>, &ScheduleError>> {
        self.dates().report.as_ref().map(Result::as_ref)
    }

    fn dates(&self) -> &Schedule<'m> {
        self.schedule.get_or_init(|| {
            let u = &self.snap.universe;
            let delays: Vec<(Element<'m>, ecograph_core::Duration)> = self
                .changes
                .iter()
                .zip(&self.resolved)
                .filter_map(|(c, r)| match (c.delay(), r.target) {
                    // Delays of tasks only an old model has are not dated.
                    (Some(d), Target::Node(v)) if (v as usize) < u.model.element_count() => {
                        Some((u.element(v), d))
                    }
                    _ => None,
                })
                .collect();
            let report = (!delays.is_empty()).then(|| delay::report(u.model, &delays));
            let slips = match &report {
                Some(Ok(r)) => r
                    .moved()
                    .iter()
                    .map(|m| (m.element.index() as u32, m.shift_days))
                    .collect(),
                _ => HashMap::new(),
            };
            Schedule { report, slips }
        })
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
        let csr = &self.snap.csr;
        let (source, to, code) = (
            csr.source(edge as usize),
            csr.to(edge as usize),
            csr.code(edge as usize),
        );
        self.hop_from(source, to, edge, code, mode)
    }

    /// Whether a node is a `--stop-at` element.
    pub(crate) fn is_stop(&self, node: u32) -> bool {
        self.stop.get(node as usize).copied().unwrap_or(false)
    }

    /// The hop along half-edge `edge` of code `code`, which leaves `source` and leads to
    /// `to`.
    fn hop_from(&self, source: u32, to: u32, edge: u32, code: u32, mode: u8) -> Hop<'m> {
        let (link, direction) = decode(code);
        let rel = self.snap.csr.rel[edge as usize];
        let change = ChangeKind::ALL[mode as usize];
        let rule = self
            .options
            .rules
            .get(change, link, direction)
            .unwrap_or_else(|| Rule::new(change, link, direction, Confidence::Potential));
        Hop {
            from: self.snap.universe.element(source),
            to: self.snap.universe.element(to),
            relation: (rel != NONE).then(|| self.snap.universe.relation(rel)),
            rule,
        }
    }

    pub(crate) fn path(&self, confidence: Confidence, pos: u32) -> Vec<Hop<'m>> {
        self.trace(confidence, pos).1
    }

    pub(crate) fn path_with_origin(
        &self,
        confidence: Confidence,
        a: Affected<'_, 'm>,
    ) -> (usize, Vec<Hop<'m>>) {
        self.trace(confidence, a.entry.pos)
    }

    /// The witness path to the state at position `pos` of the search of `confidence`
    /// and the change it starts at, read back from the predecessors.
    fn trace(&self, confidence: Confidence, pos: u32) -> (usize, Vec<Hop<'m>>) {
        let search = self.search(confidence);
        let mut hops = Vec::with_capacity(search.dist_at(pos) as usize);
        let mut at = pos as usize;
        let mut origin = 0;
        // At most one hop per state: a path never revisits a state.
        for _ in 0..search.order.len() {
            let (Some(&s), Some(&p)) = (search.order.get(at), search.preds.get(at)) else {
                break;
            };
            // The half-edge that reached `s` leads to its node.
            let to = s / 2;
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
                    hops.push(self.hop_from(
                        source,
                        to,
                        p.edge,
                        u32::from(p.code),
                        r.kind.index() as u8,
                    ));
                }
                break;
            }
            let from = search.order[p.from as usize];
            hops.push(self.hop_from(from / 2, to, p.edge, u32::from(p.code), (from % 2) as u8));
            at = p.from as usize;
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
        let csr = &self.snap.csr;
        let mut at = node;
        for _ in 0..self.snap.universe.node_count() {
            let mut owners: Vec<u32> = Vec::new();
            for e in csr.of(at) {
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
            match csr.of(at).find(|e| e.code == parent) {
                Some(p) => at = p.to,
                None => break,
            }
        }
        Vec::new()
    }
}

/// Analyzes what `changes` affect in `model`.
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

/// Analyzes what changed from `old` to `new` (the changes [`crate::diff`] finds, then
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
/// [`analyze`] builds one per call; build a snapshot yourself to analyze many change sets
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

    /// Analyzes what `changes` affect, as [`analyze`] does.
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
    // What each element's entry reports: the certain search's states are taken in while
    // the full search still runs on the other thread.
    let mut best = Best(vec![u64::MAX; n]);
    let (certain, potential) = searches(
        csr,
        &resolved,
        &stop,
        options.depth,
        [certain_table, full_table],
        csr.node_count() >= PARALLEL_FROM,
        |certain| best.mark(certain, Confidence::Certain),
    );
    if let Some(p) = &potential {
        best.mark(p, Confidence::Potential);
    }
    let (entries, index) = best.entries(&changed);
    Ok(Impact {
        snap,
        changes,
        resolved,
        options: options.clone(),
        stop,
        changed,
        certain,
        potential,
        entries,
        index,
        schedule: OnceLock::new(),
    })
}

/// Per node: the distance, confidence, mode and position of the state its entry
/// reports, packed so that one word is written per state and read per node; `u64::MAX`
/// when it is not reached. An element's entry is its best confidence, then its shortest
/// distance, then its `modified` state.
struct Best(Vec<u64>);

const POS: u32 = 32;
const REMOVED: u64 = 1 << POS;
const POTENTIAL: u64 = 2 << POS;
const DIST: u32 = POS + 2;

impl Best {
    /// Takes in the states of a search: the certain one first, then the full one.
    /// Searches list their states level by level, so the first state of a node seen in a
    /// search is its nearest.
    fn mark(&mut self, search: &Search, confidence: Confidence) {
        let flag = match confidence {
            Confidence::Certain => 0,
            Confidence::Potential => POTENTIAL,
        };
        let mut level = 0u64;
        let mut starts = search.levels.iter().copied().peekable();
        for (pos, &s) in search.order.iter().enumerate() {
            while starts.next_if(|&l| l as usize <= pos).is_some() {
                level += 1;
            }
            let slot = &mut self.0[(s / 2) as usize];
            let here = level << DIST | flag | u64::from(s % 2) << POS | pos as u64;
            // Both states of an element at the same distance: the `modified` one.
            let modified_too = *slot >> POS & !1 == here >> POS & !1 && s % 2 == 0;
            if *slot == u64::MAX || modified_too {
                *slot = here;
            }
        }
    }

    /// The affected elements, nearest first and in node order within a distance, and per
    /// node its position among them (`NONE` when it is not affected).
    fn entries(&self, changed: &[bool]) -> (Vec<Entry>, Vec<u32>) {
        let best = &self.0;
        let n = best.len();
        // Nearest first, node order within a distance: a counting sort.
        let mut count: Vec<usize> = Vec::new();
        for (v, &b) in best.iter().enumerate() {
            if b != u64::MAX && !changed[v] {
                let d = (b >> DIST) as usize;
                if d >= count.len() {
                    count.resize(d + 1, 0);
                }
                count[d] += 1;
            }
        }
        let mut next = Vec::with_capacity(count.len());
        let mut total = 0;
        for c in &count {
            next.push(total);
            total += c;
        }
        let mut sorted = vec![
            Entry {
                node: NONE,
                dist: NONE,
                pos: NONE,
                confidence: Confidence::Certain,
                removed: false,
            };
            total
        ];
        let mut index = vec![NONE; n];
        for (v, &b) in best.iter().enumerate() {
            if b == u64::MAX || changed[v] {
                continue;
            }
            let d = (b >> DIST) as usize;
            let at = next[d];
            next[d] += 1;
            sorted[at] = Entry {
                node: v as u32,
                dist: d as u32,
                pos: b as u32,
                confidence: if b & POTENTIAL == 0 {
                    Confidence::Certain
                } else {
                    Confidence::Potential
                },
                removed: b & REMOVED != 0,
            };
            index[v] = at as u32;
        }
        (sorted, index)
    }
}

/// The search with the certain rules, handed to `then` as soon as it is done, and, when the full table has more, the one with
/// every rule. The two are independent: with `parallel`, the second runs on another
/// thread. Each is deterministic, so the results do not depend on timing.
fn searches(
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
    preds: Vec<Pred>,
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
        if let Some(i) = csr.range(node).find(|&i| {
            let e = csr.edge(i);
            e.rel == rel && e.code % 2 == parity && !data.contains(&e.code)
        }) {
            *slot = i as u32;
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
    let mut by_ends: Option<HashMap<(u32, u32), Vec<u32>>> = None;
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
                let candidates: Vec<u32> = match r {
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
                            Some(v) => v.clone(),
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
                        let (f, t) = relation_ends(u, from, to)?;
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
                        let empty = data.is_empty();
                        match map.get(&(*kind, f, t, data)) {
                            Some(v) => v.clone(),
                            // Named without the data it carries: the one such relation.
                            None if empty => between(u, &mut by_ends, r, Some(*kind), f, t)?,
                            None => {
                                return Err(Error::UnknownRelation {
                                    relation: r.to_string(),
                                    suggestion: None,
                                });
                            }
                        }
                    }
                    RelationRef::Between { kind, from, to } => {
                        let (f, t) = relation_ends(u, from, to)?;
                        between(u, &mut by_ends, r, *kind, f, t)?
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

/// The nodes of a relation's ends as a change set names them.
fn relation_ends(u: &Universe<'_>, from: &str, to: &str) -> Result<(u32, u32), Error> {
    let node = |id: &str| {
        u.node(id)
            .ok_or_else(|| unknown_element(u, id, "a relation of the change set"))
    };
    Ok((node(from)?, node(to)?))
}

/// The one relation from node `f` to node `t` (of `kind`, when given) that `named` names:
/// an error when there is none (with the nearest relation out of `f` as a suggestion) or
/// several (naming them).
fn between(
    u: &Universe<'_>,
    by_ends: &mut Option<HashMap<(u32, u32), Vec<u32>>>,
    named: &RelationRef,
    kind: Option<RelationKind>,
    f: u32,
    t: u32,
) -> Result<Vec<u32>, Error> {
    let map = by_ends.get_or_insert_with(|| {
        let mut m: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        for i in 0..u.relation_count() as u32 {
            m.entry(u.ends(i)).or_default().push(i);
        }
        m
    });
    let of_kind = |i: &&u32| kind.is_none_or(|k| u.relation(**i).kind() == k);
    let found: Vec<u32> = map
        .get(&(f, t))
        .map(|v| v.iter().filter(of_kind).copied().collect())
        .unwrap_or_default();
    match found.len() {
        1 => Ok(found),
        0 => {
            // The relation of another kind that joins the two, or the way back when a
            // relation goes that way, or the nearest of those that leave `from`.
            let arrow = |a: u32, b: u32| format!("{}->{}", u.element(a).id(), u.element(b).id());
            let fits = |ends: &(u32, u32)| {
                map.get(ends)
                    .is_some_and(|rels| rels.iter().any(|i| of_kind(&i)))
            };
            let other_kind = map.get(&(f, t)).and_then(|rels| rels.first());
            let prefix = kind.map(|k| format!("{k}:")).unwrap_or_default();
            let suggestion = if let Some(&other) = other_kind {
                Some(format!("{}:{}", u.relation(other).kind(), arrow(f, t)))
            } else if fits(&(t, f)) {
                Some(format!("{prefix}{}", arrow(t, f)))
            } else {
                // Where the relations that leave `from` go: the one whose id begins with
                // the id given (`tmt->eures` for `tmt->eures-portaali`), else the nearest.
                let mut near: Vec<&str> = map
                    .keys()
                    .filter(|ends| ends.0 == f && fits(ends))
                    .map(|&(_, b)| u.element(b).id().as_str())
                    .collect();
                near.sort_unstable();
                let to = u.element(t).id().as_str();
                let mut starting = near.iter().filter(|b| b.starts_with(to));
                match (starting.next(), starting.next()) {
                    (Some(b), None) => Some(*b),
                    _ => ecograph_core::suggest::closest(to, near.iter().copied()),
                }
                .map(|b| format!("{prefix}{}->{b}", u.element(f).id()))
            };
            Err(Error::UnknownRelation {
                relation: named.to_string(),
                suggestion,
            })
        }
        _ => Err(Error::AmbiguousRelation {
            relation: named.to_string(),
            candidates: found
                .iter()
                .map(|&i| {
                    let r = u.relation(i);
                    let mut d = match r.id() {
                        Some(id) => format!("`{id}` ({})", r.kind()),
                        None => format!("`{}`", r.kind()),
                    };
                    let data: Vec<&str> = r.data_carried().map(|x| x.id().as_str()).collect();
                    if !data.is_empty() {
                        d.push_str(&format!(" carrying `{}`", data.join("`, `")));
                    }
                    d
                })
                .collect(),
        }),
    }
}

fn stops(u: &Universe<'_>, stop_at: &[StopAt]) -> Result<Vec<bool>, Error> {
    if stop_at.is_empty() {
        return Ok(Vec::new());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
