//! Schedule analysis through the public API: fixtures with known answers, a brute-force
//! oracle on random plans, snapshots of the reports, and the Gantt chart as XML.

use ecograph_core::{Date, Duration, Model};
use ecograph_schedule::{self as schedule, ConflictKind, Error, GanttOptions, Options};
use proptest::prelude::*;
use serde_json::{Value, json};

fn model(json: &str) -> Model {
    Model::from_json_str(json).unwrap_or_else(|e| panic!("fixture: {e:?}"))
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("bad date {s}"))
}

fn dur(s: &str) -> Duration {
    Duration::parse(s).unwrap_or_else(|| panic!("bad duration {s}"))
}

fn ids(elements: &[ecograph_core::Element<'_>]) -> Vec<String> {
    elements.iter().map(|e| e.id().to_string()).collect()
}

/// A small programme with every feature: containment, lags, a deliverable, a conflict, a
/// task with only an end, an undated task, a done task and a hostile name.
const PLAN: &str = r#"{
  "ecograph": 1,
  "name": { "en": "Pilot programme", "fi": "Pilottiohjelma" },
  "languages": ["en", "fi"],
  "elements": [
    { "id": "prog", "kind": "task", "name": { "en": "Programme", "fi": "Ohjelma" },
      "status": "in_progress", "start": "2024-01", "end": "2024-12" },
    { "id": "spec", "kind": "task", "name": "Specification", "parent": "prog",
      "status": "done", "start": "2024-Q1", "end": "2024-Q1" },
    { "id": "build", "kind": "task", "name": "Build", "parent": "prog",
      "status": "in_progress", "start": "2024-04", "end": "2024-08" },
    { "id": "docs", "kind": "task", "name": "Documentation", "parent": "prog",
      "status": "not_started", "start": "2024-05", "end": "2024-07" },
    { "id": "pilot", "kind": "task", "name": "Pilot", "parent": "prog",
      "status": "not_started", "start": "2024-09", "end": "2024-11" },
    { "id": "launch", "kind": "task", "name": "Launch", "parent": "prog",
      "status": "not_started", "start": "2024-12", "end": "2024-12" },
    { "id": "train", "kind": "task", "name": "Training", "parent": "prog",
      "status": "not_started", "start": "2024-07", "end": "2024-09" },
    { "id": "budget", "kind": "task", "name": "Budget", "parent": "prog", "end": "2024-03" },
    { "id": "review", "kind": "task", "name": "Review", "parent": "prog" },
    { "id": "hostile", "kind": "task", "name": "<script>&\"'", "parent": "prog",
      "status": "blocked", "start": "2024-02", "end": "2024-03" },
    { "id": "manual", "kind": "deliverable", "name": "User manual" }
  ],
  "relations": [
    { "kind": "depends_on", "from": "build", "to": "spec" },
    { "kind": "depends_on", "from": "docs", "to": "spec", "lag": "1m" },
    { "kind": "depends_on", "from": "pilot", "to": "build" },
    { "kind": "depends_on", "from": "launch", "to": "pilot" },
    { "kind": "depends_on", "from": "launch", "to": "manual" },
    { "kind": "produces", "from": "docs", "to": "manual" },
    { "kind": "depends_on", "from": "train", "to": "build" }
  ]
}"#;

#[test]
fn periods_become_first_and_last_days() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let spec = plan
        .tasks()
        .iter()
        .find(|t| t.element.id().as_str() == "spec")
        .unwrap();
    assert_eq!(
        (spec.start, spec.end),
        (Some(date("2024-01-01")), Some(date("2024-03-31")))
    );
    let budget = plan
        .tasks()
        .iter()
        .find(|t| t.element.id().as_str() == "budget")
        .unwrap();
    assert_eq!((budget.start, budget.end), (None, Some(date("2024-03-31"))));
}

