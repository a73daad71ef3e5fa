//! The neutral form both the exchange format and the CSV files are read into and written
//! from: ArchiMate concepts with their identifiers, types, texts and properties.

use crate::error::Pos;
use crate::hash::{HashMap, HashSet};
use std::borrow::Cow;
use std::num::NonZeroU32;
use std::sync::Arc;

/// A text in zero or more languages: `(xml:lang, value)` in file order; `None` is a
/// value written without a language.
///
/// Nearly every text read is one value without a language (a name, a property's
/// value): that one is held as the string alone, without a list around it (a list of
/// one pair cost 64 bytes of heap beside the string's own, 1.4M times in a 100k-element
/// CSV import).
#[derive(Debug, Clone, Default)]
pub(crate) struct LangText(Repr);

/// One value without a language is always `Plain` or `Shared`.
#[derive(Debug, Clone, Default)]
enum Repr {
    /// No value.
    #[default]
    Empty,
    Plain(Box<str>),
    /// A value many concepts share (a CSV import's `ecograph:relation` values).
    Shared(Arc<str>),
    /// Two values or more, or one with a language.
    Pairs(Vec<(Option<Lang>, String)>),
}

/// Bytes of a short string held in place by [`Small`]: with its length and the enum's
/// tag, 24 bytes, as large as the `String` or shared string it replaces.
const HELD: usize = 22;

/// A string held in place up to [`HELD`] bytes, so that making it is no allocation and
/// reading it follows no pointer; a longer one behind `H` (shared or boxed). 24 bytes
/// either way. [`Ident`] and [`Lang`] are the two kinds the documents hold.
#[derive(Clone)]
pub(crate) enum Small<H: HeapStr> {
    Inline(u8, [u8; HELD]),
    Heap(H),
}

