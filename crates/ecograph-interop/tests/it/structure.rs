//! A structural check of exchange files against the rules of the Open Group's
//! archimate3_Diagram.xsd (which no package registry ships, so the schema itself cannot
//! be used here): parsed by a real XML parser, then the element order of every complex
//! type written, identifier syntax and uniqueness, every reference, the attribute
//! types, and the enumerations.

use ecograph_interop::types;
use roxmltree::{Document, Node};
use std::collections::{HashMap, HashSet};

const NS: &str = "http://www.opengroup.org/xsd/archimate/3.0/";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn ncname(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_alphabetic() || f == '_')
        && c.all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '-' | '.'))
}

fn kids<'a, 'i>(n: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    n.children().filter(Node::is_element).collect()
}

fn name(n: &Node<'_, '_>) -> String {
    n.tag_name().name().to_owned()
}

/// Checks that the children's names follow `order` (each name may repeat; names listed
/// later may not come before earlier ones) and that `required` ones are present.
fn sequence(n: Node<'_, '_>, order: &[&str], required: &[&str], errs: &mut Vec<String>) {
    let mut at = 0;
    for k in kids(n) {
        assert_eq!(
            k.tag_name().namespace(),
            Some(NS),
            "child of {} in another namespace",
            name(&n)
        );
        let nm = name(&k);
        match order.iter().position(|o| *o == nm) {
            Some(p) if p >= at => at = p,
            Some(_) => errs.push(format!("`{nm}` out of order in `{}`", name(&n))),
            None => errs.push(format!("`{nm}` not allowed in `{}`", name(&n))),
        }
    }
    for r in required {
        if !kids(n).iter().any(|k| name(k) == *r) {
            errs.push(format!("`{}` lacks `{r}`", name(&n)));
        }
    }
}

fn int_attr(n: Node<'_, '_>, a: &str, min: i64, errs: &mut Vec<String>) {
    match n.attribute(a).map(str::parse::<i64>) {
        Some(Ok(v)) if v >= min => {}
        other => errs.push(format!(
            "`{}` attribute `{a}` is {other:?}, not an integer ≥ {min}",
            name(&n)
        )),
    }
}

