//! Random valid models: load -> save -> load gives an equal model; queries agree with a
//! brute-force oracle.

use ecograph_core::{Direction, ElementKind, Model, RelationKind};
use proptest::prelude::*;
use serde_json::json;
use std::collections::VecDeque;

/// A random valid model as JSON: kinds, parents (earlier elements of the same kind or
/// groups, so no cycles), relations that obey the kind table, tasks with dates, and
/// `depends_on` only from later to earlier tasks (acyclic).
fn model_json(kinds: &[u8], rels: &[(u8, u16, u16)], parents: &[u16], texts: &[String]) -> String {
    let n = kinds.len();
    let kinds: Vec<ElementKind> = kinds
        .iter()
        .map(|k| ElementKind::ALL[*k as usize % ElementKind::ALL.len()])
        .collect();
    let mut elements = Vec::new();
    for i in 0..n {
        let text = &texts[i % texts.len()];
        let mut e = json!({ "id": format!("e{i}"), "kind": kinds[i].as_str(), "name": { "fi": format!("{text} {i}"), "en": format!("E{i}") } });
        let p = parents[i % parents.len()] as usize;
        if i > 0 && p.is_multiple_of(3) {
            let cand = p % i;
            if kinds[cand] == kinds[i] || kinds[cand] == ElementKind::Group {
                e["parent"] = json!(format!("e{cand}"));
            }
        }
        if kinds[i] == ElementKind::Task {
            e["status"] = json!(["not_started", "in_progress", "done"][i % 3]);
            e["start"] = json!(format!("2023-{:02}", 1 + i % 6));
            e["end"] = json!(format!("2024-Q{}", 1 + i % 4));
        }
        if i % 4 == 0 {
            e["tags"] = json!(["t", format!("tag{}", i % 3)]);
            e["properties"] = json!({ "z": "1", "a": text });
        }
        elements.push(e);
    }
    let mut relations = Vec::new();
    for (j, &(k, a, b)) in rels.iter().enumerate() {
        if n == 0 {
            break;
        }
        let kind = RelationKind::ALL[k as usize % RelationKind::ALL.len()];
        let (from, to) = (a as usize % n, b as usize % n);
        if !kind.allowed_from().contains(&kinds[from]) || !kind.allowed_to().contains(&kinds[to]) {
            continue;
        }
        if kind == RelationKind::DependsOn && from <= to {
            continue;
        }
        let mut r =
            json!({ "kind": kind.as_str(), "from": format!("e{from}"), "to": format!("e{to}") });
        if kind == RelationKind::Flow
            && let Some(d) = kinds.iter().position(|k| *k == ElementKind::Data)
        {
            r["data"] = json!([format!("e{d}")]);
        }
        if kind == RelationKind::DependsOn && j % 2 == 0 {
            r["lag"] = json!("2w");
        }
        if j % 5 == 0 {
            r["id"] = json!(format!("r{j}"));
            r["label"] = json!({ "fi": texts[j % texts.len()], "en": "label" });
        }
        relations.push(r);
    }
    let doc = json!({
        "ecograph": 1, "languages": ["fi", "en"], "name": { "fi": "Malli", "en": "Model" },
        "elements": elements, "relations": relations,
        "views": [{ "id": "all", "include": [{ "kind": "system" }], "direction": "LR", "legend": false }]
    });
    doc.to_string()
}

fn arb_model() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(any::<u8>(), 1..40),
        prop::collection::vec((any::<u8>(), any::<u16>(), any::<u16>()), 0..120),
        prop::collection::vec(any::<u16>(), 1..40),
        prop::collection::vec("[a-zA-Zäöå <>&\"'\\\\{}]{1,12}", 1..5),
    )
        .prop_map(|(k, r, p, t)| model_json(&k, &r, &p, &t))
}

