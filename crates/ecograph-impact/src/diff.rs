//! Model diff: what was added, removed and modified between two versions of a model.

use crate::change::{Change, ChangeKind, ChangeSet, RelationRef};
use crate::graph::NONE;
use ecograph_core::{Element, Model, Relation, RelationKind, Text};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

/// One changed field: its name as in the model file, the old and the new value as JSON
/// (`null` when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field, as named in the model file (`name`, `parent`, `tags`, `lag`, ...).
    pub field: &'static str,
    /// The old value.
    pub old: Value,
    /// The new value.
    pub new: Value,
}

/// An element in both versions whose fields differ.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModifiedElement<'m> {
    /// The element in the old model.
    pub old: Element<'m>,
    /// The element in the new model.
    pub new: Element<'m>,
    /// What changed, in the order of the model file's fields.
    pub fields: Vec<FieldChange>,
}

/// A relation in both versions (same identity) whose fields differ.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModifiedRelation<'m> {
    /// The relation in the old model.
    pub old: Relation<'m>,
    /// The relation in the new model.
    pub new: Relation<'m>,
    /// What changed, in the order of the model file's fields.
    pub fields: Vec<FieldChange>,
}

/// The differences between two versions of a model.
///
/// Elements are matched by id: renaming an element or moving it to another parent is a
/// modification. Relations are matched by identity: their `id` when they have one, else
/// kind, `from`, `to` and carried `data` (equal relations without an id are paired in
/// file order). Lists keep file order: removed things in the old file's order, the rest
/// in the new file's.
#[derive(Debug)]
pub struct Diff<'m> {
    old: &'m Model,
    new: &'m Model,
    added: Vec<Element<'m>>,
    removed: Vec<Element<'m>>,
    modified: Vec<ModifiedElement<'m>>,
    relations_added: Vec<Relation<'m>>,
    relations_removed: Vec<Relation<'m>>,
    relations_modified: Vec<ModifiedRelation<'m>>,
}

#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Relation identity without an id, with ends as new-model element indices.
type Key = (u8, u32, u32, Vec<u32>);

fn text_json(t: &Text) -> Value {
    match t.translations() {
        Some(pairs) => Value::Object(pairs.map(|(l, v)| (l.to_owned(), json!(v))).collect()),
        None => json!(t.default_value()),
    }
}

fn opt_text(t: Option<&Text>) -> Value {
    t.map_or(Value::Null, text_json)
}

fn props<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    let m: Map<String, Value> = it.map(|(k, v)| (k.to_owned(), json!(v))).collect();
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

fn tags<'a>(it: impl ExactSizeIterator<Item = &'a str>) -> Value {
    if it.len() == 0 {
        Value::Null
    } else {
        json!(it.collect::<Vec<_>>())
    }
}

fn push(fields: &mut Vec<FieldChange>, field: &'static str, old: Value, new: Value) {
    if old != new {
        fields.push(FieldChange { field, old, new });
    }
}

fn element_fields(a: Element<'_>, b: Element<'_>) -> Vec<FieldChange> {
    let mut f = Vec::new();
    if a.kind() != b.kind() {
        push(
            &mut f,
            "kind",
            json!(a.kind().as_str()),
            json!(b.kind().as_str()),
        );
    }
    if a.name() != b.name() {
        push(&mut f, "name", text_json(a.name()), text_json(b.name()));
    }
    if a.description() != b.description() {
        push(
            &mut f,
            "description",
            opt_text(a.description()),
            opt_text(b.description()),
        );
    }
    let (pa, pb) = (a.parent().map(|p| p.id()), b.parent().map(|p| p.id()));
    if pa != pb {
        push(
            &mut f,
            "parent",
            json!(pa.map(|p| p.as_str())),
            json!(pb.map(|p| p.as_str())),
        );
    }
    if !a.tags().eq(b.tags()) {
        push(&mut f, "tags", tags(a.tags()), tags(b.tags()));
    }
    if !a.properties().eq(b.properties()) {
        push(
            &mut f,
            "properties",
            props(a.properties()),
            props(b.properties()),
        );
    }
    let s = |e: Element<'_>| json!(e.status().map(|s| s.as_str()));
    if a.status() != b.status() {
        push(&mut f, "status", s(a), s(b));
    }
    if a.start() != b.start() {
        push(
            &mut f,
            "start",
            json!(a.start().map(|p| p.to_string())),
            json!(b.start().map(|p| p.to_string())),
        );
    }
    if a.end() != b.end() {
        push(
            &mut f,
            "end",
            json!(a.end().map(|p| p.to_string())),
            json!(b.end().map(|p| p.to_string())),
        );
    }
    f
}