#[test]
fn critical_path_runs_through_the_binding_chain() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    assert_eq!(
        ids(plan.critical_path()),
        ["spec", "build", "pilot", "launch"]
    );
    let finish = plan.finish().unwrap();
    assert_eq!(
        (finish.task.id().as_str(), finish.date),
        ("prog", date("2024-12-31"))
    );
    let slack: Vec<(String, Option<i64>, Option<i64>)> = plan
        .tasks()
        .iter()
        .map(|t| (t.element.id().to_string(), t.total_slack, t.free_slack))
        .collect();
    let expect = |id: &str| {
        slack
            .iter()
            .find(|(i, ..)| i == id)
            .map(|(_, t, f)| (*t, *f))
            .unwrap()
    };
    // Training already starts before the build ends: a conflict, which does not count
    // as a successor.
    assert_eq!(expect("build"), (Some(0), Some(0)));
    // Documentation ends in July and the launch needs its manual in December: four
    // months of room, none of it free, since the manual moves with the documentation.
    assert_eq!(expect("docs"), (Some(122), Some(0)));
    // Training conflicts with the build, and nothing waits for it.
    assert_eq!(expect("train"), (Some(92), Some(92)));
}

#[test]
fn conflicts_report_both_dates() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let c = plan.conflicts();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].kind, ConflictKind::DependsOn);
    assert_eq!(c[0].element.id().as_str(), "train");
    assert_eq!(c[0].date, date("2024-07-01"));
    assert_eq!(c[0].other.id().as_str(), "build");
    assert_eq!(c[0].other_date, date("2024-08-31"));
    assert_eq!(c[0].days, 62);
}

#[test]
fn child_ending_after_its_parent_is_a_conflict() {
    let m = model(
        r#"{ "ecograph": 1, "elements": [
          { "id": "p", "kind": "task", "name": "P", "start": "2024-01", "end": "2024-06" },
          { "id": "c", "kind": "task", "name": "C", "parent": "p", "start": "2023-12", "end": "2024-07-15" }
        ] }"#,
    );
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let kinds: Vec<(ConflictKind, i64)> =
        plan.conflicts().iter().map(|c| (c.kind, c.days)).collect();
    assert_eq!(
        kinds,
        [
            (ConflictKind::ParentStart, 31),
            (ConflictKind::ParentEnd, 15)
        ]
    );
    // The plan already misses the parent's end: negative slack, and still critical.
    let c = plan
        .tasks()
        .iter()
        .find(|t| t.element.id().as_str() == "c")
        .unwrap();
    assert_eq!(c.total_slack, Some(-15));
    assert!(c.critical);
}

#[test]
fn delay_moves_successors_by_what_exceeds_their_slack() {
    let m = model(PLAN);
    let report = schedule::delay(&m, &[("build", dur("2m"))]).unwrap();
    let moved: Vec<(&str, i64)> = report
        .moved()
        .iter()
        .map(|m| (m.element.id().as_str(), m.shift_days))
        .collect();
    // Build ends in October instead of August: 61 days. The pilot and the launch have no
    // room and move as much, and the programme stretches past December. Training already
    // starts before the build ends: that dependency is a conflict of the plan, and a
    // conflict does not propagate, so training stays.
    assert_eq!(
        moved,
        [("prog", 61), ("build", 61), ("pilot", 61), ("launch", 61)]
    );
    let launch = report
        .moved()
        .iter()
        .find(|m| m.element.id().as_str() == "launch")
        .unwrap();
    assert_eq!(
        (launch.new_start, launch.new_end),
        (Some(date("2025-01-31")), Some(date("2025-03-02")))
    );
    let breaches: Vec<(&str, &str, i64)> = report
        .breaches()
        .iter()
        .map(|b| (b.kind.as_str(), b.element.id().as_str(), b.late_days))
        .collect();
    // The programme's own deadline is the finish: reported once.
    assert_eq!(breaches, [("finish", "prog", 61)]);
}

#[test]
fn parent_deadline_breach_is_reported() {
    let m = model(
        r#"{ "ecograph": 1, "elements": [
          { "id": "prog", "kind": "task", "name": "Programme", "start": "2024", "end": "2024" },
          { "id": "phase", "kind": "task", "name": "Phase", "parent": "prog", "start": "2024-H1", "end": "2024-H1" },
          { "id": "a", "kind": "task", "name": "A", "parent": "phase", "start": "2024-Q1", "end": "2024-Q1" },
          { "id": "b", "kind": "task", "name": "B", "parent": "phase", "start": "2024-Q2", "end": "2024-Q2" }
        ], "relations": [ { "kind": "depends_on", "from": "b", "to": "a" } ] }"#,
    );
    let report = schedule::delay(&m, &[("a", dur("1m"))]).unwrap();
    let b = report.breaches();
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].kind.as_str(), b[0].element.id().as_str()),
        ("parent", "phase")
    );
    assert_eq!(
        (b[0].deadline, b[0].new_end, b[0].late_days),
        (date("2024-06-30"), date("2024-07-30"), 30)
    );
    let a = report.absorbed();
    assert_eq!(a.len(), 1);
    assert_eq!(
        (
            a[0].element.id().as_str(),
            a[0].by.id().as_str(),
            a[0].absorbed_days
        ),
        ("prog", "phase", 30)
    );
}

