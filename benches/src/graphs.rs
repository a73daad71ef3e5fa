//! Deterministic random graphs for layout benchmarks, and their translation
//! to both [`LayoutInput`] and Graphviz DOT so the two layouts see the same
//! graph: same node sizes (fixed in DOT with `fixedsize=true`), same
//! spacing, same clusters.
//!
//! Two families: *random* graphs with about two edges per node between
//! uniformly chosen nodes (cycles included), and *short-edge* graphs whose
//! edges span at most eight levels, the shape of architecture maps. Either
//! can get a random nested cluster tree.

use std::fmt::Write as _;

use ecograph_render::layout::{ClusterSpec, EdgeSpec, LayoutInput, NodeSpec};
use ecograph_render::text::text_width;

/// Font size of node and cluster labels, in points.
pub const FONT_SIZE: f64 = 14.0;
/// Node height: Graphviz's default 0.5 inch.
pub const NODE_HEIGHT: f64 = 36.0;
/// Horizontal padding inside a node box, both sides together.
pub const NODE_PADDING: f64 = 16.0;
/// Points per inch, for DOT sizes.
pub const POINTS_PER_INCH: f64 = 72.0;
/// Longest span of a short-edge graph's edges, in levels.
pub const SHORT_SPAN: usize = 8;

/// Small, fast, seeded generator (xorshift64*): no dependency, same numbers
/// on every platform.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (any value, zero included).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        // Splitmix-style scramble so nearby seeds give unrelated streams and
        // the state is never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        XorShift((z ^ (z >> 31)) | 1)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A node of a benchmark graph.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchNode {
    /// Label text (no spaces or quotes).
    pub label: String,
    /// Box width in points.
    pub width: f64,
    /// Box height in points.
    pub height: f64,
    /// Innermost cluster.
    pub cluster: Option<usize>,
}

/// A cluster of a benchmark graph.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchCluster {
    /// Enclosing cluster.
    pub parent: Option<usize>,
    /// Label text.
    pub label: String,
}

/// A benchmark graph.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchGraph {
    /// Family name, e.g. `random` or `short-edge+clusters`.
    pub family: String,
    /// Nodes.
    pub nodes: Vec<BenchNode>,
    /// Clusters (empty unless clustered).
    pub clusters: Vec<BenchCluster>,
    /// Directed edges, without self-loops or duplicates.
    pub edges: Vec<(usize, usize)>,
}

const WORDS: &[&str] = &[
    "api", "auth", "billing", "cache", "db", "events", "gateway", "index", "jobs", "ledger",
    "mailer", "metrics", "orders", "payments", "queue", "search", "storage", "users", "web",
    "worker",
];

fn nodes(n: usize, rng: &mut XorShift) -> Vec<BenchNode> {
    (0..n)
        .map(|i| {
            let mut label = WORDS[rng.below(WORDS.len())].to_string();
            if rng.below(2) == 0 {
                label.push('-');
                label.push_str(WORDS[rng.below(WORDS.len())]);
            }
            let _ = write!(label, "{i}");
            BenchNode {
                width: text_width(&label, FONT_SIZE) + NODE_PADDING,
                height: NODE_HEIGHT,
                label,
                cluster: None,
            }
        })
        .collect()
}

fn push_edge(
    edges: &mut Vec<(usize, usize)>,
    seen: &mut std::collections::BTreeSet<(usize, usize)>,
    e: (usize, usize),
) {
    if e.0 != e.1 && seen.insert(e) {
        edges.push(e);
    }
}

/// `n` nodes and about `2n` edges between uniformly random distinct nodes.
#[must_use]
pub fn random_graph(n: usize, seed: u64) -> BenchGraph {
    let mut rng = XorShift::new(seed);
    let nodes = nodes(n, &mut rng);
    let mut edges = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    if n >= 2 {
        for _ in 0..2 * n {
            push_edge(&mut edges, &mut seen, (rng.below(n), rng.below(n)));
        }
    }
    BenchGraph {
        family: "random".into(),
        nodes,
        clusters: Vec::new(),
        edges,
    }
}

/// `n` nodes on levels of about five, and about `2n` edges, each going down
/// between one and [`SHORT_SPAN`] levels.
#[must_use]
pub fn short_edge_graph(n: usize, seed: u64) -> BenchGraph {
    let mut rng = XorShift::new(seed);
    let nodes = nodes(n, &mut rng);
    let levels = (n / 5).max(2);
    let level = |i: usize| i * levels / n.max(1);
    // First node of each level, to pick targets by level range.
    let mut first = vec![n; levels + 1];
    for i in (0..n).rev() {
        first[level(i)] = i;
    }
    for l in (0..levels).rev() {
        first[l] = first[l].min(first[l + 1]);
    }
    let mut edges = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut tries = 0;
    while edges.len() < 2 * n && tries < 20 * n {
        tries += 1;
        let u = rng.below(n);
        let lu = level(u);
        if lu + 1 >= levels {
            continue;
        }
        let hi = (lu + SHORT_SPAN).min(levels - 1);
        let (a, b) = (first[lu + 1], first[hi + 1]);
        if a >= b {
            continue;
        }
        push_edge(&mut edges, &mut seen, (u, a + rng.below(b - a)));
    }
    BenchGraph {
        family: "short-edge".into(),
        nodes,
        clusters: Vec::new(),
        edges,
    }
}