/// Brute force: all elements within `depth` hops, relations followed in both directions.
fn oracle_distances(model: &Model, start: usize) -> Vec<Option<usize>> {
    let n = model.element_count();
    let edges: Vec<(usize, usize)> = model
        .relations()
        .map(|r| (r.from().index(), r.to().index()))
        .collect();
    let mut dist = vec![None; n];
    dist[start] = Some(0);
    let mut q = VecDeque::from([start]);
    while let Some(a) = q.pop_front() {
        for &(f, t) in &edges {
            for (x, y) in [(f, t), (t, f)] {
                if x == a && dist[y].is_none() {
                    dist[y] = Some(dist[a].unwrap_or(0) + 1);
                    q.push_back(y);
                }
            }
        }
    }
    dist
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn load_save_load_gives_an_equal_model(src in arb_model()) {
        let checked = Model::check_str(&src, None);
        let m1 = checked.model.unwrap_or_else(|| panic!("generated model is valid:\n{}", checked.diagnostics));
        let text = m1.to_canonical_json();
        let m2 = Model::from_json_str(&text).expect("canonical JSON loads");
        prop_assert_eq!(&m1, &m2);
        prop_assert_eq!(&text, &m2.to_canonical_json(), "canonical form is a fixed point");
        // Streamed one element at a time, the same bytes as the whole JSON value printed.
        prop_assert_eq!(text, value_form(&m1));
    }

    #[test]
    fn neighbours_and_paths_match_a_brute_force_bfs(src in arb_model(), start in any::<u16>(), target in any::<u16>()) {
        let m = Model::from_json_str(&src).expect("valid");
        let n = m.element_count();
        let (s, t) = (start as usize % n, target as usize % n);
        let dist = oracle_distances(&m, s);
        let start_el = m.element_at(s).expect("in range");
        let got: Vec<(usize, usize)> = m.neighbours(start_el, usize::MAX, &[], Direction::Both).map(|(e, d)| (e.index(), d)).collect();
        let mut want: Vec<(usize, usize)> = dist.iter().enumerate().filter_map(|(i, d)| d.filter(|_| i != s).map(|d| (i, d))).collect();
        want.sort_by_key(|&(i, d)| (d, i));
        prop_assert_eq!(got, want);
        let within2: Vec<usize> = m.neighbours(start_el, 2, &[], Direction::Both).map(|(e, _)| e.index()).collect();
        prop_assert!(within2.iter().all(|&i| dist[i].is_some_and(|d| d <= 2)));

        let path = m.shortest_path(start_el, m.element_at(t).expect("in range"), &[], Direction::Both);
        match (path, dist[t]) {
            (None, None) => {}
            (Some(p), Some(d)) => {
                prop_assert_eq!(p.len(), d);
                // The path is connected and made of real relations.
                let mut at = p.start();
                for step in p.steps() {
                    prop_assert_eq!(step.source(), at);
                    at = step.target();
                }
                prop_assert_eq!(at.index(), t);
            }
            (p, d) => prop_assert!(false, "path {:?} but oracle distance {:?}", p.map(|p| p.len()), d),
        }
    }
}

#[test]
fn a_model_goes_back_to_a_builder_and_is_saved_atomically() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../models/te24.json"
    ))
    .expect("te24");
    let te24 = Model::from_json_str(&src).expect("valid");
    let again = te24.to_builder().build().expect("the same model");
    assert_eq!(again.to_canonical_json(), te24.to_canonical_json());

    let first = te24.elements().next().expect("an element").id().to_string();
    let without = te24.to_builder().remove_element(&first);
    let errors = match without.clone().build() {
        Ok(m) => {
            assert!(m.element(&first).is_none());
            0
        }
        Err(ecograph_core::Error::Invalid { diagnostics, .. }) => diagnostics.errors().count(),
        Err(e) => panic!("unexpected {e}"),
    };
    // Removing an element with children leaves them pointing at it: reported, not dropped.
    let children = te24.element(&first).expect("first").children().len();
    assert_eq!(errors > 0, children > 0);

    let dir = std::env::temp_dir().join(format!("ecograph-save-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("te24.json");
    te24.save(&path).expect("saved");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        te24.to_canonical_json()
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("te24.json")],
        "no temporary file is left"
    );
    let err = te24
        .save(dir.join("missing/te24.json"))
        .expect_err("no such directory");
    assert!(err.to_string().starts_with("cannot write `"), "{err}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn every_view_of_te24_round_trips_through_serde() {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../models/te24.json"
    ))
    .expect("te24");
    let te24 = Model::from_json_str(&src).expect("valid");
    assert!(!te24.views().is_empty());
    for v in te24.views() {
        let json = serde_json::to_string(v).expect("serialises");
        assert_eq!(json, v.to_json().to_string(), "{}", v.id);
        let back: ecograph_core::View = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(&back, v);
    }
    // A set's view (selectors by id) too.
    let set = ecograph_core::ElementSet::with_tag(&te24, "core").descendants();
    let v = ecograph_core::View::from_set("core", &set);
    let back: ecograph_core::View =
        serde_json::from_str(&serde_json::to_string(&v).expect("serialises")).expect("reads");
    assert_eq!(back, v);
}

