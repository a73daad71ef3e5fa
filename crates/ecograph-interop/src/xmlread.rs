//! A guarded, streaming XML reader over quick-xml: events with line:column, no DOCTYPE
//! (so no entity is ever expanded or fetched), only the predefined entities and
//! character references, a depth limit, and a size limit on any one tag or text so a
//! huge file is read in bounded memory.

use crate::error::{Error, Pos, Problem};
use crate::hash::{HashMap, HashSet};
use crate::pipe::Feed;
use quick_xml::events::BytesStart;
use quick_xml::events::Event;
use quick_xml::name::{NamespaceError, PrefixDeclaration, QName};
use quick_xml::reader::Reader;
use std::borrow::Cow;
use std::io::{self, BufRead, Read};

/// Deepest element nesting accepted.
pub(crate) const MAX_DEPTH: usize = 10_000;
/// Longest tag or text accepted, in bytes.
pub(crate) const MAX_TOKEN: usize = 16 << 20;

#[derive(Debug)]
struct TokenTooLong;

impl std::fmt::Display for TokenTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("token too long")
    }
}

impl std::error::Error for TokenTooLong {}

/// Fails a read once more than [`MAX_TOKEN`] bytes pass without a `<` or `>`, so
/// quick-xml's buffer for one event never grows past that; and keeps the place of the
/// next byte quick-xml reads, from the bytes it takes.
struct Guard<R> {
    inner: R,
    since: usize,
    place: Place,
}

impl<R: BufRead> Read for Guard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Guard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since > MAX_TOKEN {
            return Err(io::Error::other(TokenTooLong));
        }
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let (seen, rest) = buf.split_at(amt.min(buf.len()));
            match seen.iter().rposition(|&b| b == b'<' || b == b'>') {
                Some(p) => self.since = seen.len() - p - 1,
                None => self.since += seen.len(),
            }
            self.place.advance(seen, rest);
        }
        self.inner.consume(amt);
    }
}

/// The line and column (in characters) of the next byte of the input, counted from
/// the bytes taken. Every byte of the input is taken once, in order, so this is exact
/// whatever the events are.
#[derive(Debug, Clone, Copy)]
struct Place {
    line: u64,
    col: u64,
    /// How many bytes from the next one on are known to hold no line end and only
    /// ASCII (a column each), all in the reader's buffer: most bytes taken are counted
    /// by this number alone, and each byte is looked at once to find it.
    clean: usize,
    /// Whether no byte has been taken yet (a byte order mark there takes no column).
    first: bool,
    /// Whether the last byte taken was a `<`: quick-xml takes the `<` that ends a text
    /// with the text, so the tag that follows starts one column back.
    after_lt: bool,
}

impl Place {
    fn new() -> Place {
        Place {
            line: 1,
            col: 1,
            clean: 0,
            first: true,
            after_lt: false,
        }
    }

    /// Where the event about to be read starts: here, or at the `<` just taken.
    fn event_start(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col - u64::from(self.after_lt),
        }
    }

    /// Counts `taken`, the bytes just taken, then, when they were not all known clean,
    /// how many of `rest` (the bytes of the buffer after them) are.
    fn advance(&mut self, taken: &[u8], rest: &[u8]) {
        if let Some(&b) = taken.last() {
            self.after_lt = b == b'<';
        }
        if taken.len() <= self.clean {
            self.clean -= taken.len();
            self.col += taken.len() as u64;
            return;
        }
        let mut taken = taken;
        if std::mem::take(&mut self.first) {
            taken = taken.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(taken);
        }
        // One pass, eight bytes at a time, counts the newlines, finds the last and
        // counts the characters (bytes that do not continue a UTF-8 sequence); the part
        // after the last newline is counted again only when the bytes are not ASCII.
        let (nl, last, chars) = scan(taken);
        match last {
            None => self.col += chars,
            Some(last) => {
                self.line += nl;
                let after = &taken[last + 1..];
                let chars_after = if chars == taken.len() as u64 {
                    after.len() as u64
                } else {
                    scan(after).2
                };
                self.col = 1 + chars_after;
            }
        }
        self.clean = clean_prefix(rest);
    }
}

/// How many bytes at the start of `s` are neither a `\n` nor outside ASCII. Eight
/// bytes at a time.
fn clean_prefix(s: &[u8]) -> usize {
    let mut words = s.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = le_word(w);
        let bad = zero_bytes(x ^ 0x0A0A_0A0A_0A0A_0A0A) | (x & HIGH);
        if bad != 0 {
            return at + (bad.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + words
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b >= 0x80)
        .unwrap_or(words.remainder().len())
}

/// One attribute: its namespace (when bound), local name and unescaped value.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    pub ns: Option<Cow<'static, str>>,
    pub local: Cow<'static, str>,
    /// The name as written (`xml:lang`, `xsi:type`).
    pub qname: Cow<'static, str>,
    pub value: String,
}

/// Tag and attribute names the readers meet on every line, shared instead of allocated
/// for each occurrence (a `match`, which compiles to a dispatch on the length and a
/// few comparisons, rather than a scan of the list).
fn name(b: &[u8]) -> Cow<'static, str> {
    Cow::Borrowed(match b {
        b"identifier" => "identifier",
        b"source" => "source",
        b"target" => "target",
        b"type" => "type",
        b"xsi:type" => "xsi:type",
        b"lang" => "lang",
        b"xml:lang" => "xml:lang",
        b"accessType" => "accessType",
        b"modifier" => "modifier",
        b"isDirected" => "isDirected",
        b"elementRef" => "elementRef",
        b"relationshipRef" => "relationshipRef",
        b"identifierRef" => "identifierRef",
        b"propertyDefinitionRef" => "propertyDefinitionRef",
        b"x" => "x",
        b"y" => "y",
        b"w" => "w",
        b"h" => "h",
        b"model" => "model",
        b"name" => "name",
        b"documentation" => "documentation",
        b"elements" => "elements",
        b"element" => "element",
        b"relationships" => "relationships",
        b"relationship" => "relationship",
        b"properties" => "properties",
        b"property" => "property",
        b"value" => "value",
        b"organizations" => "organizations",
        b"item" => "item",
        b"label" => "label",
        b"propertyDefinitions" => "propertyDefinitions",
        b"propertyDefinition" => "propertyDefinition",
        b"node" => "node",
        b"connection" => "connection",
        b"bendpoint" => "bendpoint",
        _ => return Cow::Owned(String::from_utf8_lossy(b).into_owned()),
    })
}

