//! A model document given in parts instead of JSON text, checked by the same validator
//! as a file.
//!
//! A program that translates another format into a model (the interop crate's
//! importers) would otherwise write the whole model as JSON text only for the loader to
//! parse it again. [`ModelParts`] holds what that text would hold, as strings exactly as
//! a file would give them (unchecked: a bad kind or period is reported like one in a
//! file), and [`ModelParts::check`] validates them directly. Diagnostics are the same as
//! [`Model::check_str`] gives for the document's JSON text, and are located in that text
//! (written only when there is a diagnostic to locate).

use crate::load::{Checked, conclude};
use crate::raw::{
    L, Loose, Num, RawDoc, RawElement, RawElementMore, RawRelation, RawRelationMore, RawText,
    RawView, Str,
};
use crate::validate::Validation;
use crate::{FORMAT_VERSION, Model};
use std::borrow::Cow;

/// A text field: one value, or values by language (in the order given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextParts<'a> {
    /// One value in no particular language (a plain JSON string in a file).
    Plain(Cow<'a, str>),
    /// `(language, value)` pairs (a JSON object in a file).
    Languages(Vec<(Cow<'a, str>, Cow<'a, str>)>),
}

impl<'a> TextParts<'a> {
    /// The same text, holding its strings.
    pub fn into_owned(self) -> TextParts<'static> {
        let own = |s: Cow<'a, str>| Cow::Owned(s.into_owned());
        match self {
            TextParts::Plain(s) => TextParts::Plain(own(s)),
            TextParts::Languages(pairs) => {
                TextParts::Languages(pairs.into_iter().map(|(l, v)| (own(l), own(v))).collect())
            }
        }
    }
    fn into_raw(self) -> RawText<'a> {
        match self {
            TextParts::Plain(s) => RawText::Plain(s),
            TextParts::Languages(pairs) => {
                RawText::Map(pairs.into_iter().map(|(l, v)| (l, Ok(v))).collect())
            }
        }
    }
}

fn strs<'a>(v: Vec<Cow<'a, str>>) -> Vec<Loose<Str<'a>>> {
    v.into_iter().map(Ok).collect()
}

/// One element of a [`ModelParts`]: the fields of an element object of the file.
#[derive(Debug, Clone)]
pub struct ElementParts<'a> {
    raw: RawElement<'a>,
}

impl<'a> ElementParts<'a> {
    /// An element with the fields every element has (`kind` as written in a file, e.g.
    /// `"system"`).
    pub fn new(
        id: impl Into<Cow<'a, str>>,
        kind: impl Into<Cow<'a, str>>,
        name: TextParts<'a>,
    ) -> ElementParts<'a> {
        ElementParts {
            raw: RawElement {
                id: Some(Ok(id.into())),
                kind: Some(Ok(kind.into())),
                name: Some(Ok(name.into_raw())),
                ..RawElement::default()
            },
        }
    }
    fn more(&mut self) -> &mut RawElementMore<'a> {
        self.raw.more.get_or_insert_default()
    }
    /// Sets `description`.
    pub fn description(&mut self, t: TextParts<'a>) {
        self.more().description = Some(Ok(t.into_raw()));
    }
    /// Sets `parent`.
    pub fn parent(&mut self, id: impl Into<Cow<'a, str>>) {
        self.raw.parent = Some(Ok(id.into()));
    }
    /// Sets `tags`.
    pub fn tags(&mut self, tags: Vec<Cow<'a, str>>) {
        self.more().tags = Some(Ok(strs(tags)));
    }
    /// Sets `properties`, in the order given.
    pub fn properties(&mut self, props: Vec<(Cow<'a, str>, Cow<'a, str>)>) {
        self.more().properties = Some(Ok(props.into_iter().map(|(k, v)| (k, Ok(v))).collect()));
    }
    /// Sets `status`.
    pub fn status(&mut self, s: impl Into<Cow<'a, str>>) {
        self.raw.status = Some(Ok(s.into()));
    }
    /// Sets `start`.
    pub fn start(&mut self, s: impl Into<Cow<'a, str>>) {
        self.raw.start = Some(Ok(s.into()));
    }
    /// Sets `end`.
    pub fn end(&mut self, s: impl Into<Cow<'a, str>>) {
        self.raw.end = Some(Ok(s.into()));
    }
}

/// One relation of a [`ModelParts`]: the fields of a relation object of the file.
#[derive(Debug, Clone)]
pub struct RelationParts<'a> {
    raw: RawRelation<'a>,
}

