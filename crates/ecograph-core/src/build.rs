//! Building models in code, with the same validation as loading a file.

use crate::time::{Duration, Period};
use crate::{Checked, ElementKind, Error, Model, RelationKind, Status, Text, View};
use serde_json::{Map, Value, json};

/// An element to add with [`ModelBuilder::element`].
#[derive(Debug, Clone)]
pub struct NewElement {
    id: String,
    kind: ElementKind,
    name: Text,
    fields: Map<String, Value>,
}

impl NewElement {
    /// An element with its required fields.
    pub fn new(id: impl Into<String>, kind: ElementKind, name: Text) -> NewElement {
        NewElement {
            id: id.into(),
            kind,
            name,
            fields: Map::new(),
        }
    }
    /// Sets the description.
    pub fn description(mut self, t: Text) -> Self {
        self.fields.insert("description".into(), t.to_json());
        self
    }
    /// Sets the containing element.
    pub fn parent(mut self, id: impl Into<String>) -> Self {
        self.fields.insert("parent".into(), Value::from(id.into()));
        self
    }
    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        push(&mut self.fields, "tags", Value::from(tag.into()));
        self
    }
    /// Sets a property.
    pub fn property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        object(&mut self.fields, "properties").insert(key.into(), Value::from(value.into()));
        self
    }
    /// Sets a task's status.
    pub fn status(mut self, s: Status) -> Self {
        self.fields.insert("status".into(), Value::from(s.as_str()));
        self
    }
    /// Sets a task's planned start.
    pub fn start(mut self, p: Period) -> Self {
        self.fields
            .insert("start".into(), Value::from(p.to_string()));
        self
    }
    /// Sets a task's planned end.
    pub fn end(mut self, p: Period) -> Self {
        self.fields.insert("end".into(), Value::from(p.to_string()));
        self
    }
}

/// A relation to add with [`ModelBuilder::relation`].
#[derive(Debug, Clone)]
pub struct NewRelation {
    fields: Map<String, Value>,
}

impl NewRelation {
    /// A relation of `kind` from `from` to `to`.
    pub fn new(kind: RelationKind, from: impl Into<String>, to: impl Into<String>) -> NewRelation {
        let mut fields = Map::new();
        fields.insert("kind".into(), Value::from(kind.as_str()));
        fields.insert("from".into(), Value::from(from.into()));
        fields.insert("to".into(), Value::from(to.into()));
        NewRelation { fields }
    }
    /// Sets the relation's id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.fields.insert("id".into(), Value::from(id.into()));
        self
    }
    /// Sets the label.
    pub fn label(mut self, t: Text) -> Self {
        self.fields.insert("label".into(), t.to_json());
        self
    }
    /// Adds a data element that a flow carries.
    pub fn data(mut self, id: impl Into<String>) -> Self {
        push(&mut self.fields, "data", Value::from(id.into()));
        self
    }
    /// Sets a `depends_on` lag.
    pub fn lag(mut self, d: Duration) -> Self {
        self.fields.insert("lag".into(), Value::from(d.to_string()));
        self
    }
    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        push(&mut self.fields, "tags", Value::from(tag.into()));
        self
    }
    /// Sets a property.
    pub fn property(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        object(&mut self.fields, "properties").insert(key.into(), Value::from(value.into()));
        self
    }
}

fn push(m: &mut Map<String, Value>, key: &str, v: Value) {
    if let Value::Array(a) = m.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        a.push(v);
    }
}

fn object<'a>(m: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let v = m.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(o) => o,
        _ => unreachable!("just made an object"),
    }
}

/// Builds a model in code. [`ModelBuilder::build`] applies exactly the checks that
/// loading a file does; diagnostics name the builder calls by position
/// (`elements[3]` is the fourth element added).
///
/// ```
/// use ecograph_core::{ElementKind, ModelBuilder, NewElement, NewRelation, RelationKind, Text};
/// # fn main() -> Result<(), ecograph_core::Error> {
/// let model = ModelBuilder::new()
///     .element(NewElement::new("keha", ElementKind::Actor, Text::plain("KEHA")))
///     .element(NewElement::new("tmt", ElementKind::System, Text::plain("Job Market Finland")))
///     .relation(NewRelation::new(RelationKind::Responsible, "keha", "tmt"))
///     .build()?;
/// assert_eq!(model.element_count(), 2);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ModelBuilder {
    head: Map<String, Value>,
    elements: Vec<Value>,
    relations: Vec<Value>,
    views: Vec<Value>,
}

