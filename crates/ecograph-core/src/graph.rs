//! The model as a graph that petgraph's algorithms run on directly.

use crate::model::Model;
use crate::{Element, ElementIndex, ElementKind, Relation, RelationKind};
use petgraph::Direction as PgDir;
use petgraph::visit::{
    Data, EdgeCount, EdgeRef, GraphBase, IntoEdgeReferences, IntoEdges, IntoNeighbors,
    IntoNeighborsDirected, IntoNodeIdentifiers, IntoNodeReferences, NodeCompactIndexable,
    NodeCount, NodeIndexable, NodeRef, VisitMap, Visitable,
};
use std::fmt;
use std::sync::OnceLock;

/// The elements of a model and its relations of some kinds, as a directed graph that
/// petgraph's algorithms (`tarjan_scc`, `toposort`, `dijkstra`, `has_path_connecting`,
/// `Dfs`, `Bfs`, ...) take as it is; made by [`Model::graph`].
///
/// Nodes are [`ElementIndex`]es (every element is a node, in file order); edges are
/// relations of the chosen kinds, from `from` to `to`. A `linked` relation has no
/// direction, so it is an edge each way. A node's edges are in file order, so every
/// traversal is deterministic. The adjacency is built once, in compact arrays, when the
/// graph is made (incoming edges the first time they are asked for).
///
/// petgraph's `tarjan_scc` recurses as deep as its depth-first search goes, on this
/// graph as on petgraph's own: on a large model (a long chain of relations) it needs a
/// thread with a large stack. `petgraph::algo::kosaraju_scc`, `Dfs` and `toposort` keep
/// their stacks on the heap.
///
/// ```
/// use ecograph_core::{ElementIndex, Model, RelationKind};
/// use petgraph::algo::{has_path_connecting, tarjan_scc, toposort};
///
/// let model = Model::from_json_str(r#"{"ecograph": 1,
///   "elements": [
///     {"id": "a", "kind": "system", "name": "A"},
///     {"id": "b", "kind": "system", "name": "B"},
///     {"id": "c", "kind": "system", "name": "C"}],
///   "relations": [
///     {"kind": "flow", "from": "a", "to": "b", "data": []},
///     {"kind": "flow", "from": "b", "to": "a", "data": []},
///     {"kind": "uses", "from": "b", "to": "c"}]}"#)?;
///
/// let flows = model.graph(&[RelationKind::Flow]);
/// let mut cycles: Vec<Vec<String>> = tarjan_scc(&flows)
///     .into_iter()
///     .filter(|scc| scc.len() > 1)
///     .map(|scc| scc.into_iter().map(|ix| flows.element(ix).id().to_string()).collect())
///     .collect();
/// cycles[0].sort();
/// assert_eq!(cycles, [["a", "b"]]);
///
/// let (a, c) = (model.element("a").unwrap(), model.element("c").unwrap());
/// assert!(!has_path_connecting(&flows, a.into(), c.into(), None));
/// assert!(has_path_connecting(&model.graph(&[]), a.into(), c.into(), None));
/// assert!(toposort(&model.graph(&[RelationKind::Uses]), None).is_ok());
/// # Ok::<(), ecograph_core::Error>(())
/// ```
pub struct ModelGraph<'m> {
    model: &'m Model,
    kinds: u32,
    out: Adjacency,
    incoming: OnceLock<Adjacency>,
    edge_count: usize,
}

impl fmt::Debug for ModelGraph<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ModelGraph")
            .field("kinds", &self.kinds().collect::<Vec<_>>())
            .field("nodes", &self.model.element_count())
            .field("edges", &self.edge_count)
            .finish()
    }
}

/// Compressed adjacency: the edges of node `i` are `start[i]..start[i + 1]` of `nodes`
/// (the other end) and `edges` (the relation, and whether it is walked backwards).
struct Adjacency {
    start: Vec<u32>,
    nodes: Vec<u32>,
    edges: Vec<ModelEdgeId>,
}

impl Adjacency {
    fn range(&self, i: u32) -> std::ops::Range<usize> {
        self.start[i as usize] as usize..self.start[i as usize + 1] as usize
    }
}