#[test]
fn slack_absorbs_a_small_slip() {
    let m = model(PLAN);
    let report = schedule::delay(&m, &[("docs", dur("2m"))]).unwrap();
    let moved: Vec<&str> = report
        .moved()
        .iter()
        .map(|m| m.element.id().as_str())
        .collect();
    assert_eq!(moved, ["docs", "manual"]);
    let absorbed: Vec<(&str, &str, i64, i64, &str)> = report
        .absorbed()
        .iter()
        .map(|a| {
            (
                a.element.id().as_str(),
                a.by.id().as_str(),
                a.slip_days,
                a.absorbed_days,
                a.reason.as_str(),
            )
        })
        .collect();
    // The programme ends later than the documentation; the launch waits for the manual
    // only from December.
    assert_eq!(
        absorbed,
        [
            ("prog", "docs", 61, 61, "slack"),
            ("launch", "manual", 61, 61, "slack")
        ]
    );
    assert!(!report.is_breached());
}

#[test]
fn done_tasks_do_not_move() {
    let m = model(
        r#"{ "ecograph": 1, "elements": [
          { "id": "a", "kind": "task", "name": "A", "status": "in_progress", "start": "2024-01", "end": "2024-01" },
          { "id": "b", "kind": "task", "name": "B", "status": "done", "start": "2024-02", "end": "2024-02" },
          { "id": "c", "kind": "task", "name": "C", "start": "2024-03", "end": "2024-03" }
        ], "relations": [
          { "kind": "depends_on", "from": "b", "to": "a" },
          { "kind": "depends_on", "from": "c", "to": "b" }
        ] }"#,
    );
    let report = schedule::delay(&m, &[("a", dur("3w"))]).unwrap();
    assert_eq!(
        ids(&report.moved().iter().map(|m| m.element).collect::<Vec<_>>()),
        ["a"]
    );
    let a = &report.absorbed()[0];
    assert_eq!(
        (a.element.id().as_str(), a.reason.as_str(), a.absorbed_days),
        ("b", "done", 21)
    );
    let err = schedule::delay(&m, &[("b", dur("1d"))]).unwrap_err();
    assert_eq!(err.to_string(), "task `b` is done and cannot be delayed");
}

#[test]
fn month_lags_follow_the_calendar() {
    let m = model(
        r#"{ "ecograph": 1, "elements": [
          { "id": "a", "kind": "task", "name": "A", "start": "2024-01", "end": "2024-01" },
          { "id": "b", "kind": "task", "name": "B", "start": "2024-03", "end": "2024-03" }
        ], "relations": [ { "kind": "depends_on", "from": "b", "to": "a", "lag": "1m" } ] }"#,
    );
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    assert!(plan.conflicts().is_empty());
    // A ends in January; one month after, B may start on 1 March: tight.
    assert_eq!(ids(plan.critical_path()), ["a", "b"]);
    let report = schedule::delay(&m, &[("a", dur("1m"))]).unwrap();
    let b = report
        .moved()
        .iter()
        .find(|m| m.element.id().as_str() == "b")
        .unwrap();
    // A now ends in February, so B may start on 1 April: 31 days later. A task keeps
    // its length in days when it moves, so B ends on 1 May.
    assert_eq!(
        (b.new_start, b.new_end),
        (Some(date("2024-04-01")), Some(date("2024-05-01")))
    );
    assert_eq!(b.shift_days, 31);
}

#[test]
fn overdue_against_a_date() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new().today(date("2024-06-15"))).unwrap();
    let late: Vec<(&str, &str, i64)> = plan
        .overdue()
        .iter()
        .map(|o| (o.element.id().as_str(), o.missed.as_str(), o.late_days))
        .collect();
    assert_eq!(
        late,
        [
            ("docs", "start", 45),
            ("budget", "end", 76),
            ("hostile", "end", 76)
        ]
    );
}

