//! View resolution: selectors, exclude, collapse with merged counts, default views and
//! the max-nodes suggestion.

use ecograph_core::{
    Collapse, Confidence, ElementKind, Model, RelationKind, Selector, Status, View,
};
use ecograph_render::{
    Diagram, Error, Highlight, Mark, Options, default_views, find_view, views_of,
};

/// The small fixture: every kind, containment three deep, flows, dependencies, views.
pub fn small() -> Model {
    Model::from_json_str(include_str!("fixtures/small.json")).expect("the fixture is valid")
}

fn view(include: Vec<Selector>) -> View {
    let mut v = View::new("test");
    v.include = include;
    v
}

/// The ids drawn, in order.
fn ids(model: &Model, v: &View) -> Vec<String> {
    let d = Diagram::new(model, v, &Options::default()).expect("resolves");
    d.nodes()
        .iter()
        .map(|n| n.element().id().to_string())
        .collect()
}

/// The lines drawn, as `from -kind-> to [label]`.
fn lines(d: &Diagram<'_>) -> Vec<String> {
    d.edges()
        .iter()
        .map(|e| {
            let from = d.nodes()[e.from()].element().id();
            let to = d.nodes()[e.to()].element().id();
            format!("{from} -{}-> {to} [{}]", e.kind(), e.label())
        })
        .collect()
}

#[test]
fn kind_selector_draws_every_element_of_the_kind() {
    let m = small();
    assert_eq!(
        ids(&m, &view(vec![Selector::Kind(ElementKind::System)])),
        ["tmt", "tmt.api", "tmt.ui", "eures"]
    );
}

#[test]
fn tag_id_and_status_selectors() {
    let m = small();
    assert_eq!(ids(&m, &view(vec![Selector::Tag("core".into())])), ["tmt"]);
    assert_eq!(ids(&m, &view(vec![Selector::Id("spec".into())])), ["spec"]);
    assert_eq!(
        ids(&m, &view(vec![Selector::Status(Status::Blocked)])),
        ["wp2"]
    );
    // Selectors add up.
    assert_eq!(
        ids(
            &m,
            &view(vec![
                Selector::Id("spec".into()),
                Selector::Tag("core".into())
            ])
        ),
        ["tmt", "spec"]
    );
}

#[test]
fn subtree_selector_draws_the_element_and_its_contents() {
    let m = small();
    assert_eq!(
        ids(&m, &view(vec![Selector::Subtree("platforms".into())])),
        ["platforms", "tmt", "tmt.api", "tmt.ui", "eures"]
    );
}

#[test]
fn around_selector_follows_relations_both_ways_to_the_depth() {
    let m = small();
    let around = |depth, relations: Vec<RelationKind>| {
        ids(
            &m,
            &view(vec![Selector::Around {
                id: "eures".into(),
                depth,
                relations,
            }]),
        )
    };
    assert_eq!(
        around(1, vec![]),
        ["ministry", "tmt.api", "tmt.ui", "eures"]
    );
    assert_eq!(
        around(1, vec![RelationKind::Flow]),
        ["tmt.api", "tmt.ui", "eures"]
    );
    assert_eq!(
        around(2, vec![]),
        [
            "ministry",
            "tmt.api",
            "tmt.ui",
            "eures",
            "vacancies",
            "prog",
            "wp2",
            "wp3"
        ]
    );
}

#[test]
fn exclude_removes_what_include_selected() {
    let m = small();
    let mut v = view(vec![Selector::Kind(ElementKind::System)]);
    v.exclude = vec![Selector::Subtree("tmt".into())];
    assert_eq!(ids(&m, &v), ["eures"]);
}

#[test]
fn relations_only_join_drawn_elements_of_the_listed_kinds() {
    let m = small();
    let v = m.view("systems").expect("in the fixture").clone();
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    assert_eq!(
        lines(&d),
        [
            "tmt.api -flow-> eures [Open vacancies]",
            "tmt.ui -flow-> eures [CVs]",
            "eures -flow-> tmt.api [Open vacancies]",
            "tmt.ui -uses-> vacancies []",
        ]
    );
}

