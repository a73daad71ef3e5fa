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
