//! Impact analysis through the public API: fixtures, error messages, reports, and a
//! brute-force oracle on random models.

use ecograph_core::Direction;
use ecograph_core::{ElementKind, Model, RelationKind};
use ecograph_impact::{
    Change, ChangeKind, ChangeSet, Confidence, Effect, Error, Link, Options, RelationRef, Rule,
    Rules, StopAt, analyze, analyze_since, why,
};
use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};

fn fixture(name: &str) -> Model {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn te24() -> Model {
    let path = format!("{}/../../models/te24.json", env!("CARGO_MANIFEST_DIR"));
    Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn set(changes: impl IntoIterator<Item = Change>) -> ChangeSet {
    changes.into_iter().collect()
}

/// `id confidence distance` for every affected element, in report order.
fn summary(model: &Model, changes: &ChangeSet, options: &Options) -> Vec<String> {
    let impact = analyze(model, changes, options).unwrap();
    impact
        .affected()
        .map(|a| format!("{} {} {}", a.element().id(), a.confidence(), a.distance()))
        .collect()
}

#[test]
fn removed_system_reaches_users_contents_and_work_that_concerns_it() {
    let m = fixture("small.json");
    let got = summary(&m, &set([Change::removed("tmt")]), &Options::default());
    assert_eq!(
        got,
        [
            "palvelut certain 1",
            "tmt.api certain 1",
            "haku certain 1",
            "eures certain 2",
            "kohtaanto certain 2",
            "t1 certain 2",
            "ohjelma certain 3",
            "t2 certain 3",
            "d1 certain 3",
            "kela potential 3",
        ]
    );
}

#[test]
fn contents_of_a_removed_container_count_as_removed() {
    let m = fixture("small.json");
    let impact = analyze(&m, &set([Change::removed("tmt")]), &Options::default()).unwrap();
    assert_eq!(impact.get("tmt.api").unwrap().effect(), Effect::Removed);
    assert_eq!(impact.get("haku").unwrap().effect(), Effect::Modified);
}

#[test]
fn flow_carrying_modified_data_affects_both_ends() {
    let m = fixture("small.json");
    let got = summary(
        &m,
        &set([Change::modified("paikat")]),
        &Options::default().follow([Link::Data]),
    );
    assert_eq!(got, ["tmt.api certain 1", "eures certain 1"]);
}

#[test]
fn removed_actor_leaves_its_roles_work_and_flows_without_their_party() {
    let m = fixture("small.json");
    let impact = analyze(&m, &set([Change::removed("ely")]), &Options::default()).unwrap();
    for id in ["kehittaja", "tmt", "ohjelma"] {
        let a = impact
            .get(id)
            .unwrap_or_else(|| panic!("{id} not affected"));
        assert_eq!(
            (a.confidence(), a.distance()),
            (Confidence::Certain, 1),
            "{id}"
        );
    }
}

#[test]
fn delayed_task_reaches_dependents_outputs_and_parent() {
    let m = fixture("small.json");
    let by = "6w".parse::<ecograph_core::Duration>().unwrap();
    let got = summary(&m, &set([Change::delayed("t1", by)]), &Options::default());
    assert_eq!(
        got[..3],
        ["ohjelma certain 1", "t2 certain 1", "d1 certain 1"]
    );
}

#[test]
fn delayed_task_reports_how_far_the_plan_moves() {
    let m = fixture("small.json");
    let by = "6w".parse::<ecograph_core::Duration>().unwrap();
    let impact = analyze(&m, &set([Change::delayed("t1", by)]), &Options::default()).unwrap();
    let report = impact.schedule().expect("a delay").expect("t1 is dated");
    let moved: Vec<(String, Option<String>, Option<String>, i64)> = report
        .moved()
        .iter()
        .map(|x| {
            (
                x.element.id().to_string(),
                x.old_end.map(|d| d.to_string()),
                x.new_end.map(|d| d.to_string()),
                x.shift_days,
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            (
                "t1".into(),
                Some("2024-12-31".into()),
                Some("2025-02-11".into()),
                42
            ),
            (
                "d1".into(),
                Some("2024-12-31".into()),
                Some("2025-02-11".into()),
                42
            ),
        ]
    );
    // Affected elements that move carry their slip; the slack of `ohjelma` absorbs it.
    assert_eq!(impact.get("d1").unwrap().slip_days(), Some(42));
    assert_eq!(impact.get("ohjelma").unwrap().slip_days(), None);
    let json = impact.to_json();
    assert_eq!(json["schedule"]["moved"][0]["shift_days"], 42);
    assert_eq!(json["affected"][2]["slip_days"], 42);
    // No delay, no schedule.
    let removed = analyze(&m, &set([Change::removed("tmt")]), &Options::default()).unwrap();
    assert!(removed.schedule().is_none());
    assert!(removed.to_json().get("schedule").is_none());
}

#[test]
fn delay_the_schedule_cannot_date_keeps_the_structural_impact() {
    let m = Model::from_json_str(
        r#"{ "ecograph": 1,
             "elements": [ { "id": "a", "kind": "task", "name": "A" },
                           { "id": "b", "kind": "task", "name": "B" } ],
             "relations": [ { "kind": "depends_on", "from": "b", "to": "a" } ] }"#,
    )
    .unwrap();
    let by = "2m".parse::<ecograph_core::Duration>().unwrap();
    let impact = analyze(&m, &set([Change::delayed("a", by)]), &Options::default()).unwrap();
    let err = impact.schedule().expect("a delay").unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `a` has no start and no end, so it is unscheduled"
    );
    assert_eq!(impact.get("b").unwrap().distance(), 1);
    assert_eq!(impact.get("b").unwrap().slip_days(), None);
    assert!(impact.to_text().ends_with(
        "\nschedule: the delays cannot be dated: task `a` has no start and no end, so it is unscheduled\n"
    ));
}

#[test]
fn depth_stop_at_and_certain_only_limit_propagation() {
    let m = fixture("small.json");
    let c = set([Change::removed("tmt")]);
    assert_eq!(summary(&m, &c, &Options::default().depth(1)).len(), 3);
    assert_eq!(summary(&m, &c, &Options::default().depth(0)).len(), 0);
    let stopped = summary(
        &m,
        &c,
        &Options::default().stop_at([StopAt::Id("tmt.api".into())]),
    );
    assert!(stopped.contains(&"tmt.api certain 1".to_owned()));
    assert!(!stopped.iter().any(|s| s.starts_with("eures")));
    let certain = summary(&m, &c, &Options::default().certain_only(true));
    assert!(!certain.iter().any(|s| s.starts_with("kela")));
    let skipped = summary(
        &m,
        &c,
        &Options::default().skip([Link::Relation(RelationKind::Linked)]),
    );
    assert_eq!(skipped, certain);
}

#[test]
fn changed_elements_are_not_listed_but_pass_impact_on() {
    let m = fixture("small.json");
    let got = summary(
        &m,
        &set([Change::removed("tmt"), Change::modified("haku")]),
        &Options::default(),
    );
    assert!(!got.iter().any(|s| s.starts_with("haku ")));
    assert!(got.contains(&"kohtaanto certain 1".to_owned()));
}

#[test]
fn each_affected_element_names_the_changes_its_shortest_paths_start_at() {
    let m = fixture("small.json");
    let c = set([Change::modified("tmt.api"), Change::modified("haku")]);
    let impact = analyze(&m, &c, &Options::default()).unwrap();
    let changes = |id: &str| impact.get(id).unwrap().change_indices();
    assert_eq!(changes("eures"), [0]);
    assert_eq!(changes("kohtaanto"), [1]);
    // tmt.api -> tmt (parent) and haku <- tmt? No: tmt is reached from tmt.api only.
    assert_eq!(changes("tmt"), [0]);
}

#[test]
fn relation_change_affects_the_far_end_by_the_rules() {
    let m = fixture("small.json");
    let r = RelationRef::key(RelationKind::Uses, "kohtaanto", "haku");
    let c = set([Change::relation(r, ChangeKind::Removed).unwrap()]);
    let impact = analyze(&m, &c, &Options::default().depth(1)).unwrap();
    let ids: Vec<String> = impact
        .affected()
        .map(|a| a.element().id().to_string())
        .collect();
    assert_eq!(ids, ["kohtaanto"]);
    let path = impact.get("kohtaanto").unwrap().path();
    assert_eq!(path.len(), 1);
    assert_eq!(path[0].from().id().as_str(), "haku");
    assert_eq!(
        path[0].relation().map(|r| r.kind()),
        Some(RelationKind::Uses)
    );
}

/// A relation named by its ends alone (`FROM->TO` on the command line), or by kind and
/// ends without the data a flow carries, is the one relation that fits; none or several
/// are errors that say which.
#[test]
fn relations_named_by_their_ends() {
    let m = fixture("small.json");
    let parse = |s: &str| RelationRef::parse_arrow(s).map(|r| r.unwrap());
    assert_eq!(parse("tmt"), None);
    let flow = parse("tmt.api->eures").unwrap();
    let c = set([Change::relation(flow, ChangeKind::Modified).unwrap()]);
    let impact = analyze(&m, &c, &Options::default().depth(1)).unwrap();
    let path = impact.get("eures").unwrap().path();
    assert_eq!(path[0].relation().and_then(|r| r.id()), Some("f1"));
    // By kind and ends, without the data it carries: the same flow.
    let keyed = RelationRef::key(RelationKind::Flow, "tmt.api", "eures");
    let c2 = set([Change::relation(keyed, ChangeKind::Modified).unwrap()]);
    assert_eq!(
        summary(&m, &c, &Options::default()),
        summary(&m, &c2, &Options::default())
    );
    // `KIND:` picks among several relations; a kind that is not one is part of the id.
    assert_eq!(
        parse("uses:kohtaanto->haku"),
        Some(RelationRef::Between {
            kind: Some(RelationKind::Uses),
            from: "kohtaanto".into(),
            to: "haku".into()
        })
    );
    assert!(
        matches!(parse("x:a->b"), Some(RelationRef::Between { kind: None, ref from, .. }) if from == "x:a")
    );
    assert!(RelationRef::parse_arrow("a->").unwrap().is_err());

    let err = |r: RelationRef| {
        analyze(
            &m,
            &set([Change::relation(r, ChangeKind::Removed).unwrap()]),
            &Options::default(),
        )
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        err(parse("haku->tmt").unwrap()),
        "no relation from `haku` to `tmt` in the model; did you mean `tmt->haku`?"
    );
    assert_eq!(
        err(parse("uses:tmt->haku").unwrap()),
        "no relation `uses` from `tmt` to `haku` in the model; did you mean `provides:tmt->haku`?"
    );

    let two = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
              {"id": "a", "kind": "system", "name": "A"}, {"id": "b", "kind": "system", "name": "B"},
              {"id": "d", "kind": "data", "name": "D"}],
            "relations": [
              {"kind": "flow", "from": "a", "to": "b", "data": ["d"]},
              {"id": "u", "kind": "uses", "from": "a", "to": "b"}]}"#,
    )
    .unwrap();
    let e = analyze(
        &two,
        &set([Change::relation(parse("a->b").unwrap(), ChangeKind::Modified).unwrap()]),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::AmbiguousRelation { .. }));
    assert_eq!(
        e.to_string(),
        "from `a` to `b` names 2 relations: `flow` carrying `d`, `u` (uses); name one as KIND:FROM->TO, or by `id` or `data` in a change set file"
    );
    let one = analyze(
        &two,
        &set([Change::relation(parse("uses:a->b").unwrap(), ChangeKind::Modified).unwrap()]),
        &Options::default(),
    )
    .unwrap();
    assert_eq!(
        one.get("a").unwrap().path()[0]
            .relation()
            .and_then(|r| r.id()),
        Some("u")
    );
}

