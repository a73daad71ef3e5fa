//! ecograph model <-> exchange form ([`Doc`]): every mapping of `docs/interop.md`.
//!
//! The rule that makes round trips exact: the exporter derives every ArchiMate detail
//! (a type, a direction, an access type, a folder) from the ecograph model by fixed
//! functions, and the importer keeps a detail as an `archimate:*` property only when it
//! differs from what those same functions derive. Export then writes the kept detail
//! instead of the derived one.

use crate::doc::{Concept, Diagram, Doc, End, Folder, Item, LangText, Prop, Props};
use crate::error::{Error, Pos, Problem, Warning};
use crate::hash::{HashMap, HashSet};
use crate::ids;
use crate::types;
use crate::{ExportOptions, Imported};
use ecograph_core::{
    Element, ElementKind, ElementParts, Model, ModelParts, Relation, RelationKind, RelationParts,
    Text, TextParts,
};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

pub(crate) const P_KIND: &str = "ecograph:kind";
pub(crate) const P_STATUS: &str = "ecograph:status";
pub(crate) const P_START: &str = "ecograph:start";
pub(crate) const P_END: &str = "ecograph:end";
pub(crate) const P_TAGS: &str = "ecograph:tags";
pub(crate) const P_LAG: &str = "ecograph:lag";
pub(crate) const P_RELATION: &str = "ecograph:relation";
pub(crate) const P_DIRECTION: &str = "ecograph:direction";
pub(crate) const P_VIEW: &str = "ecograph:view";
pub(crate) const P_LANGUAGES: &str = "ecograph:languages";
pub(crate) const P_SCHEMA: &str = "ecograph:schema";
pub(crate) const P_GROUPING_OF: &str = "ecograph:grouping-of";
/// The prefix under which a model's own property whose key starts with `ecograph:`
/// travels, so that it can never be read back as one of the mapping's keys above
/// (`ecograph:end` on an actor stays a property, not a date).
pub(crate) const P_USER: &str = "ecograph:user:";
pub(crate) const A_TYPE: &str = "archimate:type";
pub(crate) const A_ACCESS: &str = "archimate:accessType";
pub(crate) const A_MODIFIER: &str = "archimate:modifier";
pub(crate) const A_DIRECTED: &str = "archimate:isDirected";
pub(crate) const A_DOC: &str = "archimate:documentation";
pub(crate) const A_FOLDER: &str = "archimate:folder";
pub(crate) const A_UNNAMED: &str = "archimate:unnamed";
/// An Archi specialization (profile) name: Archi's CSV column `Specialization`, and in
/// the exchange format the property whose definition has the identifier
/// [`SPECIALIZATION_DEF`] (the only way Archi writes and reads one there).
pub(crate) const A_SPECIALIZATION: &str = "archimate:specialization";
/// See [`A_SPECIALIZATION`].
pub(crate) const SPECIALIZATION_DEF: &str = "specialization";
pub(crate) const A_SOURCE_REL: &str = "archimate:source-relationship";
pub(crate) const A_TARGET_REL: &str = "archimate:target-relationship";
pub(crate) const A_PROP_TYPE: &str = "archimate:property-type:";

/// Whether `e` came in without a name (a junction, say: the importer names it by its
/// id and marks it [`A_UNNAMED`]) and still has only that name: then it goes out
/// without a name again. An element renamed since keeps its new name, and coming back
/// it is a named element, without the marker.
fn still_unnamed(e: &ecograph_core::Element<'_>) -> bool {
    e.property(A_UNNAMED) == Some("true")
        && e.name().translations().is_none()
        && e.name().default_value() == e.id().as_str()
}

/// Relation marker for the Association that says a flow carries a data element.
const REL_DATA: &str = "data";
/// Relation marker for the relationship that stands for `parent`.
const REL_PARENT: &str = "parent";

/// Properties the exporter reads from ecograph properties and writes as ArchiMate
/// details rather than as properties.
/// The key a model's own property is written under: [`P_USER`] before every key in the
/// mapping's `ecograph:` namespace, the key itself otherwise.
fn user_key(key: &str) -> Cow<'_, str> {
    if key.starts_with("ecograph:") {
        Cow::Owned(format!("{P_USER}{key}"))
    } else {
        Cow::Borrowed(key)
    }
}

fn is_consumed(key: &str) -> bool {
    matches!(
        key,
        A_TYPE | A_ACCESS | A_MODIFIER | A_DIRECTED | A_DOC | A_FOLDER | A_UNNAMED
    ) || key == A_SOURCE_REL
        || key == A_TARGET_REL
}

/// The element type ecograph writes for a kind.
pub(crate) fn default_type(kind: ElementKind, provided_by_system: bool) -> &'static str {
    match kind {
        ElementKind::Actor => "BusinessActor",
        ElementKind::Role => "BusinessRole",
        ElementKind::Group => "Grouping",
        ElementKind::System => "ApplicationComponent",
        ElementKind::Data => "DataObject",
        ElementKind::Service if provided_by_system => "ApplicationService",
        ElementKind::Service => "BusinessService",
        ElementKind::Process => "BusinessProcess",
        ElementKind::Task => "WorkPackage",
        _ => "Deliverable",
    }
}

/// Whether a relation of kind `k` written as type `t` goes from the relation's `to` to
/// its `from` ("A uses B" is B serving A; the prerequisite triggers the dependant).
pub(crate) fn reversed_for(k: RelationKind, t: &str) -> bool {
    matches!(
        (k, t),
        (RelationKind::Uses, "Serving") | (RelationKind::DependsOn, "Triggering")
    )
}

/// The relationship types ecograph may write for a relation of kind `k`, in order of
/// preference (besides an Association, where ArchiMate allows none of them); `uses`
/// is an Access to a data object, else a Serving ([`derived_relationship`]).
fn written_types(k: RelationKind) -> &'static [&'static str] {
    match k {
        RelationKind::Plays | RelationKind::Responsible | RelationKind::Participates => {
            &["Assignment"]
        }
        RelationKind::Provides => &["Realization", "Assignment"],
        RelationKind::Uses => &["Serving", "Access"],
        RelationKind::Flow => &["Flow"],
        RelationKind::DependsOn => &["Triggering"],
        RelationKind::Produces | RelationKind::Concerns => &["Realization"],
        _ => &[],
    }
}

/// The relationship type (and whether it runs from `to` to `from`) ecograph writes for
/// a relation of kind `k` from an element of type `from` to one of type `to`: the first
/// of the kind's preferences that ArchiMate 3.2 allows, else an Association.
pub(crate) fn derived_relationship(k: RelationKind, from: &str, to: &str) -> (&'static str, bool) {
    let prefs: &[&'static str] = match k {
        RelationKind::Uses if to == "DataObject" => &["Access"],
        RelationKind::Uses => &["Serving"],
        _ => written_types(k),
    };
    for t in prefs {
        let rev = reversed_for(k, t);
        let (s, d) = if rev { (to, from) } else { (from, to) };
        if types::allowed(t, s, d) == Some(true) {
            return (t, rev);
        }
    }
    ("Association", false)
}

/// The relationship that stands for `parent`, when Appendix B allows one directly.
fn parent_relationship(parent: &str, child: &str) -> Option<&'static str> {
    ["Composition", "Aggregation"]
        .into_iter()
        .find(|t| types::allowed(t, parent, child) == Some(true))
}

fn lang_text(t: &Text, lang: Option<&str>) -> LangText {
    if let Some(l) = lang {
        return LangText::from_pairs(vec![(Some(l.to_owned()), t.resolve(Some(l)).to_owned())]);
    }
    match t.translations() {
        Some(pairs) => LangText::from_pairs(
            pairs
                .map(|(l, v)| (Some(l.to_owned()), v.to_owned()))
                .collect(),
        ),
        None => LangText::plain(t.default_value()),
    }
}

fn prop(key: &str, value: impl Into<String>) -> Prop {
    Prop {
        key: key.into(),
        value: LangText::plain(value),
    }
}

fn tags_json<'a>(tags: impl Iterator<Item = &'a str>) -> String {
    Value::Array(tags.map(Value::from).collect()).to_string()
}

/// The ArchiMate type an element is written as.
pub(crate) fn element_type(e: Element<'_>) -> String {
    if let Some(t) = e.property(A_TYPE).filter(|t| types::is_element_type(t)) {
        return t.to_owned();
    }
    let by_system = e.kind() == ElementKind::Service
        && e.incoming_of(RelationKind::Provides)
            .any(|r| r.from().kind() == ElementKind::System);
    default_type(e.kind(), by_system).to_owned()
}

/// The last value of a relation's property `key` (as a map collected from the
/// properties would hold it).
fn rel_prop<'m>(r: &Relation<'m>, key: &str) -> Option<&'m str> {
    r.properties()
        .filter(|(k, _)| *k == key)
        .last()
        .map(|(_, v)| v)
}

/// The last properties of every element and relation: its tags, then its own
/// properties that the exporter writes as they are.
fn tags_and_user_props<'m>(
    c: &mut Concept,
    tags: impl ExactSizeIterator<Item = &'m str>,
    props: impl Iterator<Item = (&'m str, &'m str)>,
) {
    if tags.len() > 0 {
        c.props.push(prop(P_TAGS, tags_json(tags)));
    }
    for (k, v) in props {
        if is_user_key(k) {
            c.props.push(prop(&user_key(k), v));
        }
    }
}

/// A property the exporter writes as it is: not one of the mapping's own details.
fn is_user_key(k: &str) -> bool {
    !k.starts_with(A_PROP_TYPE) && !is_consumed(k)
}

