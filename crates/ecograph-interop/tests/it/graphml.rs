//! GraphML: parsed by a real XML parser, keys typed, containment nested.

use crate::{chain, te24};
use ecograph_interop::{ExportOptions, export_graphml};
use std::collections::{HashMap, HashSet};

const NS: &str = "http://graphml.graphdrawing.org/xmlns";

#[test]
fn te24_graphml_has_typed_keys_nested_containment_and_every_relation() {
    let m = te24();
    let bytes = export_graphml(&m, &ExportOptions::default().lang("en")).expect("exports");
    assert_eq!(
        bytes,
        export_graphml(&m, &ExportOptions::default().lang("en")).expect("exports")
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((NS, "graphml")));
    let keys: HashMap<&str, (&str, &str, &str)> = root
        .children()
        .filter(|n| n.has_tag_name((NS, "key")))
        .map(|k| {
            let a = |n| k.attribute(n).unwrap_or("");
            (a("id"), (a("for"), a("attr.name"), a("attr.type")))
        })
        .collect();
    for name in ["kind", "name", "status", "start", "end", "tags"] {
        assert_eq!(keys.get(name), Some(&("node", name, "string")), "{name}");
    }
    assert_eq!(keys.get("rkind"), Some(&("edge", "kind", "string")));
    // Every element once; a child's node sits in its parent's nested graph.
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "node")))
        .collect();
    assert_eq!(nodes.len(), m.element_count());
    for n in &nodes {
        let id = n.attribute("id").expect("id");
        let e = m.element(id).expect("an element");
        let enclosing = n
            .ancestors()
            .skip(1)
            .find(|a| a.has_tag_name((NS, "node")))
            .and_then(|a| a.attribute("id"));
        assert_eq!(enclosing, e.parent().map(|p| p.id().as_str()), "{id}");
        let data: HashMap<&str, &str> = n
            .children()
            .filter(|d| d.has_tag_name((NS, "data")))
            .map(|d| (d.attribute("key").unwrap_or(""), d.text().unwrap_or("")))
            .collect();
        assert_eq!(data.get("kind"), Some(&e.kind().as_str()));
        assert_eq!(
            data.get("name").copied(),
            Some(e.name().resolve(Some("en")))
        );
        assert_eq!(data.get("status").copied(), e.status().map(|s| s.as_str()));
    }
    let ids: HashSet<&str> = nodes.iter().filter_map(|n| n.attribute("id")).collect();
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "edge")))
        .collect();
    assert_eq!(edges.len(), m.relation_count());
    for (e, r) in edges.iter().zip(m.relations()) {
        assert_eq!(e.attribute("source"), Some(r.from().id().as_str()));
        assert_eq!(e.attribute("target"), Some(r.to().id().as_str()));
        assert!(ids.contains(e.attribute("target").unwrap_or("")));
        let kind = e
            .children()
            .find(|d| d.attribute("key") == Some("rkind"))
            .and_then(|d| d.text());
        assert_eq!(kind, Some(r.kind().as_str()));
        assert_eq!(
            e.attribute("directed") == Some("false"),
            !r.kind().is_directed()
        );
    }
}

/// Nested graphs stop at `MAX_NESTING` levels of nodes: an element deeper sits in its
/// deepest nested ancestor's graph and names its parent in `parent` data (a key
/// declared only then), so containment is whole however deep.
#[test]
fn containment_nests_at_most_max_nesting_deep_and_the_rest_names_its_parent() {
    let n = 12_000;
    let m = chain(n);
    let text = String::from_utf8(export_graphml(&m, &ExportOptions::default()).expect("exports"))
        .expect("UTF-8");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let declared = doc
        .descendants()
        .any(|k| k.has_tag_name((NS, "key")) && k.attribute("id") == Some("parent"));
    assert!(declared);
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "node")))
        .collect();
    assert_eq!(nodes.len(), n);
    let max = ecograph_interop::MAX_NESTING;
    for node in &nodes {
        let id = node.attribute("id").expect("id");
        let e = m.element(id).expect("an element");
        let enclosing: Vec<&str> = node
            .ancestors()
            .skip(1)
            .filter(|a| a.has_tag_name((NS, "node")))
            .filter_map(|a| a.attribute("id"))
            .collect();
        assert!(enclosing.len() < max, "{id} in {} nodes", enclosing.len());
        let parent_data = node
            .children()
            .find(|d| d.attribute("key") == Some("parent"))
            .and_then(|d| d.text());
        let parent = e.parent().map(|p| p.id().as_str());
        if e.depth() < max {
            assert_eq!(enclosing.first().copied(), parent, "{id}");
            assert_eq!(parent_data, None, "{id}");
        } else {
            assert_eq!(parent_data, parent, "{id}");
            let deepest = format!("t{}", max - 2);
            assert_eq!(enclosing.first().copied(), Some(deepest.as_str()), "{id}");
        }
    }
    // A model within the depth declares no `parent` key.
    let shallow =
        String::from_utf8(export_graphml(&chain(max), &ExportOptions::default()).expect("exports"))
            .expect("UTF-8");
    assert!(!shallow.contains(r#"id="parent""#));
    assert!(shallow.contains(&format!(r#"<node id="t{}">"#, max - 1)));
}

/// Tags with commas and backslashes split back into the same tags.
#[test]
fn tags_holding_commas_split_back_into_the_same_tags() {
    let tags = ["t<1>", "t,2", "a\\b", "plain"];
    let m = ecograph_core::Model::from_json_str(
        &serde_json::json!({"ecograph": 1, "elements": [
            {"id": "a", "kind": "system", "name": "A", "tags": tags}]})
        .to_string(),
    )
    .unwrap();
    let xml = String::from_utf8(export_graphml(&m, &ExportOptions::default()).unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let cell = doc
        .descendants()
        .find(|n| n.has_tag_name("data") && n.attribute("key") == Some("tags"))
        .and_then(|n| n.text())
        .expect("the tags");
    // Split at commas not escaped, then drop the escapes.
    let mut split: Vec<String> = vec![String::new()];
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => split.last_mut().unwrap().extend(chars.next()),
            ',' => split.push(String::new()),
            c => split.last_mut().unwrap().push(c),
        }
    }
    assert_eq!(split, tags, "{cell}");
}