#[test]
fn containment_nests_drawn_elements_in_their_nearest_drawn_ancestor() {
    let m = small();
    let d = Diagram::new(
        &m,
        &view(vec![Selector::Subtree("platforms".into())]),
        &Options::default(),
    )
    .expect("resolves");
    let parent = |id: &str| {
        let n = &d.nodes()[d.node_of(id).expect("drawn")];
        n.parent().map(|p| d.nodes()[p].element().id().to_string())
    };
    assert_eq!(parent("platforms"), None);
    assert_eq!(parent("tmt").as_deref(), Some("platforms"));
    assert_eq!(parent("tmt.api").as_deref(), Some("tmt"));
    // Without group_by_parent everything is top level.
    let mut flat = view(vec![Selector::Subtree("platforms".into())]);
    flat.group_by_parent = false;
    let d = Diagram::new(&m, &flat, &Options::default()).expect("resolves");
    assert!(
        d.nodes()
            .iter()
            .all(|n| n.parent().is_none() && !n.is_container())
    );
}

#[test]
fn collapsed_container_merges_its_relations_with_a_count() {
    let m = small();
    let mut v = view(vec![Selector::Subtree("platforms".into())]);
    v.collapse = Collapse {
        ids: vec!["tmt".into()],
        depth: None,
    };
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    let tmt = &d.nodes()[d.node_of("tmt").expect("drawn")];
    assert_eq!(tmt.hidden(), 2);
    assert!(!tmt.is_container());
    assert_eq!(tmt.label_lines(), ["Job Market Finland", "(+2)"]);
    assert_eq!(
        lines(&d),
        [
            "tmt -flow-> eures [×2]",
            "eures -flow-> tmt [Open vacancies]",
        ]
    );
    assert_eq!(d.edges()[0].count(), 2);
}

#[test]
fn collapse_depth_draws_deeper_elements_as_their_ancestor() {
    let m = small();
    let mut v = View::new("d0");
    v.collapse.depth = Some(0);
    let d = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    let drawn: Vec<_> = d
        .nodes()
        .iter()
        .map(|n| (n.element().id().to_string(), n.hidden()))
        .collect();
    assert_eq!(
        drawn,
        [
            ("ministry".to_owned(), 1),
            ("advisor".to_owned(), 0),
            ("platforms".to_owned(), 4),
            ("vacancies".to_owned(), 0),
            ("cvs".to_owned(), 0),
            ("matching".to_owned(), 0),
            ("hiring".to_owned(), 0),
            ("prog".to_owned(), 3),
            ("spec".to_owned(), 0),
        ]
    );
    // Dependencies between the collapsed work packages fall inside `prog` and vanish;
    // the two `concerns` from work packages to the platforms merge into one line.
    let l = lines(&d);
    assert!(
        l.contains(&"prog -concerns-> platforms [×2]".to_owned()),
        "{l:#?}"
    );
    assert!(!l.iter().any(|x| x.contains("depends_on")), "{l:#?}");
}

#[test]
fn linked_relations_merge_whatever_their_direction() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "a", "kind": "actor", "name": "A"},
            {"id": "b", "kind": "actor", "name": "B"}],
          "relations": [
            {"kind": "linked", "from": "a", "to": "b"},
            {"kind": "linked", "from": "b", "to": "a"}]}"#,
    )
    .expect("valid");
    let d = Diagram::new(&m, &View::new("v"), &Options::default()).expect("resolves");
    assert_eq!(lines(&d), ["a -linked-> b [×2]"]);
}

#[test]
fn labels_follow_the_chosen_language() {
    let m = small();
    let v = m.view("all").expect("in the fixture").clone();
    let fi = Diagram::new(&m, &v, &Options::default()).expect("resolves");
    let en = Diagram::new(&m, &v, &Options::default().lang("en")).expect("resolves");
    assert_eq!(fi.title(), "Kaikki");
    assert_eq!(en.title(), "Everything");
    let name = |d: &Diagram<'_>| {
        d.nodes()[d.node_of("ministry").expect("drawn")]
            .label_lines()
            .join(" ")
    };
    assert_eq!(name(&fi), "Ministeriö");
    assert_eq!(name(&en), "Ministry");
}

