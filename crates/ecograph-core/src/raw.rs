//! The model file as written, before validation.
//!
//! Every field is parsed leniently: a value of the wrong JSON type is recorded as
//! [`Found`] instead of aborting the parse, unknown and repeated keys are kept, so that
//! validation can report every problem in one pass. Strings borrow from the source text
//! where JSON escapes allow it, which keeps loading large models cheap.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use crate::validate::{BATCH, Validation};

/// The JSON type of a value that had the wrong type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    String,
    Number,
    Bool,
    Null,
    Array,
    Object,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::String => "a string",
            Found::Number => "a number",
            Found::Bool => "a boolean",
            Found::Null => "null",
            Found::Array => "a list",
            Found::Object => "an object",
        })
    }
}

/// A value as written: the expected shape, or the JSON type that was found instead.
pub(crate) type Loose<T> = Result<T, Found>;

/// A field that may be absent.
pub(crate) type Field<T> = Option<Loose<T>>;

pub(crate) type Str<'a> = Cow<'a, str>;

/// A JSON number as written (only whole numbers matter to the format).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

/// What a text field held: a plain string or a map from language to string.
#[derive(Debug, Clone)]
pub(crate) enum RawText<'a> {
    Plain(Str<'a>),
    Map(Vec<(Str<'a>, Loose<Str<'a>>)>),
}

/// Keys of an object that the format does not know, and keys written twice.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra<'a> {
    pub unknown: Vec<Str<'a>>,
    pub repeated: Vec<Str<'a>>,
}

