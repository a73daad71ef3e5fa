//! Finds the line and column of JSON paths in the source text.
//!
//! Loading never tracks positions (that would slow down large models); only when there
//! are diagnostics does this one pass over the text find where each of them points.

use crate::diag::{Diagnostic, Seg, Target};
use std::collections::BTreeMap;

#[derive(Default)]
struct Node {
    children: BTreeMap<Seg, usize>,
    key_at: Option<usize>,
    value_at: Option<usize>,
}

/// Fills in `line` and `column` of every diagnostic from its path. A path that does not
/// exist in the text (a missing field) points at the nearest enclosing value that does.
/// Text nested deeper than [`MAX_NESTING`] adds a located `too-deep` error.
pub(crate) fn locate(src: &str, diags: &mut Vec<Diagnostic>) {
    if diags.is_empty() {
        return;
    }
    let mut trie = vec![Node::default()];
    for d in diags.iter() {
        let mut n = 0;
        for seg in d.path.segs() {
            n = match trie[n].children.get(seg) {
                Some(&c) => c,
                None => {
                    trie.push(Node::default());
                    let c = trie.len() - 1;
                    trie[n].children.insert(seg.clone(), c);
                    c
                }
            };
        }
    }
    let mut sc = Scanner {
        b: src.as_bytes(),
        src,
        i: 0,
        trie: &mut trie,
        open: Vec::new(),
        too_deep: None,
    };
    sc.run();
    let too_deep = sc.too_deep;
    if let Some(off) = too_deep {
        let mut d = Diagnostic::new(
            crate::diag::Severity::Error,
            "too-deep",
            path_at(src, off),
            format!("the JSON nests deeper than {MAX_NESTING} levels here"),
        )
        .suggest(Some(
            "a model nests about eight levels at most: look for a runaway run of `[` or `{`".into(),
        ));
        let (l, c) = Cursor::default().advance(src, off);
        d.line = Some(l);
        d.column = Some(c);
        diags.push(d);
    }
    // Every diagnostic's offset first, then lines and columns in one pass over the text
    // in offset order: counting characters from each line's start per diagnostic is
    // quadratic on a one-line (minified) file with many diagnostics.
    let mut offsets: Vec<(usize, usize)> = Vec::new();
    for (i, d) in diags.iter().enumerate() {
        if d.line.is_some() {
            continue;
        }
        let mut n = 0;
        let mut at = trie[0].value_at;
        let segs = d.path.segs().len();
        for (k, seg) in d.path.segs().iter().enumerate() {
            match trie[n].children.get(seg) {
                Some(&c) if trie[c].value_at.is_some() => {
                    n = c;
                    let last = k + 1 == segs;
                    at = if last && d.target == Target::Key {
                        trie[c].key_at.or(trie[c].value_at)
                    } else {
                        trie[c].value_at
                    };
                }
                _ => break,
            }
        }
        if let Some(off) = at {
            offsets.push((off, i));
        }
    }
    offsets.sort_unstable();
    let mut cursor = Cursor::default();
    for (off, i) in offsets {
        let (l, c) = cursor.advance(src, off);
        diags[i].line = Some(l);
        diags[i].column = Some(c);
    }
}

/// Walks the text forwards, keeping the line and the column (in characters) of a byte
/// offset, so that positions asked for in increasing order cost one pass in all.
#[derive(Default)]
struct Cursor {
    at: usize,
    line: usize,
    /// Characters from the start of the line to `at`.
    col: usize,
}

impl Cursor {
    /// 1-based line and column of `off`, which is not before the last offset asked for.
    fn advance(&mut self, src: &str, off: usize) -> (usize, usize) {
        let b = src.as_bytes();
        let off = off.min(b.len());
        for &c in &b[self.at.min(off)..off] {
            if c == b'\n' {
                self.line += 1;
                self.col = 0;
            } else if c & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: a character starts here.
                self.col += 1;
            }
        }
        self.at = self.at.max(off);
        (self.line + 1, self.col + 1)
    }
}

/// How deep JSON may nest. A model file needs about eight levels; serde_json's own
/// limit for what it builds is 128. Deeper input is an error (`too-deep`): nothing in
/// ecograph recurses on it, but such a file is not a model.
pub(crate) const MAX_NESTING: usize = 128;

/// An open container while scanning.
#[derive(Clone, Copy)]
enum Open {
    Object { node: Option<usize> },
    Array { node: Option<usize>, index: usize },
}