#[test]
fn rules_file_overrides_the_default_table() {
    let rules = Rules::from_json_str(
        r#"{"rules": [{"change": "any", "relation": "linked", "direction": "both", "confidence": "none"},
                      {"change": "modified", "relation": "participates", "direction": "backward", "confidence": "potential"}]}"#,
    )
    .unwrap();
    assert_eq!(
        rules.get(
            ChangeKind::Removed,
            Link::Relation(RelationKind::Linked),
            Direction::Outgoing
        ),
        None
    );
    assert_eq!(
        rules.get(
            ChangeKind::Modified,
            Link::Relation(RelationKind::Participates),
            Direction::Incoming
        ),
        Some(Rule::new(
            ChangeKind::Modified,
            Link::Relation(RelationKind::Participates),
            Direction::Incoming,
            Confidence::Potential
        ))
    );
    let m = fixture("small.json");
    let got = summary(
        &m,
        &set([Change::modified("t2")]),
        &Options::default().rules(rules),
    );
    assert!(got.contains(&"kela potential 1".to_owned()));
}

#[test]
fn default_rules_round_trip_through_json() {
    let rules = Rules::default();
    let text = serde_json::to_string(&rules.to_json()).unwrap();
    assert_eq!(Rules::from_json_str(&text).unwrap(), rules);
}