impl<'a> Extra<'a> {
    fn note(&mut self, key: Str<'a>, seen: bool) {
        if seen {
            self.repeated.push(key);
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawDoc<'a> {
    pub version: Field<Num>,
    pub schema: Field<Str<'a>>,
    pub name: Field<RawText<'a>>,
    pub description: Field<RawText<'a>>,
    pub languages: Field<Vec<Loose<Str<'a>>>>,
    pub elements: Field<Vec<Loose<RawElement<'a>>>>,
    pub relations: Field<Vec<Loose<RawRelation<'a>>>>,
    pub views: Field<Vec<Loose<RawView<'a>>>>,
    pub extra: Extra<'a>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawElement<'a> {
    pub id: Field<Str<'a>>,
    pub kind: Field<Str<'a>>,
    pub name: Field<RawText<'a>>,
    pub parent: Field<Str<'a>>,
    pub status: Field<Str<'a>>,
    pub start: Field<Str<'a>>,
    pub end: Field<Str<'a>>,
    /// The fields many elements leave out, boxed: every element of the file is held
    /// raw while the elements are validated, and these would double its size.
    pub more: Option<Box<RawElementMore<'a>>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawElementMore<'a> {
    pub description: Field<RawText<'a>>,
    pub tags: Field<Vec<Loose<Str<'a>>>>,
    pub properties: Field<Vec<(Str<'a>, Loose<Str<'a>>)>>,
    pub extra: Extra<'a>,
}

impl RawElementMore<'_> {
    fn is_empty(&self) -> bool {
        self.description.is_none()
            && self.tags.is_none()
            && self.properties.is_none()
            && self.extra.unknown.is_empty()
            && self.extra.repeated.is_empty()
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawRelation<'a> {
    pub kind: Field<Str<'a>>,
    pub from: Field<Str<'a>>,
    pub to: Field<Str<'a>>,
    /// The rarely used fields, boxed to keep millions of plain relations small.
    pub more: Option<Box<RawRelationMore<'a>>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawRelationMore<'a> {
    pub id: Field<Str<'a>>,
    pub label: Field<RawText<'a>>,
    pub tags: Field<Vec<Loose<Str<'a>>>>,
    pub properties: Field<Vec<(Str<'a>, Loose<Str<'a>>)>>,
    pub data: Field<Vec<Loose<Str<'a>>>>,
    pub lag: Field<Str<'a>>,
    pub extra: Extra<'a>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawView<'a> {
    pub id: Field<Str<'a>>,
    pub include: Field<Vec<Loose<RawSelector<'a>>>>,
    /// The fields many views leave out, boxed: every view of the file is held raw until
    /// the views are validated, and these would make it six times bigger (330 bytes
    /// against 56; a model of 100k one-selector views held 33 MB of raw views).
    pub more: Option<Box<RawViewMore<'a>>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawViewMore<'a> {
    pub title: Field<RawText<'a>>,
    pub description: Field<RawText<'a>>,
    pub exclude: Field<Vec<Loose<RawSelector<'a>>>>,
    pub relations: Field<Vec<Loose<Str<'a>>>>,
    pub group_by_parent: Field<bool>,
    pub collapse: Field<RawCollapse<'a>>,
    pub direction: Field<Str<'a>>,
    pub legend: Field<bool>,
    pub extra: Extra<'a>,
}

impl RawViewMore<'_> {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.exclude.is_none()
            && self.relations.is_none()
            && self.group_by_parent.is_none()
            && self.collapse.is_none()
            && self.direction.is_none()
            && self.legend.is_none()
            && self.extra.unknown.is_empty()
            && self.extra.repeated.is_empty()
    }
}

/// A selector: exactly one of its keys is expected; `id` (the one a generated view of
/// one element uses) is kept inline, the rest boxed (32 bytes against 232).
#[derive(Debug, Clone, Default)]
pub(crate) struct RawSelector<'a> {
    pub id: Field<Str<'a>>,
    pub more: Option<Box<RawSelectorMore<'a>>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawSelectorMore<'a> {
    pub kind: Field<Str<'a>>,
    pub tag: Field<Str<'a>>,
    pub status: Field<Str<'a>>,
    pub subtree: Field<Str<'a>>,
    pub around: Field<Str<'a>>,
    pub depth: Field<Num>,
    pub relations: Field<Vec<Loose<Str<'a>>>>,
    pub extra: Extra<'a>,
}

impl RawSelectorMore<'_> {
    fn is_empty(&self) -> bool {
        self.kind.is_none()
            && self.tag.is_none()
            && self.status.is_none()
            && self.subtree.is_none()
            && self.around.is_none()
            && self.depth.is_none()
            && self.relations.is_none()
            && self.extra.unknown.is_empty()
            && self.extra.repeated.is_empty()
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawCollapse<'a> {
    pub ids: Field<Vec<Loose<Str<'a>>>>,
    pub depth: Field<Num>,
    pub extra: Extra<'a>,
}

/// The field names of each object, for did-you-mean suggestions and the JSON Schema.
pub(crate) mod fields {
    pub const DOC: &[&str] = &[
        "ecograph",
        "$schema",
        "name",
        "description",
        "languages",
        "elements",
        "relations",
        "views",
    ];
    pub const ELEMENT: &[&str] = &[
        "id",
        "kind",
        "name",
        "description",
        "parent",
        "tags",
        "properties",
        "status",
        "start",
        "end",
    ];
    pub const RELATION: &[&str] = &[
        "id",
        "kind",
        "from",
        "to",
        "label",
        "tags",
        "properties",
        "data",
        "lag",
    ];
    pub const VIEW: &[&str] = &[
        "id",
        "title",
        "description",
        "include",
        "exclude",
        "relations",
        "group_by_parent",
        "collapse",
        "direction",
        "legend",
    ];
    pub const SELECTOR: &[&str] = &[
        "kind",
        "tag",
        "id",
        "status",
        "subtree",
        "around",
        "depth",
        "relations",
    ];
    pub const COLLAPSE: &[&str] = &["ids", "depth"];
}

/// How a value of one shape is read from each JSON type; `None` means the type is wrong.
trait Shape<'de>: Sized {
    fn from_str(_s: Str<'de>) -> Option<Self> {
        None
    }
    fn from_num(_n: Num) -> Option<Self> {
        None
    }
    fn from_bool(_b: bool) -> Option<Self> {
        None
    }
    fn from_seq<A: SeqAccess<'de>>(_seq: &mut A) -> Result<Option<Self>, A::Error> {
        Ok(None)
    }
    fn from_map<A: MapAccess<'de>>(_map: &mut A) -> Result<Option<Self>, A::Error> {
        Ok(None)
    }
}

/// Reads a `Loose<T>`: the value if it has T's shape, otherwise the type found.
pub(crate) struct L<T>(pub(crate) Loose<T>);

impl<'de, T: Shape<'de>> Deserialize<'de> for L<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor(PhantomData))
    }
}

struct LooseVisitor<T>(PhantomData<T>);

