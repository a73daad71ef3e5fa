//! Model diff: what was added, removed and modified between two versions of a model.

use crate::change::{Change, ChangeKind, ChangeSet, RelationRef};
use crate::graph::NONE;
use crate::hash::{Fx, FxMap};
use crate::ser::Seq;
use ecograph_core::{Element, Model, Relation, Text, View};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};
use std::cell::Cell;
use std::fmt::Write as _;
use std::hash::Hasher;

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

/// Something in both versions (an element by id, a relation by identity, a view by id)
/// whose fields differ.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Modified<T> {
    /// It in the old model.
    pub old: T,
    /// It in the new model.
    pub new: T,
    /// What changed, in the order of the model file's fields (`null` for a field that
    /// is absent or, in a view, holds its default).
    pub fields: Vec<FieldChange>,
}

/// An element in both versions whose fields differ.
pub type ModifiedElement<'m> = Modified<Element<'m>>;
/// A relation in both versions (same identity) whose fields differ.
pub type ModifiedRelation<'m> = Modified<Relation<'m>>;
/// A view in both versions (same id) whose definition differs.
pub type ModifiedView<'m> = Modified<&'m View>;

/// The differences between two versions of a model.
///
/// Elements are matched by id: renaming an element or moving it to another parent is a
/// modification. Relations are matched by identity: their `id` when they have one, else
/// kind, `from`, `to` and carried `data` (equal relations without an id are paired in
/// file order). Lists keep file order: removed things in the old file's order, the rest
/// in the new file's. The model's own fields (`name`, `description`, `languages`) and its
/// views (matched by id) are compared too; they pass no impact on.
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
    model_fields: Vec<FieldChange>,
    views_added: Vec<&'m View>,
    views_removed: Vec<&'m View>,
    views_modified: Vec<ModifiedView<'m>>,
    lang: Option<String>,
}

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

/// The fields of `a` (old) and `b` (new) that differ; `to_new` maps old element indices
/// to new ones, so that parents compare as integers.
fn element_fields(a: Element<'_>, b: Element<'_>, to_new: &[u32]) -> Vec<FieldChange> {
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
    let (pa, pb) = (a.parent(), b.parent());
    let same_parent = match (pa, pb) {
        (None, None) => true,
        (Some(x), Some(y)) => to_new.get(x.index()) == Some(&(y.index() as u32)),
        _ => false,
    };
    if !same_parent {
        push(
            &mut f,
            "parent",
            json!(pa.map(|p| p.id().as_str())),
            json!(pb.map(|p| p.id().as_str())),
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

/// The relation's identifying fields changed: kind, ends or carried data (a set: the
/// order it is written in means nothing).
fn moved<'m>(a: Relation<'m>, b: Relation<'m>) -> bool {
    fn data<'m>(r: Relation<'m>) -> Vec<&'m str> {
        let mut ids: Vec<&str> = r.data_carried().map(|d| d.id().as_str()).collect();
        ids.sort_unstable();
        ids
    }
    a.kind() != b.kind()
        || a.from().id() != b.from().id()
        || a.to().id() != b.to().id()
        || data(a) != data(b)
}

/// The data `r` carries as element numbers (`map` takes its model's elements to the
/// numbering compared), sorted: a flow carries a set of data.
fn data_key(r: Relation<'_>, map: impl Fn(Element<'_>) -> u32) -> Vec<u32> {
    let mut d: Vec<u32> = r.data_carried().map(map).collect();
    d.sort_unstable();
    d
}

/// Whether old relation `a` has the identity of new relation `b` without an id: kind,
/// ends and carried data, old ends mapped by `to_new`.
fn same_key(a: Relation<'_>, b: Relation<'_>, to_new: &[u32]) -> bool {
    let map = |e: Element<'_>| to_new.get(e.index()).copied().unwrap_or(NONE);
    a.kind() == b.kind()
        && map(a.from()) == b.from().index() as u32
        && map(a.to()) == b.to().index() as u32
        && a.data_carried().len() == b.data_carried().len()
        && data_key(a, map) == data_key(b, |e| e.index() as u32)
}

/// Hashes a relation's identity, given how to number its elements.
type KeyHash = fn(Relation<'_>, &dyn Fn(Element<'_>) -> u32) -> Option<u64>;

/// A relation's identity without an id, hashed: kind, ends and carried data as element
/// indices of one model (`map` takes old indices to new ones). `None` when an end has no
/// counterpart.
fn key_hash(r: Relation<'_>, map: &dyn Fn(Element<'_>) -> u32) -> Option<u64> {
    let mut h = Fx::default();
    h.write_u8(r.kind() as u8);
    for e in [r.from(), r.to()] {
        let i = map(e);
        if i == NONE {
            return None;
        }
        h.write_u32(i);
    }
    if r.data_carried().len() > 0 {
        for i in data_key(r, map) {
            if i == NONE {
                return None;
            }
            h.write_u32(i);
        }
    }
    Some(h.finish())
}

