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
pub(crate) fn locate(src: &str, diags: &mut [Diagnostic]) {
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
    };
    sc.value(Some(0));
    let lines = LineIndex::new(src);
    for d in diags.iter_mut() {
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
            let (l, c) = lines.position(src, off);
            d.line = Some(l);
            d.column = Some(c);
        }
    }
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }
    /// 1-based line and column (in characters) of a byte offset.
    fn position(&self, src: &str, off: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= off);
        let start = self.starts[line - 1];
        let col = src
            .get(start..off)
            .map_or(off - start, |s| s.chars().count());
        (line, col + 1)
    }
}

/// A scanner over text that serde_json has already accepted, so it can be lenient.
struct Scanner<'a> {
    b: &'a [u8],
    src: &'a str,
    i: usize,
    trie: &'a mut Vec<Node>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// Scans one value; `node` is the trie node it corresponds to, if anyone asked for it.
    fn value(&mut self, node: Option<usize>) {
        self.ws();
        if let Some(n) = node {
            self.trie[n].value_at = Some(self.i);
        }
        let Some(&c) = self.b.get(self.i) else { return };
        let wanted = node.filter(|&n| !self.trie[n].children.is_empty());
        match c {
            b'{' => self.object(wanted),
            b'[' => self.array(wanted),
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

    fn object(&mut self, node: Option<usize>) {
        self.i += 1;
        loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b'"') => {}
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    self.i += 1;
                    return;
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
            if let Some(c) = child {
                // A repeated key: the first one is where the problem is reported.
                if self.trie[c].key_at.is_some() {
                    self.ws();
                    self.i += 1;
                    self.value(None);
                    continue;
                }
                self.trie[c].key_at = Some(key_at);
            }
            self.ws();
            self.i += 1; // ':'
            self.value(child);
        }
    }

    fn array(&mut self, node: Option<usize>) {
        self.i += 1;
        let mut index = 0;
        loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b']') | None => {
                    self.i += 1;
                    return;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let child = node.and_then(|n| self.trie[n].children.get(&Seg::Index(index)).copied());
            self.value(child);
            index += 1;
        }
    }
}