/// The model in exchange form, made concept by concept: what is small (the model's
/// texts and properties, folders, diagrams, property types) is built once in
/// [`Exchange::head`]; each element and relationship is made only when a writer asks
/// for it and dropped after, so an export streams without ever holding the whole
/// exchange form (a `String` per identifier, type and property of every concept was
/// most of the export's time and memory).
pub(crate) struct Exchange<'m> {
    model: &'m Model,
    lang: Option<&'m str>,
    /// Everything but `elements` and `relationships` (left empty).
    pub head: Doc,
    idents: Vec<String>,
    types: Vec<String>,
    rel_idents: Vec<String>,
    /// Each relation's relationship type and whether it runs from `to` to `from`.
    rel_types: Vec<(&'m str, bool)>,
    by_rel_id: HashMap<&'m str, usize>,
    /// Parent element -> the Grouping that aggregates its children, where Appendix B
    /// allows neither Composition nor Aggregation.
    groupings: BTreeMap<usize, String>,
    /// Whether some element has a parent.
    any_parent: bool,
}

impl<'m> Exchange<'m> {
    pub fn new(model: &'m Model, opts: &'m ExportOptions) -> Result<Exchange<'m>, Error> {
        Exchange::build(model, opts, true)
    }

    /// [`Exchange::new`] with diagrams that hold their view's identity and definition
    /// (the `ecograph:view` property) but no nodes or connections, for a format that
    /// has no place for a drawing (CSV): no view is laid out.
    pub fn without_placement(
        model: &'m Model,
        opts: &'m ExportOptions,
    ) -> Result<Exchange<'m>, Error> {
        Exchange::build(model, opts, false)
    }

    fn build(
        model: &'m Model,
        opts: &'m ExportOptions,
        place: bool,
    ) -> Result<Exchange<'m>, Error> {
        let lang = opts.lang.as_deref();
        let mut head = Doc {
            ident: "__model".into(),
            name: model.name().map(|t| lang_text(t, lang)).unwrap_or_default(),
            doc: model
                .description()
                .map(|t| lang_text(t, lang))
                .unwrap_or_default(),
            ..Doc::default()
        };
        let languages = match lang {
            Some(l) => l.to_owned(),
            None => model.languages().join(" "),
        };
        head.props.push(prop(P_LANGUAGES, languages));
        if let Some(s) = model.schema() {
            head.props.push(prop(P_SCHEMA, s));
        }
        let types: Vec<String> = model.elements().map(element_type).collect();
        let idents: Vec<String> = model
            .elements()
            .map(|e| ids::encode(e.id().as_str()))
            .collect();
        let element_idents: HashSet<&str> = idents.iter().map(String::as_str).collect();
        // Property types, elements first then relations (a later one wins).
        let mut prop_type = |(k, v): (&str, &str)| {
            if let Some(key) = k.strip_prefix(A_PROP_TYPE) {
                head.prop_types
                    .insert(user_key(key).into_owned(), v.to_owned());
            }
        };
        for e in model.elements() {
            e.properties().for_each(&mut prop_type);
        }
        for r in model.relations() {
            r.properties().for_each(&mut prop_type);
        }

        // Relation identifiers: the relation's own id, unless an element has that
        // identifier.
        let mut rel_idents: Vec<String> = Vec::with_capacity(model.relation_count());
        let mut by_rel_id: HashMap<&'m str, usize> = HashMap::default();
        for (i, r) in model.relations().enumerate() {
            let ident = match r.id() {
                Some(id) => {
                    by_rel_id.insert(id, i);
                    let e = ids::encode(id);
                    if element_idents.contains(e.as_str()) {
                        format!("__rid.{}", &e)
                    } else {
                        e
                    }
                }
                None => format!("__r.{i}"),
            };
            rel_idents.push(ident);
        }
        let mut rel_types: Vec<(&'m str, bool)> = Vec::with_capacity(model.relation_count());
        // The element each relationship starts at (none when it starts at a
        // relationship), for the diagrams' connections.
        let mut rel_sources: Vec<Option<usize>> =
            Vec::with_capacity(if place { model.relation_count() } else { 0 });
        for r in model.relations() {
            let (from, to) = (r.from().index(), r.to().index());
            let kind = r.kind();
            let (typ, rev) = match rel_prop(&r, A_TYPE).filter(|t| types::is_relationship_type(t)) {
                Some(t) => (t, reversed_for(kind, t)),
                None => derived_relationship(kind, &types[from], &types[to]),
            };
            rel_types.push((typ, rev));
            if !place {
                continue;
            }
            let source = match rel_prop(&r, A_SOURCE_REL).and_then(|id| by_rel_id.get(id)) {
                Some(_) => None,
                None => Some(if rev { to } else { from }),
            };
            rel_sources.push(source);
        }

        let mut groupings: BTreeMap<usize, String> = BTreeMap::new();
        let mut any_parent = false;
        for (i, e) in model.elements().enumerate() {
            let Some(p) = e.parent() else { continue };
            any_parent = true;
            let pi = p.index();
            if parent_relationship(&types[pi], &types[i]).is_none() {
                groupings
                    .entry(pi)
                    .or_insert_with(|| format!("__g.{}", idents[pi]));
            }
        }

        head.folders = folders(model, &idents, &rel_idents, lang);

        // Looked up once per view: in a set when the views are many (searching the list
        // took the views times the relationships: 23 s for 40k of each), in the list when
        // they are few (the set of a 500k-relation model's identifiers took 11-16 MB of
        // the export's peak, for a handful of look-ups).
        let rel_ident_set: Option<HashSet<&str>> = (model.views().len() > FEW_VIEWS)
            .then(|| rel_idents.iter().map(String::as_str).collect());
        // The views laid out on two threads (each is a layout of its own).
        let mut placed = if place {
            crate::par::each(model.views(), |view| {
                crate::placement::diagram(model, view, &idents, &rel_idents, &rel_sources, lang)
            })
        } else {
            Vec::new()
        }
        .into_iter();
        for view in model.views() {
            let mut d: Diagram = match placed.next() {
                Some(d) => d?,
                None => Diagram::default(),
            };
            d.ident = {
                let e = ids::encode(&view.id);
                let is_relationship = match &rel_ident_set {
                    Some(set) => set.contains(e.as_str()),
                    None => rel_idents.contains(&e),
                };
                if element_idents.contains(e.as_str()) || is_relationship {
                    format!("__vid.{e}")
                } else {
                    e
                }
            };
            d.name = match &view.title {
                Some(t) => lang_text(t, lang),
                None => LangText::plain(view.id.as_str()),
            };
            if let Some(t) = &view.description {
                d.doc = lang_text(t, lang);
            }
            let mut vj = view.to_json();
            if let (Some(l), Some(o)) = (lang, vj.as_object_mut()) {
                // One language: the view's texts in that language only, as names are.
                for (key, t) in [("title", &view.title), ("description", &view.description)] {
                    if let Some(t) = t {
                        let mut m = Map::new();
                        m.insert(l.to_owned(), Value::from(t.resolve(Some(l))));
                        o.insert(key.into(), Value::Object(m));
                    }
                }
            }
            d.props.push(prop(P_VIEW, vj.to_string()));
            head.diagrams.push(d);
        }
        drop(element_idents);
        Ok(Exchange {
            model,
            lang,
            head,
            idents,
            types,
            rel_idents,
            rel_types,
            by_rel_id,
            groupings,
            any_parent,
        })
    }

    /// Whether [`Exchange::for_each_element`] gives anything.
    pub fn has_elements(&self) -> bool {
        self.model.element_count() > 0
    }

    /// The model's elements ([`Exchange::for_each_element_in`] takes their indices).
    pub fn element_count(&self) -> usize {
        self.model.element_count()
    }

    /// The model's relations ([`Exchange::for_each_relation_in`] takes their indices).
    pub fn relation_count(&self) -> usize {
        self.model.relation_count()
    }

    /// Whether [`Exchange::for_each_relationship`] gives anything.
    pub fn has_relationships(&self) -> bool {
        self.model.relation_count() > 0 || self.any_parent
    }

    /// Every property key any concept has (the model, elements, relationships, views),
    /// sorted: exactly the keys the concepts given out carry.
    /// Whether an element, relationship or view already has the identifier `ident`.
    pub fn identifier_taken(&self, ident: &str) -> bool {
        self.idents
            .iter()
            .chain(&self.rel_idents)
            .any(|i| i == ident)
            || self.head.diagrams.iter().any(|d| &*d.ident == ident)
    }

    pub fn property_keys(&self) -> BTreeSet<Cow<'_, str>> {
        let mut keys: BTreeSet<Cow<'_, str>> = BTreeSet::new();
        let head = self.head.props.iter();
        for p in head.chain(self.head.diagrams.iter().flat_map(|d| &d.props)) {
            keys.insert(Cow::Borrowed(&p.key));
        }
        let user = |(k, _): (&'m str, &'m str)| is_user_key(k).then(|| user_key(k));
        let (mut status, mut start, mut end, mut tags) = (false, false, false, false);
        for e in self.model.elements() {
            status |= e.status().is_some();
            start |= e.start().is_some();
            end |= e.end().is_some();
            tags |= e.tags().len() > 0;
            keys.extend(e.properties().filter_map(user));
        }
        let (mut direction, mut lag) = (false, false);
        for (r, (_, rev)) in self.model.relations().zip(&self.rel_types) {
            direction |= *rev;
            lag |= r.lag().is_some();
            tags |= r.tags().len() > 0;
            keys.extend(r.properties().filter_map(user));
        }
        let fixed = [
            (self.has_elements(), P_KIND),
            (status, P_STATUS),
            (start, P_START),
            (end, P_END),
            (tags, P_TAGS),
            (!self.groupings.is_empty(), P_GROUPING_OF),
            (self.has_relationships(), P_RELATION),
            (direction, P_DIRECTION),
            (lag, P_LAG),
        ];
        let fixed = fixed.into_iter().filter(|(used, _)| *used);
        keys.extend(fixed.map(|(_, k)| Cow::Borrowed(k)));
        keys
    }

    /// Each element in exchange form, in model order, then the Groupings that stand
    /// for parents.
    pub fn for_each_element(&self, mut f: impl FnMut(&Concept)) {
        self.for_each_element_in(0..self.model.element_count(), &mut f);
        self.for_each_grouping(f);
    }

    /// The elements `range` (model indices) in exchange form, in model order.
    pub fn for_each_element_in(&self, range: Range<usize>, mut f: impl FnMut(&Concept)) {
        let lang = self.lang;
        for i in range {
            let Some(e) = self.model.element_at(i) else {
                break;
            };
            let mut c = Concept {
                ident: self.idents[i].as_str().into(),
                typ: self.types[i].clone().into(),
                ..Concept::default()
            };
            if !still_unnamed(&e) {
                c.name = lang_text(e.name(), lang);
            }
            if let Some(d) = e.description() {
                c.doc = lang_text(d, lang);
            }
            c.props.push(prop(P_KIND, e.kind().as_str()));
            if let Some(s) = e.status() {
                c.props.push(prop(P_STATUS, s.as_str()));
            }
            if let Some(s) = e.start() {
                c.props.push(prop(P_START, s.to_string()));
            }
            if let Some(s) = e.end() {
                c.props.push(prop(P_END, s.to_string()));
            }
            tags_and_user_props(&mut c, e.tags(), e.properties());
            f(&c);
        }
    }

    /// The Groupings that stand for parents (after the elements).
    pub fn for_each_grouping(&self, mut f: impl FnMut(&Concept)) {
        let lang = self.lang;
        for (pi, g) in &self.groupings {
            let Some(p) = self.model.element_at(*pi) else {
                continue;
            };
            f(&Concept {
                ident: g.as_str().into(),
                typ: "Grouping".into(),
                name: lang_text(p.name(), lang),
                props: Props::from(prop(P_GROUPING_OF, p.id().as_str())),
                ..Concept::default()
            });
        }
    }

    /// Each relationship in exchange form: every relation followed by the
    /// Associations of the data it carries, in model order, then the relationships
    /// that stand for `parent`, in element order.
    pub fn for_each_relationship(&self, mut f: impl FnMut(&Concept)) {
        self.for_each_relation_in(0..self.model.relation_count(), &mut f);
        self.for_each_parent_in(0..self.model.element_count(), f);
    }

    /// The relations `range` (model indices) in exchange form, each followed by the
    /// Associations of the data it carries.
    pub fn for_each_relation_in(&self, range: Range<usize>, mut f: impl FnMut(&Concept)) {
        let (idents, rel_idents) = (&self.idents, &self.rel_idents);
        for i in range {
            let Some(r) = self.model.relation_at(i) else {
                break;
            };
            let (from, to) = (r.from().index(), r.to().index());
            let kind = r.kind();
            let (typ, rev) = self.rel_types[i];
            let (s, t) = if rev { (to, from) } else { (from, to) };
            let mut c = Concept {
                ident: rel_idents[i].as_str().into(),
                typ: typ.to_owned().into(),
                source: idents[s].as_str().into(),
                target: idents[t].as_str().into(),
                ..Concept::default()
            };
            // A relationship whose end is another relationship (kept from an import).
            if let Some(j) = rel_prop(&r, A_SOURCE_REL).and_then(|id| self.by_rel_id.get(id)) {
                c.source = rel_idents[*j].as_str().into();
            }
            if let Some(j) = rel_prop(&r, A_TARGET_REL).and_then(|id| self.by_rel_id.get(id)) {
                c.target = rel_idents[*j].as_str().into();
            }
            if let Some(l) = r.label() {
                c.name = lang_text(l, self.lang);
            }
            if let Some(d) = rel_prop(&r, A_DOC) {
                c.doc = LangText::plain(d);
            }
            if typ == "Access" {
                c.set_access(Some(rel_prop(&r, A_ACCESS).unwrap_or("Read").to_owned()));
            }
            if typ == "Influence" {
                c.set_modifier(rel_prop(&r, A_MODIFIER).map(str::to_owned));
            }
            if typ == "Association" {
                c.directed = rel_prop(&r, A_DIRECTED) == Some("true");
            }
            c.props.push(prop(P_RELATION, kind.as_str()));
            // The relation's direction, when the relationship runs the other way.
            if rev {
                c.props.push(prop(P_DIRECTION, "reversed"));
            }
            if let Some(l) = r.lag() {
                c.props.push(prop(P_LAG, l.to_string()));
            }
            tags_and_user_props(&mut c, r.tags(), r.properties());
            f(&c);
            for (j, d) in r.data_carried().enumerate() {
                f(&Concept {
                    ident: format!("__d.{i}.{j}").into(),
                    typ: "Association".into(),
                    source: idents[d.index()].as_str().into(),
                    target: c.ident.as_str().into(),
                    props: Props::from(prop(P_RELATION, REL_DATA)),
                    ..Concept::default()
                });
            }
        }
    }

    /// The relationships that stand for the `parent` of the elements `range` (model
    /// indices), in element order: Composition or Aggregation where allowed, else the
    /// parent's Grouping aggregates its children.
    pub fn for_each_parent_in(&self, range: Range<usize>, mut f: impl FnMut(&Concept)) {
        let idents = &self.idents;
        for i in range {
            let Some(e) = self.model.element_at(i) else {
                break;
            };
            let Some(p) = e.parent() else { continue };
            let pi = p.index();
            let mut c = Concept {
                ident: format!("__p.{}", idents[i]).into(),
                target: idents[i].as_str().into(),
                props: Props::from(prop(P_RELATION, REL_PARENT)),
                ..Concept::default()
            };
            match parent_relationship(&self.types[pi], &self.types[i]) {
                Some(t) => {
                    c.typ = t.into();
                    c.source = idents[pi].as_str().into();
                }
                None => {
                    c.typ = "Aggregation".into();
                    c.source = self
                        .groupings
                        .get(&pi)
                        .map_or_else(Default::default, |g| g.as_str().into());
                }
            }
            f(&c);
        }
    }
}