#[test]
fn undated_tasks_are_unscheduled_not_guessed() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let un: Vec<(&str, &str)> = plan
        .unscheduled()
        .iter()
        .map(|u| (u.element.id().as_str(), u.missing.as_str()))
        .collect();
    assert_eq!(un, [("budget", "start"), ("review", "dates")]);
    assert!(
        plan.tasks()
            .iter()
            .all(|t| t.element.id().as_str() != "review")
    );
}

#[test]
fn chosen_task_finish() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new().target("pilot")).unwrap();
    assert_eq!(ids(plan.critical_path()), ["spec", "build", "pilot"]);
    let docs = plan
        .tasks()
        .iter()
        .find(|t| t.element.id().as_str() == "docs")
        .unwrap();
    assert_eq!(
        docs.total_slack, None,
        "the documentation does not lead to the pilot"
    );
}

#[test]
fn bad_task_names_are_errors_with_hints() {
    let m = model(PLAN);
    let err = schedule::analyze(&m, &Options::new().target("biuld")).unwrap_err();
    assert_eq!(err.to_string(), "unknown task `biuld`");
    assert!(matches!(err, Error::UnknownTask { suggestion: Some(ref s), .. } if s == "build"));
    let err = schedule::analyze(&m, &Options::new().target("manual")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`manual` is of kind `deliverable`, not a task"
    );
    let err = schedule::delay(&m, &[("review", dur("1d"))]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `review` has no start and no end, so it is unscheduled"
    );
}

#[test]
fn task_depending_on_its_parent_is_a_conflict_not_a_failure() {
    let m = model(
        r#"{ "ecograph": 1, "elements": [
          { "id": "p", "kind": "task", "name": "P", "start": "2024-01", "end": "2024-06" },
          { "id": "c", "kind": "task", "name": "C", "parent": "p", "start": "2024-02", "end": "2024-03" }
        ], "relations": [ { "kind": "depends_on", "from": "c", "to": "p" } ] }"#,
    );
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let c = plan.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(
        (
            c[0].kind,
            c[0].element.id().as_str(),
            c[0].other.id().as_str()
        ),
        (ConflictKind::DependsOn, "c", "p")
    );
    assert_eq!(
        (c[0].date, c[0].other_date, c[0].days),
        (date("2024-02-01"), date("2024-06-30"), 151)
    );
    // The broken dependency takes no part in a delay: the child moves nothing.
    let report = schedule::delay(&m, &[("c", dur("1w"))]).unwrap();
    assert_eq!(
        ids(&report.moved().iter().map(|m| m.element).collect::<Vec<_>>()),
        ["c"]
    );
}

#[test]
fn empty_and_undated_models_do_not_fail() {
    for json in [
        r#"{ "ecograph": 1 }"#,
        r#"{ "ecograph": 1, "elements": [ { "id": "t", "kind": "task", "name": "T" } ] }"#,
        r#"{ "ecograph": 1, "elements": [ { "id": "t", "kind": "task", "name": "T", "start": "2024" } ] }"#,
    ] {
        let m = model(json);
        let plan = schedule::analyze(&m, &Options::new().today(date("2024-01-01"))).unwrap();
        assert!(plan.finish().is_none());
        assert!(plan.critical_path().is_empty());
        let svg = plan.gantt_svg(&GanttOptions::new());
        roxmltree::Document::parse(&svg).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Snapshots.

#[test]
fn plan_json_snapshot() {
    let m = model(PLAN);
    let options = Options::new()
        .delay("build", dur("2m"))
        .delay("docs", dur("10d"))
        .today(date("2024-06-15"));
    let plan = schedule::analyze(&m, &options).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&plan.to_json()).unwrap());
}

#[test]
fn delay_report_json_snapshot() {
    let m = model(PLAN);
    let report = schedule::delay(&m, &[("pilot", dur("3w"))]).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&report.to_json()).unwrap());
}

fn te24() -> Model {
    let path = format!("{}/../../models/te24.json", env!("CARGO_MANIFEST_DIR"));
    Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn te24_json_snapshot() {
    let m = te24();
    let plan = schedule::analyze(&m, &Options::new().today(date("2023-11-01"))).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&plan.to_json()).unwrap());
}

#[test]
fn plan_gantt_snapshot() {
    let m = model(PLAN);
    let options = Options::new()
        .delay("build", dur("2m"))
        .today(date("2024-06-15"));
    let plan = schedule::analyze(&m, &options).unwrap();
    insta::assert_snapshot!(plan.gantt_svg(&GanttOptions::new().lang("fi")));
}

