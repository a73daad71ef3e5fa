//! `ecograph check`, `show`, `list`, `path`, `fmt` and `schema`.

use crate::support::{repo_file, root, run, run_stdin, stderr, stdout, te24};

fn fixture(name: &str) -> String {
    repo_file(&format!(
        "crates/ecograph-core/tests/fixtures/invalid/{name}.json"
    ))
}

#[test]
fn check_accepts_te24_with_its_one_justified_warning() {
    let o = run(&["check", &te24()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("warning[task-without-owner]: task `te24`"),
        "{e}"
    );
    assert!(e.contains("ok (0 errors, 1 warning, "), "{e}");
    let denied = run(&["check", "--deny-warnings", &te24()]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn check_reports_every_error_and_exits_1() {
    let o = run(&["check", &fixture("view-errors")]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(e.matches("error[").count(), 5, "{e}");
    assert!(e.contains("help: did you mean `tmt`?"), "{e}");
}

#[test]
fn check_json_lists_documented_fields() {
    let o = run(&["check", "--format", "json", &fixture("unknown-element")]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    let first = &v.as_array().expect("array")[0];
    for field in [
        "severity",
        "code",
        "message",
        "file",
        "line",
        "column",
        "path",
        "id",
        "suggestion",
    ] {
        assert!(first.get(field).is_some(), "missing {field} in {first}");
    }
    assert_eq!(first["code"], "unknown-element");
    assert_eq!(first["suggestion"], "did you mean `tmt`?");
}

#[test]
fn check_reads_standard_input() {
    let o = run_stdin(
        &["check", "-"],
        r#"{"ecograph": 1, "elements": [{"id": "a", "kind": "actr", "name": "A"}]}"#,
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("--> <stdin>:1:"), "{e}");
    assert!(e.contains("did you mean `actor`?"), "{e}");
}

#[test]
fn missing_files_and_bad_usage_exit_2() {
    let o = run(&["check", "/no/such/model.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot access `/no/such/model.json`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["show", &te24(), "tmtt"]).status.code(), Some(2));
    assert!(stderr(&run(&["show", &te24(), "tmtt"])).contains("did you mean `tmt`?"));
    assert_eq!(
        run(&["list", &te24(), "--kind", "sytem"]).status.code(),
        Some(2)
    );
}

#[test]
fn an_element_named_by_its_name_is_suggested_by_id_in_every_command() {
    // `tmt` is named Työmarkkinatori (Job Market Finland); names are matched up to
    // case, accents and punctuation, in every language of the model.
    let m = te24();
    let cases: &[(&[&str], &str)] = &[
        (
            &["show", &m, "tyomarkkinatori"],
            "no element `tyomarkkinatori` in the model; did you mean `tmt`?",
        ),
        (
            &["show", &m, "job-market-finland"],
            "no element `job-market-finland` in the model; did you mean `tmt`?",
        ),
        (
            &["path", &m, "Työmarkkinatori", "kunnat"],
            "no element `Työmarkkinatori` in the model; did you mean `tmt`?",
        ),
        (
            &["impact", &m, "--modified", "TYÖMARKKINATORI"],
            "unknown element `TYÖMARKKINATORI` in the change set; did you mean `tmt`?",
        ),
        (
            &["why", &m, "--from", "tyomarkkinatori", "--to", "kunnat"],
            "unknown element `tyomarkkinatori` in the model; did you mean `tmt`?",
        ),
        (
            &["render", &m, "--around", "tyomarkkinatori"],
            "unknown element `tyomarkkinatori` (did you mean `tmt`?)",
        ),
        (
            &["schedule", &m, "--delay", "case management system=2w"],
            "unknown task `case management system`\nhelp: did you mean `tj.C.1`?",
        ),
    ];
    for (args, want) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), format!("error: {want}\n"), "{args:?}");
    }
}

#[test]
fn show_text_and_json() {
    let o = run(&["show", &te24(), "tmt", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("show_tmt_en", stdout(&o));
    let o = run(&["show", &te24(), "tmt", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["id"], "tmt");
    assert_eq!(v["kind"], "system");
    assert!(v["outgoing"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn list_filters_by_kind_tag_and_status() {
    let o = run(&["list", &te24(), "--kind", "system"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!("list_systems", stdout(&o));
    let o = run(&[
        "list",
        &te24(),
        "--status",
        "in_progress",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let items = v.as_array().expect("array");
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|i| i["status"] == "in_progress" && i["kind"] == "task")
    );
}

#[test]
fn list_by_a_tag_no_element_has_warns_with_the_nearest_tag() {
    let dir = crate::support::scratch("core", "list-tag");
    let model = dir.join("m.json");
    std::fs::write(
        &model,
        r#"{"ecograph":1,"elements":[
            {"id":"a","kind":"system","name":"A","tags":["mandatory-use"]},
            {"id":"b","kind":"system","name":"B","tags":["legacy"]}]}"#,
    )
    .unwrap();
    let m = model.to_str().unwrap();
    let o = run(&["list", m, "--tag", "mandatory-us"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "warning: no element has the tag `mandatory-us`; did you mean `mandatory-use`?\n"
    );
    // A tag far from every other: the warning alone.
    let o = run(&["list", m, "--tag", "x"]);
    assert_eq!(stderr(&o), "warning: no element has the tag `x`\n");
    // A tag some element has: the list, and no warning.
    let o = run(&["list", m, "--tag", "legacy"]);
    assert_eq!(
        (stdout(&o).as_str(), stderr(&o).as_str()),
        ("b  system       B\n", "")
    );
}

#[test]
fn path_between_two_elements() {
    let o = run(&["path", &te24(), "keha", "eures-portaali", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("keha "), "{text}");
    let o = run(&[
        "path",
        &te24(),
        "keha",
        "eures-portaali",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let hops = v["path"].as_array().expect("a path");
    assert_eq!(hops.first().map(|h| h["from"].clone()), Some("keha".into()));
    assert_eq!(
        hops.last().map(|h| h["to"].clone()),
        Some("eures-portaali".into())
    );
    assert_eq!(v["length"].as_u64(), Some(hops.len() as u64));
}

#[test]
fn fmt_is_canonical_and_never_touches_the_input_unasked() {
    let dir = crate::support::scratch("core", "fmt");
    let file = dir.join("m.json");
    let messy = r#"{"relations": [], "elements": [{"name": "A", "kind": "actor", "id": "a"}], "ecograph": 1}"#;
    std::fs::write(&file, messy).expect("write");
    let f = file.display().to_string();

    let o = run(&["fmt", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        messy,
        "fmt without --write leaves the file alone"
    );
    insta::assert_snapshot!("fmt_canonical", stdout(&o));
    assert_eq!(run(&["fmt", "--check", &f]).status.code(), Some(3));

    let o = run(&["fmt", "--write", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        stdout(&run(&["fmt", &f]))
    );
    assert_eq!(run(&["fmt", "--check", &f]).status.code(), Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "m.json")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files are left behind: {leftovers:?}"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn fmt_refuses_invalid_models_and_leaves_them_intact() {
    let path = fixture("unknown-element");
    let before = std::fs::read_to_string(&path).expect("read");
    let o = run(&["fmt", "--write", &path]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
}

#[test]
fn te24_is_kept_canonical_and_round_trips() {
    assert_eq!(
        run(&["fmt", "--check", &te24()]).status.code(),
        Some(0),
        "run `ecograph fmt --write models/te24.json`"
    );
    let o = run(&["fmt", &te24()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again = run_stdin(&["fmt", "-"], &stdout(&o));
    assert_eq!(
        stdout(&again),
        stdout(&o),
        "canonical form is a fixed point"
    );
}

#[test]
fn schema_matches_the_checked_in_copy() {
    let o = run(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(root().join("schema/ecograph-1.schema.json")).expect("schema file");
    assert_eq!(stdout(&o), committed);
}

/// Found by the adversarial benchmark (docs/reliability.md): `list` padded ids to the
/// longest one, and `format!` panics on a width past 65,535.
#[test]
fn list_prints_an_id_longer_than_any_format_width() {
    let dir = crate::support::scratch("core", "long-id");
    let long = "x".repeat(70_000);
    let model = dir.join("m.json");
    let json = format!(
        r#"{{"ecograph":1,"elements":[{{"id":"s0","kind":"system","name":"a"}},{{"id":"{long}","kind":"system","name":"long"}}]}}"#
    );
    std::fs::write(&model, json).unwrap();
    let o = run(&["list", model.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = format!("{:<40}  system       a\n{long}  system       long\n", "s0");
    assert_eq!(stdout(&o), expected);
}

/// `fmt --check` reads its input once: standard input and a FIFO cannot be read twice.
#[test]
fn fmt_check_reads_standard_input_and_a_fifo_once() {
    let canonical = stdout(&run(&["fmt", &te24()]));
    assert_eq!(
        run_stdin(&["fmt", "--check", "-"], &canonical)
            .status
            .code(),
        Some(0)
    );
    let o = run_stdin(&["fmt", "--check", "-"], &canonical.replace("\n  ", "\n "));
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("<stdin> is not in canonical form: `ecograph fmt -` prints it"),
        "{}",
        stderr(&o)
    );
    let dir = crate::support::scratch("core", "fmt-fifo");
    let fifo = dir.join("model.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let (fifo, text) = (fifo.clone(), canonical.clone());
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let o = run(&["fmt", "--check", fifo.to_str().expect("utf-8")]);
    writer.join().expect("writer").expect("written");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Every command with `--lang` refuses a language the model does not have, instead of
/// falling back to the default one without a word.
#[test]
fn every_lang_flag_refuses_a_language_the_model_lacks() {
    let m = te24();
    for args in [
        vec!["show", &m, "tmt", "--lang", "sv"],
        vec!["list", &m, "--lang", "sv"],
        vec!["path", &m, "tmt", "eures", "--lang", "sv"],
        vec!["impact", &m, "--modified", "tmt", "--lang", "sv"],
        vec!["why", &m, "--from", "tmt", "--to", "eures", "--lang", "sv"],
        vec!["diff", &m, &m, "--lang", "sv"],
        vec!["schedule", &m, "--lang", "sv"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            "error: the model has no language `sv` (it has `fi`, `en`)\n",
            "{args:?}"
        );
    }
    assert_eq!(
        run(&["show", &m, "tmt", "--lang", "en"]).status.code(),
        Some(0)
    );
}

#[test]
fn the_check_summary_counts_in_the_singular_for_one() {
    let o = run_stdin(
        &["check", "-"],
        r#"{"ecograph": 1, "elements": [{"id": "a", "kind": "group", "name": "A"}],
            "views": [{"id": "v"}]}"#,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).ends_with("<stdin>: ok (0 errors, 1 warning, 1 element, 0 relations, 1 view)\n"),
        "{}",
        stderr(&o)
    );
}

/// `show` prints what the JSON has of each relation: its label, lag and id.
#[test]
fn show_text_has_each_relations_label_lag_and_id() {
    let o = run_stdin(
        &["show", "-", "t1"],
        r#"{"ecograph": 1, "elements": [
            {"id": "t1", "kind": "task", "name": "T1"},
            {"id": "t2", "kind": "task", "name": "T2"}],
          "relations": [{"id": "r1", "kind": "depends_on", "from": "t1", "to": "t2",
                         "label": "after review", "lag": "2w"}]}"#,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("  -> depends_on t2 (task): T2, \"after review\", lag 2w [r1]\n"),
        "{}",
        stdout(&o)
    );
}