#[test]
fn bad_inputs_are_errors_with_suggestions() {
    let m = fixture("small.json");
    let err = |c: ChangeSet, o: Options| analyze(&m, &c, &o).unwrap_err().to_string();
    assert_eq!(
        err(set([Change::removed("tmtt")]), Options::default()),
        "unknown element `tmtt` in the change set; did you mean `tmt`?"
    );
    assert_eq!(
        err(
            set([Change::delayed(
                "tmt",
                "1w".parse::<ecograph_core::Duration>().unwrap()
            )]),
            Options::default()
        ),
        "`tmt` is of kind `system`, not a task: only tasks can be delayed"
    );
    assert_eq!(
        err(
            set([Change::relation(RelationRef::Id("f2".into()), ChangeKind::Removed).unwrap()]),
            Options::default()
        ),
        "no relation `f2` in the model; did you mean `f1`?"
    );
    assert_eq!(
        err(
            set([Change::removed("tmt")]),
            Options::default().stop_at([StopAt::parse("tag:nope")])
        ),
        "no element has the tag `nope`"
    );
    assert_eq!(
        "6x".parse::<ecograph_core::Duration>()
            .unwrap_err()
            .to_string(),
        "invalid duration `6x`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`"
    );
    assert_eq!(
        Link::from_name("usess").unwrap_err().suggestion(),
        Some("uses")
    );
}

#[test]
fn change_set_files_are_parsed_and_checked() {
    let ok = ChangeSet::from_json_str(
        r#"{"changes": [
            {"change": "removed", "element": "tmt"},
            {"change": "delayed", "element": "t1", "by": "6w"},
            {"change": "added", "relation": {"kind": "flow", "from": "a", "to": "b", "data": ["d"]}},
            {"change": "removed", "relation": {"id": "f1"}}
        ]}"#,
    )
    .unwrap();
    assert_eq!(ok.len(), 4);
    assert_eq!(
        ChangeSet::from_json_str(&ok.to_json().to_string()).unwrap(),
        ok
    );
    let cases = [
        (
            r#"{"changes": [{"change": "removd", "element": "x"}]}"#,
            "invalid change set: changes[0]: unknown change `removd`; did you mean `removed`?",
        ),
        (
            r#"{"changes": [{"change": "delayed", "element": "x"}]}"#,
            "invalid change set: changes[0]: a `delayed` change needs `by`, a duration such as `6w`",
        ),
        (
            r#"{"changes": [{"change": "removed"}]}"#,
            "invalid change set: changes[0]: a change needs an `element` or a `relation`",
        ),
        (
            r#"{"changes": [{"change": "delayed", "relation": {"id": "r"}, "by": "1w"}]}"#,
            "invalid change set: changes[0]: `by` is only for `delayed` changes",
        ),
        (
            r#"{"changes": [{"change": "removed", "relation": {"kind": "flw", "from": "a", "to": "b"}}]}"#,
            "invalid change set: changes[0]: unknown relation kind `flw`; did you mean `flow`?",
        ),
        (
            r#"{"changes": [{"change": "removed", "relation": {"from": "a", "to": "b", "data": ["d"]}}]}"#,
            "invalid change set: changes[0]: a relation named by the `data` it carries needs its `kind` too (`flow`)",
        ),
        (
            r#"{"changes": [{"change": "removed", "relation": {"from": "a"}}]}"#,
            "invalid change set: changes[0]: a relation without `id` needs `from` and `to` (and `kind` when several join them)",
        ),
        (
            r#"{"changez": []}"#,
            "invalid change set: unknown field `changez`, expected `changes` at line 1 column 10",
        ),
    ];
    for (src, msg) in cases {
        assert_eq!(
            ChangeSet::from_json_str(src).unwrap_err().to_string(),
            msg,
            "{src}"
        );
    }
}

