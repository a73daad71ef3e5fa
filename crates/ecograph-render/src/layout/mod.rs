//! Layered ("Sugiyama") layout of directed graphs with nested clusters.
//!
//! Pure data in, pure data out: [`layout`] takes node sizes, a cluster tree and
//! edges, and returns node centres, cluster boxes and edge polylines. The
//! pipeline follows the method of Graphviz `dot` (Gansner, Koutsofios, North
//! and Vo, "A Technique for Drawing Directed Graphs", 1993):
//!
//! 1. cycle removal with the greedy heuristic of Eades, Lin and Smyth, inside
//!    strongly connected components only;
//! 2. ranking by network simplex, so edges are short; each cluster adds a
//!    small cost per rank of its height; a node linked with a cluster's
//!    contents is ranked wholly above or below the cluster (unless it is
//!    linked both ways), and a rank of sinks far wider than the drawing is
//!    tall wraps onto the next rank;
//! 3. long edges split into dummy nodes, edge labels into label dummies in
//!    the middle rank (ranks are doubled when any edge has a label); hidden
//!    edges across more than one rank, which only stack things, are left
//!    out from here on but for pulling their ends into line in step 5;
//! 4. crossing reduction by weighted-median sweeps plus transposition (dot's
//!    schedule, then a barycenter pass, then sifting single nodes while that
//!    helps; on parts with clusters of 1,000 layered nodes or more a
//!    transposition, and the rounds of sifting, end once one gains little;
//!    parts without clusters then get global sifting of whole
//!    long edges and a bounded iterated local search, small parts with
//!    clusters whose ranks stacking edges helped to set start twice more from
//!    shuffled sources and keep the best start, parts with clusters single
//!    nodes, runs of bend points, and nodes with their runs of bend points
//!    moved beside the boxes their edges would pass through where that adds
//!    fewer than 1,000 crossings a pass taken out), counting crossings with
//!    the accumulator tree of Barth, Jünger and Mutzel, while every cluster
//!    stays contiguous on every rank and sibling clusters keep one
//!    left-to-right order (Sander; Forster); where a pass is left, steps 2
//!    to 4 again with the passed box stacked clear of the passing edge's
//!    ends, at most three times;
//! 5. x-coordinates by network simplex on dot's auxiliary graph, in which each
//!    cluster side is one variable on all its ranks, so cluster boxes are
//!    rectangles that never overlap (on large graphs, of 10,000 layered
//!    nodes or more, each run of bend points the starting sweeps put in one
//!    column is one variable); y-coordinates by stacking ranks with room
//!    for cluster margins and labels;
//! 6. routes through the dummies: each edge leaves its node through a port
//!    on the side facing the next rank, runs straight through the rank bands
//!    (where the ordering gave it a lane of its own) and changes lanes only in
//!    the free channel between two ranks, below the boxes that end and above
//!    the boxes that start there; so it never passes through a node, and it
//!    crosses a box border only where its own ends lie inside. Orthogonal
//!    routes put each lane change on a track of its own, the gap growing to
//!    fit them; in a drawing without boxes, polyline and spline routes get
//!    gaps at least a twentieth of their longest lane change high, so lines
//!    that cross there meet at a readable angle. Polyline and spline routes
//!    are then straightened: a run of
//!    bends becomes one segment wherever that enters no node, label or box
//!    it did not have to and crosses no more lines (on large graphs, passes
//!    over the routes end once one gains little). Ends are cut where the
//!    line meets the node's drawn [`Outline`].
//!
//! Disconnected parts (connected through edges and top-level clusters) are
//! also laid out one by one and packed; the packed drawing replaces the
//! single one when it is smaller (long drawings counting larger) and has no
//! more crossings, and on large graphs it is kept without laying out the
//! single one. The same holds inside clusters: a cluster that holds a
//! whole part has its contents laid out without it, packed, and framed; and
//! the boxes and nodes of a cluster that no edge reaches are laid out on
//! their own, packed, and placed as one node.
//!
//! Every phase is polynomial whatever the input order, and the iterative ones
//! (simplex pivots, ordering sweeps) also have work caps that bound the time
//! on huge inputs, falling back to the best solution found so far. The result
//! is deterministic: no hashing, no unseeded randomness.

mod acyclic;
mod build;
pub mod crossings;
mod ns;
mod order;
mod pack;
mod position;
mod rank;
mod route;
mod shape;
mod straight;
mod tree;

pub use shape::{Outline, distance_to_boundary, distance_to_segment, ray_hit};

use std::fmt;

/// Which way ranks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Sources at the top, edges pointing down.
    #[default]
    TopToBottom,
    /// Sources on the left, edges pointing right.
    LeftToRight,
}

/// How edges are drawn between their bend points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum EdgeRouting {
    /// Horizontal and vertical segments only; each lane change between two
    /// ranks on a track of its own.
    Orthogonal,
    /// Straight segments, lane changes diagonal across the channel between
    /// ranks.
    #[default]
    Polyline,
    /// The polyline route with its corners rounded off (see [`curve`]).
    Spline,
}

/// Everything [`layout`] needs to know about a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutInput {
    /// Direction of the ranks.
    pub direction: Direction,
    /// Nodes; edges and clusters refer to them by index.
    pub nodes: Vec<NodeSpec>,
    /// Clusters, a forest through [`ClusterSpec::parent`].
    pub clusters: Vec<ClusterSpec>,
    /// Edges between nodes.
    pub edges: Vec<EdgeSpec>,
    /// Minimum gap between neighbouring nodes of one rank.
    pub node_sep: f64,
    /// Minimum gap between consecutive ranks.
    pub rank_sep: f64,
    /// Gap between a cluster's border and its contents, and between the
    /// border and what stands beside the cluster (at most `node_sep` there,
    /// half of it beside an edge).
    pub cluster_padding: f64,
    /// How edges are routed.
    pub routing: EdgeRouting,
}

impl Default for LayoutInput {
    /// An empty top-to-bottom graph with Graphviz's default spacing in points
    /// (`nodesep=0.25`, `ranksep=0.5` inches) and 8 points of cluster padding.
    fn default() -> Self {
        LayoutInput {
            direction: Direction::TopToBottom,
            nodes: Vec::new(),
            clusters: Vec::new(),
            edges: Vec::new(),
            node_sep: 18.0,
            rank_sep: 36.0,
            cluster_padding: 8.0,
            routing: EdgeRouting::default(),
        }
    }
}

