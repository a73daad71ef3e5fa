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
/// name are shown as written instead of being expanded by Graphviz, and `&` is written
/// `&amp;`: Graphviz reads HTML entities in every quoted string, so `R&amp;D` or
/// `&#65;` in a name would otherwise be drawn as `R&D` and `A`.
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
/// switch the theme or break the diagram) and a line starting `%%` as a comment, and
/// `$`, because Mermaid renders `$$...$$` as math.
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
                // Mermaid renders `$$...$$` as KaTeX math.
                '$' => out.push_str("#36;"),
                '\n' => out.push_str("<br>"),
                c if is_dropped(c) => {}
                c => out.push(c),
            }
        }
    }
    out
}

/// The body of a DOT double-quoted string: `"`, `\` and newlines backslash-escaped,
/// `&` as an entity, characters that cannot appear dropped.
fn push_backslashed(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '&' => out.push_str("&amp;"),
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
///
/// The value of `format!("{:.2}")` (the exact binary value rounded, a tie to even) with
/// the zeros trimmed, computed in integers: the formatter's exact path took a third of
/// the time of drawing a small diagram.
pub(crate) fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let Some(hundredths) = hundredths(v.abs()) else {
        return num_by_format(v);
    };
    if hundredths == 0 {
        return "0".to_owned();
    }
    let mut s = String::with_capacity(12);
    if v < 0.0 {
        s.push('-');
    }
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    let _ = write!(s, "{whole}");
    if frac != 0 {
        if frac % 10 == 0 {
            let _ = write!(s, ".{}", frac / 10);
        } else {
            let _ = write!(s, ".{frac:02}");
        }
    }
    s
}

/// `v` (finite, not negative) times 100, rounded to the nearest integer, a tie to
/// even; `None` when `v` is too large for the integer arithmetic.
fn hundredths(v: f64) -> Option<u64> {
    const MANTISSA_BITS: u32 = 52;
    let bits = v.to_bits();
    let exp_bits = ((bits >> MANTISSA_BITS) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << MANTISSA_BITS) - 1);
    // v = mantissa * 2^exp exactly.
    let (mantissa, exp) = if exp_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << MANTISSA_BITS), exp_bits - 1075)
    };
    let scaled = u128::from(mantissa) * 100;
    if exp >= 0 {
        // Whole numbers up to 2^63 / 100 or so.
        return if exp < 8 {
            u64::try_from(scaled << exp).ok()
        } else {
            None
        };
    }
    let shift = exp.unsigned_abs();
    if shift >= 127 {
        // Under 2^-70: rounds to zero.
        return Some(0);
    }
    let q = scaled >> shift;
    let r = scaled & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let q = if r > half || (r == half && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    u64::try_from(q).ok()
}

/// [`num`] through the formatter, for values too large for [`hundredths`].
fn num_by_format(v: f64) -> String {
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
        assert_eq!(num(-3.10), "-3.1");
        assert_eq!(num(0.125), "0.12");
        assert_eq!(num(0.375), "0.38");
        assert_eq!(num(1e300), num_by_format(1e300));
    }

    #[test]
    fn numbers_are_what_the_formatter_rounds_them_to() {
        // Deterministic values of every magnitude a drawing has and beyond: ties of
        // k/8, values just beside them, and bit patterns spread over the exponents.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut values = vec![
            0.0, -0.0, 0.005, 0.015, 0.025, 2.675, 1.005, 1e15, 1e17, 5e-324,
        ];
        for k in -4000..4000 {
            let tie = f64::from(k) / 8.0;
            values.extend([tie, tie.next_up(), tie.next_down()]);
        }
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = f64::from_bits(x);
            if v.is_finite() {
                values.push(v);
                values.push((x % 2_000_000) as f64 / 997.0 - 1000.0);
            }
        }
        for v in values {
            assert_eq!(num(v), num_by_format(v), "{v:e}");
        }
    }

    #[test]
    fn dot_keeps_backslash_sequences_literal() {
        assert_eq!(dot_string(&["a\\N\"b".into()]), r#""a\\N\"b""#);
        assert_eq!(dot_string(&["x".into(), "y".into()]), r#""x\ny""#);
        assert_eq!(
            dot_string(&["R&amp;D &#65;".into()]),
            r#""R&amp;amp;D &amp;#65;""#
        );
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
