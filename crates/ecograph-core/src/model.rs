//! The validated, immutable model and borrowed handles into it.

use crate::diag::Diagnostics;
use crate::time::{Duration, Period};
use crate::{ElementKind, RelationKind, Status, Text, View};
use petgraph::Direction as PgDir;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// The id of an element as written in the model file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementId(Box<str>);

impl ElementId {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ElementId {
    fn from(s: &str) -> Self {
        ElementId(s.into())
    }
}

impl Borrow<str> for ElementId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ElementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// Checks the id's syntax (what the model file allows); whether an element has the id
/// is [`Model::element`]'s question.
///
/// ```
/// use ecograph_core::ElementId;
/// let id: ElementId = "ra.B".parse()?;
/// assert_eq!(format!("[{id:<6}]"), "[ra.B  ]");
/// assert!("no spaces".parse::<ElementId>().is_err());
/// # Ok::<(), ecograph_core::Error>(())
/// ```
impl std::str::FromStr for ElementId {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<ElementId, crate::Error> {
        if crate::validate::is_valid_id(s) {
            Ok(ElementId::from(s))
        } else {
            Err(crate::Error::Parse {
                what: "id",
                input: s.to_owned(),
                expected: "an id that starts with a letter or digit and has only letters, digits, `_`, `.`, `:` and `-`",
            })
        }
    }
}

/// The position of an element in its model's file order: a dense index,
/// `0..model.element_count()`, that arrays and bitsets can be keyed by.
///
/// It is the node identifier of [`ModelGraph`](crate::ModelGraph), and an [`Element`]
/// converts into it. It is *not* a petgraph index: it never shifts, because a [`Model`]
/// never changes.
///
/// ```
/// use ecograph_core::{ElementIndex, Model};
/// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
///     {"id": "a", "kind": "system", "name": "A"}, {"id": "b", "kind": "system", "name": "B"}]}"#)?;
/// let b = model.element("b").expect("defined");
/// let ix = ElementIndex::from(b);
/// assert_eq!(ix.index(), 1);
/// assert_eq!(model.element_by_index(ix), Some(b));
/// # Ok::<(), ecograph_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ElementIndex(pub(crate) u32);

impl ElementIndex {
    /// The index for a position in file order. Positions past `u32::MAX` do not exist in
    /// any model and map to `u32::MAX`, which no element has.
    pub fn new(index: usize) -> ElementIndex {
        ElementIndex(u32::try_from(index).unwrap_or(u32::MAX))
    }
    /// The position in file order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl From<Element<'_>> for ElementIndex {
    fn from(e: Element<'_>) -> ElementIndex {
        ElementIndex(e.ix)
    }
}

impl fmt::Display for ElementIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// FxHash: ids are short strings and hashing them dominates loading; the index is never
/// iterated, so its order cannot reach any output.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn finish(&self) -> u64 {
        // Fold the well-mixed high bits into the low bits that pick the bucket.
        let h = self.0;
        (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

fn hash_id(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    // murmur3's fmix64: every input bit reaches the low bits that pick the slot.
    let mut x = h.0 ^ id.len() as u64;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

/// The id -> element index: open addressing with linear probing over 32-byte, aligned
/// entries that hold the element's kind, the id's length and its first 24 bytes inline.
/// Resolving millions of relation endpoints is bound by cache and TLB misses; with the
/// key and the kind inline, checking an endpoint of an id of up to 24 bytes touches one
/// cache line and nothing else. Longer ids are confirmed against the arena that holds
/// every id back to back.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    arena: String,
    spans: Vec<(u32, u32)>,
    table: Vec<Slot>,
}

/// 32 bytes, aligned: a slot never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    /// `u32::MAX` when empty.
    ix: u32,
    len: u16,
    /// The element's kind, so that checking a relation endpoint needs no other lookup.
    kind: ElementKind,
    head: [u8; HEAD],
}

const EMPTY: Slot = Slot {
    ix: u32::MAX,
    len: 0,
    kind: ElementKind::Group,
    head: [0; HEAD],
};

const HEAD: usize = 24;

/// The length kept in a slot. Ids longer than `u16::MAX` bytes (valid, if unlikely) all
/// keep `u16::MAX`: they are longer than the inline head, so a match on length and head
/// is always confirmed against the whole id in the arena.
fn slot_len(id: &str) -> u16 {
    u16::try_from(id.len()).unwrap_or(u16::MAX)
}

fn head(id: &str) -> [u8; HEAD] {
    let mut h = [0; HEAD];
    let n = id.len().min(HEAD);
    h[..n].copy_from_slice(&id.as_bytes()[..n]);
    h
}

impl IdIndex {
    pub fn with_capacity(n: usize) -> IdIndex {
        IdIndex {
            arena: String::new(),
            spans: Vec::with_capacity(n),
            table: vec![EMPTY; (n * 2).next_power_of_two().max(16)],
        }
    }

