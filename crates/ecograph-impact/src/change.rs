//! Change sets: what changed in a model, as given on the command line, in a JSON file, or
//! found by a model diff.

use crate::Error;
use ecograph_core::{Duration, ElementSet, RelationKind};
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};
use std::fmt;

/// What happened to an element or a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// Changed in place: fields, contents, behaviour.
    Modified,
    /// Taken out of the model.
    Removed,
    /// New in the model.
    Added,
    /// A task that will end later than planned.
    Delayed,
}

impl std::str::FromStr for ChangeKind {
    type Err = Error;
    /// Parses `modified`, `removed`, `added` or `delayed`; [`Error::UnknownName`] with a
    /// suggestion otherwise.
    fn from_str(s: &str) -> Result<ChangeKind, Error> {
        ChangeKind::parse(s)
            .ok_or_else(|| crate::rules::unknown_name("change kind", s, ChangeKind::names()))
    }
}

impl ChangeKind {
    /// Every change kind, in the order the documentation lists them.
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::Modified,
        ChangeKind::Removed,
        ChangeKind::Added,
        ChangeKind::Delayed,
    ];

    /// The name used in change set and rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Modified => "modified",
            ChangeKind::Removed => "removed",
            ChangeKind::Added => "added",
            ChangeKind::Delayed => "delayed",
        }
    }

    /// Parses the name used in change set and rules files.
    pub fn parse(s: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Every name, for suggestions.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        ChangeKind::ALL.iter().map(|k| k.as_str())
    }

    pub(crate) fn index(self) -> usize {
        match self {
            ChangeKind::Modified => 0,
            ChangeKind::Removed => 1,
            ChangeKind::Added => 2,
            ChangeKind::Delayed => 3,
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How a change set names a relation: by its `id`, or by kind, ends and carried data
/// (the identity the model diff uses for relations without an id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelationRef {
    /// The relation's `id`.
    Id(String),
    /// The relation's kind, `from`, `to` and, for flows, `data` (in any order: a flow
    /// carries a set of data).
    Key {
        /// The kind.
        kind: RelationKind,
        /// Where it starts.
        from: String,
        /// Where it ends.
        to: String,
        /// The data elements a flow carries; empty for other kinds.
        data: Vec<String>,
    },
    /// The one relation from `from` to `to` (of `kind`, when given), whatever data it
    /// carries: an error names the candidates when there are several.
    Between {
        /// The kind, when given.
        kind: Option<RelationKind>,
        /// Where it starts.
        from: String,
        /// Where it ends.
        to: String,
    },
}

impl RelationRef {
    /// A relation named by its kind and ends.
    pub fn key(kind: RelationKind, from: impl Into<String>, to: impl Into<String>) -> RelationRef {
        RelationRef::Key {
            kind,
            from: from.into(),
            to: to.into(),
            data: Vec::new(),
        }
    }

    /// Reads the command line's way of naming a relation: `FROM->TO`, or `KIND:FROM->TO`
    /// when several relations join the two (`flow:tmt->eures-portaali`). `None` when the
    /// text has no `->` (ids cannot contain `>`), so that it names an element.
    ///
    /// # Errors
    /// [`Error::ChangeSet`] when an end is missing.
    pub fn parse_arrow(text: &str) -> Option<Result<RelationRef, Error>> {
        let (left, to) = text.split_once("->")?;
        let (kind, from) = match left.split_once(':') {
            Some((k, rest)) => match RelationKind::parse(k) {
                Some(kind) => (Some(kind), rest),
                None => (None, left),
            },
            None => (None, left),
        };
        if from.is_empty() || to.is_empty() {
            return Some(Err(Error::ChangeSet {
                message: format!(
                    "`{text}`: a relation is written FROM->TO or KIND:FROM->TO, such as `tmt->eures-portaali`"
                ),
            }));
        }
        Some(Ok(RelationRef::Between {
            kind,
            from: from.to_owned(),
            to: to.to_owned(),
        }))
    }

    pub(crate) fn to_json(&self) -> Value {
        match self {
            RelationRef::Id(id) => json!({ "id": id }),
            RelationRef::Between { kind, from, to } => {
                let mut m = Map::new();
                if let Some(kind) = kind {
                    m.insert("kind".into(), json!(kind.as_str()));
                }
                m.insert("from".into(), json!(from));
                m.insert("to".into(), json!(to));
                Value::Object(m)
            }
            RelationRef::Key {
                kind,
                from,
                to,
                data,
            } => {
                let mut m = Map::new();
                m.insert("kind".into(), json!(kind.as_str()));
                m.insert("from".into(), json!(from));
                m.insert("to".into(), json!(to));
                if !data.is_empty() {
                    m.insert("data".into(), json!(data));
                }
                Value::Object(m)
            }
        }
    }
}

impl fmt::Display for RelationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::padded(f, |f| match self {
            RelationRef::Id(id) => write!(f, "`{id}`"),
            RelationRef::Between {
                kind: Some(kind),
                from,
                to,
            } => write!(f, "`{kind}` from `{from}` to `{to}`"),
            RelationRef::Between {
                kind: None,
                from,
                to,
            } => write!(f, "from `{from}` to `{to}`"),
            RelationRef::Key {
                kind,
                from,
                to,
                data,
            } => {
                write!(f, "`{kind}` from `{from}` to `{to}`")?;
                if !data.is_empty() {
                    write!(f, " carrying `{}`", data.join("`, `"))?;
                }
                Ok(())
            }
        })
    }
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Subject {
    /// An element, by id.
    Element(String),
    /// A relation.
    Relation(RelationRef),
}