/// Every problem found; empty when the file follows the schema's rules.
pub fn check(xml: &str) -> Vec<String> {
    let doc = match Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![format!("not XML: {e}")],
    };
    let mut errs = Vec::new();
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(NS));
    assert_eq!(root.tag_name().name(), "model");
    sequence(
        root,
        &[
            "name",
            "documentation",
            "properties",
            "metadata",
            "elements",
            "relationships",
            "organizations",
            "propertyDefinitions",
            "views",
        ],
        &["name"],
        &mut errs,
    );
    // Identifiers: NCNames, unique over the whole document.
    let mut ids: HashMap<String, String> = HashMap::new();
    for n in doc.descendants().filter(Node::is_element) {
        if let Some(id) = n.attribute("identifier") {
            if !ncname(id) {
                errs.push(format!("identifier `{id}` is not an NCName"));
            }
            if ids.insert(id.to_owned(), name(&n)).is_some() {
                errs.push(format!("identifier `{id}` twice"));
            }
        }
    }
    let xsi_type = |n: Node<'_, '_>| n.attribute((XSI, "type")).unwrap_or("").to_owned();
    let mut elements: HashSet<String> = HashSet::new();
    let mut relationships: HashSet<String> = HashSet::new();
    let mut defs: HashSet<String> = HashSet::new();
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "propertyDefinition")))
    {
        defs.insert(n.attribute("identifier").unwrap_or("").to_owned());
        let t = n.attribute("type").unwrap_or("");
        if !["string", "boolean", "currency", "date", "time", "number"].contains(&t) {
            errs.push(format!("property definition type `{t}`"));
        }
        sequence(n, &["name", "documentation"], &["name"], &mut errs);
    }
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "element")))
    {
        let t = xsi_type(n);
        if !types::is_element_type(&t) {
            errs.push(format!("element type `{t}`"));
        }
        let req: &[&str] = if types::may_be_unnamed(&t) {
            &[]
        } else {
            &["name"]
        };
        sequence(n, &["name", "documentation", "properties"], req, &mut errs);
        elements.insert(n.attribute("identifier").unwrap_or("").to_owned());
    }
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "relationship")))
    {
        relationships.insert(n.attribute("identifier").unwrap_or("").to_owned());
    }
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "relationship")))
    {
        let t = xsi_type(n);
        if !types::is_relationship_type(&t) {
            errs.push(format!("relationship type `{t}`"));
        }
        sequence(n, &["name", "documentation", "properties"], &[], &mut errs);
        for end in ["source", "target"] {
            let r = n.attribute(end).unwrap_or("");
            if !elements.contains(r) && !relationships.contains(r) {
                errs.push(format!("relationship {end} `{r}` refers to nothing"));
            }
        }
        if let Some(a) = n.attribute("accessType")
            && (t != "Access" || !["Access", "Read", "Write", "ReadWrite"].contains(&a))
        {
            errs.push(format!("accessType `{a}` on {t}"));
        }
        if let Some(d) = n.attribute("isDirected")
            && (t != "Association" || !["true", "false"].contains(&d))
        {
            errs.push(format!("isDirected `{d}` on {t}"));
        }
    }
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "property")))
    {
        let r = n.attribute("propertyDefinitionRef").unwrap_or("");
        if !defs.contains(r) {
            errs.push(format!("property refers to `{r}`"));
        }
        sequence(n, &["value"], &["value"], &mut errs);
    }
    for n in doc.descendants().filter(|n| n.has_tag_name((NS, "item"))) {
        sequence(n, &["label", "documentation", "item"], &[], &mut errs);
        if let Some(r) = n.attribute("identifierRef")
            && !ids.contains_key(r)
        {
            errs.push(format!("item refers to `{r}`"));
        }
    }
    for v in doc.descendants().filter(|n| n.has_tag_name((NS, "view"))) {
        sequence(
            v,
            &["name", "documentation", "properties", "node", "connection"],
            &["name"],
            &mut errs,
        );
        let mut nodes: HashSet<String> = HashSet::new();
        for n in v.descendants().filter(|n| n.has_tag_name((NS, "node"))) {
            nodes.insert(n.attribute("identifier").unwrap_or("").to_owned());
            int_attr(n, "x", 0, &mut errs);
            int_attr(n, "y", 0, &mut errs);
            int_attr(n, "w", 1, &mut errs);
            int_attr(n, "h", 1, &mut errs);
            sequence(
                n,
                &["label", "documentation", "style", "node"],
                &[],
                &mut errs,
            );
            if xsi_type(n) == "Element"
                && !elements.contains(n.attribute("elementRef").unwrap_or(""))
            {
                errs.push("node shows no element".into());
            }
        }
        for c in v.children().filter(|n| n.has_tag_name((NS, "connection"))) {
            if xsi_type(c) == "Relationship"
                && !relationships.contains(c.attribute("relationshipRef").unwrap_or(""))
            {
                errs.push("connection shows no relationship".into());
            }
            for end in ["source", "target"] {
                if !nodes.contains(c.attribute(end).unwrap_or("")) {
                    errs.push(format!("connection {end} is no node"));
                }
            }
            sequence(
                c,
                &[
                    "label",
                    "documentation",
                    "style",
                    "sourceAttachment",
                    "bendpoint",
                    "targetAttachment",
                ],
                &[],
                &mut errs,
            );
            for b in kids(c) {
                int_attr(b, "x", 0, &mut errs);
                int_attr(b, "y", 0, &mut errs);
            }
        }
    }
    errs
}

/// Every relationship between two elements of the types ecograph writes, checked
/// against ArchiMate 3.2 Appendix B; returns the ones it does not allow.
pub fn disallowed(xml: &str) -> Vec<String> {
    let doc = Document::parse(xml).expect("XML");
    let mut type_of: HashMap<&str, &str> = HashMap::new();
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "element")))
    {
        type_of.insert(
            n.attribute("identifier").unwrap_or(""),
            n.attribute((XSI, "type")).unwrap_or(""),
        );
    }
    let mut out = Vec::new();
    let mut checked = 0;
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "relationship")))
    {
        let t = n.attribute((XSI, "type")).unwrap_or("");
        let (Some(s), Some(d)) = (
            type_of.get(n.attribute("source").unwrap_or("")),
            type_of.get(n.attribute("target").unwrap_or("")),
        ) else {
            // An end is a relationship: only Association is written that way.
            if t != "Association" {
                out.push(format!("{t} to or from a relationship"));
            }
            continue;
        };
        checked += 1;
        if types::allowed(t, s, d) != Some(true) {
            out.push(format!("{t} from {s} to {d}"));
        }
    }
    assert!(
        checked > 0
            || doc
                .descendants()
                .all(|n| !n.has_tag_name((NS, "relationship")))
    );
    out
}