/// The organizations: containment as folders (an element with children is a folder,
/// labelled with its name, that holds the element and its children), or the folders an
/// import recorded in `archimate:folder`. `folders[0]` is the top level. Only an element
/// at a depth below [`MAX_NESTING`](crate::MAX_NESTING) gets a folder (a root is at
/// depth 0 and its folder at level 1): a deeper one sits, with its children, in its
/// deepest ancestor's folder, so the folders nest at most `MAX_NESTING` levels.
fn folders(
    model: &Model,
    idents: &[String],
    rel_idents: &[String],
    lang: Option<&str>,
) -> Vec<Folder> {
    let n = model.element_count();
    let mut arena: Vec<Folder> = vec![Folder::default()];
    let folder_prop = |i: usize| model.element_at(i).and_then(|e| e.property(A_FOLDER));
    // Recorded folders (from an import) first, in element order, then relationship
    // order; same labels at the same level share a folder.
    let mut placed: Vec<(Vec<String>, String)> = Vec::new();
    for (i, ident) in idents.iter().enumerate().take(n) {
        if let Some(path) = folder_prop(i).and_then(parse_path) {
            placed.push((path, ident.clone()));
        }
    }
    for (i, r) in model.relations().enumerate() {
        let path = r
            .properties()
            .find(|(k, _)| *k == A_FOLDER)
            .and_then(|(_, v)| parse_path(v));
        if let Some(path) = path {
            placed.push((path, rel_idents[i].clone()));
        }
    }
    let mut child_of: HashMap<(usize, String), usize> = HashMap::default();
    for (path, ident) in placed {
        let mut at = 0;
        for label in path {
            at = match child_of.get(&(at, label.clone())) {
                Some(&f) => f,
                None => {
                    let f = arena.len();
                    arena.push(Folder {
                        label: LangText::plain(label.as_str()),
                        items: Vec::new(),
                    });
                    arena[at].items.push(Item::Folder(f));
                    child_of.insert((at, label), f);
                    f
                }
            };
        }
        arena[at].items.push(Item::Ref(ident));
    }
    // Containment, pre-order with an explicit stack (no recursion on depth). An element
    // with a recorded folder goes there; its children stay in its containment folder.
    for root in model.roots() {
        let mut stack = vec![(root, 0, 0)];
        while let Some((e, into, depth)) = stack.pop() {
            let i = e.index();
            let own = folder_prop(i).is_none();
            if !has_folder(e.children().len() == 0, depth) {
                if own {
                    arena[into].items.push(Item::Ref(idents[i].clone()));
                }
                stack.extend(e.children().rev().map(|k| (k, into, depth + 1)));
                continue;
            }
            let f = arena.len();
            let label = lang_text(e.name(), lang);
            arena.push(Folder {
                label,
                items: Vec::new(),
            });
            arena[into].items.push(Item::Folder(f));
            if own {
                arena[f].items.push(Item::Ref(idents[i].clone()));
            }
            stack.extend(e.children().rev().map(|k| (k, f, depth + 1)));
        }
    }
    arena
}

/// Whether an element at `depth` in the containment tree (a root is at 0) is a folder
/// of its own in the exchange file's organizations: the exporter's rule, which the
/// importer follows to tell a derived folder from one to keep.
fn has_folder(childless: bool, depth: usize) -> bool {
    !childless && depth < crate::MAX_NESTING
}

fn parse_path(s: &str) -> Option<Vec<String>> {
    serde_json::from_str::<Vec<String>>(s).ok()
}

// ------------------------------------------------------------------------------------
// Import

struct Ctx<'a> {
    file: &'a str,
    /// The file the relationships were read from, and whether the warnings made now are
    /// about relationships (CSV reads them from a file of their own).
    relationships_file: String,
    on_relationships: bool,
    warnings: Vec<Warning>,
    languages: Vec<String>,
    /// `languages` as a set (a file may name any number of languages).
    listed: HashSet<String>,
    /// `languages` by their lowercase form: language tags ignore case (BCP 47), so
    /// `EN` is the model's `en`.
    by_lowercase: HashMap<String, String>,
}