#[test]
fn a_model_without_views_gets_an_overview_and_one_view_per_top_level_group() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "languages": ["fi", "en"], "elements": [
            {"id": "ministry", "kind": "actor", "name": "Ministry"},
            {"id": "office", "kind": "actor", "name": "Office", "parent": "ministry"},
            {"id": "platforms", "kind": "group", "name": {"fi": "Alustat", "en": "Platforms"}},
            {"id": "tmt", "kind": "system", "name": "TMT", "parent": "platforms"},
            {"id": "eures", "kind": "system", "name": "EURES", "parent": "platforms"},
            {"id": "empty", "kind": "group", "name": "Empty"}],
          "relations": [{"kind": "flow", "from": "tmt", "to": "eures"}]}"#,
    )
    .expect("valid");
    let views = views_of(&m, 150);
    let ids: Vec<&str> = views.iter().map(|v| v.id.as_str()).collect();
    // `platforms` is the only root of kind `group`.
    assert_eq!(ids, ["overview", "platforms"]);
    assert_eq!(views[1].include, [Selector::Subtree("platforms".into())]);
    let d = Diagram::new(&m, &views[0], &Options::default().lang("en")).expect("resolves");
    assert_eq!(d.title(), "Overview");
    assert_eq!(d.nodes().len(), m.element_count());
    // `--view overview` finds the default view.
    assert_eq!(
        find_view(&m, "overview", &Options::default())
            .expect("found")
            .id,
        "overview"
    );
}

#[test]
fn without_group_roots_every_root_with_children_gets_a_view() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "a", "kind": "actor", "name": "A"},
            {"id": "a1", "kind": "actor", "name": "A1", "parent": "a"},
            {"id": "lone", "kind": "system", "name": "Lone"},
            {"id": "p", "kind": "task", "name": "P"},
            {"id": "p1", "kind": "task", "name": "P1", "parent": "p"}]}"#,
    )
    .expect("valid");
    let ids: Vec<String> = default_views(&m, 150).into_iter().map(|v| v.id).collect();
    assert_eq!(ids, ["overview", "a", "p"]);
}

/// A root with 10 children of 10 children each: 111 elements.
fn tree_model() -> Model {
    let mut elements = vec![r#"{"id": "root", "kind": "task", "name": "Root"}"#.to_owned()];
    for i in 0..10 {
        elements.push(format!(
            r#"{{"id": "c{i}", "kind": "task", "name": "C{i}", "parent": "root"}}"#
        ));
        for j in 0..10 {
            elements.push(format!(
                r#"{{"id": "c{i}.{j}", "kind": "task", "name": "C{i}.{j}", "parent": "c{i}"}}"#
            ));
        }
    }
    Model::from_json_str(&format!(
        r#"{{"ecograph": 1, "elements": [{}]}}"#,
        elements.join(",")
    ))
    .expect("valid")
}

#[test]
fn too_many_nodes_suggests_the_collapse_depth_that_fits() {
    let m = tree_model();
    let err = Diagram::new(&m, &View::new("all"), &Options::default().max_nodes(50))
        .expect_err("too big");
    assert_eq!(
        err.to_string(),
        "view `all` would draw 111 nodes, more than the limit of 50; collapse depth 1 would draw 11 nodes"
    );
    assert!(matches!(
        err,
        Error::TooManyNodes {
            nodes: 111,
            limit: 50,
            ..
        }
    ));
}

#[test]
fn too_many_nodes_names_the_biggest_containers_when_a_few_suffice() {
    let m = tree_model();
    let err = Diagram::new(&m, &View::new("all"), &Options::default().max_nodes(100))
        .expect_err("too big");
    assert_eq!(
        err.to_string(),
        "view `all` would draw 111 nodes, more than the limit of 100; collapse depth 1 would draw 11 nodes; \
         collapsing `c0`, `c1` would draw 91 nodes"
    );
}

#[test]
fn too_many_roots_suggests_a_split() {
    let elements: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"id": "s{i}", "kind": "system", "name": "S{i}"}}"#))
        .chain((0..5).map(|i| format!(r#"{{"id": "d{i}", "kind": "data", "name": "D{i}"}}"#)))
        .collect();
    let m = Model::from_json_str(&format!(
        r#"{{"ecograph": 1, "elements": [{}]}}"#,
        elements.join(",")
    ))
    .expect("valid");
    let err = Diagram::new(&m, &View::new("flat"), &Options::default().max_nodes(10))
        .expect_err("too big");
    assert_eq!(
        err.to_string(),
        "view `flat` would draw 25 nodes, more than the limit of 10; split it into several views \
         (it draws 20 `system`, 5 `data`) or raise the node limit"
    );
}

#[test]
fn default_views_collapse_until_they_fit() {
    let m = tree_model();
    let views = default_views(&m, 50);
    assert_eq!(views[0].collapse.depth, Some(1));
    let d = Diagram::new(&m, &views[0], &Options::default().max_nodes(50)).expect("fits");
    assert_eq!(d.nodes().len(), 11);
    assert_eq!(d.nodes()[1].label_lines(), ["C0", "(+10)"]);
}

#[test]
fn unknown_view_and_unknown_element_name_the_closest() {
    let m = small();
    let err = find_view(&m, "sytems", &Options::default()).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "no view `sytems` (did you mean `systems`?)"
    );
    let err = Diagram::new(
        &m,
        &view(vec![Selector::Id("eures2".into())]),
        &Options::default(),
    )
    .expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "view `test` selects unknown element `eures2` (did you mean `eures`?)"
    );
}

