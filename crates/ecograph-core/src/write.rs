//! Canonical JSON: the model written back in a fixed layout.

use crate::view::{Selector, View};
use crate::{Element, Model, Relation, Text};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

fn strs<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(items.map(Value::from).collect())
}

fn put_text(m: &mut Map<String, Value>, key: &str, t: Option<&Text>) {
    if let Some(t) = t {
        m.insert(key.into(), t.to_json());
    }
}

impl Model {
    /// The model as a JSON value in canonical form: fields in the documented order,
    /// elements, relations and views in file order, properties sorted by key,
    /// translations in the order of `languages`, and no field that holds its default.
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        if let Some(s) = &self.schema {
            doc.insert("$schema".into(), Value::from(s.as_str()));
        }
        doc.insert("ecograph".into(), json!(crate::FORMAT_VERSION));
        put_text(&mut doc, "name", self.name());
        put_text(&mut doc, "description", self.description());
        doc.insert(
            "languages".into(),
            strs(self.languages.iter().map(String::as_str)),
        );
        let elements = self.elements().map(|e| element_json(&e)).collect();
        doc.insert("elements".into(), Value::Array(elements));
        let relations = self.relations().map(|r| relation_json(&r)).collect();
        doc.insert("relations".into(), Value::Array(relations));
        if !self.views.is_empty() {
            doc.insert(
                "views".into(),
                Value::Array(self.views.iter().map(view_json).collect()),
            );
        }
        Value::Object(doc)
    }

    /// The canonical JSON text: [`Model::to_json`] with two-space indentation and a final
    /// newline. Loading it gives an equal model.
    pub fn to_canonical_json(&self) -> String {
        let mut out = Vec::new();
        // Writing into a `Vec` cannot fail, and serde_json writes UTF-8.
        let _ = self.write_canonical_json(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Streams the canonical JSON text ([`Model::to_canonical_json`]) to `w`, one
    /// element, relation or view at a time, so that only the model is held in memory.
    ///
    /// ```
    /// use ecograph_core::Model;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///     {"id": "a", "kind": "group", "name": "A"}]}"#)?;
    /// let mut out = Vec::new();
    /// model.write_canonical_json(&mut out)?;
    /// assert_eq!(String::from_utf8(out)?, model.to_canonical_json());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// Whatever writing to `w` returns.
    pub fn write_canonical_json(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        canonical(self, &mut w)?;
        w.write_all(b"\n")
    }

    /// Writes the model's canonical JSON ([`Model::to_canonical_json`]) to `path`
    /// atomically, through [`crate::fs::write_atomic`]: a temporary file beside it,
    /// synced, then renamed over it, keeping the old file's mode, owner and links. A
    /// reader or a crash sees the old file or the new one, never a mix.
    ///
    /// # Errors
    /// [`Error::Write`](crate::Error::Write) when the file cannot be written; the old
    /// file is then unchanged.
    ///
    /// ```
    /// use ecograph_core::{ElementKind, Model, NewElement, Text};
    /// # fn main() -> Result<(), ecograph_core::Error> {
    /// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///     {"id": "a", "kind": "group", "name": "A"}]}"#)?;
    /// let edited = model
    ///     .to_builder()
    ///     .element(NewElement::new("b", ElementKind::Group, Text::plain("B")).parent("a"))
    ///     .build()?;
    /// let path = std::env::temp_dir().join(format!("ecograph-save-{}.json", std::process::id()));
    /// edited.save(&path)?;
    /// assert_eq!(Model::load(&path)?.element_count(), 2);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok(())
    /// # }
    /// ```
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), crate::Error> {
        let path = path.as_ref();
        crate::fs::write_atomic_with(path, |w| self.write_canonical_json(w)).map_err(|source| {
            crate::Error::Write {
                path: path.to_owned(),
                source,
            }
        })
    }

    /// A [`ModelBuilder`](crate::ModelBuilder) holding this model (its canonical form),
    /// to change and [`build`](crate::ModelBuilder::build) into a new model with the
    /// same checks as loading a file. The model itself does not change.
    pub fn to_builder(&self) -> crate::ModelBuilder {
        crate::ModelBuilder::from_json(self.to_json())
    }
}