    pub fn id(&self, ix: u32) -> &str {
        let (start, len) = self.spans[ix as usize];
        &self.arena[start as usize..(start + len) as usize]
    }

    /// Every id, in insertion order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.spans.len() as u32).map(|i| self.id(i))
    }

    /// The slot holding `id`, or the empty slot where it would go.
    fn slot(&self, id: &str) -> (usize, Option<u32>) {
        let (pos, found) = self.slot_kind(id);
        (pos, found.map(|(ix, _)| ix))
    }

    /// The element index and kind of `id`.
    pub fn get_kind(&self, id: &str) -> Option<(u32, ElementKind)> {
        self.slot_kind(id).1
    }

    fn slot_kind(&self, id: &str) -> (usize, Option<(u32, ElementKind)>) {
        let mask = self.table.len() - 1;
        let (len, key) = (slot_len(id), head(id));
        let mut pos = hash_id(id) as usize & mask;
        loop {
            let e = &self.table[pos];
            if e.ix == u32::MAX {
                return (pos, None);
            }
            if e.len == len && e.head == key && (usize::from(len) <= HEAD || self.id(e.ix) == id) {
                return (pos, Some((e.ix, e.kind)));
            }
            pos = (pos + 1) & mask;
        }
    }

    pub fn get(&self, id: &str) -> Option<u32> {
        self.slot(id).1
    }

