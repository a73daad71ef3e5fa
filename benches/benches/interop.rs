//! Export and import of a 100k-element synthetic model (500k relations) in the
//! ArchiMate exchange format and Archi's CSV, beside the same run's reference: loading
//! the model's own JSON (`Model::from_json_str`, which is what `Model::load` does after
//! reading the file).
//!
//! Peak memory is measured by `benches/scripts/interop_100k.sh`, on the CLI.

use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use ecograph_benches::synth::generate_json;
use ecograph_core::Model;
use ecograph_interop::{
    ExportOptions, export_archimate, export_csv, import_archimate, import_csv, write_archimate,
};
use std::hint::black_box;
use std::time::Duration;

fn interop(c: &mut Criterion) {
    let json = generate_json(100_000, 1);
    let model = Model::from_json_str(&json).expect("the generator writes valid models");
    let opts = ExportOptions::default();
    let xml = export_archimate(&model, &opts).expect("exports");
    let csv = export_csv(&model, &opts).expect("exports");
    let mut group = c.benchmark_group("interop_100k");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("reference_load_json", |b| {
        b.iter_batched(
            || (),
            |()| Model::from_json_str(black_box(&json)).expect("valid"),
            BatchSize::PerIteration,
        );
    });
    group.throughput(Throughput::Bytes(xml.len() as u64));
    group.bench_function("export_archimate", |b| {
        b.iter_batched(
            || (),
            |()| export_archimate(black_box(&model), &opts).expect("exports"),
            BatchSize::PerIteration,
        );
    });
    // What the CLI does: streamed through a buffer, never held whole (here into a sink,
    // so the time is the library's, not the disk's).
    group.bench_function("write_archimate_streamed", |b| {
        b.iter_batched(
            || (),
            |()| {
                let out = std::io::BufWriter::with_capacity(1 << 16, std::io::sink());
                write_archimate(black_box(&model), &opts, out).expect("exports")
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("import_archimate", |b| {
        b.iter_batched(
            || (),
            |()| import_archimate(black_box(&xml[..]), "bench.xml").expect("imports"),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("export_csv", |b| {
        b.iter_batched(
            || (),
            |()| export_csv(black_box(&model), &opts).expect("exports"),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("import_csv", |b| {
        b.iter_batched(
            || (),
            |()| {
                import_csv(
                    &csv.elements[..],
                    Some(&csv.relations[..]),
                    Some(&csv.properties[..]),
                    ["e", "r", "p"],
                )
                .expect("imports")
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, interop);
criterion_main!(benches);
