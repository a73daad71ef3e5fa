//! Properties of the layered layout on random graphs with nested clusters.

use ecograph_render::layout::crossings::bilayer_crossings;
use ecograph_render::layout::{
    ClusterSpec, Direction, EdgeRouting, EdgeSpec, Layout, LayoutError, LayoutInput, NodeSpec,
    Outline, Point, Rect, distance_to_boundary, layout, sampled,
};
use proptest::prelude::*;

const EPS: f64 = 1e-6;

fn node_rect(c: Point, s: &NodeSpec) -> Rect {
    Rect {
        x: c.x - s.width / 2.0,
        y: c.y - s.height / 2.0,
        width: s.width,
        height: s.height,
    }
}

fn inside(inner: &Rect, outer: &Rect) -> bool {
    inner.x >= outer.x - EPS
        && inner.y >= outer.y - EPS
        && inner.x + inner.width <= outer.x + outer.width + EPS
        && inner.y + inner.height <= outer.y + outer.height + EPS
}

/// Open interiors intersect (touching borders is fine).
fn overlap(a: &Rect, b: &Rect) -> bool {
    a.x + EPS < b.x + b.width
        && b.x + EPS < a.x + a.width
        && a.y + EPS < b.y + b.height
        && b.y + EPS < a.y + a.height
}

/// Whether segment `ab` passes through the interior of `r` shrunk by 1 px
/// (Liang–Barsky clipping).
fn enters(a: Point, b: Point, r: &Rect) -> bool {
    let r = Rect {
        x: r.x + 1.0,
        y: r.y + 1.0,
        width: r.width - 2.0,
        height: r.height - 2.0,
    };
    if r.width <= 0.0 || r.height <= 0.0 {
        return false;
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.x - r.x),
        (dx, r.x + r.width - a.x),
        (-dy, a.y - r.y),
        (dy, r.y + r.height - a.y),
    ] {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    t1 - t0 > 1e-9
}

/// How often the line through `points` crosses the border of `r` shrunk
/// by 1 px, the interior [`enters`] looks at.
fn border_crossings(points: &[Point], r: &Rect) -> usize {
    let within = |p: Point| {
        p.x > r.x + 1.0
            && p.x < r.x + r.width - 1.0
            && p.y > r.y + 1.0
            && p.y < r.y + r.height - 1.0
    };
    points
        .windows(2)
        .map(|w| match (within(w[0]), within(w[1])) {
            (a, b) if a != b => 1,
            (false, false) if enters(w[0], w[1], r) => 2,
            _ => 0,
        })
        .sum()
}

fn on_outline(p: Point, r: &Rect, outline: Outline) -> bool {
    let poly = outline.polygon(r.x, r.y, r.width, r.height);
    distance_to_boundary(&poly, p) <= 1e-6 * (1.0 + r.width + r.height)
}

fn ancestors(input: &LayoutInput, c: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut c = c;
    while let Some(i) = c {
        out.push(i);
        c = input.clusters[i].parent;
    }
    out
}

/// The two units each edge joins at its level, the innermost box holding
/// both ends: an end lying directly in that box is itself, any other end is
/// the child box of it that holds the end (`n + box`).
fn units(input: &LayoutInput) -> Vec<(usize, usize)> {
    let n = input.nodes.len();
    // Each node's boxes, outermost first.
    let path = |v: usize| {
        let mut p = ancestors(input, input.nodes[v].cluster);
        p.reverse();
        p
    };
    input
        .edges
        .iter()
        .map(|e| {
            let (pu, pv) = (path(e.from), path(e.to));
            let d = pu.iter().zip(&pv).take_while(|(a, b)| a == b).count();
            let unit = |v: usize, p: &[usize]| p.get(d).map_or(v, |&b| n + b);
            (unit(e.from, &pu), unit(e.to, &pv))
        })
        .collect()
}

/// Strongly connected component of every unit (nodes, then boxes) over the
/// constraint edges between units ([`units`]), by transitive closure.
fn unit_scc(input: &LayoutInput, units: &[(usize, usize)]) -> Vec<usize> {
    let n = input.nodes.len() + input.clusters.len();
    let mut reach = vec![vec![false; n]; n];
    for (i, row) in reach.iter_mut().enumerate() {
        row[i] = true;
    }
    for (e, &(a, b)) in input.edges.iter().zip(units) {
        if e.constraint {
            reach[a][b] = true;
        }
    }
    for k in 0..n {
        let via = reach[k].clone();
        for row in reach.iter_mut().filter(|row| row[k]) {
            for (x, &y) in row.iter_mut().zip(&via) {
                *x |= y;
            }
        }
    }
    (0..n)
        .map(|i| (0..n).find(|&j| reach[i][j] && reach[j][i]).unwrap_or(i))
        .collect()
}

