//! Views: which part of a model a diagram shows, and how.

use crate::{ElementKind, ElementSet, RelationKind, Status, Text};

/// Which elements a view includes or excludes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selector {
    /// Every element of the kind.
    Kind(ElementKind),
    /// Every element with the tag.
    Tag(String),
    /// The element.
    Id(String),
    /// Every task with the status.
    Status(Status),
    /// The element and everything it contains.
    Subtree(String),
    /// The element and everything within `depth` relations of it (either direction),
    /// following only `relations` (all kinds when empty).
    Around {
        /// The centre.
        id: String,
        /// How many relations away.
        depth: usize,
        /// The relation kinds to follow; empty means all.
        relations: Vec<RelationKind>,
    },
}

/// Direction of a diagram's main axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LayoutDirection {
    /// Top to bottom.
    #[default]
    TopToBottom,
    /// Left to right.
    LeftToRight,
}

impl LayoutDirection {
    /// `TB` or `LR`.
    pub fn as_str(self) -> &'static str {
        match self {
            LayoutDirection::TopToBottom => "TB",
            LayoutDirection::LeftToRight => "LR",
        }
    }
}

/// Which elements a view draws as their container.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collapse {
    /// Elements whose contents are drawn as the element itself.
    pub ids: Vec<String>,
    /// Everything deeper than this containment depth (roots are depth 0) is drawn as its
    /// ancestor at that depth.
    pub depth: Option<usize>,
}

/// A diagram of part of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct View {
    /// Unique among views; names the output file.
    pub id: String,
    /// The title (the id when the model gives none).
    pub title: Option<Text>,
    /// What the view is for.
    pub description: Option<Text>,
    /// An element is drawn if any selector matches it; empty means every element.
    pub include: Vec<Selector>,
    /// An element matching any of these is not drawn.
    pub exclude: Vec<Selector>,
    /// The relation kinds drawn; `None` means every kind.
    pub relations: Option<Vec<RelationKind>>,
    /// Draw containment as nested boxes.
    pub group_by_parent: bool,
    /// What to draw collapsed.
    pub collapse: Collapse,
    /// The main axis.
    pub direction: LayoutDirection,
    /// Draw a legend.
    pub legend: bool,
}

impl View {
    /// The fields of a view in the model file, in their documented order.
    pub const FIELDS: &'static [&'static str] = crate::raw::fields::VIEW;

    /// The view as the model file's canonical form writes it (fields that hold their
    /// default are left out).
    pub fn to_json(&self) -> serde_json::Value {
        crate::write::view_json(self)
    }

    /// A view with the given id that draws every element and relation.
    pub fn new(id: impl Into<String>) -> View {
        View {
            id: id.into(),
            title: None,
            description: None,
            include: Vec::new(),
            exclude: Vec::new(),
            relations: None,
            group_by_parent: true,
            collapse: Collapse::default(),
            direction: LayoutDirection::TopToBottom,
            legend: true,
        }
    }

    /// A view with the given id that draws exactly the elements of a set (in file order)
    /// and the relations between them: the way to draw an [`ElementSet`] (the render
    /// crate's `Diagram::from_set` uses it). An empty set gives a view that draws
    /// nothing (it excludes every kind), not everything as an empty `include` would.
    ///
    /// ```
    /// use ecograph_core::{ElementKind, ElementSet, Model, Selector, View};
    /// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///   {"id": "a", "kind": "system", "name": "A"}, {"id": "d", "kind": "data", "name": "D"}]}"#)?;
    /// let view = View::from_set("systems", &ElementSet::of_kind(&model, ElementKind::System));
    /// assert_eq!(view.include, vec![Selector::Id("a".into())]);
    /// # Ok::<(), ecograph_core::Error>(())
    /// ```
    pub fn from_set(id: impl Into<String>, set: &ElementSet<'_>) -> View {
        let mut view = View::new(id);
        view.include = set
            .iter()
            .map(|e| Selector::Id(e.id().as_str().to_owned()))
            .collect();
        if view.include.is_empty() {
            view.exclude = ElementKind::ALL
                .iter()
                .map(|&k| Selector::Kind(k))
                .collect();
        }
        view
    }

    /// Whether the view draws relations of this kind.
    pub fn draws_relation(&self, kind: RelationKind) -> bool {
        self.relations.as_ref().is_none_or(|r| r.contains(&kind))
    }
}