#[derive(Debug)]
pub(crate) enum Ev {
    /// A start tag; its attributes are [`XmlIn::attrs`].
    Start {
        ns: Option<Cow<'static, str>>,
        local: Cow<'static, str>,
        empty: bool,
    },
    End,
    /// A piece of text, in [`XmlIn::text`] (one buffer reused for every piece: most
    /// pieces are the indentation between tags).
    Text,
    Eof,
}

/// Of `s`: the number of `\n`, where the last one is, and the number of characters
/// (bytes that do not continue a UTF-8 sequence). Eight bytes at a time: most contents
/// are a few dozen bytes, too short for vector code, and byte loops were a twentieth
/// of an import.
fn scan(s: &[u8]) -> (u64, Option<usize>, u64) {
    let (mut nl, mut last, mut cont) = (0u64, None, 0u64);
    let mut words = s.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = le_word(w);
        // A byte of `x` XOR `\n`s is zero exactly where `x` holds a `\n`.
        let m = zero_bytes(x ^ 0x0A0A_0A0A_0A0A_0A0A);
        if m != 0 {
            nl += high_bits(m);
            last = Some(at + (63 - m.leading_zeros() as usize) / 8);
        }
        // A continuation byte is 10xxxxxx: bit 7 set, bit 6 (shifted up) clear.
        cont += high_bits(x & !(x << 1) & HIGH);
        at += 8;
    }
    // The last bytes as one word, padded with zeros (neither line ends nor
    // continuation bytes): the last eight bytes shifted, or the few there are.
    let tail = words.remainder();
    if !tail.is_empty() {
        let x = match s.last_chunk::<8>() {
            Some(w) => u64::from_le_bytes(*w) >> (8 * (8 - tail.len())),
            None => tail
                .iter()
                .rev()
                .fold(0u64, |x, &b| (x << 8) | u64::from(b)),
        };
        let m = zero_bytes(x ^ 0x0A0A_0A0A_0A0A_0A0A);
        if m != 0 {
            nl += high_bits(m);
            last = Some(at + (63 - m.leading_zeros() as usize) / 8);
        }
        cont += high_bits(x & !(x << 1) & HIGH);
    }
    (nl, last, s.len() as u64 - cont)
}

/// Eight bytes (a chunk of `chunks_exact(8)`) as one little-endian word.
fn le_word(w: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(w);
    u64::from_le_bytes(b)
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is zero, and no other bit (no carry crosses a
/// byte: at most 0x7F + 0x7F).
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The number of bytes of `m` whose high bit is set, when no other bit is: one
/// multiplication sums them into the top byte (`count_ones` is a long sequence on the
/// baseline x86-64 this is built for).
fn high_bits(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0101_0101_0101_0101)) >> 56
}

/// Whether the bytes of a start tag hold `xmlns` anywhere: a tag without it binds no
/// namespace. Eight bytes at a time, each `x` found compared with the rest.
fn has_xmlns(tag: &[u8]) -> bool {
    let mut words = tag.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let mut m = zero_bytes(le_word(w) ^ 0x7878_7878_7878_7878);
        while m != 0 {
            let i = at + (m.trailing_zeros() / 8) as usize;
            if tag[i..].starts_with(b"xmlns") {
                return true;
            }
            m &= m - 1;
        }
        at += 8;
    }
    tag[at..].windows(5).any(|w| w == b"xmlns")
}

/// Whether every byte of `s` is printable ASCII, a tab or a line end: nearly every
/// text and value, which then needs no decoding to be checked.
fn plain_ascii(s: &[u8]) -> bool {
    plain_without(s, None)
}

/// [`plain_ascii`], and without the byte `also` when given. Eight bytes at a time;
/// only a word with a byte under 0x20 is looked at byte by byte. Inlined into its two
/// callers, so that each gets the loop for its own `also`.
#[inline(always)]
fn plain_without(s: &[u8], also: Option<u8>) -> bool {
    let ok = |b: u8| {
        ((0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r')) && Some(b) != also
    };
    let also_word = also.map(|b| u64::from(b) * 0x0101_0101_0101_0101);
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let x = le_word(w);
        if x & HIGH != 0 {
            return false;
        }
        if also_word.is_some_and(|a| zero_bytes(x ^ a) != 0) {
            return false;
        }
        // With every high bit clear, a byte under 0x20 is one whose sum with 0x60
        // stays under 0x80 (no carry crosses a byte: at most 0x7F + 0x60).
        if !(x + 0x6060_6060_6060_6060) & HIGH != 0 && !w.iter().all(|&b| ok(b)) {
            return false;
        }
    }
    words.remainder().iter().all(|&b| ok(b))
}

/// Whether a name has a prefix. A byte loop: names are a few bytes, shorter than the
/// setup of the `memchr` that `contains` calls.
#[allow(clippy::manual_contains)]
fn prefixed(name: &[u8]) -> bool {
    name.iter().any(|&c| c == b':')
}

/// Whether `s` is [`plain_ascii`] and holds no `&`: an attribute value that is its own
/// text. One pass (values are a few dozen bytes, shorter than `memchr`'s setup).
fn plain_value(s: &[u8]) -> bool {
    plain_without(s, Some(b'&'))
}

/// The reading half of the XML reader: quick-xml's tokenizing, line:column, texts
/// (decoded and checked) and the document's shape (one root, the depth limit). What a
/// start tag holds (its namespace scope, name and attributes) is read by [`Events`],
/// on the consumer's thread of [`piped`], from the tag's bytes kept in the batch: the
/// two threads share the work of reading the file.
pub(crate) struct XmlIn<R: BufRead> {
    reader: Reader<Guard<R>>,
    pub file: String,
    /// Where the last event started.
    pub at: Pos,
    depth: usize,
    saw_root: bool,
    /// The texts read since [`XmlIn::hand_over`], one after the other.
    text: String,
    /// Where the last [`Raw::Text`] starts in `text`.
    text_from: usize,
    /// The contents of the start tags read since [`XmlIn::hand_over`] (between `<` and
    /// `>` or `/>`), for [`Events`] to read (and check as UTF-8), up to `kept`; beyond
    /// it, the bytes of the event being read. quick-xml reads each event into this
    /// buffer, so a start tag is kept where it was read, not copied.
    tags: Vec<u8>,
    /// The end of the last [`Raw::Start`]'s content in `tags`.
    kept: usize,
    /// Where it starts.
    tag_from: usize,
    /// Its local name.
    local: Cow<'static, str>,
    /// The length of its name.
    name_len: usize,
    /// Which elements' texts the reader's user reads (see [`XmlIn::texts_in`]).
    wants_text: fn(&str) -> bool,
    /// For each open element, whether its texts are handed on.
    text_wanted: Vec<bool>,
}

/// An event as the reading half gives it.
#[derive(Debug)]
enum Raw {
    /// A start tag, in `XmlIn::tags[tag_from..]` (its name the first `name_len` bytes). With an error when the document's
    /// shape is wrong there (a second root, too deep): the error comes after whatever
    /// the tag's own reading finds wrong, as on one thread.
    Start {
        empty: bool,
        fails: Option<Error>,
    },
    End,
    Text,
    Eof,
}
/// Namespaces the readers compare against, without an allocation per tag.
const KNOWN: [&str; 4] = [
    "http://www.opengroup.org/xsd/archimate/3.0/",
    "http://www.w3.org/2001/XMLSchema-instance",
    "http://www.w3.org/XML/1998/namespace",
    "http://graphml.graphdrawing.org/xmlns",
];

/// A namespace name as the readers keep it: a known one borrowed, `None` when empty (an
/// unbinding, `xmlns=""`).
fn namespace_name(b: &[u8]) -> Option<Cow<'static, str>> {
    if b.is_empty() {
        return None;
    }
    Some(match KNOWN.iter().find(|k| k.as_bytes() == b) {
        Some(k) => Cow::Borrowed(*k),
        None => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
    })
}

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// The namespace bindings in scope, as quick-xml's `NamespaceResolver` keeps them but by
/// prefix: each prefix's bindings are a stack, so a name is resolved in one look-up
/// however many bindings are in scope. quick-xml searches every binding in scope for each
/// name, which made a tag of 50,000 bindings and 50,000 prefixed attributes take 3 s to
/// read (and 50,000 prefixed elements under one such tag 2 s).
#[derive(Debug, Default)]
struct Scopes {
    /// Each prefix's bindings (the empty prefix: the default namespace), innermost
    /// last; `None` where `xmlns[:p]=""` unbinds it.
    by_prefix: HashMap<Vec<u8>, Vec<Option<Cow<'static, str>>>>,
    /// The prefixes bound by each open tag that binds any, innermost last.
    open: Vec<Vec<Vec<u8>>>,
}