#[test]
fn a_view_read_on_its_own_lists_every_problem() {
    let err = serde_json::from_str::<ecograph_core::View>(
        r#"{"id": "v", "include": [{"kind": "sytem"}], "relations": ["flw"], "direction": "RL", "colour": 1}"#,
    )
    .expect_err("invalid");
    let msg = err.to_string();
    for part in [
        "invalid view: ",
        "unknown element kind `sytem` at `include[0].kind`",
        "unknown relation kind `flw` at `relations[0]` (did you mean `flow`?)",
        "unknown direction `RL` at `direction`",
    ] {
        assert!(msg.contains(part), "{part} in {msg}");
    }
    let err =
        ecograph_core::View::from_json(&serde_json::json!({"include": []})).expect_err("no id");
    assert!(err.to_string().starts_with("invalid view: "), "{err}");
}

/// The canonical text as it was made before it was streamed: the whole model as one
/// `serde_json::Value`, pretty-printed, and a newline.
/// The JSON value printed, with the characters a terminal would act on as `\u` escapes.
fn value_form(m: &Model) -> String {
    let printed = serde_json::to_string_pretty(&m.to_json()).expect("a value prints");
    ecograph_core::term::json_safe(&printed).into_owned() + "\n"
}

#[test]
fn streamed_canonical_json_is_the_json_value_printed() {
    let te24 = Model::from_json_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../models/te24.json"
        ))
        .expect("te24"),
    )
    .expect("valid");
    let mut streamed = Vec::new();
    te24.write_canonical_json(&mut streamed)
        .expect("into a Vec");
    assert_eq!(
        String::from_utf8(streamed).expect("utf-8"),
        value_form(&te24)
    );
    assert_eq!(te24.to_canonical_json(), value_form(&te24));
    // Empty lists, no views, a `$schema`, texts in several languages and characters
    // JSON escapes.
    for src in [
        r#"{"ecograph": 1, "elements": []}"#,
        r#"{"$schema": "s.json", "ecograph": 1, "name": {"fi": "N\u0007\u202e", "en": "n"},
            "languages": ["fi", "en"], "elements": [{"id": "a", "kind": "group",
            "name": {"fi": "\"A\"", "en": "A"}, "tags": ["t"], "properties": {"k": "v"}}],
            "views": [{"id": "v", "include": [{"kind": "group"}], "legend": false}]}"#,
    ] {
        let m = Model::from_json_str(src).expect("valid");
        assert_eq!(m.to_canonical_json(), value_form(&m), "{src}");
        assert!(!m.to_canonical_json().contains('\u{202e}'));
    }
}

/// A long list is written on two threads, in runs of items: the text is the same as
/// the JSON value printed, at every run's edge too.
#[test]
fn long_lists_written_on_two_threads_are_the_json_value_printed() {
    let n = 10_000;
    let elements: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "e{i}", "kind": "group", "name": "E \"{i}\"\u0007"}}"#))
        .collect();
    let relations: Vec<String> = (1..n)
        .map(|i| {
            format!(
                r#"{{"kind": "linked", "from": "e{}", "to": "e{i}"}}"#,
                i - 1
            )
        })
        .collect();
    let src = format!(
        r#"{{"ecograph": 1, "elements": [{}], "relations": [{}]}}"#,
        elements.join(","),
        relations.join(",")
    );
    let m = Model::from_json_str(&src).expect("valid");
    let text = m.to_canonical_json();
    assert_eq!(text, value_form(&m));
    assert_eq!(
        Model::from_json_str(&text).expect("valid").relation_count(),
        n - 1
    );
}
