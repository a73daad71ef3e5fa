//! A thin layer over quick-xml's writer: indentation, escaping that survives a parser's
//! line-end normalisation (`\r` as `&#13;`), and a clear error for characters XML 1.0
//! cannot hold at all.

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use std::borrow::Cow;

/// Whether XML 1.0 can hold `c` (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape(s: &str, attr: bool) -> Result<Cow<'_, str>, char> {
    let special = |c: char| {
        matches!(c, '&' | '<' | '>' | '\r')
            || (attr && matches!(c, '"' | '\n' | '\t'))
            || !xml_char(c)
    };
    if !s.chars().any(special) {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            c if !xml_char(c) => return Err(c),
            c => out.push(c),
        }
    }
    Ok(Cow::Owned(out))
}

/// An XML document being written. The first character XML cannot hold is remembered
/// with where it was, and reported by [`Xml::finish`].
pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
    bad: Option<(char, String)>,
    /// What is being written, for the error message.
    pub context: String,
}

impl Xml {
    pub fn new() -> Xml {
        let mut w = Writer::new_with_indent(Vec::with_capacity(1 << 16), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml {
            w,
            bad: None,
            context: String::new(),
        }
    }

    fn esc<'a>(&mut self, s: &'a str, attr: bool) -> Cow<'a, str> {
        match escape(s, attr) {
            Ok(c) => c,
            Err(c) => {
                if self.bad.is_none() {
                    self.bad = Some((c, self.context.clone()));
                }
                Cow::Owned(s.chars().filter(|c| xml_char(*c)).collect())
            }
        }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) -> BytesStart<'static> {
        let mut b = BytesStart::new(name.to_owned());
        for (k, v) in attrs {
            let v = self.esc(v, true).into_owned();
            b.push_attribute(Attribute {
                key: QName(k.as_bytes()),
                value: Cow::Owned(v.into_bytes()),
            });
        }
        b
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let b = self.start_tag(name, attrs);
        let _ = self.w.write_event(Event::Start(b));
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let b = self.start_tag(name, attrs);
        let _ = self.w.write_event(Event::Empty(b));
    }

    pub fn end(&mut self, name: &str) {
        let _ = self
            .w
            .write_event(Event::End(BytesEnd::new(name.to_owned())));
    }

    /// `<name attrs>text</name>`.
    pub fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        if text.is_empty() {
            self.empty(name, attrs);
            return;
        }
        self.start(name, attrs);
        let t = self.esc(text, false).into_owned();
        let _ = self.w.write_event(Event::Text(BytesText::from_escaped(t)));
        self.end(name);
    }

    /// The document, or the first character XML 1.0 cannot hold and where it was.
    pub fn finish(self) -> Result<Vec<u8>, (char, String)> {
        match self.bad {
            Some(b) => Err(b),
            None => {
                let mut v = self.w.into_inner();
                v.push(b'\n');
                Ok(v)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_and_markup_are_escaped() {
        assert_eq!(
            escape("a\r\n<b>&", false).unwrap(),
            "a&#13;\n&lt;b&gt;&amp;"
        );
        assert_eq!(escape("\"x\"\n", true).unwrap(), "&quot;x&quot;&#10;");
        assert_eq!(escape("bell\u{7}", false), Err('\u{7}'));
    }
}