impl Scopes {
    /// Enters the scope of a start tag, with its bindings; the errors are quick-xml's,
    /// for the same bindings (`xml` bound elsewhere than its namespace, `xmlns` bound,
    /// another prefix bound to either namespace).
    fn push(&mut self, e: &BytesStart<'_>) -> Result<(), NamespaceError> {
        let mut bound = Vec::new();
        let mut attributes = e.attributes();
        attributes.with_checks(false);
        let mut result = Ok(());
        for a in attributes {
            let Ok(a) = a else { break };
            let value: &[u8] = &a.value;
            let prefix: &[u8] = match a.key.as_namespace_binding() {
                None => continue,
                Some(PrefixDeclaration::Default) => b"",
                Some(PrefixDeclaration::Named(b"xml")) => {
                    if value != XML_NAMESPACE.as_bytes() {
                        result = Err(NamespaceError::InvalidXmlPrefixBind(value.to_vec()));
                        break;
                    }
                    continue;
                }
                Some(PrefixDeclaration::Named(b"xmlns")) => {
                    result = Err(NamespaceError::InvalidXmlnsPrefixBind(value.to_vec()));
                    break;
                }
                Some(PrefixDeclaration::Named(p)) => {
                    if value == XML_NAMESPACE.as_bytes() {
                        result = Err(NamespaceError::InvalidPrefixForXml(p.to_vec()));
                        break;
                    }
                    if value == XMLNS_NAMESPACE.as_bytes() {
                        result = Err(NamespaceError::InvalidPrefixForXmlns(p.to_vec()));
                        break;
                    }
                    p
                }
            };
            self.by_prefix
                .entry(prefix.to_vec())
                .or_default()
                .push(namespace_name(value));
            bound.push(prefix.to_vec());
        }
        self.open.push(bound);
        result
    }

    /// Leaves the innermost scope entered by [`Scopes::push`].
    fn pop(&mut self) {
        for prefix in self.open.pop().unwrap_or_default() {
            if let Some(stack) = self.by_prefix.get_mut(&prefix) {
                stack.pop();
                if stack.is_empty() {
                    self.by_prefix.remove(&prefix);
                }
            }
        }
    }

    /// The namespace of a name (`element`: an element's, which the default namespace
    /// applies to; else an attribute's) and its local name.
    fn resolve<'n>(&self, name: &'n [u8], element: bool) -> (Option<Cow<'static, str>>, &'n [u8]) {
        let (local, prefix) = QName(name).decompose();
        let ns = match prefix {
            None if !element => None,
            None => self.innermost(b""),
            Some(p) => match p.into_inner() {
                b"xml" => Some(Cow::Borrowed(XML_NAMESPACE)),
                b"xmlns" => Some(Cow::Borrowed(XMLNS_NAMESPACE)),
                p => self.innermost(p),
            },
        };
        (ns, local.into_inner())
    }

    fn innermost(&self, prefix: &[u8]) -> Option<Cow<'static, str>> {
        self.by_prefix.get(prefix)?.last()?.clone()
    }
}

fn fail(file: &str, at: Pos, msg: impl Into<String>) -> Error {
    Error::one(Problem::new(file, Some(at), msg))
}

/// The first character of `s` that XML 1.0 does not allow (its `Char` production), with
/// its byte offset.
fn forbidden(s: &str) -> Option<(usize, char)> {
    // Printable ASCII, tab and line ends (nearly every value) need no decoding.
    if plain_ascii(s.as_bytes()) {
        return None;
    }
    s.char_indices()
        .find(|(_, c)| !crate::xmlwrite::xml_char(*c))
}

/// Where the character at byte `off` of `s` is, when `s` starts at `at`.
fn pos_in(at: Pos, s: &str) -> Pos {
    let chars = |t: &str| t.chars().count() as u64;
    match s.rfind('\n') {
        None => Pos {
            line: at.line,
            column: at.column + chars(s),
        },
        Some(last) => Pos {
            line: at.line + s.matches('\n').count() as u64,
            column: 1 + chars(&s[last + 1..]),
        },
    }
}

/// The error for a character XML 1.0 does not allow, such as a raw U+0017.
fn not_a_char(file: &str, at: Pos, c: char, in_what: &str) -> Error {
    Error::one(
        Problem::new(
            file,
            Some(at),
            format!(
                "the character U+{:04X} {in_what} is not allowed in XML 1.0: not well-formed XML",
                c as u32
            ),
        )
        .help(Some(
            "remove the control character from the file (an exporter should not have written it)"
                .to_owned(),
        )),
    )
}

