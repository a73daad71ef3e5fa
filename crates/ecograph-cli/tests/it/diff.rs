//! `ecograph diff`.

use crate::support::{repo_file, run};

fn small() -> String {
    repo_file("crates/ecograph-impact/tests/fixtures/small.json")
}

#[test]
fn diff_of_two_versions() {
    let dir = crate::support::scratch("diff", "cli");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(small()).unwrap()).unwrap();
    let els = v["elements"].as_array_mut().unwrap();
    els.retain(|e| e["id"] != "d1");
    els[3]["name"]["en"] = "Job Market".into(); // tmt, renamed
    els[4]["parent"] = "palvelut".into(); // tmt.api, moved
    let rels = v["relations"].as_array_mut().unwrap();
    rels.retain(|r| r["to"] != "d1");
    rels.push(serde_json::json!({ "kind": "uses", "from": "kohtaanto", "to": "tmt" }));
    v["name"] = serde_json::json!({ "fi": "Pieni malli", "en": "Small model" });
    v["views"] = serde_json::json!([{ "id": "systems", "include": [{ "kind": "system" }] }]);
    let new = dir.join("new.json");
    std::fs::write(&new, v.to_string()).unwrap();
    let (old, new) = (small(), new.to_str().unwrap().to_owned());
    let o = run(&["diff", &old, &new, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("diff_text", String::from_utf8_lossy(&o.stdout));
    let o = run(&["diff", &old, &new, "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_json_snapshot!("diff_json", j);
    let o = run(&["diff", &old, &new, "--change-set"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        j["changes"][0],
        serde_json::json!({ "change": "removed", "element": "d1" })
    );
    let o = run(&["diff", &old, &old]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "no differences\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn both_sides_from_standard_input_is_a_usage_error() {
    let o = run(&["diff", "-", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        crate::support::stderr(&o),
        "error: OLD and NEW are both `-`: standard input can be read only once; give one of them as a file\n"
    );
}
