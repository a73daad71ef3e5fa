//! Text for a terminal: user text (ids, names, labels) made harmless before it is
//! printed.
//!
//! A model may hold any Unicode in its strings. Printed raw, an ESC starts a terminal
//! control sequence (`\u{1b}[31m` recolours the terminal, others move the cursor or set
//! the window title), BEL rings, NUL and DEL confuse pagers, a newline in a name forges
//! an extra table row, and bidirectional overrides reorder what follows. [`escape`] is
//! the one place that decides how such characters look; every text output of ecograph
//! passes user text through it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls (including
/// newline, carriage return and tab, which would break a line or a column), DEL, the
/// Unicode line and paragraph separators, and the bidirectional embedding, override
/// and isolate controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every [unsafe](is_unsafe) character written as a visible escape: `\n`,
/// `\r`, `\t` for the usual three, `\u{1b}` style for the rest (the form Rust and
/// JavaScript read back). Borrowed when nothing needed escaping, which is the usual
/// case.
///
/// ```
/// use ecograph_core::term::escape;
/// assert_eq!(escape("Työmarkkinatori"), "Työmarkkinatori");
/// assert_eq!(escape("red\u{1b}[31m\nrow"), "red\\u{1b}[31m\\nrow");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A whole text output made safe for a terminal: like [`escape`], but line breaks
/// (`\n`) are kept, because they are the output's own. The last line of defence under
/// the per-string [`escape`]: whatever reaches a terminal through it carries no control
/// sequence.
///
/// ```
/// use ecograph_core::term::escape_output;
/// assert_eq!(escape_output("a\u{7}\nb\n"), "a\\u{7}\nb\n");
/// ```
pub fn escape_output(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for line in s.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&escape(body));
        out.push_str(nl);
    }
    Cow::Owned(out)
}

/// JSON text made safe for a terminal without changing what it says: every
/// [unsafe](is_unsafe) character serde_json leaves as itself (DEL, the C1 controls, the
/// line and paragraph separators and the bidirectional controls; C0 controls are
/// escaped already) written as a JSON `\uXXXX` escape. Such characters can only stand
/// inside JSON strings, where the escape means the same character, so the result
/// parses to the same value. Borrowed when there is none, the usual case.
///
/// ```
/// use ecograph_core::term::json_safe;
/// assert_eq!(json_safe("{\"a\": \"x\u{202e}y\"}"), "{\"a\": \"x\\u202ey\"}");
/// assert_eq!(json_safe("[\"Työ\"]"), "[\"Työ\"]");
/// ```
pub fn json_safe(json: &str) -> Cow<'_, str> {
    match json_escaped(json.as_bytes()) {
        None => Cow::Borrowed(json),
        // Only whole UTF-8 sequences were replaced, by ASCII.
        Some(out) => Cow::Owned(String::from_utf8(out).unwrap_or_default()),
    }
}

/// `b` with every unsafe character as a JSON `\uXXXX` escape, or `None` when it has
/// none ([`json_safe`], [`JsonSafe`]).
fn json_escaped(b: &[u8]) -> Option<Vec<u8>> {
    let first = next_unsafe(b, 0)?;
    let mut out = Vec::with_capacity(b.len() + 16);
    let mut done = 0;
    let mut at = Some(first);
    while let Some((i, len)) = at {
        out.extend_from_slice(&b[done..i]);
        push_json_escape(&mut out, &b[i..i + len]);
        done = i + len;
        at = next_unsafe(b, done);
    }
    out.extend_from_slice(&b[done..]);
    Some(out)
}

/// A writer that passes JSON text through [`json_safe`] on its way to `inner`, however
/// the text is split into writes (a character cut between two writes is held back
/// until its end arrives).
#[derive(Debug)]
pub struct JsonSafe<W> {
    inner: W,
    /// The start of a UTF-8 sequence the last write ended in.
    held: Vec<u8>,
}

impl<W: std::io::Write> JsonSafe<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        JsonSafe {
            inner,
            held: Vec::new(),
        }
    }

    /// Writes out anything held back (the text was not UTF-8 there) and gives back
    /// the writer.
    ///
    /// # Errors
    /// Whatever writing to the inner writer returns.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&held)?;
        Ok(self.inner)
    }

    fn put(&mut self, b: &[u8]) -> std::io::Result<()> {
        match json_escaped(b) {
            None => self.inner.write_all(b),
            Some(out) => self.inner.write_all(&out),
        }
    }
}