impl<'a> RelationParts<'a> {
    /// A relation with the fields every relation has (`kind` as written in a file, e.g.
    /// `"depends_on"`).
    pub fn new(
        kind: impl Into<Cow<'a, str>>,
        from: impl Into<Cow<'a, str>>,
        to: impl Into<Cow<'a, str>>,
    ) -> RelationParts<'a> {
        RelationParts {
            raw: RawRelation {
                kind: Some(Ok(kind.into())),
                from: Some(Ok(from.into())),
                to: Some(Ok(to.into())),
                more: None,
            },
        }
    }
    fn more(&mut self) -> &mut RawRelationMore<'a> {
        self.raw.more.get_or_insert_default()
    }
    /// Sets `id`.
    pub fn id(&mut self, id: impl Into<Cow<'a, str>>) {
        self.more().id = Some(Ok(id.into()));
    }
    /// Sets `label`.
    pub fn label(&mut self, t: TextParts<'a>) {
        self.more().label = Some(Ok(t.into_raw()));
    }
    /// Sets `tags`.
    pub fn tags(&mut self, tags: Vec<Cow<'a, str>>) {
        self.more().tags = Some(Ok(strs(tags)));
    }
    /// Sets `properties`, in the order given.
    pub fn properties(&mut self, props: Vec<(Cow<'a, str>, Cow<'a, str>)>) {
        self.more().properties = Some(Ok(props.into_iter().map(|(k, v)| (k, Ok(v))).collect()));
    }
    /// Sets `data`.
    pub fn data(&mut self, ids: Vec<Cow<'a, str>>) {
        self.more().data = Some(Ok(strs(ids)));
    }
    /// Sets `lag`.
    pub fn lag(&mut self, lag: impl Into<Cow<'a, str>>) {
        self.more().lag = Some(Ok(lag.into()));
    }
}

/// A whole model document in parts: `ecograph` is [`FORMAT_VERSION`]; the other fields
/// are set one by one, elements and relations added in order.
///
/// ```
/// use ecograph_core::{ElementParts, ModelParts, RelationParts, TextParts};
/// let mut parts = ModelParts::new();
/// parts.element(ElementParts::new("a", "system", TextParts::Plain("A".into())));
/// parts.element(ElementParts::new("b", "system", TextParts::Plain("B".into())));
/// parts.relation(RelationParts::new("uses", "a", "b"));
/// let model = parts.check(None).model.expect("a valid model");
/// assert_eq!(model.relation_count(), 1);
///
/// let mut parts = ModelParts::new();
/// parts.element(ElementParts::new("a", "sytem", TextParts::Plain("A".into())));
/// let checked = parts.check(Some("in.json"));
/// let d = checked.diagnostics.errors().next().expect("one error");
/// assert_eq!((d.code(), d.path().as_str()), ("unknown-kind", "elements[0].kind"));
/// ```
#[derive(Debug, Clone)]
pub struct ModelParts<'a> {
    raw: RawDoc<'a>,
    elements: Vec<Loose<RawElement<'a>>>,
    relations: Vec<Loose<RawRelation<'a>>>,
    views: Option<&'a str>,
}

impl Default for ModelParts<'_> {
    fn default() -> Self {
        ModelParts::new()
    }
}

/// Views given as text nested deeper than this are checked as the document's whole text,
/// whose parser (and locator) limit nesting.
const VIEWS_NESTING: usize = 64;

impl<'a> ModelParts<'a> {
    /// A document with no field but `ecograph`.
    pub fn new() -> ModelParts<'a> {
        ModelParts {
            raw: RawDoc {
                version: Some(Ok(Num::Int(i64::from(FORMAT_VERSION)))),
                ..RawDoc::default()
            },
            elements: Vec::new(),
            relations: Vec::new(),
            views: None,
        }
    }
    /// Sets `$schema`.
    pub fn schema(&mut self, s: impl Into<Cow<'a, str>>) {
        self.raw.schema = Some(Ok(s.into()));
    }
    /// Sets `name`.
    pub fn name(&mut self, t: TextParts<'a>) {
        self.raw.name = Some(Ok(t.into_raw()));
    }
    /// Sets `description`.
    pub fn description(&mut self, t: TextParts<'a>) {
        self.raw.description = Some(Ok(t.into_raw()));
    }
    /// Sets `languages`.
    pub fn languages(&mut self, languages: Vec<Cow<'a, str>>) {
        self.raw.languages = Some(Ok(strs(languages)));
    }
    /// Makes room for `elements` more elements and `relations` more relations.
    pub fn reserve(&mut self, elements: usize, relations: usize) {
        self.elements.reserve_exact(elements);
        self.relations.reserve_exact(relations);
    }
    /// Adds an element after the others.
    pub fn element(&mut self, e: ElementParts<'a>) {
        self.elements.push(Ok(e.raw));
    }
    /// Adds a relation after the others.
    pub fn relation(&mut self, r: RelationParts<'a>) {
        self.relations.push(Ok(r.raw));
    }
    /// Sets `views` from its JSON text (a list of view objects, as in a file).
    pub fn views_json(&mut self, text: &'a str) {
        self.views = Some(text);
    }

    /// Validates the document as [`Model::check_str`] validates its JSON text, with the
    /// same diagnostics (located in that text, written only when there are any).
    pub fn check(mut self, file: Option<&str>) -> Checked {
        if let Some(text) = self.views {
            let parsed = (nesting(text) <= VIEWS_NESTING)
                .then(|| serde_json::from_str::<L<Vec<Loose<RawView<'a>>>>>(text).ok())
                .flatten();
            match parsed {
                Some(L(views)) => self.raw.views = Some(views),
                // Whatever the text's parser says about it, it says in place.
                None => return Model::check_str(&self.to_json(), file),
            }
        }
        self.raw.elements = Some(Ok(std::mem::take(&mut self.elements)));
        self.raw.relations = Some(Ok(std::mem::take(&mut self.relations)));
        let mut val = Validation::new();
        val.head(&self.raw);
        val.buffered_relations(&self.raw);
        let (model, mut diags) = val.finish(&self.raw);
        if diags.is_empty() {
            return conclude(model, diags, file);
        }
        let text = self.to_json();
        crate::locate::locate(&text, &mut diags);
        conclude(model, diags, file)
    }

    /// The document's JSON text, on one line: the fields in the order of the format's
    /// field lists.
    fn to_json(&self) -> String {
        let mut out = Vec::new();
        let doc = &self.raw;
        let mut o = Obj::new(&mut out);
        if let Some(Ok(s)) = &doc.schema {
            o.str("$schema", s);
        }
        if let Some(Ok(v)) = &doc.version {
            o.key("ecograph");
            match v {
                Num::Int(n) => o.out.extend_from_slice(n.to_string().as_bytes()),
                Num::Float(f) => o.out.extend_from_slice(f.to_string().as_bytes()),
            }
        }
        o.text("name", &doc.name);
        o.text("description", &doc.description);
        o.strs("languages", &doc.languages);
        let elements = match &doc.elements {
            Some(Ok(e)) => e,
            _ => &self.elements,
        };
        o.key("elements");
        list(o.out, elements, write_element);
        let relations = match &doc.relations {
            Some(Ok(r)) => r,
            _ => &self.relations,
        };
        o.key("relations");
        list(o.out, relations, write_relation);
        if let Some(v) = self.views {
            o.key("views");
            o.out.extend_from_slice(v.as_bytes());
        }
        o.end();
        // Only whole strings and ASCII were written.
        String::from_utf8(out).unwrap_or_default()
    }
}

