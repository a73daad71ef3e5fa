//! What the fuzz targets share: splitting an input into parts, loading a model, and the
//! invariants every output must hold (well-formed XML, balanced DOT quoting, Mermaid
//! labels that cannot become directives, determinism).
//!
//! A target input is `model JSON`, then optionally a NUL byte and target-specific bytes
//! (a change set, a second model, or a few bytes that choose ids and options). A NUL
//! cannot occur in JSON text, so the model part is always everything before it.

use ecograph_core::{Element, Model};

/// The part before the first NUL and the rest (empty when there is no NUL).
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// A model from the bytes, or `None` when they are not UTF-8 or not a valid model. The
/// diagnostics are rendered both ways on the way (no panic), and checking is
/// deterministic.
pub fn model(bytes: &[u8]) -> Option<Model> {
    let src = std::str::from_utf8(bytes).ok()?;
    let checked = Model::check_str(src, Some("fuzz.json"));
    let text = checked.diagnostics.to_string();
    let again = Model::check_str(src, Some("fuzz.json"));
    assert_eq!(
        checked.diagnostics, again.diagnostics,
        "diagnostics are not deterministic"
    );
    assert_eq!(checked.model.is_some(), again.model.is_some());
    if checked.model.is_none() {
        assert!(
            checked.diagnostics.has_errors(),
            "an invalid model has no error"
        );
    }
    let lines = src.split('\n').count();
    for d in &checked.diagnostics {
        crate::check_json(&d.to_json().to_string());
        if let (Some(line), Some(column)) = (d.line(), d.column()) {
            assert!(
                line >= 1 && line <= lines && column >= 1,
                "{text}: position out of the file"
            );
        }
    }
    checked.model
}

/// Reads small numbers off the tail of an input, then zeros.
#[derive(Debug)]
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    /// The next byte, or 0.
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    /// The next two bytes as a little-endian number.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.byte()) | (u16::from(self.byte()) << 8)
    }

    /// An element of `model` chosen by the next two bytes, if it has any.
    pub fn element<'m>(&mut self, model: &'m Model) -> Option<Element<'m>> {
        let n = model.element_count();
        let i = usize::from(self.u16());
        (n > 0).then(|| model.elements().nth(i % n).expect("index below the count"))
    }
}

/// Asserts that `svg` is a well-formed XML document whose root is `<svg>`.
pub fn check_svg(svg: &str) {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("SVG is not well-formed XML: {e}\n{svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
}

/// Asserts that `xml` is a well-formed XML document.
pub fn check_xml(xml: &str) {
    if let Err(e) = roxmltree::Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    ) {
        panic!("output is not well-formed XML: {e}\n{xml}");
    }
}

/// Asserts that `dot` is a digraph whose quoted strings all close, with no control
/// character inside them, and whose braces and brackets balance outside strings.
pub fn check_dot(dot: &str) {
    assert!(
        dot.starts_with("digraph"),
        "DOT does not start with `digraph`"
    );
    let mut stack = Vec::new();
    let mut chars = dot.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => loop {
                match chars.next() {
                    None => panic!("DOT string does not close\n{dot}"),
                    Some('\\') => {
                        let e = chars.next().expect("DOT string ends in a backslash");
                        assert!(!e.is_control(), "DOT escapes a control character");
                    }
                    Some('"') => break,
                    Some(c) => assert!(!c.is_control(), "DOT string holds {c:?}\n{dot}"),
                }
            },
            '{' | '[' => stack.push(c),
            '}' => assert_eq!(stack.pop(), Some('{'), "unbalanced `}}` in DOT\n{dot}"),
            ']' => assert_eq!(stack.pop(), Some('['), "unbalanced `]` in DOT\n{dot}"),
            _ => {}
        }
    }
    assert!(stack.is_empty(), "DOT leaves {stack:?} open\n{dot}");
}

/// Asserts that Mermaid text cannot be read as anything but what it was written as:
/// every line outside the front matter has an even number of `"` (labels are quoted and
/// a `"` in a label is an entity), `%%` only starts a comment line, and no `%%{`
/// (a directive Mermaid reads anywhere in the text) occurs at all.
pub fn check_mermaid(mmd: &str) {
    assert!(
        !mmd.contains("%%{"),
        "Mermaid text holds a directive\n{mmd}"
    );
    let mut lines = mmd.lines().peekable();
    if lines.peek() == Some(&"---") {
        lines.next();
        for l in lines.by_ref() {
            if l == "---" {
                break;
            }
        }
    }
    let mut seen = false;
    for line in lines {
        assert!(
            !line.chars().any(char::is_control),
            "Mermaid line holds a control character\n{mmd}"
        );
        let t = line.trim_start();
        if t.starts_with("%%") {
            continue;
        }
        seen |= t.starts_with("flowchart");
        assert!(
            !t.contains("%%"),
            "`%%` inside a Mermaid line: {line}\n{mmd}"
        );
        assert!(
            t.matches('"').count() % 2 == 0,
            "odd number of quotes in a Mermaid line: {line}\n{mmd}"
        );
    }
    assert!(seen, "no `flowchart` line in Mermaid output\n{mmd}");
}

/// Asserts that the streamed form of `value` (what the CLI writes with
/// `serde_json::to_writer`) serializes without error and equals `json`, its `to_json`.
pub fn check_streamed<T: serde::Serialize>(value: &T, json: &str) {
    let streamed =
        serde_json::to_string(value).unwrap_or_else(|e| panic!("the streamed JSON fails: {e}"));
    assert_eq!(streamed, json, "streamed JSON differs from to_json");
    assert_ne!(json, "null", "to_json swallowed a serialization error");
}

/// Asserts that `json` is valid JSON text.
pub fn check_json(json: &str) {
    serde_json::from_str::<serde_json::Value>(json)
        .unwrap_or_else(|e| panic!("output is not valid JSON: {e}\n{json}"));
}