fn data_ids(r: Relation<'_>) -> Value {
    if r.data_carried().len() == 0 {
        Value::Null
    } else {
        json!(
            r.data_carried()
                .map(|d| d.id().as_str())
                .collect::<Vec<_>>()
        )
    }
}

/// The relation's identifying fields changed: kind, ends or carried data.
fn moved(a: Relation<'_>, b: Relation<'_>) -> bool {
    a.kind() != b.kind()
        || a.from().id() != b.from().id()
        || a.to().id() != b.to().id()
        || !a
            .data_carried()
            .map(|d| d.id())
            .eq(b.data_carried().map(|d| d.id()))
}

fn relation_fields(a: Relation<'_>, b: Relation<'_>) -> Vec<FieldChange> {
    let mut f = Vec::new();
    // Compare first, build JSON only for what differs: most relations are unchanged.
    if a.kind() != b.kind() {
        push(
            &mut f,
            "kind",
            json!(a.kind().as_str()),
            json!(b.kind().as_str()),
        );
    }
    if a.from().id() != b.from().id() {
        push(
            &mut f,
            "from",
            json!(a.from().id().as_str()),
            json!(b.from().id().as_str()),
        );
    }
    if a.to().id() != b.to().id() {
        push(
            &mut f,
            "to",
            json!(a.to().id().as_str()),
            json!(b.to().id().as_str()),
        );
    }
    if a.label() != b.label() {
        push(&mut f, "label", opt_text(a.label()), opt_text(b.label()));
    }
    if !a
        .data_carried()
        .map(|d| d.id())
        .eq(b.data_carried().map(|d| d.id()))
    {
        push(&mut f, "data", data_ids(a), data_ids(b));
    }
    if a.lag() != b.lag() {
        let lag = |r: Relation<'_>| json!(r.lag().map(|l| l.to_string()));
        push(&mut f, "lag", lag(a), lag(b));
    }
    if !a.tags().eq(b.tags()) {
        push(&mut f, "tags", tags(a.tags()), tags(b.tags()));
    }
    if !a.properties().eq(b.properties()) {
        push(
            &mut f,
            "properties",
            props(a.properties()),
            props(b.properties()),
        );
    }
    f
}

/// Compares two versions of a model.
pub fn diff<'m>(old: &'m Model, new: &'m Model) -> Diff<'m> {
    // Old element index -> new element index (NONE when removed).
    let mut to_new = vec![NONE; old.element_count()];
    let mut seen = vec![false; new.element_count()];
    let mut removed = Vec::new();
    for e in old.elements() {
        match new.element(e.id().as_str()) {
            Some(n) => {
                to_new[e.index()] = n.index() as u32;
                seen[n.index()] = true;
            }
            None => removed.push(e),
        }
    }
    let mut added = Vec::new();
    let mut modified = Vec::new();
    for n in new.elements() {
        if !seen[n.index()] {
            added.push(n);
        }
    }
    for e in old.elements() {
        if let Some(n) = new.element_at(to_new[e.index()] as usize) {
            let fields = element_fields(e, n);
            if !fields.is_empty() {
                modified.push((
                    n.index(),
                    ModifiedElement {
                        old: e,
                        new: n,
                        fields,
                    },
                ));
            }
        }
    }
    modified.sort_by_key(|(i, _)| *i);
    let modified = modified.into_iter().map(|(_, m)| m).collect();

    // Relations: new ones indexed by identity, old ones looked up.
    let rel_kind =
        |k: RelationKind| RelationKind::ALL.iter().position(|&x| x == k).unwrap_or(0) as u8;
    let new_key = |r: Relation<'_>| -> Key {
        (
            rel_kind(r.kind()),
            r.from().index() as u32,
            r.to().index() as u32,
            r.data_carried().map(|d| d.index() as u32).collect(),
        )
    };
    let mut by_id: FxMap<&str, u32> = FxMap::default();
    let mut by_key: FxMap<Key, Vec<u32>> = FxMap::default();
    for r in new.relations() {
        match r.id() {
            Some(id) => {
                by_id.insert(id, r.index() as u32);
            }
            None => by_key.entry(new_key(r)).or_default().push(r.index() as u32),
        }
    }
    for v in by_key.values_mut() {
        v.reverse(); // popped from the back: file order
    }
    let mut matched = vec![false; new.relation_count()];
    let mut relations_removed = Vec::new();
    let mut relations_modified = Vec::new();
    for r in old.relations() {
        let hit = match r.id() {
            Some(id) => by_id.get(id).copied(),
            None => {
                let map = |e: Element<'_>| to_new[e.index()];
                let (f, t) = (map(r.from()), map(r.to()));
                let data: Vec<u32> = r.data_carried().map(map).collect();
                if f == NONE || t == NONE || data.contains(&NONE) {
                    None
                } else {
                    by_key
                        .get_mut(&(rel_kind(r.kind()), f, t, data))
                        .and_then(Vec::pop)
                }
            }
        };
        match hit.and_then(|i| new.relation_at(i as usize)) {
            Some(n) => {
                matched[n.index()] = true;
                let fields = relation_fields(r, n);
                if !fields.is_empty() {
                    relations_modified.push((
                        n.index(),
                        ModifiedRelation {
                            old: r,
                            new: n,
                            fields,
                        },
                    ));
                }
            }
            None => relations_removed.push(r),
        }
    }
    relations_modified.sort_by_key(|(i, _)| *i);
    let relations_added = new.relations().filter(|r| !matched[r.index()]).collect();
    Diff {
        old,
        new,
        added,
        removed,
        modified,
        relations_added,
        relations_removed,
        relations_modified: relations_modified.into_iter().map(|(_, m)| m).collect(),
    }
}

