//! Loading and validating synthetic models (`Model::from_json_str`) of 10k, 100k and 1M
//! elements, five relations per element.
//!
//! Each model is generated once, outside the timing loop, and each loaded model is
//! dropped outside it too. The 1M case takes seconds an iteration, so every case uses
//! flat sampling (the same iteration count in each sample) and the smallest sample
//! criterion allows: the whole run stays within a few minutes on two cores.

use criterion::{
    BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use ecograph_benches::synth::generate_json;
use ecograph_core::Model;
use std::hint::black_box;
use std::time::Duration;

const SEED: u64 = 1;

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sampling_mode(SamplingMode::Flat);
    // Measurement times fit ten samples on an idle two-core machine (about 0.4 s and
    // 5 s an iteration at 100k and 1M); on a busy one criterion warns and runs longer.
    for (elements, samples, seconds) in [(10_000, 20, 5), (100_000, 10, 8), (1_000_000, 10, 60)] {
        let json = generate_json(elements, SEED);
        group
            .sample_size(samples)
            .measurement_time(Duration::from_secs(seconds));
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(elements), &json, |b, json| {
            // One model at a time, dropped after the clock stops: at 1M elements a
            // batch of them would not fit in memory.
            b.iter_batched(
                || (),
                |()| {
                    Model::from_json_str(black_box(json))
                        .expect("the generator writes valid models")
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
