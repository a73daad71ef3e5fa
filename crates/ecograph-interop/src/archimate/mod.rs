//! The Open Group ArchiMate Model Exchange File Format 3.0/3.1: writing and reading.

mod read;

use crate::doc::{Concept, Item, LangText, Prop};
use crate::error::Error;
use crate::mapping::{self, A_SPECIALIZATION, Exchange, SPECIALIZATION_DEF};
use crate::xmlwrite::Xml;
use crate::{ExportOptions, Imported};
use ecograph_core::Model;
use std::borrow::Cow;
use std::io::{BufRead, Write};

/// The namespace of the exchange format (3.0 and 3.1 share it).
pub(crate) const NS: &str = "http://www.opengroup.org/xsd/archimate/3.0/";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const SCHEMA_LOCATION: &str = "http://www.opengroup.org/xsd/archimate/3.0/ http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd";

/// Writes `model` as an ArchiMate exchange file (version 3.1): elements, relationships,
/// organizations mirroring containment (at most [`MAX_NESTING`](crate::MAX_NESTING)
/// folders deep), property definitions and one diagram per view, placed by ecograph's
/// layout. The output is deterministic, and [`import_archimate`] reads it back whatever
/// the model's containment depth.
///
/// # Errors
/// [`Error::Unrepresentable`] when a text holds a character XML 1.0 cannot hold (such
/// as U+0001); [`Error::Layout`] when a view cannot be resolved.
pub fn export_archimate(model: &Model, options: &ExportOptions) -> Result<Vec<u8>, Error> {
    write_archimate(model, options, Vec::with_capacity(1 << 16))
}

/// [`export_archimate`], streamed into `out` (for example the atomic writer's temporary
/// file): the document is never held in memory as a whole. `out` is returned once
/// everything is written; wrap it in a `BufWriter` when it is unbuffered.
///
/// # Errors
/// As [`export_archimate`], and [`Error::Write`] when `out` fails. Nothing tells a
/// partial output from a whole one, so on an error the caller discards what was written
/// (the atomic writer does).
pub fn write_archimate<W: Write>(
    model: &Model,
    options: &ExportOptions,
    out: W,
) -> Result<W, Error> {
    crate::xmlwrite::check_representable(model)?;
    let ex = Exchange::new(model, options)?;
    write_doc(&ex, out)
}

/// Reads an ArchiMate exchange file (3.0 or 3.1, from Archi or any other tool) into an
/// ecograph model. `file` names the input in messages.
///
/// The file is streamed: a DOCTYPE is refused (no entity is ever expanded or fetched),
/// nesting deeper than 10,000 elements and any tag or text over 16 MiB are refused, so
/// memory stays bounded by the model read. The reader is read on a second thread
/// (hence `Send`), while this one builds the model.
///
/// # Errors
/// [`Error::Invalid`] with every problem found (with line:column) when the input is not
/// a valid exchange file or gives no valid model; [`Error::Io`] when it cannot be read.
pub fn import_archimate<R: BufRead + Send>(reader: R, file: &str) -> Result<Imported, Error> {
    read::read_then(reader, file, |doc| {
        mapping::model_from_doc(doc, file, mapping::Elements::Beside)
    })
}

fn text<W: Write>(x: &mut Xml<W>, tag: &str, t: &LangText) {
    for (lang, v) in t.iter() {
        match lang {
            Some(l) => x.text_element(tag, &[("xml:lang", l)], v),
            None => x.text_element(tag, &[], v),
        }
    }
}

/// Property definitions: every key used, sorted, and its identifier `__pd.N`; Archi's
/// specialization has its fixed identifier (unless an element, relationship or view
/// took it).
struct Defs<'d> {
    keys: Vec<Cow<'d, str>>,
    ids: Vec<String>,
}

impl Defs<'_> {
    fn of(&self, key: &str) -> &str {
        let i = self
            .keys
            .binary_search_by(|k| k.as_ref().cmp(key))
            .unwrap_or(0);
        self.ids.get(i).map_or("", String::as_str)
    }
}