impl<'de, T: Shape<'de>> Visitor<'de> for LooseVisitor<T> {
    type Value = L<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<L<T>, E> {
        Ok(L(T::from_str(Cow::Borrowed(v)).ok_or(Found::String)))
    }
    fn visit_str<E>(self, v: &str) -> Result<L<T>, E> {
        Ok(L(T::from_str(Cow::Owned(v.to_owned())).ok_or(Found::String)))
    }
    fn visit_string<E>(self, v: String) -> Result<L<T>, E> {
        Ok(L(T::from_str(Cow::Owned(v)).ok_or(Found::String)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<L<T>, E> {
        let n = i64::try_from(v).map_or(Num::Float(v as f64), Num::Int);
        Ok(L(T::from_num(n).ok_or(Found::Number)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<L<T>, E> {
        Ok(L(T::from_num(Num::Int(v)).ok_or(Found::Number)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<L<T>, E> {
        Ok(L(T::from_num(Num::Float(v)).ok_or(Found::Number)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<L<T>, E> {
        Ok(L(T::from_bool(v).ok_or(Found::Bool)))
    }
    fn visit_unit<E>(self) -> Result<L<T>, E> {
        Ok(L(Err(Found::Null)))
    }
    fn visit_none<E>(self) -> Result<L<T>, E> {
        Ok(L(Err(Found::Null)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<L<T>, A::Error> {
        match T::from_seq(&mut seq)? {
            Some(v) => Ok(L(Ok(v))),
            None => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(L(Err(Found::Array)))
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<L<T>, A::Error> {
        match T::from_map(&mut map)? {
            Some(v) => Ok(L(Ok(v))),
            None => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(L(Err(Found::Object)))
            }
        }
    }
}

/// A map key, borrowed where the JSON has no escapes.
struct Key<'de>(Str<'de>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Shape<'de> for Str<'de> {
    fn from_str(s: Str<'de>) -> Option<Self> {
        Some(s)
    }
}

impl<'de> Shape<'de> for Num {
    fn from_num(n: Num) -> Option<Self> {
        Some(n)
    }
}

impl<'de> Shape<'de> for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl<'de, T: Shape<'de>> Shape<'de> for Vec<Loose<T>> {
    fn from_seq<A: SeqAccess<'de>>(seq: &mut A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(L(v)) = seq.next_element::<L<T>>()? {
            out.push(v);
        }
        // A vector grows to at least 4 and then doubles: 100k one-selector views would
        // hold room for 400k raw selectors of 232 bytes. Short lists of big raw objects
        // are trimmed; lists of strings are not (trimming the `data` lists of 500k
        // relations fragmented the heap: +12 MB peak RSS on a 100k-element model), nor
        // long lists (reallocating the elements holds old and new block at once).
        if out.len() < 1024 && std::mem::size_of::<Loose<T>>() >= 128 {
            out.shrink_to_fit();
        }
        Ok(Some(out))
    }
}

/// An object from string to string (`properties`), in file order.
impl<'de> Shape<'de> for Vec<(Str<'de>, Loose<Str<'de>>)> {
    fn from_map<A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            let L(v) = map.next_value::<L<Str<'de>>>()?;
            out.push((k, v));
        }
        Ok(Some(out))
    }
}

impl<'de> Shape<'de> for RawText<'de> {
    fn from_str(s: Str<'de>) -> Option<Self> {
        Some(RawText::Plain(s))
    }
    fn from_map<A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
        Ok(Vec::<(Str<'de>, Loose<Str<'de>>)>::from_map(map)?.map(RawText::Map))
    }
}

/// Reads the fields of one object: `$key => $slot` pairs, anything else is unknown.
macro_rules! object_shape {
    ($ty:ident { $($key:literal => $slot:ident),+ $(,)? }) => {
        impl<'de> Shape<'de> for $ty<'de> {
            fn from_map<A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
                let mut out = $ty::default();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match k.as_ref() {
                        $($key => {
                            let L(v) = map.next_value()?;
                            let seen = out.$slot.replace(v).is_some();
                            out.extra.note(k, seen);
                        })+
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            out.extra.unknown.push(k);
                        }
                    }
                }
                Ok(Some(out))
            }
        }
    };
}

/// Reads an object whose common fields are inline and the rest in a boxed `more`, kept
/// only when something went there (repeated and unknown keys go there too).
macro_rules! boxed_shape {
    ($ty:ident, $more:ident { $($key:literal => $slot:ident),+ } { $($mkey:literal => $mslot:ident),+ $(,)? }) => {
        impl<'de> Shape<'de> for $ty<'de> {
            fn from_map<A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
                let mut out = $ty::default();
                let mut more = $more::default();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match k.as_ref() {
                        $($key => {
                            let L(v) = map.next_value()?;
                            let seen = out.$slot.replace(v).is_some();
                            more.extra.note(k, seen);
                        })+
                        $($mkey => {
                            let L(v) = map.next_value()?;
                            let seen = more.$mslot.replace(v).is_some();
                            more.extra.note(k, seen);
                        })+
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            more.extra.unknown.push(k);
                        }
                    }
                }
                if !more.is_empty() {
                    out.more = Some(Box::new(more));
                }
                Ok(Some(out))
            }
        }
    };
}