/// One element in canonical form.
fn element_json(e: &Element<'_>) -> Value {
    serde_json::to_value(ElementOut(*e)).unwrap_or(Value::Null)
}

/// One relation in canonical form.
fn relation_json(r: &Relation<'_>) -> Value {
    serde_json::to_value(RelationOut(*r)).unwrap_or(Value::Null)
}

/// A text as a JSON string (plain) or an object from language to value.
struct TextOut<'a>(&'a Text);

impl Serialize for TextOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.translations() {
            None => serializer.serialize_str(self.0.default_value()),
            Some(pairs) => serializer.collect_map(pairs),
        }
    }
}

/// A JSON array of the strings `items` gives.
struct StrsOut<F>(F);

impl<'a, F, I> Serialize for StrsOut<F>
where
    F: Fn() -> I,
    I: Iterator<Item = &'a str>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// A JSON object from string to string (keys are unique: validation refuses repeats).
struct PropsOut<F>(F);

impl<'a, F, I> Serialize for PropsOut<F>
where
    F: Fn() -> I,
    I: Iterator<Item = (&'a str, &'a str)>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map((self.0)())
    }
}

/// One element in canonical form, serialized field by field without a JSON value per
/// element (the same bytes as [`element_json`], which is made from it).
struct ElementOut<'m>(Element<'m>);

impl Serialize for ElementOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = &self.0;
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("id", e.id().as_str())?;
        m.serialize_entry("kind", e.kind().as_str())?;
        m.serialize_entry("name", &TextOut(e.name()))?;
        if let Some(t) = e.description() {
            m.serialize_entry("description", &TextOut(t))?;
        }
        if let Some(p) = e.parent() {
            m.serialize_entry("parent", p.id().as_str())?;
        }
        if e.tags().len() > 0 {
            m.serialize_entry("tags", &StrsOut(|| e.tags()))?;
        }
        if e.properties().len() > 0 {
            m.serialize_entry("properties", &PropsOut(|| e.properties()))?;
        }
        if let Some(s) = e.status() {
            m.serialize_entry("status", s.as_str())?;
        }
        if let Some(s) = e.start() {
            m.serialize_entry("start", &s.to_string())?;
        }
        if let Some(s) = e.end() {
            m.serialize_entry("end", &s.to_string())?;
        }
        m.end()
    }
}

/// One relation in canonical form (see [`ElementOut`]).
struct RelationOut<'m>(Relation<'m>);

impl Serialize for RelationOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = &self.0;
        let mut m = serializer.serialize_map(None)?;
        if let Some(id) = r.id() {
            m.serialize_entry("id", id)?;
        }
        m.serialize_entry("kind", r.kind().as_str())?;
        m.serialize_entry("from", r.from().id().as_str())?;
        m.serialize_entry("to", r.to().id().as_str())?;
        if let Some(t) = r.label() {
            m.serialize_entry("label", &TextOut(t))?;
        }
        if r.data_carried().len() > 0 {
            m.serialize_entry(
                "data",
                &StrsOut(|| r.data_carried().map(|d| d.id().as_str())),
            )?;
        }
        if let Some(l) = r.lag() {
            m.serialize_entry("lag", &l.to_string())?;
        }
        if r.tags().len() > 0 {
            m.serialize_entry("tags", &StrsOut(|| r.tags()))?;
        }
        if r.properties().len() > 0 {
            m.serialize_entry("properties", &PropsOut(|| r.properties()))?;
        }
        m.end()
    }
}