impl<'a> Ctx<'a> {
    /// The same context with no warnings yet, for work done beside this one's.
    fn beside(&self) -> Ctx<'a> {
        Ctx {
            file: self.file,
            relationships_file: self.relationships_file.clone(),
            on_relationships: self.on_relationships,
            warnings: Vec::new(),
            languages: self.languages.clone(),
            listed: self.listed.clone(),
            by_lowercase: self.by_lowercase.clone(),
        }
    }

    /// The model's spelling of language tag `l` (tags ignore case).
    fn language(&self, l: &str) -> String {
        if self.listed.contains(l) {
            return l.to_owned();
        }
        self.by_lowercase
            .get(&l.to_ascii_lowercase())
            .cloned()
            .unwrap_or_else(|| l.to_owned())
    }
    fn warn(&mut self, at: Option<Pos>, msg: impl Into<String>) {
        let file = if self.on_relationships {
            &self.relationships_file
        } else {
            self.file
        };
        self.warnings.push(Warning::new(file, at, msg));
    }

    /// A text as the model file writes it: a string for one value without a language,
    /// else an object in the model's languages (the default language filled in from the
    /// first value when missing).
    fn text<'t>(
        &mut self,
        t: &'t LangText,
        at: Option<Pos>,
        what: &dyn Fn() -> String,
    ) -> Option<TextParts<'t>> {
        if t.is_empty() {
            return None;
        }
        if t.is_plain() {
            return Some(TextParts::Plain(Cow::Borrowed(t.first())));
        }
        let default = self
            .languages
            .first()
            .cloned()
            .unwrap_or_else(|| "en".into());
        let mut m: Vec<(Cow<'t, str>, Cow<'t, str>)> = Vec::new();
        // The languages in `m`.
        let mut kept: HashSet<String> = HashSet::default();
        for (l, v) in t.iter() {
            let l = l.map_or_else(|| default.clone(), |l| self.language(l));
            if kept.contains(&l) {
                self.warn(
                    at,
                    format!("{} has two values in `{l}`: the first is kept", what()),
                );
                continue;
            }
            if !self.listed.contains(&l) {
                self.warn(
                    at,
                    format!(
                        "{} is in language `{l}`, which the model does not list: dropped",
                        what()
                    ),
                );
                continue;
            }
            kept.insert(l.clone());
            m.push((Cow::Owned(l), Cow::Borrowed(v)));
        }
        if m.is_empty() {
            return None;
        }
        if !m.iter().any(|(k, _)| *k == default) {
            self.warn(
                at,
                format!(
                    "{} has no value in the default language `{default}`: the first one is used",
                    what()
                ),
            );
            m.insert(0, (Cow::Owned(default), Cow::Borrowed(t.first())));
        }
        Some(TextParts::Languages(m))
    }
}

/// Drops from an ecograph view (its `ecograph:view` definition) the selectors and
/// collapsed ids that name an element the import does not have (deleted in Archi or in
/// the spreadsheet since the export), each with a warning, so that the rest of the model
/// still imports. Returns false, with a warning, when that leaves a view that chose
/// elements with nothing to choose (an empty `include` would show every element).
fn keep_known_selectors(
    v: &mut Value,
    known: &HashSet<&str>,
    warn: &mut dyn FnMut(String),
) -> bool {
    let view = v.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    let mut emptied = false;
    for list in ["include", "exclude"] {
        let Some(Value::Array(selectors)) = v.get_mut(list) else {
            continue;
        };
        let before = selectors.len();
        selectors.retain(|sel| {
            let missing = ["id", "subtree", "around"]
                .into_iter()
                .filter_map(|k| sel.get(k).and_then(Value::as_str))
                .find(|id| !known.contains(id));
            if let Some(id) = missing {
                warn(format!(
                    "view `{view}`: the {list} selector of `{id}` is dropped: the file has no element `{id}`"
                ));
            }
            missing.is_none()
        });
        emptied |= list == "include" && before > 0 && selectors.is_empty();
    }
    if let Some(Value::Array(ids)) = v.get_mut("collapse").and_then(|c| c.get_mut("ids")) {
        ids.retain(|id| {
            let id = id.as_str().unwrap_or("");
            let kept = known.contains(id);
            if !kept {
                warn(format!(
                    "view `{view}`: collapsing `{id}` is dropped: the file has no element `{id}`"
                ));
            }
            kept
        });
    }
    if emptied {
        warn(format!(
            "view `{view}` is not kept: none of the elements it chose is in the file"
        ));
    }
    !emptied
}

/// Element kind and the ecograph relation kind a foreign relationship type is read as,
/// in order of preference, with whether the relation runs from target to source.
fn candidates(t: &str) -> &'static [RelationKind] {
    use RelationKind as R;
    match t {
        "Assignment" => &[R::Plays, R::Responsible, R::Participates],
        "Realization" => &[R::Provides, R::Produces, R::Concerns],
        "Serving" => &[R::Uses],
        "Access" => &[R::Uses],
        "Flow" => &[R::Flow],
        "Triggering" => &[R::DependsOn, R::Flow],
        _ => &[],
    }
}

fn allowed_kind(k: RelationKind, from: ElementKind, to: ElementKind) -> bool {
    k.allowed_from().contains(&from) && k.allowed_to().contains(&to)
}

/// Where [`model_from_doc`] makes the model's elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elements {
    /// On a thread of their own, beside the relations (an exchange file, whose import
    /// leaves the second core idle while it maps: 2.24–2.87 s against 2.34–2.85 s at
    /// 100k elements, for 15k more page faults).
    Beside,
    /// On this thread, after the relations, so that they reuse the memory the
    /// relations give back (a CSV import, whose memory is the closer to its bound: on a
    /// second thread it took 3.0× its files instead of 2.75×).
    After,
}

/// The elements being made: on their thread, or still to be made here.
enum Pending<T, F> {
    Beside(T),
    After(F),
}

