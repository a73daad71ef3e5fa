//! The exchange format: round trips, the mappings, the schema's rules, Appendix B.

use crate::generate;
use crate::structure::{check, disallowed};
use crate::{chain, fixture, te24};
use ecograph_core::{ElementKind, Model, RelationKind};
use ecograph_interop::{ExportOptions, Imported, export_archimate, import_archimate, types};
use proptest::prelude::*;

fn export(m: &Model) -> String {
    String::from_utf8(export_archimate(m, &ExportOptions::default()).expect("exports"))
        .expect("UTF-8")
}

fn import(xml: &str) -> ecograph_interop::Imported {
    match import_archimate(xml.as_bytes(), "test.xml") {
        Ok(i) => i,
        Err(e) => panic!("import failed: {e}\n{xml}"),
    }
}

#[test]
fn te24_round_trips_to_the_same_canonical_json() {
    let m = te24();
    let xml = export(&m);
    let back = import(&xml).model;
    assert_eq!(back.to_canonical_json(), m.to_canonical_json());
}

#[test]
fn te24_export_follows_the_schema_and_appendix_b() {
    let xml = export(&te24());
    assert_eq!(check(&xml), Vec::<String>::new());
    assert_eq!(disallowed(&xml), Vec::<String>::new());
}

#[test]
fn te24_export_is_deterministic() {
    let m = te24();
    assert_eq!(export(&m), export(&m));
}

#[test]
fn te24_export_keeps_both_languages_folders_and_views() {
    let m = te24();
    let xml = export(&m);
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let ns = "http://www.opengroup.org/xsd/archimate/3.0/";
    let tmt = doc
        .descendants()
        .find(|n| n.has_tag_name((ns, "element")) && n.attribute("identifier") == Some("tmt"))
        .expect("tmt is written");
    let names: Vec<(Option<&str>, &str)> = tmt
        .children()
        .filter(|n| n.has_tag_name((ns, "name")))
        .map(|n| {
            (
                n.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
                n.text().unwrap_or(""),
            )
        })
        .collect();
    let e = m.element("tmt").expect("tmt");
    assert_eq!(
        names,
        vec![
            (Some("fi"), e.name().resolve(Some("fi"))),
            (Some("en"), e.name().resolve(Some("en")))
        ]
    );
    // One diagram per view; every element of a containment tree sits in its root's folder.
    let diagrams = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "view")))
        .count();
    assert_eq!(diagrams, m.views().len());
    let roots_with_children = m.roots().filter(|r| r.children().len() > 0).count();
    let organizations = doc
        .descendants()
        .find(|n| n.has_tag_name((ns, "organizations")))
        .expect("folders");
    let top_folders = organizations
        .children()
        .filter(|n| n.has_tag_name((ns, "item")) && n.attribute("identifierRef").is_none())
        .count();
    assert_eq!(top_folders, roots_with_children);
}

#[test]
fn one_language_export_names_in_that_language_only() {
    let m = te24();
    let xml = String::from_utf8(
        export_archimate(&m, &ExportOptions::default().lang("en")).expect("exports"),
    )
    .expect("UTF-8");
    assert!(!xml.contains("xml:lang=\"fi\""));
    let back = import(&xml).model;
    assert_eq!(back.languages(), ["en"]);
    let tmt = back.element("tmt").expect("tmt");
    assert_eq!(
        tmt.name().resolve(None),
        m.element("tmt").expect("tmt").name().resolve(Some("en"))
    );
    assert_eq!(back.element_count(), m.element_count());
    assert_eq!(back.relation_count(), m.relation_count());
}

#[test]
fn uses_of_data_is_access_with_an_explicit_read() {
    let m = Model::from_json_str(
        r#"{"ecograph":1,"elements":[
        {"id":"p","kind":"process","name":"P"},{"id":"d","kind":"data","name":"D"},
        {"id":"s","kind":"system","name":"S"},{"id":"t","kind":"task","name":"T"},
        {"id":"u","kind":"task","name":"U"},{"id":"v","kind":"deliverable","name":"V"},
        {"id":"a","kind":"actor","name":"A"}],
      "relations":[{"kind":"uses","from":"p","to":"d"},{"kind":"uses","from":"p","to":"s"},
        {"kind":"depends_on","from":"u","to":"t"},{"kind":"flow","from":"s","to":"p","data":["d"]},
        {"kind":"responsible","from":"a","to":"v"},{"kind":"responsible","from":"a","to":"t"}]}"#,
    )
    .expect("valid");
    let xml = export(&m);
    assert!(xml.contains(r#"<relationship identifier="__r.0" source="p" target="d" xsi:type="Access" accessType="Read">"#), "{xml}");
    // "p uses s" is s serving p; the prerequisite t triggers u.
    assert!(
        xml.contains(
            r#"<relationship identifier="__r.1" source="s" target="p" xsi:type="Serving">"#
        )
    );
    assert!(xml.contains(
        r#"<relationship identifier="__r.2" source="t" target="u" xsi:type="Triggering">"#
    ));
    // The data a flow carries: an Association from the DataObject to the Flow.
    assert!(xml.contains(
        r#"<relationship identifier="__d.3.0" source="d" target="__r.3" xsi:type="Association">"#
    ));
    // No Assignment to a Deliverable: an Association; to a WorkPackage: an Assignment.
    assert!(xml.contains(
        r#"<relationship identifier="__r.4" source="a" target="v" xsi:type="Association">"#
    ));
    assert!(xml.contains(
        r#"<relationship identifier="__r.5" source="a" target="t" xsi:type="Assignment">"#
    ));
    assert_eq!(disallowed(&xml), Vec::<String>::new());
    assert_eq!(import(&xml).model, m);
}

#[test]
fn a_parent_without_an_allowed_composition_gets_a_grouping() {
    // An application service inside a business service: no Composition or Aggregation
    // between them in Appendix B.
    let m = Model::from_json_str(
        r#"{"ecograph":1,"elements":[
        {"id":"bs","kind":"service","name":"Business"},
        {"id":"as","kind":"service","name":"App","parent":"bs"},
        {"id":"sys","kind":"system","name":"Sys"}],
      "relations":[{"kind":"provides","from":"sys","to":"as"}]}"#,
    )
    .expect("valid");
    let xml = export(&m);
    assert!(
        xml.contains(r#"<element identifier="__g.bs" xsi:type="Grouping">"#),
        "{xml}"
    );
    assert!(xml.contains(
        r#"<relationship identifier="__p.as" source="__g.bs" target="as" xsi:type="Aggregation">"#
    ));
    assert_eq!(disallowed(&xml), Vec::<String>::new());
    assert_eq!(check(&xml), Vec::<String>::new());
    let back = import(&xml).model;
    assert_eq!(back, m);
    assert_eq!(back.element_count(), 3);
}