/// A node: a box of the given size, optionally inside a cluster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeSpec {
    /// Width of the node's box.
    pub width: f64,
    /// Height of the node's box.
    pub height: f64,
    /// Innermost cluster containing the node (index into [`LayoutInput::clusters`]).
    pub cluster: Option<usize>,
    /// The drawn outline inside the box, where edge ends are cut.
    pub outline: Outline,
}

impl NodeSpec {
    /// A rectangular node of the given size outside every cluster.
    #[must_use]
    pub fn new(width: f64, height: f64) -> Self {
        NodeSpec {
            width,
            height,
            cluster: None,
            outline: Outline::Rect,
        }
    }
}

/// A cluster: a box drawn around its nodes and its child clusters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClusterSpec {
    /// Enclosing cluster, `None` for a top-level cluster.
    pub parent: Option<usize>,
    /// Width of the cluster's label (0 for none).
    pub label_width: f64,
    /// Height of the cluster's label (0 for none).
    pub label_height: f64,
}

/// A directed edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeSpec {
    /// Source node index.
    pub from: usize,
    /// Target node index.
    pub to: usize,
    /// Size (width, height) of the edge's label, if it has one.
    pub label: Option<(f64, f64)>,
    /// Whether the edge takes part in ranking (Graphviz `constraint`). A
    /// non-constraint edge is drawn but may point up or sideways. A ranked
    /// edge crosses a box border only where exactly one of its ends lies
    /// inside. The ranking does not keep a non-constraint edge's ends apart
    /// from the boxes it would pass, but the ordering moves boxes out of
    /// its way as it does for ranked edges (between two nodes of one rank:
    /// the boxes between them, where some reach the rank above and some the
    /// rank below), and a line between two nodes of one rank runs over or
    /// under the rank at a height that clears the boxes between its ends.
    /// Where no order the ordering finds clears a box, the part is ranked
    /// again with the box stacked clear of the edge's ends; where that
    /// fails too (none was seen in 800,000 random graphs of up to 40 nodes
    /// and 12 boxes), the edge crosses it, and as few others as it can.
    /// ecograph's own diagrams rank every edge.
    pub constraint: bool,
    /// A layout aid that is not drawn (Graphviz `style=invis`), such as the
    /// invisible edges that stack unrelated parts: ranked like the others.
    /// Between neighbouring ranks it is ordered and routed like the others,
    /// but its crossings weigh far less than those of drawn edges; across
    /// more ranks it only pulls its ends into line when x-coordinates are
    /// set, takes no part in ordering the ranks, and its route is the
    /// straight line between its ends. It never counts as a line that
    /// drawn ones must not cross.
    pub hidden: bool,
}

impl EdgeSpec {
    /// An unlabelled constraint edge from `from` to `to`.
    #[must_use]
    pub fn new(from: usize, to: usize) -> Self {
        EdgeSpec {
            from,
            to,
            label: None,
            constraint: true,
            hidden: false,
        }
    }

    /// A [hidden](EdgeSpec::hidden) constraint edge from `from` to `to`.
    #[must_use]
    pub fn hidden(from: usize, to: usize) -> Self {
        EdgeSpec {
            hidden: true,
            ..EdgeSpec::new(from, to)
        }
    }
}

/// A point; origin top-left, y grows downwards.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f64,
    /// Vertical coordinate.
    pub y: f64,
}

/// An axis-aligned rectangle given by its top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (never negative).
    pub width: f64,
    /// Height (never negative).
    pub height: f64,
}

/// The computed drawing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Width of the bounding box of everything drawn.
    pub width: f64,
    /// Height of the bounding box of everything drawn.
    pub height: f64,
    /// Centre of each node, in input order.
    pub nodes: Vec<Point>,
    /// Box of each cluster, in input order. The cluster's label area of
    /// `label_width × label_height` lies inside the box along its top edge,
    /// centred on [`Layout::cluster_labels`].
    pub clusters: Vec<Rect>,
    /// Centre of each cluster's label area, in input order.
    pub cluster_labels: Vec<Point>,
    /// Route of each edge, in input order.
    pub edges: Vec<EdgeRoute>,
}

/// How one edge is drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EdgeRoute {
    /// Polyline from the outline of the source node to the outline of the
    /// target node, in the edge's own direction (even where the layout
    /// reversed it internally). At least two points.
    pub points: Vec<Point>,
    /// Centre of the edge's label, if it has one.
    pub label_pos: Option<Point>,
}

/// Why an input cannot be laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// An edge names a node that does not exist.
    EdgeOutOfRange {
        /// Index of the edge.
        edge: usize,
    },
    /// A node names a cluster that does not exist.
    NodeClusterOutOfRange {
        /// Index of the node.
        node: usize,
    },
    /// A cluster names a parent that does not exist.
    ClusterParentOutOfRange {
        /// Index of the cluster.
        cluster: usize,
    },
    /// Following parents from this cluster leads back to it.
    ClusterCycle {
        /// Index of a cluster on the cycle.
        cluster: usize,
    },
    /// A size or spacing is negative, NaN, or larger than 10⁹.
    InvalidSize {
        /// Which value, e.g. `"node 3 width"`.
        what: String,
    },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |f| match self {
            LayoutError::EdgeOutOfRange { edge } => {
                write!(f, "edge {edge} refers to a node that does not exist")
            }
            LayoutError::NodeClusterOutOfRange { node } => {
                write!(f, "node {node} refers to a cluster that does not exist")
            }
            LayoutError::ClusterParentOutOfRange { cluster } => {
                write!(
                    f,
                    "cluster {cluster} refers to a parent that does not exist"
                )
            }
            LayoutError::ClusterCycle { cluster } => {
                write!(f, "cluster {cluster} is its own ancestor")
            }
            LayoutError::InvalidSize { what } => {
                write!(f, "{what} is negative, too large or not a number")
            }
        })
    }
}

impl std::error::Error for LayoutError {}

