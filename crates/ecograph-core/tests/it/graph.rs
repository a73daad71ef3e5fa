//! `ModelGraph` under petgraph's algorithms against brute-force reachability over the
//! generated shape's relation list.

use crate::shapes::{Shape, shape};
use ecograph_core::{ElementIndex, Model, RelationKind};
use petgraph::Direction;
use petgraph::algo::{dijkstra, has_path_connecting, tarjan_scc, toposort};
use petgraph::visit::{
    Dfs, EdgeCount, EdgeRef, IntoEdgeReferences, IntoNeighbors, IntoNeighborsDirected,
    IntoNodeReferences, NodeCount, NodeRef,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The edges the graph should have: `(from, to)`, `linked` both ways.
fn oracle_edges(shape: &Shape, kinds: &[RelationKind]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(k, f, t) in &shape.relations {
        if kinds.is_empty() || kinds.iter().any(|x| x.as_str() == k) {
            out.push((f, t));
            if k == "linked" {
                out.push((t, f));
            }
        }
    }
    out
}

/// `reach[a][b]`: a path of zero or more edges from `a` to `b`.
fn oracle_reach(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<bool>> {
    let mut reach = vec![vec![false; n]; n];
    for (i, row) in reach.iter_mut().enumerate() {
        row[i] = true;
    }
    for _ in 0..n {
        for &(f, t) in edges {
            for row in reach.iter_mut() {
                if row[f] {
                    row[t] = true;
                }
            }
        }
    }
    reach
}

fn ix(i: usize) -> ElementIndex {
    ElementIndex::new(i)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[allow(clippy::needless_range_loop)] // `a` is a node, also used as one

    #[test]
    fn petgraph_algorithms_agree_with_brute_force(
        shape in shape(40),
        kinds in prop::sample::subsequence(vec![RelationKind::Flow, RelationKind::Uses, RelationKind::Linked], 0..3),
    ) {
        let model = Model::from_json_str(&shape.json()).expect("generated models are valid");
        let g = model.graph(&kinds);
        let n = shape.n;
        let edges = oracle_edges(&shape, &kinds);
        let reach = oracle_reach(n, &edges);

        prop_assert_eq!(g.node_count(), n);
        prop_assert_eq!(g.edge_count(), edges.len());
        let listed: Vec<(usize, usize)> = g.edge_references().map(|e| (e.source().index(), e.target().index())).collect();
        prop_assert_eq!(listed.len(), edges.len());
        let mut sorted_listed = listed.clone();
        sorted_listed.sort_unstable();
        let mut sorted_edges = edges.clone();
        sorted_edges.sort_unstable();
        prop_assert_eq!(sorted_listed, sorted_edges);
        for e in g.edge_references() {
            let r = g.relation(e.id());
            prop_assert_eq!(*e.weight(), r.kind());
            let (f, t) = (r.from().index(), r.to().index());
            prop_assert_eq!((e.source().index(), e.target().index()), if e.id().is_reversed() { (t, f) } else { (f, t) });
        }
        prop_assert_eq!(g.node_references().map(|r| *r.weight()).collect::<Vec<_>>(), model.elements().map(|e| e.kind()).collect::<Vec<_>>());

        for a in 0..n {
            let out: Vec<usize> = g.neighbors(ix(a)).map(|x| x.index()).collect();
            let want: Vec<usize> = edges.iter().filter(|e| e.0 == a).map(|e| e.1).collect();
            prop_assert_eq!(BTreeSet::from_iter(out.iter().copied()), BTreeSet::from_iter(want.iter().copied()));
            prop_assert_eq!(out.len(), want.len());
            let inc: BTreeSet<usize> = g.neighbors_directed(ix(a), Direction::Incoming).map(|x| x.index()).collect();
            prop_assert_eq!(inc, edges.iter().filter(|e| e.1 == a).map(|e| e.0).collect::<BTreeSet<_>>());

            let mut dfs = Dfs::new(&g, ix(a));
            let mut seen = BTreeSet::new();
            while let Some(x) = dfs.next(&g) {
                seen.insert(x.index());
            }
            prop_assert_eq!(seen, (0..n).filter(|&b| reach[a][b]).collect::<BTreeSet<_>>());
            for (b, &r) in reach[a].iter().enumerate() {
                prop_assert_eq!(has_path_connecting(&g, ix(a), ix(b), None), r);
            }
        }

        // Components are the classes of mutual reachability.
        let mut comps: Vec<Vec<usize>> = tarjan_scc(&g).into_iter()
            .map(|c| { let mut c: Vec<usize> = c.into_iter().map(|x| x.index()).collect(); c.sort_unstable(); c })
            .collect();
        comps.sort_unstable();
        let mut want: Vec<Vec<usize>> = (0..n)
            .map(|a| (0..n).filter(|&b| reach[a][b] && reach[b][a]).collect::<Vec<_>>())
            .collect();
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(&comps, &want);

        // A topological order exists exactly when every component is one node.
        let acyclic = want.iter().all(|c| c.len() == 1);
        match toposort(&g, None) {
            Ok(order) => {
                prop_assert!(acyclic);
                let pos: BTreeMap<usize, usize> = order.iter().enumerate().map(|(i, x)| (x.index(), i)).collect();
                for &(f, t) in &edges {
                    prop_assert!(pos[&f] < pos[&t]);
                }
            }
            Err(_) => prop_assert!(!acyclic),
        }

        // Unit weights: dijkstra's distances are breadth-first distances.
        let dist = dijkstra(&g, ix(0), None, |_| 1usize);
        let mut bfs = vec![usize::MAX; n];
        bfs[0] = 0;
        for d in 0..n {
            for &(f, t) in &edges {
                if bfs[f] == d && bfs[t] == usize::MAX {
                    bfs[t] = d + 1;
                }
            }
        }
        let got: BTreeMap<usize, usize> = dist.into_iter().map(|(k, v)| (k.index(), v)).collect();
        let want: BTreeMap<usize, usize> = bfs.iter().enumerate().filter(|(_, d)| **d != usize::MAX).map(|(i, d)| (i, *d)).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn elements_convert_into_nodes() {
    let shape = Shape {
        n: 2,
        parent: vec![None, None],
        relations: vec![("linked", 0, 1)],
    };
    let model = Model::from_json_str(&shape.json()).expect("valid");
    let g = model.graph(&[RelationKind::Linked]);
    let (a, b) = (
        model.element("e0").expect("e0"),
        model.element("e1").expect("e1"),
    );
    assert_eq!(
        g.neighbors(a.into())
            .map(|x| g.element(x))
            .collect::<Vec<_>>(),
        [b]
    );
    assert_eq!(
        g.neighbors(b.into())
            .map(|x| g.element(x))
            .collect::<Vec<_>>(),
        [a]
    );
    assert_eq!(g.kinds().collect::<Vec<_>>(), [RelationKind::Linked]);
    assert_eq!(g.edge_count(), 2);
}