#[test]
fn highlight_marks_nodes_and_collapsed_containers_take_the_strongest_mark() {
    let m = small();
    let mut h = Highlight::new();
    let potential = Mark::Affected {
        confidence: Confidence::Potential,
    };
    h.mark(&m, "tmt.api", Mark::Changed)
        .and_then(|h| h.mark(&m, "eures", potential))
        .expect("both exist");
    let mut v = view(vec![Selector::Subtree("platforms".into())]);
    v.collapse.ids = vec!["tmt".into()];
    let d = Diagram::new(&m, &v, &Options::default().highlight(h)).expect("resolves");
    let mark = |id: &str| d.nodes()[d.node_of(id).expect("drawn")].mark();
    assert_eq!(mark("tmt"), Some(Mark::Changed));
    assert_eq!(mark("eures"), Some(potential));
    assert_eq!(mark("platforms"), None);
    assert!(d.is_highlighting());
}

#[test]
fn a_diagram_of_a_set_draws_exactly_its_elements() {
    let m = small();
    let set = ecograph_core::ElementSet::of_kind(&m, ElementKind::Data)
        .union(&ecograph_core::ElementSet::with_tag(&m, "core").descendants());
    let d = Diagram::from_set(&set, &Options::default()).expect("resolves");
    let mut drawn: Vec<&str> = d
        .nodes()
        .iter()
        .map(|n| n.element().id().as_str())
        .collect();
    drawn.sort_unstable();
    let mut expected: Vec<&str> = set.iter().map(|e| e.id().as_str()).collect();
    expected.sort_unstable();
    assert_eq!(drawn, expected);
    // Only relations with both ends in the set: tmt.ui uses vacancies.
    for e in d.edges() {
        for end in [e.from(), e.to()] {
            let id = d.nodes()[end].element().id();
            assert!(set.iter().any(|x| x.id() == id), "{id} is not in the set");
        }
    }
    assert!(!d.edges().is_empty());
    let empty = ecograph_core::ElementSet::new(&m);
    let d = Diagram::from_set(&empty, &Options::default()).expect("resolves");
    assert!(d.nodes().is_empty(), "an empty set draws nothing");
}

/// `n` systems `s0 -> s1 -> ...` in a flow chain, a view `v{i}` of each, a view `p{i}` of
/// each pair of neighbours and one view around the middle (the `views-each` shape of
/// the adversarial benchmark, where a view's work over the whole model shows).
fn views_each(n: usize) -> Model {
    let elements: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "s{i}", "kind": "system", "name": "S {i}"}}"#))
        .collect();
    let relations: Vec<String> = (1..n)
        .map(|i| format!(r#"{{"kind": "flow", "from": "s{}", "to": "s{i}"}}"#, i - 1))
        .collect();
    let mut views: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "v{i}", "include": [{{"id": "s{i}"}}]}}"#))
        .collect();
    views.extend((1..n).map(|i| {
        format!(
            r#"{{"id": "p{i}", "include": [{{"id": "s{}"}}, {{"id": "s{i}"}}]}}"#,
            i - 1
        )
    }));
    views.push(format!(
        r#"{{"id": "middle", "include": [{{"around": "s{}", "depth": 2}}], "exclude": [{{"id": "s{}"}}]}}"#,
        n / 2,
        n / 2 + 2
    ));
    Model::from_json_str(&format!(
        r#"{{"ecograph": 1, "elements": [{}], "relations": [{}], "views": [{}]}}"#,
        elements.join(","),
        relations.join(","),
        views.join(",")
    ))
    .expect("the generated model is valid")
}