    /// Reads the first two slots of every id and returns something derived from them, so
    /// that the lookups that follow find them in cache: independent loads overlap their
    /// misses, where one lookup after another would wait for each miss in turn. The ids
    /// are all hashed first: a loop of bare loads keeps many more misses in flight than
    /// one that hashes between them.
    pub fn touch_all<'a>(&self, ids: impl Iterator<Item = &'a str>) -> u32 {
        let mask = self.table.len() - 1;
        let mut pos = [0u32; 4 * crate::validate::BATCH];
        let mut n = 0;
        for id in ids.take(pos.len()) {
            pos[n] = (hash_id(id) as usize & mask) as u32;
            n += 1;
        }
        // The next slot too: half the lookups probe it, and it may be in the next line.
        pos[..n].iter().fold(0, |acc, &p| {
            acc ^ self.table[p as usize].ix ^ self.table[(p as usize + 1) & mask].ix
        })
    }

    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Adds `id` with the next index; `Err` with the existing index if it is there.
    pub fn insert(&mut self, id: &str, kind: ElementKind) -> Result<u32, u32> {
        if (self.spans.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        match self.slot(id) {
            (_, Some(ix)) => Err(ix),
            (pos, None) => {
                let ix = self.spans.len() as u32;
                self.spans.push((self.arena.len() as u32, id.len() as u32));
                self.arena.push_str(id);
                self.table[pos] = Slot {
                    ix,
                    kind,
                    len: slot_len(id),
                    head: head(id),
                };
                Ok(ix)
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(16);
        let old = std::mem::replace(&mut self.table, vec![EMPTY; size]);
        let mask = self.table.len() - 1;
        for e in old.into_iter().filter(|e| e.ix != u32::MAX) {
            let mut pos = hash_id(self.id(e.ix)) as usize & mask;
            while self.table[pos].ix != u32::MAX {
                pos = (pos + 1) & mask;
            }
            self.table[pos] = e;
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ElementData {
    pub id: ElementId,
    pub kind: ElementKind,
    pub name: Text,
    pub description: Option<Text>,
    pub parent: Option<u32>,
    pub tags: Box<[Box<str>]>,
    pub properties: Box<[(Box<str>, Box<str>)]>,
    pub status: Option<Status>,
    pub start: Option<Period>,
    pub end: Option<Period>,
}

#[derive(Debug, Clone)]
pub(crate) struct RelationData {
    pub kind: RelationKind,
    pub from: u32,
    pub to: u32,
    pub more: Option<Box<RelationMore>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RelationMore {
    pub id: Option<Box<str>>,
    pub label: Option<Text>,
    pub tags: Vec<Box<str>>,
    pub properties: Vec<(Box<str>, Box<str>)>,
    pub data: Vec<u32>,
    pub lag: Option<Duration>,
}

/// A validated ecosystem model. Immutable; cheap to query; `Send + Sync`.
///
/// Elements and relations keep the order of the model file. Every query that returns
/// several items returns them in a deterministic order.
#[derive(Debug, Clone)]
pub struct Model {
    pub(crate) name: Option<Text>,
    pub(crate) description: Option<Text>,
    pub(crate) schema: Option<String>,
    pub(crate) languages: Vec<String>,
    pub(crate) elements: Vec<ElementData>,
    pub(crate) relations: Vec<RelationData>,
    pub(crate) views: Vec<View>,
    pub(crate) index: IdIndex,
    /// Node `i` is element `i`; edge weights are relation indices.
    pub(crate) graph: DiGraph<(), u32, u32>,
    /// Children of element `i` are `child_list[child_start[i]..child_start[i + 1]]`.
    pub(crate) child_start: Vec<u32>,
    pub(crate) child_list: Vec<u32>,
    /// How deep element `i` is in its containment tree (a root is 0), computed once so
    /// that [`Element::depth`] is O(1) on deep chains.
    pub(crate) depth: Vec<u32>,
    /// View positions sorted by id (then position), so that [`Model::view`] is a binary
    /// search: `diff` of two models with 100k views looks every view up.
    pub(crate) view_order: Vec<u32>,
    pub(crate) warnings: Diagnostics,
    /// What other crates derive from the whole model, made once ([`Model::derived`]).
    pub(crate) derived: Derived,
}

/// The values of [`Model::derived`], one per type. Behind a trait object: a `Mutex`
/// seen in the model's type would make every `Element` (which holds the model) a key
/// type clippy calls mutable, in every `HashSet` of elements.
#[derive(Clone)]
pub(crate) struct Derived(std::sync::Arc<dyn Values>);

impl Default for Derived {
    fn default() -> Derived {
        Derived(std::sync::Arc::new(std::sync::Mutex::new(Vec::new())))
    }
}

type DerivedValue = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// The store of [`Derived`].
trait Values: Send + Sync {
    /// The values, locked while `f` runs.
    fn with(&self, f: &mut dyn FnMut(&mut Vec<DerivedValue>));
}

impl Values for std::sync::Mutex<Vec<DerivedValue>> {
    fn with(&self, f: &mut dyn FnMut(&mut Vec<DerivedValue>)) {
        f(&mut self.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

impl fmt::Debug for Derived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Derived")
    }
}

/// Which way to follow relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// From `from` to `to` only.
    Outgoing,
    /// From `to` back to `from` only.
    Incoming,
    /// Both ways.
    Both,
}

impl Model {
    /// A value derived from the whole model by `make`, made on the first call for its
    /// type and shared by every later call (and by clones of the model): what a caller
    /// needs of every element once per model but reads once per view, such as the
    /// render crate's diagram node ids, which depend on every element id.
    ///
    /// ```
    /// use ecograph_core::Model;
    /// # fn main() -> Result<(), ecograph_core::Error> {
    /// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///     {"id": "a", "kind": "group", "name": "A"}]}"#)?;
    /// struct Ids(Vec<String>);
    /// let make = |m: &Model| Ids(m.elements().map(|e| e.id().to_string()).collect());
    /// let first = model.derived(make);
    /// let again = model.derived(|_: &Model| Ids(Vec::new()));
    /// assert!(std::sync::Arc::ptr_eq(&first, &again));
    /// assert_eq!(again.0, ["a"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn derived<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce(&Model) -> T,
    ) -> std::sync::Arc<T> {
        let find = |values: &mut Vec<DerivedValue>| {
            values
                .iter()
                .find_map(|v| std::sync::Arc::clone(v).downcast::<T>().ok())
        };
        let mut found = None;
        self.derived.0.with(&mut |values| found = find(values));
        if let Some(v) = found {
            return v;
        }
        // Made without the lock held, so that `make` may ask for other derived values;
        // two threads making the same value at once keep the first one stored.
        let made = std::sync::Arc::new(make(self));
        let mut kept = None;
        self.derived.0.with(&mut |values| {
            kept = find(values);
            if kept.is_none() {
                values.push(made.clone());
            }
        });
        kept.unwrap_or(made)
    }

    /// The model's name.
    pub fn name(&self) -> Option<&Text> {
        self.name.as_ref()
    }
    /// The model's description.
    pub fn description(&self) -> Option<&Text> {
        self.description.as_ref()
    }
    /// The `$schema` given in the file.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }
    /// The model's languages, the default first.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }
    /// The default language.
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or("en", String::as_str)
    }
    /// The warnings found when the model was validated.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The number of elements.
    pub fn element_count(&self) -> usize {
        self.elements.len()
    }
    /// The number of relations.
    pub fn relation_count(&self) -> usize {
        self.relations.len()
    }

    /// The element with this id.
    pub fn element(&self, id: &str) -> Option<Element<'_>> {
        self.index.get(id).map(|ix| Element { model: self, ix })
    }

    /// The element at a position in file order (`0..element_count()`), as given by
    /// [`Element::index`]. Dense indices let analyses keep their own arrays.
    pub fn element_at(&self, index: usize) -> Option<Element<'_>> {
        (index < self.elements.len()).then_some(Element {
            model: self,
            ix: index as u32,
        })
    }

    /// The element at an [`ElementIndex`] (which may come from another model: then it
    /// is simply a position).
    pub fn element_by_index(&self, index: ElementIndex) -> Option<Element<'_>> {
        self.element_at(index.index())
    }

    /// The relation at a position in file order (`0..relation_count()`).
    pub fn relation_at(&self, index: usize) -> Option<Relation<'_>> {
        (index < self.relations.len()).then_some(Relation {
            model: self,
            ix: index as u32,
        })
    }

    /// Every element, in file order.
    pub fn elements(&self) -> impl ExactSizeIterator<Item = Element<'_>> + '_ {
        (0..self.elements.len() as u32).map(move |ix| Element { model: self, ix })
    }

    /// Every element of a kind.
    pub fn elements_of_kind(&self, kind: ElementKind) -> impl Iterator<Item = Element<'_>> + '_ {
        self.elements().filter(move |e| e.kind() == kind)
    }

    /// Every element with a tag, in file order. The tag is only borrowed for the call.
    pub fn elements_with_tag(&self, tag: &str) -> impl Iterator<Item = Element<'_>> + '_ {
        let tag: Box<str> = tag.into();
        self.elements().filter(move |e| e.has_tag(&tag))
    }

    /// Every task with a status.
    pub fn tasks_with_status(&self, status: Status) -> impl Iterator<Item = Element<'_>> + '_ {
        self.elements().filter(move |e| e.status() == Some(status))
    }

    /// The elements with no parent, in file order.
    pub fn roots(&self) -> impl Iterator<Item = Element<'_>> + '_ {
        self.elements().filter(|e| e.parent().is_none())
    }

    /// Every relation, in file order.
    pub fn relations(&self) -> impl ExactSizeIterator<Item = Relation<'_>> + '_ {
        (0..self.relations.len() as u32).map(move |ix| Relation { model: self, ix })
    }

    /// Every relation of a kind.
    pub fn relations_of_kind(&self, kind: RelationKind) -> impl Iterator<Item = Relation<'_>> + '_ {
        self.relations().filter(move |r| r.kind() == kind)
    }

    /// The views defined in the model file, in file order.
    pub fn views(&self) -> &[View] {
        &self.views
    }

    /// The view with this id (the first in file order if several have it). O(log views).
    pub fn view(&self, id: &str) -> Option<&View> {
        if self.view_order.len() != self.views.len() {
            return self.views.iter().find(|v| v.id == id);
        }
        let at = self
            .view_order
            .partition_point(|&k| self.views[k as usize].id.as_str() < id);
        self.view_order
            .get(at)
            .map(|&k| &self.views[k as usize])
            .filter(|v| v.id == id)
    }

    /// Elements whose name (in any language) or id contains `query`, ignoring case and
    /// the accents of Latin letters (`tyomarkkina` finds Työmarkkinatori).
    pub fn search<'m>(&'m self, query: &str) -> impl Iterator<Item = Element<'m>> + 'm {
        let q = crate::suggest::unaccented(query);
        self.elements().filter(move |e| {
            crate::suggest::unaccented(e.id().as_str()).contains(&q)
                || e.name()
                    .values()
                    .any(|v| crate::suggest::unaccented(v).contains(&q))
        })
    }

    /// The elements within `depth` relations of `start` (not `start` itself), following
    /// relations of the given kinds (all kinds when `kinds` is empty) in `direction`, with
    /// their distance, nearest first and in file order within a distance.
    /// `linked` relations are followed both ways whatever the direction.
    pub fn neighbours<'m>(
        &'m self,
        start: Element<'m>,
        depth: usize,
        kinds: &[RelationKind],
        direction: Direction,
    ) -> impl Iterator<Item = (Element<'m>, usize)> + 'm {
        let bfs = self.bfs(start.ix, depth, kinds, direction, None);
        let mut found: Vec<(usize, u32)> = bfs
            .dist
            .iter()
            .enumerate()
            .filter(|&(i, d)| *d != u32::MAX && i as u32 != start.ix)
            .map(|(i, &d)| (d as usize, i as u32))
            .collect();
        found.sort_unstable();
        found
            .into_iter()
            .map(move |(d, ix)| (Element { model: self, ix }, d))
    }

    /// A shortest chain of relations from `from` to `to`, following relations of the
    /// given kinds (all when empty) in `direction`; among equally short chains, the one
    /// that uses relations earliest in the file. `None` when there is none.
    pub fn shortest_path<'m>(
        &'m self,
        from: Element<'m>,
        to: Element<'m>,
        kinds: &[RelationKind],
        direction: Direction,
    ) -> Option<Path<'m>> {
        let bfs = self.bfs(from.ix, usize::MAX, kinds, direction, Some(to.ix));
        if bfs.dist[to.ix as usize] == u32::MAX {
            return None;
        }
        let mut steps = Vec::new();
        let mut at = to.ix;
        while at != from.ix {
            let (rel, prev) = bfs.pred[at as usize]?;
            let r = &self.relations[rel as usize];
            steps.push(Step {
                relation: Relation {
                    model: self,
                    ix: rel,
                },
                forward: r.from == prev,
            });
            at = prev;
        }
        steps.reverse();
        Some(Path { start: from, steps })
    }

    /// Breadth-first search over the relation graph; edges are taken in file order so the
    /// result (distances and predecessors) is deterministic.
    fn bfs(
        &self,
        start: u32,
        depth: usize,
        kinds: &[RelationKind],
        direction: Direction,
        stop_at: Option<u32>,
    ) -> Bfs {
        let n = self.elements.len();
        let mut dist = vec![u32::MAX; n];
        let mut pred: Vec<Option<(u32, u32)>> = vec![None; n];
        dist[start as usize] = 0;
        let mut queue = VecDeque::from([start]);
        let mut edges: Vec<(u32, u32)> = Vec::new();
        while let Some(at) = queue.pop_front() {
            let d = dist[at as usize];
            if d as usize >= depth || Some(at) == stop_at {
                continue;
            }
            edges.clear();
            self.for_each_edge(at, kinds, direction, |rel, other| edges.push((rel, other)));
            edges.sort_unstable();
            for &(rel, other) in &edges {
                if dist[other as usize] == u32::MAX {
                    dist[other as usize] = d + 1;
                    pred[other as usize] = Some((rel, at));
                    queue.push_back(other);
                }
            }
        }
        Bfs { dist, pred }
    }

    /// Calls `f(relation, other end)` for every relation at element `at` that is of one
    /// of `kinds` (any when empty) and goes along `direction` (`linked` goes both ways).
    pub(crate) fn for_each_edge(
        &self,
        at: u32,
        kinds: &[RelationKind],
        direction: Direction,
        mut f: impl FnMut(u32, u32),
    ) {
        let node = NodeIndex::new(at as usize);
        for (pg_dir, outgoing) in [(PgDir::Outgoing, true), (PgDir::Incoming, false)] {
            for e in self.graph.edges_directed(node, pg_dir) {
                let rel = *e.weight();
                let r = &self.relations[rel as usize];
                let along = match direction {
                    Direction::Both => true,
                    Direction::Outgoing => outgoing || r.kind == RelationKind::Linked,
                    Direction::Incoming => !outgoing || r.kind == RelationKind::Linked,
                };
                if along && (kinds.is_empty() || kinds.contains(&r.kind)) {
                    f(rel, if outgoing { r.to } else { r.from });
                }
            }
        }
    }

    /// [`Model::for_each_edge`] without the relation.
    pub(crate) fn for_each_neighbour(
        &self,
        at: u32,
        kinds: &[RelationKind],
        direction: Direction,
        mut f: impl FnMut(u32),
    ) {
        self.for_each_edge(at, kinds, direction, |_, other| f(other));
    }

    pub(crate) fn relation_indices(&self, ix: u32, dir: PgDir) -> Vec<u32> {
        let mut rels: Vec<u32> = self
            .graph
            .edges_directed(NodeIndex::new(ix as usize), dir)
            .map(|e| *e.weight())
            .collect();
        rels.sort_unstable();
        rels
    }
}