#[test]
fn since_traces_a_removed_element_through_the_relations_it_had() {
    let old = fixture("small.json");
    let json = std::fs::read_to_string(format!(
        "{}/tests/fixtures/small.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut v2 = v.clone();
    // Remove `haku` and every relation touching it.
    v2["elements"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != "haku");
    v2["relations"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["from"] != "haku" && r["to"] != "haku");
    let new = Model::from_json_str(&v2.to_string()).unwrap();
    let impact = analyze_since(&old, &new, &ChangeSet::new(), &Options::default()).unwrap();
    let a = impact.get("kohtaanto").expect("used the removed service");
    assert_eq!((a.confidence(), a.distance()), (Confidence::Certain, 1));
    assert_eq!(a.path()[0].from().id().as_str(), "haku");
}

#[test]
fn why_lists_every_shortest_path_or_where_impact_stops() {
    let m = fixture("small.json");
    let e = why(
        &m,
        "tmt",
        "kohtaanto",
        ChangeKind::Removed,
        &Options::default().lang("en"),
    )
    .unwrap();
    insta::assert_snapshot!("why_tmt_kohtaanto", e.to_text());
    let e = why(
        &m,
        "kohtaanto",
        "tmt",
        ChangeKind::Modified,
        &Options::default().lang("en"),
    )
    .unwrap();
    insta::assert_snapshot!("why_blocked", e.to_text());
    insta::assert_json_snapshot!("why_blocked_json", e.to_json());
}

#[test]
fn reports_are_stable_on_the_fixture() {
    let m = fixture("small.json");
    let by = "6w".parse::<ecograph_core::Duration>().unwrap();
    let c = set([Change::removed("tmt"), Change::delayed("t1", by)]);
    let impact = analyze(&m, &c, &Options::default().lang("en")).unwrap();
    insta::assert_snapshot!("small_text", impact.to_text());
    insta::assert_json_snapshot!("small_json", impact.to_json());
}

#[test]
fn te24_removing_tyomarkkinatori() {
    let m = te24();
    let c = set([Change::removed("tmt")]);
    let impact = analyze(&m, &c, &Options::default()).unwrap();
    insta::assert_snapshot!("te24_tmt_removed_text", impact.to_text());
    insta::assert_json_snapshot!("te24_tmt_removed_json", impact.to_json());
    let en = analyze(&m, &c, &Options::default().lang("en").certain_only(true)).unwrap();
    insta::assert_snapshot!("te24_tmt_removed_certain_en", en.to_text());
}

// ---------------------------------------------------------------------------------------
// The oracle: plain adjacency lists and breadth-first search with the default rules,
// written from docs/impact.md without the crate's internals.

const MODES: [&str; 4] = ["modified", "removed", "added", "delayed"];

/// (change, link, direction, confidence, then) for the default table.
fn default_rules() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    let mut v = Vec::new();
    let common = [
        ("uses", "backward", "certain"),
        ("flow", "forward", "certain"),
        ("data", "forward", "certain"),
        ("provides", "forward", "certain"),
        ("concerns", "backward", "certain"),
        ("depends_on", "backward", "certain"),
        ("produces", "forward", "certain"),
        ("parent", "forward", "certain"),
        ("concerns", "forward", "potential"),
        ("linked", "forward", "potential"),
        ("linked", "backward", "potential"),
    ];
    for c in ["modified", "removed", "added"] {
        for (l, d, conf) in common {
            v.push((c, l, d, conf, "modified"));
        }
    }
    for (l, d) in [
        ("flow", "backward"),
        ("plays", "forward"),
        ("responsible", "forward"),
        ("participates", "forward"),
    ] {
        v.push(("removed", l, d, "certain", "modified"));
    }
    v.push(("removed", "parent", "backward", "certain", "removed"));
    for (l, d, conf) in [
        ("depends_on", "backward", "certain"),
        ("produces", "forward", "certain"),
        ("parent", "forward", "certain"),
        ("linked", "forward", "potential"),
        ("linked", "backward", "potential"),
    ] {
        v.push(("delayed", l, d, conf, "modified"));
    }
    v
}

#[derive(Debug, Clone)]
struct Edge {
    to: usize,
    link: String,
    dir: &'static str,
    /// The relation's index, for relation changes; `None` for parent and data links.
    rel: Option<usize>,
}

fn adjacency(m: &Model) -> Vec<Vec<Edge>> {
    let mut adj = vec![Vec::new(); m.element_count()];
    for r in m.relations() {
        let (f, t) = (r.from().index(), r.to().index());
        let k = r.kind().as_str().to_owned();
        adj[f].push(Edge {
            to: t,
            link: k.clone(),
            dir: "forward",
            rel: Some(r.index()),
        });
        adj[t].push(Edge {
            to: f,
            link: k,
            dir: "backward",
            rel: Some(r.index()),
        });
        for d in r.data_carried() {
            for end in [f, t] {
                adj[d.index()].push(Edge {
                    to: end,
                    link: "data".into(),
                    dir: "forward",
                    rel: None,
                });
                adj[end].push(Edge {
                    to: d.index(),
                    link: "data".into(),
                    dir: "backward",
                    rel: None,
                });
            }
        }
    }
    for e in m.elements() {
        if let Some(p) = e.parent() {
            adj[e.index()].push(Edge {
                to: p.index(),
                link: "parent".into(),
                dir: "forward",
                rel: None,
            });
            adj[p.index()].push(Edge {
                to: e.index(),
                link: "parent".into(),
                dir: "backward",
                rel: None,
            });
        }
    }
    adj
}

#[derive(Debug, Clone)]
struct Opts {
    depth: Option<usize>,
    skip: Vec<String>,
    certain_only: bool,
    stop: Option<usize>,
}

/// (conf, then) for a rule that fires under the options.
fn fires(
    rules: &[(&str, &str, &str, &str, &str)],
    o: &Opts,
    mode: &str,
    link: &str,
    dir: &str,
    with_potential: bool,
) -> Option<(&'static str, usize)> {
    if o.skip.iter().any(|s| s == link) {
        return None;
    }
    rules
        .iter()
        .find(|r| r.0 == mode && r.1 == link && r.2 == dir)
        .filter(|r| r.3 == "certain" || (with_potential && !o.certain_only))
        .map(|r| {
            (
                if r.3 == "certain" {
                    "certain"
                } else {
                    "potential"
                },
                usize::from(r.4 == "removed"),
            )
        })
}

#[derive(Debug, Clone)]
enum OChange {
    Element(usize, usize),
    Relation(usize, usize),
}

/// Distance per (node, mode in {modified, removed}).
fn oracle_bfs(
    m: &Model,
    changes: &[OChange],
    o: &Opts,
    with_potential: bool,
) -> Vec<[Option<usize>; 2]> {
    let adj = adjacency(m);
    let rules = default_rules();
    let n = m.element_count();
    let mut dist = vec![[None; 2]; n];
    let mut queue = VecDeque::new();
    let depth = o.depth.unwrap_or(usize::MAX);
    for c in changes {
        if let OChange::Element(v, mode @ 0..=1) = *c
            && dist[v][mode].is_none()
        {
            dist[v][mode] = Some(0);
            queue.push_back((v, mode));
        }
    }
    let mut level1 = Vec::new();
    if depth > 0 {
        for c in changes {
            match *c {
                OChange::Element(v, mode @ 2..=3) => {
                    for e in &adj[v] {
                        if let Some((_, then)) =
                            fires(&rules, o, MODES[mode], &e.link, e.dir, with_potential)
                        {
                            level1.push((e.to, then));
                        }
                    }
                }
                OChange::Relation(r, mode) => {
                    let rel = m.relation_at(r).unwrap();
                    let (f, t) = (rel.from().index(), rel.to().index());
                    for (at, e) in adj[f]
                        .iter()
                        .map(|e| (f, e))
                        .chain(adj[t].iter().map(|e| (t, e)))
                    {
                        let own = e.rel == Some(r)
                            && ((at == f && e.dir == "forward")
                                || (at == t && e.dir == "backward"));
                        if own
                            && let Some((_, then)) =
                                fires(&rules, o, MODES[mode], &e.link, e.dir, with_potential)
                        {
                            level1.push((e.to, then));
                        }
                    }
                }
                OChange::Element(..) => {}
            }
        }
    }
    // Expand level 0 fully first (all their targets are at distance 1).
    let seeds: Vec<(usize, usize)> = queue.drain(..).collect();
    for &(v, mode) in &seeds {
        if depth == 0 {
            break;
        }
        for e in &adj[v] {
            if let Some((_, then)) = fires(&rules, o, MODES[mode], &e.link, e.dir, with_potential) {
                level1.push((e.to, then));
            }
        }
    }
    for (v, mode) in level1 {
        if dist[v][mode].is_none() {
            dist[v][mode] = Some(1);
            queue.push_back((v, mode));
        }
    }
    while let Some((v, mode)) = queue.pop_front() {
        let d = dist[v][mode].unwrap();
        if d >= depth || o.stop == Some(v) {
            continue;
        }
        for e in &adj[v] {
            if let Some((_, then)) = fires(&rules, o, MODES[mode], &e.link, e.dir, with_potential)
                && dist[e.to][then].is_none()
            {
                dist[e.to][then] = Some(d + 1);
                queue.push_back((e.to, then));
            }
        }
    }
    dist
}

/// id -> (confidence, distance) for every affected element.
fn oracle(m: &Model, changes: &[OChange], o: &Opts) -> HashMap<String, (Confidence, usize)> {
    let certain = oracle_bfs(m, changes, o, false);
    let all = oracle_bfs(m, changes, o, true);
    let changed: Vec<usize> = changes
        .iter()
        .filter_map(|c| match c {
            OChange::Element(v, _) => Some(*v),
            OChange::Relation(..) => None,
        })
        .collect();
    let mut out = HashMap::new();
    for e in m.elements() {
        let v = e.index();
        if changed.contains(&v) {
            continue;
        }
        let min = |d: [Option<usize>; 2]| d.iter().flatten().min().copied();
        if let Some(d) = min(certain[v]) {
            out.insert(e.id().to_string(), (Confidence::Certain, d));
        } else if let Some(d) = min(all[v]) {
            out.insert(e.id().to_string(), (Confidence::Potential, d));
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Case {
    json: String,
    changes: Vec<(usize, usize, bool)>,
    more: Vec<(usize, usize, bool)>,
    depth: Option<usize>,
    skip: Vec<usize>,
    certain_only: bool,
    stop: Option<usize>,
}

const KINDS: [ElementKind; 9] = [
    ElementKind::Actor,
    ElementKind::Role,
    ElementKind::Group,
    ElementKind::System,
    ElementKind::Data,
    ElementKind::Service,
    ElementKind::Process,
    ElementKind::Task,
    ElementKind::Deliverable,
];

/// A valid random model: kinds, parents and relations obey docs/format.md.
fn model_json(kinds: &[usize], parents: &[usize], rels: &[(usize, usize, usize, usize)]) -> String {
    let n = kinds.len();
    let mut elements = Vec::new();
    for i in 0..n {
        let kind = KINDS[kinds[i]];
        let mut e = serde_json::json!({ "id": format!("e{i}"), "kind": kind.as_str(), "name": format!("E{i}") });
        if i > 0 {
            let p = parents[i] % (i + 1);
            if p < i && (KINDS[kinds[p]] == kind || KINDS[kinds[p]] == ElementKind::Group) {
                e["parent"] = format!("e{p}").into();
            }
        }
        elements.push(e);
    }
    let mut relations = Vec::new();
    let datas: Vec<usize> = (0..n)
        .filter(|&i| KINDS[kinds[i]] == ElementKind::Data)
        .collect();
    for &(k, a, b, d) in rels {
        let kind = RelationKind::ALL[k % RelationKind::ALL.len()];
        let (f, t) = (a % n, b % n);
        if f == t
            || !kind.allowed_from().contains(&KINDS[kinds[f]])
            || !kind.allowed_to().contains(&KINDS[kinds[t]])
            || (kind == RelationKind::DependsOn && f < t)
        {
            continue;
        }
        let mut r = serde_json::json!({ "kind": kind.as_str(), "from": format!("e{f}"), "to": format!("e{t}") });
        if kind == RelationKind::Flow && !datas.is_empty() && d % 3 != 0 {
            r["data"] = serde_json::json!([format!("e{}", datas[d % datas.len()])]);
        }
        relations.push(r);
    }
    serde_json::json!({ "ecograph": 1, "elements": elements, "relations": relations }).to_string()
}

fn case() -> impl Strategy<Value = Case> {
    (2usize..13)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(0usize..9, n),
                proptest::collection::vec(0usize..16, n),
                proptest::collection::vec((0usize..10, 0usize..64, 0usize..64, 0usize..8), 0..40),
                proptest::collection::vec((0usize..64, 0usize..4, any::<bool>()), 1..4),
                proptest::collection::vec((0usize..64, 0usize..4, any::<bool>()), 0..3),
                proptest::option::of(0usize..4),
                proptest::collection::vec(0usize..12, 0..2),
                any::<bool>(),
                proptest::option::weighted(0.2, 0usize..64),
            )
        })
        .prop_map(
            |(kinds, parents, rels, changes, more, depth, skip, certain_only, stop)| Case {
                json: model_json(&kinds, &parents, &rels),
                changes,
                more,
                depth,
                skip,
                certain_only,
                stop,
            },
        )
}

/// Turns raw picks into valid changes: delays only on tasks, relation picks only when
/// the model has relations.
fn changes_of(m: &Model, picks: &[(usize, usize, bool)]) -> (ChangeSet, Vec<OChange>) {
    let mut set = ChangeSet::new();
    let mut o = Vec::new();
    let tasks: Vec<usize> = m
        .elements_of_kind(ElementKind::Task)
        .map(|e| e.index())
        .collect();
    for &(pick, kind, on_relation) in picks {
        if on_relation && m.relation_count() > 0 {
            let r = m.relation_at(pick % m.relation_count()).unwrap();
            let kind = [ChangeKind::Modified, ChangeKind::Removed, ChangeKind::Added][kind % 3];
            // Name the first relation with the same identity, as resolution does.
            let first = m
                .relations()
                .find(|x| {
                    x.kind() == r.kind()
                        && x.from() == r.from()
                        && x.to() == r.to()
                        && x.data_carried().eq(r.data_carried())
                })
                .unwrap();
            let rref = RelationRef::Key {
                kind: r.kind(),
                from: r.from().id().to_string(),
                to: r.to().id().to_string(),
                data: r.data_carried().map(|d| d.id().to_string()).collect(),
            };
            set.push(Change::relation(rref, kind).unwrap());
            o.push(OChange::Relation(first.index(), kind_index(kind)));
            continue;
        }
        if kind == 3 {
            if tasks.is_empty() {
                continue;
            }
            let t = tasks[pick % tasks.len()];
            let id = m.element_at(t).unwrap().id().to_string();
            set.push(Change::delayed(
                id,
                "1w".parse::<ecograph_core::Duration>().unwrap(),
            ));
            o.push(OChange::Element(t, 3));
            continue;
        }
        let v = pick % m.element_count();
        let id = m.element_at(v).unwrap().id().to_string();
        set.push(match kind {
            0 => Change::modified(id),
            1 => Change::removed(id),
            _ => Change::added(id),
        });
        o.push(OChange::Element(v, kind));
    }
    (set, o)
}

fn kind_index(k: ChangeKind) -> usize {
    match k {
        ChangeKind::Modified => 0,
        ChangeKind::Removed => 1,
        ChangeKind::Added => 2,
        _ => 3,
    }
}

fn options_of(m: &Model, c: &Case) -> (Options, Opts) {
    let links: Vec<Link> = Link::all().collect();
    let skip: Vec<Link> = c.skip.iter().map(|&i| links[i % links.len()]).collect();
    let stop = c.stop.map(|s| s % m.element_count());
    let mut options = Options::default()
        .skip(skip.clone())
        .certain_only(c.certain_only);
    if let Some(d) = c.depth {
        options = options.depth(d);
    }
    if let Some(s) = stop {
        options = options.stop_at([StopAt::Id(m.element_at(s).unwrap().id().to_string())]);
    }
    let o = Opts {
        depth: c.depth,
        skip: skip.iter().map(|l| l.as_str().to_owned()).collect(),
        certain_only: c.certain_only,
        stop,
    };
    (options, o)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn impact_matches_the_oracle(c in case()) {
        let m = Model::from_json_str(&c.json).unwrap();
        let (set, ochanges) = changes_of(&m, &c.changes);
        prop_assume!(!set.is_empty());
        let (options, o) = options_of(&m, &c);
        let impact = analyze(&m, &set, &options).unwrap();
        let want = oracle(&m, &ochanges, &o);
        let got: HashMap<String, (Confidence, usize)> = impact
            .affected()
            .map(|a| (a.element().id().to_string(), (a.confidence(), a.distance())))
            .collect();
        prop_assert_eq!(&got, &want);

        // An element counts as removed when the search of its confidence reaches its
        // removed state, whichever state is nearer.
        let (certain, all) = (oracle_bfs(&m, &ochanges, &o, false), oracle_bfs(&m, &ochanges, &o, true));
        for a in impact.affected() {
            let states = if a.confidence() == Confidence::Certain { &certain } else { &all };
            let removed = states[a.element().index()][1].is_some();
            prop_assert_eq!(a.effect() == Effect::Removed, removed, "{}", a.element().id());
        }

        // Nearest first, then file order.
        let order: Vec<(usize, usize)> = impact.affected().map(|a| (a.distance(), a.element().index())).collect();
        prop_assert!(order.windows(2).all(|w| w[0] < w[1]));

        // Each witness path exists in the model, obeys the rules and has the reported
        // length and confidence.
        let rules = default_rules();
        for a in impact.affected() {
            let path = a.path();
            prop_assert_eq!(path.len(), a.distance());
            prop_assert_eq!(path.last().map(|h| h.to()), Some(a.element()));
            let weakest = path.iter().map(|h| h.rule().expect("a witness path's rule").confidence).min();
            prop_assert_eq!(weakest, Some(a.confidence()));
            for (i, h) in path.iter().enumerate() {
                let r = h.rule().expect("a witness path's rule");
                prop_assert_eq!((r.link, r.direction), (h.link(), h.direction()));
                let (link, dir) = (r.link.as_str(), if r.direction == Direction::Outgoing { "forward" } else { "backward" });
                let rule = rules.iter().find(|x| x.0 == r.change.as_str() && x.1 == link && x.2 == dir);
                prop_assert!(rule.is_some(), "no such rule {:?}", r);
                let rule = rule.unwrap();
                prop_assert_eq!(rule.3, r.confidence.as_str());
                prop_assert!(!o.skip.iter().any(|s| s == link));
                if i > 0 {
                    prop_assert_eq!(path[i - 1].to(), h.from());
                    let then = if path[i - 1].rule().expect("a rule").then == Effect::Removed { "removed" } else { "modified" };
                    prop_assert_eq!(r.change.as_str(), then);
                    prop_assert!(o.stop != Some(h.from().index()));
                }
                // The hop exists in the model.
                let exists = match r.link {
                    Link::Parent => match r.direction {
                        Direction::Outgoing => h.from().parent() == Some(h.to()),
                        _ => h.to().parent() == Some(h.from()),
                    },
                    Link::Data => {
                        let r = h.relation().unwrap();
                        let (d, end) = match h.direction() {
                            Direction::Outgoing => (h.from(), h.to()),
                            _ => (h.to(), h.from()),
                        };
                        r.data_carried().any(|x| x == d) && (r.from() == end || r.to() == end)
                    }
                    Link::Relation(k) => {
                        let r = h.relation().unwrap();
                        r.kind() == k && match h.direction() {
                            Direction::Outgoing => r.from() == h.from() && r.to() == h.to(),
                            _ => r.to() == h.from() && r.from() == h.to(),
                        }
                    }
                    _ => false,
                };
                prop_assert!(exists, "hop {:?} is not in the model", h);
            }
            // The path starts at one of the element's changes.
            let first = &path[0];
            let starts = a.changes().any(|ch| match ch.subject() {
                ecograph_impact::Subject::Element(id) => id == first.from().id().as_str() && ch.kind() == first.rule().expect("a rule").change,
                ecograph_impact::Subject::Relation(_) => first.relation().is_some() && ch.kind() == first.rule().expect("a rule").change,
                _ => false,
            });
            prop_assert!(starts, "path of {} starts at none of its changes", a.element().id());
        }
    }

    #[test]
    fn adding_changes_never_shrinks_the_result(c in case()) {
        let m = Model::from_json_str(&c.json).unwrap();
        let (set, _) = changes_of(&m, &c.changes);
        let mut all = c.changes.clone();
        all.extend(c.more.iter().copied());
        let (bigger, _) = changes_of(&m, &all);
        let (options, _) = options_of(&m, &c);
        let small = analyze(&m, &set, &options).unwrap();
        let big = analyze(&m, &bigger, &options).unwrap();
        for a in small.affected() {
            if big.is_changed(a.element()) {
                continue;
            }
            let b = big.get(a.element().id().as_str());
            prop_assert!(b.is_some(), "{} lost", a.element().id());
            let b = b.unwrap();
            prop_assert!(
                b.confidence() > a.confidence()
                    || (b.confidence() == a.confidence() && b.distance() <= a.distance())
            );
        }
    }

    #[test]
    fn since_of_a_model_with_itself_changes_nothing(c in case()) {
        let m = Model::from_json_str(&c.json).unwrap();
        let impact = analyze_since(&m, &m, &ChangeSet::new(), &Options::default()).unwrap();
        prop_assert!(impact.is_empty());
        prop_assert!(impact.changes().is_empty());
    }
}

#[test]
fn errors_carry_suggestions() {
    let m = fixture("small.json");
    let e = analyze(
        &m,
        &set([Change::modified("kohtanto")]),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::UnknownElement { .. }));
    assert_eq!(e.suggestion(), Some("kohtaanto"));
}