fn props<W: Write>(x: &mut Xml<W>, ps: &[Prop], defs: &Defs<'_>) {
    if ps.is_empty() {
        return;
    }
    x.start("properties", &[]);
    for p in ps {
        x.start("property", &[("propertyDefinitionRef", defs.of(&p.key))]);
        text(x, "value", &p.value);
        x.end("property");
    }
    x.end("properties");
}

fn element<W: Write>(x: &mut Xml<W>, c: &Concept, defs: &Defs<'_>) {
    x.context_of("element", &c.ident);
    x.start("element", &[("identifier", &c.ident), ("xsi:type", &c.typ)]);
    if c.name.has_no_value() {
        if !crate::types::may_be_unnamed(&c.typ) {
            x.text_element("name", &[], "");
        }
    } else {
        text(x, "name", &c.name);
    }
    text(x, "documentation", &c.doc);
    props(x, &c.props, defs);
    x.end("element");
}

fn relationship<W: Write>(x: &mut Xml<W>, c: &Concept, defs: &Defs<'_>) {
    x.context_of("relationship", &c.ident);
    let mut attrs: Vec<(&str, &str)> = vec![
        ("identifier", &c.ident),
        ("source", &c.source),
        ("target", &c.target),
        ("xsi:type", &c.typ),
    ];
    if let Some(a) = c.access() {
        attrs.push(("accessType", a));
    }
    if let Some(m) = c.modifier() {
        attrs.push(("modifier", m));
    }
    if c.directed {
        attrs.push(("isDirected", "true"));
    }
    x.start("relationship", &attrs);
    text(x, "name", &c.name);
    text(x, "documentation", &c.doc);
    props(x, &c.props, defs);
    x.end("relationship");
}

