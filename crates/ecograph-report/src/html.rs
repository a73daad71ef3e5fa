//! The HTML page: a fixed shell, the data as inert JSON, the diagrams as inert
//! templates, and the script and style that the Content-Security-Policy allows by hash.

use crate::data::{Input, Plan};
use sha2::{Digest, Sha256};
use std::io::{self, Write};

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

/// A writer of JSON that is safe inside `<script type="application/json">`: no `<`,
/// `>` or `&` (so no `</script>` or `<!--`), and no U+2028/U+2029. They can only occur
/// inside JSON strings, where the `\u` escapes mean the same characters.
pub(crate) struct ScriptJson<W: Write> {
    out: W,
    /// The start of a U+2028 or U+2029 that the last write ended in.
    held: Vec<u8>,
}

/// U+2028 and U+2029 in UTF-8 share their first two bytes.
const SEPARATOR: [u8; 2] = [0xE2, 0x80];

impl<W: Write> ScriptJson<W> {
    pub(crate) fn new(out: W) -> Self {
        ScriptJson {
            out,
            held: Vec::new(),
        }
    }

    /// Writes what a last write held back (no separator, since the text ended).
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.held)
    }

    fn escape(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            let escaped: &[u8] = match buf[i] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                0xE2 => {
                    let rest = &buf[i..];
                    if rest.len() < 3 && SEPARATOR.starts_with(rest) {
                        self.out.write_all(&buf[start..i])?;
                        self.held.extend_from_slice(rest);
                        return Ok(());
                    }
                    match rest {
                        [0xE2, 0x80, 0xA8, ..] => b"\\u2028",
                        [0xE2, 0x80, 0xA9, ..] => b"\\u2029",
                        _ => {
                            i += 1;
                            continue;
                        }
                    }
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            self.out.write_all(&buf[start..i])?;
            self.out.write_all(escaped)?;
            i += if buf[i] == 0xE2 { 3 } else { 1 };
            start = i;
        }
        self.out.write_all(&buf[start..])
    }
}

impl<W: Write> Write for ScriptJson<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.held.is_empty() {
            self.escape(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(buf);
            self.escape(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
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

/// The Content-Security-Policy: nothing may be loaded from anywhere; the one script, the
/// page's style sheet and the Gantt charts' style sheet (when the page has charts)
/// apply because their hashes match; images only as `data:`. The diagrams of views
/// carry no style sheet.
pub(crate) fn content_security_policy(gantt: bool) -> String {
    let mut styles = vec![csp_hash(STYLE)];
    if gantt {
        styles.push(csp_hash(ecograph_schedule::GANTT_STYLE));
    }
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        styles.join(" ")
    )
}

/// The page, written as it is made.
pub(crate) fn write_page(input: &Input<'_, '_>, out: &mut impl Write) -> io::Result<()> {
    let mut plan = Plan::new(input);
    out.write_all(b"<!DOCTYPE html>\n")?;
    writeln!(out, "<html lang=\"{}\">", escape_html(input.lang))?;
    out.write_all(b"<head>\n<meta charset=\"utf-8\">\n")?;
    out.write_all(b"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        content_security_policy(plan.has_gantt())
    )?;
    out.write_all(b"<meta name=\"referrer\" content=\"no-referrer\">\n")?;
    writeln!(out, "<title>{}</title>", escape_html(input.title))?;
    writeln!(out, "<style>{STYLE}</style>")?;
    out.write_all(b"</head>\n<body>\n")?;
    out.write_all(b"<a class=\"skip\" href=\"#main\" id=\"skip\">Skip to content</a>\n")?;
    out.write_all(b"<header id=\"top\"></header>\n")?;
    out.write_all(b"<main id=\"main\" tabindex=\"-1\"><noscript>This report needs JavaScript.</noscript></main>\n")?;
    out.write_all(b"<script type=\"application/json\" id=\"data\">")?;
    let mut data = ScriptJson::new(&mut *out);
    plan.write_data(&mut data)?;
    data.finish()?;
    out.write_all(b"</script>\n")?;
    plan.write_templates(out)?;
    writeln!(out, "<script>{SCRIPT}</script>")?;
    out.write_all(b"</body>\n</html>\n")
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

    /// `value` as JSON through [`ScriptJson`], written `chunk` bytes at a time.
    fn script_json(value: &serde_json::Value, chunk: usize) -> String {
        let raw = value.to_string();
        let mut out = Vec::new();
        let mut w = ScriptJson::new(&mut out);
        for part in raw.as_bytes().chunks(chunk) {
            w.write_all(part).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn script_json_is_the_same_however_the_text_is_cut() {
        let v = serde_json::json!({ "x": "a\u{2028}b\u{2029}c\u{20ac}\u{2027}<&>\u{e2}\u{2028}" });
        let whole = script_json(&v, usize::MAX);
        assert_eq!(
            whole,
            "{\"x\":\"a\\u2028b\\u2029c\u{20ac}\u{2027}\\u003c\\u0026\\u003e\u{e2}\\u2028\"}"
        );
        for chunk in 1..8 {
            assert_eq!(script_json(&v, chunk), whole, "{chunk}-byte writes");
        }
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = serde_json::json!({ "x": "</script><!-- & \u{2028}\u{2029}" });
        let s = script_json(&v, usize::MAX);
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
