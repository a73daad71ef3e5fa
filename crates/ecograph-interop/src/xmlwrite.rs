//! A thin layer over quick-xml's writer: streaming into any `Write`, indentation,
//! escaping that survives a parser's line-end normalisation (`\r` as `&#13;`), and a
//! clear error for characters XML 1.0 cannot hold at all.
//!
//! Tags and texts are escaped into two reused buffers and handed to quick-xml borrowed,
//! so writing a tag allocates nothing.

use crate::error::Error;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

/// Whether XML 1.0 can hold `c` (its `Char` production).
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` to `out`, escaped for text or (with `attr`) an attribute value; returns
/// the first character XML cannot hold (left out), if any.
fn escape_into(out: &mut String, s: &str, attr: bool) -> Option<char> {
    let mut bad = None;
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| {
        matches!(c, '&' | '<' | '>' | '\r')
            || (attr && matches!(c, '"' | '\n' | '\t'))
            || !xml_char(c)
    }) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or(' ');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => {
                bad.get_or_insert(c);
            }
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    bad
}

/// Deepest indentation written: below it, lines start at this level, so a document as
/// deep as the model's containment stays linear in size (each line would otherwise carry
/// two spaces per level).
const MAX_INDENT: usize = 64;

/// An XML document being written. The first character XML cannot hold is remembered
/// with where it was, and reported by [`Xml::finish`]; so is the first write error.
pub(crate) struct Xml<W: Write> {
    w: Writer<W>,
    bad: Option<(char, String)>,
    io: Option<io::Error>,
    tag: String,
    text: String,
    /// Open elements, and whether the next tag starts a new line (not after text).
    level: usize,
    line_break: bool,
    /// What is being written, for the error message (cleared and rewritten, not
    /// reallocated, for each concept).
    pub context: String,
}

/// Items in one run of [`Xml::in_runs`].
const RUN: usize = 2048;

/// A part of a document written apart: its text, and the first character XML cannot
/// hold in it, with where it was.
#[derive(Default)]
struct Part {
    bytes: Vec<u8>,
    bad: Option<(char, String)>,
}

impl<W: Write> Xml<W> {
    pub fn new(out: W) -> Xml<W> {
        let mut x = Xml::part(out, 0);
        x.line_break = false;
        let r =
            x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        x.keep(r);
        x.line_break = true;
        x
    }

    /// A part of a document, written into `out`: it starts on a new line `level`
    /// elements deep, as the document's next tag would.
    fn part(out: W, level: usize) -> Xml<W> {
        Xml {
            w: Writer::new(out),
            bad: None,
            io: None,
            tag: String::with_capacity(256),
            text: String::with_capacity(256),
            level,
            line_break: true,
            context: String::with_capacity(64),
        }
    }

    /// A new line at the current level (two spaces a level, up to [`MAX_INDENT`]), as
    /// quick-xml's own indentation would write it.
    fn indent(&mut self) {
        const SPACES: [u8; 2 * MAX_INDENT] = [b' '; 2 * MAX_INDENT];
        if self.line_break {
            let n = 2 * self.level.min(MAX_INDENT);
            let r = self.w.get_mut().write_all(b"\n");
            self.keep(r);
            let r = self.w.get_mut().write_all(&SPACES[..n]);
            self.keep(r);
        }
        self.line_break = true;
    }

    /// Sets the context to `what` followed by `` `ident` ``.
    pub fn context_of(&mut self, what: &str, ident: &str) {
        self.context.clear();
        let _ = write!(self.context, "{what} `{ident}`");
    }

    fn keep(&mut self, r: Result<(), io::Error>) {
        if let Err(e) = r
            && self.io.is_none()
        {
            self.io = Some(e);
        }
    }

    fn note(&mut self, bad: Option<char>) {
        if let Some(c) = bad
            && self.bad.is_none()
        {
            self.bad = Some((c, self.context.clone()));
        }
    }

    fn fill_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag.clear();
        self.tag.push_str(name);
        let mut bad = None;
        for (k, v) in attrs {
            self.tag.push(' ');
            self.tag.push_str(k);
            self.tag.push_str("=\"");
            if let Some(c) = escape_into(&mut self.tag, v, true) {
                bad.get_or_insert(c);
            }
            self.tag.push('"');
        }
        self.note(bad);
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.fill_tag(name, attrs);
        self.indent();
        self.level += 1;
        let b = BytesStart::from_content(self.tag.as_str(), name.len());
        let r = self.w.write_event(Event::Start(b));
        self.keep(r);
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.fill_tag(name, attrs);
        self.indent();
        let b = BytesStart::from_content(self.tag.as_str(), name.len());
        let r = self.w.write_event(Event::Empty(b));
        self.keep(r);
    }

    pub fn end(&mut self, name: &str) {
        self.level = self.level.saturating_sub(1);
        self.indent();
        let r = self.w.write_event(Event::End(BytesEnd::new(name)));
        self.keep(r);
    }

    /// `<name attrs>text</name>`.
    pub fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        if text.is_empty() {
            self.empty(name, attrs);
            return;
        }
        self.start(name, attrs);
        self.text.clear();
        let bad = escape_into(&mut self.text, text, false);
        self.note(bad);
        let r = self
            .w
            .write_event(Event::Text(BytesText::from_escaped(self.text.as_str())));
        self.keep(r);
        self.line_break = false;
        self.end(name);
    }

    /// `count` items, in order, written by `write` (the items `range` each time, into a
    /// part of the document at this level): on two threads when they are many
    /// ([`ecograph_core::par::in_runs`]), each run into a buffer of its own that is then
    /// copied into the document. The text is the same as written here item by item, and
    /// so is the first character XML cannot hold that is reported. Called after a tag
    /// (each part starts on a new line, as the next tag would there).
    pub fn in_runs(
        &mut self,
        count: usize,
        write: impl Fn(&mut Xml<Vec<u8>>, Range<usize>) + Sync,
    ) {
        let level = self.level;
        let make = |range: Range<usize>, part: &mut Part| {
            let mut buf = std::mem::take(&mut part.bytes);
            buf.clear();
            let mut x = Xml::part(buf, level);
            write(&mut x, range);
            part.bad = x.bad;
            part.bytes = x.w.into_inner();
        };
        ecograph_core::par::in_runs(count, RUN, make, |part| {
            let r = self.w.get_mut().write_all(&part.bytes);
            self.keep(r);
            if self.bad.is_none() {
                self.bad = part.bad.take();
            }
        });
    }

    /// The output, once a final newline is written; or the first character XML 1.0
    /// could not hold and where it was ([`Error::Unrepresentable`]), or the first write
    /// error ([`Error::Write`]).
    pub fn finish(mut self) -> Result<W, Error> {
        let r = self.w.get_mut().write_all(b"\n");
        self.keep(r);
        if let Some((c, wh)) = self.bad {
            return Err(Error::Unrepresentable {
                message: format!(
                    "{wh} holds the character U+{:04X}, which XML 1.0 cannot hold: remove it from the model",
                    c as u32
                ),
            });
        }
        match self.io {
            Some(source) => Err(Error::Write { source }),
            None => Ok(self.w.into_inner()),
        }
    }
}

/// Most texts [`check_representable`] names before it only counts the rest.
const MAX_NAMED: usize = 20;

/// Every text of `model` that holds a character XML 1.0 cannot hold (an export to the
/// exchange format or GraphML would lose it), named by the model's own ids, fields and
/// JSON paths, in file order; checked before anything is written, so that all of them
/// are reported at once. Linear in the model's text.
pub(crate) fn check_representable(model: &ecograph_core::Model) -> Result<(), Error> {
    let mut found: Vec<String> = Vec::new();
    let mut count = 0usize;
    // `who` names the owner, `path` the field's JSON path: made only for a text found.
    let mut look = |who: &dyn Fn() -> String, path: &dyn Fn() -> String, text: &str| {
        // Bytes first: every forbidden character has a byte below 0x20 or starts 0xEF.
        if !text.bytes().any(|b| b < 0x20 || b == 0xEF) {
            return;
        }
        if let Some(c) = text.chars().find(|&c| !xml_char(c)) {
            count += 1;
            if found.len() < MAX_NAMED {
                found.push(format!("{} ({}) holds U+{:04X}", who(), path(), c as u32));
            }
        }
    };
    type Look<'a> = dyn FnMut(&dyn Fn() -> String, &dyn Fn() -> String, &str) + 'a;
    let text = |look: &mut Look<'_>,
                who: &dyn Fn() -> String,
                path: &dyn Fn() -> String,
                t: &ecograph_core::Text| match t.translations() {
        None => look(who, path, t.default_value()),
        Some(pairs) => {
            for (lang, v) in pairs {
                look(who, &|| format!("{}.{lang}", path()), v);
            }
        }
    };
    let model_who = || "the model".to_owned();
    if let Some(t) = model.name() {
        text(&mut look, &model_who, &|| "name".into(), t);
    }
    if let Some(t) = model.description() {
        text(&mut look, &model_who, &|| "description".into(), t);
    }
    for (i, e) in model.elements().enumerate() {
        let who = || format!("element `{}`", e.id());
        let at = |f: &str| format!("elements[{i}].{f}");
        text(&mut look, &who, &|| at("name"), e.name());
        if let Some(d) = e.description() {
            text(&mut look, &who, &|| at("description"), d);
        }
        for (j, tag) in e.tags().enumerate() {
            look(&who, &|| at(&format!("tags[{j}]")), tag);
        }
        for (k, v) in e.properties() {
            look(&who, &|| at(&format!("properties, the key {k:?}")), k);
            look(&who, &|| at(&format!("properties.{k}")), v);
        }
    }
    for (i, r) in model.relations().enumerate() {
        let who = || {
            r.id().map_or_else(
                || {
                    format!(
                        "relation `{}` from `{}` to `{}`",
                        r.kind(),
                        r.from().id(),
                        r.to().id()
                    )
                },
                |id| format!("relation `{id}`"),
            )
        };
        let at = |f: &str| format!("relations[{i}].{f}");
        if let Some(l) = r.label() {
            text(&mut look, &who, &|| at("label"), l);
        }
        for (j, tag) in r.tags().enumerate() {
            look(&who, &|| at(&format!("tags[{j}]")), tag);
        }
        for (k, v) in r.properties() {
            look(&who, &|| at(&format!("properties, the key {k:?}")), k);
            look(&who, &|| at(&format!("properties.{k}")), v);
        }
    }
    for (i, v) in model.views().iter().enumerate() {
        let who = || format!("view `{}`", v.id);
        let at = |f: &str| format!("views[{i}].{f}");
        if let Some(t) = &v.title {
            text(&mut look, &who, &|| at("title"), t);
        }
        if let Some(t) = &v.description {
            text(&mut look, &who, &|| at("description"), t);
        }
    }
    if count == 0 {
        return Ok(());
    }
    let mut message = format!(
        "{count} text{} of the model hold{} a character XML 1.0 cannot hold (a control character, U+FFFE or U+FFFF), so no exchange file or GraphML can carry {}; remove {} from the model (the CSV export keeps {}):",
        if count == 1 { "" } else { "s" },
        if count == 1 { "s" } else { "" },
        if count == 1 { "it" } else { "them" },
        if count == 1 { "it" } else { "them" },
        if count == 1 { "it" } else { "them" },
    );
    for f in &found {
        message.push_str("\n  ");
        message.push_str(f);
    }
    if count > found.len() {
        message.push_str(&format!("\n  and {} more", count - found.len()));
    }
    Err(Error::Unrepresentable { message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str, attr: bool) -> (String, Option<char>) {
        let mut out = String::new();
        let bad = escape_into(&mut out, s, attr);
        (out, bad)
    }

    #[test]
    fn carriage_returns_and_markup_are_escaped() {
        assert_eq!(esc("a\r\n<b>&", false).0, "a&#13;\n&lt;b&gt;&amp;");
        assert_eq!(esc("\"x\"\n\t", true).0, "&quot;x&quot;&#10;&#9;");
        assert_eq!(esc("\"x\"\n", false).0, "\"x\"\n");
        assert_eq!(
            esc("bell\u{7}!", false),
            ("bell!".to_owned(), Some('\u{7}'))
        );
    }
}