struct Bfs {
    dist: Vec<u32>,
    pred: Vec<Option<(u32, u32)>>,
}

/// A borrowed handle to an element.
#[derive(Clone, Copy)]
pub struct Element<'m> {
    model: &'m Model,
    ix: u32,
}

impl PartialEq for Element<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.model, other.model) && self.ix == other.ix
    }
}
impl Eq for Element<'_> {}

/// Consistent with `Eq`: the model's address and the element's index.
impl std::hash::Hash for Element<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.model, state);
        self.ix.hash(state);
    }
}

/// Elements of one model are ordered as in the file ([`Element::index`]); elements of
/// different models by the models' addresses first, so the order is total.
impl Ord for Element<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let a = std::ptr::from_ref(self.model) as usize;
        let b = std::ptr::from_ref(other.model) as usize;
        (a, self.ix).cmp(&(b, other.ix))
    }
}
impl PartialOrd for Element<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({} {})", self.kind(), self.id())
    }
}

impl<'m> Element<'m> {
    fn data(&self) -> &'m ElementData {
        &self.model.elements[self.ix as usize]
    }
    /// The model this element belongs to.
    pub fn model(&self) -> &'m Model {
        self.model
    }
    /// The element's position in file order; dense, `0..model.element_count()`.
    pub fn index(&self) -> usize {
        self.ix as usize
    }
    /// The element's position as an [`ElementIndex`].
    pub fn element_index(&self) -> ElementIndex {
        ElementIndex(self.ix)
    }
    /// The id.
    pub fn id(&self) -> &'m ElementId {
        &self.data().id
    }
    /// The kind.
    pub fn kind(&self) -> ElementKind {
        self.data().kind
    }
    /// The name.
    pub fn name(&self) -> &'m Text {
        &self.data().name
    }
    /// The description.
    pub fn description(&self) -> Option<&'m Text> {
        self.data().description.as_ref()
    }
    /// The tags, in file order.
    pub fn tags(&self) -> impl ExactSizeIterator<Item = &'m str> + 'm {
        self.data().tags.iter().map(|t| &**t)
    }
    /// Whether the element has the tag.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.data().tags.iter().any(|t| &**t == tag)
    }
    /// The properties, sorted by key.
    pub fn properties(&self) -> impl ExactSizeIterator<Item = (&'m str, &'m str)> + 'm {
        self.data().properties.iter().map(|(k, v)| (&**k, &**v))
    }
    /// One property.
    pub fn property(&self, key: &str) -> Option<&'m str> {
        self.properties().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
    /// A task's status.
    pub fn status(&self) -> Option<Status> {
        self.data().status
    }
    /// A task's planned start, as written.
    pub fn start(&self) -> Option<Period> {
        self.data().start
    }
    /// A task's planned end, as written.
    pub fn end(&self) -> Option<Period> {
        self.data().end
    }
    /// The containing element.
    pub fn parent(&self) -> Option<Element<'m>> {
        self.data().parent.map(|ix| Element {
            model: self.model,
            ix,
        })
    }
    /// The directly contained elements, in file order.
    pub fn children(
        &self,
    ) -> impl DoubleEndedIterator<Item = Element<'m>> + ExactSizeIterator + 'm {
        let m = self.model;
        let i = self.ix as usize;
        let range = m.child_start[i] as usize..m.child_start[i + 1] as usize;
        m.child_list[range]
            .iter()
            .map(move |&ix| Element { model: m, ix })
    }
    /// Everything the element contains, depth first in file order (not the element).
    pub fn descendants(&self) -> impl Iterator<Item = Element<'m>> + 'm {
        let mut stack: Vec<Element<'m>> = self.children().rev().collect();
        std::iter::from_fn(move || {
            let e = stack.pop()?;
            stack.extend(e.children().rev());
            Some(e)
        })
    }
    /// The parent, its parent, and so on up to a root.
    pub fn ancestors(&self) -> impl Iterator<Item = Element<'m>> + 'm {
        std::iter::successors(self.parent(), Element::parent)
    }
    /// How deep the element is in its containment tree (a root is 0). O(1).
    pub fn depth(&self) -> usize {
        self.model
            .depth
            .get(self.ix as usize)
            .map_or_else(|| self.ancestors().count(), |&d| d as usize)
    }
    /// The relations that start at this element, in file order.
    pub fn outgoing(&self) -> impl ExactSizeIterator<Item = Relation<'m>> + 'm {
        let m = self.model;
        m.relation_indices(self.ix, PgDir::Outgoing)
            .into_iter()
            .map(move |ix| Relation { model: m, ix })
    }
    /// The relations that end at this element, in file order.
    pub fn incoming(&self) -> impl ExactSizeIterator<Item = Relation<'m>> + 'm {
        let m = self.model;
        m.relation_indices(self.ix, PgDir::Incoming)
            .into_iter()
            .map(move |ix| Relation { model: m, ix })
    }
    /// The outgoing relations of one kind.
    pub fn outgoing_of(&self, kind: RelationKind) -> impl Iterator<Item = Relation<'m>> + 'm {
        self.outgoing().filter(move |r| r.kind() == kind)
    }
    /// The incoming relations of one kind.
    pub fn incoming_of(&self, kind: RelationKind) -> impl Iterator<Item = Relation<'m>> + 'm {
        self.incoming().filter(move |r| r.kind() == kind)
    }
    /// The flows that carry this (data) element, in file order.
    pub fn carried_by(&self) -> impl Iterator<Item = Relation<'m>> + 'm {
        let ix = self.ix;
        self.model
            .relations()
            .filter(move |r| r.kind() == RelationKind::Flow && r.data_indices().contains(&ix))
    }
}