/// The canonical document: the bytes serde_json's pretty printer gives for
/// [`Model::to_json`], without the whole model as a JSON value in memory, written by hand
/// for the elements and relations (nearly all of a file), whose strings go through
/// [`crate::json::write_str`]; the header and the views (small) still go through serde_json.
/// `streamed_canonical_json_is_the_json_value_printed` and the round-trip property
/// test compare it with the printed `Model::to_json`.
fn canonical(model: &Model, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(1 << 17);
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, k: &str| {
        out.extend_from_slice(if first { b"{\n  " } else { b",\n  " });
        first = false;
        crate::json::write_str(out, k);
        out.extend_from_slice(b": ");
    };
    if let Some(s) = &model.schema {
        key(&mut out, "$schema");
        crate::json::write_str(&mut out, s);
    }
    key(&mut out, "ecograph");
    out.extend_from_slice(crate::FORMAT_VERSION.to_string().as_bytes());
    if let Some(t) = model.name() {
        key(&mut out, "name");
        nested(&mut out, &t.to_json(), 1);
    }
    if let Some(t) = model.description() {
        key(&mut out, "description");
        nested(&mut out, &t.to_json(), 1);
    }
    key(&mut out, "languages");
    nested(&mut out, &model.languages, 1);
    key(&mut out, "elements");
    let mut items = List::new(&mut out, 2);
    for e in model.elements() {
        items.item();
        element(items.out, &e);
        if items.out.len() >= 1 << 16 {
            w.write_all(items.out)?;
            items.out.clear();
        }
    }
    items.end();
    key(&mut out, "relations");
    let mut items = List::new(&mut out, 2);
    for r in model.relations() {
        items.item();
        relation(items.out, &r);
        if items.out.len() >= 1 << 16 {
            w.write_all(items.out)?;
            items.out.clear();
        }
    }
    items.end();
    if !model.views.is_empty() {
        key(&mut out, "views");
        let views: Vec<Value> = model.views.iter().map(view_json).collect();
        nested(&mut out, &views, 1);
    }
    out.extend_from_slice(b"\n}");
    w.write_all(&out)
}

/// `v` pretty-printed by serde_json as if it were nested `level` levels deep: JSON text
/// holds no raw newline inside a string, so each newline is followed by the indent.
fn nested(out: &mut Vec<u8>, v: &impl Serialize, level: usize) {
    let text = serde_json::to_vec_pretty(v).unwrap_or_default();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            newline(out, level);
        }
        out.extend_from_slice(line);
    }
}

fn newline(out: &mut Vec<u8>, level: usize) {
    out.push(b'\n');
    for _ in 0..level {
        out.extend_from_slice(b"  ");
    }
}

/// A pretty-printed JSON array or object whose members sit `level` levels deep.
struct List<'o> {
    out: &'o mut Vec<u8>,
    level: usize,
    open: u8,
    first: bool,
}

