//! The HTML report (`ecograph_report`): generating the TE24 report (target ≤ 0.5 s) and
//! a synthetic 10,000-element one, each beside loading the same model from its file
//! (reading, parsing, validating), measured in the same run as the reference. The
//! reports' sizes are printed once (TE24 target ≤ 1.5 MB).
//!
//! The 10,000-element report's time to be searchable in headless Chromium is measured by
//! `benches/scripts/report_browser.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use ecograph_benches::synth::generate_json;
use ecograph_core::{Date, Model};
use ecograph_impact::{Change, ChangeSet, Options, analyze};
use ecograph_report::Report;
use std::hint::black_box;
use std::path::Path;

fn te24_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/te24.json")
}

fn report(c: &mut Criterion) {
    let path = te24_path();
    let te24 = Model::load(&path).expect("te24 is valid");
    let today = Date::parse("2024-06-01").expect("a date");
    let mut set = ChangeSet::new();
    set.push(Change::modified("tmt"));
    let impact = analyze(&te24, &set, &Options::default()).expect("tmt is in te24");
    let plain = Report::new(&te24).today(today).to_html().expect("report");
    let with_impact = Report::new(&te24)
        .today(today)
        .impact(&impact)
        .to_html()
        .expect("report");
    let synth_src = generate_json(10_000, 1);
    let synth = Model::from_json_str(&synth_src).expect("valid");
    let synth_html = Report::new(&synth).to_html().expect("report");
    eprintln!(
        "sizes: te24 report {} bytes, te24 report with an impact page {} bytes, 10,000-element report {} bytes (model file {} bytes)",
        plain.len(),
        with_impact.len(),
        synth_html.len(),
        synth_src.len()
    );

    let mut group = c.benchmark_group("report_te24");
    group.sample_size(20);
    group.bench_function("load the model file (reference)", |b| {
        b.iter(|| Model::load(black_box(&path)).expect("valid"));
    });
    group.bench_function("to_html", |b| {
        b.iter(|| {
            Report::new(black_box(&te24))
                .today(today)
                .to_html()
                .expect("report")
        });
    });
    group.bench_function("to_html with impact", |b| {
        b.iter(|| {
            Report::new(black_box(&te24))
                .today(today)
                .impact(&impact)
                .to_html()
                .expect("report")
        });
    });
    group.finish();

    let mut group = c.benchmark_group("report_10k");
    group.sample_size(10);
    group.bench_function("load the model (reference)", |b| {
        b.iter(|| Model::from_json_str(black_box(&synth_src)).expect("valid"));
    });
    group.bench_function("to_html", |b| {
        b.iter(|| Report::new(black_box(&synth)).to_html().expect("report"));
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