boxed_shape!(RawElement, RawElementMore {
    "id" => id,
    "kind" => kind,
    "name" => name,
    "parent" => parent,
    "status" => status,
    "start" => start,
    "end" => end
} {
    "description" => description,
    "tags" => tags,
    "properties" => properties,
});

boxed_shape!(RawView, RawViewMore {
    "id" => id,
    "include" => include
} {
    "title" => title,
    "description" => description,
    "exclude" => exclude,
    "relations" => relations,
    "group_by_parent" => group_by_parent,
    "collapse" => collapse,
    "direction" => direction,
    "legend" => legend,
});

boxed_shape!(RawSelector, RawSelectorMore {
    "id" => id
} {
    "kind" => kind,
    "tag" => tag,
    "status" => status,
    "subtree" => subtree,
    "around" => around,
    "depth" => depth,
    "relations" => relations,
});

object_shape!(RawCollapse {
    "ids" => ids,
    "depth" => depth,
});

impl<'de> Shape<'de> for RawRelation<'de> {
    fn from_map<A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
        let mut out = RawRelation::default();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            macro_rules! put {
                ($slot:expr, $more:expr) => {{
                    let L(v) = map.next_value()?;
                    let seen = $slot.replace(v).is_some();
                    $more.extra.note(k, seen);
                }};
            }
            let more = out.more.get_or_insert_with(Default::default);
            match k.as_ref() {
                "kind" => put!(out.kind, more),
                "from" => put!(out.from, more),
                "to" => put!(out.to, more),
                "id" => put!(more.id, more),
                "label" => put!(more.label, more),
                "tags" => put!(more.tags, more),
                "properties" => put!(more.properties, more),
                "data" => put!(more.data, more),
                "lag" => put!(more.lag, more),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    more.extra.unknown.push(k);
                }
            }
        }
        // Most relations have nothing beyond kind, from and to: keep them unboxed.
        if out.more.as_deref().is_some_and(RawRelationMore::is_empty) {
            out.more = None;
        }
        Ok(Some(out))
    }
}

impl RawRelationMore<'_> {
    fn is_empty(&self) -> bool {
        self.id.is_none()
            && self.label.is_none()
            && self.tags.is_none()
            && self.properties.is_none()
            && self.data.is_none()
            && self.lag.is_none()
            && self.extra.unknown.is_empty()
            && self.extra.repeated.is_empty()
    }
}

/// Parses the document, feeding `val` as it goes: when the languages and the elements
/// come before the relations (as in canonical files), each relation is validated as soon
/// as it is read and never held as a raw relation. Otherwise the relations are kept in
/// the returned document for [`Validation::buffered_relations`]. A syntax error (not a
/// type error: those are kept) is returned with serde_json's line and column.
pub(crate) fn parse<'de>(
    src: &'de str,
    val: &mut Validation,
) -> Result<Loose<RawDoc<'de>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(src);
    let doc = (&mut de).deserialize_any(DocVisitor { val })?;
    de.end()?;
    Ok(doc)
}

/// The scalar `visit_*` methods of a visitor that takes any JSON scalar as a value of
/// the wrong type: each returns `$wrong(self, Found::...)`.
macro_rules! wrong_scalars {
    ($wrong:path) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::Bool))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::Number))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::Number))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::Number))
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::String))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($wrong(self, Found::Null))
        }
    };
}

struct DocVisitor<'v> {
    val: &'v mut Validation,
}

impl DocVisitor<'_> {
    /// The document is not an object.
    fn wrong<'de>(self, found: Found) -> Loose<RawDoc<'de>> {
        Err(found)
    }
}