fn xml_error(file: &str, at: Pos, e: quick_xml::Error) -> Error {
    use quick_xml::Error as Q;
    match e {
        Q::Io(io) => {
            if io.get_ref().is_some_and(|x| x.is::<TokenTooLong>()) {
                return fail(
                    file,
                    at,
                    format!(
                        "a tag or text longer than {} MiB: not read (a file like this is refused rather than held in memory)",
                        MAX_TOKEN >> 20
                    ),
                );
            }
            Error::Io {
                path: file.to_owned(),
                source: io::Error::new(io.kind(), io.to_string()),
            }
        }
        Q::Encoding(e) => fail(file, at, format!("the file is not UTF-8: {e}")),
        other => fail(file, at, format!("not well-formed XML: {other}")),
    }
}

impl<R: BufRead> XmlIn<R> {
    pub fn new(inner: R, file: &str) -> XmlIn<R> {
        let mut reader = Reader::from_reader(Guard {
            inner,
            since: 0,
            place: Place::new(),
        });
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        XmlIn {
            reader,
            file: file.to_owned(),
            at: Pos { line: 1, column: 1 },
            depth: 0,
            saw_root: false,
            text: String::new(),
            text_from: 0,
            tags: Vec::new(),
            kept: 0,
            tag_from: 0,
            local: Cow::Borrowed(""),
            name_len: 0,
            wants_text: |_| true,
            text_wanted: Vec::new(),
        }
    }

    /// Hands on only the texts directly inside the elements whose local name (the name
    /// after any prefix: namespaces are resolved on the other thread) `wants`, and any
    /// outside the root: the others are still read and checked (a forbidden character
    /// in them is still the error it was), but not handed on. Most texts of an exchange
    /// file are the indentation between tags, which no reader of it looks at.
    pub fn texts_in(mut self, wants: fn(&str) -> bool) -> XmlIn<R> {
        self.wants_text = wants;
        self
    }

    /// The texts and tags read since the last hand-over go to `batch`, whose buffers
    /// are reused from here on.
    fn hand_over(&mut self, batch: &mut Batch) {
        self.tags.truncate(self.kept);
        std::mem::swap(&mut self.text, &mut batch.text);
        // The batch's buffers (a spare's, already read) become this reader's.
        let spare = std::mem::take(&mut batch.tags).into_bytes();
        let spare = if spare.capacity() == 0 {
            std::mem::take(&mut batch.odd)
        } else {
            spare
        };
        let filled = std::mem::replace(&mut self.tags, spare);
        // The tags checked as UTF-8 all at once, here, so that the other thread takes
        // each as text without checking it again; a batch with a tag that is not UTF-8
        // goes as bytes, each tag checked there.
        match String::from_utf8(filled) {
            Ok(tags) => {
                batch.tags = tags;
                batch.odd.clear();
            }
            Err(e) => batch.odd = e.into_bytes(),
        }
        self.text.clear();
        self.tags.clear();
        self.text_from = 0;
        self.tag_from = 0;
        self.kept = 0;
    }

    /// The next start tag, end tag, piece of text (entity references resolved, one
    /// piece each) or the end of the file. Comments, processing instructions and the
    /// XML declaration are skipped.
    fn next(&mut self) -> Result<Raw, Error> {
        loop {
            // The bytes of the events read since the last start tag's.
            self.tags.truncate(self.kept);
            let start = self.tags.len();
            let here = self.reader.get_ref().place.event_start();
            self.at = here;
            let file = self.file.as_str();
            let ev = match self.reader.read_event_into(&mut self.tags) {
                Ok(ev) => ev,
                Err(e) => return Err(xml_error(file, here, e)),
            };
            let empty = matches!(ev, Event::Empty(_));
            match ev {
                Event::Text(t) => {
                    // A text no one reads, inside the root and printable ASCII (nearly
                    // always the indentation between tags), can hold nothing wrong.
                    if self.depth > 0 && self.text_wanted.last() == Some(&false) && plain_ascii(&t)
                    {
                        continue;
                    }
                    let raw = t
                        .decode()
                        .map_err(|e| fail(file, here, format!("the file is not UTF-8: {e}")))?;
                    if let Some((off, c)) = forbidden(&raw) {
                        let at = pos_in(here, &raw[..off]);
                        return Err(not_a_char(file, at, c, "in text"));
                    }
                    // Line ends need normalizing only where there is a `\r`; without
                    // one, the text decoded above is the content (not decoded twice).
                    let s = if raw.as_bytes().contains(&b'\r') {
                        t.xml10_content()
                            .map_err(|e| fail(file, here, format!("the file is not UTF-8: {e}")))?
                    } else {
                        raw
                    };
                    if self.depth == 0 && !s.trim().is_empty() {
                        let what = if self.saw_root { "after" } else { "before" };
                        return Err(fail(
                            file,
                            here,
                            format!("not an XML document: text {what} the root element"),
                        ));
                    }
                    if self.text_wanted.last() == Some(&false) {
                        continue;
                    }
                    self.text_from = self.text.len();
                    self.text.push_str(&s);
                    return Ok(Raw::Text);
                }
                Event::CData(c) => {
                    let s = c
                        .decode()
                        .map_err(|e| fail(file, here, format!("the file is not UTF-8: {e}")))?;
                    if let Some((off, c)) = forbidden(&s) {
                        // The content starts after `<![CDATA[`.
                        let start = Pos {
                            line: here.line,
                            column: here.column + 9,
                        };
                        let at = pos_in(start, &s[..off]);
                        return Err(not_a_char(file, at, c, "in a CDATA section"));
                    }
                    if self.text_wanted.last() == Some(&false) {
                        continue;
                    }
                    self.text_from = self.text.len();
                    self.text.push_str(&s);
                    return Ok(Raw::Text);
                }
                Event::GeneralRef(r) => {
                    let ch = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            match name.as_str() {
                                "lt" => '<',
                                "gt" => '>',
                                "amp" => '&',
                                "apos" => '\'',
                                "quot" => '"',
                                _ => {
                                    return Err(fail(
                                        file,
                                        here,
                                        format!(
                                            "undefined entity `&{name};`: only the five predefined entities and character references are read (entities are never expanded)"
                                        ),
                                    ));
                                }
                            }
                        }
                        Err(e) => {
                            return Err(fail(file, here, format!("not well-formed XML: {e}")));
                        }
                    };
                    if !crate::xmlwrite::xml_char(ch) {
                        return Err(not_a_char(file, here, ch, "in a character reference"));
                    }
                    if self.text_wanted.last() == Some(&false) {
                        continue;
                    }
                    self.text_from = self.text.len();
                    self.text.push(ch);
                    return Ok(Raw::Text);
                }
                Event::DocType(_) => {
                    return Err(fail(
                        file,
                        here,
                        "a DOCTYPE declaration is not accepted: entities are never expanded and nothing is fetched",
                    ));
                }
                Event::Start(e) | Event::Empty(e) => {
                    self.name_len = e.name().as_ref().len();
                    // The local name: after the prefix's colon, if any (a name is short:
                    // a byte loop, not quick-xml's memchr call).
                    let qname = e.name();
                    let qname: &[u8] = qname.as_ref();
                    let colon = qname.iter().position(|&b| b == b':');
                    self.local = name(colon.map_or(qname, |c| &qname[c + 1..]));
                    // The content's place in `tags` (where quick-xml read it, after
                    // `start`; without the `/` of an empty tag).
                    let (at, len) = (e.as_ptr() as usize, e.len());
                    drop(e);
                    let from = at.wrapping_sub(self.tags.as_ptr() as usize);
                    if from < start || from + len > self.tags.len() {
                        return Err(fail(
                            file,
                            here,
                            "internal error: a start tag read out of place",
                        ));
                    }
                    self.tag_from = from;
                    self.kept = from + len;
                    let fails = if self.depth == 0 && self.saw_root {
                        Some(fail(
                            file,
                            here,
                            "not an XML document: a second root element",
                        ))
                    } else {
                        None
                    };
                    self.saw_root = true;
                    let fails = fails.or_else(|| {
                        if empty {
                            return None;
                        }
                        // The local name read above (a name that is not UTF-8 was read
                        // with replacement characters, and so is no name `wants_text` wants).
                        let wanted = (self.wants_text)(&self.local);
                        self.text_wanted.push(wanted);
                        self.depth += 1;
                        (self.depth > MAX_DEPTH).then(|| {
                            fail(
                                file,
                                here,
                                format!("elements nested more than {MAX_DEPTH} levels deep"),
                            )
                        })
                    });
                    return Ok(Raw::Start { empty, fails });
                }
                Event::End(_) => {
                    self.text_wanted.pop();
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Raw::End);
                }
                Event::Eof => {
                    if !self.saw_root {
                        return Err(fail(file, here, "not an XML document: no root element"));
                    }
                    return Ok(Raw::Eof);
                }
                _ => continue,
            }
        }
    }
}

