//! One file per invalid (or doubtful) model in `tests/fixtures/invalid/`; each test
//! asserts the whole rendered diagnostic output against `<case>.stderr` beside it.
//! Run with `ECOGRAPH_BLESS=1` to rewrite the expectations after reviewing a change.

use ecograph_core::{Model, Severity};
use std::path::Path;

fn render(name: &str) -> (String, Vec<String>, bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let src = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("fixture exists");
    let checked = Model::check_str(&src, Some(&format!("fixtures/invalid/{name}.json")));
    let codes = checked
        .diagnostics
        .iter()
        .map(|d| d.code().to_owned())
        .collect();
    (
        checked.diagnostics.to_string(),
        codes,
        checked.model.is_some(),
    )
}

fn check(name: &str, expected_code: &str) {
    let (rendered, codes, valid) = render(name);
    assert!(
        codes.iter().any(|c| c == expected_code),
        "{name}: expected a `{expected_code}` diagnostic, got {codes:?}\n{rendered}"
    );
    assert!(!valid, "{name}: the model must be rejected");
    assert!(
        rendered.contains("--> fixtures/invalid/"),
        "{name}: every diagnostic names the file\n{rendered}"
    );
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/invalid/{name}.stderr"));
    if std::env::var_os("ECOGRAPH_BLESS").is_some() {
        std::fs::write(&expected_path, &rendered).expect("write expectation");
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(
        rendered,
        expected,
        "{name}: rendered diagnostics differ from {}",
        expected_path.display()
    );
}

macro_rules! cases {
    ($($test:ident: $file:literal => $code:literal),+ $(,)?) => {
        $(#[test] fn $test() { check($file, $code); })+
    };
}

cases! {
    malformed_json_reports_serde_position: "syntax" => "syntax",
    truncated_file_says_it_ends_early: "truncated" => "syntax",
    syntax_error_names_the_field_it_is_in: "syntax-in-element" => "syntax",
    missing_comma_names_the_list: "syntax-missing-comma" => "syntax",
    bad_value_names_its_field: "syntax-bad-value" => "syntax",
    top_level_must_be_an_object: "not-an-object" => "type",
    missing_format_version_is_an_error: "missing-version" => "missing-version",
    other_format_versions_are_refused: "unsupported-version" => "unsupported-version",
    unknown_fields_get_did_you_mean: "unknown-field" => "unknown-field",
    wrong_json_types_are_named: "wrong-type" => "type",
    unknown_relation_endpoint_gets_did_you_mean: "unknown-element" => "unknown-element",
    an_element_named_instead_of_its_id_gets_the_id: "element-by-name" => "unknown-element",
    a_broken_elements_unknown_parent_is_reported_too: "parent-of-a-broken-element" => "unknown-kind",
    an_element_is_never_suggested_for_its_own_reference: "no-suggestion-of-itself" => "unknown-element",
    duplicate_element_ids_point_at_the_first: "duplicate-id" => "duplicate-id",
    id_syntax_is_checked: "bad-id" => "bad-id",
    unknown_kinds_get_did_you_mean: "unknown-kind" => "unknown-kind",
    relation_endpoints_follow_the_table: "relation-endpoint" => "relation-endpoint",
    parent_must_share_kind_or_be_group: "parent-kind" => "parent-kind",
    parent_cycle_is_printed: "parent-cycle" => "parent-cycle",
    dependency_cycle_is_printed: "dependency-cycle" => "dependency-cycle",
    task_depending_on_itself_is_a_cycle: "self-dependency" => "dependency-cycle",
    malformed_periods_are_reported: "bad-period" => "bad-period",
    end_before_start_shows_both_dates: "end-before-start" => "end-before-start",
    blank_names_are_errors: "empty-name" => "empty-name",
    required_fields_are_reported: "missing-field" => "missing-field",
    flows_carry_only_data_elements: "flow-data-kind" => "flow-data-kind",
    languages_outside_the_model_are_errors: "unknown-language" => "unknown-language",
    texts_need_the_default_language: "missing-default-language" => "missing-default-language",
    task_fields_on_other_kinds_are_refused: "field-not-allowed" => "field-not-allowed",
    malformed_lag_is_reported: "bad-duration" => "bad-duration",
    lag_with_a_multibyte_unit_is_reported: "bad-duration-multibyte-unit" => "bad-duration",
    unknown_status_gets_did_you_mean: "unknown-status" => "unknown-kind",
    view_problems_are_all_reported: "view-errors" => "bad-selector",
    repeated_language_is_reported_like_any_repeated_key: "repeated-language" => "repeated-field",
    an_empty_file_says_so: "empty" => "empty",
    a_fractional_version_is_shown_as_written: "version-float" => "unsupported-version",
}

#[test]
fn warnings_do_not_invalidate_a_model() {
    let (rendered, codes, valid) = render("warnings");
    assert!(valid, "warnings alone keep the model valid:\n{rendered}");
    for code in [
        "missing-translation",
        "isolated-element",
        "flow-without-data",
        "task-without-owner",
        "view-id-case",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "expected a `{code}` warning in\n{rendered}"
        );
    }
    let expected_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/warnings.stderr");
    if std::env::var_os("ECOGRAPH_BLESS").is_some() {
        std::fs::write(&expected_path, &rendered).expect("write expectation");
    }
    assert_eq!(
        rendered,
        std::fs::read_to_string(&expected_path).unwrap_or_default()
    );
}

#[test]
fn every_problem_is_reported_in_one_pass() {
    let (_, codes, _) = render("view-errors");
    for code in [
        "unknown-element",
        "bad-selector",
        "unknown-kind",
        "duplicate-id",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "missing `{code}` in {codes:?}"
        );
    }
}