fn relation_ref(r: Relation<'_>) -> RelationRef {
    match r.id() {
        Some(id) => RelationRef::Id(id.to_owned()),
        None => RelationRef::Key {
            kind: r.kind(),
            from: r.from().id().to_string(),
            to: r.to().id().to_string(),
            data: r.data_carried().map(|d| d.id().to_string()).collect(),
        },
    }
}

fn relation_json(r: Relation<'_>) -> Value {
    let mut m = Map::new();
    if let Some(id) = r.id() {
        m.insert("id".into(), json!(id));
    }
    m.insert("kind".into(), json!(r.kind().as_str()));
    m.insert("from".into(), json!(r.from().id().as_str()));
    m.insert("to".into(), json!(r.to().id().as_str()));
    if r.data_carried().len() > 0 {
        m.insert("data".into(), data_ids(r));
    }
    Value::Object(m)
}

fn fields_json(fields: &[FieldChange]) -> Value {
    Value::Array(
        fields
            .iter()
            .map(|f| json!({ "field": f.field, "old": f.old, "new": f.new }))
            .collect(),
    )
}

fn relation_line(r: Relation<'_>) -> String {
    let mut s = format!("{} `{}` -> `{}`", r.kind(), r.from().id(), r.to().id());
    if r.data_carried().len() > 0 {
        let d: Vec<String> = r.data_carried().map(|d| format!("`{}`", d.id())).collect();
        let _ = write!(s, " carrying {}", d.join(", "));
    }
    if let Some(id) = r.id() {
        let _ = write!(s, " (id `{id}`)");
    }
    s
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        v => v.to_string(),
    }
}

