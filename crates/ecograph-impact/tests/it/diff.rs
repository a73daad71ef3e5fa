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
    assert_eq!(d.to_text(), "no differences\n");
}

/// The model's own fields and its views are compared too, but pass no impact on: the
/// change set stays empty.
#[test]
fn model_fields_and_views_are_compared() {
    let mut v = base();
    v["views"] = json!([
        { "id": "all", "title": "Kaikki" },
        { "id": "systems", "include": [{ "kind": "system" }] },
        { "id": "old" }
    ]);
    let old = model(&v);
    v["name"] = json!({ "fi": "Malli", "en": "Model" });
    v["languages"] = json!(["fi", "en", "sv"]);
    v["views"] = json!([
        { "id": "all", "title": "Kaikki" },
        { "id": "new", "direction": "LR" },
        { "id": "systems", "include": [{ "kind": "system" }, { "kind": "data" }], "legend": false }
    ]);
    let new = model(&v);
    let d = diff(&old, &new).lang("en");
    assert!(d.is_empty(), "elements and relations are the same");
    assert!(!d.is_identical());
    assert!(d.change_set().is_empty());
    let fields: Vec<&str> = d.model_fields().iter().map(|f| f.field).collect();
    assert_eq!(fields, ["name", "languages"]);
    assert_eq!(d.model_fields()[0].old, Value::Null);
    assert_eq!(d.model_fields()[1].new, json!(["fi", "en", "sv"]));
    let ids = |vs: &[&ecograph_core::View]| vs.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(d.views_added()), ["new"]);
    assert_eq!(ids(d.views_removed()), ["old"]);
    assert_eq!(d.views_modified().len(), 1);
    let m = &d.views_modified()[0];
    assert_eq!(m.new.id, "systems");
    let fields: Vec<&str> = m.fields.iter().map(|f| f.field).collect();
    assert_eq!(fields, ["include", "legend"]);
    assert_eq!(
        m.fields[1].old,
        Value::Null,
        "a field at its default is null"
    );
    assert_eq!(m.fields[1].new, json!(false));
    let text = d.to_text();
    assert!(
        text.ends_with(
            "model:\n    name: (none) -> {\"fi\":\"Malli\",\"en\":\"Model\"}\n    languages: [\"fi\",\"en\"] -> [\"fi\",\"en\",\"sv\"]\n\
             views: 1 added, 1 removed, 1 modified\n+ view `new`\n- view `old`\n~ view `systems`\n    \
             include: [{\"kind\":\"system\"}] -> [{\"kind\":\"system\"},{\"kind\":\"data\"}]\n    legend: (none) -> false\n"
        ),
        "{text}"
    );
    let j = d.to_json();
    assert_eq!(j["summary"]["model_modified"], json!(true));
    assert_eq!(j["views"]["added"], json!([{ "id": "new" }]));
    assert_eq!(j["views"]["removed"], json!([{ "id": "old" }]));
    assert_eq!(
        j["views"]["modified"][0]["changes"][1]["field"],
        json!("legend")
    );
    assert_eq!(diff(&new, &new).to_text(), "no differences\n");
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
    let d = diff(&old, &new).lang("en");
    insta::assert_snapshot!("diff_text", d.to_text());
    insta::assert_json_snapshot!("diff_json", d.to_json());
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

/// A relation of the random models: kind (uses, flow), ends, carried data, label, id.
#[derive(Debug, Clone)]
struct Rel {
    flow: bool,
    from: usize,
    to: usize,
    data: usize,
    label: usize,
    id: Option<String>,
}

const SYSTEMS: usize = 4;

fn rel_json(r: &Rel) -> Value {
    let mut v = json!({
        "kind": if r.flow { "flow" } else { "uses" },
        "from": format!("s{}", r.from),
        "to": format!("s{}", r.to),
    });
    if r.flow {
        v["data"] = match r.data % 3 {
            0 => json!(["d0"]),
            1 => json!(["d1"]),
            _ => json!(["d0", "d1"]),
        };
    }
    if r.label > 0 {
        v["label"] = json!(format!("L{}", r.label));
    }
    if let Some(id) = &r.id {
        v["id"] = json!(id);
    }
    v
}

fn rels_model(rels: &[Rel]) -> Model {
    let mut elements: Vec<Value> = (0..SYSTEMS)
        .map(|i| json!({ "id": format!("s{i}"), "kind": "system", "name": format!("S{i}") }))
        .collect();
    elements.push(json!({ "id": "d0", "kind": "data", "name": "D0" }));
    elements.push(json!({ "id": "d1", "kind": "data", "name": "D1" }));
    model(&json!({
        "ecograph": 1,
        "elements": elements,
        "relations": rels.iter().map(rel_json).collect::<Vec<_>>(),
    }))
}

fn rel_strategy() -> impl Strategy<Value = Rel> {
    (
        any::<bool>(),
        0..SYSTEMS,
        1..SYSTEMS,
        0usize..3,
        0usize..3,
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(flow, from, step, data, label, id)| Rel {
            flow,
            from,
            to: (from + step) % SYSTEMS,
            data,
            label,
            id: id.then(String::new),
        })
}