const FLOW_CHAIN: &str = r#"{
  "ecograph": 1,
  "elements": [
    { "id": "a", "kind": "system", "name": "A" },
    { "id": "b", "kind": "system", "name": "B" },
    { "id": "c", "kind": "system", "name": "C" }
  ],
  "relations": [
    { "kind": "flow", "from": "a", "to": "b" },
    { "kind": "flow", "from": "b", "to": "c" }
  ]
}"#;

#[test]
fn why_blames_the_depth_limit_past_it() {
    let m = Model::from_json_str(FLOW_CHAIN).unwrap();
    let e = why(&m, "a", "c", ChangeKind::Modified, &Options::new().depth(1)).unwrap();
    assert_eq!(
        e.to_text(),
        "modified system `a` A does not affect system `c` C: the chain is longer than the depth limit of 1

a shortest chain of relations (ignoring the rules):
  system `a` A
  --flow--> system `b` B
  --flow--> system `c` C    <- impact stops here
"
    );
}

#[test]
fn why_blames_the_stop_element_on_the_way() {
    let m = Model::from_json_str(FLOW_CHAIN).unwrap();
    let options = Options::new().stop_at([StopAt::Id("b".into())]);
    let e = why(&m, "a", "c", ChangeKind::Modified, &options).unwrap();
    assert_eq!(
        e.to_text(),
        "modified system `a` A does not affect system `c` C: `b` is a stop element: impact stops there

a shortest chain of relations (ignoring the rules):
  system `a` A
  --flow--> system `b` B
  --flow--> system `c` C    <- impact stops here
"
    );
}