/// The ecograph model a [`Doc`] stands for.
pub(crate) fn model_from_doc(
    mut doc: Doc,
    file: &str,
    elements: Elements,
) -> Result<Imported, Error> {
    let mut cx = Ctx {
        file,
        relationships_file: doc
            .relationships_file
            .clone()
            .unwrap_or_else(|| file.to_owned()),
        on_relationships: false,
        warnings: Vec::new(),
        languages: Vec::new(),
        listed: HashSet::default(),
        by_lowercase: HashMap::default(),
    };
    // Languages: as the exporter recorded them, else every xml:lang in first-seen order.
    if let Some(l) = doc.prop(P_LANGUAGES) {
        cx.languages = l.split_whitespace().map(str::to_owned).collect();
    } else {
        let mut seen: Vec<String> = Vec::new();
        // Tags as written, and by lowercase form: `EN` after `en` is no new language.
        let mut known: HashSet<String> = HashSet::default();
        let mut folded: HashSet<String> = HashSet::default();
        let mut see = |t: &LangText| {
            for (l, _) in t.iter() {
                if let Some(l) = l
                    && !known.contains(l)
                {
                    known.insert(l.to_owned());
                    if folded.insert(l.to_ascii_lowercase()) {
                        seen.push(l.to_owned());
                    }
                }
            }
        };
        see(&doc.name);
        see(&doc.doc);
        for c in doc.elements.iter().chain(&doc.relationships) {
            see(&c.name);
            see(&c.doc);
        }
        for d in &doc.diagrams {
            see(&d.name);
            see(&d.doc);
        }
        cx.languages = seen;
    }
    cx.listed = cx.languages.iter().cloned().collect();
    for l in &cx.languages {
        cx.by_lowercase
            .entry(l.to_ascii_lowercase())
            .or_insert_with(|| l.clone());
    }

    // Elements (the exporter's Groupings for parents are not elements of the model).
    // The readers resolved every relationship's ends to concepts' indices: each element
    // of the file is found by its index in `slots`, never by its identifier again.
    let mut slots: Vec<Slot> = Vec::with_capacity(doc.elements.len());
    // The Groupings, by index, with the ecograph id of the element each stands for.
    let mut groupings: Vec<(usize, &str)> = Vec::new();
    // The index in `doc.elements` of each element kept.
    let mut kept_at: Vec<usize> = Vec::with_capacity(doc.elements.len());
    // The set of ids is sized once (growing the large maps was a twentieth of an import).
    let mut ids_out: Vec<String> = Vec::with_capacity(doc.elements.len());
    let mut taken: HashSet<String> = HashSet::default();
    taken.reserve(doc.elements.len());
    let mut next_suffix: HashMap<String, usize> = HashMap::default();
    let mut kept: Vec<&Concept> = Vec::new();
    for (at, c) in doc.elements.iter().enumerate() {
        if let Some(p) = c.prop(P_GROUPING_OF) {
            groupings.push((at, p));
            slots.push(Slot::Grouping(None));
            continue;
        }
        let mut id = match ids::decode(&c.ident) {
            Some(id) => id,
            None => {
                let s = ids::sanitize(&c.ident);
                cx.warn(
                    c.at.pos(),
                    format!(
                        "identifier `{}` is not an ecograph id: read as `{s}`",
                        c.ident
                    ),
                );
                s
            }
        };
        if taken.contains(&id) {
            // Numbered from where the last clash of this id stopped: many identifiers
            // made into one id stay linear.
            let k = next_suffix.entry(id.clone()).or_insert(2);
            while taken.contains(&format!("{id}-{k}")) {
                *k += 1;
            }
            id = format!("{id}-{k}");
            *k += 1;
        }
        taken.insert(id.clone());
        slots.push(Slot::Kept(kept.len()));
        kept_at.push(at);
        ids_out.push(id);
        kept.push(c);
    }
    // The element each Grouping stands for: the one whose identifier encodes the
    // Grouping's `grouping-of` (looked up by identifier, in a map of the few wanted).
    if !groupings.is_empty() {
        let mut found: HashMap<String, Option<usize>> = groupings
            .iter()
            .map(|(_, p)| (ids::encode(p), None))
            .collect();
        for (k, c) in kept.iter().enumerate() {
            if let Some(f) = found.get_mut(&*c.ident) {
                *f = Some(k);
            }
        }
        for (at, p) in &groupings {
            if let Some(slot) = slots.get_mut(*at) {
                *slot = Slot::Grouping(found.get(&ids::encode(p)).copied().flatten());
            }
        }
    }
    drop(groupings);
    let kinds: Vec<ElementKind> = kept
        .iter()
        .map(|c| match c.prop(P_KIND).and_then(ElementKind::parse) {
            Some(k) => k,
            None => types::kind_of_type(&c.typ).unwrap_or(ElementKind::Group),
        })
        .collect();
    let n = kept.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];

    // Relationships: markers first (data carried, parents), then relations. Their
    // warnings name the file they were read from.
    cx.on_relationships = true;
    // The ends as the reader resolved them (read below, then freed).
    let ends = std::mem::take(&mut doc.ends);
    let ends_of = |ri: usize| ends.get(ri).copied().unwrap_or([End::Unknown; 2]);
    // An end that is an element of the model (not a Grouping), by its index there.
    let element = |e: End| match e {
        End::Element(i) => match slots.get(i as usize) {
            Some(Slot::Kept(k)) => Some(*k),
            _ => None,
        },
        _ => None,
    };
    // An end that is a Grouping, with the element it stands for.
    let grouping = |e: End| match e {
        End::Element(i) => match slots.get(i as usize) {
            Some(Slot::Grouping(p)) => Some(*p),
            _ => None,
        },
        _ => None,
    };
    // One part of the relationships, the first at `from`, as a `Pass` (with the Ctx's
    // warnings): the two halves of a long list are run on two threads, and their passes
    // joined in order give what one pass in order gives (nothing read here is written
    // by another relationship but `followed`, a cache each run keeps for itself).
    let run = |from: usize, part: &[Concept], cx: &mut Ctx<'_>| -> Pass {
        let mut out = Pass {
            relations: Vec::with_capacity(if from == 0 {
                doc.relationships.len()
            } else {
                part.len()
            }),
            ..Pass::default()
        };
        // Where each relationship's chain of ends leads (see `follow`), made when needed.
        let mut followed: Vec<u32> = Vec::new();
        for (ri, c) in (from..).zip(part) {
            let [source, target] = ends_of(ri);
            match c.prop(P_RELATION) {
                Some(REL_DATA)
                    if let (Some(e), End::Relationship(j)) = (element(source), target) =>
                {
                    out.data_of.push((j as usize, e));
                    continue;
                }
                Some(REL_PARENT) => {
                    let child = element(target);
                    let par = element(source).or_else(|| grouping(source).flatten());
                    if let (Some(ch), Some(p)) = (child, par) {
                        out.parents.push((ch, p));
                        continue;
                    }
                }
                _ => {}
            }
            if grouping(source).is_some() || grouping(target).is_some() {
                continue;
            }
            // Ends: an element, or a relationship (followed to an element).
            let mut end = |e: End, which: usize, m: &mut Map<String, Value>| -> Option<usize> {
                let End::Relationship(j) = e else {
                    return element(e);
                };
                let key = if which == 0 {
                    A_SOURCE_REL
                } else {
                    A_TARGET_REL
                };
                if let Some(id) = doc
                    .relationships
                    .get(j as usize)
                    .and_then(|r| rel_id(&r.ident))
                {
                    m.insert(key.into(), Value::from(id));
                }
                follow(j, which, &ends, &element, &mut followed)
            };
            let mut props = Map::new();
            let (Some(s), Some(t)) = (end(source, 0, &mut props), end(target, 1, &mut props))
            else {
                cx.warn(
                    c.at.pos(),
                    format!(
                        "relationship `{}` does not lead to elements: dropped",
                        c.ident
                    ),
                );
                continue;
            };
            let rel_end = !props.is_empty();
            // The kind ecograph wrote, unless the relationship's type is now one that
            // kind is never written as: it was changed in the other tool (Serving to
            // Flow, say), and the new type says what the relation is.
            // (`linked` holds any type a tool's relationship had; a type the importer
            // reads as the kind, such as a Triggering kept as `flow`, is no change.)
            let own = c.prop(P_RELATION).and_then(RelationKind::parse).filter(|&k| {
                let written = k == RelationKind::Linked
                    || c.typ == "Association"
                    || written_types(k).contains(&&*c.typ)
                    || candidates(&c.typ).contains(&k);
                if !written && !candidates(&c.typ).is_empty() {
                    cx.warn(
                        c.at.pos(),
                        format!(
                            "relationship `{}` was written as `{k}` but is now a {}: it is read as a {}",
                            c.ident, c.typ, c.typ
                        ),
                    );
                }
                written || candidates(&c.typ).is_empty()
            });
            let (kind, from, to) = match own {
                Some(k) if !rel_end => {
                    if c.prop(P_DIRECTION) == Some("reversed") {
                        (k, t, s)
                    } else {
                        (k, s, t)
                    }
                }
                _ => {
                    let mut pick = None;
                    if !rel_end {
                        for k in candidates(&c.typ) {
                            let (f, to) = if reversed_for(*k, &c.typ) {
                                (t, s)
                            } else {
                                (s, t)
                            };
                            if allowed_kind(*k, kinds[f], kinds[to]) {
                                pick = Some((*k, f, to));
                                break;
                            }
                        }
                    }
                    match pick {
                        Some(p) => p,
                        None => {
                            if rel_end {
                                cx.warn(c.at.pos(), format!(
                                    "relationship `{}` ({}) ends at another relationship: kept as `linked` between their elements, the relationship in `{}`/`{}`",
                                    c.ident, c.typ, A_SOURCE_REL, A_TARGET_REL
                                ));
                            } else if !candidates(&c.typ).is_empty() {
                                cx.warn(c.at.pos(), format!(
                                    "relationship `{}` ({} from {} `{}` to {} `{}`) is not allowed by ecograph's relation table: kept as `linked` with its type in `{A_TYPE}`",
                                    c.ident, c.typ, kinds[s], ids_out[s], kinds[t], ids_out[t]
                                ));
                            }
                            (RelationKind::Linked, s, t)
                        }
                    }
                }
            };
            if kind == RelationKind::Provides && kinds[from] == ElementKind::System {
                out.provided_by_system.push(to);
            }
            let label = cx.text(&c.name, c.at.pos(), &|| {
                format!("the name of relationship `{}`", c.ident)
            });
            let mut p = props;
            if !c.doc.is_empty() {
                if c.doc.len() > 1 {
                    cx.warn(c.at.pos(), format!("relationship `{}` has documentation in several languages: only the first is kept", c.ident));
                }
                p.insert(A_DOC.into(), Value::from(c.doc.first()));
            }
            if c.typ == "Access" {
                let a = c.access().unwrap_or("Access");
                if a != "Read" {
                    p.insert(A_ACCESS.into(), Value::from(a));
                }
            }
            if let Some(md) = c.modifier() {
                p.insert(A_MODIFIER.into(), Value::from(md));
            }
            if c.directed {
                p.insert(A_DIRECTED.into(), Value::from("true"));
            }
            user_props(
                cx,
                c,
                &doc.prop_types,
                &mut p,
                &[P_RELATION, P_DIRECTION, P_LAG, P_TAGS],
            );
            // The type is settled once every element's type is known (below).
            let id = rel_id(&c.ident);
            let more = (id.is_some() || label.is_some() || !p.is_empty()).then(|| {
                Box::new(RelMore {
                    id,
                    label: label.map(TextParts::into_owned),
                    props: p,
                })
            });
            out.relations.push(Rel {
                ri,
                kind,
                from,
                to,
                more,
            });
        }
        out
    };
    let (pass, warnings) = match elements {
        Elements::Beside => crate::par::in_halves(
            &doc.relationships,
            |from, half| {
                let mut cx = cx.beside();
                let pass = run(from, half, &mut cx);
                (pass, cx.warnings)
            },
            |(a, wa), (b, wb)| {
                a.data_of.extend(b.data_of);
                a.parents.extend(b.parents);
                a.relations.extend(b.relations);
                a.provided_by_system.extend(b.provided_by_system);
                wa.extend(wb);
            },
        ),
        // A CSV import, whose memory is the closer to its bound, in one run: the
        // second half's relations would be held twice while they are joined (10 MB
        // more at 100k elements).
        Elements::After => {
            let mut beside = cx.beside();
            let pass = run(0, &doc.relationships, &mut beside);
            (pass, beside.warnings)
        }
    };
    cx.warnings.extend(warnings);
    let Pass {
        mut data_of,
        parents,
        mut relations,
        provided_by_system,
    } = pass;
    for (ch, p) in parents {
        parent[ch] = Some(p);
    }
    let mut provides_by_system: Vec<bool> = vec![false; n];
    for i in provided_by_system {
        provides_by_system[i] = true;
    }

    break_cycles(&mut relations, &doc, &ids_out, &mut cx);
    cx.on_relationships = false;

    // Element types the exporter would derive, then the relations' types.
    let derived_types: Vec<&'static str> = (0..n)
        .map(|i| default_type(kinds[i], provides_by_system[i]))
        .collect();
    let file_types: Vec<&str> = kept.iter().map(|c| &*c.typ).collect();
    // The model in parts, checked without being written as JSON text. Relations are
    // taken from the end of the reversed list, which gives its memory back as the parts
    // grow.
    let views_text: String;
    let mut parts = ModelParts::new();
    parts.reserve(n, relations.len());
    // Only the relationships are read from here on, each once: each is freed once read.
    drop(ends);
    // The data elements of each relation, in the relations' order (the markers' own
    // order kept for each), read alongside them below.
    data_of.sort_by_key(|(j, _)| *j);
    let mut data = data_of.iter().peekable();
    relations.reverse();
    // The relationships likewise, in the relations' order (those that made no relation
    // skipped): their slots are given back too (700k of 168 bytes at 100k elements).
    let mut relationships = std::mem::take(&mut doc.relationships);
    relationships.reverse();
    // Elements, with the folders the exporter would derive compared with the file's.
    let mut has_children = vec![false; n];
    for p in parent.iter().flatten() {
        has_children[*p] = true;
    }
    // The folder of the file that each element's containment folder would be (the
    // labels: its ancestors' names and its own), parents first from the roots; `None`
    // when the file has no such folder (always, when it has no folders: a CSV import).
    // Elements in a parent cycle are never reached.
    let mut own_folder: Vec<Option<usize>> = vec![None; n];
    // The same with folders as deep as containment, as a file may have them (ecograph
    // wrote them so before `MAX_NESTING`): such a folder is derived too, not recorded,
    // or a deep chain would record paths of its depth's square in labels. Made only once
    // an element is that deep; until then it equals `own_folder`.
    let mut deep_folder: Vec<Option<usize>> = Vec::new();
    if !doc.folder_child.is_empty() {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        let mut todo: Vec<(usize, usize)> = (0..n)
            .filter(|i| parent[*i].is_none())
            .map(|i| (i, 0))
            .collect();
        let folder_of = |i: usize, base: Option<usize>| {
            let c = kept[i];
            let name = if c.name.is_empty() {
                ids_out[i].clone()
            } else {
                c.name.first().to_owned()
            };
            base.and_then(|b| doc.folder_child.get(&(b, name)).copied())
        };
        while let Some((i, depth)) = todo.pop() {
            let base = match parent[i] {
                Some(p) => own_folder[p],
                None => Some(0),
            };
            let childless = children[i].is_empty();
            own_folder[i] = if has_folder(childless, depth) {
                folder_of(i, base)
            } else {
                // Beyond the exporter's folder depth, children share the ancestor's.
                base
            };
            if depth >= crate::MAX_NESTING && deep_folder.is_empty() {
                // Every element so far was shallower: its deep folder is its own.
                deep_folder.clone_from(&own_folder);
            }
            if !deep_folder.is_empty() {
                deep_folder[i] = if depth < crate::MAX_NESTING {
                    own_folder[i]
                } else {
                    let base = parent[i].and_then(|p| deep_folder[p]);
                    if childless { base } else { folder_of(i, base) }
                };
            }
            todo.extend(children[i].iter().map(|&k| (k, depth + 1)));
        }
    }
    // The folder of the file each element keeps as `archimate:folder`: its own when it
    // is not one the exporter derives, the parent's containment folder (the top level
    // for a root), or the element's own when it contains others.
    let derived = |folders: &[Option<usize>], i: usize| -> Option<usize> {
        if has_children[i] {
            folders[i]
        } else {
            match parent[i] {
                Some(p) => folders[p],
                None => Some(0),
            }
        }
    };
    let recorded_folder = |i: usize| -> Option<usize> {
        let actual = doc.element_folder.get(kept_at[i]).copied().flatten()? as usize;
        let deep = !deep_folder.is_empty() && derived(&deep_folder, i) == Some(actual);
        (derived(&own_folder, i) != Some(actual) && !deep).then_some(actual)
    };
    let in_folders = (0..n).map(|i| ("element", recorded_folder(i), kept[i]));
    // `relationships` is in reverse order.
    let rel_folders = doc.relationship_folder.iter().rev();
    let rels = rel_folders.zip(relationships.iter());
    let rels = rels.map(|(f, c)| ("relationship", f.map(|f| f as usize), c));
    folder_paths_fit(&doc.folder_tree, in_folders.chain(rels.rev()), file)?;
    // With `Elements::Beside`, the elements are made on a second thread while this one
    // makes the relations: they need only the elements and the parents, and the
    // relations add no warning, so the warnings come in the same order as on one
    // thread.
    let element_parts = std::thread::scope(|s| {
        let make = || {
            let cx = &mut cx;
            let mut out = Vec::with_capacity(n);
            for (i, c) in kept.iter().enumerate() {
                let mut p = Map::new();
                // A name of white space only (Archi allows one) is no name: the element
                // is named by its id, as one with an empty name is.
                let blank = !c.name.is_empty() && c.name.iter().all(|(_, v)| v.trim().is_empty());
                if blank {
                    cx.warn(
                        c.at.pos(),
                        format!(
                            "the name of element `{}` is only white space: it is named by its id",
                            c.ident
                        ),
                    );
                }
                let name = if blank {
                    None
                } else {
                    cx.text(&c.name, c.at.pos(), &|| {
                        format!("the name of element `{}`", c.ident)
                    })
                };
                if name.is_none() {
                    p.insert(A_UNNAMED.into(), Value::from("true"));
                }
                let description = cx.text(&c.doc, c.at.pos(), &|| {
                    format!("the documentation of element `{}`", c.ident)
                });
                if c.typ != derived_types[i] {
                    p.insert(A_TYPE.into(), Value::from(&*c.typ));
                }
                let in_a_folder = doc.element_folder.get(kept_at[i]).copied().flatten();
                if let Some(actual) = recorded_folder(i) {
                    p.insert(
                        A_FOLDER.into(),
                        Value::from(Value::from(doc.folder_path(actual)).to_string()),
                    );
                } else if in_a_folder.is_none()
                    && doc.has_organizations
                    && (parent[i].is_some() || has_children[i])
                {
                    // The exporter would have placed it in a folder; the file has it nowhere.
                    p.insert(A_FOLDER.into(), Value::from("[]"));
                }
                user_props(
                    cx,
                    c,
                    &doc.prop_types,
                    &mut p,
                    &[P_KIND, P_STATUS, P_START, P_END, P_TAGS],
                );
                let name = name.map_or(TextParts::Plain(Cow::Borrowed(&*ids_out[i])), |t| {
                    t.into_owned()
                });
                let mut ep = ElementParts::new(&*ids_out[i], kinds[i].as_str(), name);
                if let Some(d) = description {
                    ep.description(d.into_owned());
                }
                if let Some(pi) = parent[i] {
                    ep.parent(&*ids_out[pi]);
                }
                if let Some(tags) = c.prop(P_TAGS) {
                    ep.tags(owned(parse_tags(tags)));
                }
                if !p.is_empty() {
                    ep.properties(prop_parts(p));
                }
                if let Some(v) = c.prop(P_STATUS) {
                    ep.status(v.to_owned());
                }
                if let Some(v) = c.prop(P_START) {
                    ep.start(v.to_owned());
                }
                if let Some(v) = c.prop(P_END) {
                    ep.end(v.to_owned());
                }
                out.push(ep);
            }
            out
        };
        let pending = match elements {
            // Where the system refuses a thread, they are made here after the relations.
            Elements::Beside => match ecograph_core::par::spawn(s, make) {
                Ok(thread) => Pending::Beside(thread),
                Err(refused) => Pending::After(refused.work),
            },
            Elements::After => Pending::After(make),
        };
        // The index in `doc.relationships` of the last in `relationships`.
        let mut next = 0;
        while let Some(r) = relations.pop() {
            if relations.len().is_multiple_of(RELEASE_EVERY) {
                relations.shrink_to_fit();
            }
            while next < r.ri {
                relationships.pop();
                next += 1;
            }
            let Some(c) = relationships.pop() else {
                break;
            };
            next += 1;
            if relationships.capacity() - relationships.len() >= RELEASE_EVERY {
                relationships.shrink_to_fit();
            }
            let (kind, from, to) = (r.kind, r.from, r.to);
            let RelMore {
                id,
                label,
                props: mut p,
            } = r.more.map_or_else(RelMore::default, |m| *m);
            let rel_end = p.contains_key(A_SOURCE_REL) || p.contains_key(A_TARGET_REL);
            let (dt, drev) = derived_relationship(kind, file_types[from], file_types[to]);
            let same_dir = reversed_for(kind, &c.typ) == drev;
            if rel_end || dt != c.typ || !same_dir {
                p.insert(A_TYPE.into(), Value::from(&*c.typ));
            }
            if let Some(f) = doc.relationship_folder.get(r.ri).copied().flatten() {
                p.insert(
                    A_FOLDER.into(),
                    Value::from(Value::from(doc.folder_path(f as usize)).to_string()),
                );
            }
            let mut rp = RelationParts::new(kind.as_str(), &*ids_out[from], &*ids_out[to]);
            if let Some(id) = id {
                rp.id(id);
            }
            if let Some(l) = label {
                rp.label(l);
            }
            if let Some(tags) = c.prop(P_TAGS) {
                rp.tags(owned(parse_tags(tags)));
            }
            while data.next_if(|(j, _)| *j < r.ri).is_some() {}
            let mut carried: Vec<Cow<'_, str>> = Vec::new();
            while let Some((_, e)) = data.next_if(|(j, _)| *j == r.ri) {
                carried.push(Cow::Borrowed(&*ids_out[*e]));
            }
            if !carried.is_empty() {
                rp.data(carried);
            }
            if !p.is_empty() {
                rp.properties(prop_parts(p));
            }
            if let Some(lag) = c.prop(P_LAG) {
                rp.lag(lag.to_owned());
            }
            parts.relation(rp);
        }
        // The relationships are in the parts: their memory is reused by what follows
        // (they were most of what a CSV import held at its peak).
        drop(relationships);
        match pending {
            Pending::Beside(thread) => match thread.join() {
                Ok(e) => e,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Pending::After(mut make) => make(),
        }
    });
    drop(data_of);
    for ep in element_parts {
        parts.element(ep);
    }

    // Views.
    let mut views_json: Vec<Value> = Vec::new();
    let mut view_ids: HashSet<String> = HashSet::default();
    let mut view_suffix: HashMap<String, usize> = HashMap::default();
    // The elements by identifier, made when a foreign view needs them (the only
    // identifiers the mapping looks up).
    let mut by_ident: Option<HashMap<&str, usize>> = None;
    // The imported elements' ids, made when an ecograph view needs them.
    let mut known: Option<HashSet<&str>> = None;
    for d in &doc.diagrams {
        if let Some(mut v) = d
            .prop(P_VIEW)
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
        {
            let known = known.get_or_insert_with(|| ids_out.iter().map(String::as_str).collect());
            if !keep_known_selectors(&mut v, known, &mut |msg| cx.warn(d.at, msg)) {
                continue;
            }
            if let Some(id) = v.get("id").and_then(Value::as_str) {
                view_ids.insert(id.to_owned());
            }
            views_json.push(v);
            continue;
        }
        let mut id = ids::decode(&d.ident).unwrap_or_else(|| ids::sanitize(&d.ident));
        if view_ids.contains(&id) {
            // Numbered as elements are, from where the last clash of this id stopped
            // (`-2` added again and again made the n-th clash's id n times as long).
            let k = view_suffix.entry(id.clone()).or_insert(2);
            while view_ids.contains(&format!("{id}-{k}")) {
                *k += 1;
            }
            id = format!("{id}-{k}");
        }
        let mut include: Vec<Value> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::default();
        let by_ident = by_ident.get_or_insert_with(|| {
            let idents = kept.iter().enumerate();
            idents.map(|(k, c)| (&*c.ident, k)).collect()
        });
        for node in &d.nodes {
            if let Some(e) = node.element.as_deref().and_then(|e| by_ident.get(e))
                && seen.insert(*e)
            {
                let mut s = Map::new();
                s.insert("id".into(), Value::from(ids_out[*e].as_str()));
                include.push(Value::Object(s));
            }
        }
        if include.is_empty() {
            cx.warn(
                d.at,
                format!("view `{}` shows no element: not kept", d.ident),
            );
            continue;
        }
        view_ids.insert(id.clone());
        let mut m = Map::new();
        m.insert("id".into(), Value::from(id.as_str()));
        if let Some(t) = cx.text(&d.name, d.at, &|| format!("the name of view `{}`", d.ident)) {
            m.insert("title".into(), text_value(t));
        }
        if let Some(t) = cx.text(&d.doc, d.at, &|| {
            format!("the documentation of view `{}`", d.ident)
        }) {
            m.insert("description".into(), text_value(t));
        }
        m.insert("include".into(), Value::Array(include));
        let nested = d.nodes.iter().filter(|n| n.parent.is_some()).count();
        let bends: usize = d.connections.iter().map(|c| c.bendpoints.len()).sum();
        cx.warn(
            d.at,
            format!(
                "view `{}` keeps which elements it shows; its positions and sizes, {nested} nested node(s), {bends} bendpoint(s), {} connection(s) and styles are not kept (ecograph lays views out itself and draws containment from `parent`)",
                d.ident,
                d.connections.len()
            ),
        );
        views_json.push(Value::Object(m));
    }

    // Model.
    if let Some(s) = doc.prop(P_SCHEMA) {
        parts.schema(s.to_owned());
    }
    if let Some(t) = cx.text(&doc.name, None, &|| "the model's name".into()) {
        parts.name(t.into_owned());
    }
    if let Some(t) = cx.text(&doc.doc, None, &|| "the model's documentation".into()) {
        parts.description(t.into_owned());
    }
    if !cx.languages.is_empty() {
        parts.languages(cx.languages.iter().map(|l| Cow::Owned(l.clone())).collect());
    }
    for p in &doc.props {
        if *p.key != *P_LANGUAGES && *p.key != *P_SCHEMA && !p.key.starts_with(P_VIEW) {
            cx.warn(None, format!("model property `{}` is not kept: ecograph models have no model-level properties", p.key));
        }
    }
    if !views_json.is_empty() {
        views_text = Value::Array(views_json).to_string();
        parts.views_json(&views_text);
    }
    // Only the places of the elements are needed from here on.
    let places: Vec<Option<Pos>> = kept.iter().map(|c| c.at.pos()).collect();
    drop(kept);
    // What is left of the exchange form (its relationships were freed one by one above)
    // is freed before the check, on this thread: the elements are few, and the folders
    // are kept by index (a map from each concept's identifier to its folder, freed on a
    // second thread, took 240 ms at 100k elements). Freed on a second thread while the
    // check allocates from the same arena, the elements took 100 ms instead of 10, and
    // the check 25 % longer.
    drop(doc);
    let checked = parts.check(Some(file));
    let Some(model) = checked.model else {
        let problems = checked
            .diagnostics
            .errors()
            .map(|d| {
                let at = locate(d.path().as_str(), &places);
                Problem::new(
                    file,
                    at,
                    format!("{} (in the imported model at {})", d.message(), d.path()),
                )
                .help(d.suggestion().map(|s| format!("did you mean `{s}`?")))
            })
            .collect();
        return Err(Error::Invalid { problems });
    };
    let mut warnings = cx.warnings;
    for d in model.warnings().iter() {
        warnings.push(Warning::new(
            file,
            None,
            format!("{} (in the imported model at {})", d.message(), d.path()),
        ));
    }
    Ok(Imported { model, warnings })
}