fn check(input: &LayoutInput, out: &Layout) {
    let n = input.nodes.len();
    assert_eq!(out.nodes.len(), n);
    assert_eq!(out.clusters.len(), input.clusters.len());
    assert_eq!(out.edges.len(), input.edges.len());
    let rects: Vec<Rect> = out
        .nodes
        .iter()
        .zip(&input.nodes)
        .map(|(&c, s)| node_rect(c, s))
        .collect();
    let frame = Rect {
        x: 0.0,
        y: 0.0,
        width: out.width,
        height: out.height,
    };
    for r in rects.iter().chain(&out.clusters) {
        assert!(inside(r, &frame), "{r:?} outside the {frame:?}");
    }
    // Nodes inside exactly their clusters and their ancestors.
    for (v, s) in input.nodes.iter().enumerate() {
        let mine = ancestors(input, s.cluster);
        for (c, cr) in out.clusters.iter().enumerate() {
            if mine.contains(&c) {
                assert!(inside(&rects[v], cr), "node {v} not inside cluster {c}");
            } else {
                assert!(
                    !overlap(&rects[v], cr),
                    "node {v} overlaps foreign cluster {c}"
                );
            }
        }
    }
    // Clusters nest inside their parents; unrelated clusters are disjoint;
    // labels fit.
    for (c, cr) in out.clusters.iter().enumerate() {
        let spec = &input.clusters[c];
        assert!(
            cr.width >= spec.label_width - EPS,
            "cluster {c} narrower than its label"
        );
        assert!(
            cr.height >= spec.label_height - EPS,
            "cluster {c} lower than its label"
        );
        if let Some(p) = input.clusters[c].parent {
            assert!(
                inside(cr, &out.clusters[p]),
                "cluster {c} not inside parent {p}"
            );
        }
        for (d, dr) in out.clusters.iter().enumerate().skip(c + 1) {
            let related =
                ancestors(input, Some(c)).contains(&d) || ancestors(input, Some(d)).contains(&c);
            if !related {
                assert!(!overlap(cr, dr), "clusters {c} and {d} overlap");
            }
        }
    }
    // Nodes do not overlap each other.
    for a in 0..n {
        for b in a + 1..n {
            assert!(!overlap(&rects[a], &rects[b]), "nodes {a} and {b} overlap");
        }
    }
    // Routes run from border to border, inside the frame.
    let units = units(input);
    let comp = unit_scc(input, &units);
    for (i, (e, r)) in input.edges.iter().zip(&out.edges).enumerate() {
        assert!(
            r.points.len() >= 2,
            "edge {i} has {} points",
            r.points.len()
        );
        let (first, last) = (r.points[0], r.points[r.points.len() - 1]);
        let outline = |v: usize| input.nodes[v].outline;
        assert!(
            on_outline(first, &rects[e.from], outline(e.from)),
            "edge {i} starts off its source outline: {first:?} {:?}",
            rects[e.from]
        );
        assert!(
            on_outline(last, &rects[e.to], outline(e.to)),
            "edge {i} ends off its target outline: {last:?} {:?}",
            rects[e.to]
        );
        // The line as drawn never passes through a node other than its ends.
        let drawn = sampled(&r.points, input.routing);
        for w in drawn.windows(2) {
            for (v, nr) in rects.iter().enumerate() {
                assert!(
                    v == e.from || v == e.to || !enters(w[0], w[1], nr),
                    "edge {i} passes through node {v}"
                );
            }
        }
        // A drawn line crosses a box's border only where exactly one of
        // its ends lies inside the box, and then once.
        if !e.hidden {
            let (from, to) = (
                ancestors(input, input.nodes[e.from].cluster),
                ancestors(input, input.nodes[e.to].cluster),
            );
            for (c, cr) in out.clusters.iter().enumerate() {
                let needed = usize::from(from.contains(&c) != to.contains(&c));
                let crossed = border_crossings(&drawn, cr);
                assert!(
                    crossed <= needed,
                    "edge {i} crosses box {c}'s border {crossed} times, {needed} needed"
                );
            }
        }
        // No other line crosses a ranked edge's label.
        if let (Some(c), Some((w, h)), true) =
            (r.label_pos, e.label, e.constraint && e.from != e.to)
        {
            let label = Rect {
                x: c.x - w / 2.0,
                y: c.y - h / 2.0,
                width: w,
                height: h,
            };
            for (j, other) in out.edges.iter().enumerate().filter(|&(j, _)| j != i) {
                let line = sampled(&other.points, input.routing);
                assert!(
                    !line.windows(2).any(|s| enters(s[0], s[1], &label)),
                    "edge {j} crosses the label of edge {i}"
                );
            }
        }
        for p in &r.points {
            assert!(
                p.x >= -EPS && p.y >= -EPS && p.x <= out.width + EPS && p.y <= out.height + EPS
            );
        }
        assert_eq!(r.label_pos.is_some(), e.label.is_some());
        // Labels of ranked edges have room of their own.
        if let (Some(c), Some((w, h)), true) =
            (r.label_pos, e.label, e.constraint && e.from != e.to)
        {
            let label = Rect {
                x: c.x - w / 2.0,
                y: c.y - h / 2.0,
                width: w,
                height: h,
            };
            for (v, nr) in rects.iter().enumerate() {
                assert!(!overlap(&label, nr), "label of edge {i} overlaps node {v}");
            }
        }
        // Constraint edges on no cycle of their level's units (boxes and
        // nodes beside each other) point along the direction: an edge may
        // turn only where the boxes around its ends are linked both ways.
        let (a, b) = units[i];
        if e.constraint && comp[a] != comp[b] {
            let (a, b) = (out.nodes[e.from], out.nodes[e.to]);
            match input.direction {
                Direction::TopToBottom => assert!(b.y > a.y, "edge {i} points up"),
                Direction::LeftToRight => assert!(b.x > a.x, "edge {i} points left"),
            }
        }
    }
}