// ---------------------------------------------------------------------------------------
// The Gantt chart as XML.

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"))
}

#[test]
fn gantt_is_well_formed_and_escapes_labels() {
    let m = model(PLAN);
    let plan = schedule::analyze(
        &m,
        &Options::new()
            .delay("build", dur("2m"))
            .today(date("2024-06-15")),
    )
    .unwrap();
    let svg = plan.gantt_svg(&GanttOptions::new().title("<b>&\"'</b>"));
    let doc = parse(&svg);
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&"<script>&\"'"), "{texts:?}");
    assert!(texts.contains(&"<b>&\"'</b>"));
    assert!(!svg.contains("<script>"));
    // One row per task, in containment order, undated ones included.
    let labels: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| ["Programme", "Review", "Budget"].contains(t))
        .collect();
    assert_eq!(labels, ["Programme", "Budget", "Review"]);
    // Every moved bar is drawn over its planned position, and the legend shows one.
    let ghosts = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("ghost"))
        .count();
    assert_eq!(ghosts, plan.delay().unwrap().moved().len() + 1);
    assert!(texts.iter().any(|t| t.starts_with("Today")));
}

#[test]
fn gantt_of_a_far_delay_stays_small() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new().delay("build", dur("7000y"))).unwrap();
    let svg = plan.gantt_svg(&GanttOptions::new());
    parse(&svg);
    assert!(svg.len() < 200_000, "{} bytes", svg.len());
}

#[test]
fn gantt_speaks_finnish() {
    let m = model(PLAN);
    let plan = schedule::analyze(&m, &Options::new().today(date("2024-06-15"))).unwrap();
    let svg = plan.gantt_svg(&GanttOptions::new().lang("fi"));
    let doc = parse(&svg);
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for word in ["Ohjelma", "Valmis", "Kriittinen polku", "Q1/2024", "kesä"] {
        assert!(
            texts.iter().any(|t| t.contains(word)),
            "{word} missing in {texts:?}"
        );
    }
}

#[test]
fn gantt_of_te24_is_well_formed() {
    let m = te24();
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    let svg = plan.gantt_svg(&GanttOptions::new().lang("fi"));
    let doc = parse(&svg);
    let rows = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.children().any(|c| c.has_tag_name("title")))
        .count();
    assert_eq!(
        rows,
        m.elements_of_kind(ecograph_core::ElementKind::Task).count()
    );
}

// ---------------------------------------------------------------------------------------
// Random plans against a brute-force oracle.

/// A random plan: tasks with a parent earlier in the list, durations, gaps before their
/// start, and dependencies from later to earlier tasks with a lag.
#[derive(Debug, Clone)]
struct Shape {
    parents: Vec<Option<usize>>,
    durations: Vec<i64>,
    gaps: Vec<i64>,
    deps: Vec<(usize, usize, Option<Duration>)>,
    done: Vec<bool>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (2usize..8).prop_flat_map(|n| {
        let parents = (0..n)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    prop::option::weighted(0.4, 0..i).boxed()
                }
            })
            .collect::<Vec<_>>();
        let lag = prop_oneof![
            4 => Just(None),
            3 => (0u32..12).prop_map(|d| Duration::parse(&format!("{d}d"))),
            1 => (1u32..3).prop_map(|m| Duration::parse(&format!("{m}m"))),
        ];
        let deps = prop::collection::vec((1..n, 0..n, lag), 0..2 * n)
            .prop_map(|v| v.into_iter().filter(|(a, b, _)| b < a).collect::<Vec<_>>());
        (
            parents,
            prop::collection::vec(1i64..40, n),
            prop::collection::vec(0i64..15, n),
            deps,
            prop::collection::vec(prop::bool::weighted(0.15), n),
        )
            .prop_map(|(parents, durations, gaps, deps, done)| Shape {
                parents,
                durations,
                gaps,
                deps,
                done,
            })
    })
}

/// The oracle's own reading of docs/schedule.md: events `2i` (start) and `2i + 1` (end,
/// the day after the last day), and constraints `to >= f(from)`.
#[derive(Debug, Clone)]
struct Oracle {
    n: usize,
    /// (from event, to event, lag in days or by the calendar)
    cons: Vec<(usize, usize, Lag)>,
}

#[derive(Debug, Clone, Copy)]
enum Lag {
    Days(i64),
    Calendar(Duration),
}

