//! Queries over a small hand-made model.

use ecograph_core::{
    Direction, ElementKind, Model, ModelBuilder, NewElement, NewRelation, RelationKind, Status,
    Text,
};

const MODEL: &str = r#"{
  "ecograph": 1,
  "languages": ["fi", "en"],
  "elements": [
    { "id": "state", "kind": "actor", "name": { "fi": "Valtio", "en": "State" } },
    { "id": "keha", "kind": "actor", "name": { "fi": "KEHA-keskus", "en": "KEHA Centre" }, "parent": "state" },
    { "id": "tmt", "kind": "system", "name": { "fi": "Työmarkkinatori", "en": "Job Market Finland" }, "tags": ["mandatory-use"] },
    { "id": "eures", "kind": "system", "name": { "fi": "EURES-portaali", "en": "EURES portal" } },
    { "id": "vac", "kind": "data", "name": { "fi": "Avoimet työpaikat", "en": "Open vacancies" } },
    { "id": "ra", "kind": "task", "name": { "fi": "Viitearkkitehtuuri", "en": "Reference architecture" }, "status": "in_progress" },
    { "id": "ra.A", "kind": "task", "name": { "fi": "Hallintamalli", "en": "Governance model" }, "parent": "ra", "status": "done", "end": "2023-06" },
    { "id": "ra.B", "kind": "task", "name": { "fi": "Ekosysteemi", "en": "Ecosystem" }, "parent": "ra", "status": "not_started" },
    { "id": "ra.A.1", "kind": "task", "name": { "fi": "Runko", "en": "Frame" }, "parent": "ra.A" }
  ],
  "relations": [
    { "kind": "responsible", "from": "keha", "to": "tmt" },
    { "kind": "flow", "from": "tmt", "to": "eures", "data": ["vac"] },
    { "kind": "responsible", "from": "state", "to": "ra" },
    { "kind": "depends_on", "from": "ra.B", "to": "ra.A", "lag": "2w" },
    { "kind": "concerns", "from": "ra.B", "to": "tmt" }
  ]
}"#;

fn model() -> Model {
    Model::from_json_str(MODEL).expect("valid")
}

fn ids<'m>(it: impl Iterator<Item = ecograph_core::Element<'m>>) -> Vec<String> {
    it.map(|e| e.id().to_string()).collect()
}

#[test]
fn elements_by_kind_tag_and_status() {
    let m = model();
    assert_eq!(
        ids(m.elements_of_kind(ElementKind::System)),
        ["tmt", "eures"]
    );
    assert_eq!(ids(m.elements_with_tag("mandatory-use")), ["tmt"]);
    assert_eq!(ids(m.tasks_with_status(Status::Done)), ["ra.A"]);
    assert_eq!(ids(m.search("työ")), ["tmt", "vac"]);
    // Without the accents, or in capitals, the same.
    assert_eq!(ids(m.search("tyo")), ["tmt", "vac"]);
    assert_eq!(ids(m.search("TYÖMARKKINA")), ["tmt"]);
    assert_eq!(ids(m.search("PORTAL")), ["eures"]);
}

#[test]
fn containment_subtree_and_ancestors() {
    let m = model();
    let ra = m.element("ra").expect("ra");
    assert_eq!(ids(ra.children()), ["ra.A", "ra.B"]);
    assert_eq!(ids(ra.descendants()), ["ra.A", "ra.A.1", "ra.B"]);
    let leaf = m.element("ra.A.1").expect("leaf");
    assert_eq!(ids(leaf.ancestors()), ["ra.A", "ra"]);
    assert_eq!(leaf.depth(), 2);
    assert_eq!(ids(m.roots()), ["state", "tmt", "eures", "vac", "ra"]);
}

#[test]
fn depth_counts_ancestors_on_a_deep_chain_listed_children_first() {
    // g0 contains g1 contains … g{N-1}, written deepest first so that every parent comes
    // after its child in the file: depths are computed once, not by walking up per call.
    const N: usize = 20_000;
    let mut b = ModelBuilder::new();
    for i in (0..N).rev() {
        let mut e = NewElement::new(format!("g{i}"), ElementKind::Group, Text::plain("g"));
        if i > 0 {
            e = e.parent(format!("g{}", i - 1));
        }
        b = b.element(e);
    }
    let m = b.build().expect("valid");
    for e in m.elements() {
        let i: usize = e.id().as_str()[1..].parse().expect("a number");
        assert_eq!(e.depth(), i, "{}", e.id());
    }
    // A brute-force check on the small model: depth is the number of ancestors.
    let small = model();
    for e in small.elements() {
        assert_eq!(e.depth(), e.ancestors().count(), "{}", e.id());
    }
}

#[test]
fn views_are_found_by_id_among_many_in_any_order() {
    // Ids written out of sorted order, some a prefix of others (`v1`, `v10`, `v100`).
    let mut src = String::from(
        r#"{"ecograph": 1, "elements": [{"id": "s", "kind": "system", "name": "S"}], "views": ["#,
    );
    let ids: Vec<String> = (0..500).rev().map(|i| format!("v{i}")).collect();
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            src.push(',');
        }
        src.push_str(&format!(
            r#"{{"id": "{id}", "title": "T{id}", "include": [{{"id": "s"}}]}}"#
        ));
    }
    src.push_str("]}");
    let m = Model::from_json_str(&src).expect("valid");
    assert_eq!(m.views().len(), 500);
    for id in &ids {
        let v = m.view(id).unwrap_or_else(|| panic!("view {id}"));
        assert_eq!(&v.id, id);
        // The same view as a scan in file order finds.
        let scanned = m.views().iter().find(|v| &v.id == id).expect("listed");
        assert!(std::ptr::eq(v, scanned), "{id}");
    }
    for missing in ["v500", "v", "v01", "", "w1", "v1 "] {
        assert!(m.view(missing).is_none(), "{missing:?}");
    }
}