fn arb_input() -> impl Strategy<Value = LayoutInput> {
    (0usize..14, 0usize..6, any::<bool>(), 0usize..3).prop_flat_map(|(n, k, lr, routing)| {
        // A cluster's parent has a lower index, so parents never cycle.
        let clusters = (0..k)
            .map(|i| {
                (
                    proptest::option::of(0..i.max(1)),
                    0.0f64..40.0,
                    0.0f64..16.0,
                )
                    .prop_map(move |(p, w, h)| ClusterSpec {
                        parent: p.filter(|_| i > 0),
                        label_width: w,
                        label_height: h,
                    })
            })
            .collect::<Vec<_>>();
        let nodes = proptest::collection::vec(
            (
                0.0f64..60.0,
                0.0f64..40.0,
                proptest::option::of(0..k.max(1)),
                0usize..8,
            )
                .prop_map(move |(w, h, c, o)| NodeSpec {
                    cluster: c.filter(|_| k > 0),
                    outline: [
                        Outline::Rect,
                        Outline::Rounded,
                        Outline::Stadium,
                        Outline::Cylinder,
                        Outline::Hexagon,
                        Outline::Parallelogram,
                        Outline::Trapezoid,
                        Outline::Note,
                    ][o],
                    ..NodeSpec::new(w, h)
                }),
            n,
        );
        let edges = proptest::collection::vec(
            (
                0..n.max(1),
                0..n.max(1),
                proptest::option::of((0.0f64..30.0, 0.0f64..14.0)),
                proptest::bool::weighted(0.85),
            )
                .prop_map(|(from, to, label, constraint)| EdgeSpec {
                    from,
                    to,
                    label,
                    constraint,
                    hidden: false,
                }),
            if n == 0 { 0..1 } else { 0..(2 * n + 2) },
        );
        (clusters, nodes, edges).prop_map(move |(clusters, nodes, edges)| LayoutInput {
            direction: if lr {
                Direction::LeftToRight
            } else {
                Direction::TopToBottom
            },
            nodes,
            clusters,
            edges,
            routing: [
                EdgeRouting::Orthogonal,
                EdgeRouting::Polyline,
                EdgeRouting::Spline,
            ][routing],
            ..LayoutInput::default()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_graphs_lay_out_cleanly(input in arb_input()) {
        let out = layout(&input).expect("valid input");
        check(&input, &out);
    }

    #[test]
    fn layout_is_deterministic(input in arb_input()) {
        let a = layout(&input).expect("valid input");
        let b = layout(&input).expect("valid input");
        prop_assert_eq!(a, b);
    }

    #[test]
    fn bilayer_counter_matches_brute_force(
        upper in 1usize..12,
        lower in 1usize..12,
        raw in proptest::collection::vec((0usize..100, 0usize..100), 0..40),
    ) {
        let edges: Vec<(usize, usize)> = raw.iter().map(|&(a, b)| (a % upper, b % lower)).collect();
        let mut brute = 0u64;
        for (i, &(a1, b1)) in edges.iter().enumerate() {
            for &(a2, b2) in &edges[i + 1..] {
                if (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2) {
                    brute += 1;
                }
            }
        }
        prop_assert_eq!(bilayer_crossings(lower, &edges), brute);
    }
}

fn node(w: f64, h: f64, cluster: Option<usize>) -> NodeSpec {
    NodeSpec {
        cluster,
        ..NodeSpec::new(w, h)
    }
}

#[test]
fn empty_and_single() {
    let out = layout(&LayoutInput::default()).expect("empty input is valid");
    assert_eq!((out.width, out.height), (0.0, 0.0));
    assert!(out.nodes.is_empty());
    let one = LayoutInput {
        nodes: vec![node(40.0, 20.0, None)],
        ..LayoutInput::default()
    };
    let out = layout(&one).expect("valid");
    assert_eq!(out.nodes, vec![Point { x: 20.0, y: 10.0 }]);
    assert_eq!((out.width, out.height), (40.0, 20.0));
}

#[test]
fn invalid_inputs_are_errors() {
    let mut input = LayoutInput {
        nodes: vec![node(1.0, 1.0, None)],
        edges: vec![EdgeSpec::new(0, 1)],
        ..LayoutInput::default()
    };
    assert_eq!(layout(&input), Err(LayoutError::EdgeOutOfRange { edge: 0 }));
    // Its Display honours width and fill, as every Display of the crate.
    let err = LayoutError::EdgeOutOfRange { edge: 0 };
    assert_eq!(
        format!("{err:<56}|"),
        "edge 0 refers to a node that does not exist             |"
    );
    input.edges.clear();
    input.clusters = vec![
        ClusterSpec {
            parent: Some(1),
            ..ClusterSpec::default()
        },
        ClusterSpec {
            parent: Some(0),
            ..ClusterSpec::default()
        },
    ];
    assert!(matches!(
        layout(&input),
        Err(LayoutError::ClusterCycle { .. })
    ));
    input.clusters.clear();
    for bad in [f64::NAN, f64::INFINITY, -1.0, 1e300] {
        input.nodes[0].width = bad;
        assert!(matches!(
            layout(&input),
            Err(LayoutError::InvalidSize { .. })
        ));
    }
}

#[test]
fn chain_runs_down_and_cycle_keeps_arrows() {
    let input = LayoutInput {
        nodes: vec![node(30.0, 20.0, None); 3],
        edges: vec![
            EdgeSpec::new(0, 1),
            EdgeSpec::new(1, 2),
            EdgeSpec::new(2, 0),
        ],
        ..LayoutInput::default()
    };
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let ys: Vec<f64> = out.nodes.iter().map(|p| p.y).collect();
    assert!(ys[0] < ys[1] && ys[1] < ys[2]);
    // The back edge still starts at node 2 and ends at node 0.
    let back = &out.edges[2].points;
    assert!((back[0].y - (ys[2] - 10.0)).abs() < EPS || back[0].y <= ys[2] + 10.0 + EPS);
    assert!(back[back.len() - 1].y <= ys[0] + 10.0 + EPS);
}

#[test]
fn cluster_edges_to_ancestor_members() {
    // Cluster 1 inside cluster 0; edges between members of both and outside.
    let input = LayoutInput {
        nodes: vec![
            node(40.0, 20.0, Some(0)),
            node(40.0, 20.0, Some(1)),
            node(40.0, 20.0, Some(1)),
            node(40.0, 20.0, None),
        ],
        clusters: vec![
            ClusterSpec {
                parent: None,
                label_width: 80.0,
                label_height: 14.0,
            },
            ClusterSpec {
                parent: Some(0),
                label_width: 30.0,
                label_height: 14.0,
            },
        ],
        edges: vec![
            EdgeSpec::new(0, 1),
            EdgeSpec::new(1, 2),
            EdgeSpec::new(3, 2),
            EdgeSpec::new(0, 3),
            EdgeSpec::new(2, 0),
        ],
        ..LayoutInput::default()
    };
    for direction in [Direction::TopToBottom, Direction::LeftToRight] {
        let input = LayoutInput {
            direction,
            ..input.clone()
        };
        let out = layout(&input).expect("valid");
        check(&input, &out);
        // Labels fit: the boxes are at least as wide as their labels.
        for (c, spec) in input.clusters.iter().enumerate() {
            assert!(out.clusters[c].width >= spec.label_width);
        }
    }
}

#[test]
fn parallel_edges_are_drawn_apart() {
    let input = LayoutInput {
        nodes: vec![node(60.0, 20.0, None); 2],
        edges: vec![
            EdgeSpec::new(0, 1),
            EdgeSpec::new(0, 1),
            EdgeSpec::new(1, 0),
        ],
        ..LayoutInput::default()
    };
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let starts: Vec<f64> = out.edges.iter().map(|r| r.points[0].x).collect();
    assert!(starts[0] != starts[1], "parallel edges overlap: {starts:?}");
    // The reversed one starts at node 1, below.
    assert!(out.edges[2].points[0].y > out.edges[0].points[0].y);
}

#[test]
fn disconnected_parts_are_packed_not_lined_up() {
    // Twelve separate two-node chains and a cluster of its own: one layered
    // drawing would put them in a row twelve chains wide.
    let mut input = LayoutInput {
        clusters: vec![ClusterSpec::default()],
        ..LayoutInput::default()
    };
    for i in 0..12 {
        input.nodes.push(node(60.0 + f64::from(i), 20.0, None));
        input.nodes.push(node(40.0, 30.0, None));
        input
            .edges
            .push(EdgeSpec::new(2 * i as usize, 2 * i as usize + 1));
    }
    input.nodes.push(node(50.0, 20.0, Some(0)));
    input.nodes.push(node(50.0, 20.0, Some(0)));
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let (long, short) = (out.width.max(out.height), out.width.min(out.height));
    assert!(long / short <= 2.0, "{} × {}", out.width, out.height);
    // Each chain still runs downwards, its own two nodes one above the other.
    for i in 0..12 {
        let (a, b) = (out.nodes[2 * i], out.nodes[2 * i + 1]);
        assert!(
            b.y > a.y && (a.x - b.x).abs() < EPS,
            "chain {i}: {a:?} {b:?}"
        );
    }
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn independent_boxes_inside_one_box_are_packed_not_lined_up() {
    // One box around twelve boxes of two linked nodes each and nothing else:
    // one part, so only packing inside the box keeps it from being a row.
    let mut input = LayoutInput {
        clusters: vec![ClusterSpec {
            label_width: 120.0,
            label_height: 16.0,
            ..ClusterSpec::default()
        }],
        ..LayoutInput::default()
    };
    for i in 0..12 {
        input.clusters.push(ClusterSpec {
            parent: Some(0),
            label_width: 40.0,
            label_height: 14.0,
        });
        input.nodes.push(node(70.0, 24.0, Some(i + 1)));
        input.nodes.push(node(50.0, 30.0, Some(i + 1)));
        input.edges.push(EdgeSpec::new(2 * i, 2 * i + 1));
    }
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let (long, short) = (out.width.max(out.height), out.width.min(out.height));
    assert!(long / short <= 2.0, "{} × {}", out.width, out.height);
    // The outer box holds everything, its label along its top.
    assert_eq!(out.clusters[0].x, 0.0);
    assert_eq!(out.clusters[0].y, 0.0);
    assert_eq!(out.clusters[0].width, out.width);
    assert_eq!(out.clusters[0].height, out.height);
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn boxes_nested_fifty_deep_each_with_two_lone_nodes_are_laid_out() {
    // Groups whose parent is among the previous three: each box holds two lone
    // nodes and the next box. The contents of every box were laid out again
    // for each second drawing tried around them, 2^depth layouts (40 nodes
    // took 0.7 s, 50 over a minute); this is the 150 nodes a view draws by
    // default.
    let depth: usize = 50;
    let mut input = LayoutInput::default();
    for c in 0..depth {
        input.clusters.push(ClusterSpec {
            parent: c.checked_sub(1),
            label_width: 40.0,
            label_height: 14.0,
        });
        input.nodes.push(node(60.0, 24.0, Some(c)));
        input.nodes.push(node(40.0, 30.0, Some(c)));
    }
    input.nodes.push(node(50.0, 24.0, Some(depth - 1)));
    let out = layout(&input).expect("valid");
    check(&input, &out);
    for c in 1..depth {
        assert!(inside(&out.clusters[c], &out.clusters[c - 1]), "box {c}");
    }
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn independent_boxes_in_a_short_rank_are_laid_flat_along_it() {
    // A box holding a header fed from a chain outside, a box of seven nodes
    // the header feeds (the longest rank), and two boxes of lone nodes, three
    // and four. Packed on their own, they are columns beside the header,
    // three and four nodes deep. Both laid flat, as rows, they would make
    // the header's rank longer than the long one; the four as a row and the
    // three as a column fit beside the header, and the drawing is a node
    // lower.
    let mut input = LayoutInput {
        clusters: vec![ClusterSpec::default()],
        ..LayoutInput::default()
    };
    for _ in 0..3 {
        input.clusters.push(ClusterSpec {
            parent: Some(0),
            label_width: 60.0,
            label_height: 14.0,
        });
    }
    // A chain of eight nodes above, so that the drawing is not long.
    for i in 0..8 {
        input.nodes.push(node(150.0, 30.0, None));
        if i > 0 {
            input.edges.push(EdgeSpec::new(i - 1, i));
        }
    }
    let header = input.nodes.len();
    input.nodes.push(node(150.0, 30.0, Some(0)));
    input.edges.push(EdgeSpec::new(header - 1, header));
    for _ in 0..7 {
        input.edges.push(EdgeSpec::new(header, input.nodes.len()));
        input.nodes.push(node(150.0, 40.0, Some(1)));
    }
    let three: Vec<usize> = (0..3).map(|i| input.nodes.len() + i).collect();
    let four: Vec<usize> = (3..7).map(|i| input.nodes.len() + i).collect();
    for (c, n) in [(2, 3), (3, 4)] {
        for _ in 0..n {
            input.nodes.push(node(150.0, 40.0, Some(c)));
        }
    }
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let rows = |vs: &[usize]| -> Vec<f64> {
        let mut ys: Vec<f64> = vs.iter().map(|&v| out.nodes[v].y).collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup();
        ys
    };
    assert_eq!(rows(&four).len(), 1, "the four in a row: {:?}", rows(&four));
    assert_eq!(
        rows(&three).len(),
        3,
        "the three a column: {:?}",
        rows(&three)
    );
    // Beside the header, above the long rank, no longer than its box.
    let long = out.clusters[1];
    for c in [2, 3] {
        let b = out.clusters[c];
        assert!(b.y + b.height < long.y, "box {c}: {b:?} above {long:?}");
    }
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn a_column_of_lone_nodes_beside_a_header_wraps_where_the_drawing_is_smaller() {
    // Left to right, as TE24's overview: actors fed into tasks in one box,
    // one of them a header in a box of its own with six lone tasks. In one
    // column the six make the header's rank, and so the drawing, six nodes
    // long; packed two wide they are too long across to fit within 2:1, so
    // the packing is that column too. Wrapped into columns of four and two,
    // the rank is two nodes shorter for one node's width more.
    let mut input = LayoutInput {
        direction: Direction::LeftToRight,
        clusters: vec![
            ClusterSpec::default(),
            ClusterSpec {
                parent: Some(0),
                ..ClusterSpec::default()
            },
        ],
        ..LayoutInput::default()
    };
    let feed = |input: &mut LayoutInput, cluster: Option<usize>, width: f64| {
        let actor = input.nodes.len();
        input.nodes.push(node(180.0, 40.0, None));
        input.nodes.push(node(width, 40.0, cluster));
        input.edges.push(EdgeSpec::new(actor, actor + 1));
        actor + 1
    };
    feed(&mut input, Some(0), 170.0);
    let header = feed(&mut input, Some(1), 270.0);
    let six: Vec<usize> = (0..6).map(|i| input.nodes.len() + i).collect();
    for _ in 0..6 {
        input.nodes.push(node(170.0, 40.0, Some(1)));
    }
    for _ in 0..3 {
        feed(&mut input, Some(0), 170.0);
    }
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let mut columns: Vec<(f64, usize)> = Vec::new();
    for &v in &six {
        let x = out.nodes[v].x;
        match columns.iter_mut().find(|c| (c.0 - x).abs() < 1.0) {
            Some(c) => c.1 += 1,
            None => columns.push((x, 1)),
        }
    }
    let mut counts: Vec<usize> = columns.iter().map(|c| c.1).collect();
    counts.sort_unstable();
    assert_eq!(counts, [2, 4], "columns of four and two: {columns:?}");
    // All in the header's box, after the header along the rank.
    let inner = out.clusters[1];
    for &v in &six {
        assert!(inside(&node_rect(out.nodes[v], &input.nodes[v]), &inner));
        assert!(out.nodes[v].y > out.nodes[header].y);
    }
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn a_box_hugs_nodes_less_deep_than_their_rank() {
    // One rank: a node 200 deep outside any box, and a box of a node 30
    // deep beside it, fed from above. The box stands as deep as its node
    // and its margins, centred on the rank, not as deep as the rank; its
    // sibling box, holding the deep node's twin, as deep as that.
    for direction in [Direction::TopToBottom, Direction::LeftToRight] {
        let label = 14.0;
        let mut input = LayoutInput {
            direction,
            clusters: vec![
                ClusterSpec {
                    label_width: 40.0,
                    label_height: label,
                    ..ClusterSpec::default()
                },
                ClusterSpec {
                    label_width: 40.0,
                    label_height: label,
                    ..ClusterSpec::default()
                },
            ],
            ..LayoutInput::default()
        };
        let deep = |w: f64, h: f64| match direction {
            Direction::TopToBottom => (w, h),
            Direction::LeftToRight => (h, w),
        };
        let (w, h) = deep(80.0, 30.0);
        let (dw, dh) = deep(80.0, 200.0);
        input.nodes.push(node(w, h, None));
        input.nodes.push(node(w, h, Some(0)));
        input.nodes.push(node(dw, dh, None));
        input.nodes.push(node(dw, dh, Some(1)));
        input.edges.push(EdgeSpec::new(0, 1));
        input.edges.push(EdgeSpec::new(0, 2));
        input.edges.push(EdgeSpec::new(0, 3));
        let out = layout(&input).expect("valid");
        check(&input, &out);
        let across = |r: &Rect| match direction {
            Direction::TopToBottom => (r.y, r.height),
            Direction::LeftToRight => (r.x, r.width),
        };
        let (small, big) = (out.clusters[0], out.clusters[1]);
        let pad = input.cluster_padding;
        // The label above the node top to bottom; left to right, beside
        // it, the box as wide as the label.
        let hugging = match direction {
            Direction::TopToBottom => 30.0 + 2.0 * pad + label,
            Direction::LeftToRight => (30.0f64).max(40.0) + 2.0 * pad,
        };
        assert!(
            (across(&small).1 - hugging).abs() < 1e-6,
            "{direction:?}: {small:?} hugs its node"
        );
        assert!(
            across(&big).1 >= 200.0 + 2.0 * pad,
            "{direction:?}: {big:?}"
        );
        // Both nodes' centres on one line across the ranks: the small box
        // sits in the middle of the rank.
        let centre = |v: usize| match direction {
            Direction::TopToBottom => out.nodes[v].y,
            Direction::LeftToRight => out.nodes[v].x,
        };
        assert!((centre(1) - centre(2)).abs() < 1e-6);
        assert!(across(&small).0 > across(&big).0, "{direction:?}");
    }
}

#[test]
fn ranks_joined_only_by_hidden_edges_stand_a_node_gap_apart() {
    // A column of three stacked by hidden edges, a drawn edge from the
    // second to a fourth node beside the third: the gap the drawn edge
    // runs through is the rank gap, the one nothing is drawn in the node
    // gap (as between packed parts).
    let mut input = LayoutInput::default();
    for _ in 0..4 {
        input.nodes.push(node(80.0, 30.0, None));
    }
    input.edges.push(EdgeSpec::hidden(0, 1));
    input.edges.push(EdgeSpec::hidden(1, 2));
    input.edges.push(EdgeSpec::new(1, 3));
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let gap = |a: usize, b: usize| out.nodes[b].y - out.nodes[a].y - 30.0;
    assert!(
        (gap(0, 1) - input.node_sep.min(input.rank_sep)).abs() < 1e-6,
        "{out:?}"
    );
    assert!((gap(1, 2) - input.rank_sep).abs() < 1e-6, "{out:?}");
    assert!((gap(1, 3) - input.rank_sep).abs() < 1e-6, "{out:?}");
}

#[test]
fn lone_nodes_in_a_box_with_linked_ones_are_packed_into_a_block() {
    // A box holding a linked pair (fed from outside) and sixteen nodes
    // without edges: the sixteen form one block, not a row 16 nodes wide.
    let mut input = LayoutInput {
        clusters: vec![ClusterSpec::default()],
        ..LayoutInput::default()
    };
    input.nodes.push(node(60.0, 20.0, None));
    input.nodes.push(node(60.0, 20.0, Some(0)));
    input.nodes.push(node(60.0, 20.0, Some(0)));
    input.edges.push(EdgeSpec::new(0, 1));
    input.edges.push(EdgeSpec::new(1, 2));
    for _ in 0..16 {
        input.nodes.push(node(60.0, 20.0, Some(0)));
    }
    let out = layout(&input).expect("valid");
    check(&input, &out);
    // A row would be 16 × 60 px plus gaps wide.
    assert!(out.clusters[0].width < 8.0 * 60.0, "{:?}", out.clusters[0]);
    let (long, short) = (out.width.max(out.height), out.width.min(out.height));
    assert!(long / short <= 2.6, "{} × {}", out.width, out.height);
    assert_eq!(layout(&input).expect("valid"), out, "deterministic");
}

#[test]
fn straightened_routes_keep_clear_of_nodes_between_them() {
    // A wide node in the middle rank between a source and a sink: the route
    // from top to bottom must bend round it, not cut through.
    let input = LayoutInput {
        nodes: vec![
            node(40.0, 20.0, None),
            node(300.0, 20.0, None),
            node(40.0, 20.0, None),
            node(40.0, 20.0, None),
        ],
        edges: vec![
            EdgeSpec::new(0, 1),
            EdgeSpec::new(1, 2),
            EdgeSpec::new(0, 2),
            EdgeSpec::new(3, 2),
        ],
        ..LayoutInput::default()
    };
    for routing in [EdgeRouting::Polyline, EdgeRouting::Spline] {
        let input = LayoutInput {
            routing,
            ..input.clone()
        };
        let out = layout(&input).expect("valid");
        check(&input, &out);
    }
}

/// Crossings between the drawn lines of edges that share no node.
fn drawn_crossings(input: &LayoutInput, out: &Layout) -> usize {
    let cross = |a: Point, b: Point, c: Point, d: Point| {
        let side =
            |p: Point, q: Point, r: Point| (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
        let (d1, d2) = (side(a, b, c), side(a, b, d));
        let (d3, d4) = (side(c, d, a), side(c, d, b));
        d1 * d2 < 0.0 && d3 * d4 < 0.0
    };
    let mut total = 0;
    for (i, e) in input.edges.iter().enumerate() {
        for (j, f) in input.edges.iter().enumerate().skip(i + 1) {
            if [e.from, e.to].iter().any(|v| [f.from, f.to].contains(v)) {
                continue;
            }
            for s in out.edges[i].points.windows(2) {
                for t in out.edges[j].points.windows(2) {
                    total += usize::from(cross(s[0], s[1], t[0], t[1]));
                }
            }
        }
    }
    total
}

#[test]
fn a_ladder_given_in_scrambled_order_is_drawn_without_crossings() {
    // Three rows of five linked as ladders (row i's k-th node to row i+1's
    // k-th and (k+1)-th): a drawing without crossings exists. Node indices
    // interleave the rows and scramble each row, so the input order suggests
    // many crossings.
    let scramble = [3, 0, 4, 1, 2];
    let id = |row: usize, k: usize| scramble[k] * 3 + row;
    let mut edges = Vec::new();
    for row in 0..2 {
        for k in 0..5 {
            edges.push(EdgeSpec::new(id(row, k), id(row + 1, k)));
            if k + 1 < 5 {
                edges.push(EdgeSpec::new(id(row, k), id(row + 1, k + 1)));
            }
        }
    }
    for routing in [EdgeRouting::Polyline, EdgeRouting::Orthogonal] {
        let input = LayoutInput {
            nodes: vec![node(40.0, 20.0, None); 15],
            edges: edges.clone(),
            routing,
            ..LayoutInput::default()
        };
        let out = layout(&input).expect("valid");
        assert_eq!(drawn_crossings(&input, &out), 0, "{routing:?}");
    }
}

#[test]
fn hidden_edges_never_turn_a_drawn_edge_up() {
    // A drawn edge 0 -> 1 against three hidden edges 1 -> 0 (hints a caller
    // adds to stack things, as the SVG writer's grids do): breaking the
    // cycle by the fewest edges would turn the drawn one round. TE24's
    // tj-packages in Finnish drew three relations up that way.
    for direction in [Direction::TopToBottom, Direction::LeftToRight] {
        let input = LayoutInput {
            nodes: vec![node(40.0, 20.0, None); 2],
            edges: vec![
                EdgeSpec::new(0, 1),
                EdgeSpec::hidden(1, 0),
                EdgeSpec::hidden(1, 0),
                EdgeSpec::hidden(1, 0),
            ],
            direction,
            ..LayoutInput::default()
        };
        let out = layout(&input).expect("valid");
        assert_eq!(
            against_direction(&input, &out, 1),
            Vec::new(),
            "{direction:?}"
        );
    }
}

#[test]
fn hidden_edges_stack_their_ends_in_a_straight_column() {
    // Nodes 0, 1 and 2 stacked by hidden edges above node 3, which node 2
    // feeds: the hidden edges rank 1 below 0 and 2 below 1 and pull them
    // into one column; each is routed as one straight segment.
    let input = LayoutInput {
        nodes: vec![node(40.0, 20.0, None); 4],
        edges: vec![
            EdgeSpec::new(2, 3),
            EdgeSpec::hidden(0, 1),
            EdgeSpec::hidden(1, 2),
        ],
        ..LayoutInput::default()
    };
    let out = layout(&input).expect("valid");
    let (a, b, c) = (out.nodes[0], out.nodes[1], out.nodes[2]);
    assert!(a.y < b.y && b.y < c.y, "{:?}", out.nodes);
    assert!(
        (a.x - b.x).abs() < 1e-9 && (b.x - c.x).abs() < 1e-9,
        "{:?}",
        out.nodes
    );
    for e in &out.edges[1..] {
        assert_eq!(e.points.len(), 2, "{:?}", e.points);
    }
}

/// The repository's TE24 model.
fn te24() -> ecograph_core::Model {
    let Some((_, m)) = crate::dot::repository_models()
        .into_iter()
        .find(|(n, _)| n.ends_with("te24.json"))
    else {
        panic!("models/te24.json is missing");
    };
    m
}

#[test]
fn tj_packages_drawn_edges_cross_at_most_10_times_in_a_compact_drawing() {
    // TE24's tj-packages view: boxes nested three deep, 44 drawn edges and
    // hidden stacking edges. The ordering's search inside boxes took its
    // drawn crossings from 32 to 23, leaving the hidden edges out of the
    // ordering and starting it from three orders of sources to 17; standing
    // tj's four task boxes in a row (their relations all leave tj) and not
    // stacking tj below the national data box its tasks are linked with, to
    // 13 in 2,395 x 918 px instead of 2,554 x 1,655 (2,355 x 918 with the
    // boxes' padding beside outside things); lowering the JOD study, which
    // stood beyond the end of every rank, one rank to 2,228 x 937 px (2.38:1
    // instead of 2.57:1), and later, where one rank down it still stood
    // beside the national data box, to the last rank, under that box. The national information system services output,
    // fed by six tasks across the view, then shared its rank with the other
    // outputs, and its six edges crossed their edges: one rank lower, its
    // edges pass between them. That took the English drawing from 13 to 10
    // (where the wide rank of outputs is staggered, the output fed from
    // several goes down first) and the Finnish one from 21 to 10 (its
    // drawing is also made with that output one rank lower, and kept). dot
    // draws it with 0 crossings but passes through boxes, ELK with 44.
    let m = te24();
    let view = ecograph_render::views_of(&m, 150)
        .into_iter()
        .find(|v| v.id == "tj-packages")
        .expect("te24 has a tj-packages view");
    // Area bounds: the Finnish labels are longer. Its drawing stacked the
    // task boxes (2,533 x 1,520 px before the output was lowered, 2,377 x
    // 1,535 after), the national data box above them with three edges up
    // into it; then it stood them in a row too, 2,329 x 843 (2.76:1: the
    // drawing within 2.6:1 had 13 crossings); with the JOD study under the
    // national data box, 2,186 x 847 (2.58:1).
    for (lang, area) in [("en", 2.15e6), ("fi", 2.1e6)] {
        let options = ecograph_render::Options::default().lang(lang);
        let d = ecograph_render::Diagram::new(&m, &view, &options).expect("resolves");
        let input = ecograph_render::layout::diagram_input(&d);
        let drawn = input.edges.iter().filter(|e| !e.hidden).count();
        assert_eq!(drawn, 44);
        assert!(
            input.edges[..drawn].iter().all(|e| !e.hidden),
            "drawn edges come first"
        );
        let out = layout(&input).expect("valid");
        let visible = LayoutInput {
            edges: input.edges[..drawn].to_vec(),
            ..input.clone()
        };
        let crossings = drawn_crossings(&visible, &out);
        assert!(crossings <= 10, "{lang}: {crossings} crossings");
        assert!(
            out.width * out.height < area,
            "{lang}: {} x {}",
            out.width,
            out.height
        );
        assert_within_cap_unless_it_adds_crossings(&d, lang, &out, crossings);
        assert_eq!(against_direction(&input, &out, drawn), Vec::new(), "{lang}");
        // The outputs outside boxes (sinks), and the one fed from the most
        // nodes: no other stands below it.
        let n = input.nodes.len();
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sink: Vec<bool> = input.nodes.iter().map(|s| s.cluster.is_none()).collect();
        for e in &visible.edges {
            sink[e.from] = false;
            preds[e.to].push(e.from);
        }
        for p in &mut preds {
            p.sort_unstable();
            p.dedup();
        }
        let sinks: Vec<usize> = (0..n)
            .filter(|&v| sink[v] && !preds[v].is_empty())
            .collect();
        let fan = *sinks
            .iter()
            .max_by_key(|&&v| preds[v].len())
            .expect("tj has outputs");
        assert_eq!(preds[fan].len(), 6, "{lang}");
        // Save the JOD study, which goes on down to the last rank, under
        // the national data box, from beyond the end of every rank.
        let last = out.nodes.iter().map(|p| p.y).fold(0.0, f64::max);
        let lowest: Vec<usize> = sinks
            .iter()
            .copied()
            .filter(|&s| out.nodes[s].y > out.nodes[fan].y)
            .collect();
        assert!(lowest.len() <= 1, "{lang}: {lowest:?} below the fan {fan}");
        for s in lowest {
            assert_eq!(preds[s].len(), 1, "{lang}: sink {s}");
            assert!(
                out.nodes[s].y + input.nodes[s].height / 2.0 >= last,
                "{lang}: sink {s} below the fan {fan}, not on the last rank"
            );
        }
    }
}

#[test]
fn every_te24_view_is_at_most_2_6_times_as_long_as_wide_in_either_language() {
    // The layout issue's cap on the TE24 views. Finnish labels are longer
    // than English ones, so the views pack differently: tt-packages (one box
    // of three boxes) was 1,116 x 418 px (2.67:1) in Finnish, the three
    // boxes in a row, because the packing's score let a drawing a little
    // beyond 2.6:1 win by its area; tj-packages was 2,329 x 843 (2.76:1),
    // one output standing beyond the end of every rank beside the national
    // data box, until it went down under that box, pulled in under it.
    let m = te24();
    let views = ecograph_render::views_of(&m, 150);
    assert!(views.len() >= 15, "{} views", views.len());
    for lang in ["en", "fi"] {
        let options = ecograph_render::Options::default().lang(lang);
        for view in &views {
            let d = ecograph_render::Diagram::new(&m, view, &options).expect("resolves");
            let input = ecograph_render::layout::diagram_input(&d);
            let out = layout(&input).expect("valid");
            let (_, drawn) = ecograph_render::layout::diagram_inputs(&d);
            let visible = LayoutInput {
                edges: input.edges[..drawn].to_vec(),
                ..input.clone()
            };
            let at = format!("{lang} {}", view.id);
            assert!(
                out.width.max(out.height) <= 2.6 * out.width.min(out.height),
                "{at}: {} x {}, {} crossings",
                out.width,
                out.height,
                drawn_crossings(&visible, &out)
            );
            // The views' drawn relations have no cycle: every one points down
            // (right, left to right). With tj-packages' national data box
            // stacked above its task box by hidden edges, three pointed up
            // in Finnish.
            assert_eq!(against_direction(&input, &out, drawn), Vec::new(), "{at}");
        }
    }
}

/// Asserts that `out`, the drawing of diagram `d` with `crossings` drawn
/// crossings, is at most 2.6 times as long as wide either way, or else that
/// every other way of stacking the diagram that is within that has more
/// crossings (the layout issue's compaction is not to add any).
fn assert_within_cap_unless_it_adds_crossings(
    d: &ecograph_render::Diagram<'_>,
    at: &str,
    out: &Layout,
    crossings: usize,
) {
    let within = |l: &Layout| l.width.max(l.height) <= 2.6 * l.width.min(l.height);
    if within(out) {
        return;
    }
    let (inputs, drawn) = ecograph_render::layout::diagram_inputs(d);
    let mut weighed = 0;
    for other in &inputs {
        let lay = layout(other).expect("valid");
        if within(&lay) {
            let visible = LayoutInput {
                edges: other.edges[..drawn].to_vec(),
                ..other.clone()
            };
            let theirs = drawn_crossings(&visible, &lay);
            assert!(
                theirs > crossings,
                "{at}: {} x {} with {crossings} crossings, where another stacking is within \
                 2.6:1 with {theirs}",
                out.width,
                out.height
            );
            weighed += 1;
        }
    }
    assert!(
        weighed > 0,
        "{at}: {} x {}, and no stacking is within 2.6:1",
        out.width,
        out.height
    );
}

/// The first `drawn` edges of `input` whose head `out` draws above its tail
/// (left of it, left to right) by more than a pixel.
fn against_direction(input: &LayoutInput, out: &Layout, drawn: usize) -> Vec<(usize, usize)> {
    let along = |p: Point| match input.direction {
        Direction::LeftToRight => p.x,
        Direction::TopToBottom => p.y,
    };
    input.edges[..drawn]
        .iter()
        .filter(|e| e.from != e.to && along(out.nodes[e.to]) + 1.0 < along(out.nodes[e.from]))
        .map(|e| (e.from, e.to))
        .collect()
}

#[test]
fn a_sink_beyond_the_end_of_a_full_rank_moves_down_beside_the_rank_below() {
    // a -> b -> e, a -> c, a -> d: the rank of b, c and d is three wide
    // nodes long, and the one of e holds one. A sink at an end of the
    // long rank stands beyond everything else; one rank down it stands
    // beside e, and the drawing is two nodes wide instead of three.
    let node = NodeSpec::new(100.0, 20.0);
    let input = LayoutInput {
        nodes: vec![node; 5],
        edges: [(0, 1), (1, 4), (0, 2), (0, 3)]
            .map(|(a, b)| EdgeSpec::new(a, b))
            .to_vec(),
        ..LayoutInput::default()
    };
    let out = layout(&input).expect("valid");
    let three = 3.0 * 100.0 + 2.0 * input.node_sep;
    assert!(out.width < three, "{} x {}", out.width, out.height);
    // Still three ranks, and every edge points down.
    let ys: Vec<f64> = out.nodes.iter().map(|p| p.y).collect();
    let mut ranks = ys.clone();
    ranks.sort_by(f64::total_cmp);
    ranks.dedup_by(|a, b| (*a - *b).abs() < EPS);
    assert_eq!(ranks.len(), 3, "{ys:?}");
    for e in &input.edges {
        assert!(ys[e.from] < ys[e.to], "{ys:?}");
    }
}

#[test]
fn boxes_side_by_side_keep_their_padding_from_what_stands_beside_them() {
    // One source above two boxes of one node each and a loose node: the
    // three stand side by side on one rank, as close as the cluster padding
    // (8) lets them, not node_sep (18) apart; a wider padding than node_sep
    // keeps node_sep outside the boxes.
    for (pad, gap) in [(8.0, 8.0), (30.0, 18.0)] {
        let input = LayoutInput {
            nodes: vec![
                node(40.0, 20.0, None),
                node(40.0, 20.0, Some(0)),
                node(40.0, 20.0, Some(1)),
                node(40.0, 20.0, None),
            ],
            clusters: vec![ClusterSpec::default(); 2],
            edges: vec![
                EdgeSpec::new(0, 1),
                EdgeSpec::new(0, 2),
                EdgeSpec::new(0, 3),
            ],
            cluster_padding: pad,
            ..LayoutInput::default()
        };
        let out = layout(&input).expect("valid");
        check(&input, &out);
        let mut spans: Vec<(f64, f64)> =
            out.clusters.iter().map(|r| (r.x, r.x + r.width)).collect();
        let loose = node_rect(out.nodes[3], &input.nodes[3]);
        spans.push((loose.x, loose.x + loose.width));
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            assert!((w[1].0 - w[0].1 - gap).abs() < 0.5, "pad {pad}: {spans:?}");
        }
    }
}

#[test]
fn a_sibling_box_between_moves_along_with_a_region_moved_across_a_box() {
    // Found by the random-graph test run with up to 40 nodes and 12 boxes,
    // then shrunk. The edge 8 -> 5 (box 3 to box 1) passed box 2, which
    // stands on both its ranks. Either end could go round box 2 only
    // together with a sibling box that stood between it and box 2 on one
    // rank, and a region with a box in between was not tried: the pass
    // stayed.
    let boxes = [0, 2, -1, 4, 2, 1, -1, -1, 3, 1, -1, -1, 5, 2, 4, -1, 4, -1];
    let edges = [
        11, 9, 7, 8, 3, 1, 7, 0, 13, 1, 5, 2, 15, 1, 11, 12, 17, 3, 8, 5, 15, 7, 2, 16, 15, 14, 6,
        4, 5, 3, 10, 8, 14, 4,
    ];
    let mut input = found(&boxes, 6, &edges);
    for e in &mut input.edges {
        e.constraint = !matches!((e.from, e.to), (2, 16) | (5, 3));
    }
    input.routing = EdgeRouting::Orthogonal;
    let out = layout(&input).expect("valid");
    check(&input, &out);
}

/// A graph the random-graph test found: nodes of no size in `boxes` (of
/// `k` top-level boxes; -1 for none), joined by `edges` (tail, head, tail,
/// head, ...).
fn found(boxes: &[i8], k: usize, edges: &[usize]) -> LayoutInput {
    LayoutInput {
        nodes: boxes
            .iter()
            .map(|&c| node(0.0, 0.0, usize::try_from(c).ok()))
            .collect(),
        clusters: vec![ClusterSpec::default(); k],
        edges: edges
            .chunks_exact(2)
            .map(|e| EdgeSpec::new(e[0], e[1]))
            .collect(),
        ..LayoutInput::default()
    }
}

#[test]
fn a_box_the_ordering_cannot_clear_is_ranked_clear_of_the_edge() {
    // Found by the random-graph test run with up to 40 nodes and 12 boxes,
    // then shrunk. The edge 2 -> 3 into box 4 passed box 0, and moving
    // either end's region across box 0 left another pass: no order of
    // these ranks clears it. Ranked again with box 4 stacked clear of
    // box 0, it passes nothing.
    let boxes = [
        -1, 3, -1, 4, -1, 0, 2, 0, -1, -1, 2, 3, 4, 0, 2, 0, 1, 1, -1,
    ];
    let edges = [
        2, 3, 6, 18, 16, 17, 8, 9, 8, 12, 16, 3, 5, 15, 4, 1, 0, 14, 15, 7, 7, 18, 14, 2, 9, 15, 0,
        11, 4, 9, 13, 2, 14, 10,
    ];
    let mut input = found(&boxes, 5, &edges);
    for e in &mut input.edges {
        e.constraint = (e.from, e.to) != (13, 2);
        e.label = ((e.from, e.to) == (14, 2)).then_some((3.0, 2.0));
    }
    input.direction = Direction::LeftToRight;
    input.routing = EdgeRouting::Spline;
    let out = layout(&input).expect("valid");
    check(&input, &out);
}

#[test]
fn an_edge_along_a_rank_clears_boxes_that_block_above_and_below_in_turn() {
    // Found by the random-graph test run with up to 40 nodes and 12 boxes,
    // then shrunk. The non-constraint edge 7 -> 11 runs along a rank with
    // two boxes between its ends: box 2 reaches the rank above, box 0 the
    // rank below, so a line over the rank crossed box 2 and one under it
    // box 0. A box had to reach both ways to count as passed.
    let boxes = [-1, 1, -1, 2, 0, 2, 0, -1, -1, 1, -1, -1, 2, -1, 0, -1];
    let edges = [
        2, 11, 0, 7, 3, 10, 4, 15, 8, 10, 12, 5, 4, 9, 13, 1, 11, 13, 8, 15, 7, 11, 14, 6,
    ];
    let mut input = found(&boxes, 3, &edges);
    for e in &mut input.edges {
        e.constraint = !matches!((e.from, e.to), (8, 15) | (7, 11));
    }
    let out = layout(&input).expect("valid");
    check(&input, &out);
}

/// Node 0 over `n` nodes of 100 px, each over node n + 1: the edges from
/// node 0 and into node n + 1 change lanes by up to half the row's width.
/// With `boxed`, the row of `n` stands in a box.
fn fan_out_and_in(n: usize, boxed: bool) -> LayoutInput {
    let mut nodes = vec![node(60.0, 20.0, None)];
    nodes.extend((0..n).map(|_| node(100.0, 20.0, boxed.then_some(0))));
    nodes.push(node(60.0, 20.0, None));
    let mut edges: Vec<EdgeSpec> = (1..=n).map(|i| EdgeSpec::new(0, i)).collect();
    edges.extend((1..=n).map(|i| EdgeSpec::new(i, n + 1)));
    LayoutInput {
        nodes,
        clusters: if boxed {
            vec![ClusterSpec::default()]
        } else {
            Vec::new()
        },
        edges,
        ..LayoutInput::default()
    }
}

/// [`fan_out_and_in`] of 40 laid out and checked: the gap between the
/// bottom of node 0 and the top of node 1, and the longest run across the
/// ranks of an edge out of node 0 (over 2,000 px), with the layout.
fn fan_gap_and_run(boxed: bool) -> (f64, f64, Layout) {
    let input = fan_out_and_in(40, boxed);
    let out = layout(&input).expect("valid");
    check(&input, &out);
    let bottom = out.nodes[0].y + input.nodes[0].height / 2.0;
    let top = out.nodes[1].y - input.nodes[1].height / 2.0;
    let run = out
        .edges
        .iter()
        .zip(&input.edges)
        .filter(|(_, e)| e.from == 0)
        .map(|(r, _)| (r.points[r.points.len() - 1].x - r.points[0].x).abs())
        .fold(0.0, f64::max);
    assert!(run > 2000.0, "{run}");
    (top - bottom, run, out)
}

#[test]
fn without_boxes_a_channel_is_a_twentieth_of_its_longest_lane_change_high() {
    // Forty nodes in a row: the outer edges from node 0 run some 2,400 px
    // across. In a 36 px gap they would meet their neighbours at under a
    // degree, drawn as one line.
    let (gap, run, out) = fan_gap_and_run(false);
    assert!(gap >= 0.05 * run - 1.0, "gap {gap} for a run of {run}");
    // Every node of the row on one rank, below node 0.
    for v in 1..=40 {
        assert_eq!(out.nodes[v].y, out.nodes[1].y);
    }
}

#[test]
fn with_boxes_channels_keep_their_height_for_long_lane_changes() {
    // The same fan with its row in a box: the drawing's area counts more
    // than the slope of its lines there (docs/render.md, "Channels as high
    // as their longest lane change").
    let (gap, run, _) = fan_gap_and_run(true);
    assert!(gap < 0.05 * run / 2.0, "gap {gap} for a run of {run}");
}