fn write_doc<W: Write>(ex: &Exchange<'_>, out: W) -> Result<W, Error> {
    let doc = &ex.head;
    let keys: Vec<Cow<'_, str>> = ex.property_keys().into_iter().collect();
    let archi_specialization = !ex.identifier_taken(SPECIALIZATION_DEF);
    let defs = Defs {
        ids: keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                if archi_specialization && k == A_SPECIALIZATION {
                    SPECIALIZATION_DEF.to_owned()
                } else {
                    format!("__pd.{i}")
                }
            })
            .collect(),
        keys,
    };

    let mut x = Xml::new(out);
    x.start(
        "model",
        &[
            ("xmlns", NS),
            ("xmlns:xsi", XSI),
            ("xsi:schemaLocation", SCHEMA_LOCATION),
            ("identifier", &doc.ident),
        ],
    );
    x.context = "the model's name".into();
    if doc.name.has_no_value() {
        x.text_element("name", &[], "");
    } else {
        text(&mut x, "name", &doc.name);
    }
    x.context = "the model's description".into();
    text(&mut x, "documentation", &doc.doc);
    props(&mut x, &doc.props, &defs);

    if ex.has_elements() {
        x.start("elements", &[]);
        x.in_runs(ex.element_count(), |x, range| {
            ex.for_each_element_in(range, |c| element(x, c, &defs));
        });
        ex.for_each_grouping(|c| element(&mut x, c, &defs));
        x.end("elements");
    }
    if ex.has_relationships() {
        x.start("relationships", &[]);
        x.in_runs(ex.relation_count(), |x, range| {
            ex.for_each_relation_in(range, |c| relationship(x, c, &defs));
        });
        x.in_runs(ex.element_count(), |x, range| {
            ex.for_each_parent_in(range, |c| relationship(x, c, &defs));
        });
        x.end("relationships");
    }
    if doc.folders.first().is_some_and(|top| !top.items.is_empty()) {
        x.start("organizations", &[]);
        // Folders nest as deep as containment does: an explicit stack, no recursion.
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        while let Some((f, next)) = stack.pop() {
            let Some(item) = doc.folders[f].items.get(next) else {
                if f != 0 {
                    x.end("item");
                }
                continue;
            };
            stack.push((f, next + 1));
            match item {
                Item::Ref(r) => x.empty("item", &[("identifierRef", r)]),
                Item::Folder(g) => {
                    x.context = "a folder".into();
                    x.start("item", &[]);
                    text(&mut x, "label", &doc.folders[*g].label);
                    stack.push((*g, 0));
                }
            }
        }
        x.end("organizations");
    }
    if !defs.keys.is_empty() {
        x.start("propertyDefinitions", &[]);
        for (k, id) in defs.keys.iter().zip(&defs.ids) {
            let t = doc
                .prop_types
                .get(k.as_ref())
                .map_or("string", String::as_str);
            x.start("propertyDefinition", &[("identifier", id), ("type", t)]);
            x.context_of("property", k);
            // Archi names its specialization definition so.
            let name = if id == SPECIALIZATION_DEF {
                "Specialization"
            } else {
                k
            };
            x.text_element("name", &[], name);
            x.end("propertyDefinition");
        }
        x.end("propertyDefinitions");
    }
    if !doc.diagrams.is_empty() {
        x.start("views", &[]);
        x.start("diagrams", &[]);
        for d in &doc.diagrams {
            x.context_of("view", &d.ident);
            x.start("view", &[("identifier", &d.ident), ("xsi:type", "Diagram")]);
            text(&mut x, "name", &d.name);
            text(&mut x, "documentation", &d.doc);
            props(&mut x, &d.props, &defs);
            // Nodes come outermost first with each subtree contiguous: close the open
            // nodes that are not the next one's ancestors.
            let mut open: Vec<usize> = Vec::new();
            for (i, n) in d.nodes.iter().enumerate() {
                while let Some(&top) = open.last() {
                    if Some(top) == n.parent {
                        break;
                    }
                    open.pop();
                    x.end("node");
                }
                let (xs, ys, ws, hs) = (
                    n.x.to_string(),
                    n.y.to_string(),
                    n.w.to_string(),
                    n.h.to_string(),
                );
                let mut attrs: Vec<(&str, &str)> = vec![("identifier", &n.ident)];
                match &n.element {
                    Some(e) => {
                        attrs.push(("elementRef", e));
                        attrs.push(("xsi:type", "Element"));
                    }
                    None => attrs.push(("xsi:type", "Container")),
                }
                attrs.extend([("x", xs.as_str()), ("y", &ys), ("w", &ws), ("h", &hs)]);
                let has_children = d.nodes.get(i + 1).is_some_and(|m| m.parent == Some(i));
                if has_children || !n.label.has_no_value() {
                    x.start("node", &attrs);
                    text(&mut x, "label", &n.label);
                    if has_children {
                        open.push(i);
                    } else {
                        x.end("node");
                    }
                } else {
                    x.empty("node", &attrs);
                }
            }
            for _ in open.drain(..) {
                x.end("node");
            }
            for c in &d.connections {
                let mut attrs: Vec<(&str, &str)> = vec![("identifier", &c.ident)];
                if let Some(r) = &c.relationship {
                    attrs.push(("relationshipRef", r));
                    attrs.push(("xsi:type", "Relationship"));
                } else {
                    attrs.push(("xsi:type", "Line"));
                }
                attrs.push(("source", &c.source));
                attrs.push(("target", &c.target));
                if c.bendpoints.is_empty() {
                    x.empty("connection", &attrs);
                } else {
                    x.start("connection", &attrs);
                    for (bx, by) in &c.bendpoints {
                        x.empty(
                            "bendpoint",
                            &[("x", &bx.to_string()), ("y", &by.to_string())],
                        );
                    }
                    x.end("connection");
                }
            }
            x.end("view");
        }
        x.end("diagrams");
        x.end("views");
    }
    x.end("model");
    x.finish()
}
