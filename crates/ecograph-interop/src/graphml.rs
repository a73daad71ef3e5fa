//! GraphML for yEd and Gephi: typed data keys, relations as edges with their kind,
//! containment as nested graphs.

use crate::ExportOptions;
use crate::error::Error;
use crate::xmlwrite::Xml;
use ecograph_core::Model;

const NS: &str = "http://graphml.graphdrawing.org/xmlns";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const LOCATION: &str =
    "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd";

/// The data key of an element nested deeper than [`crate::MAX_NESTING`] levels: its
/// parent's id, as the nested graphs stop there. Declared only in a file that uses it.
const PARENT_KEY: (&str, &str, &str, &str) = ("parent", "node", "parent", "string");

/// The data keys: (id, for, attr.name, attr.type).
const KEYS: &[(&str, &str, &str, &str)] = &[
    ("kind", "node", "kind", "string"),
    ("name", "node", "name", "string"),
    ("status", "node", "status", "string"),
    ("start", "node", "start", "string"),
    ("end", "node", "end", "string"),
    ("tags", "node", "tags", "string"),
    ("rkind", "edge", "kind", "string"),
    ("label", "edge", "label", "string"),
    ("rtags", "edge", "tags", "string"),
];

/// Writes `model` as GraphML: one node per element with `kind`, `name` (in
/// `options.lang` or the default language), `status`, `start`, `end` and `tags`
/// (comma-separated); elements containing others hold a nested graph, at most
/// [`MAX_NESTING`](crate::MAX_NESTING) levels deep (below that, an element sits in its
/// deepest nested ancestor's graph with its parent's id in `parent`); one edge per
/// relation with `kind`, `label` and `tags` (`linked` edges are undirected).
///
/// # Errors
/// [`Error::Unrepresentable`] when a text holds a character XML 1.0 cannot hold.
pub fn export_graphml(model: &Model, options: &ExportOptions) -> Result<Vec<u8>, Error> {
    crate::xmlwrite::check_representable(model)?;
    let lang = options.lang.as_deref();
    let mut x = Xml::new(Vec::with_capacity(1 << 16));
    x.start(
        "graphml",
        &[
            ("xmlns", NS),
            ("xmlns:xsi", XSI),
            ("xsi:schemaLocation", LOCATION),
        ],
    );
    // An element at depth `d` (a root at 0) is a node at nesting level `d + 1`, and
    // holds a graph only while its children's level is at most `MAX_NESTING`.
    let nests = |e: &ecograph_core::Element<'_>, depth: usize| {
        e.children().len() > 0 && depth + 1 < crate::MAX_NESTING
    };
    let flattened = model.elements().any(|e| e.depth() >= crate::MAX_NESTING);
    let keys = KEYS.iter().take(6).chain(flattened.then_some(&PARENT_KEY));
    for (id, f, name, t) in keys.chain(KEYS.iter().skip(6)) {
        x.empty(
            "key",
            &[
                ("id", id),
                ("for", f),
                ("attr.name", name),
                ("attr.type", t),
            ],
        );
    }
    x.start("graph", &[("id", "G"), ("edgedefault", "directed")]);
    // Pre-order over the containment forest with an explicit stack, so depth costs no
    // recursion: an element to write, at its depth, or (`None`) the end of the graph of
    // the element written before its children.
    for root in model.roots() {
        let mut stack = vec![Some((root, 0))];
        while let Some(step) = stack.pop() {
            let Some((e, depth)) = step else {
                x.end("graph");
                x.end("node");
                continue;
            };
            x.context = format!("element `{}`", e.id());
            x.start("node", &[("id", e.id().as_str())]);
            x.text_element("data", &[("key", "kind")], e.kind().as_str());
            x.text_element("data", &[("key", "name")], e.name().resolve(lang));
            if let Some(s) = e.status() {
                x.text_element("data", &[("key", "status")], s.as_str());
            }
            if let Some(s) = e.start() {
                x.text_element("data", &[("key", "start")], &s.to_string());
            }
            if let Some(s) = e.end() {
                x.text_element("data", &[("key", "end")], &s.to_string());
            }
            if e.tags().len() > 0 {
                x.text_element("data", &[("key", "tags")], &joined_tags(e.tags()));
            }
            if let Some(p) = e.parent()
                && depth >= crate::MAX_NESTING
            {
                x.text_element("data", &[("key", PARENT_KEY.0)], p.id().as_str());
            }
            if nests(&e, depth) {
                let gid = format!("{}:", e.id());
                x.start("graph", &[("id", &gid), ("edgedefault", "directed")]);
                stack.push(None);
            } else {
                x.end("node");
            }
            stack.extend(e.children().rev().map(|k| Some((k, depth + 1))));
        }
    }
    for (i, r) in model.relations().enumerate() {
        x.context = format!("relation {i}");
        let id = format!("e{i}");
        let mut attrs: Vec<(&str, &str)> = vec![
            ("id", &id),
            ("source", r.from().id().as_str()),
            ("target", r.to().id().as_str()),
        ];
        if !r.kind().is_directed() {
            attrs.push(("directed", "false"));
        }
        x.start("edge", &attrs);
        x.text_element("data", &[("key", "rkind")], r.kind().as_str());
        if let Some(l) = r.label() {
            x.text_element("data", &[("key", "label")], l.resolve(lang));
        }
        if r.tags().len() > 0 {
            x.text_element("data", &[("key", "rtags")], &joined_tags(r.tags()));
        }
        x.end("edge");
    }
    x.end("graph");
    x.end("graphml");
    x.finish()
}

/// Tags comma-separated, a `,` or `\` inside a tag backslash-escaped, so that the list
/// splits back into the same tags (`t\,2` is the one tag `t,2`).
fn joined_tags<'a>(tags: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, t) in tags.enumerate() {
        if i > 0 {
            out.push(',');
        }
        for c in t.chars() {
            if matches!(c, ',' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}
