//! Model diff through the public API.

use ecograph_core::Model;
use ecograph_impact::{ChangeKind, Subject, diff};
use proptest::prelude::*;
use serde_json::{Value, json};

fn model(v: &Value) -> Model {
    Model::from_json_str(&v.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn base() -> Value {
    json!({
        "ecograph": 1,
        "languages": ["fi", "en"],
        "elements": [
            { "id": "g", "kind": "group", "name": "Ryhmä" },
            { "id": "h", "kind": "group", "name": "Toinen" },
            { "id": "a", "kind": "system", "name": { "fi": "A-järjestelmä", "en": "System A" }, "parent": "g" },
            { "id": "b", "kind": "system", "name": "B", "tags": ["x"] },
            { "id": "d", "kind": "data", "name": "D" },
            { "id": "t", "kind": "task", "name": "T", "status": "not_started", "start": "2025", "end": "2025-H2" },
            { "id": "u", "kind": "task", "name": "U" }
        ],
        "relations": [
            { "kind": "flow", "from": "a", "to": "b", "data": ["d"] },
            { "id": "dep", "kind": "depends_on", "from": "u", "to": "t", "lag": "2w" },
            { "kind": "linked", "from": "a", "to": "t" }
        ]
    })
}

#[test]
fn identical_models_have_no_differences() {
    let m = model(&base());
    let d = diff(&m, &m);
    assert!(d.is_empty());
    assert!(d.change_set().is_empty());
    assert_eq!(d.to_text(None), "no differences\n");
}

#[test]
fn renaming_and_moving_are_modifications() {
    let old = model(&base());
    let mut v = base();
    v["elements"][2]["name"] = json!({ "fi": "A-järjestelmä", "en": "System A2" });
    v["elements"][2]["parent"] = json!("h");
    let new = model(&v);
    let d = diff(&old, &new);
    assert!(d.added().is_empty() && d.removed().is_empty());
    assert_eq!(d.modified().len(), 1);
    let fields: Vec<&str> = d.modified()[0].fields.iter().map(|f| f.field).collect();
    assert_eq!(fields, ["name", "parent"]);
    assert_eq!(d.modified()[0].fields[1].old, json!("g"));
    assert_eq!(d.modified()[0].fields[1].new, json!("h"));
    let set = d.change_set();
    let c: Vec<(ChangeKind, &Subject)> = set.iter().map(|c| (c.kind(), c.subject())).collect();
    assert_eq!(c, [(ChangeKind::Modified, &Subject::Element("a".into()))]);
}

#[test]
fn every_kind_of_difference_is_reported() {
    let old = model(&base());
    let mut v = base();
    let els = v["elements"].as_array_mut().unwrap();
    els.retain(|e| e["id"] != "b");
    els.push(json!({ "id": "c", "kind": "system", "name": "C" }));
    els[4]["status"] = json!("in_progress"); // t
    els[4]["end"] = json!("2026");
    let rels = v["relations"].as_array_mut().unwrap();
    rels[0] = json!({ "kind": "flow", "from": "a", "to": "c", "data": ["d"] });
    rels[1]["lag"] = json!("4w");
    rels.push(json!({ "kind": "uses", "from": "u", "to": "c" }));
    let new = model(&v);
    let d = diff(&old, &new);
    insta::assert_snapshot!("diff_text", d.to_text(Some("en")));
    insta::assert_json_snapshot!("diff_json", d.to_json(Some("en")));
    insta::assert_json_snapshot!("diff_change_set", d.change_set().to_json());
}

#[test]
fn relations_with_an_id_keep_their_identity_when_their_ends_move() {
    let old = model(&base());
    let mut v = base();
    v["elements"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "w", "kind": "task", "name": "W" }));
    v["relations"][1]["from"] = json!("w");
    let new = model(&v);
    let d = diff(&old, &new);
    assert!(d.relations_added().is_empty() && d.relations_removed().is_empty());
    assert_eq!(d.relations_modified().len(), 1);
    assert_eq!(d.relations_modified()[0].fields[0].field, "from");
    // For the impact analysis: the old form is removed, the new one added.
    let kinds: Vec<ChangeKind> = d.change_set().iter().map(|c| c.kind()).collect();
    assert_eq!(
        kinds,
        [ChangeKind::Added, ChangeKind::Removed, ChangeKind::Added]
    );
}

#[test]
fn duplicate_relations_without_an_id_are_paired_in_file_order() {
    let mut v = base();
    let dup = v["relations"][2].clone();
    v["relations"].as_array_mut().unwrap().push(dup);
    let old = model(&v);
    let new = model(&base());
    let d = diff(&old, &new);
    assert_eq!(d.relations_removed().len(), 1);
    assert_eq!(d.relations_removed()[0].index(), 3);
}

proptest! {
    /// Removing random elements (and their relations) is found exactly.
    #[test]
    fn removed_elements_are_found(mask in proptest::collection::vec(any::<bool>(), 7)) {
        let old = model(&base());
        let mut v = base();
        let ids: Vec<String> = v["elements"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        let gone: Vec<&String> = ids.iter().zip(&mask).filter(|(_, m)| **m).map(|(i, _)| i).collect();
        let keep = |id: &Value| !gone.iter().any(|g| id == g.as_str());
        v["elements"].as_array_mut().unwrap().retain(|e| keep(&e["id"]) && (e.get("parent").is_none() || keep(&e["parent"])));
        let left: Vec<String> = v["elements"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
        let alive = |id: &Value| left.iter().any(|l| id == l.as_str());
        v["relations"].as_array_mut().unwrap().retain(|r| alive(&r["from"]) && alive(&r["to"]) && r.get("data").is_none_or(|d| d.as_array().unwrap().iter().all(alive)));
        let new = model(&v);
        let d = diff(&old, &new);
        let removed: Vec<String> = d.removed().iter().map(|e| e.id().to_string()).collect();
        let want: Vec<String> = ids.iter().filter(|i| !left.contains(i)).cloned().collect();
        prop_assert_eq!(removed, want);
        prop_assert!(d.added().is_empty());
        prop_assert_eq!(d.relations_removed().len() + new.relation_count(), old.relation_count());
        // And back again.
        let back = diff(&new, &old);
        prop_assert_eq!(back.added().len(), d.removed().len());
        prop_assert_eq!(back.relations_added().len(), d.relations_removed().len());
    }
}