/// Largest accepted size or spacing: coordinates become integers inside, and
/// this keeps every sum far from overflowing.
const MAX_SIZE: f64 = 1e9;

/// Layered graphs (nodes and bend points) of at least this many nodes are
/// large: there the placement keeps the sweeps' columns of bend points
/// ([`position`]), and no second drawing is made, neither with a sink
/// lowered ([`layout_built`]) nor of the lone nodes set into the ranks
/// ([`layout_packed_shapes`]). Of the benchmark graphs, the clustered ones of
/// 500 nodes (11,000-14,000) are large; TE24's views (at most a few
/// hundred) and random+clusters/200 (3,196) are not. (Straightening stops
/// at a tail of small gains from 1,000 layered nodes, [`route`].)
pub(crate) const LARGE_LAYERED_NODES: usize = 10_000;

fn check_size(value: f64, what: impl FnOnce() -> String) -> Result<(), LayoutError> {
    if (0.0..=MAX_SIZE).contains(&value) {
        Ok(())
    } else {
        Err(LayoutError::InvalidSize { what: what() })
    }
}

fn validate(input: &LayoutInput) -> Result<(), LayoutError> {
    check_size(input.node_sep, || "node_sep".into())?;
    check_size(input.rank_sep, || "rank_sep".into())?;
    check_size(input.cluster_padding, || "cluster_padding".into())?;
    let n = input.nodes.len();
    let k = input.clusters.len();
    for (i, node) in input.nodes.iter().enumerate() {
        check_size(node.width, || format!("node {i} width"))?;
        check_size(node.height, || format!("node {i} height"))?;
        if node.cluster.is_some_and(|c| c >= k) {
            return Err(LayoutError::NodeClusterOutOfRange { node: i });
        }
    }
    for (i, cluster) in input.clusters.iter().enumerate() {
        check_size(cluster.label_width, || format!("cluster {i} label width"))?;
        check_size(cluster.label_height, || format!("cluster {i} label height"))?;
        if cluster.parent.is_some_and(|p| p >= k) {
            return Err(LayoutError::ClusterParentOutOfRange { cluster: i });
        }
    }
    for (i, edge) in input.edges.iter().enumerate() {
        if edge.from >= n || edge.to >= n {
            return Err(LayoutError::EdgeOutOfRange { edge: i });
        }
        if let Some((w, h)) = edge.label {
            check_size(w, || format!("edge {i} label width"))?;
            check_size(h, || format!("edge {i} label height"))?;
        }
    }
    Ok(())
}

/// Lays out `input`.
///
/// All coordinates of the result are non-negative, with the bounding box of
/// nodes, cluster boxes, edge routes and labels starting at the origin. The
/// same input always gives bit-identical output.
///
/// # Errors
///
/// Returns [`LayoutError`] when an index is out of range, the clusters'
/// parents form a cycle, or a size is negative, NaN or above 10⁹.
pub fn layout(input: &LayoutInput) -> Result<Layout, LayoutError> {
    validate(input)?;
    let tree = tree::ClusterTree::new(&input.clusters)?;
    let left = std::cell::Cell::new(input.nodes.len().saturating_mul(EFFORT_PER_NODE));
    Ok(layout_packed(input, &tree, &Effort::new(&left)))
}

/// How many times the input's nodes the second drawings of nested contents
/// may lay out, in all.
const EFFORT_PER_NODE: usize = 64;

/// How deep second drawings may nest.
const MAX_NESTING: usize = 12;

/// What is left for second drawings of nested contents ([`layout_part`]'s
/// framed contents of a sole box, [`layout_bundled`]'s bundles). Each lays
/// out again part of what its caller lays out, and its own contents are
/// tried twice again, so boxes nested `d` deep cost about 2^d layouts:
/// groups each holding two lone groups and the next (a 40-group tree 13
/// boxes deep) took 0.7 s, 50 groups over a minute. Second drawings are
/// tried while the nodes they lay out add up to at most [`EFFORT_PER_NODE`]
/// times the input's, at most [`MAX_NESTING`] deep (which also bounds the
/// recursion); past that, contents get the plain layered drawing, which
/// is what the second drawings compete with.
#[derive(Clone, Copy)]
struct Effort<'a> {
    left: &'a std::cell::Cell<usize>,
    depth: usize,
    /// Whether the drawing is the whole of the input to [`layout`], not a
    /// part, bundle or box contents of it.
    whole: bool,
}

impl<'a> Effort<'a> {
    fn new(left: &'a std::cell::Cell<usize>) -> Self {
        Effort {
            left,
            depth: 0,
            whole: true,
        }
    }

    /// The effort for a second drawing of `nodes` nodes one level deeper,
    /// taken from what is left, or `None` when that is spent.
    fn deeper(self, nodes: usize) -> Option<Effort<'a>> {
        let left = self.left.get();
        if self.depth >= MAX_NESTING || nodes > left {
            return None;
        }
        self.left.set(left - nodes);
        Some(Effort {
            left: self.left,
            depth: self.depth + 1,
            whole: false,
        })
    }

    /// The same effort, for a part of the drawing.
    fn part(self) -> Effort<'a> {
        Effort {
            whole: false,
            ..self
        }
    }
}

/// Lays out `input`, its disconnected parts one by one and packed when that
/// is better.
fn layout_packed(input: &LayoutInput, tree: &tree::ClusterTree, effort: &Effort<'_>) -> Layout {
    layout_packed_shapes(input, tree, &[], effort).0
}