#[test]
fn each_view_of_a_large_model_draws_what_it_selects_and_nothing_else() {
    let n = 3000;
    let m = views_each(n);
    for i in 0..n {
        let v = m.view(&format!("v{i}")).expect("generated");
        let d = Diagram::new(&m, v, &Options::default()).expect("resolves");
        let drawn: Vec<String> = d
            .nodes()
            .iter()
            .map(|n| n.element().id().to_string())
            .collect();
        assert_eq!(drawn, [format!("s{i}")]);
        assert!(d.edges().is_empty(), "v{i}: {:?}", lines(&d));
    }
    for i in 1..n {
        let v = m.view(&format!("p{i}")).expect("generated");
        let d = Diagram::new(&m, v, &Options::default()).expect("resolves");
        assert_eq!(lines(&d), [format!("s{} -flow-> s{i} []", i - 1)]);
    }
    let v = m.view("middle").expect("generated");
    let d = Diagram::new(&m, v, &Options::default()).expect("resolves");
    let k = n / 2;
    assert_eq!(
        lines(&d),
        [
            format!("s{} -flow-> s{} []", k - 2, k - 1),
            format!("s{} -flow-> s{k} []", k - 1),
            format!("s{k} -flow-> s{} []", k + 1),
        ]
    );
}

/// A model in English, German and French: `a` has a German name, nothing has a French one.
fn three_languages() -> Model {
    Model::from_json_str(
        r#"{"ecograph": 1, "languages": ["en", "de", "fr"], "elements": [
          {"id": "a", "kind": "system", "name": {"en": "Apple", "de": "Apfel"}},
          {"id": "b", "kind": "system", "name": "Box"},
          {"id": "d", "kind": "data", "name": {"en": "Dates", "de": "Daten"}}],
          "relations": [{"kind": "flow", "from": "a", "to": "b", "data": ["d"]}]}"#,
    )
    .unwrap()
}

#[test]
fn a_diagram_in_another_language_is_the_one_drawn_in_that_language() {
    for model in [three_languages(), small()] {
        for v in views_of(&model, 100) {
            let Ok(first) = Diagram::new(&model, &v, &Options::default()) else {
                continue;
            };
            for lang in model.languages().iter().map(String::as_str).chain(["sv"]) {
                let direct = Diagram::new(&model, &v, &Options::default().lang(lang)).unwrap();
                let moved = first.in_language(&v, Some(lang));
                assert_eq!(
                    moved.to_svg().unwrap(),
                    direct.to_svg().unwrap(),
                    "{} {lang}",
                    v.id
                );
                assert_eq!(moved.to_mermaid(), direct.to_mermaid(), "{} {lang}", v.id);
                assert!(moved.language_texts().eq(direct.language_texts()));
            }
        }
    }
}

#[test]
fn languages_with_the_same_texts_draw_the_same_and_others_do_not() {
    let model = three_languages();
    let v = &views_of(&model, 100)[0];
    let d = Diagram::new(&model, v, &Options::default()).unwrap();
    let [en, de, fr, fi] = ["en", "de", "fr", "fi"].map(|l| d.in_language(v, Some(l)));
    // French has no names of its own and English legend words: drawn as English.
    assert!(fr.language_texts().eq(en.language_texts()));
    assert_eq!(fr.to_svg().unwrap(), en.to_svg().unwrap());
    // German names, and Finnish legend words, differ.
    assert!(!de.language_texts().eq(en.language_texts()));
    assert!(!fi.language_texts().eq(en.language_texts()));
    assert_ne!(fi.to_svg().unwrap(), en.to_svg().unwrap());
}