impl<'o> List<'o> {
    fn new(out: &'o mut Vec<u8>, level: usize) -> List<'o> {
        Self::open(out, level, b'[')
    }
    fn object(out: &'o mut Vec<u8>, level: usize) -> List<'o> {
        Self::open(out, level, b'{')
    }
    fn open(out: &'o mut Vec<u8>, level: usize, open: u8) -> List<'o> {
        out.push(open);
        List {
            out,
            level,
            open,
            first: true,
        }
    }
    /// Starts the next member of an array.
    fn item(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        newline(self.out, self.level);
    }
    /// Starts the next member of an object: its key.
    fn key(&mut self, k: &str) {
        self.item();
        crate::json::write_str(self.out, k);
        self.out.extend_from_slice(b": ");
    }
    /// Starts a member of an object whose key is one of the format's own names, which
    /// need no escaping.
    fn field(&mut self, k: &'static str) {
        self.item();
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }
    fn field_str(&mut self, k: &'static str, v: &str) {
        self.field(k);
        crate::json::write_str(self.out, v);
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        crate::json::write_str(self.out, v);
    }
    fn end(self) {
        if !self.first {
            newline(self.out, self.level - 1);
        }
        self.out.push(if self.open == b'[' { b']' } else { b'}' });
    }
}

fn text(out: &mut Vec<u8>, t: &Text, level: usize) {
    match t.translations() {
        None => crate::json::write_str(out, t.default_value()),
        Some(pairs) => pairs_out(out, pairs, level),
    }
}

fn pairs_out<'a>(out: &mut Vec<u8>, pairs: impl Iterator<Item = (&'a str, &'a str)>, level: usize) {
    let mut m = List::object(out, level);
    for (k, v) in pairs {
        m.str(k, v);
    }
    m.end();
}

fn strs_out<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a str>, level: usize) {
    let mut l = List::new(out, level);
    for s in items {
        l.item();
        crate::json::write_str(l.out, s);
    }
    l.end();
}

/// [`ElementOut`] at the elements' depth.
fn element(out: &mut Vec<u8>, e: &Element<'_>) {
    let mut m = List::object(out, 3);
    m.field_str("id", e.id().as_str());
    m.field_str("kind", e.kind().as_str());
    m.field("name");
    text(m.out, e.name(), 4);
    if let Some(t) = e.description() {
        m.field("description");
        text(m.out, t, 4);
    }
    if let Some(p) = e.parent() {
        m.field_str("parent", p.id().as_str());
    }
    if e.tags().len() > 0 {
        m.field("tags");
        strs_out(m.out, e.tags(), 4);
    }
    if e.properties().len() > 0 {
        m.field("properties");
        pairs_out(m.out, e.properties(), 4);
    }
    if let Some(s) = e.status() {
        m.field_str("status", s.as_str());
    }
    if let Some(s) = e.start() {
        m.field_str("start", &s.to_string());
    }
    if let Some(s) = e.end() {
        m.field_str("end", &s.to_string());
    }
    m.end();
}

/// [`RelationOut`] at the relations' depth.
fn relation(out: &mut Vec<u8>, r: &Relation<'_>) {
    let mut m = List::object(out, 3);
    if let Some(id) = r.id() {
        m.field_str("id", id);
    }
    m.field_str("kind", r.kind().as_str());
    m.field_str("from", r.from().id().as_str());
    m.field_str("to", r.to().id().as_str());
    if let Some(t) = r.label() {
        m.field("label");
        text(m.out, t, 4);
    }
    if r.data_carried().len() > 0 {
        m.field("data");
        strs_out(m.out, r.data_carried().map(|d| d.id().as_str()), 4);
    }
    if let Some(l) = r.lag() {
        m.field_str("lag", &l.to_string());
    }
    if r.tags().len() > 0 {
        m.field("tags");
        strs_out(m.out, r.tags(), 4);
    }
    if r.properties().len() > 0 {
        m.field("properties");
        pairs_out(m.out, r.properties(), 4);
    }
    m.end();
}

pub(crate) fn selector_json(s: &Selector) -> Value {
    match s {
        Selector::Kind(k) => json!({ "kind": k.as_str() }),
        Selector::Tag(t) => json!({ "tag": t }),
        Selector::Id(i) => json!({ "id": i }),
        Selector::Status(st) => json!({ "status": st.as_str() }),
        Selector::Subtree(i) => json!({ "subtree": i }),
        Selector::Around {
            id,
            depth,
            relations,
        } => {
            let mut m = Map::new();
            m.insert("around".into(), Value::from(id.as_str()));
            m.insert("depth".into(), Value::from(*depth));
            if !relations.is_empty() {
                m.insert(
                    "relations".into(),
                    strs(relations.iter().map(|k| k.as_str())),
                );
            }
            Value::Object(m)
        }
    }
}

pub(crate) fn view_json(v: &View) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::from(v.id.as_str()));
    put_text(&mut m, "title", v.title.as_ref());
    put_text(&mut m, "description", v.description.as_ref());
    if !v.include.is_empty() {
        m.insert(
            "include".into(),
            Value::Array(v.include.iter().map(selector_json).collect()),
        );
    }
    if !v.exclude.is_empty() {
        m.insert(
            "exclude".into(),
            Value::Array(v.exclude.iter().map(selector_json).collect()),
        );
    }
    if let Some(r) = &v.relations {
        m.insert("relations".into(), strs(r.iter().map(|k| k.as_str())));
    }
    if !v.group_by_parent {
        m.insert("group_by_parent".into(), Value::Bool(false));
    }
    if !v.collapse.ids.is_empty() || v.collapse.depth.is_some() {
        let mut c = Map::new();
        if !v.collapse.ids.is_empty() {
            c.insert(
                "ids".into(),
                strs(v.collapse.ids.iter().map(String::as_str)),
            );
        }
        if let Some(d) = v.collapse.depth {
            c.insert("depth".into(), Value::from(d));
        }
        m.insert("collapse".into(), Value::Object(c));
    }
    if v.direction != crate::LayoutDirection::TopToBottom {
        m.insert("direction".into(), Value::from(v.direction.as_str()));
    }
    if !v.legend {
        m.insert("legend".into(), Value::Bool(false));
    }
    Value::Object(m)
}

/// Models are equal when their canonical JSON is: same elements, relations and views in
/// the same order, whatever the layout of the files they came from.
impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}