impl<H: HeapStr> Small<H> {
    pub fn new(s: &str) -> Small<H> {
        let b = s.as_bytes();
        match u8::try_from(b.len()) {
            Ok(n) if b.len() <= HELD => {
                let mut held = [0; HELD];
                held[..b.len()].copy_from_slice(b);
                Small::Inline(n, held)
            }
            _ => Small::Heap(s.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Always the bytes of a `&str`, cut where it ended.
            Small::Inline(n, b) => std::str::from_utf8(&b[..usize::from(*n)]).unwrap_or(""),
            Small::Heap(s) => s,
        }
    }
}

/// What holds a [`Small`] string too long to hold in place: `Arc<str>`, `Box<str>`.
pub(crate) trait HeapStr: std::ops::Deref<Target = str> + for<'s> From<&'s str> {}

impl<H: std::ops::Deref<Target = str> + for<'s> From<&'s str>> HeapStr for H {}

/// A concept's identifier: every numbered identifier (such as an ecograph export's
/// `__r.12345`) held in place, a longer one (Archi's are 35 bytes) shared. The CSV
/// reader keeps every identifier shared (`Ident::Heap`), with the relationship ends and
/// the map that name it: held in place, the map's strings were all freed at once when
/// it was dropped, and the import took 0.3 s longer at 100k elements.
pub(crate) type Ident = Small<Arc<str>>;

/// A language tag (`fi`, `en-GB`): every tag a model is likely to use is held in place,
/// so the millions of tags of a large import are no allocation each; a longer one is
/// on the heap.
pub(crate) type Lang = Small<Box<str>>;

impl<H: HeapStr> Default for Small<H> {
    fn default() -> Small<H> {
        Small::Inline(0, [0; HELD])
    }
}

impl<H: HeapStr> std::ops::Deref for Small<H> {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<H: HeapStr> From<&str> for Small<H> {
    fn from(s: &str) -> Small<H> {
        Small::new(s)
    }
}

impl<H: HeapStr> From<String> for Small<H> {
    fn from(s: String) -> Small<H> {
        Small::new(&s)
    }
}

impl<H: HeapStr> PartialEq for Small<H> {
    fn eq(&self, other: &Small<H>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<H: HeapStr> Eq for Small<H> {}

impl<H: HeapStr> std::fmt::Debug for Small<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<H: HeapStr> std::fmt::Display for Small<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for LangText {
    fn eq(&self, other: &LangText) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for LangText {}

impl LangText {
    pub fn plain(s: impl Into<String>) -> LangText {
        LangText(Repr::Plain(s.into().into_boxed_str()))
    }
    /// One value without a language, shared with other texts.
    pub fn shared(s: Arc<str>) -> LangText {
        LangText(Repr::Shared(s))
    }
    pub fn from_pairs(mut pairs: Vec<(Option<String>, String)>) -> LangText {
        match pairs.len() {
            0 => LangText(Repr::Empty),
            1 if pairs[0].0.is_none() => {
                LangText::plain(pairs.pop().map(|p| p.1).unwrap_or_default())
            }
            _ => LangText(Repr::Pairs(
                pairs
                    .into_iter()
                    .map(|(l, v)| (l.map(Lang::from), v))
                    .collect(),
            )),
        }
    }
    /// Adds a value (in `lang`, when it has one) after the others.
    pub fn push(&mut self, lang: Option<Lang>, value: String) {
        let pair = (lang, value);
        match &mut self.0 {
            Repr::Empty if pair.0.is_none() => *self = LangText::plain(pair.1),
            Repr::Empty => {
                // Room for a second language: a text in one language is seldom tagged.
                let mut pairs = Vec::with_capacity(2);
                pairs.push(pair);
                self.0 = Repr::Pairs(pairs);
            }
            Repr::Plain(v) => {
                let first = (None, std::mem::take(v).into_string());
                self.0 = Repr::Pairs(vec![first, pair]);
            }
            Repr::Shared(v) => {
                let first = (None, v.to_string());
                self.0 = Repr::Pairs(vec![first, pair]);
            }
            Repr::Pairs(v) => push_small(v, pair),
        }
    }
    /// The values in order, with their languages.
    pub fn iter(&self) -> impl Iterator<Item = (Option<&str>, &str)> {
        let (plain, pairs): (Option<&str>, &[(Option<Lang>, String)]) = match &self.0 {
            Repr::Empty => (None, &[]),
            Repr::Plain(v) => (Some(v), &[]),
            Repr::Shared(v) => (Some(v), &[]),
            Repr::Pairs(v) => (None, v),
        };
        plain.map(|v| (None, v)).into_iter().chain(
            pairs
                .iter()
                .map(|(l, v)| (l.as_ref().map(Lang::as_str), v.as_str())),
        )
    }
    /// How many values (not whether they are empty: see [`LangText::is_empty`]).
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Empty => 0,
            Repr::Plain(_) | Repr::Shared(_) => 1,
            Repr::Pairs(v) => v.len(),
        }
    }
    /// Whether there is no value at all (an empty value is one).
    pub fn has_no_value(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }
    pub fn is_empty(&self) -> bool {
        self.iter().all(|(_, v)| v.is_empty())
    }
    /// The first value.
    pub fn first(&self) -> &str {
        self.iter().next().map_or("", |(_, v)| v)
    }
    /// Replaces the first value, keeping its language; nothing when there is none.
    pub fn set_first(&mut self, value: String) {
        match &mut self.0 {
            Repr::Empty => {}
            Repr::Plain(_) | Repr::Shared(_) => *self = LangText::plain(value),
            Repr::Pairs(v) => {
                if let Some(first) = v.first_mut() {
                    first.1 = value;
                }
            }
        }
    }
    /// Whether the text is one value without a language.
    pub fn is_plain(&self) -> bool {
        matches!(self.0, Repr::Plain(_) | Repr::Shared(_))
    }
}

/// Pushes `item` onto a list that usually stays short, growing it by one item up to
/// four: most lists here (a concept's properties, a text's languages) hold one or two
/// items, and `Vec`'s first growth, to four, would give each of a million properties
/// three times the memory it needs. Longer lists grow as usual (amortized).
pub(crate) fn push_small<T>(v: &mut Vec<T>, item: T) {
    if v.len() < 4 {
        v.reserve_exact(1);
    }
    v.push(item);
}

/// The one shared copy of `s` in `set`: a file names a handful of property keys and
/// short values over a million properties. The readers keep the set within the input's
/// size (CSV: at most one key and one value a row; the exchange format: a bounded
/// number of short values).
pub(crate) fn intern(set: &mut HashSet<Arc<str>>, s: &str) -> Arc<str> {
    if let Some(k) = set.get(s) {
        return Arc::clone(k);
    }
    let k: Arc<str> = Arc::from(s);
    set.insert(Arc::clone(&k));
    k
}

/// One property of a concept: the definition's name and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prop {
    /// Shared: a file names a handful of keys from a million properties.
    pub key: Arc<str>,
    pub value: LangText,
}

/// The properties of a concept, a view or the model, in order. One property is held
/// in place, without an allocation: nearly every relationship ecograph exports has one
/// (its ecograph relation), half a million of them at 100k elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Props(PropsRepr);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum PropsRepr {
    #[default]
    None,
    One(Prop),
    Many(Vec<Prop>),
}

impl Props {
    pub fn push(&mut self, p: Prop) {
        self.0 = match std::mem::take(&mut self.0) {
            PropsRepr::None => PropsRepr::One(p),
            PropsRepr::One(first) => PropsRepr::Many(vec![first, p]),
            PropsRepr::Many(mut all) => {
                push_small(&mut all, p);
                PropsRepr::Many(all)
            }
        };
    }
}

impl std::ops::Deref for Props {
    type Target = [Prop];
    fn deref(&self) -> &[Prop] {
        match &self.0 {
            PropsRepr::None => &[],
            PropsRepr::One(p) => std::slice::from_ref(p),
            PropsRepr::Many(all) => all,
        }
    }
}

impl std::ops::DerefMut for Props {
    fn deref_mut(&mut self) -> &mut [Prop] {
        match &mut self.0 {
            PropsRepr::None => &mut [],
            PropsRepr::One(p) => std::slice::from_mut(p),
            PropsRepr::Many(all) => all,
        }
    }
}

impl<'a> IntoIterator for &'a Props {
    type Item = &'a Prop;
    type IntoIter = std::slice::Iter<'a, Prop>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<Prop> for Props {
    fn from(p: Prop) -> Props {
        Props(PropsRepr::One(p))
    }
}

/// An element or a relationship.
///
/// A CSV import holds 800k of these for a 100k-element model, so the layout is kept
/// small: a short identifier is held in place and a long one shared ([`Ident`]: a
/// relationship's end is the same string as the identifier it names), a single
/// property is held in place ([`Props`]), and the fields of a few relationship types
/// are boxed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Concept {
    pub ident: Ident,
    /// Borrowed from [`crate::types`] when it is a known type (nearly always).
    pub typ: Cow<'static, str>,
    pub name: LangText,
    pub doc: LangText,
    pub props: Props,
    /// Relationships only.
    pub source: Arc<str>,
    pub target: Arc<str>,
    /// `Access` and `Influence` only: read and set through [`Concept::access`],
    /// [`Concept::modifier`] and their setters.
    pub rare: Option<Box<Rare>>,
    /// `Association` only.
    pub directed: bool,
    pub at: At,
}

