//! Canonical JSON: the model written back in a fixed layout.

use crate::view::{Selector, View};
use crate::{Element, Model, Relation, Text};
use serde::ser::Serialize;
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
    pub fn write_canonical_json(&self, w: impl std::io::Write) -> std::io::Result<()> {
        // Characters a terminal would act on (bidirectional controls, C1 controls, ...)
        // are `\u` escapes, so the file shows them in a review and prints safely.
        let mut w = crate::term::JsonSafe::new(w);
        canonical(self, &mut w)?;
        std::io::Write::write_all(&mut w, b"\n")?;
        w.into_inner().map(drop)
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
    let mut m = Map::new();
    element_fields(e, &mut m);
    Value::Object(m)
}

/// One relation in canonical form.
fn relation_json(r: &Relation<'_>) -> Value {
    let mut m = Map::new();
    relation_fields(r, &mut m);
    Value::Object(m)
}

/// Where the canonical fields of an element or a relation go: the JSON text of the
/// file ([`List`]) or a JSON object ([`Model::to_json`]). [`element_fields`] and
/// [`relation_fields`] list the fields once for both.
trait Fields {
    fn str(&mut self, k: &'static str, v: &str);
    fn text(&mut self, k: &'static str, t: &Text);
    fn strs<'a>(&mut self, k: &'static str, items: impl Iterator<Item = &'a str>);
    /// An object from string to string (keys are unique: validation refuses repeats).
    fn props<'a>(&mut self, k: &'static str, pairs: impl Iterator<Item = (&'a str, &'a str)>);
}

impl Fields for Map<String, Value> {
    fn str(&mut self, k: &'static str, v: &str) {
        self.insert(k.into(), Value::from(v));
    }
    fn text(&mut self, k: &'static str, t: &Text) {
        self.insert(k.into(), t.to_json());
    }
    fn strs<'a>(&mut self, k: &'static str, items: impl Iterator<Item = &'a str>) {
        self.insert(k.into(), strs(items));
    }
    fn props<'a>(&mut self, k: &'static str, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
        let m = pairs.map(|(k, v)| (k.to_owned(), Value::from(v))).collect();
        self.insert(k.into(), Value::Object(m));
    }
}

impl Fields for List<'_> {
    fn str(&mut self, k: &'static str, v: &str) {
        self.field(k);
        crate::json::write_str(self.out, v);
    }
    fn text(&mut self, k: &'static str, t: &Text) {
        self.field(k);
        match t.translations() {
            None => crate::json::write_str(self.out, t.default_value()),
            Some(pairs) => pairs_out(self.out, pairs, self.level + 1),
        }
    }
    fn strs<'a>(&mut self, k: &'static str, items: impl Iterator<Item = &'a str>) {
        self.field(k);
        let mut l = List::new(self.out, self.level + 1);
        for s in items {
            l.item();
            crate::json::write_str(l.out, s);
        }
        l.end();
    }
    fn props<'a>(&mut self, k: &'static str, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
        self.field(k);
        pairs_out(self.out, pairs, self.level + 1);
    }
}

/// An element's canonical fields, in order.
fn element_fields(e: &Element<'_>, m: &mut impl Fields) {
    m.str("id", e.id().as_str());
    m.str("kind", e.kind().as_str());
    m.text("name", e.name());
    if let Some(t) = e.description() {
        m.text("description", t);
    }
    if let Some(p) = e.parent() {
        m.str("parent", p.id().as_str());
    }
    if e.tags().len() > 0 {
        m.strs("tags", e.tags());
    }
    if e.properties().len() > 0 {
        m.props("properties", e.properties());
    }
    if let Some(s) = e.status() {
        m.str("status", s.as_str());
    }
    if let Some(s) = e.start() {
        m.str("start", &s.to_string());
    }
    if let Some(s) = e.end() {
        m.str("end", &s.to_string());
    }
}

/// A relation's canonical fields, in order.
fn relation_fields(r: &Relation<'_>, m: &mut impl Fields) {
    if let Some(id) = r.id() {
        m.str("id", id);
    }
    m.str("kind", r.kind().as_str());
    m.str("from", r.from().id().as_str());
    m.str("to", r.to().id().as_str());
    if let Some(t) = r.label() {
        m.text("label", t);
    }
    if r.data_carried().len() > 0 {
        m.strs("data", r.data_carried().map(|d| d.id().as_str()));
    }
    if let Some(l) = r.lag() {
        m.str("lag", &l.to_string());
    }
    if r.tags().len() > 0 {
        m.strs("tags", r.tags());
    }
    if r.properties().len() > 0 {
        m.props("properties", r.properties());
    }
}