#[test]
fn an_ambiguous_relation_lists_ten_candidates_and_counts_the_rest() {
    let flows: Vec<String> = (0..25)
        .map(|i| format!(r#"{{ "kind": "flow", "from": "a", "to": "b", "id": "f{i:02}" }}"#))
        .collect();
    let m = Model::from_json_str(&format!(
        r#"{{ "ecograph": 1,
  "elements": [ {{ "id": "a", "kind": "system", "name": "A" }}, {{ "id": "b", "kind": "system", "name": "B" }} ],
  "relations": [ {} ] }}"#,
        flows.join(",")
    ))
    .unwrap();
    let r = RelationRef::parse_arrow("a->b").unwrap().unwrap();
    let c = ChangeSet::from_iter([Change::relation(r, ChangeKind::Modified).unwrap()]);
    let e = analyze(&m, &c, &Options::new()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "from `a` to `b` names 25 relations: `f00` (flow), `f01` (flow), `f02` (flow), `f03` (flow), `f04` (flow), \
`f05` (flow), `f06` (flow), `f07` (flow), `f08` (flow), `f09` (flow) and 15 more; \
name one as KIND:FROM->TO, or by `id` or `data` in a change set file"
    );
}

/// `via` is the last hop of the witness path; with `Paths::Full` the report carries the
/// path itself; following `via.from` back always reaches a changed element.
#[test]
fn via_is_the_last_hop_and_full_paths_are_the_witness_paths() {
    let m = te24();
    let c = set([Change::removed("tmt")]);
    let impact = analyze(&m, &c, &Options::new().paths(ecograph_impact::Paths::Full)).unwrap();
    let json = impact.to_json();
    let listed = json["affected"].as_array().unwrap();
    assert_eq!(listed.len(), impact.len());
    for (a, v) in impact.affected().zip(listed) {
        let path = a.path();
        let hops: Vec<serde_json::Value> = path
            .iter()
            .map(|h| serde_json::to_value(h).unwrap())
            .collect();
        assert_eq!(v["path"].as_array().unwrap(), &hops, "{}", a.element().id());
        assert_eq!(v["via"], hops[hops.len() - 1]);
        assert_eq!(a.via(), path.last().copied());
        // Back along `via` to a change, each hop leaving an affected or changed element.
        let mut at = a.element();
        for _ in 0..=m.element_count() {
            if impact.is_changed(at) {
                break;
            }
            let back = impact
                .get(at.id().as_str())
                .expect("affected")
                .via()
                .expect("a hop");
            assert_eq!(back.to(), at);
            at = back.from();
        }
        assert!(
            impact.is_changed(at),
            "{} leads back to {}",
            a.element().id(),
            at.id()
        );
    }
    let default = analyze(&m, &c, &Options::new()).unwrap().to_json();
    assert!(
        default["affected"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.get("path").is_none())
    );
}