/// Bytes of folder labels the imported model may hold in its `archimate:folder` paths
/// for each element and relationship kept in a folder, on average (a real file's paths
/// take tens), beyond [`FOLDER_PATHS_BASE`].
const FOLDER_PATH_AVERAGE: usize = 256;
/// Bytes of folder labels any model may hold in its paths.
const FOLDER_PATHS_BASE: usize = 1 << 20;

/// Refuses a file whose folders would make the imported model's `archimate:folder`
/// paths (each element's and relationship's whole path, as a JSON list of labels) take
/// more than [`FOLDER_PATHS_BASE`] plus [`FOLDER_PATH_AVERAGE`] bytes for each concept
/// in a folder. A path takes its labels' bytes and three for each (quotes, comma): n
/// elements in one folder n levels deep made paths of n² labels (10,000 in a 1.5 MB
/// file: 16 s and 2.8 GB; 100,000 ran out of memory). `placed` are the concepts, each
/// with what it is and the folder it records.
fn folder_paths_fit<'d>(
    tree: &[(usize, String)],
    placed: impl Iterator<Item = (&'static str, Option<usize>, &'d Concept)>,
    file: &str,
) -> Result<(), Error> {
    // Each folder's path length and depth, from its parent's (a parent comes first).
    let mut len: Vec<(usize, usize)> = Vec::with_capacity(tree.len());
    for (f, (parent, label)) in tree.iter().enumerate() {
        len.push(match len.get(*parent) {
            Some(&(bytes, depth)) if f > 0 => (bytes.saturating_add(label.len() + 3), depth + 1),
            _ => (0, 0),
        });
    }
    let (mut total, mut count) = (0usize, 0usize);
    for (what, folder, c) in placed {
        let Some(&(bytes, depth)) = folder.and_then(|f| len.get(f)) else {
            continue;
        };
        total = total.saturating_add(bytes);
        count += 1;
        let limit = FOLDER_PATHS_BASE.saturating_add(count.saturating_mul(FOLDER_PATH_AVERAGE));
        if total > limit {
            return Err(Error::one(Problem::new(
                file,
                c.at.pos(),
                format!(
                    "{what} `{}` is in a folder at depth {depth} whose path takes {bytes} bytes: the folder paths the imported model keeps would take more than {limit} bytes (1 MiB, and {FOLDER_PATH_AVERAGE} for each of the {count} elements and relationships in a folder so far)",
                    c.ident,
                ),
            )));
        }
    }
    Ok(())
}