/// One change: an element modified, removed, added or (a task) delayed; a relation added,
/// removed or modified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    subject: Subject,
    kind: ChangeKind,
    delay: Option<Duration>,
}

impl Change {
    /// An element changed in place.
    pub fn modified(id: impl Into<String>) -> Change {
        Change::element(id, ChangeKind::Modified)
    }
    /// An element taken out.
    pub fn removed(id: impl Into<String>) -> Change {
        Change::element(id, ChangeKind::Removed)
    }
    /// An element that is new.
    pub fn added(id: impl Into<String>) -> Change {
        Change::element(id, ChangeKind::Added)
    }
    /// A task delayed by `by`.
    pub fn delayed(id: impl Into<String>, by: Duration) -> Change {
        Change {
            subject: Subject::Element(id.into()),
            kind: ChangeKind::Delayed,
            delay: Some(by),
        }
    }
    fn element(id: impl Into<String>, kind: ChangeKind) -> Change {
        Change {
            subject: Subject::Element(id.into()),
            kind,
            delay: None,
        }
    }
    /// A relation added, removed or modified.
    ///
    /// # Errors
    /// [`Error::ChangeSet`] for `delayed`: only tasks can be delayed.
    pub fn relation(relation: RelationRef, kind: ChangeKind) -> Result<Change, Error> {
        if kind == ChangeKind::Delayed {
            return Err(Error::ChangeSet {
                message: format!("relation {relation} cannot be `delayed`: only tasks can"),
            });
        }
        Ok(Change {
            subject: Subject::Relation(relation),
            kind,
            delay: None,
        })
    }

    /// What changed.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }
    /// How it changed.
    pub fn kind(&self) -> ChangeKind {
        self.kind
    }
    /// For a delayed task, by how much.
    pub fn delay(&self) -> Option<Duration> {
        self.delay
    }

    /// The change as it is written in a change set file.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("change".into(), json!(self.kind.as_str()));
        match &self.subject {
            Subject::Element(id) => {
                m.insert("element".into(), json!(id));
            }
            Subject::Relation(r) => {
                m.insert("relation".into(), r.to_json());
            }
        }
        if let Some(d) = self.delay {
            m.insert("by".into(), json!(d.to_string()));
        }
        Value::Object(m)
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::padded(f, |f| {
            match &self.subject {
                Subject::Element(id) => write!(f, "{} `{id}`", self.kind)?,
                Subject::Relation(r) => write!(f, "{} relation {r}", self.kind)?,
            }
            if let Some(d) = self.delay {
                write!(f, " by {d}")?;
            }
            Ok(())
        })
    }
}