impl<'m> Diff<'m> {
    /// The old model.
    pub fn old(&self) -> &'m Model {
        self.old
    }
    /// The new model.
    pub fn new_model(&self) -> &'m Model {
        self.new
    }
    /// Elements only the new model has, in its file order.
    pub fn added(&self) -> &[Element<'m>] {
        &self.added
    }
    /// Elements only the old model has, in its file order.
    pub fn removed(&self) -> &[Element<'m>] {
        &self.removed
    }
    /// Elements in both whose fields differ, in the new file's order.
    pub fn modified(&self) -> &[ModifiedElement<'m>] {
        &self.modified
    }
    /// Relations only the new model has.
    pub fn relations_added(&self) -> &[Relation<'m>] {
        &self.relations_added
    }
    /// Relations only the old model has.
    pub fn relations_removed(&self) -> &[Relation<'m>] {
        &self.relations_removed
    }
    /// Relations in both (same identity) whose fields differ.
    pub fn relations_modified(&self) -> &[ModifiedRelation<'m>] {
        &self.relations_modified
    }
    /// Whether the models have the same elements and relations.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.relations_added.is_empty()
            && self.relations_removed.is_empty()
            && self.relations_modified.is_empty()
    }

    /// The diff as a change set, for the impact analysis: elements removed, added and
    /// modified; relations removed and added. A relation whose kind, ends or data changed
    /// (it has an `id`) is removed in its old form and added in its new one; one whose
    /// other fields changed is modified.
    pub fn change_set(&self) -> ChangeSet {
        let mut set = ChangeSet::new();
        set.extend(
            self.removed
                .iter()
                .map(|e| Change::removed(e.id().as_str())),
        );
        set.extend(self.added.iter().map(|e| Change::added(e.id().as_str())));
        set.extend(
            self.modified
                .iter()
                .map(|m| Change::modified(m.new.id().as_str())),
        );
        let rel = |r: Relation<'_>, k| Change::relation(relation_ref(r), k).ok();
        set.extend(
            self.relations_removed
                .iter()
                .filter_map(|&r| rel(r, ChangeKind::Removed)),
        );
        set.extend(
            self.relations_added
                .iter()
                .filter_map(|&r| rel(r, ChangeKind::Added)),
        );
        for m in &self.relations_modified {
            if moved(m.old, m.new) {
                set.extend(rel(m.old, ChangeKind::Removed));
                set.extend(rel(m.new, ChangeKind::Added));
            } else {
                set.extend(rel(m.new, ChangeKind::Modified));
            }
        }
        set
    }

    /// What only the old model has, for an analysis over both: removed elements, and
    /// removed relations with the old form of relations whose kind, ends or data changed.
    pub(crate) fn lost(&self) -> (Vec<Element<'m>>, Vec<Relation<'m>>) {
        let mut rels = self.relations_removed.clone();
        rels.extend(
            self.relations_modified
                .iter()
                .filter(|m| moved(m.old, m.new))
                .map(|m| m.old),
        );
        (self.removed.clone(), rels)
    }

    /// The diff as JSON (format in `docs/impact.md`), names in `lang` (default: each
    /// model's default language).
    pub fn to_json(&self, lang: Option<&str>) -> Value {
        let el = |e: Element<'_>| json!({ "id": e.id().as_str(), "kind": e.kind().as_str(), "name": e.name().resolve(lang) });
        let modified: Vec<Value> = self
            .modified
            .iter()
            .map(|m| {
                let mut v = el(m.new);
                v["changes"] = fields_json(&m.fields);
                v
            })
            .collect();
        let rel_modified: Vec<Value> = self
            .relations_modified
            .iter()
            .map(|m| {
                let mut v = relation_json(m.new);
                v["changes"] = fields_json(&m.fields);
                v
            })
            .collect();
        json!({
            "summary": {
                "elements_added": self.added.len(),
                "elements_removed": self.removed.len(),
                "elements_modified": self.modified.len(),
                "relations_added": self.relations_added.len(),
                "relations_removed": self.relations_removed.len(),
                "relations_modified": self.relations_modified.len(),
            },
            "elements": {
                "added": self.added.iter().map(|&e| el(e)).collect::<Vec<_>>(),
                "removed": self.removed.iter().map(|&e| el(e)).collect::<Vec<_>>(),
                "modified": modified,
            },
            "relations": {
                "added": self.relations_added.iter().map(|&r| relation_json(r)).collect::<Vec<_>>(),
                "removed": self.relations_removed.iter().map(|&r| relation_json(r)).collect::<Vec<_>>(),
                "modified": rel_modified,
            },
        })
    }

    /// The diff as text for people: `+` added, `-` removed, `~` modified with each field's
    /// old and new value.
    pub fn to_text(&self, lang: Option<&str>) -> String {
        let mut s = String::new();
        if self.is_empty() {
            s.push_str("no differences\n");
            return s;
        }
        let _ = writeln!(
            s,
            "elements: {} added, {} removed, {} modified",
            self.added.len(),
            self.removed.len(),
            self.modified.len()
        );
        let el = |e: Element<'_>| format!("{} `{}` {}", e.kind(), e.id(), e.name().resolve(lang));
        for &e in &self.added {
            let _ = writeln!(s, "+ {}", el(e));
        }
        for &e in &self.removed {
            let _ = writeln!(s, "- {}", el(e));
        }
        let fields = |s: &mut String, fields: &[FieldChange]| {
            for f in fields {
                let _ = writeln!(
                    s,
                    "    {}: {} -> {}",
                    f.field,
                    value_text(&f.old),
                    value_text(&f.new)
                );
            }
        };
        for m in &self.modified {
            let _ = writeln!(s, "~ {}", el(m.new));
            fields(&mut s, &m.fields);
        }
        let _ = writeln!(
            s,
            "relations: {} added, {} removed, {} modified",
            self.relations_added.len(),
            self.relations_removed.len(),
            self.relations_modified.len()
        );
        for &r in &self.relations_added {
            let _ = writeln!(s, "+ {}", relation_line(r));
        }
        for &r in &self.relations_removed {
            let _ = writeln!(s, "- {}", relation_line(r));
        }
        for m in &self.relations_modified {
            let _ = writeln!(s, "~ {}", relation_line(m.new));
            fields(&mut s, &m.fields);
        }
        s
    }
}