/// The consumer's reading of the start tags: the namespace scopes and the attributes of
/// the last tag.
#[derive(Debug, Default)]
struct Tags {
    /// The namespace scopes, kept here rather than by quick-xml's `NsReader`, which
    /// looks through every start tag's attributes for bindings: most tags hold none,
    /// and a byte search tells which (see [`has_xmlns`]).
    ns: Scopes,
    /// For each open element, whether it binds a namespace, and so entered a scope of
    /// `ns` (the scopes of the others would bind nothing).
    bound: Vec<bool>,
    /// The attributes of the last start tag: the first `n`, whose values' buffers are
    /// reused from tag to tag.
    attrs: Vec<Attr>,
    n: usize,
    /// The namespace of a name without prefix in the current scopes, once looked up
    /// (nearly every name: its look-up was a tenth of the thread's work); forgotten
    /// whenever a binding is entered or left.
    default_ns: Option<Option<Cow<'static, str>>>,
}

impl Tags {
    /// Leaves the scope of the innermost open element.
    fn pop(&mut self) {
        if self.bound.pop() == Some(true) {
            self.ns.pop();
            self.default_ns = None;
        }
    }

    /// Reads a start tag's content (`tag`, its name the first `name_len` bytes; the
    /// bytes when they are not UTF-8), entering its scope: its namespace, and its
    /// attributes into `attrs`.
    fn read(
        &mut self,
        tag: Result<&str, &[u8]>,
        name_len: usize,
        file: &str,
        here: Pos,
    ) -> Result<Option<Cow<'static, str>>, Error> {
        let Tags {
            ns,
            bound,
            attrs: slots,
            n,
            default_ns,
        } = self;
        *n = 0;
        let mut again = Vec::new();
        let (text, tag) = match tag {
            Ok(t) => (Some(t), t.as_bytes()),
            Err(b) => (None, b),
        };
        let e = match text {
            // Nearly every tag: the same start tag the reading thread saw.
            Some(t) if name_len <= t.len() => BytesStart::from_content(t, name_len),
            // Not reached: the name is within the tag the reading thread read.
            Some(_) => {
                return Err(fail(
                    file,
                    here,
                    "not well-formed XML: a tag could not be read",
                ));
            }
            None => {
                // quick-xml reads bytes that are not UTF-8 into a start tag as they are:
                // the tag is read again by it (as an empty-element tag, `<` content `/>`).
                again.reserve(tag.len() + 3);
                again.push(b'<');
                again.extend_from_slice(tag);
                again.extend_from_slice(b"/>");
                match Reader::from_reader(&again[..]).read_event() {
                    Ok(Event::Empty(e)) => e,
                    // Not reached: the reading thread read this tag.
                    Ok(_) => {
                        return Err(fail(
                            file,
                            here,
                            "not well-formed XML: a tag could not be read",
                        ));
                    }
                    Err(e) => return Err(xml_error(file, here, e)),
                }
            }
        };
        // As quick-xml's `NsReader` does: a scope is left when the next event is read,
        // entered (with the tag's bindings) when a start tag is read; only tags that bind
        // a namespace enter one (the others would bind nothing).
        let binds = has_xmlns(&e);
        bound.push(binds);
        if binds {
            *default_ns = None;
            if let Err(err) = ns.push(&e) {
                return Err(xml_error(file, here, quick_xml::Error::Namespace(err)));
            }
        }
        let ens = if prefixed(e.name().as_ref()) {
            ns.resolve(e.name().into_inner(), true).0
        } else {
            default_ns
                .get_or_insert_with(|| ns.resolve(e.name().into_inner(), true).0)
                .clone()
        };
        // quick-xml's own check for a repeated attribute compares each name with every
        // earlier one: 200,000 attributes in one tag took 33 s. `Repeats` does it in
        // linear time.
        let mut attributes = e.attributes();
        attributes.with_checks(false);
        let mut repeats = Repeats::default();
        for a in attributes {
            let a = a.map_err(|err| fail(file, here, format!("not well-formed XML: {err}")))?;
            let key: &[u8] = a.key.into_inner();
            if repeats.seen(key) {
                let at = offset_in(&e, key).map_or(here, |off| place_in_tag(here, &e, off));
                return Err(Error::one(
                    Problem::new(
                        file,
                        Some(at),
                        format!(
                            "not well-formed XML: the attribute `{}` is given twice in one tag",
                            String::from_utf8_lossy(key)
                        ),
                    )
                    .help(Some("keep one of them".to_owned())),
                ));
            }
            let qname = name(key);
            if qname == "xmlns" || qname.starts_with("xmlns:") {
                continue;
            }
            // Nearly every value is printable ASCII without a reference: then
            // it is its own text, and holds no character XML 1.0 forbids.
            let raw: &[u8] = &a.value;
            let plain = if plain_value(raw) {
                // A value lies in the tag, checked as UTF-8 already when it was.
                let from = (raw.as_ptr() as usize).wrapping_sub(tag.as_ptr() as usize);
                text.and_then(|t| t.get(from..from.wrapping_add(raw.len())))
                    .or_else(|| std::str::from_utf8(raw).ok())
            } else {
                None
            };
            let value = match plain {
                Some(v) => Cow::Borrowed(v),
                None => a
                    .unescape_value()
                    .map_err(|err| fail(file, here, format!("not well-formed XML: {err}")))?,
            };
            if let Some((_, c)) = plain.map_or_else(|| forbidden(&value), |_| None) {
                // Located exactly when written raw; a character reference
                // is located at its tag.
                let raw: &[u8] = &a.value;
                let at = match (forbidden(&String::from_utf8_lossy(raw)), offset_in(&e, raw)) {
                    (Some((roff, _)), Some(start)) => place_in_tag(here, &e, start + roff),
                    _ => here,
                };
                return Err(not_a_char(file, at, c, &format!("in attribute `{qname}`")));
            }
            // Without a prefix the local name is the name as written, and no namespace
            // applies (a default namespace binds no attribute).
            let (ns, local) = if prefixed(key) {
                let (ans, alocal) = ns.resolve(key, false);
                (ans, name(alocal))
            } else {
                (None, qname.clone())
            };
            match slots.get_mut(*n) {
                Some(slot) => {
                    slot.ns = ns;
                    slot.local = local;
                    slot.qname = qname;
                    slot.value.clear();
                    slot.value.push_str(&value);
                }
                None => slots.push(Attr {
                    ns,
                    local,
                    qname,
                    value: value.into_owned(),
                }),
            }
            *n += 1;
        }
        Ok(ens)
    }
}