/// A list of changes, in the order given.
///
/// # File format
///
/// A change set file is a JSON object with one field, `changes`, a list of changes:
///
/// ```json
/// {
///   "changes": [
///     { "change": "removed",  "element": "tmt" },
///     { "change": "modified", "element": "vacancies" },
///     { "change": "delayed",  "element": "task.api", "by": "6w" },
///     { "change": "added",    "relation": { "id": "r12" } },
///     { "change": "removed",  "relation": { "kind": "flow", "from": "tmt", "to": "eures", "data": ["vacancies"] } }
///   ]
/// }
/// ```
///
/// `change` is `modified`, `removed`, `added` or `delayed`; a change names either an
/// `element` (by id) or a `relation` (by `id`, or by `kind`, `from`, `to` and, for flows,
/// the `data` it carries). `delayed` applies to tasks only and needs `by`, a duration such
/// as `10d`, `2w`, `3m` or `1y`. Unknown fields are errors.
///
/// ```
/// use ecograph_impact::{ChangeSet, ChangeKind};
/// let set = ChangeSet::from_json_str(r#"{"changes": [{"change": "removed", "element": "tmt"}]}"#)?;
/// assert_eq!(set.iter().next().map(|c| c.kind()), Some(ChangeKind::Removed));
/// # Ok::<(), ecograph_impact::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    changes: Vec<Change>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a change set: an object with a list `changes`, such as {\"changes\": [{\"change\": \"removed\", \"element\": \"tmt\"}]}"
)]
struct RawSet {
    changes: Vec<RawChange>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a change: an object with `change` and `element` or `relation`"
)]
struct RawChange {
    change: String,
    element: Option<String>,
    relation: Option<RawRelation>,
    by: Option<String>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a relation: an object with `id`, or `kind`, `from`, `to` and `data`"
)]
struct RawRelation {
    id: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    data: Vec<String>,
}

fn bad(i: usize, message: String) -> Error {
    Error::ChangeSet {
        message: format!("changes[{i}]: {message}"),
    }
}

impl ChangeSet {
    /// An empty change set.
    pub fn new() -> ChangeSet {
        ChangeSet::default()
    }

    /// One change of `kind` per element of `set`, in file order.
    ///
    /// ```
    /// use ecograph_core::{ElementKind, ElementSet, Model};
    /// use ecograph_impact::{ChangeKind, ChangeSet, Options, analyze};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let model = Model::from_json_str(r#"{ "ecograph": 1,
    ///   "elements": [ { "id": "a", "kind": "system", "name": "A" },
    ///                 { "id": "b", "kind": "system", "name": "B" },
    ///                 { "id": "p", "kind": "process", "name": "P" } ],
    ///   "relations": [ { "kind": "uses", "from": "p", "to": "a" } ] }"#)?;
    /// let systems = ElementSet::of_kind(&model, ElementKind::System);
    /// let changes = ChangeSet::from_elements(&systems, ChangeKind::Removed)?;
    /// assert_eq!(changes.len(), 2);
    /// let impact = analyze(&model, &changes, &Options::new())?;
    /// let hit: Vec<String> = impact.affected_set().iter().map(|e| e.id().to_string()).collect();
    /// assert_eq!(hit, ["p"]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::ChangeSet`] for `delayed`, which needs a duration: use
    /// [`ChangeSet::delayed_elements`].
    pub fn from_elements(set: &ElementSet<'_>, kind: ChangeKind) -> Result<ChangeSet, Error> {
        if kind == ChangeKind::Delayed {
            return Err(Error::ChangeSet {
                message: "a `delayed` change needs a duration: use ChangeSet::delayed_elements"
                    .into(),
            });
        }
        Ok(set
            .iter()
            .map(|e| Change::element(e.id().as_str(), kind))
            .collect())
    }

    /// Every element of `set` delayed by `by`, in file order.
    pub fn delayed_elements(set: &ElementSet<'_>, by: Duration) -> ChangeSet {
        set.iter()
            .map(|e| Change::delayed(e.id().as_str(), by))
            .collect()
    }