/// Where a concept starts in its file, in 8 bytes (an `Option<Pos>` takes 24, and a CSV
/// import holds 800k concepts). A line or column past `u32::MAX` (a file of more than
/// 4 GB) is not kept: the concept's messages then name no position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct At(Option<(NonZeroU32, u32)>);

impl At {
    pub fn pos(self) -> Option<Pos> {
        self.0.map(|(line, column)| Pos {
            line: u64::from(line.get()),
            column: u64::from(column),
        })
    }
}

impl From<Option<Pos>> for At {
    fn from(p: Option<Pos>) -> At {
        At(p.and_then(|p| {
            let line = NonZeroU32::new(u32::try_from(p.line).ok()?)?;
            Some((line, u32::try_from(p.column).ok()?))
        }))
    }
}

/// What only `Access` and `Influence` relationships have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Rare {
    access: Option<String>,
    modifier: Option<String>,
}

impl Concept {
    /// `Access` only; `None` when the file gives none.
    pub fn access(&self) -> Option<&str> {
        self.rare.as_ref()?.access.as_deref()
    }
    /// `Influence` only.
    pub fn modifier(&self) -> Option<&str> {
        self.rare.as_ref()?.modifier.as_deref()
    }
    pub fn set_access(&mut self, access: Option<String>) {
        self.rare.get_or_insert_default().access = access;
        self.drop_empty_rare();
    }
    pub fn set_modifier(&mut self, modifier: Option<String>) {
        self.rare.get_or_insert_default().modifier = modifier;
        self.drop_empty_rare();
    }
    fn drop_empty_rare(&mut self) {
        if self
            .rare
            .as_ref()
            .is_some_and(|r| r.access.is_none() && r.modifier.is_none())
        {
            self.rare = None;
        }
    }
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| &*p.key == key)
            .map(|p| p.value.first())
    }
}