/// A scanner over text that serde_json has already accepted, so it can be lenient. It
/// keeps its own stack of open containers: the depth of the text never becomes the depth
/// of the call stack.
struct Scanner<'a> {
    b: &'a [u8],
    src: &'a str,
    i: usize,
    trie: &'a mut Vec<Node>,
    open: Vec<Open>,
    /// Where the text first nests deeper than [`MAX_NESTING`].
    too_deep: Option<usize>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// Scans the whole text from its top-level value.
    fn run(&mut self) {
        self.value(Some(0));
        while let Some(&top) = self.open.last() {
            self.ws();
            match top {
                Open::Object { node } => {
                    match self.b.get(self.i) {
                        Some(b'"') => {}
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => {
                            self.i += 1;
                            self.open.pop();
                            continue;
                        }
                    }
                    let key_at = self.i;
                    let (s, e) = self.string();
                    let child = node.and_then(|n| {
                        let raw = &self.src[s..e];
                        let key = if raw.contains('\\') {
                            serde_json::from_str::<String>(&self.src[s - 1..=e]).unwrap_or_default()
                        } else {
                            raw.to_owned()
                        };
                        self.trie[n].children.get(&Seg::Key(key.into())).copied()
                    });
                    self.ws();
                    self.i += 1; // ':'
                    match child {
                        // A repeated key: the first one is where the problem is reported.
                        Some(c) if self.trie[c].key_at.is_some() => self.value(None),
                        Some(c) => {
                            self.trie[c].key_at = Some(key_at);
                            self.value(Some(c));
                        }
                        None => self.value(None),
                    }
                }
                Open::Array { node, index } => {
                    match self.b.get(self.i) {
                        Some(b']') | None => {
                            self.i += 1;
                            self.open.pop();
                            continue;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    if let Some(Open::Array { index, .. }) = self.open.last_mut() {
                        *index += 1;
                    }
                    let child =
                        node.and_then(|n| self.trie[n].children.get(&Seg::Index(index)).copied());
                    self.value(child);
                }
            }
        }
    }

    /// Starts one value; `node` is the trie node it corresponds to, if anyone asked for
    /// it. Scalars are scanned whole; a container is opened for [`Scanner::run`].
    fn value(&mut self, node: Option<usize>) {
        self.ws();
        if let Some(n) = node {
            self.trie[n].value_at = Some(self.i);
        }
        let Some(&c) = self.b.get(self.i) else { return };
        let wanted = node.filter(|&n| !self.trie[n].children.is_empty());
        match c {
            b'{' | b'[' => {
                if self.open.len() == MAX_NESTING && self.too_deep.is_none() {
                    self.too_deep = Some(self.i);
                }
                self.open.push(if c == b'{' {
                    Open::Object { node: wanted }
                } else {
                    Open::Array {
                        node: wanted,
                        index: 0,
                    }
                });
                self.i += 1;
            }
            b'"' => {
                self.string();
            }
            _ => {
                while self.i < self.b.len()
                    && !matches!(
                        self.b[self.i],
                        b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.i += 1;
                }
            }
        }
    }

    /// Skips a string and returns its raw contents (without quotes).
    fn string(&mut self) -> (usize, usize) {
        self.i += 1;
        let start = self.i;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => break,
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.b.len());
        self.i += 1;
        (start, end)
    }
}

/// Where a member of a container is, while scanning up to a syntax error.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Member {
    /// Not begun: after `{`, `[` or `,` (for an object, no key read yet).
    Pending,
    /// An object's key is read; its value may have begun or not.
    Keyed,
    /// An array's element has begun (and is not finished).
    Open,
    /// Finished: only `,` or the closing bracket may follow.
    Done,
}

struct Frame {
    /// `None` for an array.
    key: Option<String>,
    index: usize,
    member: Member,
}

/// The JSON path of the place a syntax error at byte `offset` is in: the member of each
/// enclosing container that has begun there. A container whose next member has not begun
/// (a trailing comma, a file that ends after a complete element) is itself the place.
pub(crate) fn path_at(src: &str, offset: usize) -> crate::diag::JsonPath {
    let b = src.as_bytes();
    let end = offset.min(b.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // A value begins in the innermost container (at the top level, nothing to record).
    let begin = |stack: &mut Vec<Frame>| {
        if let Some(f) = stack.last_mut()
            && f.key.is_none()
        {
            f.member = Member::Open;
        }
    };
    let finish = |stack: &mut Vec<Frame>| {
        if let Some(f) = stack.last_mut() {
            f.member = Member::Done;
        }
    };
    while i < end {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b':' => i += 1,
            b'{' | b'[' => {
                begin(&mut stack);
                stack.push(Frame {
                    key: (b[i] == b'{').then(String::new),
                    index: 0,
                    member: Member::Pending,
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                finish(&mut stack);
                i += 1;
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    if f.key.is_none() {
                        f.index += 1;
                    }
                    f.member = Member::Pending;
                }
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < end && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let closed = i < end;
                i = (i + 1).min(end.max(i));
                match stack.last_mut() {
                    // An object's key.
                    Some(f) if closed && f.key.is_some() && f.member == Member::Pending => {
                        let raw = src.get(start..i.saturating_sub(1)).unwrap_or("");
                        f.key = Some(
                            serde_json::from_str::<String>(&format!("\"{raw}\""))
                                .unwrap_or_else(|_| raw.to_owned()),
                        );
                        f.member = Member::Keyed;
                    }
                    // A whole string value: its member is finished.
                    _ if closed => finish(&mut stack),
                    _ => begin(&mut stack),
                }
            }
            _ => {
                // A number, `true`, `false`, `null` or something serde_json rejected.
                begin(&mut stack);
                while i < end && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
                if i < end {
                    finish(&mut stack);
                }
            }
        }
    }
    let mut path = crate::diag::JsonPath::default();
    for f in &stack {
        match (&f.key, f.member) {
            (Some(k), Member::Keyed) => path = path.key_dyn(k),
            (None, Member::Open) => path = path.index(f.index),
            _ => break,
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn path(src: &str, at: &str) -> String {
        let offset = src.find(at).expect("marker in the source");
        path_at(src, offset).to_string()
    }

    #[test]
    fn syntax_errors_are_placed_in_the_member_that_has_begun() {
        let src = r#"{"a": [1, {"b\"c": {"d": x}}, 3], "e": "#;
        assert_eq!(path(src, "x"), r#"a[1]["b\"c"].d"#);
        assert_eq!(path(src, "3"), "a");
        assert_eq!(path(src, ", 3"), "a");
        assert_eq!(path(src, r#""e""#), "$");
        assert_eq!(path_at(src, src.len()).to_string(), "e");
        assert_eq!(path(r#"[{"k": "v" "w"}]"#, r#""w""#), "[0]");
    }

    proptest! {
        /// Bad input never panics: any text, any offset.
        #[test]
        fn any_text_and_offset_gives_a_path(src in "[\\{}\\[\\]\",: a-zÄ\\\\0-9]{0,60}", at in 0usize..80) {
            let _ = path_at(&src, at);
        }
    }
}
