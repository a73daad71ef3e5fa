//! The result of an analysis: the affected elements, each with its distance, confidence,
//! the changes it comes from, a witness path read back from the search, and its owners.

use crate::analyze::Snap;
use crate::change::{Change, ChangeKind, ChangeSet};
use crate::delay;
use crate::graph::{NONE, decode};
use crate::resolve::{Resolved, Target};
use crate::rules::{Confidence, Effect, Link, Options, Rule};
use crate::search::{SEED, Search};
use ecograph_core::Direction;
use ecograph_core::{Element, ElementSet, Relation, RelationKind};
use ecograph_schedule::{DelayReport, Error as ScheduleError};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

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
/// Built by [`crate::analyze`] or [`crate::analyze_since`]. Elements are listed nearest first, then in
/// file order (elements only an old model has come last).
#[derive(Debug)]
pub struct Impact<'m> {
    pub(crate) snap: Arc<Snap<'m>>,
    pub(crate) changes: ChangeSet,
    pub(crate) resolved: Vec<Resolved>,
    pub(crate) options: Options,
    /// Per node, whether it is a stop element; empty when there is none.
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
    /// Per node, the node whose `responsible` relations name its owners (itself or its
    /// nearest container with some), `NONE` when there is none; worked out when first
    /// asked for.
    pub(crate) owner_of: OnceLock<Vec<u32>>,
}

/// What the delays of a change set do to the plan.
#[derive(Debug)]
pub(crate) struct Schedule<'m> {
    report: Option<Result<DelayReport<'m>, ScheduleError>>,
    slips: HashMap<u32, i64>,
}

/// One hop between two elements along a link: of a witness path (with the rule that
/// fired), or of a chain of relations [`crate::why`] shows where impact stops.
///
/// The same shape as the core's `Relation` and `Step`: `h.from()`, `h.to()`,
/// `h.relation()`, `h.direction()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop<'m> {
    pub(crate) from: Element<'m>,
    pub(crate) to: Element<'m>,
    pub(crate) relation: Option<Relation<'m>>,
    pub(crate) link: Link,
    pub(crate) direction: Direction,
    pub(crate) rule: Option<Rule>,
}

impl<'m> Hop<'m> {
    /// The element the hop leaves.
    pub fn from(&self) -> Element<'m> {
        self.from
    }
    /// The element the hop reaches.
    pub fn to(&self) -> Element<'m> {
        self.to
    }
    /// The relation followed; `None` for containment (`parent`). For a `data` hop, the
    /// flow that carries the data.
    pub fn relation(&self) -> Option<Relation<'m>> {
        self.relation
    }
    /// What was followed.
    pub fn link(&self) -> Link {
        self.link
    }
    /// Which way: `Outgoing` from a relation's `from` to its `to` (for `parent`, from the
    /// part to its container; for `data`, from the data to the flow's ends), `Incoming`
    /// the other way.
    pub fn direction(&self) -> Direction {
        self.direction
    }
    /// The rule that fired: always there on a witness path; on a chain [`crate::why`]
    /// shows, the rule of each step before the one where impact stops.
    pub fn rule(&self) -> Option<Rule> {
        self.rule
    }
    /// `--uses-->` or `<--uses--`.
    pub(crate) fn arrow(&self) -> String {
        match self.direction {
            Direction::Incoming => format!("<--{}--", self.link),
            _ => format!("--{}-->", self.link),
        }
    }
}