/// Where `part`, a slice of `tag`, starts in it.
fn offset_in(tag: &[u8], part: &[u8]) -> Option<usize> {
    (part.as_ptr() as usize).checked_sub(tag.as_ptr() as usize)
}

/// Where byte `off` of a start tag's content is: `tag` is the content read after the `<`
/// at `here`. `here` itself when `off` is past the content.
fn place_in_tag(here: Pos, tag: &[u8], off: usize) -> Pos {
    let Some(before) = tag.get(..off) else {
        return here;
    };
    let open = Pos {
        line: here.line,
        column: here.column + 1,
    };
    pos_in(open, &String::from_utf8_lossy(before))
}

/// The attribute names of one tag, to find one given twice: compared one by one while
/// they are few (nearly every tag has at most five), kept in place without an
/// allocation (a list on the heap was two and a half million allocations at 100k
/// elements); through a set beyond that, so a tag of any length is checked in linear
/// time.
struct Repeats<'a> {
    few: [&'a [u8]; FEW_ATTRIBUTES],
    n: usize,
    set: Option<HashSet<&'a [u8]>>,
}

/// Attribute names a tag may have before [`Repeats`] keeps them in a set.
const FEW_ATTRIBUTES: usize = 16;

impl Default for Repeats<'_> {
    fn default() -> Self {
        Repeats {
            few: [&[]; FEW_ATTRIBUTES],
            n: 0,
            set: None,
        }
    }
}

impl<'a> Repeats<'a> {
    /// Whether `name` was seen before in this tag; records it.
    fn seen(&mut self, name: &'a [u8]) -> bool {
        if let Some(set) = &mut self.set {
            return !set.insert(name);
        }
        let few = self.few.get(..self.n).unwrap_or(&[]);
        if few.contains(&name) {
            return true;
        }
        match self.few.get_mut(self.n) {
            Some(slot) => {
                *slot = name;
                self.n += 1;
            }
            None => {
                let mut set: HashSet<&[u8]> = self.few.iter().copied().collect();
                set.insert(name);
                self.set = Some(set);
            }
        }
        false
    }
}

/// One event of a [`Batch`], with where it started.
#[derive(Debug)]
enum Piece {
    /// Its tag is `Batch::tags[tag]`; `fails` when the reading thread's error follows
    /// it (see [`Raw::Start`]).
    Start {
        empty: bool,
        fails: bool,
        tag: std::ops::Range<usize>,
        name_len: usize,
        local: Cow<'static, str>,
    },
    End,
    /// Its text is `Batch::text[text]`.
    Text(std::ops::Range<usize>),
    Eof,
}

/// Events read ahead by [`piped`], handed over a few thousand at a time. Batches go back
/// to the reader once consumed, so their buffers are reused.
#[derive(Debug, Default)]
struct Batch {
    pieces: Vec<(Piece, Pos)>,
    /// The tags, when they are all UTF-8; otherwise in `odd`.
    tags: String,
    odd: Vec<u8>,
    text: String,
}

/// Events in a batch before it is handed over.
const BATCH_EVENTS: usize = 8192;
/// Bytes of text and tags in a batch before it is handed over (one text or tag may pass
/// it, by up to [`MAX_TOKEN`]).
const BATCH_TEXT: usize = 256 << 10;

impl Batch {
    fn push<R: BufRead>(&mut self, ev: &Raw, x: &mut XmlIn<R>) {
        let piece = match ev {
            Raw::Start { empty, fails } => Piece::Start {
                empty: *empty,
                fails: fails.is_some(),
                tag: x.tag_from..x.kept,
                name_len: x.name_len,
                local: std::mem::take(&mut x.local),
            },
            Raw::End => Piece::End,
            Raw::Text => Piece::Text(x.text_from..x.text.len()),
            Raw::Eof => Piece::Eof,
        };
        self.pieces.push((piece, x.at));
    }

    fn is_full<R: BufRead>(&self, x: &XmlIn<R>) -> bool {
        self.pieces.len() >= BATCH_EVENTS || x.text.len() + x.tags.len() >= BATCH_TEXT
    }
}