/// A chain of 30,000 hops: `why` walks it without recursion.
#[test]
fn why_follows_a_path_of_thirty_thousand_hops() {
    let n = 30_000;
    let elements: Vec<String> = (0..n)
        .map(|i| format!(r#"{{ "id": "s{i}", "kind": "system", "name": "S{i}" }}"#))
        .collect();
    let relations: Vec<String> = (1..n)
        .map(|i| {
            format!(
                r#"{{ "kind": "flow", "from": "s{}", "to": "s{i}" }}"#,
                i - 1
            )
        })
        .collect();
    let m = Model::from_json_str(&format!(
        r#"{{ "ecograph": 1, "elements": [{}], "relations": [{}] }}"#,
        elements.join(","),
        relations.join(",")
    ))
    .unwrap();
    let e = why(&m, "s0", "s29999", ChangeKind::Modified, &Options::new()).unwrap();
    let ecograph_impact::Outcome::Affected {
        distance, paths, ..
    } = &e.outcome
    else {
        panic!("not affected: {:?}", e.outcome)
    };
    assert_eq!(*distance, n - 1);
    assert_eq!(paths.len(), 1);
    let ids: Vec<String> = paths[0].iter().map(|h| h.to().id().to_string()).collect();
    let expected: Vec<String> = (1..n).map(|i| format!("s{i}")).collect();
    assert_eq!(ids, expected);
}

/// A change set names a flow by its data in any order.
#[test]
fn a_flow_is_named_by_its_data_in_any_order() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "a", "kind": "system", "name": "A"},
            {"id": "b", "kind": "system", "name": "B"},
            {"id": "d", "kind": "data", "name": "D"},
            {"id": "d2", "kind": "data", "name": "D2"}],
          "relations": [{"kind": "flow", "from": "a", "to": "b", "data": ["d", "d2"]}]}"#,
    )
    .unwrap();
    let named = |data: [&str; 2]| {
        let r = RelationRef::Key {
            kind: RelationKind::Flow,
            from: "a".into(),
            to: "b".into(),
            data: data.map(str::to_owned).to_vec(),
        };
        summary(
            &m,
            &set([Change::relation(r, ChangeKind::Removed).unwrap()]),
            &Options::default(),
        )
    };
    let forward = named(["d", "d2"]);
    assert!(!forward.is_empty());
    assert_eq!(named(["d2", "d"]), forward);
}