#[test]
fn errors_come_before_warnings_and_carry_positions() {
    for name in ["unknown-field", "dependency-cycle", "view-errors"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
        let src = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("fixture");
        let checked = Model::check_str(&src, Some("x.json"));
        let sev: Vec<_> = checked.diagnostics.iter().map(|d| d.severity()).collect();
        let mut sorted = sev.clone();
        sorted.sort();
        assert_eq!(sev, sorted, "{name}: errors first");
        for d in checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
        {
            assert!(d.line().is_some() && d.column().is_some(), "{name}: {d}");
            assert_eq!(d.file(), Some("x.json"));
        }
    }
}

#[test]
fn diagnostics_serialise_with_the_documented_fields() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/unknown-element.json"),
    )
    .expect("fixture");
    let checked = Model::check_str(&src, Some("m.json"));
    let d = checked.diagnostics.errors().next().expect("one error");
    let v = d.to_json();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["code"], "unknown-element");
    assert_eq!(v["file"], "m.json");
    assert_eq!(v["path"], "relations[1].to");
    assert_eq!(v["id"], "tmtt");
    assert_eq!(v["suggestion"], "did you mean `tmt`?");
    assert!(v["line"].as_u64().is_some() && v["column"].as_u64().is_some());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let samples = [
        "",
        "{",
        "}",
        "[]",
        "null",
        "{\"ecograph\": 1, \"elements\": {}}",
        "{\"ecograph\": 1e400}",
        "\"\\ud800\"",
        "{\"ecograph\": 1, \"elements\": [null, 1, \"x\", []]}",
    ];
    for s in samples {
        let checked = Model::check_str(s, None);
        assert!(checked.model.is_none(), "{s:?} must be rejected");
        assert!(checked.diagnostics.has_errors(), "{s:?}");
    }
    let deep = "[".repeat(100_000);
    assert!(Model::check_str(&deep, None).diagnostics.has_errors());
}

/// Relations are validated while they are parsed when `languages` and `elements` come
/// first, and after parsing otherwise; both orders must find the same problems.
#[test]
fn streamed_and_buffered_relations_give_the_same_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(&path).expect("read"),
        ) else {
            continue;
        };
        if !doc.contains_key("relations") || !doc.get("elements").is_some_and(|e| e.is_array()) {
            continue;
        }
        let order = |first: &[&str]| {
            let mut m = serde_json::Map::new();
            if !doc.contains_key("languages") {
                m.insert("languages".into(), serde_json::json!(["en"]));
            }
            for k in first {
                if let Some(v) = doc.get(*k) {
                    m.insert((*k).into(), v.clone());
                }
            }
            for (k, v) in &doc {
                if !m.contains_key(k) {
                    m.insert(k.clone(), v.clone());
                }
            }
            serde_json::to_string_pretty(&serde_json::Value::Object(m)).expect("serialise")
        };
        let summary = |src: String| {
            let mut d: Vec<_> = Model::check_str(&src, None)
                .diagnostics
                .iter()
                .map(|d| (d.code().to_owned(), d.path(), d.message().to_owned()))
                .collect();
            d.sort();
            d
        };
        let streamed = summary(order(&["languages", "elements", "relations"]));
        let buffered = summary(order(&["relations", "languages", "elements"]));
        assert_eq!(streamed, buffered, "{}", path.display());
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} fixtures compared");
}

/// `relations` of the wrong JSON type is one diagnostic naming the type found, whether
/// the relations are validated while parsing (after `languages` and `elements`) or after
/// it (before them).
#[test]
fn relations_that_are_not_a_list_are_named() {
    let elements =
        r#""languages": ["en"], "elements": [{"id": "a", "kind": "actor", "name": "A"}]"#;
    for (value, found) in [
        ("5", "a number"),
        ("1.5", "a number"),
        ("-2", "a number"),
        (r#""x""#, "a string"),
        ("true", "a boolean"),
        ("null", "null"),
        (r#"{"kind": "uses"}"#, "an object"),
    ] {
        for src in [
            format!(r#"{{"ecograph": 1, {elements}, "relations": {value}}}"#),
            format!(r#"{{"ecograph": 1, "relations": {value}, {elements}}}"#),
        ] {
            let checked = Model::check_str(&src, Some("r.json"));
            assert!(checked.model.is_none(), "{src}");
            let d: Vec<_> = checked.diagnostics.errors().collect();
            assert_eq!(d.len(), 1, "{src}: {}", checked.diagnostics);
            assert_eq!(d[0].code(), "type");
            assert_eq!(d[0].path(), "relations");
            assert_eq!(
                d[0].message(),
                format!("expected a list of relations, found {found}"),
                "{src}"
            );
        }
    }
}

/// A document that is not an object is one diagnostic naming what it is.
#[test]
fn documents_that_are_not_an_object_are_named() {
    for (src, found) in [
        ("5", "a number"),
        ("-1.5", "a number"),
        (r#""model""#, "a string"),
        ("false", "a boolean"),
        ("null", "null"),
        ("[1, 2]", "a list"),
    ] {
        let checked = Model::check_str(src, None);
        let d: Vec<_> = checked.diagnostics.errors().collect();
        assert_eq!(d.len(), 1, "{src}: {}", checked.diagnostics);
        assert_eq!(
            d[0].message(),
            format!("expected a JSON object (an ecograph model), found {found}")
        );
    }
}