/// What a relationship's end names: an element or a relationship, by its index in
/// [`Doc::elements`] or [`Doc::relationships`]. `Unknown` is an identifier that is no
/// concept's (the readers refuse those) or an index past `u32::MAX`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum End {
    Element(u32),
    Relationship(u32),
    #[default]
    Unknown,
}

impl End {
    /// The end at position `i` of the identifiers given in order, elements first: an
    /// element below `elements`, then a relationship below `elements + relationships`.
    pub fn of_position(i: usize, elements: usize, relationships: usize) -> End {
        let ix = |i: usize| u32::try_from(i).ok();
        if i < elements {
            ix(i).map_or(End::Unknown, End::Element)
        } else if i - elements < relationships {
            ix(i - elements).map_or(End::Unknown, End::Relationship)
        } else {
            End::Unknown
        }
    }
}

/// A folder of the organizations, as the exporter writes them: a label and what it
/// holds. Folders live in one arena ([`Doc::folders`], the unlabelled top level first)
/// and refer to each other by index, so a deep tree is neither built nor dropped by
/// recursion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Folder {
    pub label: LangText,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Ref(String),
    Folder(usize),
}

/// A node of a diagram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub ident: String,
    /// `Element` nodes: the element shown.
    pub element: Option<String>,
    pub label: LangText,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    /// Index of the enclosing node in [`Diagram::nodes`].
    pub parent: Option<usize>,
    pub at: Option<Pos>,
}

/// A connection of a diagram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Connection {
    pub ident: String,
    pub relationship: Option<String>,
    pub source: String,
    pub target: String,
    pub bendpoints: Vec<(i64, i64)>,
    pub at: Option<Pos>,
}

/// A view (`xsi:type="Diagram"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Diagram {
    pub ident: String,
    pub name: LangText,
    pub doc: LangText,
    pub props: Props,
    /// Outermost first: a node's parent comes before it.
    pub nodes: Vec<Node>,
    pub connections: Vec<Connection>,
    pub at: Option<Pos>,
}

impl Diagram {
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| &*p.key == key)
            .map(|p| p.value.first())
    }
}

/// A whole model in exchange form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Doc {
    pub ident: String,
    pub name: LangText,
    pub doc: LangText,
    pub props: Props,
    pub elements: Vec<Concept>,
    pub relationships: Vec<Concept>,
    /// For writing: the folders, `folders[0]` being the top level. For reading: empty
    /// (see `element_folder`).
    pub folders: Vec<Folder>,
    /// For reading: what each relationship's source and target name, as the reader
    /// resolved them (one entry per relationship, in order), so that the mapping never
    /// looks an identifier up again.
    pub ends: Vec<[End; 2]>,
    /// For reading: the folder each element sits in (an index into `folder_tree`), by
    /// the element's index; empty when the input has no folders.
    pub element_folder: Vec<Option<u32>>,
    /// For reading: likewise for each relationship.
    pub relationship_folder: Vec<Option<u32>>,
    /// For reading: the folders, as (parent, label), `0` being the top level; folders
    /// with the same label under the same parent are one (paths compare by labels).
    pub folder_tree: Vec<(usize, String)>,
    /// For reading: (parent, label) -> folder.
    pub folder_child: HashMap<(usize, String), usize>,
    /// Property definition name -> data type, for the types other than `string`.
    pub prop_types: std::collections::BTreeMap<String, String>,
    pub diagrams: Vec<Diagram>,
    /// Whether the input can hold folders (the exchange format can, CSV cannot).
    pub has_organizations: bool,
    /// For reading: the file the relationships come from, when it is not the one the
    /// import is named by (CSV's `relations.csv`), for the places in their warnings.
    pub relationships_file: Option<String>,
}