impl<W: std::io::Write> std::io::Write for JsonSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Hold back an unfinished UTF-8 sequence at the end (at most three bytes).
        let mut joined;
        let bytes = if self.held.is_empty() {
            buf
        } else {
            joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(buf);
            &joined[..]
        };
        let cut = unfinished_tail(bytes);
        let (whole, tail) = bytes.split_at(bytes.len() - cut);
        self.put(whole)?;
        self.held = tail.to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// How many bytes at the end of `b` start a UTF-8 sequence that does not end in `b`.
fn unfinished_tail(b: &[u8]) -> usize {
    for back in 1..=3.min(b.len()) {
        let c = b[b.len() - back];
        if c & 0xC0 != 0x80 {
            // A lead byte (or ASCII): the sequence needs this many bytes.
            let need = match c {
                0xF0..=0xFF => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            };
            return if need > back { back } else { 0 };
        }
    }
    0
}

/// The next unsafe character at or after `from`: its byte offset and UTF-8 length. A
/// text with no byte of 0x7F or above is skipped eight bytes at a time.
fn next_unsafe(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < b.len() {
        if i + 8 <= b.len() {
            let mut w = [0; 8];
            w.copy_from_slice(&b[i..i + 8]);
            let w = u64::from_le_bytes(w);
            // No byte with its high bit set, and none equal to 0x7F.
            let high = w & 0x8080_8080_8080_8080;
            let del = (w ^ 0x7F7F_7F7F_7F7F_7F7F).wrapping_sub(0x0101_0101_0101_0101)
                & !(w ^ 0x7F7F_7F7F_7F7F_7F7F)
                & 0x8080_8080_8080_8080;
            if high == 0 && del == 0 {
                i += 8;
                continue;
            }
        }
        match b[i] {
            0x7F => return Some((i, 1)),
            // U+0080..U+009F.
            0xC2 if matches!(b.get(i + 1), Some(0x80..=0x9F)) => return Some((i, 2)),
            // U+2028..U+202E and U+2066..U+2069.
            0xE2 if matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0x80), Some(0xA8..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
            ) =>
            {
                return Some((i, 3));
            }
            _ => i += 1,
        }
    }
    None
}

/// `\uXXXX` for the character whose UTF-8 is `seq`.
fn push_json_escape(out: &mut Vec<u8>, seq: &[u8]) {
    let c = std::str::from_utf8(seq)
        .ok()
        .and_then(|s| s.chars().next())
        .map_or(0xFFFD, u32::from);
    let _ = std::io::Write::write_fmt(out, format_args!("\\u{c:04x}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write as _;

    /// Characters of every class the escaping tells apart.
    fn text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            Just('a'),
            Just('ä'),
            Just('"'),
            Just('\\'),
            Just('\n'),
            Just('\u{1b}'),
            Just('\u{7f}'),
            Just('\u{80}'),
            Just('\u{85}'),
            Just('\u{9f}'),
            Just('\u{a0}'),
            Just('\u{2027}'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('\u{202a}'),
            Just('\u{202e}'),
            Just('\u{202f}'),
            Just('\u{2065}'),
            Just('\u{2066}'),
            Just('\u{2069}'),
            Just('\u{206a}'),
            Just('漢'),
            Just('🚀'),
            any::<char>(),
        ];
        proptest::collection::vec(c, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn json_safe_keeps_the_value_and_leaves_nothing_unsafe(
            strings in proptest::collection::vec(text(), 0..4),
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            let json = serde_json::to_string_pretty(&strings).unwrap();
            let safe = json_safe(&json);
            let back: Vec<String> = serde_json::from_str(&safe).unwrap();
            prop_assert_eq!(&back, &strings);
            prop_assert!(!safe.chars().any(|c| c != '\n' && is_unsafe(c)), "{}", safe);
            // Borrowed exactly when there was nothing to escape.
            let had = json.chars().any(|c| c != '\n' && is_unsafe(c));
            prop_assert_eq!(matches!(safe, Cow::Owned(_)), had);
            // The writer gives the same bytes however the text is cut into writes.
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(json.len())).collect();
            cuts.sort_unstable();
            let mut w = JsonSafe::new(Vec::new());
            let mut from = 0;
            for c in cuts.into_iter().chain([json.len()]) {
                w.write_all(&json.as_bytes()[from..c]).unwrap();
                from = c;
            }
            prop_assert_eq!(String::from_utf8(w.into_inner().unwrap()).unwrap(), safe.into_owned());
        }
    }

    #[test]
    fn json_safe_escapes_each_unsafe_class() {
        assert_eq!(
            json_safe("\"\u{7f}\u{85}\u{2028}\u{202b}\u{2069}\u{a0}\u{2065}\""),
            "\"\\u007f\\u0085\\u2028\\u202b\\u2069\u{a0}\u{2065}\""
        );
    }
}