impl<'de> Visitor<'de> for DocVisitor<'_> {
    type Value = Loose<RawDoc<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ecograph model object")
    }
    wrong_scalars!(DocVisitor::wrong);
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.wrong(Found::Array))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = RawDoc::default();
        let mut streamed = false;
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            macro_rules! put {
                ($slot:ident) => {{
                    let L(v) = map.next_value()?;
                    let seen = out.$slot.replace(v).is_some();
                    out.extra.note(k, seen);
                }};
            }
            match k.as_ref() {
                "ecograph" => put!(version),
                "$schema" => put!(schema),
                "name" => put!(name),
                "description" => put!(description),
                "languages" => put!(languages),
                "elements" => put!(elements),
                "views" => put!(views),
                "relations" if streamed || out.relations.is_some() => {
                    map.next_value::<IgnoredAny>()?;
                    out.extra.note(k, true);
                }
                "relations"
                    if matches!(out.languages, Some(Ok(_)))
                        && matches!(out.elements, Some(Ok(_))) =>
                {
                    self.val.head(&out);
                    // The raw elements are validated: free them before the relations
                    // are read. An empty list keeps a repeated `elements` key reported.
                    if let Some(Ok(elements)) = &mut out.elements {
                        *elements = Vec::new();
                    }
                    map.next_value_seed(RelationStream {
                        val: &mut *self.val,
                    })?;
                    streamed = true;
                }
                "relations" => put!(relations),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    out.extra.unknown.push(k);
                }
            }
        }
        Ok(Ok(out))
    }
}

/// Reads up to `size` relations.
fn next_batch<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    size: usize,
) -> Result<Vec<Loose<RawRelation<'de>>>, A::Error> {
    let mut batch = Vec::with_capacity(size);
    while batch.len() < size {
        match seq.next_element::<L<RawRelation<'de>>>()? {
            Some(L(raw)) => batch.push(raw),
            None => break,
        }
    }
    Ok(batch)
}

/// Validates `batch`, the relations from `first` on, in pieces of [`BATCH`]; `first`
/// moves past them.
fn validate_in_order(val: &mut Validation, first: &mut usize, batch: &[Loose<RawRelation<'_>>]) {
    for chunk in batch.chunks(BATCH) {
        val.relation_batch(*first, chunk);
        *first += chunk.len();
    }
}

/// Validates relations in batches as they are read.
struct RelationStream<'v> {
    val: &'v mut Validation,
}

impl RelationStream<'_> {
    /// `relations` is not a list.
    fn wrong(self, found: Found) {
        self.val.relations_not_a_list(found);
    }
}

impl<'de> de::DeserializeSeed<'de> for RelationStream<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RelationStream<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of relations")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let val = self.val;
        val.expect_relations(seq.size_hint().unwrap_or(0));
        let mut batch = next_batch(&mut seq, BATCH)?;
        if batch.len() < BATCH {
            val.relation_batch(0, &batch);
            return Ok(());
        }
        // A long list: parse on this thread while another validates the batches already
        // read, in order. Parsing and validating cost about the same, so on two cores the
        // pipeline nearly halves the time of large models.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Loose<RawRelation<'de>>>>(8);
            // The validation is handed over once the thread has started: where the
            // system refuses one, it stays here, and each batch is validated as it is
            // read.
            let (give, given) = std::sync::mpsc::sync_channel::<&mut Validation>(1);
            let validating = move || {
                let Ok(val) = given.recv() else {
                    return;
                };
                let mut first = 0;
                for batch in rx {
                    validate_in_order(val, &mut first, &batch);
                }
            };
            let mut here = match crate::par::spawn(scope, validating) {
                Ok(_) => {
                    if give.send(val).is_err() {
                        // The thread is gone before it began: it panicked, which the
                        // scope passes on.
                        return Ok(());
                    }
                    None
                }
                Err(_) => Some(val),
            };
            let mut first = 0;
            while !batch.is_empty() {
                match here.as_deref_mut() {
                    Some(val) => validate_in_order(val, &mut first, &batch),
                    None => {
                        if tx.send(batch).is_err() {
                            break;
                        }
                    }
                }
                // Hand over in larger pieces: fewer wake-ups of the other thread.
                batch = next_batch(&mut seq, 16 * BATCH)?;
            }
            Ok(())
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.wrong(Found::Object);
        Ok(())
    }
    wrong_scalars!(RelationStream::wrong);
}