#[test]
fn appendix_b_table_agrees_with_the_specification_on_known_cells() {
    assert_eq!(
        types::allowed("Assignment", "BusinessActor", "BusinessRole"),
        Some(true)
    );
    assert_eq!(
        types::allowed("Assignment", "BusinessActor", "Deliverable"),
        Some(false)
    );
    assert_eq!(
        types::allowed("Triggering", "WorkPackage", "WorkPackage"),
        Some(true)
    );
    assert_eq!(
        types::allowed("Triggering", "Deliverable", "Deliverable"),
        Some(false)
    );
    assert_eq!(
        types::allowed("Access", "BusinessProcess", "DataObject"),
        Some(true)
    );
    assert_eq!(
        types::allowed("Access", "WorkPackage", "DataObject"),
        Some(false)
    );
    assert_eq!(
        types::allowed("Realization", "WorkPackage", "Deliverable"),
        Some(true)
    );
    assert_eq!(
        types::allowed("Serving", "ApplicationComponent", "BusinessProcess"),
        Some(true)
    );
    assert_eq!(
        types::allowed("Flow", "DataObject", "DataObject"),
        Some(false)
    );
    assert_eq!(types::allowed("Node", "Node", "Node"), None);
    // Association is allowed between any two elements.
    for s in types::table_types() {
        for t in types::table_types() {
            assert_eq!(types::allowed("Association", s, t), Some(true), "{s} {t}");
        }
    }
}