/// The place in the file of the concept a model path such as `elements[3].name` names.
fn locate(path: &str, elements: &[Option<Pos>]) -> Option<Pos> {
    let rest = path.strip_prefix("elements[")?;
    let i: usize = rest.split(']').next()?.parse().ok()?;
    elements.get(i).copied().flatten()
}

/// An element of the file, as the mapping reads it.
#[derive(Clone, Copy)]
enum Slot {
    /// An element of the model, by its index there.
    Kept(usize),
    /// A Grouping that stands for a parent, with the element it stands for when found.
    Grouping(Option<usize>),
}

/// Where the chain of ends from relationship `j` on side `which` (0 source, 1 target)
/// leads: from each relationship to the one its end on that side names, until an end is
/// no relationship; the element there, or `None` when it is no element (a Grouping, an
/// unknown identifier) or the chain comes back to itself. `followed` keeps each
/// relationship's answer (its index × 2 + side; filled on the first call), so that the
/// chains of all relationships take linear time together: relationships ending at
/// themselves in a loop, followed one by one for each, took quadratic time.
fn follow(
    j: u32,
    which: usize,
    ends: &[[End; 2]],
    element: &impl Fn(End) -> Option<usize>,
    followed: &mut Vec<u32>,
) -> Option<usize> {
    // An answer, or what `followed` holds for no answer yet.
    const NOT_YET: u32 = u32::MAX;
    const ON_THE_WAY: u32 = u32::MAX - 1;
    const NO_ELEMENT: u32 = u32::MAX - 2;
    if followed.is_empty() {
        followed.resize(ends.len() * 2, NOT_YET);
    }
    let mut path: Vec<usize> = Vec::new();
    let mut cur = End::Relationship(j);
    let found = loop {
        let End::Relationship(k) = cur else {
            let e = element(cur).and_then(|e| u32::try_from(e).ok());
            break e.filter(|e| *e < NO_ELEMENT).unwrap_or(NO_ELEMENT);
        };
        let slot = k as usize * 2 + which;
        match followed.get(slot).copied() {
            Some(NOT_YET) => {
                followed[slot] = ON_THE_WAY;
                path.push(slot);
                cur = ends.get(k as usize).map_or(End::Unknown, |e| e[which]);
            }
            // Back to a relationship of this chain: a loop.
            Some(ON_THE_WAY) | None => break NO_ELEMENT,
            Some(known) => break known,
        }
    };
    for slot in path {
        followed[slot] = found;
    }
    (found != NO_ELEMENT).then_some(found as usize)
}