/// A borrowed handle to a relation.
#[derive(Clone, Copy)]
pub struct Relation<'m> {
    model: &'m Model,
    ix: u32,
}

impl PartialEq for Relation<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.model, other.model) && self.ix == other.ix
    }
}
impl Eq for Relation<'_> {}

impl fmt::Debug for Relation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Relation({} {} -> {})",
            self.kind(),
            self.from().id(),
            self.to().id()
        )
    }
}

static NO_MORE: RelationMore = RelationMore {
    id: None,
    label: None,
    tags: Vec::new(),
    properties: Vec::new(),
    data: Vec::new(),
    lag: None,
};

impl<'m> Relation<'m> {
    fn data(&self) -> &'m RelationData {
        &self.model.relations[self.ix as usize]
    }
    fn more(&self) -> &'m RelationMore {
        self.data().more.as_deref().unwrap_or(&NO_MORE)
    }
    fn data_indices(&self) -> &'m [u32] {
        &self.more().data
    }
    /// The relation's position in file order; dense, `0..model.relation_count()`.
    pub fn index(&self) -> usize {
        self.ix as usize
    }
    /// The kind.
    pub fn kind(&self) -> RelationKind {
        self.data().kind
    }
    /// Where it starts.
    pub fn from(&self) -> Element<'m> {
        Element {
            model: self.model,
            ix: self.data().from,
        }
    }
    /// Where it ends.
    pub fn to(&self) -> Element<'m> {
        Element {
            model: self.model,
            ix: self.data().to,
        }
    }
    /// The id, if the model gives one.
    pub fn id(&self) -> Option<&'m str> {
        self.more().id.as_deref()
    }
    /// The label.
    pub fn label(&self) -> Option<&'m Text> {
        self.more().label.as_ref()
    }
    /// The tags.
    pub fn tags(&self) -> impl ExactSizeIterator<Item = &'m str> + 'm {
        self.more().tags.iter().map(|t| &**t)
    }
    /// The properties, sorted by key.
    pub fn properties(&self) -> impl ExactSizeIterator<Item = (&'m str, &'m str)> + 'm {
        self.more().properties.iter().map(|(k, v)| (&**k, &**v))
    }
    /// The data elements a flow carries.
    pub fn data_carried(&self) -> impl ExactSizeIterator<Item = Element<'m>> + 'm {
        let m = self.model;
        self.data_indices()
            .iter()
            .map(move |&ix| Element { model: m, ix })
    }
    /// A `depends_on` relation's lag.
    pub fn lag(&self) -> Option<Duration> {
        self.more().lag
    }
}