impl Lag {
    fn apply(self, x: i64) -> i64 {
        match self {
            Lag::Days(d) => x + d,
            Lag::Calendar(d) => d.after(Date::from_days(x)).to_days(),
        }
    }
}

impl Oracle {
    fn new(s: &Shape, durations: &[i64]) -> Oracle {
        let n = s.parents.len();
        let mut cons = Vec::new();
        for (i, &d) in durations.iter().enumerate().take(n) {
            cons.push((2 * i, 2 * i + 1, Lag::Days(d)));
            if let Some(p) = s.parents[i] {
                cons.push((2 * p, 2 * i, Lag::Days(0)));
                cons.push((2 * i + 1, 2 * p + 1, Lag::Days(0)));
            }
        }
        for &(a, b, lag) in &s.deps {
            let lag = match lag {
                None => Lag::Days(0),
                Some(d) if d.to_string().ends_with('m') => Lag::Calendar(d),
                Some(d) => Lag::Days(i64::from(d.amount())),
            };
            cons.push((2 * b + 1, 2 * a, lag));
        }
        Oracle { n, cons }
    }

    /// Raises events until every constraint holds; `fixed` events never change. `None`
    /// when it does not settle (a cycle).
    fn relax(&self, mut v: Vec<i64>, fixed: &[bool]) -> Option<Vec<i64>> {
        for _ in 0..=4 * self.cons.len() + 4 {
            let mut changed = false;
            for &(f, t, lag) in &self.cons {
                let need = lag.apply(v[f]);
                if need > v[t] && !fixed[t] {
                    v[t] = need;
                    changed = true;
                }
            }
            if !changed {
                return Some(v);
            }
        }
        None
    }

    fn finish(&self, v: &[i64], s: &Shape) -> i64 {
        (0..self.n)
            .filter(|&i| s.parents[i].is_none())
            .map(|i| v[2 * i + 1])
            .max()
            .unwrap_or(0)
    }
}

const BASE: i64 = 19_723; // 2024-01-01

/// Consistent planned dates for a shape, or `None` when its constraints form a cycle.
fn consistent_dates(s: &Shape) -> Option<Vec<i64>> {
    let n = s.parents.len();
    let mut v = vec![0; 2 * n];
    for i in 0..n {
        v[2 * i] = BASE + s.gaps[i];
        v[2 * i + 1] = v[2 * i] + s.durations[i];
    }
    Oracle::new(s, &s.durations).relax(v, &vec![false; 2 * n])
}

fn to_model(s: &Shape, dates: &[i64], with_done: bool) -> Model {
    let elements: Vec<Value> = (0..s.parents.len())
        .map(|i| {
            let mut e = json!({
                "id": format!("t{i}"),
                "kind": "task",
                "name": format!("Task {i}"),
                "start": Date::from_days(dates[2 * i]).to_string(),
                "end": Date::from_days(dates[2 * i + 1] - 1).to_string(),
                "status": if with_done && s.done[i] { "done" } else { "in_progress" },
            });
            if let Some(p) = s.parents[i] {
                e["parent"] = json!(format!("t{p}"));
            }
            e
        })
        .collect();
    let relations: Vec<Value> = s
        .deps
        .iter()
        .map(|(a, b, lag)| {
            let mut r =
                json!({ "kind": "depends_on", "from": format!("t{a}"), "to": format!("t{b}") });
            if let Some(l) = lag {
                r["lag"] = json!(l.to_string());
            }
            r
        })
        .collect();
    let text = json!({ "ecograph": 1, "elements": elements, "relations": relations }).to_string();
    Model::from_json_str(&text).unwrap_or_else(|e| panic!("generated model: {e:?}"))
}

/// Slipping task `t`'s end by `k` days under the oracle.
fn slipped(o: &Oracle, planned: &[i64], t: usize, k: i64) -> Vec<i64> {
    let mut v = planned.to_vec();
    v[2 * t + 1] += k;
    o.relax(v, &vec![false; planned.len()]).expect("acyclic")
}

