//! petgraph's `tarjan_scc` through `Model::graph` (the adaptor) against the same
//! algorithm on a petgraph `Csr` copy of the same edges: the adaptor's cost over
//! petgraph's own compact graph. Target: at most 1.5x.
//!
//! The size defaults to 1,000,000 elements (5,000,000 relations); set
//! `ECOGRAPH_BENCH_ELEMENTS` to measure another size. Loading the model is setup. Building
//! the adaptor (`graph/build_adaptor`) and the copy (`graph/build_csr_copy`) are measured
//! on their own, then `tarjan_scc` on each, every relation kind as edges.
//!
//! Measured 2026-12-04 (1M elements, 5M relations, 2 shared cores, medians): tarjan_scc
//! 1.21 s through the adaptor, 1.18 s on the Csr copy (1.03x); building the adaptor
//! 0.47 s, the Csr copy 1.01 s.

use criterion::{Criterion, criterion_group};
use ecograph_benches::synth::generate_json;
use ecograph_core::Model;
use petgraph::csr::Csr;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use std::hint::black_box;
use std::time::Duration;

fn elements() -> usize {
    std::env::var("ECOGRAPH_BENCH_ELEMENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

/// A `Csr` with the adaptor's nodes and edges (`linked` both ways, as the adaptor has
/// it; parallel edges once).
fn csr_copy(model: &Model) -> Csr<(), (), petgraph::Directed, u32> {
    let g = model.graph(&[]);
    let mut edges: Vec<(u32, u32)> = g
        .edge_references()
        .map(|e| (e.source().index() as u32, e.target().index() as u32))
        .collect();
    edges.sort_unstable();
    // A Csr holds no parallel edges; components do not depend on them. This leaves the
    // copy slightly fewer edges to walk than the adaptor.
    edges.dedup();
    let mut csr = Csr::from_sorted_edges(&edges).expect("sorted");
    while csr.node_count() < model.element_count() {
        csr.add_node(());
    }
    csr
}

fn bench_graph(c: &mut Criterion) {
    let n = elements();
    let json = generate_json(n, 7);
    let model = Model::from_json_str(&json).expect("the generator writes valid models");
    drop(json);
    let adaptor = model.graph(&[]);
    let csr = csr_copy(&model);
    assert_eq!(
        petgraph::algo::tarjan_scc(&adaptor).len(),
        petgraph::algo::tarjan_scc(&csr).len(),
        "both graphs have the same components"
    );

    let mut g = c.benchmark_group("graph");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("build_adaptor", |b| b.iter(|| black_box(model.graph(&[]))));
    g.bench_function("build_csr_copy", |b| b.iter(|| black_box(csr_copy(&model))));
    g.bench_function("tarjan_scc_adaptor", |b| {
        b.iter(|| black_box(petgraph::algo::tarjan_scc(&adaptor)))
    });
    g.bench_function("tarjan_scc_csr", |b| {
        b.iter(|| black_box(petgraph::algo::tarjan_scc(&csr)))
    });
    g.finish();
}

criterion_group!(benches, bench_graph);

/// `criterion_main!` on a thread with a 4 GiB stack: petgraph's `tarjan_scc` recurses as
/// deep as its depth-first search goes (hundreds of thousands of frames on this model),
/// on the adaptor and on the `Csr` alike.
fn main() {
    std::thread::Builder::new()
        .stack_size(4 << 30)
        .spawn(|| {
            benches();
            Criterion::default().configure_from_args().final_summary();
        })
        .expect("spawn the bench thread")
        .join()
        .expect("the benches ran");
}