impl View {
    /// Reads a view as a model file writes it (an entry of `views`, the form
    /// [`View::to_json`] gives), with the model file's checks of its fields, selectors,
    /// kinds, directions and depths. The element ids it names are not checked, as there
    /// is no model: drawing it (the render crate's `Diagram::new`) does.
    ///
    /// ```
    /// use ecograph_core::{RelationKind, View};
    /// let v = View::from_json(&serde_json::json!({
    ///     "id": "flows", "include": [{"kind": "system"}], "relations": ["flow"]
    /// }))?;
    /// assert_eq!(v.relations, Some(vec![RelationKind::Flow]));
    /// assert_eq!(View::from_json(&v.to_json())?, v);
    /// let err = View::from_json(&serde_json::json!({"id": "v", "relations": ["flw"]}));
    /// assert_eq!(
    ///     err.unwrap_err().to_string(),
    ///     "invalid view: unknown relation kind `flw` at `relations[0]` (did you mean `flow`?)"
    /// );
    /// # Ok::<(), ecograph_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidView`] listing every problem, each with its JSON path in
    /// the view and a suggestion where there is one.
    pub fn from_json(value: &serde_json::Value) -> Result<View, crate::Error> {
        use serde_json::{Value, json};
        // The view is checked by the model file's own validator, inside a document whose
        // elements are the ids the view names: one set of rules, not a second parser.
        let mut ids = std::collections::BTreeSet::new();
        let mut named = |v: Option<&Value>| {
            if let Some(s) = v.and_then(Value::as_str)
                && crate::validate::is_valid_id(s)
            {
                ids.insert(s.to_owned());
            }
        };
        for key in ["include", "exclude"] {
            for sel in value
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for field in ["id", "subtree", "around"] {
                    named(sel.get(field));
                }
            }
        }
        let collapse = value.get("collapse").and_then(|c| c.get("ids"));
        for id in collapse.and_then(Value::as_array).into_iter().flatten() {
            named(Some(id));
        }
        let elements: Vec<Value> = ids
            .iter()
            .map(|id| json!({ "id": id, "kind": "group", "name": id }))
            .collect();
        // The languages its texts use (a model declares the languages of its texts).
        let mut langs: Vec<&str> = Vec::new();
        for key in ["title", "description"] {
            for lang in value
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !langs.contains(&lang.0.as_str()) {
                    langs.push(lang.0);
                }
            }
        }
        let mut doc = json!({ "ecograph": 1, "elements": elements, "views": [value] });
        if !langs.is_empty() {
            doc["languages"] = json!(langs);
        }
        let checked = crate::Model::check_str(&doc.to_string(), None);
        let problems: Vec<String> = checked
            .diagnostics
            .errors()
            .map(|d| {
                let path = d.path();
                let path = path
                    .strip_prefix("views[0].")
                    .or_else(|| path.strip_prefix("views[0]"))
                    .unwrap_or(&path);
                let at = if path.is_empty() {
                    String::new()
                } else {
                    format!(" at `{path}`")
                };
                let hint = d
                    .suggestion()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                format!("{}{at}{hint}", d.message())
            })
            .collect();
        match checked.model {
            Some(m) if problems.is_empty() => Ok(m.views()[0].clone()),
            _ => Err(crate::Error::InvalidView { problems }),
        }
    }
}

/// A view as a model file writes it, read with [`View::from_json`]'s checks.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for View {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<View, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        View::from_json(&value).map_err(serde::de::Error::custom)
    }
}

/// The form [`View::to_json`] gives (and a model file holds).
#[cfg(feature = "serde")]
impl serde::Serialize for View {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}