/// [`layout_packed`]'s drawing, and the packing of the parts to each of
/// `shapes` (`None` where there are no parts, and for a
/// [flat](pack::Shape::Flat) shape when the effort for the parts' layered
/// drawings is spent).
fn layout_packed_shapes(
    input: &LayoutInput,
    tree: &tree::ClusterTree,
    shapes: &[pack::Shape],
    effort: &Effort<'_>,
) -> (Layout, Vec<Option<Layout>>) {
    let Some(parts) = pack::parts(input, tree) else {
        return (layout_part(input, tree, effort), vec![None; shapes.len()]);
    };
    let laid = laid_parts(input, &parts, effort);
    let sizes = sizes_of(&laid);
    let flat = shapes
        .iter()
        .any(|s| matches!(s, pack::Shape::Flat(..)))
        .then(|| effort.deeper(input.nodes.len()))
        .flatten()
        .map(|_| flat_parts(input, &parts, &laid));
    let others: Vec<Option<Layout>> = shapes
        .iter()
        .map(|&s| {
            let arrange = |z: &[(f64, f64)], g| pack::arrange_shape(z, g, s);
            let laid = match (s, &flat) {
                (pack::Shape::Flat(direction, k), Some(flat)) => {
                    flattened(&laid, flat, direction, k)
                }
                (pack::Shape::Flat(..), None) => return None,
                _ => laid.clone(),
            };
            Some(packed_laid(input, &parts, laid, arrange))
        })
        .collect();
    let out = packed_laid(input, &parts, laid.clone(), pack::arrange);
    // The joint drawing would only be laid out to lose.
    if pack::joint_loses(input, &parts, &sizes, (out.width, out.height)) {
        return (out, others);
    }
    // Or it could at best tie with the lone nodes set into empty corners.
    if let Some((at, width, height)) = pack::tuck(input, &parts, &laid) {
        let tuck = packed_laid(input, &parts, laid, |_, _| (at.clone(), width, height));
        return (better_for(input, out, tuck, effort.whole), others);
    }
    // On a large drawing that would be a whole second layout for a few
    // lone nodes' places (random+clusters/1000: 1.3 s).
    let graph = build::build(input, tree);
    if graph.nodes.len() >= LARGE_LAYERED_NODES {
        return (out, others);
    }
    let joint = layout_built(input, tree, &graph);
    (better_for(input, out, joint, effort.whole), others)
}

/// The `parts` of `input` laid out as one layered drawing each (a lone
/// node's is its drawing in `laid`).
fn flat_parts(input: &LayoutInput, parts: &[pack::Part], laid: &[Layout]) -> Vec<Layout> {
    parts
        .iter()
        .zip(laid)
        .map(|(part, lay)| {
            if part.clusters.is_empty() && part.nodes.len() == 1 {
                return lay.clone();
            }
            let sub = pack::sub_input(input, part);
            let tree =
                tree::ClusterTree::new(&sub.clusters).expect("a part of a forest is a forest");
            layout_connected(&sub, &tree)
        })
        .collect()
}

/// `laid`, with the `k` drawings that reach furthest across the ranks of
/// `direction` replaced by their `flat` drawing where that reaches less far.
fn flattened(laid: &[Layout], flat: &[Layout], direction: Direction, k: usize) -> Vec<Layout> {
    let across = |l: &Layout| build::internal(direction, (l.width, l.height)).1;
    let mut order: Vec<usize> = (0..laid.len()).collect();
    order.sort_by(|&a, &b| {
        across(&laid[b])
            .total_cmp(&across(&laid[a]))
            .then(a.cmp(&b))
    });
    let mut out = laid.to_vec();
    for &i in order.iter().take(k) {
        if across(&flat[i]) < across(&laid[i]) {
            out[i] = flat[i].clone();
        }
    }
    out
}

/// The width and height of each drawing.
fn sizes_of(laid: &[Layout]) -> Vec<(f64, f64)> {
    laid.iter().map(|l| (l.width, l.height)).collect()
}

/// The `parts` of `input`, each laid out on its own.
fn laid_parts(input: &LayoutInput, parts: &[pack::Part], effort: &Effort<'_>) -> Vec<Layout> {
    parts
        .iter()
        .map(|part| {
            let sub = pack::sub_input(input, part);
            let tree =
                tree::ClusterTree::new(&sub.clusters).expect("a part of a forest is a forest");
            layout_part(&sub, &tree, &effort.part())
        })
        .collect()
}

/// The `parts` of `input`, each laid out on its own with the effort a whole
/// layout of `input` starts with, for tests.
#[cfg(test)]
fn laid_parts_for_tests(input: &LayoutInput, parts: &[pack::Part]) -> Vec<Layout> {
    let left = std::cell::Cell::new(input.nodes.len().saturating_mul(EFFORT_PER_NODE));
    laid_parts(input, parts, &Effort::new(&left))
}

/// The `parts` of `input` laid out one by one and packed, with the size of
/// each part's drawing.
#[cfg(test)]
fn packed_parts(input: &LayoutInput, parts: &[pack::Part]) -> (Layout, Vec<(f64, f64)>) {
    let laid = laid_parts_for_tests(input, parts);
    let sizes = sizes_of(&laid);
    (packed_laid(input, parts, laid, pack::arrange), sizes)
}

/// The `parts` of `input`, laid out as `laid`, packed by `arrange`.
fn packed_laid(
    input: &LayoutInput,
    parts: &[pack::Part],
    laid: Vec<Layout>,
    arrange: impl Fn(&[(f64, f64)], f64) -> (Vec<Point>, f64, f64),
) -> Layout {
    let mut out = Layout {
        nodes: vec![Point::default(); input.nodes.len()],
        clusters: vec![Rect::default(); input.clusters.len()],
        cluster_labels: vec![Point::default(); input.clusters.len()],
        edges: vec![EdgeRoute::default(); input.edges.len()],
        ..Layout::default()
    };
    let sizes = sizes_of(&laid);
    let (at, width, height) = arrange(&sizes, input.node_sep);
    for ((part, lay), by) in parts.iter().zip(laid).zip(at) {
        pack::place(&mut out, part, lay, by);
    }
    out.width = width;
    out.height = height;
    out
}

/// `packed` when it [is better](is_better) than `joint`, else `joint`.
fn better(input: &LayoutInput, packed: Layout, joint: Layout) -> Layout {
    if is_better(input, &packed, &joint) {
        packed
    } else {
        joint
    }
}

/// [`better`]; but for the `whole` drawing of a view, first the one that is
/// within [`pack::LONG_SIDE`]:1 where the other is not, if it has no more
/// crossings: the score lets a drawing a little beyond that win by its area
/// (TE24's tt-packages in Finnish, three boxes in a row: 2.67:1 in
/// 1,116 x 418 px against 1.16:1 in 758 x 653), which is fine for a part
/// of a drawing, not for the whole.
fn better_for(input: &LayoutInput, a: Layout, b: Layout, whole: bool) -> Layout {
    if whole && within(&a) != within(&b) {
        let (inside, beyond) = if within(&a) { (a, b) } else { (b, a) };
        // With more crossings, `inside` could not be better() either.
        let fewer = straight::no_more_crossings(
            &drawn_lines(input, &inside).0,
            &drawn_lines(input, &beyond).0,
            &[],
        );
        return if fewer { inside } else { beyond };
    }
    better(input, a, b)
}