    /// Appends a change.
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// The changes, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Change> {
        self.changes.iter()
    }

    /// The number of changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether there is no change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Parses a change set file (format above).
    ///
    /// # Errors
    /// [`Error::ChangeSet`] when the text is not valid JSON or not a valid change set; the
    /// message gives the position or the index of the offending change.
    pub fn from_json_str(src: &str) -> Result<ChangeSet, Error> {
        let body = src.trim_start_matches([' ', '\t', '\r', '\n', '\u{feff}']);
        if let Some(c) = body.chars().next().filter(|&c| c != '{') {
            let before = &src[..src.len() - body.len()];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            let found = match c {
                '[' => "a list",
                '"' => "a string",
                't' | 'f' => "a boolean",
                'n' => "null",
                _ => "a number",
            };
            return Err(Error::ChangeSet {
                message: format!(
                    "line {line} column {column}: expected an object with a list `changes`, such as \
                     {{\"changes\": [{{\"change\": \"removed\", \"element\": \"tmt\"}}]}}; found {found}"
                ),
            });
        }
        let raw: RawSet = serde_json::from_str(src).map_err(|e| Error::ChangeSet {
            message: e.to_string(),
        })?;
        ChangeSet::from_raw(raw)
    }

    fn from_raw(raw: RawSet) -> Result<ChangeSet, Error> {
        let mut set = ChangeSet::new();
        for (i, c) in raw.changes.into_iter().enumerate() {
            let kind = ChangeKind::parse(&c.change).ok_or_else(|| {
                let sug = ecograph_core::suggest::closest(&c.change, ChangeKind::names());
                bad(i, unknown("change", &c.change, sug))
            })?;
            let change = match (c.element, c.relation) {
                (Some(id), None) => match (kind, c.by) {
                    (ChangeKind::Delayed, Some(by)) => Change::delayed(
                        id,
                        by.parse::<Duration>().map_err(|e| bad(i, e.to_string()))?,
                    ),
                    (ChangeKind::Delayed, None) => {
                        return Err(bad(
                            i,
                            "a `delayed` change needs `by`, a duration such as `6w`".into(),
                        ));
                    }
                    (_, Some(_)) => {
                        return Err(bad(i, "`by` is only for `delayed` changes".into()));
                    }
                    (_, None) => Change::element(id, kind),
                },
                (None, Some(r)) => {
                    if c.by.is_some() {
                        return Err(bad(i, "`by` is only for `delayed` changes".into()));
                    }
                    let rel = raw_relation(r).map_err(|m| bad(i, m))?;
                    Change::relation(rel, kind).map_err(|e| bad(i, e.to_string()))?
                }
                (Some(_), Some(_)) => {
                    return Err(bad(
                        i,
                        "a change names an `element` or a `relation`, not both".into(),
                    ));
                }
                (None, None) => {
                    return Err(bad(i, "a change needs an `element` or a `relation`".into()));
                }
            };
            set.push(change);
        }
        Ok(set)
    }

    /// The change set as a JSON value in the file format (its [`Serialize`] form).
    pub fn to_json(&self) -> Value {
        json!({ "changes": self.changes.iter().map(Change::to_json).collect::<Vec<_>>() })
    }
}

/// A change as in a change set file: `change`, `element` or `relation`, and `by` for a
/// delay.
impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// The change set file format: `{"changes": [...]}`.
impl Serialize for ChangeSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("changes", &self.changes)?;
        m.end()
    }
}

/// Reads the change set file format, with the checks of [`ChangeSet::from_json_str`].
impl<'de> Deserialize<'de> for ChangeSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ChangeSet, D::Error> {
        let raw = RawSet::deserialize(d)?;
        ChangeSet::from_raw(raw).map_err(|e| match e {
            Error::ChangeSet { message } => D::Error::custom(message),
            e => D::Error::custom(e),
        })
    }
}

fn unknown(what: &str, name: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!("unknown {what} `{name}`; did you mean `{s}`?"),
        None => format!("unknown {what} `{name}`"),
    }
}

fn raw_relation(r: RawRelation) -> Result<RelationRef, String> {
    match (r.id, r.kind, r.from, r.to) {
        (Some(id), None, None, None) if r.data.is_empty() => Ok(RelationRef::Id(id)),
        (Some(_), ..) => {
            Err("a relation is named by `id` alone, or by `kind`, `from`, `to` and `data`".into())
        }
        (None, Some(kind), Some(from), Some(to)) => {
            let k = RelationKind::parse(&kind).ok_or_else(|| {
                unknown(
                    "relation kind",
                    &kind,
                    ecograph_core::suggest::closest(&kind, RelationKind::names()),
                )
            })?;
            Ok(RelationRef::Key {
                kind: k,
                from,
                to,
                data: r.data,
            })
        }
        (None, None, Some(from), Some(to)) if r.data.is_empty() => Ok(RelationRef::Between {
            kind: None,
            from,
            to,
        }),
        (None, None, Some(_), Some(_)) => {
            Err("a relation named by the `data` it carries needs its `kind` too (`flow`)".into())
        }
        _ => Err(
            "a relation without `id` needs `from` and `to` (and `kind` when several join them)"
                .into(),
        ),
    }
}

impl FromIterator<Change> for ChangeSet {
    fn from_iter<I: IntoIterator<Item = Change>>(iter: I) -> Self {
        ChangeSet {
            changes: iter.into_iter().collect(),
        }
    }
}

impl Extend<Change> for ChangeSet {
    fn extend<I: IntoIterator<Item = Change>>(&mut self, iter: I) {
        self.changes.extend(iter);
    }
}

impl<'a> IntoIterator for &'a ChangeSet {
    type Item = &'a Change;
    type IntoIter = std::slice::Iter<'a, Change>;
    fn into_iter(self) -> Self::IntoIter {
        self.changes.iter()
    }
}