/// An affected element in an [`Impact`].
#[derive(Debug, Clone, Copy)]
pub struct Affected<'i, 'm> {
    pub(crate) impact: &'i Impact<'m>,
    pub(crate) entry: Entry,
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
    /// What the element undergoes: `Removed` when it counts as removed with its
    /// confidence (by the default rules, as the contents of a removed container), also
    /// where its nearest witness path, the one reported, makes it modified (the
    /// container of a removed part that is inside a removed container too); else
    /// `Modified`.
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
    /// The last hop of the witness path: the element impact comes from, the relation and
    /// the rule. Following `via().from()` back, affected element by affected element,
    /// rebuilds a chain of hops from a change in constant time per hop.
    pub fn via(&self) -> Option<Hop<'m>> {
        self.impact.last_hop(self.entry.confidence, self.entry.pos)
    }
    /// A witness path: the hops from a changed element to this one. Its first hop leaves
    /// the changed element (for a changed relation, it is that relation).
    pub fn path(&self) -> Vec<Hop<'m>> {
        self.impact.path(self.entry.confidence, self.entry.pos)
    }
    /// The last `max` hops of [`Affected::path`] (the ones nearest this element), and
    /// whether that is the whole path: bounded work however long the path is.
    pub fn path_tail(&self, max: usize) -> (Vec<Hop<'m>>, bool) {
        self.impact
            .last_hops(self.entry.confidence, self.entry.pos, max)
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
    /// The affected elements as a set over the analyzed model (for render's highlight or
    /// set algebra). Elements only an old model has ([`crate::analyze_since`]) are left
    /// out.
    pub fn affected_set(&self) -> ElementSet<'m> {
        let model = self.snap.universe.model;
        let mut set = ElementSet::new(model);
        for e in &self.entries {
            if (e.node as usize) < model.element_count() {
                set.insert(self.snap.universe.element(e.node));
            }
        }
        set
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

    /// Whether a node is a stop element.
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
            link,
            direction,
            rule: Some(rule),
        }
    }

    pub(crate) fn path(&self, confidence: Confidence, pos: u32) -> Vec<Hop<'m>> {
        self.trace(confidence, pos).1
    }

    /// The hop that first reached the state at position `at` of `search` (`None` for a
    /// changed element's own state), and where it came from: `Ok` with the position of
    /// the state it leaves, or `Err` with the index of the change it starts at.
    pub(crate) fn step_back(
        &self,
        search: &Search,
        at: usize,
    ) -> (Option<Hop<'m>>, Result<usize, usize>) {
        let (Some(&s), Some(&p)) = (search.order.get(at), search.preds.get(at)) else {
            return (None, Err(0));
        };
        // The half-edge that reached `s` leads to its node.
        let to = s / 2;
        if p.from & SEED != 0 {
            let origin = (p.from & !SEED) as usize;
            if p.edge == NONE {
                return (None, Err(origin));
            }
            let r = self.resolved[origin];
            let source = match r.target {
                Target::Node(v) => v,
                // The relation's own half-edges: at `from`, then at `to`.
                Target::Rel(rel) if r.edges[0] == p.edge => self.snap.universe.ends(rel).0,
                Target::Rel(rel) => self.snap.universe.ends(rel).1,
            };
            let hop = self.hop_from(source, to, p.edge, u32::from(p.code), r.kind.index() as u8);
            return (Some(hop), Err(origin));
        }
        let from = search.order[p.from as usize];
        let hop = self.hop_from(from / 2, to, p.edge, u32::from(p.code), (from % 2) as u8);
        (Some(hop), Ok(p.from as usize))
    }

    /// The last hop of the witness path to the state at position `pos` of the search of
    /// `confidence`.
    pub(crate) fn last_hop(&self, confidence: Confidence, pos: u32) -> Option<Hop<'m>> {
        self.step_back(self.search(confidence), pos as usize).0
    }

    /// The last `max` hops of the witness path to the state at position `pos` of the
    /// search of `confidence`, and whether that is the whole path.
    pub(crate) fn last_hops(
        &self,
        confidence: Confidence,
        pos: u32,
        max: usize,
    ) -> (Vec<Hop<'m>>, bool) {
        let search = self.search(confidence);
        let mut hops = Vec::new();
        let mut at = pos as usize;
        let mut whole = false;
        while hops.len() < max {
            let (hop, next) = self.step_back(search, at);
            hops.extend(hop);
            match next {
                Ok(p) => at = p,
                Err(_) => {
                    whole = true;
                    break;
                }
            }
        }
        if !whole {
            // Exactly `max` hops: whole when the state they start at is a change's own.
            whole = matches!(self.step_back(search, at), (None, Err(_)));
        }
        hops.reverse();
        (hops, whole)
    }

    /// The witness path to the state at position `pos` of the search of `confidence`
    /// and the change it starts at, read back from the predecessors.
    fn trace(&self, confidence: Confidence, pos: u32) -> (usize, Vec<Hop<'m>>) {
        let search = self.search(confidence);
        let mut hops = Vec::with_capacity(search.dist_at(pos) as usize);
        let mut at = pos as usize;
        // At most one hop per state: a path never revisits a state.
        for _ in 0..search.order.len() {
            let (hop, next) = self.step_back(search, at);
            hops.extend(hop);
            match next {
                Ok(p) => at = p,
                Err(origin) => {
                    hops.reverse();
                    return (origin, hops);
                }
            }
        }
        hops.reverse();
        (0, hops)
    }

    /// Who must act for a node: the actors and roles `responsible` for it, or, when it has
    /// none, for its nearest container that has some. In file order.
    pub(crate) fn owners(&self, node: u32) -> Vec<Element<'m>> {
        let responsible = crate::graph::code(
            Link::Relation(RelationKind::Responsible),
            Direction::Incoming,
        );
        let csr = &self.snap.csr;
        let at = self.owned_by(node);
        if at == NONE {
            return Vec::new();
        }
        let mut owners: Vec<u32> = csr
            .of(at)
            .filter(|e| e.code == responsible)
            .map(|e| e.to)
            .collect();
        owners.sort_unstable();
        owners.dedup();
        owners
            .into_iter()
            .map(|o| self.snap.universe.element(o))
            .collect()
    }

    /// The node itself or its nearest container that has a `responsible` relation,
    /// `NONE` when none has. Worked out once for all nodes (each containment chain is
    /// walked once), so that the owners of every affected element take linear time.
    fn owned_by(&self, node: u32) -> u32 {
        let table = self.owner_of.get_or_init(|| {
            let responsible = crate::graph::code(
                Link::Relation(RelationKind::Responsible),
                Direction::Incoming,
            );
            let parent = crate::graph::code(Link::Parent, Direction::Outgoing);
            let csr = &self.snap.csr;
            let n = self.snap.universe.node_count();
            // `UNKNOWN` until worked out.
            const UNKNOWN: u32 = NONE - 1;
            let mut of = vec![UNKNOWN; n];
            let mut chain: Vec<u32> = Vec::new();
            for v in 0..n as u32 {
                let mut at = v;
                let found = loop {
                    if of[at as usize] != UNKNOWN {
                        break of[at as usize];
                    }
                    if csr.of(at).any(|e| e.code == responsible) {
                        break at;
                    }
                    chain.push(at);
                    // A containment cycle cannot be in a valid model; stop at a repeat
                    // anyway rather than loop.
                    match csr.of(at).find(|e| e.code == parent) {
                        Some(p) if chain.len() <= n => at = p.to,
                        _ => break NONE,
                    }
                };
                for c in chain.drain(..) {
                    of[c as usize] = found;
                }
                if of[v as usize] == UNKNOWN {
                    of[v as usize] = found;
                }
            }
            of
        });
        table.get(node as usize).copied().unwrap_or(NONE)
    }
}