/// An edge of a [`ModelGraph`]: a relation, walked from its `from` to its `to`, or
/// backwards for the second edge of a `linked` relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModelEdgeId {
    relation: u32,
    reversed: bool,
}

impl ModelEdgeId {
    /// The relation's position in file order, as [`Relation::index`] and
    /// [`Model::relation_at`] use it.
    pub fn relation_index(self) -> usize {
        self.relation as usize
    }
    /// Whether the edge goes from the relation's `to` to its `from` (the second edge of
    /// a `linked` relation).
    pub fn is_reversed(self) -> bool {
        self.reversed
    }
}

/// An edge of a [`ModelGraph`] with its ends; its weight is the relation's kind.
#[derive(Debug, Clone, Copy)]
pub struct ModelEdge<'m> {
    source: ElementIndex,
    target: ElementIndex,
    id: ModelEdgeId,
    kind: &'m RelationKind,
}

impl<'m> ModelEdge<'m> {
    /// The relation's kind.
    pub fn kind(&self) -> RelationKind {
        *self.kind
    }
}

impl EdgeRef for ModelEdge<'_> {
    type NodeId = ElementIndex;
    type EdgeId = ModelEdgeId;
    type Weight = RelationKind;
    fn source(&self) -> ElementIndex {
        self.source
    }
    fn target(&self) -> ElementIndex {
        self.target
    }
    fn weight(&self) -> &RelationKind {
        self.kind
    }
    fn id(&self) -> ModelEdgeId {
        self.id
    }
}

/// A node of a [`ModelGraph`]; its weight is the element's kind.
#[derive(Debug, Clone, Copy)]
pub struct ModelNode<'m> {
    id: ElementIndex,
    kind: &'m ElementKind,
}

impl NodeRef for ModelNode<'_> {
    type NodeId = ElementIndex;
    type Weight = ElementKind;
    fn id(&self) -> ElementIndex {
        self.id
    }
    fn weight(&self) -> &ElementKind {
        self.kind
    }
}

fn kind_bit(k: RelationKind) -> u32 {
    1 << (k as u32)
}

impl Model {
    /// The model as a graph for petgraph's algorithms, with relations of the given kinds
    /// (every kind when `kinds` is empty) as edges; see [`ModelGraph`].
    pub fn graph(&self, kinds: &[RelationKind]) -> ModelGraph<'_> {
        let mask = if kinds.is_empty() {
            u32::MAX
        } else {
            kinds.iter().fold(0, |m, &k| m | kind_bit(k))
        };
        let out = adjacency(self, mask, PgDir::Outgoing);
        let edge_count = out.nodes.len();
        ModelGraph {
            model: self,
            kinds: mask,
            out,
            incoming: OnceLock::new(),
            edge_count,
        }
    }
}