/// The events of an [`XmlIn`] for a consumer on the calling thread: a second thread
/// reads the XML (tokens, texts, the document's shape) while `consume` works on the
/// events read so far and reads their start tags, so an import keeps both cores busy.
/// The consumer runs on the calling thread because what it allocates (the whole
/// document, and all that is made from it) then comes from the allocator's main arena,
/// which grows in large steps; a second thread's arena grows a page at a time, a system
/// call each (71,000 of them, 0.1-0.2 s of system time, at 100k elements).
/// The consumer sees the events, texts, attributes, positions and error that reading
/// the file on one thread gives, in order: an error of the reading thread reaches it
/// after every event before it, so whichever problem comes first in the file is
/// reported. At most a few batches are read ahead, so memory stays bounded whatever the
/// file; only where the system refuses the reading thread is the whole file read first.
pub(crate) fn piped<R, T, F>(x: XmlIn<R>, consume: F) -> Result<T, Error>
where
    R: BufRead + Send,
    F: FnOnce(&mut Events) -> Result<T, Error>,
{
    let file = x.file.clone();
    std::thread::scope(|s| {
        // The reader gets the file once its thread has started. Where the system
        // refuses one, the whole file is read here first, into batches held until the
        // consumer takes them: the same events, in more memory.
        let (give, given) = std::sync::mpsc::sync_channel::<(XmlIn<R>, Feed<Batch>)>(1);
        let reader = ecograph_core::par::spawn(s, move || {
            if let Ok((x, feed)) = given.recv() {
                read_batches(x, &feed);
            }
        });
        let (feed, take) = crate::pipe::pipe::<Batch>(reader.is_ok().then_some(2));
        let reader = match reader {
            Ok(thread) => {
                // Refused only if the thread is gone (a panic, passed on at the join).
                let _ = give.send((x, feed));
                Some(thread)
            }
            Err(_) => {
                read_batches(x, &feed);
                None
            }
        };
        let mut events = Events {
            take,
            cur: Batch::default(),
            next: 0,
            file,
            at: Pos { line: 1, column: 1 },
            tags: Tags::default(),
            pending_pop: false,
            text: 0..0,
        };
        let result = consume(&mut events);
        // The reader stops at its next hand-over once `events` is gone.
        drop(events);
        match reader.map(|thread| thread.join()) {
            None | Some(Ok(())) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        }
    })
}

/// The reading side of [`piped`]: `x` read into batches handed over to `feed`, until
/// the end of the file, an error (handed over after the events before it), or the
/// consumer is gone.
fn read_batches<R: BufRead>(mut x: XmlIn<R>, feed: &Feed<Batch>) {
    let mut batch = Batch::default();
    loop {
        let (ev, eof) = match x.next() {
            Ok(Raw::Start {
                empty,
                fails: Some(e),
            }) => {
                // The tag is read by the consumer before the error reaches it.
                let ev = Raw::Start { empty, fails: None };
                batch.push(&ev, &mut x);
                if let Some(Piece::Start { fails, .. }) = batch.pieces.last_mut().map(|(p, _)| p) {
                    *fails = true;
                }
                (Err(e), true)
            }
            Ok(Raw::Eof) => (Ok(Raw::Eof), true),
            Ok(ev) => (Ok(ev), false),
            Err(e) => (Err(e), true),
        };
        let full = match ev {
            Ok(ev) => {
                batch.push(&ev, &mut x);
                eof || batch.is_full(&x)
            }
            Err(e) => {
                if !batch.pieces.is_empty() {
                    let mut done = std::mem::take(&mut batch);
                    x.hand_over(&mut done);
                    if !feed.send(Ok(done)) {
                        break;
                    }
                }
                let _ = feed.send(Err(e));
                break;
            }
        };
        if full {
            let mut next = feed.spare();
            next.pieces.clear();
            let mut done = std::mem::replace(&mut batch, next);
            // The reader takes the spare buffers of the batch it got back.
            std::mem::swap(&mut done.tags, &mut batch.tags);
            std::mem::swap(&mut done.odd, &mut batch.odd);
            std::mem::swap(&mut done.text, &mut batch.text);
            x.hand_over(&mut done);
            if !feed.send(Ok(done)) || eof {
                break;
            }
        }
    }
}

/// The consumer's side of [`piped`]: the events, with each start tag's namespace, name
/// and attributes read here.
#[derive(Debug)]
pub(crate) struct Events {
    take: crate::pipe::Take<Batch>,
    cur: Batch,
    next: usize,
    file: String,
    /// Where the last event started.
    pub at: Pos,
    /// The start tags read so far.
    tags: Tags,
    /// Whether the scope of the last empty or end tag is still to be left.
    pending_pop: bool,
    text: std::ops::Range<usize>,
}

impl Events {
    /// The next start tag, end tag, piece of text (entity references resolved, one
    /// piece each) or the end of the file.
    pub fn next(&mut self) -> Result<Ev, Error> {
        loop {
            while self.next >= self.cur.pieces.len() {
                match self.take.next_into(&mut self.cur) {
                    Some(Ok(())) => self.next = 0,
                    Some(Err(e)) => return Err(e),
                    // The reader always ends with `Eof` or an error; this is not reached.
                    None => return Ok(Ev::Eof),
                }
            }
            let (piece, at) = &mut self.cur.pieces[self.next];
            self.next += 1;
            self.at = *at;
            if self.pending_pop {
                self.tags.pop();
                self.pending_pop = false;
            }
            return Ok(match piece {
                Piece::Start {
                    empty,
                    fails,
                    tag,
                    name_len,
                    local,
                } => {
                    let tag = match self.cur.tags.get(tag.clone()) {
                        Some(t) if self.cur.odd.is_empty() => Ok(t),
                        // A tag's bytes that do not end on a character boundary (a
                        // malformed tag, cut where quick-xml stopped) are read as
                        // bytes, as a tag that is not UTF-8 is.
                        None if self.cur.odd.is_empty() => {
                            Err(self.cur.tags.as_bytes().get(tag.clone()).unwrap_or(&[]))
                        }
                        _ => {
                            let b = self.cur.odd.get(tag.clone()).unwrap_or(&[]);
                            std::str::from_utf8(b).map_err(|_| b)
                        }
                    };
                    let ns = self.tags.read(tag, *name_len, &self.file, *at)?;
                    let local = std::mem::take(local);
                    self.pending_pop = *empty;
                    if *fails {
                        // The reading thread's error comes next.
                        continue;
                    }
                    Ev::Start {
                        ns,
                        local,
                        empty: *empty,
                    }
                }
                Piece::End => {
                    self.pending_pop = true;
                    Ev::End
                }
                Piece::Text(t) => {
                    self.text = t.clone();
                    Ev::Text
                }
                Piece::Eof => Ev::Eof,
            });
        }
    }

    /// The attributes of the last start tag ([`Ev::Start`]).
    pub fn attrs(&self) -> &[Attr] {
        self.tags.attrs.get(..self.tags.n).unwrap_or(&[])
    }