/// The id a relationship's identifier gives its relation, if any: its own (decoded,
/// else sanitized), or the one an exporter's `__rid.` identifier carries.
fn rel_id(ident: &str) -> Option<String> {
    if !ident.starts_with("__") {
        Some(ids::decode(ident).unwrap_or_else(|| ids::sanitize(ident)))
    } else {
        ids::decode(ident.strip_prefix("__rid.")?)
    }
}

/// Views up to which the export looks a view's identifier up in the list of the
/// relationships' rather than in a set made of them.
const FEW_VIEWS: usize = 16;

/// How many relations are written between two returns of their list's memory.
const RELEASE_EVERY: usize = 1 << 16;

/// A relation of the imported model, settled before it is made into the model's parts.
/// Every relationship has one while the parts are made, and most have no id, label or
/// properties: those are boxed (a `Value` and a `Map` inline made this 192 bytes, 135 MB
/// for 700k relationships, the largest item at a CSV import's peak).
/// What the first pass over the relationships gives for a run of them.
#[derive(Default)]
struct Pass {
    /// (relationship index, data element) of each data-carried marker, in file order.
    data_of: Vec<(usize, usize)>,
    /// (child, parent) of each parent marker, in file order.
    parents: Vec<(usize, usize)>,
    relations: Vec<Rel>,
    /// The elements a system provides.
    provided_by_system: Vec<usize>,
}

struct Rel {
    /// Its relationship in `Doc::relationships`.
    ri: usize,
    kind: RelationKind,
    from: usize,
    to: usize,
    more: Option<Box<RelMore>>,
}

#[derive(Default)]
struct RelMore {
    id: Option<String>,
    label: Option<TextParts<'static>>,
    props: Map<String, Value>,
}

/// A text field's parts as a JSON value (a view's, which is written as JSON text).
fn text_value(t: TextParts<'_>) -> Value {
    match t {
        TextParts::Plain(s) => Value::from(s.into_owned()),
        TextParts::Languages(pairs) => Value::Object(
            pairs
                .into_iter()
                .map(|(l, v)| (l.into_owned(), Value::from(v.into_owned())))
                .collect(),
        ),
    }
}

/// Properties as collected (every value a string) as a model's parts, in order.
fn prop_parts(p: Map<String, Value>) -> Vec<(Cow<'static, str>, Cow<'static, str>)> {
    p.into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (Cow::Owned(k), Cow::Owned(v))
        })
        .collect()
}

fn owned(v: Vec<Cow<'_, str>>) -> Vec<Cow<'static, str>> {
    v.into_iter().map(|s| Cow::Owned(s.into_owned())).collect()
}

fn parse_tags(s: &str) -> Vec<Cow<'_, str>> {
    match serde_json::from_str::<Vec<String>>(s) {
        Ok(v) => v.into_iter().map(Cow::Owned).collect(),
        Err(_) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Cow::Borrowed)
            .collect(),
    }
}

/// The concept's properties that are not ecograph's own fields.
fn user_props(
    cx: &mut Ctx<'_>,
    c: &Concept,
    prop_types: &BTreeMap<String, String>,
    out: &mut Map<String, Value>,
    own: &[&str],
) {
    for p in &c.props {
        if own.contains(&&*p.key) {
            continue;
        }
        // A model's own `ecograph:` key travels escaped (the inverse of `user_key`).
        let key = p
            .key
            .strip_prefix(P_USER)
            .filter(|k| k.starts_with("ecograph:"))
            .unwrap_or(&p.key);
        if out.contains_key(key) {
            cx.warn(
                c.at.pos(),
                format!(
                    "`{}` has property `{key}` twice: the first value is kept",
                    c.ident
                ),
            );
            continue;
        }
        if p.value.len() > 1 {
            cx.warn(
                c.at.pos(),
                format!(
                    "property `{}` of `{}` has values in several languages: only the first is kept",
                    p.key, c.ident
                ),
            );
        }
        out.insert(key.to_owned(), Value::from(p.value.first()));
        if let Some(t) = prop_types.get(&*p.key) {
            out.insert(format!("{A_PROP_TYPE}{key}"), Value::from(t.as_str()));
        }
    }
}

/// Steps the searches of [`break_cycles`] may take for each element and `depends_on`,
/// beyond [`SEARCH_STEPS_BASE`].
const SEARCH_STEPS_PER_ITEM: usize = 64;
const SEARCH_STEPS_BASE: usize = 1 << 22;

/// Keeps a foreign `depends_on` relation as `linked`, in its relationship's own
/// direction, with a warning saying `why`.
fn keep_linked(doc: &Doc, r: &mut Rel, cx: &mut Ctx<'_>, why: &str) {
    let Some(c) = doc.relationships.get(r.ri) else {
        return;
    };
    cx.warn(
        c.at.pos(),
        format!(
            "relationship `{}` ({}) {why}: kept as `linked` with its type in `{A_TYPE}`",
            c.ident, c.typ
        ),
    );
    r.kind = RelationKind::Linked;
    // `linked` keeps the relationship's own direction.
    if reversed_for(RelationKind::DependsOn, &c.typ) {
        std::mem::swap(&mut r.from, &mut r.to);
    }
}

/// Triggering cycles among work packages are legal in ArchiMate but not as `depends_on`:
/// a relation read from a foreign Triggering that would close a cycle is kept as
/// `linked` instead (its type stays in `archimate:type`), with a warning. Linear when
/// there is no cycle; otherwise one search per foreign `depends_on`, until the searches
/// have taken [`SEARCH_STEPS_PER_ITEM`] steps per element and relation (and
/// [`SEARCH_STEPS_BASE`]); then every foreign `depends_on` left on a cycle of them all
/// is kept as `linked`.
fn break_cycles(relations: &mut [Rel], doc: &Doc, ids: &[String], cx: &mut Ctx<'_>) {
    let n = ids.len();
    let edges: Vec<(usize, usize, usize)> = relations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RelationKind::DependsOn)
        .map(|(k, r)| (k, r.from, r.to))
        .collect();
    // Kahn's algorithm: no cycle, nothing to do.
    let mut indeg = vec![0usize; n];
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, f, t) in &edges {
        adj[f].push(t);
        indeg[t] += 1;
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut seen = 0;
    // What no cycle reaches, then (below) what reaches no cycle: a relation with an end
    // there is on no cycle, so it closes none, and no search needs to go there (a long
    // chain beside a cycle, searched again for each of its relations, took quadratic
    // time).
    let mut gone = vec![false; n];
    while let Some(v) = queue.pop() {
        seen += 1;
        gone[v] = true;
        for &w in &adj[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push(w);
            }
        }
    }
    if seen == n {
        return;
    }
    let mut outdeg = vec![0usize; n];
    let mut radj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(_, f, t) in &edges {
        if !gone[f] && !gone[t] {
            outdeg[f] += 1;
            radj[t].push(f);
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| !gone[i] && outdeg[i] == 0).collect();
    while let Some(v) = queue.pop() {
        gone[v] = true;
        for &u in &radj[v] {
            outdeg[u] -= 1;
            if outdeg[u] == 0 {
                queue.push(u);
            }
        }
    }
    drop(radj);
    let is_foreign: Vec<bool> = relations
        .iter()
        .map(|r| doc.relationships[r.ri].prop(P_RELATION).is_none())
        .collect();
    let foreign = |k: usize| is_foreign[k];
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(k, f, t) in &edges {
        if !foreign(k) {
            adj[f].push(t);
        }
    }
    let mut mark = vec![0u32; n];
    let mut stamp = 0;
    // Steps all searches may take together (nodes and edges gone through), and, once
    // they are spent, each node's strongly connected component among all `depends_on`.
    let mut budget = SEARCH_STEPS_PER_ITEM
        .saturating_mul(n + edges.len())
        .saturating_add(SEARCH_STEPS_BASE);
    let mut component: Option<Vec<usize>> = None;
    for &(k, f, t) in &edges {
        if !foreign(k) {
            continue;
        }
        if gone[f] || gone[t] {
            adj[f].push(t);
            continue;
        }
        // Does `t` already reach `f`? Then f -> t closes a cycle.
        let mut closes = f == t;
        if component.is_none() {
            stamp += 1;
            let mut stack = vec![t];
            while let Some(v) = stack.pop() {
                if v == f {
                    closes = true;
                    break;
                }
                if mark[v] == stamp || gone[v] {
                    continue;
                }
                mark[v] = stamp;
                let step = adj[v].len() + 1;
                if budget < step {
                    // Nodes that are gone stand alone.
                    let live = edges.iter().filter(|&&(_, f, t)| !gone[f] && !gone[t]);
                    let live = live.map(|&(_, f, t)| (f, t));
                    component = Some(ecograph_core::scc::component_of(n, live));
                    break;
                }
                budget -= step;
                stack.extend(adj[v].iter().copied());
            }
        }
        if let Some(component) = &component
            && !closes
        {
            // The searches' budget is spent: every foreign `depends_on` left that is on a
            // cycle of them all is kept as `linked`, which keeps those kept so far acyclic
            // whatever else lies on the cycle (one search per relationship along a ring
            // of n work packages took n²/2 steps: 30,000 of them, 1.8 s).
            if component[f] == component[t] {
                let why = format!(
                    "is on a `depends_on` cycle through `{}` and `{}` among more relationships than are searched one by one",
                    ids[f], ids[t]
                );
                keep_linked(doc, &mut relations[k], cx, &why);
            } else {
                adj[f].push(t);
            }
            continue;
        }
        if closes {
            let why = format!(
                "would close a `depends_on` cycle through `{}` and `{}`",
                ids[f], ids[t]
            );
            keep_linked(doc, &mut relations[k], cx, &why);
        } else {
            adj[f].push(t);
        }
    }
}