/// The largest `k` for which `still(k)` holds, `still` being monotone and true at 0.
fn largest(still: impl Fn(i64) -> bool) -> i64 {
    let (mut lo, mut hi) = (0i64, 1i64);
    while still(hi) {
        lo = hi;
        hi *= 2;
        if hi > 1 << 20 {
            return i64::MAX;
        }
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if still(mid) { lo = mid } else { hi = mid }
    }
    lo
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Total and free slack equal the largest slip that does not move the finish, or
    /// anything else; slack is never negative on a consistent plan; zero-slack tasks run
    /// to the finish.
    #[test]
    fn slack_matches_brute_force(s in shape()) {
        let Some(planned) = consistent_dates(&s) else { return Ok(()) };
        let m = to_model(&s, &planned, false);
        let plan = match schedule::analyze(&m, &Options::new()) {
            Ok(p) => p,
            Err(Error::Cycle { .. }) => panic!("the oracle settled, so there is no cycle"),
            Err(e) => panic!("{e}"),
        };
        let durations: Vec<i64> = (0..s.parents.len()).map(|i| planned[2 * i + 1] - planned[2 * i]).collect();
        let o = Oracle::new(&s, &durations);
        prop_assert!(plan.conflicts().is_empty(), "{:?}", plan.conflicts());
        let finish = o.finish(&planned, &s);
        prop_assert_eq!(plan.tasks().len(), s.parents.len());
        for t in plan.tasks() {
            let i: usize = t.element.id().as_str()[1..].parse().unwrap();
            let total = largest(|k| o.finish(&slipped(&o, &planned, i, k), &s) == finish);
            let free = largest(|k| {
                let v = slipped(&o, &planned, i, k);
                o.finish(&v, &s) == finish
                    && (0..planned.len()).all(|e| e == 2 * i + 1 || v[e] == planned[e])
            });
            prop_assert_eq!(t.total_slack, Some(total), "total slack of t{}", i);
            prop_assert_eq!(t.free_slack, Some(free), "free slack of t{}", i);
            prop_assert!(total >= 0 && free >= 0 && free <= total);
            prop_assert_eq!(t.critical, total == 0);
        }
        let path = plan.critical_path();
        prop_assert!(!path.is_empty());
        let slack_of = |id: &str| plan.tasks().iter().find(|t| t.element.id().as_str() == id).and_then(|t| t.total_slack);
        for e in path {
            prop_assert_eq!(slack_of(e.id().as_str()), Some(0), "{} is on the path", e.id());
        }
        let last = plan.tasks().iter().find(|t| Some(t.element) == path.last().copied()).unwrap();
        prop_assert_eq!(last.end.map(|d| d.to_days() + 1), Some(finish), "the path ends at the finish");
        let ends: Vec<_> = path.iter().map(|e| plan.tasks().iter().find(|t| t.element == *e).unwrap().end).collect();
        prop_assert!(ends.windows(2).all(|w| w[0] <= w[1]), "the path runs forward: {:?}", ends);
    }

    /// Delay propagation equals the oracle's relaxation, with done tasks fixed.
    #[test]
    fn delays_match_the_oracle(mut s in shape(), who in 0usize..8, days in 1i64..90) {
        let Some(planned) = consistent_dates(&s) else { return Ok(()) };
        let t = who % s.parents.len();
        s.done[t] = false;
        let m = to_model(&s, &planned, true);
        let report = schedule::delay(&m, &[(format!("t{t}"), Duration::parse(&format!("{days}d")).unwrap())]).unwrap();
        let durations: Vec<i64> = (0..s.parents.len()).map(|i| planned[2 * i + 1] - planned[2 * i]).collect();
        let o = Oracle::new(&s, &durations);
        let fixed: Vec<bool> = (0..planned.len()).map(|e| s.done[e / 2]).collect();
        let mut v = planned.clone();
        v[2 * t + 1] += days;
        let expect = o.relax(v, &fixed).unwrap();
        let mut want = Vec::new();
        for i in 0..s.parents.len() {
            if expect[2 * i] != planned[2 * i] || expect[2 * i + 1] != planned[2 * i + 1] {
                want.push((format!("t{i}"), expect[2 * i], expect[2 * i + 1] - 1));
            }
        }
        let mut got: Vec<(String, i64, i64)> = report
            .moved()
            .iter()
            .map(|m| (m.element.id().to_string(), m.new_start.unwrap().to_days(), m.new_end.unwrap().to_days()))
            .collect();
        got.sort_by_key(|(id, ..)| id[1..].parse::<usize>().unwrap());
        prop_assert_eq!(got, want);
        // The programme ends when its last task does.
        let last = |v: &[i64]| (0..s.parents.len()).map(|i| v[2 * i + 1]).max().unwrap_or(0);
        let late = last(&expect) - last(&planned);
        let finish_breach = report.breaches().iter().find(|b| b.kind.as_str() == "finish").map(|b| b.late_days);
        prop_assert_eq!(finish_breach, (late > 0).then_some(late));
    }

    /// On any plan, consistent or not: a delay never moves anything earlier, and a
    /// delay within a task's free slack moves nothing else.
    #[test]
    fn delays_never_move_earlier(mut s in shape(), starts in prop::collection::vec(0i64..200, 8), who in 0usize..8, days in 1i64..120) {
        let n = s.parents.len();
        let t = who % n;
        s.done[t] = false;
        let mut dates = vec![0; 2 * n];
        for i in 0..n {
            dates[2 * i] = BASE + starts[i];
            dates[2 * i + 1] = dates[2 * i] + s.durations[i];
        }
        let m = to_model(&s, &dates, true);
        let Ok(plan) = schedule::analyze(&m, &Options::new()) else { return Ok(()) };
        let report = schedule::delay(&m, &[(format!("t{t}"), Duration::parse(&format!("{days}d")).unwrap())]).unwrap();
        for mv in report.moved() {
            prop_assert!(mv.new_start >= mv.old_start && mv.new_end >= mv.old_end && mv.shift_days >= 0, "{:?}", mv);
        }
        for a in report.absorbed() {
            prop_assert!(a.absorbed_days > 0 && a.absorbed_days <= a.slip_days);
        }
        let task = plan.tasks().iter().find(|x| x.element.id().as_str() == format!("t{t}")).unwrap();
        if let Some(free) = task.free_slack.filter(|&f| f > 0) {
            let within = free.min(days);
            let report = schedule::delay(&m, &[(format!("t{t}"), Duration::parse(&format!("{within}d")).unwrap())]).unwrap();
            let moved: Vec<String> = report.moved().iter().map(|m| m.element.id().to_string()).collect();
            prop_assert_eq!(moved, vec![format!("t{t}")]);
            let me = format!("t{t}");
            prop_assert!(report.breaches().iter().all(|b| b.element.id().as_str() == me));
        }
    }
}