/// Whether `l` is at most [`pack::LONG_SIDE`] times as long as it is wide,
/// either way.
fn within(l: &Layout) -> bool {
    pack::within_long_side(l.width, l.height)
}

/// Whether `a` [scores](pack::score) smaller than `b` and has no more
/// crossings (`input` tells how routes are drawn); not when either
/// drawing has more crossings than can be [counted](straight::no_more_crossings).
fn is_better(input: &LayoutInput, a: &Layout, b: &Layout) -> bool {
    pack::score(a.width, a.height) < pack::score(b.width, b.height)
        && straight::no_more_crossings(&drawn_lines(input, a).0, &drawn_lines(input, b).0, &[])
}

/// Whether drawing `a` of `input` is better than `b`, by the crossings
/// between their first `edges` edges (the drawn ones) that share no node:
/// where one is within [`pack::LONG_SIDE`]:1 and the other is not, the one
/// within unless it has more crossings (compaction must not add any; TE24's
/// tj-packages in Finnish: 10 crossings in 2,329 x 843 px, 2.76:1, against
/// 13 with its task boxes stacked, 2,684 x 1,415); when the crossings
/// cannot be [counted](straight::crossings), the one within. On the same
/// side of that bound, `a` if it [scores](pack::drawn_score) smaller and has
/// no more crossings (not when either has more than can be counted).
pub(crate) fn is_better_drawing(input: &LayoutInput, a: &Layout, b: &Layout, edges: usize) -> bool {
    let lines = |l: &Layout| -> Vec<Vec<Point>> {
        l.edges
            .iter()
            .take(edges)
            .map(|e| sampled(&e.points, input.routing))
            .collect()
    };
    let ends = || -> Vec<(usize, usize)> {
        input
            .edges
            .iter()
            .take(edges)
            .map(|e| (e.from, e.to))
            .collect()
    };
    if within(a) != within(b) {
        // Not at the price of more crossings: compaction must not add any.
        let (lines_a, lines_b, ends) = (lines(a), lines(b), ends());
        return match (
            straight::crossings(&lines_a, &ends),
            straight::crossings(&lines_b, &ends),
        ) {
            (Some(in_a), Some(in_b)) if within(a) => in_a <= in_b,
            (Some(in_a), Some(in_b)) => in_a < in_b,
            _ => within(a),
        };
    }
    pack::drawn_score(a.width, a.height) < pack::drawn_score(b.width, b.height)
        && straight::no_more_crossings(&lines(a), &lines(b), &ends())
}

/// Lays out one connected part. When one box holds all of it and its
/// contents fall apart (or are again one box), the contents are laid out
/// on their own, packed, and framed by the box; that replaces the single
/// layered drawing when it is better.
fn layout_part(input: &LayoutInput, tree: &tree::ClusterTree, effort: &Effort<'_>) -> Layout {
    let joint = layout_bundled(input, tree, effort);
    let Some(c) = pack::sole_box(input, tree) else {
        return joint;
    };
    let inner = pack::without_box(input, c);
    let inner_tree =
        tree::ClusterTree::new(&inner.clusters).expect("a part of a forest is a forest");
    if pack::parts(&inner, &inner_tree).is_none() && pack::sole_box(&inner, &inner_tree).is_none() {
        return joint;
    }
    let Some(deeper) = effort.deeper(inner.nodes.len()) else {
        return joint;
    };
    let framed = pack::frame(input, c, layout_packed(&inner, &inner_tree, &deeper));
    better_for(input, framed, joint, effort.whole)
}

/// [`layout_bundled`] tries bundles only when they hold at least one node
/// in this many.
const MIN_BUNDLED: usize = 10;

/// Lays out a graph as one drawing in which every [bundle](pack::bundles)
/// of free units (a cluster's boxes and nodes that no edge reaches) is laid
/// out on its own, packed, and placed as one node; that replaces the plain
/// layered drawing when it is better.
fn layout_bundled(input: &LayoutInput, tree: &tree::ClusterTree, effort: &Effort<'_>) -> Layout {
    let plain = layout_connected(input, tree);
    let bundles = pack::bundles(input, tree);
    // A few stray nodes are not worth a second layout of everything.
    let bundled: usize = bundles.iter().map(|b| b.part.nodes.len()).sum();
    if bundled * MIN_BUNDLED < input.nodes.len() {
        return plain;
    }
    let Some(deeper) = effort.deeper(bundled) else {
        return plain;
    };
    let shapes = [
        pack::Shape::Packed,
        pack::Shape::Line(input.direction),
        pack::Shape::Flat(input.direction, 1),
        pack::Shape::Flat(input.direction, 2),
        pack::Shape::Wrapped(input.direction),
    ];
    let (laid, shaped): (Vec<Layout>, Vec<Vec<Option<Layout>>>) = bundles
        .iter()
        .map(|b| {
            let sub = pack::sub_input(input, &b.part);
            let tree =
                tree::ClusterTree::new(&sub.clusters).expect("a part of a forest is a forest");
            layout_packed_shapes(&sub, &tree, &shapes, &deeper)
        })
        .unzip();
    // A bundle's smallest drawing need not make the smallest whole: a column
    // of lone nodes beside a header makes its rank as long as the column,
    // where a squarer packing would fit in the header's rank; a row of boxes
    // makes it tall where a longer packing would not; and where that rank
    // has room, the deepest box of the row can lie flat, as its contents'
    // layered drawing, and the rank is less deep (TE24's ra-packages in
    // Finnish: three boxes of lone tasks beside the header, the deepest a
    // column of three, 1,847 x 788 px packed, 1,847 x 767 with the column a
    // row; all three flat, 1,967 x 671, are too long); and a column too long
    // for the drawing may be too wide packed, where wrapped into two unequal
    // columns it fits (TE24's overview in Finnish: six lone tasks beside a
    // header, 1.21:1 in one column and as the packing, 1.02:1 and 15%
    // smaller in columns of four and two). So the whole is also laid out
    // with every bundle packed to each other shape, and the best drawing is
    // kept.
    let mut tried: Vec<Vec<(f64, f64)>> = vec![sizes_of(&laid)];
    let mut best = better_for(
        input,
        with_bundles(input, &bundles, laid.clone()),
        plain,
        effort.whole,
    );
    for s in 0..shapes.len() {
        let other: Vec<Layout> = laid
            .iter()
            .zip(&shaped)
            .map(|(l, sh)| sh[s].as_ref().unwrap_or(l).clone())
            .collect();
        let sizes = sizes_of(&other);
        if tried.contains(&sizes) {
            continue;
        }
        tried.push(sizes);
        best = better_for(
            input,
            with_bundles(input, &bundles, other),
            best,
            effort.whole,
        );
    }
    best
}

