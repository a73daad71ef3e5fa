//! Escaping of user text for each output language. Every string that comes from a
//! model (names, ids, labels, titles) reaches an output only through these functions.

use std::fmt::Write as _;

/// Whether a character may not appear in any output: C0 and C1 controls (except the
/// line break, which each escaper translates) and the non-characters XML forbids.
fn is_dropped(c: char) -> bool {
    (c.is_control() && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// A Graphviz double-quoted string, quotes included. Lines are joined with `\n`
/// (centred lines). A backslash is doubled so that `\N`, `\G`, `\l` and the like in a
/// name are shown as written instead of being expanded by Graphviz.
pub(crate) fn dot_string(lines: &[String]) -> String {
    let mut out = String::with_capacity(lines.iter().map(String::len).sum::<usize>() + 2);
    out.push('"');
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        push_backslashed(&mut out, line);
    }
    out.push('"');
    out
}

/// Text inside a quoted Mermaid label (`["..."]`, `|"..."|`, a subgraph title). Lines
/// are joined with `<br>`. Characters Mermaid or the HTML it renders would read as
/// syntax are written as Mermaid entity codes (`#quot;`, `#35;`, ...).
pub(crate) fn mermaid_text(lines: &[String]) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for c in line.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '&' => out.push_str("#amp;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '`' => out.push_str("#96;"),
                '|' => out.push_str("#124;"),
                '\\' => out.push_str("#92;"),
                '\n' => out.push_str("<br>"),
                c if is_dropped(c) => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// The body of a double-quoted string in DOT or YAML: `"`, `\` and newlines
/// backslash-escaped, characters that cannot appear dropped.
fn push_backslashed(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
}

/// Text for a Mermaid `%%` comment or YAML front matter value: one line, printable.
pub(crate) fn yaml_double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_backslashed(&mut out, s);
    out.push('"');
    out
}

/// XML character data or attribute value: `&`, `<`, `>`, `"` and `'` as entities,
/// characters XML 1.0 forbids dropped. Everything else stays UTF-8.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml(&mut out, s);
    out
}

/// Appends `s` escaped as by [`xml`].
pub(crate) fn push_xml(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
}

/// An identifier made of ASCII letters, digits and `_`: every other character becomes
/// `_`. Used where an output language wants a bare identifier (Mermaid node ids, SVG
/// `id` attributes); callers keep the mapping unique.
pub(crate) fn ident(prefix: &str, s: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + s.len());
    out.push_str(prefix);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

/// A number for SVG coordinates: two decimals at most, no trailing zeros, never `-0`.
pub(crate) fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let mut s = String::new();
    let _ = write!(s, "{:.2}", v);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(12.5), "12.5");
    }

    #[test]
    fn dot_keeps_backslash_sequences_literal() {
        assert_eq!(dot_string(&["a\\N\"b".into()]), r#""a\\N\"b""#);
        assert_eq!(dot_string(&["x".into(), "y".into()]), r#""x\ny""#);
    }

    #[test]
    fn mermaid_uses_entity_codes() {
        assert_eq!(
            mermaid_text(&["a\"b#c<d>".into()]),
            "a#quot;b#35;c#lt;d#gt;"
        );
    }
}