impl ModelBuilder {
    /// An empty model in English.
    pub fn new() -> ModelBuilder {
        ModelBuilder::default()
    }
    /// Sets the languages, the default first.
    pub fn languages<S: Into<String>>(mut self, langs: impl IntoIterator<Item = S>) -> Self {
        let langs: Vec<Value> = langs.into_iter().map(|l| Value::from(l.into())).collect();
        self.head.insert("languages".into(), Value::Array(langs));
        self
    }
    /// Sets the model's name.
    pub fn name(mut self, t: Text) -> Self {
        self.head.insert("name".into(), t.to_json());
        self
    }
    /// Sets the model's description.
    pub fn description(mut self, t: Text) -> Self {
        self.head.insert("description".into(), t.to_json());
        self
    }
    /// Adds an element.
    pub fn element(mut self, e: NewElement) -> Self {
        let mut m = Map::new();
        m.insert("id".into(), Value::from(e.id));
        m.insert("kind".into(), Value::from(e.kind.as_str()));
        m.insert("name".into(), e.name.to_json());
        m.extend(e.fields);
        self.elements.push(Value::Object(m));
        self
    }
    /// Adds a relation.
    pub fn relation(mut self, r: NewRelation) -> Self {
        self.relations.push(Value::Object(r.fields));
        self
    }
    /// Adds a view.
    pub fn view(mut self, v: &View) -> Self {
        self.views.push(crate::write::view_json(v));
        self
    }

    /// A builder holding a model document (as [`Model::to_json`] writes it).
    pub(crate) fn from_json(doc: Value) -> ModelBuilder {
        let mut b = ModelBuilder::new();
        if let Value::Object(doc) = doc {
            for (k, v) in doc {
                match (k.as_str(), v) {
                    ("ecograph", _) => {}
                    ("elements", Value::Array(a)) => b.elements = a,
                    ("relations", Value::Array(a)) => b.relations = a,
                    ("views", Value::Array(a)) => b.views = a,
                    (_, v) => {
                        b.head.insert(k, v);
                    }
                }
            }
        }
        b
    }

    /// Replaces the element with the same id where it is (its relations stay), or adds
    /// it at the end when there is none.
    pub fn replace_element(self, e: NewElement) -> Self {
        let id = e.id.clone();
        match self.elements.iter().position(|v| v["id"] == id.as_str()) {
            Some(i) => {
                let mut b = self.element(e);
                let new = b.elements.pop().unwrap_or_default();
                b.elements[i] = new;
                b
            }
            None => self.element(e),
        }
    }

    /// Removes the element with this id and every relation that starts or ends at it
    /// (data it is carried as stays listed: validation then reports it). Elements it
    /// contains keep their `parent`, which validation then reports: move or remove them
    /// too.
    pub fn remove_element(mut self, id: &str) -> Self {
        self.elements.retain(|v| v["id"] != id);
        self.relations.retain(|v| v["from"] != id && v["to"] != id);
        self
    }

    /// Keeps only the relations for which `keep(kind, from, to)` is true.
    pub fn retain_relations(
        mut self,
        mut keep: impl FnMut(RelationKind, &str, &str) -> bool,
    ) -> Self {
        self.relations.retain(|v| {
            let kind = v["kind"].as_str().and_then(RelationKind::parse);
            match (kind, v["from"].as_str(), v["to"].as_str()) {
                (Some(k), Some(f), Some(t)) => keep(k, f, t),
                _ => true,
            }
        });
        self
    }

    /// Validates and builds the model.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    pub fn build(self) -> Result<Model, Error> {
        self.check().into_result()
    }

    /// Validates the model, returning it (if valid) with every diagnostic.
    pub fn check(self) -> Checked {
        let mut doc = Map::new();
        doc.insert("ecograph".into(), json!(crate::FORMAT_VERSION));
        doc.extend(self.head);
        doc.insert("elements".into(), Value::Array(self.elements));
        doc.insert("relations".into(), Value::Array(self.relations));
        doc.insert("views".into(), Value::Array(self.views));
        // One validation for files and code: the document goes through the same parser.
        let text = Value::Object(doc).to_string();
        let mut checked = Model::check_str(&text, Some("<builder>"));
        // Positions in generated text mean nothing to the caller; paths do.
        for d in std::sync::Arc::make_mut(&mut checked.diagnostics.items) {
            d.line = None;
            d.column = None;
        }
        checked
    }
}
