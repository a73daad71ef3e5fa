//! Impact analysis and model diff on synthetic models (`ecograph_benches::synth`).
//!
//! The size defaults to 1,000,000 elements (5,000,000 relations); set
//! `ECOGRAPH_BENCH_ELEMENTS` to measure another size. Loading the models is setup, not
//! measured: every figure is "after loading".
//!
//! - `impact/snapshot`: building the CSR snapshot of the model (once per model);
//! - `impact/one_change`: `analyze`, which builds a snapshot and searches;
//! - `impact/one_change_on_snapshot`: the search on an existing snapshot (distances,
//!   confidences, changes and the predecessors every witness path is read from);
//! - `impact/one_change_every_path`: the same, then `path()` on every affected element
//!   (about 960,000 paths, 8.3 million hops at 1M elements);
//! - `impact/1000_changes_on_snapshot`: 1000 systems removed at once;
//! - `diff/models`: two versions, 2% of the elements renamed and 0.5% of the statuses
//!   changed; `diff/models_relations_moved`: the same with the first relation moved to the
//!   end, so that every relation is matched by its identity.

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph_benches::synth::generate_json;
use ecograph_core::Model;
use ecograph_impact::{Change, ChangeSet, Options, Snapshot, analyze, diff};
use std::hint::black_box;
use std::time::Duration;

fn elements() -> usize {
    std::env::var("ECOGRAPH_BENCH_ELEMENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000)
}

fn load(json: &str) -> Model {
    Model::from_json_str(json).unwrap_or_else(|e| panic!("the generator writes valid models: {e}"))
}

/// Every `step`-th system, as removals.
fn removals(m: &Model, count: usize) -> ChangeSet {
    let systems: Vec<String> = m
        .elements_of_kind(ecograph_core::ElementKind::System)
        .map(|e| e.id().to_string())
        .collect();
    let step = (systems.len() / count.max(1)).max(1);
    systems
        .iter()
        .step_by(step)
        .take(count)
        .map(Change::removed)
        .collect()
}

fn bench_impact(c: &mut Criterion) {
    let n = elements();
    let json = generate_json(n, 7);
    let model = load(&json);
    drop(json);
    let one = ChangeSet::from_iter([Change::removed("sys.1")]);
    let thousand = removals(&model, 1000);
    let options = Options::default();

    let mut g = c.benchmark_group("impact");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function(format!("snapshot/{n}"), |b| {
        b.iter(|| Snapshot::new(black_box(&model)))
    });
    g.bench_function(format!("one_change/{n}"), |b| {
        b.iter(|| analyze(black_box(&model), &one, &options).map(|i| i.len()))
    });
    let snapshot = Snapshot::new(&model);
    g.bench_function(format!("one_change_on_snapshot/{n}"), |b| {
        b.iter(|| snapshot.analyze(black_box(&one), &options).map(|i| i.len()))
    });
    g.bench_function(format!("one_change_every_path/{n}"), |b| {
        b.iter(|| {
            let impact = snapshot
                .analyze(black_box(&one), &options)
                .expect("known ids");
            impact.affected().map(|a| a.path().len()).sum::<usize>()
        })
    });
    g.bench_function(format!("1000_changes_on_snapshot/{n}"), |b| {
        b.iter(|| {
            snapshot
                .analyze(black_box(&thousand), &options)
                .map(|i| i.len())
        })
    });
    g.finish();
}

fn bench_diff(c: &mut Criterion) {
    let n = elements();
    let json = generate_json(n, 7);
    let old = load(&json);
    // Renamed elements and changed statuses; everything else equal.
    let changed = json
        .replacen("\"en\": \"Northern", "\"en\": \"Southern", n / 50)
        .replacen(
            "\"status\": \"not_started\"",
            "\"status\": \"in_progress\"",
            n / 200,
        );
    drop(json);
    let new = load(&changed);
    // The same, with the first relation moved to the end: no relation keeps its position,
    // so every relation is matched by its identity.
    let moved = load(&move_first_relation(&changed));
    drop(changed);
    let mut g = c.benchmark_group("diff");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function(format!("models/{n}"), |b| {
        b.iter(|| {
            let d = diff(black_box(&old), black_box(&new));
            (d.modified().len(), d.relations_added().len())
        })
    });
    g.bench_function(format!("models_relations_moved/{n}"), |b| {
        b.iter(|| {
            let d = diff(black_box(&old), black_box(&moved));
            (d.modified().len(), d.relations_added().len())
        })
    });
    g.finish();
}

/// The model text with its first relation moved to the end of the list (the generator
/// writes one relation a line).
fn move_first_relation(json: &str) -> String {
    let mut lines: Vec<String> = json.lines().map(str::to_owned).collect();
    let open = lines
        .iter()
        .position(|l| l.trim_start().starts_with("\"relations\""))
        .expect("the generator writes relations");
    let close = (open + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with(']'))
        .expect("a closed list");
    assert!(close >= open + 3, "at least two relations");
    let first = lines.remove(open + 1);
    let last = close - 2;
    lines[last].push(',');
    lines.insert(last + 1, first.trim_end_matches(',').to_owned());
    lines.join("\n")
}

criterion_group!(benches, bench_impact, bench_diff);
criterion_main!(benches);