/// The fields of matched relations `a` (old) and `b` (new) that differ. `keyed`: they
/// were matched by kind, ends and data, which are then equal.
fn relation_fields(
    a: Relation<'_>,
    b: Relation<'_>,
    keyed: bool,
    to_new: &[u32],
) -> Vec<FieldChange> {
    let mut f = Vec::new();
    let map = |e: Element<'_>| to_new.get(e.index()).copied().unwrap_or(NONE);
    // Compare first, build JSON only for what differs: most relations are unchanged.
    if !keyed && a.kind() != b.kind() {
        push(
            &mut f,
            "kind",
            json!(a.kind().as_str()),
            json!(b.kind().as_str()),
        );
    }
    if !keyed && map(a.from()) != b.from().index() as u32 {
        push(
            &mut f,
            "from",
            json!(a.from().id().as_str()),
            json!(b.from().id().as_str()),
        );
    }
    if !keyed && map(a.to()) != b.to().index() as u32 {
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
    let same_data = || {
        a.data_carried().len() == b.data_carried().len()
            && data_key(a, map) == data_key(b, |e| e.index() as u32)
    };
    if !keyed && !same_data() {
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
///
/// ```
/// use ecograph_core::Model;
/// use ecograph_impact::diff;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let old = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "tmt", "kind": "system", "name": "TMT" } ] }"#)?;
/// let new = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "tmt", "kind": "system", "name": "Job Market Finland" } ] }"#)?;
/// let d = diff(&old, &new);
/// assert_eq!(d.change_set().len(), 1); // `tmt` modified
/// let json = serde_json::to_value(&d)?;
/// assert_eq!(json["summary"]["elements_modified"], 1);
/// # Ok(())
/// # }
/// ```
pub fn diff<'m>(old: &'m Model, new: &'m Model) -> Diff<'m> {
    // Old element index -> new element index (NONE when removed). Most elements keep
    // their place in the file: the same position is tried before the id index.
    let mut to_new = vec![NONE; old.element_count()];
    let mut seen = vec![false; new.element_count()];
    let mut removed = Vec::new();
    for e in old.elements() {
        let found = match new.element_at(e.index()) {
            Some(n) if n.id() == e.id() => Some(n),
            _ => new.element(e.id().as_str()),
        };
        match found {
            Some(n) => {
                to_new[e.index()] = n.index() as u32;
                seen[n.index()] = true;
            }
            None => removed.push(e),
        }
    }
    let added: Vec<Element<'m>> = new.elements().filter(|n| !seen[n.index()]).collect();
    let mut modified = Vec::new();
    for e in old.elements() {
        if let Some(n) = new.element_at(to_new[e.index()] as usize) {
            let fields = element_fields(e, n, &to_new);
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

    // Relations. Equal relations without an id pair up in file order: the k-th old one
    // with an identity takes the k-th new one with it. While both files list the same
    // relations in the same order, position i pairs with position i, which keeps that
    // rule; the rest is matched through a hash of the identity.
    let mut old_to_new = vec![NONE; old.relation_count()];
    let mut matched = vec![false; new.relation_count()];
    let mut prefix = 0;
    for (a, b) in old.relations().zip(new.relations()) {
        let same = match (a.id(), b.id()) {
            (Some(x), Some(y)) => x == y,
            (None, None) => same_key(a, b, &to_new),
            _ => false,
        };
        if !same {
            break;
        }
        old_to_new[a.index()] = b.index() as u32;
        matched[b.index()] = true;
        prefix += 1;
    }
    if prefix < old.relation_count() {
        match_rest(
            old,
            new,
            prefix,
            &to_new,
            &mut old_to_new,
            &mut matched,
            key_hash,
        );
    }
    let mut relations_removed = Vec::new();
    let mut relations_modified = Vec::new();
    for r in old.relations() {
        match new.relation_at(old_to_new[r.index()] as usize) {
            Some(n) => {
                let keyed = r.id().is_none();
                let fields = relation_fields(r, n, keyed, &to_new);
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
    let (views_added, views_removed, views_modified) = views(old, new);
    Diff {
        old,
        new,
        added,
        removed,
        modified,
        relations_added,
        relations_removed,
        relations_modified: relations_modified.into_iter().map(|(_, m)| m).collect(),
        model_fields: model_fields(old, new),
        views_added,
        views_removed,
        views_modified,
        lang: None,
    }
}

/// The model's own fields that differ.
fn model_fields(a: &Model, b: &Model) -> Vec<FieldChange> {
    let mut f = Vec::new();
    push(&mut f, "name", opt_text(a.name()), opt_text(b.name()));
    push(
        &mut f,
        "description",
        opt_text(a.description()),
        opt_text(b.description()),
    );
    push(
        &mut f,
        "languages",
        json!(a.languages()),
        json!(b.languages()),
    );
    f
}

/// Views only the new model has (its order), only the old one has (its order), and in
/// both with another definition (the new order).
#[allow(clippy::type_complexity)]
fn views<'m>(
    old: &'m Model,
    new: &'m Model,
) -> (Vec<&'m View>, Vec<&'m View>, Vec<ModifiedView<'m>>) {
    // View ids are unique. Most views keep their place from one version to the next:
    // look there first, then search by id.
    let find = |m: &'m Model, i: usize, id: &str| -> Option<&'m View> {
        m.views()
            .get(i)
            .filter(|v| v.id == id)
            .or_else(|| m.view(id))
    };
    let removed = old
        .views()
        .iter()
        .enumerate()
        .filter(|(i, v)| find(new, *i, &v.id).is_none())
        .map(|(_, v)| v)
        .collect();
    let mut added = Vec::new();
    let mut modified = Vec::new();
    for (i, v) in new.views().iter().enumerate() {
        let Some(o) = find(old, i, &v.id) else {
            added.push(v);
            continue;
        };
        // Equal definitions write equal JSON: only different ones are compared field
        // by field (100k unchanged views made 200k JSON values for nothing).
        if o == v {
            continue;
        }
        let (a, b) = (o.to_json(), v.to_json());
        let mut fields = Vec::new();
        for &field in View::FIELDS.iter().filter(|&&f| f != "id") {
            let value = |j: &Value| j.get(field).cloned().unwrap_or(Value::Null);
            push(&mut fields, field, value(&a), value(&b));
        }
        if !fields.is_empty() {
            modified.push(ModifiedView {
                old: o,
                new: v,
                fields,
            });
        }
    }
    (added, removed, modified)
}

/// Matches the relations after the first `prefix`: those with an id by id, those without
/// by identity. Both sides' identities are hashed and sorted (stable, so equal ones stay
/// in file order) and walked together, which reads memory in order instead of probing a
/// hash table millions of times: within one hash, the k-th old relation takes the k-th
/// new one. The pairs are then checked against the real identities in file order; a hash
/// whose pairs do not all check out (two identities sharing it) is paired again by
/// comparing identities one by one.
fn match_rest(
    old: &Model,
    new: &Model,
    prefix: usize,
    to_new: &[u32],
    old_to_new: &mut [u32],
    matched: &mut [bool],
    hash: KeyHash,
) {
    let map_old = |e: Element<'_>| to_new.get(e.index()).copied().unwrap_or(NONE);
    let map_new = |e: Element<'_>| e.index() as u32;
    let mut by_id: FxMap<&str, u32> = FxMap::default();
    let mut news: Vec<(u64, u32)> = Vec::with_capacity(new.relation_count() - prefix);
    for r in new.relations().skip(prefix) {
        match r.id() {
            Some(id) => {
                by_id.insert(id, r.index() as u32);
            }
            None => {
                if let Some(h) = hash(r, &map_new) {
                    news.push((h, r.index() as u32));
                }
            }
        }
    }
    let mut olds: Vec<(u64, u32)> = Vec::with_capacity(old.relation_count() - prefix);
    for r in old.relations().skip(prefix) {
        match r.id() {
            Some(id) => {
                if let Some(&i) = by_id.get(id) {
                    old_to_new[r.index()] = i;
                    matched[i as usize] = true;
                }
            }
            None => {
                if let Some(h) = hash(r, &map_old) {
                    olds.push((h, r.index() as u32));
                }
            }
        }
    }
    news.sort_unstable();
    olds.sort_unstable();
    let group = |v: &[(u64, u32)], h: u64| {
        let a = v.partition_point(|x| x.0 < h);
        let b = v.partition_point(|x| x.0 <= h);
        a..b
    };
    let (mut i, mut j) = (0, 0);
    while i < olds.len() && j < news.len() {
        let h = olds[i].0;
        match h.cmp(&news[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let ie = i + olds[i..].iter().take_while(|x| x.0 == h).count();
                let je = j + news[j..].iter().take_while(|x| x.0 == h).count();
                for (o, n) in olds[i..ie].iter().zip(&news[j..je]) {
                    old_to_new[o.1 as usize] = n.1;
                    matched[n.1 as usize] = true;
                }
                (i, j) = (ie, je);
            }
        }
    }
    // Check every pair, in file order (the new side then mostly reads in order too).
    let mut bad: Vec<u64> = Vec::new();
    for r in old.relations().skip(prefix) {
        let n = old_to_new[r.index()];
        if r.id().is_none()
            && n != NONE
            && !new
                .relation_at(n as usize)
                .is_some_and(|b| same_key(r, b, to_new))
        {
            bad.extend(hash(r, &map_old));
        }
    }
    bad.sort_unstable();
    bad.dedup();
    for h in bad {
        let (og, ng) = (&olds[group(&olds, h)], &news[group(&news, h)]);
        for o in og {
            old_to_new[o.1 as usize] = NONE;
        }
        for n in ng {
            matched[n.1 as usize] = false;
        }
        // Each old relation takes the first unmatched new one with its identity.
        for o in og {
            let Some(a) = old.relation_at(o.1 as usize) else {
                continue;
            };
            let hit = ng.iter().find(|n| {
                !matched[n.1 as usize]
                    && new
                        .relation_at(n.1 as usize)
                        .is_some_and(|b| same_key(a, b, to_new))
            });
            if let Some(n) = hit {
                old_to_new[o.1 as usize] = n.1;
                matched[n.1 as usize] = true;
            }
        }
    }
}

/// How a change set names a relation of the model: by its `id`, else by kind, ends and
/// data.
pub(crate) fn relation_ref(r: Relation<'_>) -> RelationRef {
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

/// Old and new value together at most this long (in characters) are shown whole.
const SHORT_TEXT: usize = 80;
/// Unchanged characters shown on each side of a change in a long text.
const CONTEXT: usize = 24;

/// The lines of a changed field whose values are texts (a string, or an object from
/// language to string): one per language that changed, `(language, what changed)`.
/// A long text shows only what changed, word-diff style: `…context [-old-]{+new+}
/// context…`. `None` for other values.
fn text_change_lines<'v>(
    old: &'v Value,
    new: &'v Value,
    budget: &Cell<usize>,
) -> Option<Vec<(Option<&'v str>, String)>> {
    // Old and new value together longer than SHORT_TEXT.
    let long = |a: &str, b: &str| a.chars().count() + b.chars().count() > SHORT_TEXT;
    let one = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) if long(a, b) => changed_words(a, b, budget),
        (a, b) => {
            let quoted =
                |v: Option<&str>| v.map_or_else(|| "(none)".into(), |s| Value::from(s).to_string());
            // JSON quoting escapes C0 controls; the terminal escape the rest.
            ecograph_core::term::escape(&format!("{} -> {}", quoted(a), quoted(b))).into_owned()
        }
    };
    match (old, new) {
        (Value::String(a), Value::String(b)) => {
            long(a, b).then(|| vec![(None, changed_words(a, b, budget))])
        }
        (Value::Object(a), Value::Object(b)) => {
            let text = |m: &'_ Map<String, Value>| m.values().all(Value::is_string);
            if !(text(a) && text(b)) {
                return None;
            }
            let langs = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            Some(
                langs
                    .filter_map(|lang| {
                        let (x, y) = (
                            a.get(lang).and_then(Value::as_str),
                            b.get(lang).and_then(Value::as_str),
                        );
                        (x != y).then(|| (Some(lang.as_str()), one(x, y)))
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Most words two texts may have multiplied together for [`changed_words`] to align
/// them word by word; past it, one change from the first word that differs to the last.
const ALIGN_WORDS: usize = 1_000_000;
/// Pairs of words all the alignments of one diff's text may take together, so that a
/// diff of many long texts stays linear: the texts past it change as one run.
const ALIGN_BUDGET: usize = 50_000_000;

/// What changed from `a` to `b`, word-diff style ([`changed_words_raw`]), escaped for a
/// terminal ([`ecograph_core::term::escape`]): a line break or a control character in
/// the text cannot start a line of its own or reach the terminal.
fn changed_words(a: &str, b: &str, budget: &Cell<usize>) -> String {
    ecograph_core::term::escape(&changed_words_raw(a, b, budget)).into_owned()
}

/// What changed from `a` to `b`, word-diff style: each run of words only `a` has as
/// `[-removed-]`, of words only `b` has as `{+added+}`, and of the words both have, at
/// most [`CONTEXT`] characters (whole words) beside a change, `…` where more are left
/// out. The words are aligned by a longest common subsequence where the texts are short
/// enough ([`ALIGN_WORDS`]), else the common start and end are kept and all between
/// them is one change.
fn changed_words_raw(a: &str, b: &str, budget: &Cell<usize>) -> String {
    let (a, b) = (words(a), words(b));
    let same = |x: &[Word<'_>], y: &[Word<'_>]| {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.0 == q.0)
    };
    let start = a.iter().zip(&b).take_while(|(x, y)| x.0 == y.0).count();
    let most = a.len().min(b.len()) - start;
    let end = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(most)
        .take_while(|(x, y)| x.0 == y.0)
        .count();
    let (mid_a, mid_b) = (&a[start..a.len() - end], &b[start..b.len() - end]);
    // The runs in order: (words of a, words of b), the same words when `same`.
    let mut runs: Vec<(&[Word<'_>], &[Word<'_>])> = vec![(&a[..start], &b[..start])];
    let pairs = mid_a.len().saturating_mul(mid_b.len());
    if pairs <= ALIGN_WORDS && pairs <= budget.get() {
        budget.set(budget.get() - pairs);
        let (keys_a, keys_b): (Vec<&str>, Vec<&str>) = (
            mid_a.iter().map(|p| p.0).collect(),
            mid_b.iter().map(|p| p.0).collect(),
        );
        for (x, y) in aligned(&keys_a, &keys_b) {
            runs.push((&mid_a[x.0..x.1], &mid_b[y.0..y.1]));
        }
    } else {
        runs.push((mid_a, mid_b));
    }
    runs.push((&a[a.len() - end..], &b[b.len() - end..]));
    let text = |w: &[Word<'_>]| {
        w.iter()
            .map(|(word, space)| format!("{word}{space}"))
            .collect::<String>()
    };
    let last = runs.len() - 1;
    let mut out = String::new();
    for (i, (x, y)) in runs.into_iter().enumerate() {
        if same(x, y) {
            if x.is_empty() {
                continue;
            }
            // The new text's spacing: it is what is read now.
            let chars: Vec<char> = text(y).chars().collect();
            let head = if i == 0 { 0 } else { CONTEXT };
            let tail = if i == last { 0 } else { CONTEXT };
            if chars.len() <= head + tail + 2 {
                out.extend(&chars);
            } else {
                out.push_str(&leading_words(&chars[..=head]));
                out.push('…');
                out.push_str(&trailing_words(&chars[chars.len() - tail - 1..]));
            }
            continue;
        }
        let words_of = |w: &[Word<'_>]| text(w).trim_end().to_owned();
        // A change stands apart from the words before it (the new text may end there).
        if out.chars().last().is_some_and(|c| !c.is_whitespace()) {
            out.push(' ');
        }
        if !x.is_empty() {
            let _ = write!(out, "[-{}-]", words_of(x));
        }
        if !y.is_empty() {
            let _ = write!(out, "{{+{}+}}{}", words_of(y), space(y));
        } else {
            out.push_str(space(x));
        }
    }
    out
}

/// A word, and the whitespace after it.
type Word<'t> = (&'t str, &'t str);

/// The whitespace after the last of `w`.
fn space<'t>(w: &[Word<'t>]) -> &'t str {
    w.last().map_or("", |p| p.1)
}

/// `text` as words, each with the whitespace after it.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let space_end = rest[word_end..]
            .find(|c: char| !c.is_whitespace())
            .map_or(rest.len(), |i| word_end + i);
        out.push((&rest[..word_end], &rest[word_end..space_end]));
        rest = &rest[space_end..];
    }
    out
}

/// The whole words of `chars` but its last character, which is the one after them:
/// a word it cuts is left out.
fn leading_words(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    match s.rfind(char::is_whitespace) {
        Some(i) => s[..i].trim_end().to_owned(),
        None => String::new(),
    }
}

/// The whole words of `chars` but its first character, which is the one before them:
/// a word it cuts is left out.
fn trailing_words(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    match s.find(char::is_whitespace) {
        Some(i) => s[i..].trim_start().to_owned(),
        None => String::new(),
    }
}

/// The runs of `a` and `b` in order, as ranges `((a from, a to), (b from, b to))`: the
/// runs a longest common subsequence of words keeps (the same words on both sides) and
/// the runs between them (words only one side has, or both but differing). O(|a| |b|).
fn aligned(a: &[&str], b: &[&str]) -> Vec<((usize, usize), (usize, usize))> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let mut runs = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (mut run_i, mut run_j, mut same) = (0, 0, true);
    let cut = |runs: &mut Vec<_>, i: usize, j: usize, run_i: &mut usize, run_j: &mut usize| {
        if *run_i < i || *run_j < j {
            runs.push(((*run_i, i), (*run_j, j)));
        }
        (*run_i, *run_j) = (i, j);
    };
    while i < n || j < m {
        let take = i < n && j < m && a[i] == b[j];
        if take != same {
            cut(&mut runs, i, j, &mut run_i, &mut run_j);
            same = take;
        }
        if take {
            (i, j) = (i + 1, j + 1);
        } else if j < m && (i == n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]) {
            j += 1;
        } else {
            i += 1;
        }
    }
    cut(&mut runs, i, j, &mut run_i, &mut run_j);
    runs
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
    /// The model's own fields (`name`, `description`, `languages`) that differ.
    pub fn model_fields(&self) -> &[FieldChange] {
        &self.model_fields
    }
    /// Views only the new model has, in its file order.
    pub fn views_added(&self) -> &[&'m View] {
        &self.views_added
    }
    /// Views only the old model has, in its file order.
    pub fn views_removed(&self) -> &[&'m View] {
        &self.views_removed
    }
    /// Views in both (same id) whose definitions differ, in the new file's order.
    pub fn views_modified(&self) -> &[ModifiedView<'m>] {
        &self.views_modified
    }
    /// Whether the models have the same elements and relations (what the impact
    /// analysis sees).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.relations_added.is_empty()
            && self.relations_removed.is_empty()
            && self.relations_modified.is_empty()
    }
    /// Whether the model's own fields and views are the same too.
    pub fn is_identical(&self) -> bool {
        self.is_empty()
            && self.model_fields.is_empty()
            && self.views_added.is_empty()
            && self.views_removed.is_empty()
            && self.views_modified.is_empty()
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

    /// Names in reports in this language (default: each model's default language).
    pub fn lang(mut self, lang: impl Into<String>) -> Diff<'m> {
        self.lang = Some(lang.into());
        self
    }

    /// The diff as a JSON value (its [`Serialize`] form, format in `docs/impact.md`),
    /// names in the language chosen with [`Diff::lang`]. Write a large one with
    /// `serde_json::to_writer`, which streams it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The diff as text for people: `+` added, `-` removed, `~` modified with each field's
    /// old and new value.
    pub fn to_text(&self) -> String {
        let lang = self.lang.as_deref();
        let mut s = String::new();
        if self.is_identical() {
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
        let el = |e: Element<'_>| {
            let name = ecograph_core::term::escape(e.name().resolve(lang));
            format!("{} `{}` {name}", e.kind(), e.id())
        };
        for &e in &self.added {
            let _ = writeln!(s, "+ {}", el(e));
        }
        for &e in &self.removed {
            let _ = writeln!(s, "- {}", el(e));
        }
        let budget = Cell::new(ALIGN_BUDGET);
        let fields = |s: &mut String, fields: &[FieldChange]| {
            for f in fields {
                let Some(lines) = text_change_lines(&f.old, &f.new, &budget) else {
                    let _ = writeln!(
                        s,
                        "    {}: {} -> {}",
                        f.field,
                        value_text(&f.old),
                        value_text(&f.new)
                    );
                    continue;
                };
                for (lang, change) in lines {
                    match lang {
                        Some(lang) => {
                            let lang = ecograph_core::term::escape(lang);
                            let _ = writeln!(s, "    {} ({lang}): {change}", f.field);
                        }
                        None => {
                            let _ = writeln!(s, "    {}: {change}", f.field);
                        }
                    }
                }
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
        // The model's own fields and its views, when they differ: they pass no impact
        // on, so they come last.
        if !self.model_fields.is_empty() {
            s.push_str("model:\n");
            fields(&mut s, &self.model_fields);
        }
        if !(self.views_added.is_empty()
            && self.views_removed.is_empty()
            && self.views_modified.is_empty())
        {
            let _ = writeln!(
                s,
                "views: {} added, {} removed, {} modified",
                self.views_added.len(),
                self.views_removed.len(),
                self.views_modified.len()
            );
            for v in &self.views_added {
                let _ = writeln!(s, "+ view `{}`", v.id);
            }
            for v in &self.views_removed {
                let _ = writeln!(s, "- view `{}`", v.id);
            }
            for m in &self.views_modified {
                let _ = writeln!(s, "~ view `{}`", m.new.id);
                fields(&mut s, &m.fields);
            }
        }
        s
    }
}

/// The diff (format in `docs/impact.md`): `summary`, then `elements`, `relations`,
/// `model` and `views`; names in the language chosen with [`Diff::lang`]. Lists are
/// written entry by entry.
impl Serialize for Diff<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let lang = self.lang.as_deref();
        let el = move |e: Element<'_>| json!({ "id": e.id().as_str(), "kind": e.kind().as_str(), "name": e.name().resolve(lang) });
        // A modified thing: what names it, and its changed fields.
        let changed = |mut v: Value, fields: &[FieldChange]| {
            v["changes"] = fields_json(fields);
            v
        };
        let view = move |v: &View| {
            let mut m = Map::new();
            m.insert("id".into(), json!(v.id));
            if let Some(t) = &v.title {
                m.insert("title".into(), json!(t.resolve(lang)));
            }
            Value::Object(m)
        };
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry(
            "summary",
            &json!({
                "elements_added": self.added.len(),
                "elements_removed": self.removed.len(),
                "elements_modified": self.modified.len(),
                "relations_added": self.relations_added.len(),
                "relations_removed": self.relations_removed.len(),
                "relations_modified": self.relations_modified.len(),
                "model_modified": !self.model_fields.is_empty(),
                "views_added": self.views_added.len(),
                "views_removed": self.views_removed.len(),
                "views_modified": self.views_modified.len(),
            }),
        )?;
        m.serialize_entry(
            "elements",
            &Three(
                Seq(|| self.added.iter().map(|&e| el(e))),
                Seq(|| self.removed.iter().map(|&e| el(e))),
                Seq(|| self.modified.iter().map(|m| changed(el(m.new), &m.fields))),
            ),
        )?;
        m.serialize_entry(
            "relations",
            &Three(
                Seq(|| self.relations_added.iter().map(|&r| relation_json(r))),
                Seq(|| self.relations_removed.iter().map(|&r| relation_json(r))),
                Seq(|| {
                    self.relations_modified
                        .iter()
                        .map(|m| changed(relation_json(m.new), &m.fields))
                }),
            ),
        )?;
        m.serialize_entry(
            "model",
            &json!({ "changes": fields_json(&self.model_fields) }),
        )?;
        m.serialize_entry(
            "views",
            &Three(
                Seq(|| self.views_added.iter().map(|v| view(v))),
                Seq(|| self.views_removed.iter().map(|v| view(v))),
                Seq(|| {
                    self.views_modified
                        .iter()
                        .map(|m| changed(view(m.new), &m.fields))
                }),
            ),
        )?;
        m.end()
    }
}

/// `{"added": .., "removed": .., "modified": ..}`.
struct Three<A, B, C>(A, B, C);

impl<A: Serialize, B: Serialize, C: Serialize> Serialize for Three<A, B, C> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("added", &self.0)?;
        m.serialize_entry("removed", &self.1)?;
        m.serialize_entry("modified", &self.2)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_shows_only_its_changed_words() {
        let cases = [
            // One word replaced, one inserted; the start and the end are the text's own.
            (
                "Loppua eikä tilaa ilmoiteta.",
                "Loppua tai tilaa ei ilmoiteta.",
                "Loppua [-eikä-]{+tai+} tilaa {+ei+} ilmoiteta.",
            ),
            // Words taken out, at the start and at the end.
            (
                "one two three four",
                "two three",
                "[-one-] two three [-four-]",
            ),
            // Long runs of the same words shrink to whole words beside each change.
            (
                "The first part of the text stays as it was, word for word, until here: old. \
                 And the second part of the text stays too, word for word, to its end.",
                "The first part of the text stays as it was, word for word, until here: new. \
                 And the second part of the text stays too, word for word, to its end.",
                "…for word, until here: [-old.-]{+new.+} And the second part of…",
            ),
            // A text without spaces is one word.
            ("abc", "abd", "[-abc-]{+abd+}"),
        ];
        for (a, b, want) in cases {
            assert_eq!(
                changed_words(a, b, &Cell::new(ALIGN_BUDGET)),
                want,
                "{a:?} -> {b:?}"
            );
        }
    }

    #[test]
    fn texts_past_the_alignment_cap_change_as_one_run() {
        // 1,001 words on each side, every one different in the middle: one change from
        // the first word that differs to the last, in linear time.
        let a: Vec<String> = (0..1001).map(|i| format!("a{i}")).collect();
        let b: Vec<String> = (0..1001).map(|i| format!("b{i}")).collect();
        let (a, b) = (
            format!("start {} end", a.join(" ")),
            format!("start {} end", b.join(" ")),
        );
        let got = changed_words(&a, &b, &Cell::new(ALIGN_BUDGET));
        assert!(got.starts_with("start [-a0 a1 "), "{}", &got[..40]);
        assert_eq!(got.matches("[-").count(), 1);
        assert!(got.ends_with(" b1000+} end"), "{}", &got[got.len() - 40..]);
    }

    #[test]
    fn alignments_past_the_diffs_budget_change_as_one_run() {
        let (a, b) = ("keep one two three keep", "keep uno two tres keep");
        assert_eq!(
            changed_words(a, b, &Cell::new(ALIGN_BUDGET)),
            "keep [-one-]{+uno+} two [-three-]{+tres+} keep"
        );
        // The three middle words of each side make 9 pairs: a budget of 8 is spent.
        let budget = Cell::new(8);
        assert_eq!(
            changed_words(a, b, &budget),
            "keep [-one two three-]{+uno two tres+} keep"
        );
        assert_eq!(budget.get(), 8);
        let budget = Cell::new(9);
        changed_words(a, b, &budget);
        assert_eq!(budget.get(), 0);
    }

    #[test]
    fn a_field_of_texts_changes_by_language() {
        let old = json!({"fi": "Sama", "en": "Same as before and long enough to be cut down to the change made in it"});
        let new = json!({"fi": "Sama", "en": "Same as before and long enough to be cut down to the change made here", "sv": "Ny"});
        let budget = Cell::new(ALIGN_BUDGET);
        let lines = text_change_lines(&old, &new, &budget).expect("texts");
        assert_eq!(
            lines,
            [
                (
                    Some("en"),
                    "…down to the change made [-in it-]{+here+}".to_owned()
                ),
                (Some("sv"), "(none) -> \"Ny\"".to_owned()),
            ]
        );
        // Short strings keep the old form; other values are not texts.
        assert_eq!(text_change_lines(&json!("a"), &json!("b"), &budget), None);
        assert_eq!(
            text_change_lines(&json!(["a"]), &json!(["b"]), &budget),
            None
        );
    }

    /// The longest common subsequence's length, by trying every subsequence of `a`.
    fn brute_lcs(a: &[&str], b: &[&str]) -> usize {
        (0u32..1 << a.len())
            .filter(|mask| {
                let picked: Vec<&str> = (0..a.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| a[i])
                    .collect();
                let mut it = b.iter();
                picked.iter().all(|w| it.any(|x| x == w))
            })
            .map(u32::count_ones)
            .max()
            .unwrap_or(0) as usize
    }

    proptest::proptest! {
        /// Any two texts (words, any whitespace, letters of several bytes) give a
        /// change that shows every word only the new text has.
        #[test]
        fn any_two_texts_give_their_changed_words(
            a in "[aä ö\t\u{3000}\n]{0,40}",
            b in "[aä ö\t\u{3000}\n]{0,40}",
        ) {
            let out = changed_words(&a, &b, &Cell::new(ALIGN_BUDGET));
            let old: std::collections::HashSet<&str> = a.split_whitespace().collect();
            for w in b.split_whitespace().filter(|w| !old.contains(w)) {
                proptest::prop_assert!(out.contains(w), "{out:?} lacks {w:?}");
            }
            if a.split_whitespace().ne(b.split_whitespace()) {
                proptest::prop_assert!(out.contains("[-") || out.contains("{+"), "{out:?}");
            }
        }

        /// The runs cover both word lists in order, the runs kept as the same are the same
        /// on both sides, and they keep as many words as a longest common subsequence.
        #[test]
        fn aligned_runs_rebuild_both_texts_and_keep_a_longest_common_subsequence(
            a in proptest::collection::vec("[abc]", 0..9),
            b in proptest::collection::vec("[abc]", 0..9),
        ) {
            let (a, b): (Vec<&str>, Vec<&str>) = (a.iter().map(String::as_str).collect(), b.iter().map(String::as_str).collect());
            let runs = aligned(&a, &b);
            let (mut i, mut j, mut kept) = (0, 0, 0);
            for ((x0, x1), (y0, y1)) in runs {
                proptest::prop_assert_eq!((x0, y0), (i, j));
                if a[x0..x1] == b[y0..y1] && x1 > x0 {
                    kept += x1 - x0;
                }
                (i, j) = (x1, y1);
            }
            proptest::prop_assert_eq!((i, j), (a.len(), b.len()));
            proptest::prop_assert_eq!(kept, brute_lcs(&a, &b));
        }
    }

    /// Relations of a small random model: kind, ends, data, and sometimes an id.
    fn random_relations(seed: &mut u64, n: usize, id_prefix: &str) -> Vec<Value> {
        let mut next = |m: u64| {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (*seed >> 33) % m
        };
        (0..n)
            .map(|i| {
                let from = next(4);
                let to = (from + 1 + next(3)) % 4;
                let mut r = if next(2) == 0 {
                    json!({ "kind": "uses", "from": format!("s{from}"), "to": format!("s{to}") })
                } else {
                    json!({ "kind": "flow", "from": format!("s{from}"), "to": format!("s{to}"),
                            "data": [format!("d{}", next(2))] })
                };
                if next(5) == 0 {
                    r["id"] = json!(format!("{id_prefix}{i}"));
                }
                r
            })
            .collect()
    }

    fn model_of(relations: Vec<Value>) -> Model {
        let mut elements: Vec<Value> = (0..4)
            .map(|i| json!({ "id": format!("s{i}"), "kind": "system", "name": "S" }))
            .collect();
        elements.push(json!({ "id": "d0", "kind": "data", "name": "D" }));
        elements.push(json!({ "id": "d1", "kind": "data", "name": "D" }));
        let v = json!({ "ecograph": 1, "elements": elements, "relations": relations });
        Model::from_json_str(&v.to_string()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Identities sharing a hash are paired exactly as distinct hashes would pair them:
    /// a hash that only tells the kind apart must give the same matching.
    #[test]
    fn relations_whose_identities_share_a_hash_pair_as_if_they_did_not() {
        fn weak(r: Relation<'_>, map: &dyn Fn(Element<'_>) -> u32) -> Option<u64> {
            key_hash(r, map).map(|_| r.kind() as u64 % 2)
        }
        let mut seed = 7;
        for round in 0..300 {
            let mut rels = random_relations(&mut seed, 12, "a");
            let old = model_of(rels.clone());
            // Drop some, add some, move one to the end.
            rels.retain(|r| r["to"] != "s0" || round % 3 == 0);
            rels.extend(random_relations(&mut seed, 4, "b"));
            if !rels.is_empty() {
                let first = rels.remove(0);
                rels.push(first);
            }
            let new = model_of(rels);
            let to_new: Vec<u32> = old
                .elements()
                .map(|e| {
                    new.element(e.id().as_str())
                        .map_or(NONE, |n| n.index() as u32)
                })
                .collect();
            let run = |hash: KeyHash| {
                let mut old_to_new = vec![NONE; old.relation_count()];
                let mut matched = vec![false; new.relation_count()];
                match_rest(&old, &new, 0, &to_new, &mut old_to_new, &mut matched, hash);
                (old_to_new, matched)
            };
            assert_eq!(run(key_hash), run(weak), "round {round}");
        }
    }
}