/// The adjacency of `dir`: each relation of a kind in `mask` is an edge from `from` to
/// `to`, and a `linked` one also from `to` to `from` (once for a self-loop).
fn adjacency(model: &Model, mask: u32, dir: PgDir) -> Adjacency {
    let n = model.elements.len();
    let rels = || {
        model
            .relations
            .iter()
            .enumerate()
            .filter(move |(_, r)| mask & kind_bit(r.kind) != 0)
    };
    // (source, target, reversed) of every edge, in relation order.
    let edges = move || {
        rels().flat_map(move |(i, r)| {
            let forward = (r.from, r.to, false);
            let back = (r.to, r.from, true);
            let both = r.kind == RelationKind::Linked && r.from != r.to;
            std::iter::once((i as u32, forward)).chain(both.then_some((i as u32, back)))
        })
    };
    let key = |(s, t, _): (u32, u32, bool)| {
        if dir == PgDir::Outgoing {
            (s, t)
        } else {
            (t, s)
        }
    };
    let mut start = vec![0u32; n + 1];
    for (_, e) in edges() {
        start[key(e).0 as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let total = start[n] as usize;
    let mut fill = start.clone();
    let mut nodes = vec![0u32; total];
    let mut ids = vec![
        ModelEdgeId {
            relation: 0,
            reversed: false
        };
        total
    ];
    for (rel, e) in edges() {
        let (at, other) = key(e);
        let slot = fill[at as usize] as usize;
        nodes[slot] = other;
        ids[slot] = ModelEdgeId {
            relation: rel,
            reversed: e.2,
        };
        fill[at as usize] += 1;
    }
    Adjacency {
        start,
        nodes,
        edges: ids,
    }
}

impl<'m> ModelGraph<'m> {
    /// The model.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The element of a node.
    ///
    /// # Panics
    /// When the index is not one of this model's elements (it came from another model).
    pub fn element(&self, node: ElementIndex) -> Element<'m> {
        self.model
            .element_by_index(node)
            .expect("the node belongs to the graph's model")
    }

    /// The relation of an edge.
    ///
    /// # Panics
    /// When the edge comes from another model's graph.
    pub fn relation(&self, edge: ModelEdgeId) -> Relation<'m> {
        self.model
            .relation_at(edge.relation_index())
            .expect("the edge belongs to the graph's model")
    }

    /// The relation kinds that are edges.
    pub fn kinds(&self) -> impl Iterator<Item = RelationKind> + '_ {
        RelationKind::ALL
            .iter()
            .copied()
            .filter(|&k| self.kinds & kind_bit(k) != 0)
    }

    fn adjacency(&self, dir: PgDir) -> &Adjacency {
        match dir {
            PgDir::Outgoing => &self.out,
            PgDir::Incoming => self
                .incoming
                .get_or_init(|| adjacency(self.model, self.kinds, PgDir::Incoming)),
        }
    }
}

impl GraphBase for ModelGraph<'_> {
    type NodeId = ElementIndex;
    type EdgeId = ModelEdgeId;
}

impl Data for ModelGraph<'_> {
    type NodeWeight = ElementKind;
    type EdgeWeight = RelationKind;
}

impl NodeIndexable for ModelGraph<'_> {
    fn node_bound(&self) -> usize {
        self.model.element_count()
    }
    fn to_index(&self, a: ElementIndex) -> usize {
        a.index()
    }
    fn from_index(&self, i: usize) -> ElementIndex {
        ElementIndex::new(i)
    }
}

impl NodeCount for ModelGraph<'_> {
    fn node_count(&self) -> usize {
        self.model.element_count()
    }
}

impl NodeCompactIndexable for ModelGraph<'_> {}

impl EdgeCount for ModelGraph<'_> {
    fn edge_count(&self) -> usize {
        self.edge_count
    }
}

impl Visitable for ModelGraph<'_> {
    type Map = VisitSet;
    fn visit_map(&self) -> VisitSet {
        VisitSet {
            words: vec![0; self.model.element_count().div_ceil(64)],
        }
    }
    fn reset_map(&self, map: &mut VisitSet) {
        map.words.clear();
        map.words.resize(self.model.element_count().div_ceil(64), 0);
    }
}

/// Which nodes of a [`ModelGraph`] a traversal has visited: one bit per element.
#[derive(Debug, Clone)]
pub struct VisitSet {
    words: Vec<u64>,
}

impl VisitMap<ElementIndex> for VisitSet {
    fn visit(&mut self, a: ElementIndex) -> bool {
        let (w, bit) = (a.index() / 64, 1u64 << (a.index() % 64));
        let first = self.words[w] & bit == 0;
        self.words[w] |= bit;
        first
    }
    fn is_visited(&self, a: &ElementIndex) -> bool {
        self.words[a.index() / 64] & (1 << (a.index() % 64)) != 0
    }
    fn unvisit(&mut self, a: ElementIndex) -> bool {
        let (w, bit) = (a.index() / 64, 1u64 << (a.index() % 64));
        let was = self.words[w] & bit != 0;
        self.words[w] &= !bit;
        was
    }
}

/// The other ends of a node's edges, in file order.
#[derive(Debug, Clone)]
pub struct Neighbors<'a> {
    inner: std::slice::Iter<'a, u32>,
}

impl Iterator for Neighbors<'_> {
    type Item = ElementIndex;
    fn next(&mut self) -> Option<ElementIndex> {
        self.inner.next().map(|&i| ElementIndex(i))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<'a> IntoNeighbors for &'a ModelGraph<'_> {
    type Neighbors = Neighbors<'a>;
    fn neighbors(self, a: ElementIndex) -> Neighbors<'a> {
        self.neighbors_directed(a, PgDir::Outgoing)
    }
}