/// The layout of `input` with the bundles laid out as `laid`, each placed
/// as one node.
fn with_bundles(input: &LayoutInput, bundles: &[pack::Bundle], laid: Vec<Layout>) -> Layout {
    let sizes = sizes_of(&laid);
    let (outer, keep) = pack::with_bundles(input, bundles, &sizes);
    let outer_tree =
        tree::ClusterTree::new(&outer.clusters).expect("a part of a forest is a forest");
    let lay = layout_connected(&outer, &outer_tree);
    let centres: Vec<Point> = lay.nodes[keep.nodes.len()..].to_vec();
    let mut out = Layout {
        width: lay.width,
        height: lay.height,
        nodes: vec![Point::default(); input.nodes.len()],
        clusters: vec![Rect::default(); input.clusters.len()],
        cluster_labels: vec![Point::default(); input.clusters.len()],
        edges: vec![EdgeRoute::default(); input.edges.len()],
    };
    pack::place(&mut out, &keep, lay, Point::default());
    for ((b, inner), c) in bundles.iter().zip(laid).zip(centres) {
        let corner = Point {
            x: c.x - inner.width / 2.0,
            y: c.y - inner.height / 2.0,
        };
        pack::place(&mut out, &b.part, inner, corner);
    }
    out
}

/// Lays out a graph as one drawing (the pipeline of the module docs). A
/// sink that stands wholly beyond the end of everything else along the
/// ranks (its rank is full, and nothing else reaches as far) makes a long
/// drawing longer by its whole width; one rank further down it may find
/// room under the rest, so that drawing is also made, and the better one
/// kept; and where that moved it to another rank than the last, so is the
/// drawing with it on the last rank, under a box that reaches further down
/// than one rank (TE24's tj-packages in Finnish: the JOD study beside the
/// national data box, 2,329 x 843 px, 2.76:1, under it 2,186 x 847); not
/// on a [large](LARGE_LAYERED_NODES) layered graph, where the second
/// drawing would double the time for a sink's width of a long side many
/// times longer (random+clusters/1000: 14,263 px long, 1.1% shorter
/// lowered, for 1.3 s more).
///
/// A sink fed from several nodes far apart shares its rank with the sinks
/// fed from the nodes between them, and its edges cross theirs; one rank
/// further down its edges can pass between them. So where one such fan
/// ([`crossed_fan`]) takes part in a good share of the crossings, the
/// drawing with it lowered is made too, on layered graphs of fewer than
/// [`FAN_NODES`] nodes, and kept when it has fewer crossings and is not
/// beyond [`pack::LONG_SIDE`]:1 where the first is within it (TE24's
/// tj-packages in Finnish: 21 crossings to 10, 2,533 x 1,520 px to
/// 2,377 x 1,535).
fn layout_connected(input: &LayoutInput, tree: &tree::ClusterTree) -> Layout {
    layout_built(input, tree, &build::build(input, tree))
}

/// [`layout_connected`] of `input`'s layered graph `graph`.
fn layout_built(input: &LayoutInput, tree: &tree::ClusterTree, graph: &build::Layered) -> Layout {
    let lay = layout_layered(input, tree, graph);
    if graph.nodes.len() >= LARGE_LAYERED_NODES {
        return lay;
    }
    let lay = match stray_sink(input, graph, &lay) {
        Some(v) => {
            let lowered = build::build_lowering(input, tree, Some((v, 1)));
            let lay = better(input, layout_layered(input, tree, &lowered), lay);
            // A box beside it may reach further down than one rank: on to
            // the last rank, where another step fits above it (the ranking
            // is the same, so the step and the last rank are read off the
            // two built already).
            let step = lowered.nodes[v].rank - graph.nodes[v].rank;
            let last = graph.nodes[..input.nodes.len()]
                .iter()
                .map(|u| u.rank)
                .max()
                .unwrap_or(0);
            if step == 0 || lowered.nodes[v].rank + step > last {
                lay
            } else {
                let further = build::build_lowering(input, tree, Some((v, usize::MAX)));
                better(input, layout_layered(input, tree, &further), lay)
            }
        }
        None => lay,
    };
    if graph.nodes.len() >= FAN_NODES {
        return lay;
    }
    let Some((v, crossed)) = crossed_fan(input, graph, &lay) else {
        return lay;
    };
    let lowered = build::build_lowering(input, tree, Some((v, 1)));
    if lowered.nodes[v].rank == graph.nodes[v].rank {
        return lay;
    }
    let other = layout_layered(input, tree, &lowered);
    if within(&lay) && !within(&other) {
        return lay;
    }
    let (lines, ends) = drawn_lines(input, &other);
    match straight::crossings(&lines, &ends) {
        Some(c) if c < crossed => other,
        _ => lay,
    }
}

/// The drawn lines of `lay` (hidden edges, which cross nothing, left
/// empty) and each edge's ends.
fn drawn_lines(input: &LayoutInput, lay: &Layout) -> (Vec<Vec<Point>>, Vec<(usize, usize)>) {
    let lines = lay
        .edges
        .iter()
        .zip(&input.edges)
        .map(|(e, spec)| {
            if spec.hidden {
                Vec::new()
            } else {
                sampled(&e.points, input.routing)
            }
        })
        .collect();
    let ends = input.edges.iter().map(|e| (e.from, e.to)).collect();
    (lines, ends)
}