    /// The text of the last [`Ev::Text`].
    pub fn text(&self) -> &str {
        self.cur.text.get(self.text.clone()).unwrap_or("")
    }

    /// A problem at the last event.
    pub fn problem(&self, msg: impl Into<String>) -> Problem {
        Problem::new(&self.file, Some(self.at), msg)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        // Mostly the bytes that matter (line ends, tabs, controls, high bytes) among
        // printable ASCII, of every length around a word's.
        prop::collection::vec(
            prop_oneof![
                4 => 0x20u8..0x7F,
                1 => prop::sample::select(vec![b'\n', b'\r', b'\t', 0, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]),
            ],
            0..40,
        )
    }

    /// One step of a walk through nested start tags: enter a tag with these
    /// (prefix, value) bindings (`None`: the default namespace), or leave the innermost.
    #[derive(Debug, Clone)]
    enum Step {
        Enter(Vec<(Option<usize>, usize)>),
        Leave,
    }

    const PREFIXES: [&str; 5] = ["a", "b", "xml", "xmlns", "c"];
    const VALUES: [&str; 5] = ["", "u1", "u2", super::XML_NAMESPACE, super::XMLNS_NAMESPACE];
    const NAMES: [&str; 6] = ["x", "a:x", "b:x", "xml:x", "xmlns:x", "c:x"];

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        let binding = (proptest::option::of(0..PREFIXES.len()), 0..VALUES.len());
        let enter = proptest::collection::vec(binding, 0..4).prop_map(Step::Enter);
        proptest::collection::vec(prop_oneof![3 => enter, 1 => Just(Step::Leave)], 0..40)
    }

    proptest! {
        /// `Scopes` resolves every name and refuses every binding as quick-xml's
        /// `NamespaceResolver` does, through any nesting of scopes.
        #[test]
        fn scopes_resolve_as_quick_xml_does(steps in steps()) {
            use quick_xml::events::BytesStart;
            use quick_xml::name::{NamespaceResolver, QName, ResolveResult};
            let mut ours = super::Scopes::default();
            let mut theirs = NamespaceResolver::default();
            let mut depth = 0usize;
            for step in steps {
                match step {
                    Step::Leave if depth > 0 => {
                        ours.pop();
                        theirs.pop();
                        depth -= 1;
                    }
                    Step::Leave => {}
                    Step::Enter(bindings) => {
                        let mut tag = String::from("t");
                        for (p, v) in bindings {
                            let key = p.map_or("xmlns".to_owned(), |p| format!("xmlns:{}", PREFIXES[p]));
                            tag.push_str(&format!(" {key}=\"{}\"", VALUES[v]));
                        }
                        let e = BytesStart::from_content(tag.as_str(), 1);
                        let a = ours.push(&e).map_err(|e| e.to_string());
                        let b = theirs.push(&e).map_err(|e| e.to_string());
                        prop_assert_eq!(&a, &b);
                        depth += 1;
                        if a.is_err() {
                            return Ok(());
                        }
                    }
                }
                for name in NAMES {
                    for element in [true, false] {
                        let (ns, local) = ours.resolve(name.as_bytes(), element);
                        let (r, l) = theirs.resolve(QName(name.as_bytes()), element);
                        let expected = match r {
                            ResolveResult::Bound(n) => super::namespace_name(n.into_inner()),
                            _ => None,
                        };
                        prop_assert_eq!(ns, expected, "{} element={}", name, element);
                        prop_assert_eq!(local, l.into_inner());
                    }
                }
            }
        }

        #[test]
        fn scan_counts_lines_and_characters(s in bytes()) {
            let nl = s.iter().filter(|&&b| b == b'\n').count() as u64;
            let last = s.iter().rposition(|&b| b == b'\n');
            let chars = s.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
            prop_assert_eq!(super::scan(&s), (nl, last, chars));
        }

        #[test]
        fn clean_prefix_is_the_byte_by_byte_count(s in bytes()) {
            let naive = s.iter().position(|&b| b == b'\n' || b >= 0x80).unwrap_or(s.len());
            prop_assert_eq!(super::clean_prefix(&s), naive);
        }

        #[test]
        fn place_counts_lines_and_characters_of_what_was_taken(
            body in bytes(),
            bom in any::<bool>(),
            cap in 1usize..24,
            takes in prop::collection::vec(0usize..12, 1..40),
        ) {
            // The input is cut into buffers of `cap` bytes (as a reader fills them), and
            // each buffer is taken in pieces of the sizes in `takes`, in turn.
            let mut s: Vec<u8> = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
            s.extend_from_slice(&body);
            let mut place = super::Place::new();
            let (mut at, mut k, mut first_take) = (0usize, 0usize, None);
            for buf in s.chunks(cap) {
                let mut i = 0;
                while i < buf.len() {
                    let n = takes[k % takes.len()].min(buf.len() - i);
                    k += 1;
                    place.advance(&buf[i..i + n], &buf[i + n..]);
                    if n > 0 && first_take.is_none() {
                        first_take = Some(n);
                    }
                    i += n;
                    at += n;
                    if n == 0 {
                        // A take of nothing, then the rest of the buffer at once.
                        place.advance(&buf[i..], &[]);
                        if first_take.is_none() && i < buf.len() {
                            first_take = Some(buf.len() - i);
                        }
                        at += buf.len() - i;
                        i = buf.len();
                    }
                    // The oracle: a byte order mark taken whole first takes no column.
                    let skip = if bom && first_take.is_some_and(|f| f >= 3) { 3 } else { 0 };
                    let counted = &s[skip.min(at)..at];
                    let line = 1 + counted.iter().filter(|&&b| b == b'\n').count() as u64;
                    let after = counted.iter().rposition(|&b| b == b'\n').map_or(counted, |l| &counted[l + 1..]);
                    let col = 1 + after.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
                    prop_assert_eq!((place.line, place.col), (line, col), "after {} bytes of {:?}", at, s);
                }
            }
        }

        #[test]
        fn has_xmlns_finds_every_occurrence(mut s in bytes(), at in 0usize..40, which in 0usize..3) {
            let word: &[u8] = [&b"xmlns"[..], b"xmln", b"xmlnx"][which];
            let at = at.min(s.len());
            s.splice(at..at, word.iter().copied());
            let naive = s.windows(5).any(|w| w == b"xmlns");
            prop_assert_eq!(super::has_xmlns(&s), naive);
        }

        #[test]
        fn plain_ascii_is_the_byte_by_byte_check(s in bytes()) {
            let naive = s.iter().all(|&b| (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'));
            prop_assert_eq!(super::plain_ascii(&s), naive);
        }
    }
}