impl Doc {
    /// The folder `(parent, label)`, made when new.
    pub fn folder(&mut self, parent: usize, label: String) -> usize {
        if self.folder_tree.is_empty() {
            self.folder_tree.push((0, String::new()));
        }
        if let Some(&f) = self.folder_child.get(&(parent, label.clone())) {
            return f;
        }
        let f = self.folder_tree.len();
        self.folder_tree.push((parent, label.clone()));
        self.folder_child.insert((parent, label), f);
        f
    }

    /// The labels from the top level down to `folder`.
    pub fn folder_path(&self, mut folder: usize) -> Vec<String> {
        let mut path = Vec::new();
        // A parent always comes before its child, so this ends.
        while folder != 0 {
            let Some((parent, label)) = self.folder_tree.get(folder) else {
                break;
            };
            path.push(label.clone());
            folder = *parent;
        }
        path.reverse();
        path
    }

    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| &*p.key == key)
            .map(|p| p.value.first())
    }
}

#[cfg(test)]
mod tests {
    use super::{Ident, Lang, LangText, Prop, Props};

    #[test]
    fn identifiers_read_back_held_in_place_or_shared() {
        for id in [
            "",
            "a",
            "__r.12345",
            "é-ä-ö-ü-ß-ñ-ç",
            &"x".repeat(22),
            &"x".repeat(23),
            "id-0123456789abcdef0123456789abcdef",
            &"ö".repeat(11),
            &"ö".repeat(12),
        ] {
            let made = Ident::new(id);
            assert_eq!(made.as_str(), id);
            assert_eq!(made.to_string(), id);
            assert_eq!(matches!(made, Ident::Inline(..)), id.len() <= 22, "{id}");
            assert_eq!(made, Ident::from(id.to_owned()));
        }
    }

    #[test]
    fn properties_keep_their_order_held_in_place_or_not() {
        let prop = |k: &str, v: &str| Prop {
            key: k.into(),
            value: LangText::plain(v),
        };
        let seen = |ps: &Props| -> Vec<(String, String)> {
            ps.iter()
                .map(|p| (p.key.to_string(), p.value.first().to_owned()))
                .collect()
        };
        let mut ps = Props::default();
        assert!(ps.is_empty());
        let mut want = Vec::new();
        for i in 0..6 {
            let (k, v) = (format!("k{i}"), format!("v{i}"));
            ps.push(prop(&k, &v));
            want.push((k, v));
            assert_eq!(seen(&ps), want);
        }
        // Changed in place, whatever holds them.
        for n in [1, 2, 6] {
            let mut ps = Props::from(prop("k0", "v"));
            for i in 1..n {
                ps.push(prop(&format!("k{i}"), "v"));
            }
            ps[n - 1].value = LangText::plain("last");
            assert_eq!(ps.len(), n);
            assert_eq!(ps.last().map(|p| p.value.first()), Some("last"));
            assert_eq!((&ps).into_iter().count(), n);
        }
    }

    #[test]
    fn language_tags_read_back_whatever_their_length() {
        for tag in [
            "",
            "fi",
            "en-GB",
            "zh-Hant-TW",
            "x-0123456789abcdefghij",
            "x-0123456789abcdefghijk",
            "sr-Latn-RS-u-nu-latn-x-private",
        ] {
            let l = Lang::new(tag);
            assert_eq!(l.as_str(), tag);
            assert_eq!(matches!(l, Lang::Inline(..)), tag.len() <= 22, "{tag}");
        }
        let mut t = LangText::default();
        t.push(Some(Lang::new("fi")), "Nimi".to_owned());
        t.push(
            Some(Lang::new("a-language-tag-longer-than-the-inline-room")),
            "Name".to_owned(),
        );
        t.push(None, "plain".to_owned());
        let pairs: Vec<(Option<&str>, &str)> = t.iter().collect();
        assert_eq!(
            pairs,
            [
                (Some("fi"), "Nimi"),
                (Some("a-language-tag-longer-than-the-inline-room"), "Name"),
                (None, "plain")
            ]
        );
    }
}