impl<'a> IntoNeighborsDirected for &'a ModelGraph<'_> {
    type NeighborsDirected = Neighbors<'a>;
    fn neighbors_directed(self, a: ElementIndex, d: PgDir) -> Neighbors<'a> {
        let adj = self.adjacency(d);
        Neighbors {
            inner: adj.nodes[adj.range(a.0)].iter(),
        }
    }
}

/// Every node, in file order.
#[derive(Debug, Clone)]
pub struct NodeIdentifiers {
    inner: std::ops::Range<u32>,
}

impl Iterator for NodeIdentifiers {
    type Item = ElementIndex;
    fn next(&mut self) -> Option<ElementIndex> {
        self.inner.next().map(ElementIndex)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl IntoNodeIdentifiers for &ModelGraph<'_> {
    type NodeIdentifiers = NodeIdentifiers;
    fn node_identifiers(self) -> NodeIdentifiers {
        NodeIdentifiers {
            inner: 0..self.model.element_count() as u32,
        }
    }
}

/// Every node with its element's kind, in file order.
#[derive(Debug, Clone)]
pub struct NodeReferences<'m> {
    model: &'m Model,
    inner: std::ops::Range<u32>,
}

impl<'m> Iterator for NodeReferences<'m> {
    type Item = ModelNode<'m>;
    fn next(&mut self) -> Option<ModelNode<'m>> {
        let i = self.inner.next()?;
        Some(ModelNode {
            id: ElementIndex(i),
            kind: &self.model.elements[i as usize].kind,
        })
    }
}

impl<'m> IntoNodeReferences for &ModelGraph<'m> {
    type NodeRef = ModelNode<'m>;
    type NodeReferences = NodeReferences<'m>;
    fn node_references(self) -> NodeReferences<'m> {
        NodeReferences {
            model: self.model,
            inner: 0..self.model.element_count() as u32,
        }
    }
}

/// Edges with their ends: a node's edges ([`IntoEdges`]) or every edge
/// ([`IntoEdgeReferences`], by source node in file order).
#[derive(Debug, Clone)]
pub struct Edges<'a, 'm> {
    model: &'m Model,
    adj: &'a Adjacency,
    /// The node whose edges come next, and the last node (exclusive).
    node: u32,
    end_node: u32,
    at: usize,
}

impl fmt::Debug for Adjacency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adjacency")
            .field("edges", &self.nodes.len())
            .finish()
    }
}

impl<'m> Iterator for Edges<'_, 'm> {
    type Item = ModelEdge<'m>;
    fn next(&mut self) -> Option<ModelEdge<'m>> {
        while self.node < self.end_node
            && self.at >= self.adj.start[self.node as usize + 1] as usize
        {
            self.node += 1;
        }
        if self.node >= self.end_node {
            return None;
        }
        let (other, id) = (self.adj.nodes[self.at], self.adj.edges[self.at]);
        self.at += 1;
        Some(ModelEdge {
            source: ElementIndex(self.node),
            target: ElementIndex(other),
            id,
            kind: &self.model.relations[id.relation as usize].kind,
        })
    }
}

impl<'a, 'm> IntoEdgeReferences for &'a ModelGraph<'m> {
    type EdgeRef = ModelEdge<'m>;
    type EdgeReferences = Edges<'a, 'm>;
    fn edge_references(self) -> Edges<'a, 'm> {
        Edges {
            model: self.model,
            adj: &self.out,
            node: 0,
            end_node: self.model.element_count() as u32,
            at: 0,
        }
    }
}

impl<'a, 'm> IntoEdges for &'a ModelGraph<'m> {
    type Edges = Edges<'a, 'm>;
    fn edges(self, a: ElementIndex) -> Edges<'a, 'm> {
        let in_range = a.index() < self.model.element_count();
        Edges {
            model: self.model,
            adj: &self.out,
            node: a.0,
            end_node: if in_range { a.0 + 1 } else { a.0 },
            at: if in_range {
                self.out.start[a.index()] as usize
            } else {
                0
            },
        }
    }
}