/// One relation on a [`Path`], and whether it was followed from `from` to `to`.
///
/// Read through accessors, as the impact crate's `Hop`: [`Step::from`], [`Step::to`],
/// [`Step::relation`], [`Step::direction`]. Serialised (feature `serde`) as
/// `{"from", "relation", "to", "forward"}`, the steps of `ecograph path --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'m> {
    pub(crate) relation: Relation<'m>,
    /// `true` when followed in its own direction.
    pub(crate) forward: bool,
}

impl<'m> Step<'m> {
    /// The element the step leaves.
    pub fn source(&self) -> Element<'m> {
        if self.forward {
            self.relation.from()
        } else {
            self.relation.to()
        }
    }
    /// The element the step reaches.
    pub fn target(&self) -> Element<'m> {
        if self.forward {
            self.relation.to()
        } else {
            self.relation.from()
        }
    }
    /// The element the step leaves (as [`Step::source`]): the same accessors as
    /// `Relation` and the impact crate's `Hop`, `from()`, `to()`, `relation()`,
    /// `direction()`.
    pub fn from(&self) -> Element<'m> {
        self.source()
    }
    /// The element the step reaches (as [`Step::target`]).
    pub fn to(&self) -> Element<'m> {
        self.target()
    }
    /// The relation followed.
    pub fn relation(&self) -> Relation<'m> {
        self.relation
    }
    /// Whether the relation is followed in its own direction, from its `from` to its
    /// `to` (`direction() == Direction::Outgoing`).
    pub fn is_forward(&self) -> bool {
        self.forward
    }
    /// `Outgoing` when the relation is followed from its `from` to its `to`, else
    /// `Incoming`.
    pub fn direction(&self) -> Direction {
        if self.forward {
            Direction::Outgoing
        } else {
            Direction::Incoming
        }
    }
}

/// A chain of relations between two elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path<'m> {
    start: Element<'m>,
    steps: Vec<Step<'m>>,
}

impl<'m> Path<'m> {
    /// Where the path starts.
    pub fn start(&self) -> Element<'m> {
        self.start
    }
    /// Where the path ends.
    pub fn end(&self) -> Element<'m> {
        self.steps.last().map_or(self.start, Step::target)
    }
    /// The relations, in order.
    pub fn steps(&self) -> &[Step<'m>] {
        &self.steps
    }
    /// The number of relations.
    pub fn len(&self) -> usize {
        self.steps.len()
    }
    /// Whether the path has no relation (start and end are the same element).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

pub(crate) fn graph_for(elements: usize, relations: &[RelationData]) -> DiGraph<(), u32, u32> {
    let mut g = DiGraph::with_capacity(elements, relations.len());
    for _ in 0..elements {
        g.add_node(());
    }
    for (i, r) in relations.iter().enumerate() {
        let _: EdgeIndex<u32> = g.add_edge(
            NodeIndex::new(r.from as usize),
            NodeIndex::new(r.to as usize),
            i as u32,
        );
    }
    g
}