/// Adds a random nested cluster tree of about `n / 10` clusters; runs of
/// consecutive nodes share a cluster (as subsystems do), a tenth of the
/// nodes stay outside every cluster.
#[must_use]
pub fn with_clusters(mut g: BenchGraph, seed: u64) -> BenchGraph {
    let mut rng = XorShift::new(seed ^ 0xC1u64);
    let n = g.nodes.len();
    let k = (n / 10).max(1);
    g.clusters = (0..k)
        .map(|c| BenchCluster {
            parent: (c > 0 && rng.below(2) == 0).then(|| rng.below(c)),
            label: format!("{}-{c}", WORDS[rng.below(WORDS.len())]),
        })
        .collect();
    for (i, v) in g.nodes.iter_mut().enumerate() {
        v.cluster = (rng.below(10) != 0).then_some(i * k / n);
    }
    g.family.push_str("+clusters");
    g
}

/// The graph of `family` ("random", "short-edge", "random+clusters" or
/// "short-edge+clusters") with `n` nodes, with the seed every benchmark uses for that
/// size; `None` for another family name.
pub fn family_graph(family: &str, n: usize) -> Option<BenchGraph> {
    let seed = 0x5EED + n as u64;
    Some(match family {
        "random" => random_graph(n, seed),
        "short-edge" => short_edge_graph(n, seed),
        "random+clusters" => with_clusters(random_graph(n, seed), seed),
        "short-edge+clusters" => with_clusters(short_edge_graph(n, seed), seed),
        _ => return None,
    })
}

/// Size of a cluster label as [`ecograph_render`] measures it.
#[must_use]
pub fn cluster_label_size(label: &str) -> (f64, f64) {
    (text_width(label, FONT_SIZE), FONT_SIZE * 1.2)
}

/// The graph as layout input, with Graphviz's default spacing.
#[must_use]
pub fn to_layout_input(g: &BenchGraph) -> LayoutInput {
    LayoutInput {
        nodes: g
            .nodes
            .iter()
            .map(|v| NodeSpec {
                cluster: v.cluster,
                ..NodeSpec::new(v.width, v.height)
            })
            .collect(),
        clusters: g
            .clusters
            .iter()
            .map(|c| {
                let (w, h) = cluster_label_size(&c.label);
                ClusterSpec {
                    parent: c.parent,
                    label_width: w,
                    label_height: h,
                }
            })
            .collect(),
        edges: g.edges.iter().map(|&(u, v)| EdgeSpec::new(u, v)).collect(),
        ..LayoutInput::default()
    }
}

/// The graph as DOT: node `i` is `n{i}`, boxes of fixed size in inches.
#[must_use]
pub fn to_dot(g: &BenchGraph) -> String {
    let mut s = String::new();
    s.push_str("digraph G {\n");
    s.push_str("  graph [nodesep=0.25, ranksep=0.5, fontname=\"DejaVu Sans\", fontsize=14];\n");
    s.push_str("  node [shape=box, fixedsize=true, fontname=\"DejaVu Sans\", fontsize=14];\n");
    let k = g.clusters.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut top_nodes = Vec::new();
    for (i, v) in g.nodes.iter().enumerate() {
        match v.cluster {
            Some(c) => members[c].push(i),
            None => top_nodes.push(i),
        }
    }
    let mut top_clusters = Vec::new();
    for (c, cl) in g.clusters.iter().enumerate() {
        match cl.parent {
            Some(p) => children[p].push(c),
            None => top_clusters.push(c),
        }
    }
    let node_line = |s: &mut String, i: usize, indent: usize| {
        let v = &g.nodes[i];
        let _ = writeln!(
            s,
            "{:indent$}n{i} [label=\"{}\", width={:.4}, height={:.4}];",
            "",
            v.label,
            v.width / POINTS_PER_INCH,
            v.height / POINTS_PER_INCH,
            indent = indent
        );
    };
    // Clusters nest in DOT by nesting subgraphs; walk the tree iteratively.
    fn cluster(
        s: &mut String,
        g: &BenchGraph,
        c: usize,
        indent: usize,
        members: &[Vec<usize>],
        children: &[Vec<usize>],
        node_line: &dyn Fn(&mut String, usize, usize),
    ) {
        let _ = writeln!(s, "{:indent$}subgraph cluster_{c} {{", "", indent = indent);
        let _ = writeln!(
            s,
            "{:indent$}  label=\"{}\";",
            "",
            g.clusters[c].label,
            indent = indent
        );
        for &i in &members[c] {
            node_line(s, i, indent + 2);
        }
        for &d in &children[c] {
            cluster(s, g, d, indent + 2, members, children, node_line);
        }
        let _ = writeln!(s, "{:indent$}}}", "", indent = indent);
    }
    for &i in &top_nodes {
        node_line(&mut s, i, 2);
    }
    for &c in &top_clusters {
        cluster(&mut s, g, c, 2, &members, &children, &node_line);
    }
    for &(u, v) in &g.edges {
        let _ = writeln!(s, "  n{u} -> n{v};");
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_deterministic_and_sized() {
        assert_eq!(random_graph(50, 7), random_graph(50, 7));
        assert_ne!(random_graph(50, 7), random_graph(50, 8));
        let g = short_edge_graph(200, 1);
        assert_eq!(g.nodes.len(), 200);
        assert!(g.edges.len() >= 380, "{} edges", g.edges.len());
        let levels = 200 / 5;
        for &(u, v) in &g.edges {
            let (lu, lv) = (u * levels / 200, v * levels / 200);
            assert!(lv > lu && lv - lu <= SHORT_SPAN);
        }
        let c = with_clusters(random_graph(100, 3), 3);
        assert_eq!(c.clusters.len(), 10);
        for (i, cl) in c.clusters.iter().enumerate() {
            assert!(cl.parent.is_none_or(|p| p < i));
        }
        let dot = to_dot(&c);
        assert_eq!(dot.matches("subgraph cluster_").count(), 10);
        assert_eq!(dot.matches(" -> ").count(), c.edges.len());
    }
}
