//! `ecograph impact` and `ecograph why`.

use crate::support::{repo_file, run, stderr, stdout, te24};

fn small() -> String {
    repo_file("crates/ecograph-impact/tests/fixtures/small.json")
}

#[test]
fn removing_tyomarkkinatori_text_and_json() {
    let t = te24();
    let o = run(&[
        "impact",
        &t,
        "--removed",
        "tmt",
        "--certain-only",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("te24_tmt_certain_text", stdout(&o));
    let o = run(&[
        "impact",
        &t,
        "--removed",
        "tmt",
        "--depth",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_json_snapshot!("te24_tmt_depth2_json", v);
}

/// The question the impact issue is done by: what breaks if Työmarkkinatori's EURES
/// interface (its flow to the EURES portal) changes? Text, JSON and an exit code.
#[test]
fn changing_tyomarkkinatoris_eures_interface() {
    let t = te24();
    let flow = "tmt->eures-portaali";
    let o = run(&[
        "impact",
        &t,
        "--modified",
        flow,
        "--certain-only",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("te24_eures_interface_text", stdout(&o));
    let o = run(&[
        "impact",
        &t,
        "--modified",
        flow,
        "--depth",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_json_snapshot!("te24_eures_interface_json", v);
    // The change is the flow itself, named by kind, ends and the data it carries.
    assert_eq!(
        v["changes"][0]["relation"],
        serde_json::json!({ "kind": "flow", "from": "tmt", "to": "eures-portaali",
                            "data": ["d.avoimet", "d.cv"] })
    );
    let o = run(&[
        "impact",
        &t,
        "--modified",
        &format!("flow:{flow}"),
        "--fail-on",
        "certain",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));

    // Ends that no relation joins, and a malformed arrow, are usage errors.
    let o = run(&["impact", &t, "--modified", "tmt->eures-portal"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown element `eures-portal` in a relation of the change set; did you mean `eures-portaali`?"),
        "{}",
        stderr(&o)
    );
    let o = run(&["impact", &t, "--modified", "tmt->eures"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "no relation from `tmt` to `eures` in the model; did you mean `tmt->eures-portaali`?"
        ),
        "{}",
        stderr(&o)
    );
    let o = run(&["impact", &t, "--removed", "uses:tmt->eures-portaali"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no relation `uses` from `tmt` to `eures-portaali` in the model; did you mean `flow:tmt->eures-portaali`?"),
        "{}",
        stderr(&o)
    );
    let o = run(&["impact", &t, "--removed", "tmt->"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("FROM->TO"), "{}", stderr(&o));
}

#[test]
fn flags_and_change_files_combine() {
    let dir = crate::support::scratch("impact", "cli");
    let file = dir.join("changes.json");
    std::fs::write(
        &file,
        r#"{"changes": [{"change": "modified", "element": "paikat"}]}"#,
    )
    .unwrap();
    let s = small();
    let o = run(&[
        "impact",
        &s,
        "--changes",
        file.to_str().unwrap(),
        "--delay",
        "t1=6w",
        "--skip",
        "linked,concerns",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("small_changes_and_delay", stdout(&o));
    let out = dir.join("report.json");
    let o = run(&[
        "impact",
        &s,
        "--removed",
        "ely",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["changes"][0]["element"], "ely");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn delay_reports_moved_dates_next_to_the_structural_impact() {
    let t = te24();
    let args = |format: &str| {
        run(&[
            "impact",
            &t,
            "--delay",
            "tj.B.2=2m",
            "--certain-only",
            "--lang",
            "en",
            "--format",
            format,
        ])
    };
    let o = args("text");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("te24_delay_text", stdout(&o));
    let o = args("json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_json_snapshot!("te24_delay_json", v);
}

#[test]
fn delay_of_an_undated_task_still_reports_the_structural_impact() {
    let t = te24();
    let o = run(&[
        "impact",
        &t,
        "--delay",
        "ra.B=2m",
        "--certain-only",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("te24_delay_undated_text", stdout(&o));
    let o = run(&["impact", &t, "--delay", "ra.B=2m", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["schedule"],
        serde_json::json!({ "error": "task `ra.B` has no start and no end, so it is unscheduled" })
    );
    assert!(v["summary"]["affected"].as_u64().unwrap() > 0);
}

#[test]
fn fail_on_gates_exit_3() {
    let s = small();
    let o = run(&["impact", &s, "--modified", "haku", "--fail-on", "certain"]);
    assert_eq!(o.status.code(), Some(3));
    // `eures` only reaches `kela`, through a potential `linked`.
    let o = run(&["impact", &s, "--modified", "eures", "--fail-on", "certain"]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&[
        "impact",
        &s,
        "--modified",
        "eures",
        "--fail-on",
        "potential",
    ]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn usage_errors_exit_2_with_suggestions() {
    let s = small();
    let dir = crate::support::scratch("impact", "empty-list");
    let empty_list = dir.join("changes.json");
    std::fs::write(&empty_list, "[]").unwrap();
    let empty_list = empty_list.to_str().unwrap().to_owned();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--removed", "tmtt"],
            "error: unknown element `tmtt` in the change set; did you mean `tmt`?\n",
        ),
        (
            &["--delay", "t1"],
            "error: --delay `t1`: expected ID=DURATION, such as `task.1=6w`\n",
        ),
        (
            &["--delay", "tmt=2w"],
            "error: `tmt` is of kind `system`, not a task: only tasks can be delayed\n",
        ),
        (
            &["--removed", "tmt", "--skip", "linkd"],
            "error: unknown relation kind `linkd`; did you mean `linked`?\n",
        ),
        (
            &["--removed", "tmt", "--stop-at", "tag:nope"],
            "error: no element has the tag `nope`\n",
        ),
        (
            &[],
            "error: no changes: give --modified, --removed, --delay, --changes or --since\n",
        ),
        (
            &["--changes", &empty_list],
            "error: EMPTY: invalid change set: line 1 column 1: expected an object with a list \
`changes`, such as {\"changes\": [{\"change\": \"removed\", \"element\": \"tmt\"}]}; \
found a list\n",
        ),
    ];
    for (args, msg) in cases {
        let msg = msg.replace("EMPTY", &empty_list);
        let mut all = vec!["impact", s.as_str()];
        all.extend_from_slice(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), msg, "{args:?}");
    }
}

#[test]
fn invalid_model_exits_1() {
    let dir = crate::support::scratch("impact", "bad");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"ecograph": 1, "elements": [{"id": "a", "kind": "sistem", "name": "A"}]}"#,
    )
    .unwrap();
    let o = run(&["impact", bad.to_str().unwrap(), "--removed", "a"]);
    assert_eq!(o.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn since_an_older_version() {
    let dir = crate::support::scratch("impact", "since");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(small()).unwrap()).unwrap();
    v["elements"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != "haku");
    v["relations"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["from"] != "haku" && r["to"] != "haku");
    let new = dir.join("new.json");
    std::fs::write(&new, v.to_string()).unwrap();
    let o = run(&[
        "impact",
        new.to_str().unwrap(),
        "--since",
        &small(),
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("small_since", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn why_explains_a_pair() {
    let t = te24();
    let o = run(&[
        "why", &t, "--from", "tmt", "--to", "kunnat", "--change", "removed",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("why_tmt_kunnat", stdout(&o));
    let s = small();
    let o = run(&[
        "why",
        &s,
        "--from",
        "kohtaanto",
        "--to",
        "tmt",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["affected"], false);
    assert_eq!(v["reason"]["kind"], "no_rule");
    let o = run(&["why", &s, "--from", "kohtanto", "--to", "tmt"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown element `kohtanto` in the model; did you mean `kohtaanto`?\n"
    );
}

/// Standard input can be read once: two inputs given as `-` are a usage error naming
/// both, before anything is read.
#[test]
fn two_inputs_from_standard_input_are_a_usage_error() {
    // Small enough to fit the pipe: the command refuses before reading it.
    let model = r#"{"ecograph": 1, "elements": []}"#;
    for (args, names) in [
        (vec!["impact", "-", "--changes", "-"], "MODEL and --changes"),
        (vec!["impact", "-", "--since", "-"], "MODEL and --since"),
        (
            vec!["impact", "-", "--rules", "-", "--modified", "tmt"],
            "MODEL and --rules",
        ),
        (
            vec!["why", "-", "--rules", "-", "--from", "tmt", "--to", "eures"],
            "MODEL and --rules",
        ),
    ] {
        let o = crate::support::run_stdin(&args, model);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "{names} are both `-`: standard input can be read only once"
            )),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// A delay that breaks the finish says so once: the broken deadline, not also a
/// second "finish ... late" line.
#[test]
fn a_broken_finish_is_reported_once() {
    let model = r#"{"ecograph": 1, "elements": [
        {"id": "org", "kind": "actor", "name": "Org"},
        {"id": "prog", "kind": "task", "name": "Prog", "start": "2024-01", "end": "2024-12"},
        {"id": "b", "kind": "task", "name": "B", "parent": "prog", "start": "2024-04", "end": "2024-06"},
        {"id": "d", "kind": "task", "name": "D", "parent": "prog", "start": "2024-07", "end": "2024-12"}],
      "relations": [
        {"kind": "responsible", "from": "org", "to": "prog"},
        {"kind": "depends_on", "from": "d", "to": "b"}]}"#;
    let o = crate::support::run_stdin(&["impact", "-", "--delay", "b=1m"], model);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let finish_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("finish `prog`"))
        .collect();
    assert_eq!(
        finish_lines,
        ["  finish `prog` misses its deadline 2024-12-31: now 2025-01-31 (31 days late)"],
        "{text}"
    );
}

/// A change given twice is analyzed once (a warning says so); delays still add up.
#[test]
fn a_change_given_twice_is_analyzed_once() {
    let m = te24();
    let once = run(&["impact", &m, "--modified", "tmt", "--format", "json"]);
    let twice = run(&[
        "impact",
        &m,
        "--modified",
        "tmt",
        "--modified",
        "tmt",
        "--format",
        "json",
    ]);
    assert_eq!(twice.status.code(), Some(0), "{}", stderr(&twice));
    assert_eq!(stdout(&twice), stdout(&once));
    assert_eq!(
        stderr(&twice),
        "warning: 1 change was given more than once, analyzed once\n"
    );
    let text = stdout(&run(&[
        "impact",
        &m,
        "--modified",
        "tmt",
        "--modified",
        "tmt",
    ]));
    assert_eq!(text.matches("modified system `tmt`").count(), 1, "{text}");
    // Two delays of one task add up: one month twice moves it as two months do.
    let model = r#"{"ecograph": 1, "elements": [
        {"id": "a", "kind": "task", "name": "A", "start": "2024-01", "end": "2024-03"}]}"#;
    let schedule = |args: &[&str]| {
        let o = crate::support::run_stdin(args, model);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        v["schedule"]["moved"][0]["new_end"].clone()
    };
    let twice = schedule(&[
        "impact", "-", "--delay", "a=1m", "--delay", "a=1m", "--format", "json",
    ]);
    assert_eq!(twice, "2024-05-31");
    assert_eq!(
        twice,
        schedule(&["impact", "-", "--delay", "a=2m", "--format", "json"])
    );
}
