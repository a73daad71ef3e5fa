//! The pull-request Markdown: snapshots, escaping, bounds, and every Mermaid block it
//! writes rendered by the real Mermaid.

use crate::{hostile_model, te24};
use ecograph_core::Model;
use ecograph_impact::{Change, ChangeSet, Options, analyze, diff};
use ecograph_report::markdown::{Limits, diff_markdown, impact_markdown};

fn removed(model: &Model, id: &str, lang: &str) -> String {
    let mut set = ChangeSet::new();
    set.push(Change::removed(id));
    let impact = analyze(model, &set, &Options::default().lang(lang)).unwrap();
    impact_markdown(
        model,
        &impact,
        &Limits::default().rows(8).nodes(10).lang(lang),
    )
}

/// TE24 with Työmarkkinatori's EURES flow gone, a system renamed and one added.
fn te24_edited() -> Model {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/te24.json"),
    )
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&src).unwrap();
    let rels = json["relations"].as_array_mut().unwrap();
    rels.retain(|r| !(r["from"] == "tmt" && r["to"] == "eures-portaali"));
    let els = json["elements"].as_array_mut().unwrap();
    for e in els.iter_mut() {
        if e["id"] == "uma" {
            e["name"]["en"] = "Migri case management | UMA".into();
        }
    }
    els.push(serde_json::json!({
        "id": "tmt-api", "kind": "system", "parent": null,
        "name": { "fi": "Työmarkkinatorin rajapinta", "en": "Job Market Finland API" }
    }));
    if let Some(o) = els.last_mut().and_then(|e| e.as_object_mut()) {
        o.remove("parent");
    }
    Model::from_json_str(&json.to_string()).unwrap()
}

fn mermaid_blocks(md: &str) -> Vec<String> {
    md.split("```mermaid\n")
        .skip(1)
        .map(|rest| rest.split("\n```").next().unwrap().to_owned())
        .collect()
}

#[test]
fn impact_markdown_of_removing_tyomarkkinatori() {
    let md = removed(&te24(), "tmt", "en");
    assert!(md.contains("_… and "), "the table is bounded");
    insta::assert_snapshot!(md);
}

#[test]
fn diff_markdown_of_an_edited_te24() {
    let old = te24();
    let new = te24_edited();
    let d = diff(&old, &new).lang("en");
    let md = diff_markdown(&d, &Limits::default().lang("en"));
    assert!(md.contains("Migri case management \\| UMA"));
    insta::assert_snapshot!(md);
}

#[test]
fn hostile_names_are_inert_in_markdown() {
    let model = hostile_model();
    let md = removed(&model, "javascript:alert", "en");
    let table: String = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
        .collect::<Vec<_>>()
        .join("\n");
    // Every `<`, `[`, `(` and `|` of a name is backslash-escaped: no tag, link or cell.
    for c in ['<', '>', '[', ']', '(', ')'] {
        for (i, _) in table.match_indices(c) {
            assert!(table[..i].ends_with('\\'), "a bare `{c}` at {i} in {table}");
        }
    }
    insta::assert_snapshot!(md);
}

#[test]
fn every_mermaid_block_renders_in_mermaid() {
    let old = te24();
    let new = te24_edited();
    let d = diff(&old, &new).lang("en");
    let outputs = [
        removed(&te24(), "tmt", "en"),
        removed(&te24(), "tmt", "fi"),
        diff_markdown(&d, &Limits::default()),
        removed(&hostile_model(), "javascript:alert", "en"),
    ];
    let blocks: Vec<String> = outputs.iter().flat_map(|m| mermaid_blocks(m)).collect();
    assert_eq!(blocks.len(), outputs.len(), "one diagram per summary");
    let svgs = ecograph_testkit::mermaid::render_all_ok(&blocks);
    // The hostile names show as written in Mermaid's drawing.
    let hostile = &svgs[3];
    assert!(
        hostile
            .labels
            .iter()
            .any(|l| l.contains("<script>alert(1)</script>")),
        "{:?}",
        hostile.labels
    );
}