/// The pairing of docs/impact.md, written directly: relations with an id pair by id; the
/// k-th old relation without an id pairs with the k-th new one of the same kind, ends
/// and data. Returns (old index, new index) pairs in old order.
fn oracle_pairs(old: &[Rel], new: &[Rel]) -> Vec<(usize, usize)> {
    let key = |r: &Rel| (r.flow, r.from, r.to, if r.flow { r.data } else { 0 });
    let mut used = vec![false; new.len()];
    let mut pairs = Vec::new();
    for (i, o) in old.iter().enumerate() {
        let hit = match &o.id {
            Some(id) => new.iter().position(|n| n.id.as_ref() == Some(id)),
            None => {
                let k = old[..i]
                    .iter()
                    .filter(|x| x.id.is_none() && key(x) == key(o))
                    .count();
                new.iter()
                    .enumerate()
                    .filter(|(_, n)| n.id.is_none() && key(n) == key(o))
                    .nth(k)
                    .map(|(j, _)| j)
            }
        };
        if let Some(j) = hit {
            used[j] = true;
            pairs.push((i, j));
        }
    }
    pairs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Relations are paired as documented, whatever the edits: removals, insertions,
    /// relabelling, moved ends of relations with an id, and a block moved elsewhere
    /// (which ends the stretch that both files list in the same order).
    #[test]
    fn relations_pair_as_documented(
        mut old in proptest::collection::vec(rel_strategy(), 0..24),
        edits in proptest::collection::vec((0usize..6, 0usize..64, rel_strategy()), 0..8),
        rotate in (0usize..24, 0usize..24),
    ) {
        for (i, r) in old.iter_mut().enumerate() {
            if r.id.is_some() {
                r.id = Some(format!("r{i}"));
            }
        }
        let mut new = old.clone();
        for (j, (op, at, mut r)) in edits.into_iter().enumerate() {
            let len = new.len();
            match op {
                0 if len > 0 => {
                    new.remove(at % len);
                }
                1 => {
                    r.id = r.id.map(|_| format!("n{j}"));
                    new.insert(at % (len + 1), r);
                }
                2 if len > 0 => new[at % len].label = (new[at % len].label + 1) % 3,
                3 if len > 0 && new[at % len].id.is_some() => {
                    let x = &mut new[at % len];
                    x.to = (x.to + 1) % SYSTEMS;
                    if x.to == x.from {
                        x.to = (x.to + 1) % SYSTEMS;
                    }
                }
                4 if len > 0 => {
                    // A duplicate of an existing relation, without an id.
                    let mut dup = new[at % len].clone();
                    dup.id = None;
                    new.insert((at / 2) % (len + 1), dup);
                }
                _ => {}
            }
        }
        if !new.is_empty() {
            let (a, b) = (rotate.0 % new.len(), rotate.1 % new.len());
            let (a, b) = (a.min(b), a.max(b));
            new[a..=b].rotate_left(1);
        }
        let (om, nm) = (rels_model(&old), rels_model(&new));
        let d = diff(&om, &nm);
        let pairs = oracle_pairs(&old, &new);

        let removed: Vec<usize> = (0..old.len()).filter(|i| !pairs.iter().any(|p| p.0 == *i)).collect();
        let added: Vec<usize> = (0..new.len()).filter(|j| !pairs.iter().any(|p| p.1 == *j)).collect();
        let mut modified: Vec<(usize, usize)> = pairs
            .iter()
            .copied()
            .filter(|&(i, j)| {
                let (o, n) = (&old[i], &new[j]);
                o.label != n.label || o.from != n.from || o.to != n.to || o.flow != n.flow
                    || (o.flow && o.data != n.data)
            })
            .collect();
        modified.sort_by_key(|p| p.1);

        let got_removed: Vec<usize> = d.relations_removed().iter().map(|r| r.index()).collect();
        let got_added: Vec<usize> = d.relations_added().iter().map(|r| r.index()).collect();
        let got_modified: Vec<(usize, usize)> = d
            .relations_modified()
            .iter()
            .map(|m| (m.old.index(), m.new.index()))
            .collect();
        prop_assert_eq!(got_removed, removed);
        prop_assert_eq!(got_added, added);
        prop_assert_eq!(got_modified, modified);
    }
}

/// A flow carries a set of data: writing it in another order changes nothing, with or
/// without an id, and a change set may name it in any order.
#[test]
fn the_order_of_a_flows_data_is_no_difference() {
    let mut v = base();
    v["elements"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "d2", "kind": "data", "name": "D2" }));
    v["relations"][0]["data"] = json!(["d", "d2"]);
    v["relations"][0]["label"] = json!("back");
    let mut with_id = v.clone();
    with_id["relations"][0]["id"] = json!("f");
    for old in [v, with_id] {
        let mut new = old.clone();
        new["relations"][0]["data"] = json!(["d2", "d"]);
        let (m_old, m_new) = (model(&old), model(&new));
        let d = diff(&m_old, &m_new);
        assert!(d.is_empty(), "{}", d.to_text());
        new["relations"][0]["label"] = json!("back2");
        let (old, new) = (model(&old), model(&new));
        let d = diff(&old, &new);
        assert!(d.relations_added().is_empty() && d.relations_removed().is_empty());
        assert_eq!(d.relations_modified().len(), 1, "{}", d.to_text());
        let fields: Vec<&str> = d.relations_modified()[0]
            .fields
            .iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["label"]);
    }
}