/// Per node: the distance, confidence, mode and position of the state its entry
/// reports, packed so that one word is written per state and read per node; `u64::MAX`
/// when it is not reached. An element's entry is its best confidence, then its shortest
/// distance, then its `modified` state. Beside it, per node and confidence, whether
/// its `removed` state is reached at all: the element then counts as removed (its
/// [`Affected::effect`]), whichever state is nearer.
pub(crate) struct Best(Vec<u64>, [Vec<bool>; 2]);

const POS: u32 = 32;
const REMOVED: u64 = 1 << POS;
const POTENTIAL: u64 = 2 << POS;
const DIST: u32 = POS + 2;

impl Best {
    /// Nothing reached yet, for `n` nodes.
    pub(crate) fn new(n: usize) -> Best {
        Best(vec![u64::MAX; n], [vec![false; n], vec![false; n]])
    }

    /// Takes in the states of a search: the certain one first, then the full one.
    /// Searches list their states level by level, so the first state of a node seen in a
    /// search is its nearest.
    pub(crate) fn mark(&mut self, search: &Search, confidence: Confidence) {
        let (flag, removed) = match confidence {
            Confidence::Certain => (0, &mut self.1[0]),
            Confidence::Potential => (POTENTIAL, &mut self.1[1]),
        };
        let mut level = 0u64;
        let mut starts = search.levels.iter().copied().peekable();
        for (pos, &s) in search.order.iter().enumerate() {
            while starts.next_if(|&l| l as usize <= pos).is_some() {
                level += 1;
            }
            if s % 2 == 1 {
                removed[(s / 2) as usize] = true;
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
    pub(crate) fn entries(&self, changed: &[bool]) -> (Vec<Entry>, Vec<u32>) {
        let best = &self.0;
        let [removed_certain, removed_potential] = &self.1;
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
                // Removed when its removed state is reached with its confidence, also
                // where the reported (nearest) state is the modified one.
                removed: b & REMOVED != 0
                    || if b & POTENTIAL == 0 {
                        removed_certain[v]
                    } else {
                        removed_potential[v]
                    },
            };
            index[v] = at as u32;
        }
        (sorted, index)
    }
}