/// The path column is the analysis' witness path, hop for hop, also where an element
/// is reached in two modes: `Q` is the container of a removed part (modified, one hop)
/// and inside the removed `R` (removed, two hops); `Q2` is removed through `Q`'s
/// removal, three hops from `R`.
#[test]
fn the_path_column_is_the_witness_path_where_an_element_is_reached_in_two_modes() {
    let model = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "R", "kind": "system", "name": "R"},
            {"id": "P", "kind": "system", "name": "P", "parent": "R"},
            {"id": "Q", "kind": "system", "name": "Q", "parent": "P"},
            {"id": "Q1", "kind": "system", "name": "Q1", "parent": "Q"},
            {"id": "Q2", "kind": "system", "name": "Q2", "parent": "Q"}]}"#,
    )
    .unwrap();
    let mut set = ChangeSet::new();
    set.push(Change::removed("R"));
    set.push(Change::removed("Q1"));
    let impact = analyze(&model, &set, &Options::default()).unwrap();
    let md = impact_markdown(&model, &impact, &Limits::default());
    for a in impact.affected() {
        let path = a.path();
        let (tail, whole) = a.path_tail(8);
        assert!(whole);
        assert_eq!(tail.len(), path.len());
        assert_eq!(path.len(), a.distance(), "{}", a.element().id());
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` ", a.element().id())))
            .unwrap_or_else(|| panic!("{md}"));
        let mut want = format!("`{}`", path[0].from().id());
        for h in &path {
            let arrow = if h.direction() == ecograph_core::Direction::Incoming {
                "←parent─"
            } else {
                "─parent→"
            };
            want.push_str(&format!(" {arrow} `{}`", h.to().id()));
        }
        assert!(row.ends_with(&format!("| {want} |")), "{row}\n{md}");
    }
    let q2 = md.lines().find(|l| l.starts_with("| `Q2` ")).unwrap();
    assert!(
        q2.ends_with("| `R` ←parent─ `P` ←parent─ `Q` ←parent─ `Q2` |"),
        "{q2}"
    );
}

/// A delay's summary says what it does to the dates: the broken deadline first, then
/// what moved; a summary without a delay has no schedule section.
#[test]
fn a_delays_summary_shows_the_broken_deadline_and_what_moved() {
    let model = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "org", "kind": "actor", "name": "Org"},
            {"id": "prog", "kind": "task", "name": "Prog", "start": "2024-01", "end": "2024-12"},
            {"id": "b", "kind": "task", "name": "B", "parent": "prog", "start": "2024-04", "end": "2024-06"},
            {"id": "d", "kind": "task", "name": "D", "parent": "prog", "start": "2024-07", "end": "2024-12"}],
          "relations": [
            {"kind": "responsible", "from": "org", "to": "prog"},
            {"kind": "depends_on", "from": "d", "to": "b"}]}"#,
    )
    .unwrap();
    let delay = "1m".parse().unwrap();
    let mut set = ChangeSet::new();
    set.push(Change::delayed("b", delay));
    let impact = analyze(&model, &set, &Options::default()).unwrap();
    let md = impact_markdown(&model, &impact, &Limits::default());
    assert!(
        md.contains("\n#### Schedule\n\n**3 moved, 0 absorbed, 1 deadline broken**\n"),
        "{md}"
    );
    assert!(
        md.contains("| finish | `prog` | 2024-12-31 | 2025-01-31 | 31 days |"),
        "{md}"
    );
    assert!(
        md.contains("| `d` | task | 2024-12-31 | 2025-01-31 | 31 days |"),
        "{md}"
    );
    let mut set = ChangeSet::new();
    set.push(Change::modified("b"));
    let impact = analyze(&model, &set, &Options::default()).unwrap();
    assert!(!impact_markdown(&model, &impact, &Limits::default()).contains("Schedule"));
}

/// A relation whose label changed draws its two ends for context, unmarked: they did
/// not change. And the diagram counts each element once.
#[test]
fn a_changed_relations_ends_are_drawn_unmarked_and_counted_once() {
    let json = |label: &str| {
        format!(
            r#"{{"ecograph": 1, "elements": [
                {{"id": "a", "kind": "system", "name": "A"}},
                {{"id": "b", "kind": "system", "name": "B"}}],
              "relations": [{{"kind": "uses", "from": "a", "to": "b", "label": "{label}"}}]}}"#
        )
    };
    let (old, new) = (
        Model::from_json_str(&json("reads")).unwrap(),
        Model::from_json_str(&json("writes")).unwrap(),
    );
    let d = diff(&old, &new);
    let md = diff_markdown(&d, &Limits::default().nodes(1));
    let block = mermaid_blocks(&md).concat();
    assert!(block.contains("e_a["), "{md}");
    // No highlight at all: no mark in the legend, no mark colour on a node.
    assert!(!block.contains("#ff7f0e"), "{md}");
    // Two elements, one drawn: counted once each.
    assert!(
        md.contains("_The diagram shows the first 1 of 2 elements._"),
        "{md}"
    );
}
