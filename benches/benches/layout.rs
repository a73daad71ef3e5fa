//! Time of `ecograph_render::layout::layout` on the benchmark graph families.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph_benches::graphs::{random_graph, short_edge_graph, to_layout_input, with_clusters};
use ecograph_render::layout::layout;

fn bench_layout(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout");
    group.sample_size(10);
    for n in [50, 200, 500] {
        let seed = 0x5EED + n as u64;
        let graphs = [
            random_graph(n, seed),
            short_edge_graph(n, seed),
            with_clusters(short_edge_graph(n, seed), seed),
        ];
        for g in &graphs {
            let input = to_layout_input(g);
            group.bench_function(format!("{}/{n}", g.family), |b| {
                b.iter(|| layout(black_box(&input)).expect("valid input"));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
