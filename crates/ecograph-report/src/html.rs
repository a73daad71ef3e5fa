//! The HTML page: a fixed shell, the data as inert JSON, the diagrams as inert
//! templates, and the script and style that the Content-Security-Policy allows by hash.

use crate::data::Built;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The page's script: plain JavaScript, no library.
pub(crate) const SCRIPT: &str = include_str!("../assets/report.js");
/// The page's style sheet, screen and print.
pub(crate) const STYLE: &str = include_str!("../assets/report.css");

/// Text for HTML element content and quoted attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside `<script type="application/json">`: no `<`, `>` or `&`
/// (so no `</script>` or `<!--`), and no U+2028/U+2029. They can only occur inside
/// JSON strings, where the `\u` escapes mean the same characters.
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    let raw = value.to_string();
    let mut out = String::with_capacity(raw.len() + raw.len() / 16);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding, as CSP hash sources want it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A CSP hash source for an inline script or style with exactly this text.
pub(crate) fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// The text of every `<style>` element in `svg` (the Gantt chart styles its text with
/// one): it applies once the SVG is in the page, so the policy must allow it by hash.
fn svg_styles(svg: &str) -> impl Iterator<Item = &str> {
    svg.split("<style").skip(1).filter_map(|rest| {
        let (_, body) = rest.split_once('>')?;
        Some(body.split_once("</style>")?.0)
    })
}

/// The Content-Security-Policy: nothing may be loaded from anywhere; the one script, the
/// page's style sheet and the diagrams' own style sheets apply because their hashes
/// match; images only as `data:`.
pub(crate) fn content_security_policy(built: &Built) -> String {
    let mut styles = vec![csp_hash(STYLE)];
    let mut seen = std::collections::BTreeSet::new();
    for (_, svg) in &built.templates {
        for style in svg_styles(svg) {
            if seen.insert(style) {
                styles.push(csp_hash(style));
            }
        }
    }
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        styles.join(" ")
    )
}

pub(crate) fn page(title: &str, lang: &str, built: &Built) -> String {
    let data = script_json(&built.data);
    let svg_len: usize = built.templates.iter().map(|(_, s)| s.len() + 40).sum();
    let mut out = String::with_capacity(data.len() + svg_len + SCRIPT.len() + STYLE.len() + 1024);
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{}\">", escape_html(lang));
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        content_security_policy(built)
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape_html(title));
    let _ = writeln!(out, "<style>{STYLE}</style>");
    out.push_str("</head>\n<body>\n");
    out.push_str("<a class=\"skip\" href=\"#main\" id=\"skip\">Skip to content</a>\n");
    out.push_str("<header id=\"top\"></header>\n");
    out.push_str("<main id=\"main\" tabindex=\"-1\"><noscript>This report needs JavaScript.</noscript></main>\n");
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"data\">{data}</script>"
    );
    for (id, svg) in &built.templates {
        let _ = writeln!(
            out,
            "<template id=\"tpl-{}\">{svg}</template>",
            escape_html(id)
        );
    }
    let _ = writeln!(out, "<script>{SCRIPT}</script>");
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = serde_json::json!({ "x": "</script><!-- & \u{2028}\u{2029}" });
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn the_assets_cannot_end_their_elements_early() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }
}