#[test]
fn relations_filtered_by_kind_and_direction() {
    let m = model();
    let tmt = m.element("tmt").expect("tmt");
    let out: Vec<_> = tmt
        .outgoing()
        .map(|r| (r.kind(), r.to().id().to_string()))
        .collect();
    assert_eq!(out, [(RelationKind::Flow, "eures".to_owned())]);
    let inc: Vec<_> = tmt.incoming().map(|r| r.from().id().to_string()).collect();
    assert_eq!(inc, ["keha", "ra.B"]);
    assert_eq!(tmt.incoming_of(RelationKind::Concerns).count(), 1);
    let flow = tmt.outgoing_of(RelationKind::Flow).next().expect("flow");
    assert_eq!(ids(flow.data_carried()), ["vac"]);
    assert_eq!(
        ids(m
            .element("vac")
            .expect("vac")
            .carried_by()
            .map(|r| r.from())),
        ["tmt"]
    );
    let dep = m
        .relations_of_kind(RelationKind::DependsOn)
        .next()
        .expect("dep");
    assert_eq!(dep.lag().map(|l| l.to_string()), Some("2w".into()));
}

#[test]
fn neighbours_to_depth_n() {
    let m = model();
    let tmt = m.element("tmt").expect("tmt");
    let near: Vec<_> = m
        .neighbours(tmt, 1, &[], Direction::Both)
        .map(|(e, d)| (e.id().to_string(), d))
        .collect();
    assert_eq!(
        near,
        [("keha".into(), 1), ("eures".into(), 1), ("ra.B".into(), 1)]
    );
    let two: Vec<_> = m
        .neighbours(tmt, 2, &[], Direction::Both)
        .map(|(e, d)| (e.id().to_string(), d))
        .collect();
    assert!(two.contains(&("ra.A".into(), 2)), "{two:?}");
    let flows: Vec<_> = m
        .neighbours(tmt, 5, &[RelationKind::Flow], Direction::Outgoing)
        .map(|(e, _)| e.id().to_string())
        .collect();
    assert_eq!(flows, ["eures"]);
}

#[test]
fn shortest_path_names_its_relations() {
    let m = model();
    let (keha, eures) = (
        m.element("keha").expect("keha"),
        m.element("eures").expect("eures"),
    );
    let p = m
        .shortest_path(keha, eures, &[], Direction::Outgoing)
        .expect("path");
    let hops: Vec<_> = p
        .steps()
        .iter()
        .map(|s| {
            (
                s.source().id().to_string(),
                s.relation().kind(),
                s.target().id().to_string(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("keha".into(), RelationKind::Responsible, "tmt".into()),
            ("tmt".into(), RelationKind::Flow, "eures".into())
        ]
    );
    assert!(
        m.shortest_path(eures, keha, &[], Direction::Outgoing)
            .is_none()
    );
    let back = m
        .shortest_path(eures, keha, &[], Direction::Both)
        .expect("undirected");
    assert!(back.steps().iter().all(|s| !s.is_forward()));
}

#[test]
fn texts_resolve_with_fallback() {
    let m = model();
    let tmt = m.element("tmt").expect("tmt");
    assert_eq!(tmt.name().resolve(Some("en")), "Job Market Finland");
    assert_eq!(tmt.name().resolve(None), "Työmarkkinatori");
    assert_eq!(tmt.name().resolve(Some("sv")), "Työmarkkinatori");
    assert_eq!(m.default_language(), "fi");
}

#[test]
fn builder_applies_the_same_validation() {
    let err = ModelBuilder::new()
        .element(NewElement::new(
            "keha",
            ElementKind::Actor,
            Text::plain("KEHA"),
        ))
        .relation(NewRelation::new(RelationKind::Responsible, "keha", "tmtt"))
        .build()
        .expect_err("unknown element");
    let ecograph_core::Error::Invalid { diagnostics, .. } = err else {
        panic!("expected Invalid")
    };
    let d = diagnostics.errors().next().expect("an error");
    assert_eq!(d.code(), "unknown-element");
    assert_eq!(d.path(), "relations[0].to");
    assert_eq!(d.file(), Some("<builder>"));

    let m = ModelBuilder::new()
        .languages(["fi", "en"])
        .element(
            NewElement::new(
                "t",
                ElementKind::Task,
                Text::translated([("fi", "Tehtävä"), ("en", "Task")]),
            )
            .status(Status::InProgress),
        )
        .element(NewElement::new(
            "a",
            ElementKind::Actor,
            Text::translated([("fi", "Toimija"), ("en", "Actor")]),
        ))
        .relation(NewRelation::new(RelationKind::Responsible, "a", "t"))
        .build()
        .expect("valid");
    assert_eq!(
        m.element("t").and_then(|t| t.status()),
        Some(Status::InProgress)
    );
    assert!(m.warnings().is_empty(), "{}", m.warnings());
}