/// The canonical document: the bytes serde_json's pretty printer gives for
/// [`Model::to_json`], without the whole model as a JSON value in memory, written by hand
/// for the elements and relations (nearly all of a file) from the same field lists as
/// `to_json` ([`element_fields`], [`relation_fields`]), their strings through
/// [`crate::json::write_str`]; the header and the views (small) still go through serde_json.
/// `streamed_canonical_json_is_the_json_value_printed` and the round-trip property
/// test compare it with the printed `Model::to_json`.
fn canonical(model: &Model, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(1 << 17);
    let mut doc = List::object(&mut out, 1);
    if let Some(s) = &model.schema {
        doc.str("$schema", s);
    }
    doc.field("ecograph");
    doc.out
        .extend_from_slice(crate::FORMAT_VERSION.to_string().as_bytes());
    if let Some(t) = model.name() {
        doc.field("name");
        nested(doc.out, &t.to_json(), 1);
    }
    if let Some(t) = model.description() {
        doc.field("description");
        nested(doc.out, &t.to_json(), 1);
    }
    doc.field("languages");
    nested(doc.out, &model.languages, 1);
    streamed(&mut doc, "elements", model.element_count(), w, |out, i| {
        if let Some(e) = model.element_at(i) {
            let mut m = List::object(out, 3);
            element_fields(&e, &mut m);
            m.end();
        }
    })?;
    streamed(
        &mut doc,
        "relations",
        model.relation_count(),
        w,
        |out, i| {
            if let Some(r) = model.relation_at(i) {
                let mut m = List::object(out, 3);
                relation_fields(&r, &mut m);
                m.end();
            }
        },
    )?;
    if !model.views.is_empty() {
        doc.field("views");
        let views: Vec<Value> = model.views.iter().map(view_json).collect();
        nested(doc.out, &views, 1);
    }
    doc.end();
    w.write_all(&out)
}

/// The array member `k` of the document `doc`: its `count` items, the `i`th written by
/// `item(out, i)`, the text so far handed to `w` after each run of [`RUN`] items.
///
/// A long list is written on two threads ([`crate::par::in_runs`]): this one writes
/// every other run while a second writes the runs between, each into a buffer handed to
/// `w` in its turn. The text is the same; `fmt` of a 100k-element model took 0.56–0.71 s
/// instead of 0.67–0.74 s (load 4.3–4.9). After a write error nothing more is handed
/// to `w`, and the error is returned once the runs are made.
fn streamed(
    doc: &mut List<'_>,
    k: &'static str,
    count: usize,
    w: &mut impl std::io::Write,
    item: impl Fn(&mut Vec<u8>, usize) + Sync,
) -> std::io::Result<()> {
    doc.field(k);
    let level = doc.level + 1;
    doc.out.push(b'[');
    // The items of a run, each after its separator.
    let run = |range: std::ops::Range<usize>, out: &mut Vec<u8>| {
        out.clear();
        let mut l = List::resume(out, level, b'[', range.start == 0);
        for i in range {
            l.item();
            item(l.out, i);
        }
    };
    let mut written = Ok(());
    crate::par::in_runs(count, RUN, run, |out| {
        if written.is_ok() {
            // What is waiting goes first.
            written = w.write_all(doc.out).and_then(|()| w.write_all(out));
            doc.out.clear();
        }
    });
    written?;
    List::resume(doc.out, level, b'[', count == 0).end();
    Ok(())
}

/// Items in one run of [`streamed`]'s list.
const RUN: usize = 2048;

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
        Self::resume(out, level, open, true)
    }
    /// The list opened by `open` earlier, continued in `out` (its own buffer, or a
    /// buffer of a later part of it); `first` when none of its members is written yet.
    fn resume(out: &'o mut Vec<u8>, level: usize, open: u8, first: bool) -> List<'o> {
        List {
            out,
            level,
            open,
            first,
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
    fn end(self) {
        if !self.first {
            newline(self.out, self.level - 1);
        }
        self.out.push(if self.open == b'[' { b']' } else { b'}' });
    }
}

fn pairs_out<'a>(out: &mut Vec<u8>, pairs: impl Iterator<Item = (&'a str, &'a str)>, level: usize) {
    let mut m = List::object(out, level);
    for (k, v) in pairs {
        m.key(k);
        crate::json::write_str(m.out, v);
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
