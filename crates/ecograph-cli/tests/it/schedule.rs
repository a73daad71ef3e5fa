//! `ecograph schedule`.

use crate::support::{repo_file, run, run_stdin, scratch, stderr, stdout, te24};

fn plan() -> String {
    repo_file("crates/ecograph-cli/tests/fixtures/schedule-plan.json")
}

#[test]
fn plan_text_with_delays_and_today() {
    let p = plan();
    let o = run(&[
        "schedule",
        &p,
        "--delay",
        "build=2m",
        "--delay",
        "docs=10d",
        "--today",
        "2024-06-15",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("schedule_plan_text", stdout(&o));
}

#[test]
fn plan_json_for_a_chosen_task() {
    let p = plan();
    let o = run(&[
        "schedule", &p, "--task", "pilot", "--delay", "build=1w", "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("schedule_plan_pilot_json", stdout(&o));
}

#[test]
fn te24_text_and_json() {
    let t = te24();
    let o = run(&["schedule", &t, "--today", "2023-11-01", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("schedule_te24_text", stdout(&o));
    let o = run(&["schedule", &t, "--delay", "tj.B.2=2m", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("schedule_te24_delay_json", stdout(&o));
}

#[test]
fn breach_gate_exits_3() {
    let p = plan();
    let o = run(&[
        "schedule",
        &p,
        "--delay",
        "build=2m",
        "--fail-on-breach",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"breaches\""),
        "the report is still written"
    );
    // Slack absorbs this one: no breach, no gate.
    let o = run(&["schedule", &p, "--delay", "docs=2m", "--fail-on-breach"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let p = plan();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--task", "biuld"],
            "error: unknown task `biuld`\nhelp: did you mean `build`?\n",
        ),
        (
            &["--task", "manual"],
            "error: `manual` is of kind `deliverable`, not a task\n",
        ),
        (
            &["--delay", "build"],
            "error: --delay `build`: expected ID=DURATION, such as `ra.B=2m`\n",
        ),
        (
            &["--delay", "build=2x"],
            "error: --delay `build=2x`: invalid duration `2x`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`\n",
        ),
        (
            &["--delay", "spec=1d"],
            "error: task `spec` is done and cannot be delayed\n",
        ),
        (
            &["--today", "2024-02-30"],
            "error: --today `2024-02-30`: expected a date such as `2024-06-15`\n",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["schedule", p.as_str()];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), message, "{extra:?}");
        assert!(o.stdout.is_empty());
    }
    let o = run(&["schedule", "no-such-model.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn invalid_model_exits_1_and_an_impossible_plan_is_a_conflict() {
    let o = run_stdin(
        &["schedule", "-"],
        r#"{ "ecograph": 1, "elements": [ { "id": "t", "kind": "task" } ] }"#,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let cycle = r#"{ "ecograph": 1, "elements": [
        { "id": "p", "kind": "task", "name": "P", "start": "2024-01", "end": "2024-06" },
        { "id": "c", "kind": "task", "name": "C", "parent": "p", "start": "2024-02", "end": "2024-03" }
      ], "relations": [ { "kind": "depends_on", "from": "c", "to": "p" } ] }"#;
    let o = run_stdin(&["schedule", "-", "--format", "json"], cycle);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a conflict, not a failure: {}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("\"kind\": \"depends_on\""));
}

#[test]
fn gantt_is_written_atomically_beside_the_report() {
    let dir = scratch("schedule", "gantt");
    let svg = dir.join("plan.svg");
    let out = dir.join("report.json");
    let p = plan();
    let o = run(&[
        "schedule",
        &p,
        "--delay",
        "build=2m",
        "--today",
        "2024-06-15",
        "--lang",
        "fi",
        "--gantt",
        svg.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let chart = std::fs::read_to_string(&svg).expect("the chart is written");
    assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(chart.ends_with("</svg>\n"));
    assert!(chart.contains("Tänään 2024-06-15"));
    assert!(chart.contains("&lt;script&gt;&amp;&quot;&apos;"));
    let report = std::fs::read_to_string(&out).expect("the report is written");
    assert!(report.contains("\"moved\""));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["plan.svg", "report.json"],
        "no temporary file is left"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_is_deterministic() {
    let t = te24();
    let dir = scratch("schedule", "determinism");
    let svg = |n: &str| dir.join(n).to_str().expect("utf-8 path").to_owned();
    let (a, b) = (svg("a.svg"), svg("b.svg"));
    let first = run(&[
        "schedule",
        &t,
        "--format",
        "json",
        "--gantt",
        &a,
        "--delay",
        "tj.B.2=3m",
    ]);
    let second = run(&[
        "schedule",
        &t,
        "--format",
        "json",
        "--gantt",
        &b,
        "--delay",
        "tj.B.2=3m",
    ]);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Deep containment stops indenting at 16 levels: the table stays linear in the depth.
#[test]
fn deep_containment_stops_indenting() {
    let elements: Vec<String> = (0..20)
        .map(|i| {
            let parent = if i > 0 { format!(r#", "parent": "t{}""#, i - 1) } else { String::new() };
            format!(
                r#"{{ "id": "t{i}", "kind": "task", "name": "T{i}", "start": "2023-01", "end": "2023-12"{parent} }}"#
            )
        })
        .collect();
    let dir = crate::support::scratch("schedule", "deep");
    let path = dir.join("deep.json");
    std::fs::write(
        &path,
        format!(
            r#"{{ "ecograph": 1, "elements": [{}] }}"#,
            elements.join(",")
        ),
    )
    .unwrap();
    let o = crate::support::run(&["schedule", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = crate::support::stdout(&o);
    let table = &out[out.find("\nTasks (").expect("a task table")..];
    let row = |id: &str| {
        table
            .lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("no row for {id} in\n{out}"))
            .to_owned()
    };
    assert!(
        row("t16").starts_with(&format!("  {}t16 ", " ".repeat(32))),
        "{}",
        row("t16")
    );
    assert!(
        row("t19").starts_with(&format!("  {}[19] t19 ", " ".repeat(32))),
        "{}",
        row("t19")
    );
}

/// The report and the chart cannot go to one file (or both to standard output): one
/// would be lost.
#[test]
fn the_report_and_the_chart_to_one_file_is_a_usage_error() {
    let dir = crate::support::scratch("schedule", "one-file");
    let model = te24();
    let schedule = |report: &std::path::Path, chart: &std::path::Path| {
        let (report, chart) = (
            report.to_str().expect("utf-8"),
            chart.to_str().expect("utf-8"),
        );
        run(&["schedule", &model, "-o", report, "--gantt", chart])
    };
    let out = dir.join("plan.out");
    let o = schedule(&out, &dir.join(".").join("plan.out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("give the chart and the report different files"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let o = run(&["schedule", &model, "--gantt", "-"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let chart = dir.join("plan.svg");
    let o = schedule(&out, &chart);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&chart)
            .expect("chart")
            .starts_with("<svg")
    );
}