/// The [free sink](build::free_sinks) with the most drawn predecessors
/// (two or more; the first of those with most), with the crossings of the
/// whole of `lay`, if its edges take part in at least one in
/// [`FAN_SHARE`] of them (and in one at least).
fn crossed_fan(
    input: &LayoutInput,
    graph: &build::Layered,
    lay: &Layout,
) -> Option<(usize, usize)> {
    let n = input.nodes.len();
    let ranks: Vec<usize> = graph.nodes[..n].iter().map(|v| v.rank).collect();
    let free = build::free_sinks(input, &ranks);
    // A free sink's edges all come in from above.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in input.edges.iter().filter(|e| e.from != e.to && !e.hidden) {
        if free[e.to] {
            preds[e.to].push(e.from);
        }
    }
    let (_, v) = (0..n)
        .filter(|&v| free[v])
        .map(|v| {
            preds[v].sort_unstable();
            preds[v].dedup();
            (preds[v].len(), v)
        })
        .filter(|&(k, _)| k >= 2)
        .max_by_key(|&(k, v)| (k, std::cmp::Reverse(v)))?;
    let (mut lines, ends) = drawn_lines(input, lay);
    let all = straight::crossings(&lines, &ends)?;
    for (line, e) in lines.iter_mut().zip(&input.edges) {
        if e.to == v {
            line.clear();
        }
    }
    let without = straight::crossings(&lines, &ends)?;
    (all - without >= (all / FAN_SHARE).max(1)).then_some((v, all))
}

/// Layered graphs from this many nodes on get no second drawing with a fan
/// lowered ([`layout_built`]), nor the two crossing counts that decide it:
/// there a lone fan's edges are a small part of the crossings, and with
/// neither bound (this and [`FAN_SHARE`]) random+clusters/200 (3,196
/// layered nodes) took 98 ms instead of 48, twice dot's, for the same
/// drawing.
const FAN_NODES: usize = 1_000;
/// See [`crossed_fan`]. Without it, short-edge/200 (under [`FAN_NODES`]
/// layered nodes) took 67 ms instead of 33, over dot's 55, for 2 crossings
/// fewer; with it, no benchmark graph gets the second drawing, and only
/// tj-packages among TE24's views.
const FAN_SHARE: usize = 4;

/// Rankings after the first, at most, that stack a box the ordering left a
/// pass through clear of the passing edge's ends ([`layout_layered`]).
const RESTACKS: usize = 3;
/// Pairs of units stacked anew in one such ranking, at most: each is
/// checked for a cycle in linear time, so the rankings stay linear.
const RESTACK_PAIRS: usize = 32;

fn layout_layered(input: &LayoutInput, tree: &tree::ClusterTree, graph: &build::Layered) -> Layout {
    let mut order = order::order(graph, tree);
    // Where the ordering leaves a pass, the graph is ranked again with the
    // passed box stacked clear of the ends' units, and ordered again.
    let mut again: Option<build::Layered> = None;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for _ in 0..RESTACKS {
        let g = again.as_ref().unwrap_or(graph);
        let before = stack.len();
        for pair in order::passed_units(g, tree, &order, input.nodes.len()) {
            if stack.len() - before >= RESTACK_PAIRS {
                break;
            }
            if !stack.contains(&pair) {
                stack.push(pair);
            }
        }
        if stack.len() == before {
            break;
        }
        let rebuilt = build::build_stacking(input, tree, g.lowered, &stack);
        order = order::order(&rebuilt, tree);
        again = Some(rebuilt);
    }
    let graph = again.as_ref().unwrap_or(graph);
    let placed = position::place(input, graph, tree, &order);
    route::finish(input, graph, tree, &placed)
}

/// The [free sink](build::free_sinks) of `lay`, not on the last rank,
/// whose near side lies beyond the far side of every other node and box
/// along the ranks, at either end, if there is one and the drawing is more
/// than [`pack::DRAWN_LONG_SIDE`] times as long along the ranks as across.
fn stray_sink(input: &LayoutInput, graph: &build::Layered, lay: &Layout) -> Option<usize> {
    let n = input.nodes.len();
    if n < 2 {
        return None;
    }
    // Extent of a node or box along the ranks.
    let span = |centre: f64, size: f64| (centre - size / 2.0, centre + size / 2.0);
    let along = |p: Point, w: f64, h: f64| match input.direction {
        Direction::TopToBottom => span(p.x, w),
        Direction::LeftToRight => span(p.y, h),
    };
    let nodes: Vec<(f64, f64)> = (0..n)
        .map(|v| along(lay.nodes[v], input.nodes[v].width, input.nodes[v].height))
        .collect();
    let boxes = lay.clusters.iter().map(|r| {
        let centre = Point {
            x: r.x + r.width / 2.0,
            y: r.y + r.height / 2.0,
        };
        along(centre, r.width, r.height)
    });
    let (low, high) = nodes
        .iter()
        .copied()
        .chain(boxes.clone())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), s| {
            (l.min(s.0), h.max(s.1))
        });
    // Lowering a node trades length along the ranks for depth across them:
    // worth another layout only where the drawing is longer along them
    // than the 2:1 from which whole drawings count larger.
    let across = match input.direction {
        Direction::TopToBottom => lay.height,
        Direction::LeftToRight => lay.width,
    };
    if high - low <= pack::DRAWN_LONG_SIDE * across {
        return None;
    }
    let ranks: Vec<usize> = graph.nodes[..n].iter().map(|v| v.rank).collect();
    let last = ranks.iter().copied().max().unwrap_or(0);
    let free = build::free_sinks(input, &ranks);
    let candidate = |v: usize| -> bool {
        ranks[v] < last
            && free[v]
            && nodes
                .iter()
                .enumerate()
                .filter(|&(u, _)| u != v)
                .map(|(_, &s)| s)
                .chain(boxes.clone())
                .all(|s| {
                    if nodes[v].1 >= high {
                        s.1 <= nodes[v].0
                    } else {
                        s.0 >= nodes[v].1
                    }
                })
    };
    // Only the nodes at the two ends can stand beyond everything else.
    let end = |target: f64, side: fn((f64, f64)) -> f64| (0..n).find(|&v| side(nodes[v]) == target);
    [end(high, |s| s.1), end(low, |s| s.0)]
        .into_iter()
        .flatten()
        .find(|&v| candidate(v))
}