/// The change set `diff --change-set` writes, given again with `--since`, changes
/// nothing: each of its changes is one the diff finds, and counts once.
#[test]
fn the_diffs_own_change_set_given_with_since_counts_once() {
    let old = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "g", "kind": "group", "name": "G"},
            {"id": "a", "kind": "system", "name": "A", "parent": "g"},
            {"id": "s", "kind": "service", "name": "S"}],
          "relations": [{"kind": "linked", "from": "s", "to": "g"}]}"#,
    )
    .unwrap();
    let new = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "s", "kind": "service", "name": "S2"},
            {"id": "n", "kind": "system", "name": "N"}],
          "relations": [{"kind": "uses", "from": "n", "to": "s"}]}"#,
    )
    .unwrap();
    let options = Options::default();
    let alone = analyze_since(&old, &new, &ChangeSet::new(), &options).unwrap();
    let written = ecograph_impact::diff(&old, &new).change_set();
    assert!(!written.is_empty());
    let again = analyze_since(&old, &new, &written, &options).unwrap();
    assert_eq!(again.to_json(), alone.to_json());
}

/// The container of a removed part that is itself inside a removed container counts as
/// removed, though its nearest witness path (from the part) makes it modified.
#[test]
fn an_element_inside_a_removed_container_counts_as_removed_whatever_is_nearer() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "R", "kind": "system", "name": "R"},
            {"id": "P", "kind": "system", "name": "P", "parent": "R"},
            {"id": "Q", "kind": "system", "name": "Q", "parent": "P"},
            {"id": "Q1", "kind": "system", "name": "Q1", "parent": "Q"},
            {"id": "Q2", "kind": "system", "name": "Q2", "parent": "Q"}]}"#,
    )
    .unwrap();
    let impact = analyze(
        &m,
        &set([Change::removed("R"), Change::removed("Q1")]),
        &Options::default(),
    )
    .unwrap();
    let q = impact.get("Q").unwrap();
    assert_eq!((q.distance(), q.effect()), (1, Effect::Removed));
    assert_eq!(
        q.via().map(|h| h.from().id().to_string()).as_deref(),
        Some("Q1")
    );
    assert_eq!(impact.get("Q2").unwrap().effect(), Effect::Removed);
}

/// `uses:x->c` names the relation from the element `uses:x` when there is one and no
/// element `x` (ids may hold `:`), instead of failing on `x`.
#[test]
fn an_arrow_whose_start_is_an_id_with_a_kind_prefix_names_that_element() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "uses:x", "kind": "system", "name": "X"},
            {"id": "c", "kind": "system", "name": "C"},
            {"id": "d", "kind": "process", "name": "D"}],
          "relations": [{"kind": "uses", "from": "uses:x", "to": "c"},
                        {"kind": "uses", "from": "d", "to": "uses:x"}]}"#,
    )
    .unwrap();
    let named = RelationRef::parse_arrow("uses:x->c").unwrap().unwrap();
    let set = set([Change::relation(named, ChangeKind::Removed).unwrap()]);
    // The user of `c` through the removed relation, then its own user.
    assert_eq!(
        summary(&m, &set, &Options::default()),
        ["uses:x certain 1", "d certain 2"]
    );
}
