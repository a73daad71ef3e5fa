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
/// syntax are written as Mermaid entity codes (`#quot;`, `#35;`, ...): among them `%`,
/// because Mermaid reads `%%{...}%%` anywhere in the text as a directive (a name could
/// switch the theme or break the diagram) and a line starting `%%` as a comment.
///
/// The words `style` and `classDef` get their first letter entity-coded too: before it
/// decodes entity codes, Mermaid drops the last `;` of any line where one of them is
/// followed by `:…#…;`, which cuts an entity code short (`classDef k:#35;f` showed as
/// `classDef k:#35f`).
pub(crate) fn mermaid_text(lines: &[String]) -> String {
    let out = mermaid_text_raw(lines);
    if out.contains("style") || out.contains("classDef") {
        out.replace("style", "#115;tyle")
            .replace("classDef", "#99;lassDef")
    } else {
        out
    }
}

fn mermaid_text_raw(lines: &[String]) -> String {
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
                '%' => out.push_str("#37;"),
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

/// The diagram title in Mermaid's YAML front matter: a YAML double-quoted string. `%`
/// is written `\x25` so that no `%%{...}%%` directive can form in the file. Mermaid
/// shows the title through an HTML sanitiser that turns `<` and `>` into visible `&lt;`
/// and `&gt;` (or drops what looks like a tag), and Mermaid has no escape for them
/// there, so they are written as the look-alikes `‹` and `›`.
pub(crate) fn mermaid_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '%' => out.push_str("\\x25"),
            '<' => out.push('‹'),
            '>' => out.push('›'),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
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
            mermaid_text(&["a\"b#c<d>%%{init}%%".into()]),
            "a#quot;b#35;c#lt;d#gt;#37;#37;{init}#37;#37;"
        );
        assert_eq!(
            mermaid_text(&["classDef k:#f; style x:#y".into()]),
            "#99;lassDef k:#35;f; #115;tyle x:#35;y"
        );
        assert_eq!(
            mermaid_title("%%{init}%% <b> \"q\" \\"),
            r#""\x25\x25{init}\x25\x25 ‹b› \"q\" \\""#
        );
    }
}