#[test]
fn a_foreign_file_keeps_every_concept_with_its_type() {
    let path = fixture("archimate/foreign.xml");
    let xml = std::fs::read_to_string(&path).expect("fixture");
    let imp = import(&xml);
    let m = &imp.model;
    assert_eq!(m.element_count(), 9);
    assert_eq!(m.relation_count(), 12);
    assert!(m.warnings().errors().next().is_none());
    let node = m.element("id-n1").expect("node");
    assert_eq!(
        (node.kind(), node.property("archimate:type")),
        (ElementKind::System, Some("Node"))
    );
    let junction = m.element("id-j1").expect("junction");
    assert_eq!(junction.property("archimate:type"), Some("AndJunction"));
    assert_eq!(junction.property("archimate:unnamed"), Some("true"));
    let by_id = |id: &str| {
        m.relations()
            .find(|r| r.id() == Some(id))
            .expect("relation")
    };
    // Influence with its modifier, a directed Association with its documentation, an
    // Association to a relationship, Access with and without accessType.
    let r3 = by_id("id-r3");
    assert_eq!(
        r3.properties().collect::<Vec<_>>(),
        [
            ("archimate:modifier", "++"),
            ("archimate:type", "Influence")
        ]
    );
    let r4 = by_id("id-r4");
    assert!(
        r4.properties()
            .any(|p| p == ("archimate:isDirected", "true"))
    );
    assert!(
        r4.properties()
            .any(|p| p == ("archimate:documentation", "owns the goal"))
    );
    let r2 = by_id("id-r2");
    assert!(
        r2.properties()
            .any(|p| p == ("archimate:target-relationship", "id-r1"))
    );
    assert_eq!(by_id("id-r6").kind(), RelationKind::Uses);
    assert!(
        by_id("id-r6")
            .properties()
            .any(|p| p == ("archimate:accessType", "Write"))
    );
    assert!(
        by_id("id-r7")
            .properties()
            .any(|p| p == ("archimate:accessType", "Access"))
    );
    // Serving from the node to the component: the component uses the node.
    let r5 = by_id("id-r5");
    assert_eq!(
        (r5.kind(), r5.from().id().as_str(), r5.to().id().as_str()),
        (RelationKind::Uses, "id-c1", "id-n1")
    );
    // Property definitions' types, every language, documentation, folders.
    let a1 = m.element("id-a1").expect("actor");
    assert_eq!(
        a1.property("archimate:property-type:Budget"),
        Some("number")
    );
    assert_eq!(a1.property("Budget"), Some("120000"));
    assert_eq!(a1.name().get("fi"), Some("Satamaviranomainen"));
    assert_eq!(
        a1.description().map(|d| d.resolve(None)),
        Some("Runs the <port>.\nSecond line.")
    );
    assert_eq!(
        m.element("id-c1")
            .and_then(|e| e.property("archimate:folder")),
        Some(r#"["Application","Harbour systems"]"#)
    );
    assert_eq!(m.languages(), ["en", "fi"]);
    // The view keeps its elements (the label node shows none).
    let v = &m.views()[0];
    assert_eq!(v.id, "id-v1");
    assert_eq!(v.include.len(), 3);
    let dropped = warnings_where(&imp, |w| w.contains("bendpoint"));
    assert_eq!(dropped.len(), 1);
    // A warning's Display pads as a whole, as every Display of the crate.
    let w = &imp.warnings[0];
    let shown = w.to_string();
    let width = shown.chars().count() + 2;
    assert_eq!(format!("{w:<width$}|"), format!("{shown}  |"));
    // It renders.
    for view in m.views() {
        let svg = ecograph_render::render(
            m,
            view,
            ecograph_render::Format::Svg,
            &ecograph_render::Options::default(),
        )
        .expect("renders");
        assert!(svg.contains("Berth planner"));
    }
}

#[test]
fn a_foreign_file_exported_and_imported_again_is_the_same_model() {
    let xml = std::fs::read_to_string(fixture("archimate/foreign.xml")).expect("fixture");
    let first = import(&xml).model;
    let again = export(&first);
    assert_eq!(check(&again), Vec::<String>::new());
    let second = import(&again).model;
    assert_eq!(second.to_canonical_json(), first.to_canonical_json());
    // The types are written as they were read.
    assert!(again.contains(r#"xsi:type="Node""#));
    assert!(again.contains(r#"xsi:type="Influence" modifier="++""#));
    assert!(again.contains(r#"xsi:type="Association" isDirected="true""#));
    assert!(again.contains(r#"source="id-d1" target="id-r1" xsi:type="Association""#));
    assert!(again.contains(r#"<propertyDefinition identifier="__pd.0" type="number">"#));
}

/// The folders of an element's labels and references, in order, one level down.
fn folder_items<'a, 'i>(
    folder: roxmltree::Node<'a, 'i>,
) -> (Vec<&'a str>, Vec<roxmltree::Node<'a, 'i>>) {
    let items = folder.children().filter(|n| n.tag_name().name() == "item");
    let (refs, folders): (Vec<_>, Vec<_>) =
        items.partition(|n| n.attribute("identifierRef").is_some());
    (
        refs.iter()
            .filter_map(|n| n.attribute("identifierRef"))
            .collect(),
        folders,
    )
}

/// Containment deeper than the reader's nesting limit (10,000) imports back exactly:
/// the folders stop at `MAX_NESTING` levels, the element at that depth holds every
/// element below it in its folder, in order, and `parent` travels as Composition.
#[test]
fn containment_deeper_than_the_reader_accepts_round_trips() {
    let n = 12_000;
    let m = chain(n);
    let xml = export(&m);
    assert_eq!(
        import(&xml).model.to_canonical_json(),
        m.to_canonical_json()
    );

    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let mut folder = doc
        .descendants()
        .find(|n| n.tag_name().name() == "organizations")
        .expect("folders");
    let mut levels = 0;
    loop {
        let (refs, folders) = folder_items(folder);
        if levels == 0 {
            assert!(refs.is_empty(), "{refs:?}");
        } else if levels < ecograph_interop::MAX_NESTING {
            assert_eq!(refs, [format!("t{}", levels - 1)], "level {levels}");
        } else {
            let below: Vec<String> = (levels - 1..n).map(|i| format!("t{i}")).collect();
            assert_eq!(refs, below, "level {levels}");
        }
        match folders[..] {
            [] => break,
            [f] => folder = f,
            _ => panic!("{} folders at level {levels}", folders.len()),
        }
        levels += 1;
    }
    assert_eq!(levels, ecograph_interop::MAX_NESTING);
}

/// A file whose folders nest as deep as containment (as ecograph wrote them before
/// `MAX_NESTING`, and as other tools may) has the derived folders: nothing is recorded,
/// so the model is the one exported, not one with a path of up to 3,000 labels on each
/// element (about 18 MB of them, past the paths' budget).
#[test]
fn folders_as_deep_as_containment_are_derived_too() {
    let n = 3_000;
    let m = chain(n);
    let xml = export(&m);
    let (head, rest) = xml.split_once("<organizations>").expect("folders");
    let (_, tail) = rest.split_once("</organizations>").expect("folders end");
    let mut folders = String::from("<organizations>");
    for i in 0..n - 1 {
        folders.push_str(&format!(
            r#"<item><label>T</label><item identifierRef="t{i}"/>"#
        ));
    }
    folders.push_str(&format!(r#"<item identifierRef="t{}"/>"#, n - 1));
    folders.push_str(&"</item>".repeat(n - 1));
    folders.push_str("</organizations>");
    let deep = format!("{head}{folders}{tail}");
    let imported = import(&deep);
    assert_eq!(imported.model.to_canonical_json(), m.to_canonical_json());
    // A deep element elsewhere than either rule puts it is recorded.
    let moved = deep
        .replacen(r#"<item identifierRef="t2500"/>"#, "", 1)
        .replacen(
            r#"<item identifierRef="t0"/>"#,
            r#"<item identifierRef="t0"/><item identifierRef="t2500"/>"#,
            1,
        );
    let back = import(&moved).model;
    let t2500 = back.element("t2500").expect("t2500");
    assert_eq!(t2500.property("archimate:folder"), Some(r#"["T"]"#));
    assert_eq!(
        back.elements()
            .filter(|e| e.property("archimate:folder").is_some())
            .count(),
        1
    );
}

/// A view's containment boxes nest at most `MAX_NESTING` levels: the box at the last
/// level holds no node, what it holds is nested in its parent box, and the view shows
/// the same elements, which an import keeps.
#[test]
fn a_views_boxes_nest_at_most_the_folders_depth() {
    let n = 100;
    let mut els = vec![r#"{"id":"g0","kind":"group","name":"G"}"#.to_owned()];
    for i in 1..n {
        els.push(format!(
            r#"{{"id":"g{i}","kind":"group","name":"G","parent":"g{}"}}"#,
            i - 1
        ));
    }
    let m = Model::from_json_str(&format!(
        r#"{{"ecograph":1,"elements":[{}],"views":[{{"id":"all","title":"All","include":[{{"subtree":"g0"}}]}}]}}"#,
        els.join(",")
    ))
    .expect("valid");
    let xml = export(&m);
    assert_eq!(
        import(&xml).model.to_canonical_json(),
        m.to_canonical_json()
    );

    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "node")
        .collect();
    let mut shown: Vec<&str> = nodes
        .iter()
        .filter_map(|n| n.attribute("elementRef"))
        .collect();
    shown.sort_unstable();
    let mut all: Vec<&str> = m.elements().map(|e| e.id().as_str()).collect();
    all.sort_unstable();
    assert_eq!(shown, all);
    let last = ecograph_interop::MAX_NESTING - 1;
    for node in &nodes {
        let id = node.attribute("elementRef").expect("an element");
        let i: usize = id[1..].parse().expect("g<i>");
        let boxes: Vec<&str> = node
            .ancestors()
            .skip(1)
            .filter(|a| a.tag_name().name() == "node")
            .filter_map(|a| a.attribute("elementRef"))
            .collect();
        assert!(boxes.len() <= last, "{id} is in {} boxes", boxes.len());
        let expected = if i <= last {
            i.checked_sub(1)
        } else {
            Some(last - 1)
        };
        assert_eq!(
            boxes.first().copied(),
            expected.map(|p| format!("g{p}")).as_deref(),
            "{id}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generated_models_round_trip(seed in any::<u64>(), n in 2usize..40) {
        let m = generate::model(seed, n);
        let xml = export(&m);
        prop_assert_eq!(check(&xml), Vec::<String>::new());
        prop_assert_eq!(disallowed(&xml), Vec::<String>::new());
        let back = import(&xml).model;
        prop_assert_eq!(back.to_canonical_json(), m.to_canonical_json());
        // And the second trip gives the same file.
        prop_assert_eq!(export(&back), xml);
    }
}

#[test]
fn a_triggering_cycle_is_kept_without_a_depends_on_cycle() {
    let xml = r#"<?xml version="1.0"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>M</name>
  <elements>
    <element identifier="w1" xsi:type="WorkPackage"><name>One</name></element>
    <element identifier="w2" xsi:type="WorkPackage"><name>Two</name></element>
  </elements>
  <relationships>
    <relationship identifier="t1" source="w1" target="w2" xsi:type="Triggering"/>
    <relationship identifier="t2" source="w2" target="w1" xsi:type="Triggering"/>
  </relationships>
</model>"#;
    let imp = import(xml);
    let kinds: Vec<(RelationKind, &str, &str)> = imp
        .model
        .relations()
        .map(|r| (r.kind(), r.from().id().as_str(), r.to().id().as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (RelationKind::DependsOn, "w2", "w1"),
            (RelationKind::Linked, "w2", "w1")
        ]
    );
    let msg = warnings_where(&imp, |m| m.contains("cycle"));
    assert_eq!(
        msg,
        [
            "relationship `t2` (Triggering) would close a `depends_on` cycle through `w1` and `w2`: kept as `linked` with its type in `archimate:type`"
        ]
    );
    // Exported again, both are Triggering in their own direction.
    let again = export(&imp.model);
    assert!(
        again.contains(r#"identifier="t1" source="w1" target="w2" xsi:type="Triggering""#),
        "{again}"
    );
    assert!(again.contains(r#"identifier="t2" source="w2" target="w1" xsi:type="Triggering""#));
    assert_eq!(import(&again).model, imp.model);
}

/// Found by the `export` fuzzer: a model's own property `ecograph:end` on an actor was
/// read back as the mapping's `end` field, so the export did not import again.
#[test]
fn own_properties_in_the_mappings_namespace_round_trip() {
    let m = Model::load(fixture("models/own-keys-in-the-mapping-namespace.json")).expect("valid");
    let xml = export(&m);
    assert!(xml.contains("ecograph:user:ecograph:end"), "{xml}");
    let back = import(&xml);
    assert_eq!(back.model.to_canonical_json(), m.to_canonical_json());
    assert_eq!(export(&back.model), xml);
}

#[test]
fn namespace_bindings_hold_in_their_element_only() {
    // Prefixed and default bindings made on inner elements, a foreign default
    // namespace inside an element (skipped with what it holds), and an empty tag that
    // rebinds `a`: each binding ends with its element, empty tags included.
    let xml = r#"<?xml version="1.0"?>
<a:model xmlns:a="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <a:name>M</a:name>
  <a:elements>
    <element xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="x" xsi:type="BusinessActor"><name>X</name></element>
    <a:element identifier="y" xsi:type="BusinessActor"><a:name>Y</a:name><other xmlns="http://example.com/"><a:name>not read</a:name></other></a:element>
    <a:element identifier="z" xsi:type="BusinessActor"><a:name>Z</a:name><foreign xmlns:a="http://example.com/"/><a:documentation>Zdoc</a:documentation></a:element>
    <a:element identifier="w" xsi:type="BusinessActor"><a:name>W</a:name><b:documentation xmlns:b="http://www.opengroup.org/xsd/archimate/3.0/">Wdoc</b:documentation></a:element>
  </a:elements>
</a:model>"#;
    let m = import(xml).model;
    let names: Vec<(&str, &str, Option<&str>)> = m
        .elements()
        .map(|e| {
            (
                e.id().as_str(),
                e.name().resolve(None),
                e.description().map(|d| d.resolve(None)),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("x", "X", None),
            ("y", "Y", None),
            ("z", "Z", Some("Zdoc")),
            ("w", "W", Some("Wdoc"))
        ]
    );
}

#[test]
fn dangling_ends_of_many_relationships_are_reported_in_file_order() {
    // Enough relationships for the ends to be checked on two threads: the problems
    // still come in file order, and only the first 20 get a suggestion.
    let n = 25_000;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n<elements>\n<element identifier=\"a\" xsi:type=\"BusinessActor\"/>\n<element identifier=\"b\" xsi:type=\"BusinessRole\"/>\n</elements>\n<relationships>\n",
    );
    let dangling = |i: usize| i % 1000 == 7;
    for i in 0..n {
        let target = if dangling(i) { "c" } else { "b" };
        xml.push_str(&format!(
            "<relationship identifier=\"r{i}\" xsi:type=\"Assignment\" source=\"a\" target=\"{target}\"/>\n"
        ));
    }
    xml.push_str("</relationships>\n</model>\n");
    let Err(ecograph_interop::Error::Invalid { problems, .. }) =
        import_archimate(xml.as_bytes(), "many.xml")
    else {
        panic!("dangling ends are not reported");
    };
    let expected: Vec<(Option<u64>, String, bool)> = (0..n)
        .filter(|&i| dangling(i))
        .enumerate()
        .map(|(k, i)| {
            let line = 8 + i as u64;
            let msg =
                format!("relationship `r{i}` has target `c`, which is no element or relationship");
            (Some(line), msg, k < 20)
        })
        .collect();
    let got: Vec<(Option<u64>, String, bool)> = problems
        .iter()
        .map(|p| (p.line, p.message.clone(), p.help.is_some()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn identifier_problems_of_many_elements_come_in_file_order() {
    // Enough elements for the identifiers to be checked on two threads (each holding
    // half of them): duplicates in both halves, empty identifiers and unknown types
    // still come in file order, a duplicate's before its type's.
    let n = 20_000;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n<elements>\n",
    );
    let line = |i: usize| 4 + i as u64;
    let ident = |i: usize| match i % 1000 {
        500 | 501 => format!("e{}", i - 2),
        999 => String::new(),
        _ => format!("e{i}"),
    };
    let typ = |i: usize| match i % 1000 {
        250 | 500 => "BusinesActor",
        _ => "BusinessActor",
    };
    for i in 0..n {
        xml.push_str(&format!(
            "<element identifier=\"{}\" xsi:type=\"{}\"/>\n",
            ident(i),
            typ(i)
        ));
    }
    xml.push_str("</elements>\n</model>\n");
    let Err(ecograph_interop::Error::Invalid { problems, .. }) =
        import_archimate(xml.as_bytes(), "many.xml")
    else {
        panic!("the problems are not reported");
    };
    let mut expected: Vec<(Option<u64>, String)> = Vec::new();
    for i in 0..n {
        let id = ident(i);
        match i % 1000 {
            500 | 501 => expected.push((
                Some(line(i)),
                format!(
                    "duplicate identifier `{id}` (first at line {}:1)",
                    line(i - 2)
                ),
            )),
            999 => expected.push((Some(line(i)), "an element has no identifier".to_owned())),
            _ => {}
        }
        if typ(i) != "BusinessActor" {
            expected.push((
                Some(line(i)),
                format!("unknown element type `BusinesActor` (xsi:type of element `{id}`)"),
            ));
        }
    }
    let got: Vec<(Option<u64>, String)> = problems
        .iter()
        .map(|p| (p.line, p.message.clone()))
        .collect();
    assert_eq!(got, expected);
}

/// Enough relationships for their first pass to run in two halves on two threads: the
/// warnings of both halves come in file order, and what a relationship of the second
/// half says (a parent, carried data, a system providing a service) reaches the model
/// as from the first.
#[test]
fn warnings_of_many_relationships_come_in_file_order() {
    let n = 40_000;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n<name xml:lang=\"fi\">M</name><name xml:lang=\"en\">M</name>\n<elements>\n",
    );
    for i in 0..100 {
        xml.push_str(&format!(
            "<element identifier=\"e{i}\" xsi:type=\"BusinessActor\"><name>E{i}</name></element>\n"
        ));
    }
    xml.push_str(
        "<element identifier=\"sys\" xsi:type=\"ApplicationComponent\"><name>S</name></element>\n",
    );
    xml.push_str(
        "<element identifier=\"svc\" xsi:type=\"ApplicationService\"><name>V</name></element>\n",
    );
    xml.push_str("</elements>\n<relationships>\n");
    let first_line = 4 + 102 + 3;
    // Two languages of documentation (a warning), a relationship that leads to no
    // element (dropped, a warning), or an association.
    let dropped = |i: usize| i % 1009 == 7;
    let two_docs = |i: usize| i % 997 == 3;
    for i in 0..n {
        let (from, to) = (format!("e{}", i % 100), format!("e{}", (i + 1) % 100));
        let source = if dropped(i) { format!("r{i}") } else { from };
        xml.push_str(&format!(
            "<relationship identifier=\"r{i}\" source=\"{source}\" target=\"{to}\" xsi:type=\"Association\">"
        ));
        if two_docs(i) {
            xml.push_str("<documentation xml:lang=\"fi\">D</documentation><documentation xml:lang=\"en\">D</documentation>");
        }
        xml.push_str("</relationship>\n");
    }
    // In the second half: a system that provides a service.
    xml.push_str(
        "<relationship identifier=\"p\" source=\"sys\" target=\"svc\" xsi:type=\"Realization\"/>\n",
    );
    xml.push_str("</relationships>\n</model>\n");
    let imp = import_archimate(xml.as_bytes(), "many.xml").expect("imports");
    let mut expected: Vec<(Option<u64>, String)> = Vec::new();
    for i in 0..n {
        let line = Some((first_line + i) as u64);
        if dropped(i) {
            expected.push((
                line,
                format!("relationship `r{i}` does not lead to elements: dropped"),
            ));
        } else if two_docs(i) {
            expected.push((line, format!("relationship `r{i}` has documentation in several languages: only the first is kept")));
        }
    }
    // (The elements' names, in no language, add warnings of their own.)
    let got: Vec<(Option<u64>, String)> = imp
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("relationship"))
        .map(|w| (w.line, w.message.clone()))
        .collect();
    assert!(
        expected
            .iter()
            .filter(|(l, _)| l.is_some_and(|l| l > (first_line + n / 2) as u64))
            .count()
            > 10
    );
    assert_eq!(got, expected);
    let m = &imp.model;
    assert_eq!(
        m.relation_count(),
        n - (0..n).filter(|i| dropped(*i)).count() + 1
    );
    let svc = m.element("svc").expect("svc");
    assert_eq!(svc.kind(), ElementKind::Service);
    // A service provided by a system is an ApplicationService by default: no type kept.
    assert!(
        svc.properties().all(|(k, _)| k != "archimate:type"),
        "{:?}",
        svc.properties().collect::<Vec<_>>()
    );
}

/// Relationships whose ends name relationships are followed to an element; a chain that
/// comes back to itself leads to none, whether it starts on the loop or runs into it.
#[test]
fn relationship_ends_in_a_loop_lead_to_no_element() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>loops</name>
  <elements>
    <element identifier="a" xsi:type="BusinessActor"><name>A</name></element>
    <element identifier="b" xsi:type="BusinessActor"><name>B</name></element>
  </elements>
  <relationships>
    <relationship identifier="self" source="self" target="a" xsi:type="Association"/>
    <relationship identifier="into" source="loop1" target="b" xsi:type="Association"/>
    <relationship identifier="loop1" source="loop2" target="a" xsi:type="Association"/>
    <relationship identifier="loop2" source="loop1" target="b" xsi:type="Association"/>
    <relationship identifier="plain" source="a" target="b" xsi:type="Association"/>
    <relationship identifier="via" source="via2" target="a" xsi:type="Association"/>
    <relationship identifier="via2" source="plain" target="a" xsi:type="Association"/>
  </relationships>
</model>"#;
    let imp = import(xml);
    let relations: Vec<(Option<&str>, &str, &str)> = imp
        .model
        .relations()
        .map(|r| (r.id(), r.from().id().as_str(), r.to().id().as_str()))
        .collect();
    assert_eq!(
        relations,
        [
            (Some("plain"), "a", "b"),
            (Some("via"), "a", "a"),
            (Some("via2"), "a", "a"),
        ]
    );
    let dropped = warnings_where(&imp, |m| m.ends_with("does not lead to elements: dropped"));
    assert_eq!(
        dropped,
        [
            "relationship `self` does not lead to elements: dropped",
            "relationship `into` does not lead to elements: dropped",
            "relationship `loop1` does not lead to elements: dropped",
            "relationship `loop2` does not lead to elements: dropped",
        ]
    );
}

/// Views whose identifiers make the same ecograph id are numbered as elements are: the
/// n-th clash's id grows by its number, not by n suffixes.
#[test]
fn views_of_the_same_id_are_numbered() {
    let views: String = ["vé", "vè", "vê", "vë"]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                r#"<view identifier="{v}" xsi:type="Diagram"><name>V</name><node identifier="n{i}" elementRef="a" xsi:type="Element" x="0" y="0" w="10" h="10"/></view>"#
            )
        })
        .collect();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>views</name>
  <elements><element identifier="a" xsi:type="BusinessActor"><name>A</name></element></elements>
  <views><diagrams>{views}</diagrams></views>
</model>"#
    );
    let m = import(&xml).model;
    let ids: Vec<&str> = m.views().iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["v-", "v--2", "v--3", "v--4"]);
}

/// A chain of Triggering beside a cycle is on no cycle: only the relationship that closes
/// the cycle becomes `linked`, whichever order the chain is written in.
#[test]
fn a_triggering_chain_beside_a_cycle_stays_depends_on() {
    let elements: String = (0..8)
        .map(|i| {
            format!(
                r#"<element identifier="w{i}" xsi:type="WorkPackage"><name>W{i}</name></element>"#
            )
        })
        .collect();
    let chain = |order: &mut dyn Iterator<Item = usize>| -> String {
        order
            .map(|i| {
                format!(
                    r#"<relationship identifier="t{i}" source="w{i}" target="w{}" xsi:type="Triggering"/>"#,
                    i + 1
                )
            })
            .collect()
    };
    for rels in [chain(&mut (1..7)), chain(&mut (1..7).rev())] {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>chain</name>
  <elements>{elements}</elements>
  <relationships>
    <relationship identifier="c1" source="w0" target="w1" xsi:type="Triggering"/>
    {rels}
    <relationship identifier="c2" source="w1" target="w0" xsi:type="Triggering"/>
  </relationships>
</model>"#
        );
        let imp = import(&xml);
        let linked: Vec<Option<&str>> = imp
            .model
            .relations()
            .filter(|r| r.kind() == RelationKind::Linked)
            .map(|r| r.id())
            .collect();
        assert_eq!(linked, [Some("c2")]);
        let depends_on = imp
            .model
            .relations()
            .filter(|r| r.kind() == RelationKind::DependsOn)
            .count();
        assert_eq!(depends_on, 7);
    }
}

/// A name's values: one per listed language (the first of two kept), a value without a
/// language in the default one, a value in a language the model does not list dropped.
#[test]
fn names_keep_one_value_per_listed_language() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name xml:lang="en">Langs</name>
  <properties><property propertyDefinitionRef="p1"><value>en de</value></property></properties>
  <elements>
    <element identifier="a" xsi:type="BusinessActor"><name xml:lang="en">A</name><name xml:lang="en">A2</name><name xml:lang="fr">Af</name><name xml:lang="de">Ad</name></element>
    <element identifier="b" xsi:type="BusinessActor"><name xml:lang="de">Bd</name><name>B</name></element>
  </elements>
  <propertyDefinitions><propertyDefinition identifier="p1" type="string"><name>ecograph:languages</name></propertyDefinition></propertyDefinitions>
</model>"#;
    let imp = import(xml);
    let name = |id: &str| -> Vec<(String, String)> {
        let e = imp.model.element(id).expect("element");
        e.name()
            .translations()
            .map(|t| t.map(|(l, v)| (l.to_owned(), v.to_owned())).collect())
            .unwrap_or_default()
    };
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
            .collect()
    };
    assert_eq!(name("a"), pairs(&[("en", "A"), ("de", "Ad")]));
    assert_eq!(name("b"), pairs(&[("en", "B"), ("de", "Bd")]));
    let mapped = warnings_where(&imp, |m| m.starts_with("the name of"));
    assert_eq!(
        mapped,
        [
            "the name of element `a` has two values in `en`: the first is kept",
            "the name of element `a` is in language `fr`, which the model does not list: dropped",
        ]
    );
}

/// A name's namespace follows the bindings in scope: elements under another default
/// namespace are skipped, a prefix bound to the exchange namespace reads as the
/// exchange's, and the exchange's default applies again once a binding's scope ends
/// (the reader remembers the default namespace between bindings).
#[test]
fn namespaces_follow_the_bindings_in_scope() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name>M</name>
  <elements>
    <element identifier="a" xsi:type="BusinessActor">
      <foo xmlns="urn:x"><name>Hidden</name><documentation>no</documentation></foo>
      <name>A</name>
      <bar xmlns="urn:y"/>
      <documentation>Doc A</documentation>
    </element>
    <x:element xmlns:x="http://www.opengroup.org/xsd/archimate/3.0/" identifier="b" xsi:type="BusinessRole"><x:name>B</x:name></x:element>
    <element xmlns="urn:z" identifier="c" xsi:type="BusinessRole"><name>C</name></element>
    <element identifier="d" xsi:type="BusinessRole" xmlns:q="urn:q" q:type="x"><name>D</name></element>
  </elements>
</model>"#;
    let m = import(xml).model;
    let seen: Vec<_> = m
        .elements()
        .map(|e| {
            (
                e.id().to_string(),
                e.kind(),
                e.name().resolve(None).to_owned(),
                e.description().map(|d| d.resolve(None).to_owned()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "a".into(),
                ElementKind::Actor,
                "A".into(),
                Some("Doc A".into())
            ),
            ("b".into(), ElementKind::Role, "B".into(), None),
            ("d".into(), ElementKind::Role, "D".into(), None),
        ]
    );
}

/// The messages of `imp`'s warnings that `keep` accepts, in order.
fn warnings_where(imp: &Imported, keep: impl Fn(&str) -> bool) -> Vec<&str> {
    imp.warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| keep(m))
        .collect()
}

/// A model of `n` elements (systems and actors by tens), the second of each ten inside
/// the first, and a relation from each element to the next: `name(i)` names element
/// `i`.
fn large_model(n: usize, name: impl Fn(usize) -> String) -> Model {
    let elements: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut e = serde_json::json!({
                "id": format!("e{i}"),
                "kind": if (i / 10) % 3 == 0 { "system" } else { "actor" },
                "name": { "fi": name(i), "en": format!("E {i}") },
                "tags": [format!("t{}", i % 7)],
            });
            if i % 10 == 1 {
                e["parent"] = serde_json::json!(format!("e{}", i - 1));
            }
            e
        })
        .collect();
    let relations: Vec<serde_json::Value> = (1..n)
        .map(|i| serde_json::json!({ "kind": "linked", "from": format!("e{}", i - 1), "to": format!("e{i}") }))
        .collect();
    let doc = serde_json::json!({
        "ecograph": 1,
        "languages": ["fi", "en"],
        "elements": elements,
        "relations": relations,
    });
    Model::from_json_str(&doc.to_string()).expect("a valid model")
}

/// Elements and relationships enough to be written in runs on two threads: the
/// document holds every concept once, in model order, follows the schema and reads
/// back as the same model.
#[test]
fn a_large_export_written_in_runs_keeps_every_concept_in_order() {
    let n = 40_000;
    let m = large_model(n, |i| format!("E{i}"));
    let xml = export(&m);
    let idents = |tag: &str| -> Vec<String> {
        xml.match_indices(&format!("<{tag} identifier=\""))
            .map(|(at, t)| {
                let rest = &xml[at + t.len()..];
                rest[..rest.find('"').expect("a closing quote")].to_owned()
            })
            .collect()
    };
    let elements = idents("element");
    let expected: Vec<String> = (0..n).map(|i| format!("e{i}")).collect();
    assert_eq!(elements[..n], expected[..]);
    let relationships = idents("relationship");
    assert_eq!(relationships.len(), (n - 1) + n / 10);
    let relations: Vec<String> = (0..n - 1).map(|i| format!("__r.{i}")).collect();
    assert_eq!(relationships[..n - 1], relations[..]);
    assert_eq!(check(&xml), Vec::<String>::new());
    assert_eq!(export(&m), xml);
    let back = import(&xml).model;
    assert_eq!(back.to_canonical_json(), m.to_canonical_json());
}

/// Characters XML cannot hold in two runs of a large export (the first in a run the
/// second thread writes, the second in a later one): the error names the first.
#[test]
fn every_text_xml_cannot_hold_is_reported_at_once_by_model_id() {
    let (first, second) = (3 * 2048 + 5, 4 * 2048 + 7);
    let m = large_model(20_000, |i| {
        if i == first || i == second {
            format!("E\u{1}{i}")
        } else {
            format!("E{i}")
        }
    });
    let err = export_archimate(&m, &ExportOptions::default()).expect_err("refused");
    let texts = format!(
        "\n  element `e{first}` (elements[{first}].name.fi) holds U+0001\
         \n  element `e{second}` (elements[{second}].name.fi) holds U+0001"
    );
    assert!(
        err.to_string()
            .starts_with("2 texts of the model hold a character XML 1.0 cannot hold"),
        "{err}"
    );
    assert!(err.to_string().ends_with(&texts), "{err}");
    let err = ecograph_interop::export_graphml(&m, &ExportOptions::default()).expect_err("refused");
    assert!(err.to_string().ends_with(&texts), "{err}");
}

#[test]
fn a_junction_renamed_after_import_keeps_its_new_name_in_both_formats() {
    let xml = std::fs::read_to_string(fixture("archimate/foreign.xml")).expect("fixture");
    let mut json: serde_json::Value =
        serde_json::from_str(&import(&xml).model.to_canonical_json()).expect("JSON");
    let junction = json["elements"]
        .as_array_mut()
        .expect("elements")
        .iter_mut()
        .find(|e| e["id"] == "id-j1")
        .expect("the junction");
    assert_eq!(junction["properties"]["archimate:unnamed"], "true");
    junction["name"] = "Decision point".into();
    let renamed = Model::from_json_str(&json.to_string()).expect("valid");
    let name_of = |m: &Model| {
        m.element("id-j1")
            .map(|e| e.name().default_value().to_owned())
    };
    let back = import(&export(&renamed)).model;
    assert_eq!(name_of(&back).as_deref(), Some("Decision point"));
    assert_eq!(
        back.element("id-j1")
            .and_then(|e| e.property("archimate:unnamed")),
        None
    );
    let files = ecograph_interop::export_csv(&renamed, &ExportOptions::default()).expect("csv");
    let back = ecograph_interop::import_csv(
        &files.elements[..],
        Some(&files.relations[..]),
        Some(&files.properties[..]),
        ["elements.csv", "relations.csv", "properties.csv"],
    )
    .expect("imports")
    .model;
    assert_eq!(name_of(&back).as_deref(), Some("Decision point"));
}

/// An Archi file with a specialization (Archi writes it as a property of the definition
/// `specialization`) and an ordinary property.
const ARCHI_SPECIALIZATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-m">
  <name xml:lang="en">Desk</name>
  <elements>
    <element identifier="id-a1" xsi:type="BusinessActor">
      <name xml:lang="en">Customer desk</name>
      <properties>
        <property propertyDefinitionRef="propid-1"><value xml:lang="en">Ann</value></property>
        <property propertyDefinitionRef="specialization"><value xml:lang="en">Customer</value></property>
      </properties>
    </element>
  </elements>
  <propertyDefinitions>
    <propertyDefinition identifier="propid-1" type="string"><name xml:lang="en">Owner</name></propertyDefinition>
    <propertyDefinition identifier="specialization" type="string"><name xml:lang="en">Specialization</name></propertyDefinition>
  </propertyDefinitions>
</model>
"#;

#[test]
fn archis_specialization_is_the_csv_columns_property_and_goes_back_as_archi_reads_it() {
    let m = import(ARCHI_SPECIALIZATION).model;
    let a = m.element("id-a1").expect("element");
    assert_eq!(a.property("archimate:specialization"), Some("Customer"));
    assert_eq!(a.property("Owner"), Some("Ann"));
    assert_eq!(a.property("Specialization"), None);
    let xml = export(&m);
    assert_eq!(check(&xml), Vec::<String>::new());
    assert!(
        xml.contains(r#"<property propertyDefinitionRef="specialization">"#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<propertyDefinition identifier="specialization" type="string">
      <name>Specialization</name>"#
        ),
        "{xml}"
    );
    assert_eq!(
        import(&xml).model.to_canonical_json(),
        m.to_canonical_json()
    );
    // The CSV export writes it in Archi's Specialization column.
    let files = ecograph_interop::export_csv(&m, &ExportOptions::default()).expect("csv");
    let elements = String::from_utf8(files.elements).expect("UTF-8");
    let mut rows = elements.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    let column = header
        .iter()
        .position(|h| h.trim_matches(['"', '\u{feff}']) == "Specialization")
        .expect("a Specialization column");
    let row = rows
        .find(|r| r.contains("id-a1"))
        .expect("the element's row");
    assert_eq!(
        row.split(',').nth(column).map(|c| c.trim_matches('"')),
        Some("Customer")
    );
}

#[test]
fn a_specialization_keeps_a_round_trip_where_an_element_has_the_identifier_specialization() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "specialization", "kind": "actor", "name": "Taken"},
            {"id": "b", "kind": "actor", "name": "B",
             "properties": {"archimate:specialization": "Customer"}}],
           "relations": [{"from": "specialization", "to": "b", "kind": "linked"}]}"#,
    )
    .expect("valid");
    let xml = export(&m);
    assert_eq!(check(&xml), Vec::<String>::new());
    assert_eq!(
        import(&xml).model.to_canonical_json(),
        m.to_canonical_json()
    );
}

/// A name of white space only (Archi allows one) imports as no name: the element is
/// named by its id, with a warning, instead of failing the import.
#[test]
fn a_blank_name_imports_as_no_name() {
    let xml = two_actors(
        r#"<name xml:lang="en">M</name>"#,
        r#"<name xml:lang="en">  </name>"#,
        r#"<name xml:lang="en">B</name>"#,
    );
    let xml = &xml;
    let imported = import(xml);
    let a = imported.model.element("id-a").expect("element");
    assert_eq!(a.name().default_value(), "id-a");
    assert_eq!(a.property("archimate:unnamed"), Some("true"));
    assert!(
        imported.warnings.iter().any(|w| w
            .to_string()
            .contains("the name of element `id-a` is only white space")),
        "{:?}",
        imported.warnings
    );
}

/// Language tags ignore case (BCP 47, XML): `EN` beside `en` is the same language, not a
/// second one with a missing translation on every text.
#[test]
fn language_tags_differing_in_case_are_one_language() {
    let xml = two_actors(
        r#"<name xml:lang="en">M</name><name xml:lang="fi">M-fi</name>"#,
        r#"<name xml:lang="EN">A</name><name xml:lang="FI">A-fi</name>"#,
        r#"<name xml:lang="en">B</name><name xml:lang="fi">B-fi</name>"#,
    );
    let xml = &xml;
    let imported = import(xml);
    assert_eq!(imported.model.languages(), ["en", "fi"]);
    let a = imported.model.element("id-a").expect("element");
    assert_eq!(
        (a.name().get("en"), a.name().get("fi")),
        (Some("A"), Some("A-fi"))
    );
    assert!(
        !imported
            .warnings
            .iter()
            .any(|w| w.to_string().contains("translation")),
        "{:?}",
        imported.warnings
    );
}

/// A relationship whose type was changed in Archi (a Serving made a Flow) is read as its
/// new type says, with a warning, not as the kind ecograph wrote.
#[test]
fn a_relationship_type_changed_in_archi_is_read_as_the_new_type() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "a", "kind": "system", "name": "A"},
            {"id": "b", "kind": "system", "name": "B"}],
          "relations": [{"id": "r", "kind": "uses", "from": "a", "to": "b"}]}"#,
    )
    .unwrap();
    let xml = export(&m);
    assert_eq!(xml.matches(r#"xsi:type="Serving""#).count(), 1, "{xml}");
    let edited = xml.replace(r#"xsi:type="Serving""#, r#"xsi:type="Flow""#);
    let imported = import(&edited);
    let r = imported.model.relations().next().expect("the relation");
    // Serving ran from `b` to `a` ("a uses b"): the Flow now runs that way.
    assert_eq!(
        (r.kind(), r.from().id().as_str(), r.to().id().as_str()),
        (RelationKind::Flow, "b", "a")
    );
    assert!(
        imported.warnings.iter().any(|w| w
            .to_string()
            .contains("was written as `uses` but is now a Flow")),
        "{:?}",
        imported.warnings
    );
    // Unchanged, it comes back as it was.
    assert_eq!(
        import(&xml).model.to_canonical_json(),
        m.to_canonical_json()
    );
}

/// An exchange file of two business actors `id-a` and `id-b`, associated, with these
/// `<name>`s for the model and each actor.
fn two_actors(model: &str, a: &str, b: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-m">
  {model}
  <elements>
    <element identifier="id-a" xsi:type="BusinessActor">{a}</element>
    <element identifier="id-b" xsi:type="BusinessActor">{b}</element>
  </elements>
  <relationships>
    <relationship identifier="id-r" source="id-a" target="id-b" xsi:type="Association"/>
  </relationships>
</model>
"#
    )
}