/// How deep brackets nest in JSON text (those inside strings not counted).
fn nesting(text: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn list<T>(out: &mut Vec<u8>, items: &[Loose<T>], write: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().flatten().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn write_element(out: &mut Vec<u8>, e: &RawElement<'_>) {
    let none = RawElementMore::default();
    let more = e.more.as_deref().unwrap_or(&none);
    let mut o = Obj::new(out);
    o.opt_str("id", &e.id);
    o.opt_str("kind", &e.kind);
    o.text("name", &e.name);
    o.text("description", &more.description);
    o.opt_str("parent", &e.parent);
    o.strs("tags", &more.tags);
    o.props(&more.properties);
    o.opt_str("status", &e.status);
    o.opt_str("start", &e.start);
    o.opt_str("end", &e.end);
    o.end();
}

fn write_relation(out: &mut Vec<u8>, r: &RawRelation<'_>) {
    let none = RawRelationMore::default();
    let more = r.more.as_deref().unwrap_or(&none);
    let mut o = Obj::new(out);
    o.opt_str("id", &more.id);
    o.opt_str("kind", &r.kind);
    o.opt_str("from", &r.from);
    o.opt_str("to", &r.to);
    o.text("label", &more.label);
    o.strs("tags", &more.tags);
    o.props(&more.properties);
    o.strs("data", &more.data);
    o.opt_str("lag", &more.lag);
    o.end();
}

/// A JSON object written field by field.
struct Obj<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Obj<'o> {
    fn new(out: &'o mut Vec<u8>) -> Obj<'o> {
        out.push(b'{');
        Obj { out, first: true }
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        crate::json::write_str(self.out, k);
        self.out.push(b':');
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        crate::json::write_str(self.out, v);
    }
    fn opt_str(&mut self, k: &str, v: &Option<Loose<Str<'_>>>) {
        if let Some(Ok(v)) = v {
            self.str(k, v);
        }
    }
    fn strs(&mut self, k: &str, v: &Option<Loose<Vec<Loose<Str<'_>>>>>) {
        if let Some(Ok(v)) = v {
            self.key(k);
            self.out.push(b'[');
            for (i, s) in v.iter().flatten().enumerate() {
                if i > 0 {
                    self.out.push(b',');
                }
                crate::json::write_str(self.out, s);
            }
            self.out.push(b']');
        }
    }
    fn text(&mut self, k: &str, t: &Option<Loose<RawText<'_>>>) {
        match t {
            Some(Ok(RawText::Plain(s))) => self.str(k, s),
            Some(Ok(RawText::Map(pairs))) => {
                self.key(k);
                let mut o = Obj::new(self.out);
                for (l, v) in pairs {
                    if let Ok(v) = v {
                        o.str(l, v);
                    }
                }
                o.end();
            }
            _ => {}
        }
    }
    #[allow(clippy::type_complexity)]
    fn props(&mut self, p: &Option<Loose<Vec<(Str<'_>, Loose<Str<'_>>)>>>) {
        if let Some(Ok(p)) = p {
            self.key("properties");
            let mut o = Obj::new(self.out);
            for (k, v) in p {
                if let Ok(v) = v {
                    o.str(k, v);
                }
            }
            o.end();
        }
    }
    fn end(self) {
        self.out.push(b'}');
    }
}