#[test]
fn a_delay_past_the_year_9999_is_an_error() {
    let m = model(PLAN);
    let err = schedule::analyze(&m, &Options::new().delay("build", dur("999999y"))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the delays move `build` to the year 1002023, past 9999, the last year a date can have"
    );
    // Repeated until the days would pass 2^31: an error, never a delay silently dropped.
    let mut options = Options::new();
    for _ in 0..60 {
        options = options.delay("build", dur("99999y"));
    }
    let err = schedule::delay(&m, &[("build", dur("99999y")); 60]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the delays move `build` to the year 102023, past 9999, the last year a date can have"
    );
    assert!(schedule::analyze(&m, &options).is_err());
    // Just inside the range is fine.
    let plan = schedule::analyze(&m, &Options::new().delay("build", dur("7975y"))).unwrap();
    let moved = plan.delay().unwrap().moved();
    assert!(
        moved
            .iter()
            .all(|mv| mv.new_end.is_none_or(|d| d.year() <= 9999))
    );
}

#[test]
fn missing_dates_display_honours_width_and_fill() {
    assert_eq!(format!("{:<12}|", schedule::Missing::End), "end         |");
    assert_eq!(format!("{:>6}|", schedule::Missing::Start), " start|");
}

#[test]
fn each_json_entry_is_the_value_of_its_key() {
    let m = te24();
    let plan = schedule::analyze(&m, &Options::new().today(date("2023-11-01"))).unwrap();
    let whole = plan.to_json();
    let keys: Vec<&str> = whole
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, schedule::Schedule::JSON_KEYS);
    for key in schedule::Schedule::JSON_KEYS {
        let entry = serde_json::to_value(plan.json_entry(key).unwrap()).unwrap();
        assert_eq!(entry, whole[key], "{key}");
    }
    assert!(plan.json_entry("nothing").is_none());
}

#[test]
fn every_gantt_chart_carries_exactly_the_gantt_style_sheet() {
    let m = te24();
    let plan = schedule::analyze(&m, &Options::new()).unwrap();
    for lang in ["fi", "en"] {
        let svg = plan.gantt_svg(&GanttOptions::new().lang(lang));
        assert_eq!(svg.matches("<style").count(), 1, "{lang}");
        assert!(svg.contains(&format!("<style>{}</style>", schedule::GANTT_STYLE)));
    }
}