/// One piece of a drawn edge path, from the end of the previous piece.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathPiece {
    /// A straight line to the point.
    Line(Point),
    /// A quadratic Bézier curve with the control point, to the end point.
    Quad(Point, Point),
}

/// Largest corner radius of [`EdgeRouting::Spline`] routes.
const SPLINE_RADIUS: f64 = 14.0;

/// The path an edge is drawn along, starting at `points[0]`: straight
/// pieces for orthogonal and polyline routes; for splines every corner is
/// rounded by a quadratic curve that starts and ends on the two segments at
/// most 14 px (and at most half a segment) from the corner, so the curve
/// never strays further from the route than that.
#[must_use]
pub fn curve(points: &[Point], routing: EdgeRouting) -> Vec<PathPiece> {
    let mut out = Vec::with_capacity(points.len() * 2);
    if points.len() < 2 {
        return out;
    }
    if routing != EdgeRouting::Spline {
        out.extend(points[1..].iter().map(|&p| PathPiece::Line(p)));
        return out;
    }
    let toward = |a: Point, b: Point, d: f64| {
        let len = (b.x - a.x).hypot(b.y - a.y);
        if len <= 0.0 {
            a
        } else {
            Point {
                x: a.x + (b.x - a.x) * d / len,
                y: a.y + (b.y - a.y) * d / len,
            }
        }
    };
    let len = |a: Point, b: Point| (b.x - a.x).hypot(b.y - a.y);
    for i in 1..points.len() - 1 {
        let (a, c, b) = (points[i - 1], points[i], points[i + 1]);
        let r = SPLINE_RADIUS.min(len(a, c) / 2.0).min(len(c, b) / 2.0);
        out.push(PathPiece::Line(toward(c, a, r)));
        out.push(PathPiece::Quad(c, toward(c, b, r)));
    }
    out.push(PathPiece::Line(points[points.len() - 1]));
    out
}

/// The drawn path of [`curve`] as a polyline, each curve sampled at eight
/// points: what a reader sees, for measuring drawings.
#[must_use]
pub fn sampled(points: &[Point], routing: EdgeRouting) -> Vec<Point> {
    let mut out = Vec::with_capacity(points.len() * 8);
    let Some(&first) = points.first() else {
        return out;
    };
    out.push(first);
    let mut at = first;
    for piece in curve(points, routing) {
        match piece {
            PathPiece::Line(p) => {
                out.push(p);
                at = p;
            }
            PathPiece::Quad(c, p) => {
                for s in 1..=8 {
                    let t = f64::from(s) / 8.0;
                    let u = 1.0 - t;
                    out.push(Point {
                        x: u * u * at.x + 2.0 * u * t * c.x + t * t * p.x,
                        y: u * u * at.y + 2.0 * u * t * c.y + t * t * p.y,
                    });
                }
                at = p;
            }
        }
    }
    out
}

/// The layout problem the SVG writer solves for a diagram: node sizes from
/// their text and shape, boxes for containers, labelled edges and the
/// invisible edges that stack unrelated parts. For comparing the embedded
/// layout with other engines on the same graphs.
#[must_use]
pub fn diagram_input(diagram: &crate::Diagram<'_>) -> LayoutInput {
    crate::svg::problem(diagram).input
}

/// Every layout problem the SVG writer weighs for a diagram, one per way of
/// stacking its unrelated parts that gives another problem, and how many of
/// each problem's edges (the first ones) are drawn. [`diagram_input`] is
/// the one of them with the best drawing: within 2.6:1 where another is
/// not, unless that would add crossings; else the smallest, if it has no
/// more crossings.
#[must_use]
pub fn diagram_inputs(diagram: &crate::Diagram<'_>) -> (Vec<LayoutInput>, usize) {
    let (_, inputs, drawn) = crate::svg::problems(diagram);
    (inputs, drawn)
}

/// Writes what `write` writes, padded to the formatter's width and fill when it has one
/// (so `{:<12}` works on every `Display` of the crate).
pub(crate) fn padded(
    f: &mut std::fmt::Formatter<'_>,
    write: impl Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
) -> std::fmt::Result {
    struct W<F>(F);
    impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for W<F> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            (self.0)(f)
        }
    }
    if f.width().is_none() && f.precision().is_none() {
        write(f)
    } else {
        f.pad(&W(write).to_string())
    }
}

/// A diagram with more drawn lines than this is dense: the layout routes only
/// [`ROUTED_LINES`] of them, and the others are straight lines between their nodes (the
/// SVG backend and the ArchiMate export's placement both draw dense views so).
pub const DENSE_LINES: usize = 400;

/// How many lines of a dense diagram the layout routes. Routing costs more than linear
/// time in the lines (each long line becomes a chain of dummy nodes through every rank it
/// crosses, and crossing minimisation sweeps them all), so a dense diagram gets a bounded
/// amount of it.
pub const ROUTED_LINES: usize = 300;

/// Which of a dense diagram's lines the layout routes, [`ROUTED_LINES`] at most: `ends`
/// are each line's two node indices (below `nodes`), in drawing order. First the lines
/// that join what is not yet joined (so the layout still sees every component), then the
/// rest in order. Near-linear (union-find with path halving).
pub fn routed_lines(ends: impl IntoIterator<Item = (usize, usize)>, nodes: usize) -> Vec<bool> {
    let mut root: Vec<usize> = (0..nodes).collect();
    fn find(root: &mut [usize], mut x: usize) -> usize {
        while root[x] != x {
            root[x] = root[root[x]];
            x = root[x];
        }
        x
    }
    let mut routed = Vec::new();
    let mut budget = ROUTED_LINES;
    for (from, to) in ends {
        let joins = from < nodes && to < nodes && {
            let (a, b) = (find(&mut root, from), find(&mut root, to));
            let joins = a != b && budget > 0;
            if joins {
                root[a] = b;
                budget -= 1;
            }
            joins
        };
        routed.push(joins);
    }
    for r in &mut routed {
        if budget == 0 {
            break;
        }
        if !*r {
            *r = true;
            budget -= 1;
        }
    }
    routed
}
