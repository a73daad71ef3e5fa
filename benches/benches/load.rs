//! Loading and validating synthetic models (`Model::from_json_str`) of 10k, 100k and 1M
//! elements, five relations per element, and writing the 10k and 100k ones back as
//! canonical JSON (`Model::write_canonical_json`, what `fmt`, `import` and `save` write).
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

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("write");
    group.sampling_mode(SamplingMode::Flat);
    for (elements, samples, seconds) in [(10_000, 20, 5), (100_000, 10, 8)] {
        let model = Model::from_json_str(&generate_json(elements, SEED))
            .expect("the generator writes valid models");
        let mut out = Vec::new();
        model
            .write_canonical_json(&mut out)
            .expect("writing into memory cannot fail");
        group
            .sample_size(samples)
            .measurement_time(Duration::from_secs(seconds));
        group.throughput(Throughput::Bytes(out.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(elements), &model, |b, model| {
            b.iter(|| {
                black_box(model)
                    .write_canonical_json(std::io::sink())
                    .expect("writing to a sink cannot fail")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, load, write);
criterion_main!(benches);
