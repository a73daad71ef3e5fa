//! Schedule analysis (`ecograph_schedule`) of synthetic models: the whole
//! analysis of 100k and 1M elements (their tasks, dependencies, deliverables and
//! containment), two-month delays of a hundred tasks in the 1M model, and the Gantt
//! chart of about 2,000 tasks.
//!
//! Models are generated and loaded once, outside the timing loop.

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use ecograph_benches::synth::generate_json;
use ecograph_core::{Duration, ElementKind, Model, RelationKind, Status};
use ecograph_schedule::{self as schedule, GanttOptions, Options};
use std::hint::black_box;
use std::time::Duration as Time;

const SEED: u64 = 1;

fn model(elements: usize) -> Model {
    Model::from_json_str(&generate_json(elements, SEED)).expect("the generator writes valid models")
}

fn analyze(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule_analyze");
    group.sampling_mode(SamplingMode::Flat);
    for (elements, samples, seconds) in [(100_000, 20, 5), (1_000_000, 10, 20)] {
        let m = model(elements);
        group
            .sample_size(samples)
            .measurement_time(Time::from_secs(seconds));
        group.bench_with_input(BenchmarkId::from_parameter(elements), &m, |b, m| {
            b.iter(|| schedule::analyze(black_box(m), &Options::new()).expect("acyclic plan"));
        });
    }
    group.finish();
}

fn delay(c: &mut Criterion) {
    let m = model(1_000_000);
    // A hundred dated tasks that others depend on, each two months late: slips run down
    // many chains at once.
    let mut late: Vec<String> = m
        .relations_of_kind(RelationKind::DependsOn)
        .map(|r| r.to())
        .filter(|t| {
            t.kind() == ElementKind::Task && t.end().is_some() && t.status() != Some(Status::Done)
        })
        .map(|t| t.id().to_string())
        .collect();
    late.dedup();
    late.truncate(100);
    let by = Duration::parse("2m").expect("valid");
    let delays: Vec<(&str, Duration)> = late.iter().map(|id| (id.as_str(), by)).collect();
    let mut group = c.benchmark_group("schedule_delay");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Time::from_secs(20));
    group.bench_function("1000000", |b| {
        b.iter(|| schedule::delay(black_box(&m), &delays).expect("dated tasks"));
    });
    group.finish();
}

fn gantt(c: &mut Criterion) {
    // About 30 per cent of the elements are tasks.
    let m = model(6_700);
    let plan = schedule::analyze(
        &m,
        &Options::new().today(ecograph_core::Date::new(2025, 7, 1).expect("a date")),
    )
    .expect("acyclic plan");
    let tasks = m.elements_of_kind(ElementKind::Task).count();
    let mut group = c.benchmark_group("schedule_gantt");
    group.sample_size(20);
    group.bench_function(BenchmarkId::from_parameter(tasks), |b| {
        b.iter(|| black_box(&plan).gantt_svg(&GanttOptions::new()));
    });
    group.finish();
}

criterion_group!(benches, analyze, delay, gantt);
criterion_main!(benches);
