//! Reading an exchange file into a [`Doc`], streaming, with every structural problem
//! (unknown types, duplicate or dangling identifiers) collected and reported at once.

use super::NS;
use crate::doc::{
    At, Concept, Connection, Diagram, Doc, End, Ident, Lang, LangText, Node, Prop, Props, intern,
};
use crate::error::{Error, Pos, Problem, Suggestions};
use crate::hash::{HashMap, HashSet};
use crate::mapping::{A_SPECIALIZATION, SPECIALIZATION_DEF};
use crate::types;
use crate::xmlread::{Attr, Ev, Events, XmlIn, piped};
use ecograph_core::suggest::closest;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::io::BufRead;
use std::ops::Range;
use std::sync::Arc;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XML: &str = "http://www.w3.org/XML/1998/namespace";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Model,
    Element(usize),
    Relationship(usize),
    PropDef(usize),
    View(usize),
    Node(usize, usize),
    Item,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Doc,
    Label,
    Value,
}

#[derive(Debug)]
enum Frame {
    Model,
    /// A container element whose children are read (`elements`, `views`, ...).
    List(&'static str),
    Owner(Owner),
    Properties,
    Property,
    Text(Field),
    /// An organization item: its first label once read, and its folder once needed.
    Item {
        label: Option<String>,
        folder: Option<usize>,
    },
    Connection(usize, usize),
    /// Anything else: skipped with everything inside it.
    Skip,
}

fn attr<'a>(attrs: &'a [Attr], local: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.ns.is_none() && a.local == local)
        .map(|a| a.value.as_str())
}

fn xsi_type(attrs: &[Attr]) -> Option<Cow<'static, str>> {
    attrs
        .iter()
        .find(|a| a.local == "type" && a.ns.as_deref() == Some(XSI))
        .map(|a| {
            // `archimate:BusinessActor` names the same type as `BusinessActor`.
            types::shared_name(
                a.value
                    .rsplit_once(':')
                    .map_or(a.value.as_str(), |(_, t)| t)
                    .trim(),
            )
        })
}

fn lang(attrs: &[Attr]) -> Option<Lang> {
    attrs
        .iter()
        .find(|a| a.local == "lang" && (a.ns.as_deref() == Some(XML) || a.qname == "xml:lang"))
        .filter(|a| !a.value.is_empty())
        .map(|a| Lang::new(&a.value))
}

struct Reader {
    doc: Doc,
    problems: Vec<Problem>,
    /// Property definition identifier -> (name, type); the name is `None` while the
    /// definition has no `<name>`.
    defs: Vec<(String, Option<String>, String, Pos)>,
    /// Properties read, as (owner, index in the owner's list) -> definition identifier.
    /// The definition identifier is an index into `def_refs`: a file names a handful
    /// of definitions from a million properties.
    prop_refs: Vec<(Owner, usize, u32, Pos)>,
    /// Property definition identifiers referred to, and their index.
    def_refs: Vec<String>,
    def_ref_ix: HashMap<String, u32>,
    /// Folder refs: identifier (its bytes in `item_ids`), where, and the folder the
    /// item is in (the first item of an identifier places it).
    item_refs: Vec<(Range<usize>, Pos, usize)>,
    /// The identifiers of `item_refs`, one after the other: one string, not one each
    /// (800k at 100k elements, freed one by one on the import's critical path).
    item_ids: String,
    /// Each relationship's source and target identifiers, as read (`finish` resolves
    /// them; nothing after reads them): where they start in `end_ids`, and their
    /// lengths. Kept here rather than in the relationships, like `item_ids`: a million
    /// strings at 100k elements.
    ends: Vec<(usize, usize, usize)>,
    end_ids: String,
    /// The short property values read so far (see `put_text`), up to `SHARED_VALUES`.
    values: HashSet<Arc<str>>,
    text: String,
    text_lang: Option<Lang>,
    /// The key of a property until its definition is read.
    no_key: Arc<str>,
}

impl Reader {
    fn owner(&self, stack: &[Frame]) -> Option<Owner> {
        stack.iter().rev().find_map(|f| match f {
            Frame::Owner(o) => Some(*o),
            Frame::Model => Some(Owner::Model),
            Frame::Item { .. } => Some(Owner::Item),
            _ => None,
        })
    }

    fn props_of(&mut self, o: Owner) -> Option<&mut Props> {
        Some(match o {
            Owner::Model => &mut self.doc.props,
            Owner::Element(i) => &mut self.doc.elements[i].props,
            Owner::Relationship(i) => &mut self.doc.relationships[i].props,
            Owner::View(i) => &mut self.doc.diagrams[i].props,
            _ => return None,
        })
    }

    fn put_text(&mut self, o: Owner, field: Field, stack: &mut [Frame]) {
        // A short property value without a language (an ecograph kind, status or
        // relation: a handful of values over a million properties) is shared.
        if matches!(field, Field::Value)
            && self.text_lang.is_none()
            && self.text.len() <= SHARED_VALUE
        {
            let shared = if self.values.len() < SHARED_VALUES {
                Some(intern(&mut self.values, &self.text))
            } else {
                self.values.get(self.text.as_str()).cloned()
            };
            if let Some(v) = shared {
                self.text.clear();
                if let Some(ps) = self.props_of(o)
                    && let Some(p) = ps.last_mut()
                {
                    if p.value.has_no_value() {
                        p.value = LangText::shared(v);
                    } else {
                        p.value.push(None, v.to_string());
                    }
                }
                return;
            }
        }
        // Copied at its length (the buffer is kept for the next text): a value moved
        // out with the buffer's slack would be shrunk again, a second allocation.
        let v = String::from(self.text.as_str());
        self.text.clear();
        let l = self.text_lang.take();
        let pair = (l, v);
        let d = &mut self.doc;
        let text = match (o, field) {
            (Owner::Model, Field::Name) => Some(&mut d.name),
            (Owner::Model, Field::Doc) => Some(&mut d.doc),
            (Owner::Element(i), Field::Name) => Some(&mut d.elements[i].name),
            (Owner::Element(i), Field::Doc) => Some(&mut d.elements[i].doc),
            (Owner::Relationship(i), Field::Name) => Some(&mut d.relationships[i].name),
            (Owner::Relationship(i), Field::Doc) => Some(&mut d.relationships[i].doc),
            (Owner::View(i), Field::Name) => Some(&mut d.diagrams[i].name),
            (Owner::View(i), Field::Doc) => Some(&mut d.diagrams[i].doc),
            (Owner::Node(v, n), Field::Label) => Some(&mut d.diagrams[v].nodes[n].label),
            _ => None,
        };
        if let Some(t) = text {
            t.push(pair.0, pair.1);
            return;
        }
        match (o, field) {
            (Owner::PropDef(i), Field::Name)
                if self.defs[i].1.as_ref().is_none_or(String::is_empty) =>
            {
                self.defs[i].1 = Some(pair.1.clone());
            }
            (Owner::Item, Field::Label) => {
                if let Some(Frame::Item { label, .. }) = stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::Item { .. }))
                    && label.is_none()
                {
                    *label = Some(pair.1.clone());
                }
            }
            (o, Field::Value) => {
                if let Some(ps) = self.props_of(o)
                    && let Some(p) = ps.last_mut()
                {
                    p.value.push(pair.0, pair.1);
                }
            }
            _ => {}
        }
    }
}

/// Reads the exchange file into its neutral form and gives it to `then` on the thread
/// that built it, the calling one: the memory the document gives back as `then` frees
/// it is in that thread's arena of the allocator, where `then`'s own allocations find
/// it again (on another thread they would take fresh pages, a page fault each: 211k
/// faults against 173k at 100k elements).
pub(crate) fn read_then<R, T, F>(mut input: R, file: &str, then: F) -> Result<T, Error>
where
    R: BufRead + Send,
    F: FnOnce(Doc) -> Result<T, Error>,
{
    // A UTF-16 file (XML allows one; Archi writes UTF-8) is named as such.
    if let Ok(start) = input.fill_buf()
        && let Some(e) = crate::error::utf16(
            file,
            start,
            "save the file as UTF-8 (Archi writes UTF-8) and import it again",
        )
    {
        return Err(e);
    }
    // The XML is read and checked on a second thread, its start tags read and the
    // document built on this one.
    // Only the elements `start` reads as a `Frame::Text` have texts it reads.
    let x = XmlIn::new(input, file)
        .texts_in(|local| matches!(local, "name" | "documentation" | "label" | "value"));
    piped(x, |x| {
        let mut doc = read_events(x, file)?;
        doc.has_organizations = true;
        // Without the slack of the lists' last doubling (up to half of a list of
        // 248-byte concepts); a large block shrinks in place.
        doc.elements.shrink_to_fit();
        doc.relationships.shrink_to_fit();
        then(doc)
    })
}

fn read_events(x: &mut Events, file: &str) -> Result<Doc, Error> {
    let mut r = Reader {
        doc: Doc::default(),
        problems: Vec::new(),
        defs: Vec::new(),
        prop_refs: Vec::new(),
        def_refs: Vec::new(),
        def_ref_ix: HashMap::default(),
        item_refs: Vec::new(),
        item_ids: String::new(),
        ends: Vec::new(),
        end_ids: String::new(),
        values: HashSet::default(),
        text: String::new(),
        text_lang: None,
        no_key: Arc::from(""),
    };
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        match x.next()? {
            Ev::Eof => break,
            Ev::Text => {
                if matches!(stack.last(), Some(Frame::Text(_))) {
                    r.text.push_str(x.text());
                }
            }
            Ev::End => {
                if let Some(Frame::Text(field)) = stack.pop()
                    && let Some(o) = r.owner(&stack)
                {
                    r.put_text(o, field, &mut stack);
                }
            }
            Ev::Start { ns, local, empty } => {
                let attrs = x.attrs();
                let at = x.at;
                let frame = if stack.is_empty() {
                    if ns.as_deref() != Some(NS) || local != "model" {
                        let found = match &ns {
                            Some(n) => format!("`{local}` in namespace `{n}`"),
                            None => format!("`{local}` in no namespace"),
                        };
                        return Err(Error::one(
                            x.problem(format!(
                                "not an ArchiMate exchange file: the root element is {found}"
                            ))
                            .help(Some(format!(
                                "the root must be `model` in namespace `{NS}`"
                            ))),
                        ));
                    }
                    r.doc.ident = attr(attrs, "identifier").unwrap_or("").to_owned();
                    Frame::Model
                } else if matches!(stack.last(), Some(Frame::Skip)) || ns.as_deref() != Some(NS) {
                    Frame::Skip
                } else {
                    start(&mut r, &mut stack, &local, attrs, at)
                };
                if let Frame::Text(_) = frame {
                    r.text.clear();
                    r.text_lang = lang(attrs);
                }
                if empty {
                    if let Frame::Text(field) = frame
                        && let Some(o) = r.owner(&stack)
                    {
                        r.put_text(o, field, &mut stack);
                    }
                } else {
                    stack.push(frame);
                }
            }
        }
    }
    finish(r, file)
}

/// The folder the innermost open item stands for (the top level when none), made from
/// the labels of the open items that have none yet: each item's folder is made once, so
/// reading deep organizations stays linear.
fn folder_of_items(doc: &mut Doc, stack: &mut [Frame]) -> usize {
    let mut open: Vec<usize> = Vec::new();
    let mut base = 0;
    for (i, f) in stack.iter().enumerate().rev() {
        if let Frame::Item { folder, .. } = f {
            match folder {
                Some(n) => {
                    base = *n;
                    break;
                }
                None => open.push(i),
            }
        }
    }
    for i in open.into_iter().rev() {
        if let Frame::Item { label, folder } = &mut stack[i] {
            base = doc.folder(base, label.clone().unwrap_or_default());
            *folder = Some(base);
        }
    }
    base
}

fn start(r: &mut Reader, stack: &mut [Frame], local: &str, attrs: &[Attr], at: Pos) -> Frame {
    if local == "item"
        && matches!(
            stack.last(),
            Some(Frame::List("organizations") | Frame::Item { .. })
        )
    {
        if let Some(id) = attr(attrs, "identifierRef") {
            let folder = folder_of_items(&mut r.doc, stack);
            let from = r.item_ids.len();
            r.item_ids.push_str(id);
            r.item_refs.push((from..r.item_ids.len(), at, folder));
        }
        return Frame::Item {
            label: None,
            folder: None,
        };
    }
    let stack: &[Frame] = stack;
    let parent = stack.last();
    let ident = || attr(attrs, "identifier").unwrap_or("").to_owned();
    match (parent, local) {
        (Some(Frame::Model), "elements") => Frame::List("elements"),
        (Some(Frame::Model), "relationships") => Frame::List("relationships"),
        (Some(Frame::Model), "organizations") => Frame::List("organizations"),
        (Some(Frame::Model), "propertyDefinitions") => Frame::List("propertyDefinitions"),
        (Some(Frame::Model), "views") => Frame::List("views"),
        (Some(Frame::List("views")), "diagrams") => Frame::List("diagrams"),
        (Some(Frame::List("elements")), "element") => {
            let typ = xsi_type(attrs).unwrap_or_default();
            let c = Concept {
                ident: Ident::new(attr(attrs, "identifier").unwrap_or("")),
                typ,
                at: Some(at).into(),
                ..Concept::default()
            };
            r.doc.elements.push(c);
            Frame::Owner(Owner::Element(r.doc.elements.len() - 1))
        }
        (Some(Frame::List("relationships")), "relationship") => {
            let mut c = Concept {
                ident: Ident::new(attr(attrs, "identifier").unwrap_or("")),
                typ: xsi_type(attrs).unwrap_or_default(),
                directed: attr(attrs, "isDirected")
                    .is_some_and(|v| v.trim() == "true" || v.trim() == "1"),
                at: Some(at).into(),
                ..Concept::default()
            };
            let (source, target) = (attr(attrs, "source"), attr(attrs, "target"));
            let (source, target) = (source.unwrap_or(""), target.unwrap_or(""));
            r.ends.push((r.end_ids.len(), source.len(), target.len()));
            r.end_ids.push_str(source);
            r.end_ids.push_str(target);
            if let Some(a) = attr(attrs, "accessType") {
                c.set_access(Some(a.to_owned()));
            }
            if let Some(m) = attr(attrs, "modifier") {
                c.set_modifier(Some(m.to_owned()));
            }
            r.doc.relationships.push(c);
            Frame::Owner(Owner::Relationship(r.doc.relationships.len() - 1))
        }
        (Some(Frame::List("propertyDefinitions")), "propertyDefinition") => {
            let t = attr(attrs, "type").unwrap_or("string").to_owned();
            r.defs.push((ident(), None, t, at));
            Frame::Owner(Owner::PropDef(r.defs.len() - 1))
        }
        (Some(Frame::List("diagrams")), "view") => {
            r.doc.diagrams.push(Diagram {
                ident: ident(),
                at: Some(at),
                ..Diagram::default()
            });
            Frame::Owner(Owner::View(r.doc.diagrams.len() - 1))
        }
        (Some(Frame::Owner(Owner::View(v) | Owner::Node(v, _))), "node") => {
            let v = *v;
            let parent = match parent {
                Some(Frame::Owner(Owner::Node(_, n))) => Some(*n),
                _ => None,
            };
            let num = |k: &str, r: &mut Reader| -> i64 {
                match attr(attrs, k).map(|s| s.trim().parse::<i64>()) {
                    Some(Ok(n)) => n,
                    Some(Err(_)) => {
                        r.problems.push(Problem::new(
                            "",
                            Some(at),
                            format!(
                                "node `{}`: `{k}` is not a whole number",
                                attr(attrs, "identifier").unwrap_or("")
                            ),
                        ));
                        0
                    }
                    None => 0,
                }
            };
            let node = Node {
                ident: ident(),
                element: attr(attrs, "elementRef").map(str::to_owned),
                x: num("x", r),
                y: num("y", r),
                w: num("w", r),
                h: num("h", r),
                parent,
                at: Some(at),
                ..Node::default()
            };
            let nodes = &mut r.doc.diagrams[v].nodes;
            nodes.push(node);
            Frame::Owner(Owner::Node(v, nodes.len() - 1))
        }
        (Some(Frame::Owner(Owner::View(v))), "connection") => {
            let v = *v;
            let c = Connection {
                ident: ident(),
                relationship: attr(attrs, "relationshipRef").map(str::to_owned),
                source: attr(attrs, "source").unwrap_or("").to_owned(),
                target: attr(attrs, "target").unwrap_or("").to_owned(),
                bendpoints: Vec::new(),
                at: Some(at),
            };
            r.doc.diagrams[v].connections.push(c);
            Frame::Connection(v, r.doc.diagrams[v].connections.len() - 1)
        }
        (Some(Frame::Connection(v, c)), "bendpoint") => {
            let p = |k| {
                attr(attrs, k)
                    .and_then(|s| s.trim().parse::<i64>().ok())
                    .unwrap_or(0)
            };
            r.doc.diagrams[*v].connections[*c]
                .bendpoints
                .push((p("x"), p("y")));
            Frame::Skip
        }
        (Some(Frame::Item { .. }), "label") => Frame::Text(Field::Label),
        (Some(Frame::Owner(Owner::Node(..))), "label") => Frame::Text(Field::Label),
        (Some(Frame::Model | Frame::Owner(_)), "name") => Frame::Text(Field::Name),
        (Some(Frame::Model | Frame::Owner(_)), "documentation") => Frame::Text(Field::Doc),
        (Some(Frame::Model | Frame::Owner(_)), "properties") => Frame::Properties,
        (Some(Frame::Properties), "property") => {
            let def = attr(attrs, "propertyDefinitionRef")
                .or_else(|| attr(attrs, "identifierRef"))
                .unwrap_or("");
            let no_key = Arc::clone(&r.no_key);
            if let Some(o) = r.owner(stack)
                && let Some(ps) = r.props_of(o)
            {
                // The key is set from the definition once definitions are read.
                ps.push(Prop {
                    key: no_key,
                    value: LangText::default(),
                });
                let i = ps.len() - 1;
                let d = match r.def_ref_ix.get(def) {
                    Some(d) => *d,
                    None => {
                        let d = u32::try_from(r.def_refs.len()).unwrap_or(u32::MAX);
                        r.def_refs.push(def.to_owned());
                        r.def_ref_ix.insert(def.to_owned(), d);
                        d
                    }
                };
                r.prop_refs.push((o, i, d, at));
            }
            Frame::Property
        }
        (Some(Frame::Property), "value") => Frame::Text(Field::Value),
        _ => Frame::Skip,
    }
}

/// What an identifier is given to, as bits (one identifier given twice has both).
const IS_ELEMENT: u8 = 1;
const IS_RELATIONSHIP: u8 = 2;
const IS_OTHER: u8 = 4;

/// Records `id` as seen, or gives the problem when it is empty or was seen before.
fn dup<'a>(
    id: &'a str,
    (at, is, position): (At, u8, u32),
    what: &str,
    seen: &mut SeenMap<'a>,
) -> Option<Problem> {
    if id.is_empty() {
        return Some(Problem::new(
            "",
            at.pos(),
            format!("{what} has no identifier"),
        ));
    }
    // One lookup per identifier: these lookups miss the cache at every size that matters.
    match seen.entry(id) {
        Entry::Occupied(mut o) => {
            let (first, was, _) = o.get_mut();
            *was |= is;
            let wh = first.pos().map_or(String::new(), |p| {
                format!(" (first at line {}:{})", p.line, p.column)
            });
            Some(Problem::new(
                "",
                at.pos(),
                format!("duplicate identifier `{id}`{wh}"),
            ))
        }
        Entry::Vacant(v) => {
            v.insert((at, is, position));
            None
        }
    }
}

/// Longest property value shared between properties, in bytes.
const SHARED_VALUE: usize = 32;
/// Most distinct property values shared; later ones are each their own string.
const SHARED_VALUES: usize = 4096;

/// Identifiers given, with where each was first given, to what (see [`dup`]) and its
/// position in [`given`]'s order (`u32::MAX` past that), which says which concept it
/// is ([`End::of_position`]).
/// Where each identifier was first given (as [`At`], 8 bytes: the maps are read at
/// random, so their size is their cost), what it was given to, and its place in
/// [`given`]'s order.
type SeenMap<'d> = HashMap<&'d str, (At, u8, u32)>;

/// Every identifier given, in two maps by [`half`], which two threads fill at once.
struct Seen<'d>([SeenMap<'d>; 2]);

impl Seen<'_> {
    fn get(&self, id: &str) -> Option<&(At, u8, u32)> {
        self.0[half(id)].get(id)
    }
}

/// Which of [`Seen`]'s maps holds `id`: from its last two bytes, which split numbered
/// identifiers evenly (any split is correct: an identifier is always in the same map).
fn half(id: &str) -> usize {
    let b = id.as_bytes();
    let last = b.last().copied().unwrap_or(0);
    let before = b.len().checked_sub(2).map_or(0, |i| b[i]);
    usize::from((last ^ before) & 1)
}

/// What is given an identifier, in the order of the checks: elements, relationships,
/// views (each with its nodes and connections), property definitions.
type Given<'d> = (&'d str, At, u8, &'static str);

fn given<'d>(
    doc: &'d Doc,
    defs: &'d [(String, Option<String>, String, Pos)],
) -> impl Iterator<Item = Given<'d>> + 'd {
    let elements = doc.elements.iter();
    let elements = elements.map(|c| (&*c.ident, c.at, IS_ELEMENT, "an element"));
    let relationships = doc.relationships.iter();
    let relationships = relationships.map(|c| (&*c.ident, c.at, IS_RELATIONSHIP, "a relationship"));
    let views = doc.diagrams.iter().flat_map(|d| {
        let view = (&*d.ident, At::from(d.at), IS_OTHER, "a view");
        let nodes = d
            .nodes
            .iter()
            .map(|n| (&*n.ident, At::from(n.at), IS_OTHER, "a node"));
        let connections = d.connections.iter();
        let connections =
            connections.map(|c| (&*c.ident, At::from(c.at), IS_OTHER, "a connection"));
        std::iter::once(view).chain(nodes).chain(connections)
    });
    let defs = defs.iter();
    let defs = defs.map(|(id, _, _, at)| {
        (
            id.as_str(),
            At::from(Some(*at)),
            IS_OTHER,
            "a property definition",
        )
    });
    elements.chain(relationships).chain(views).chain(defs)
}

/// The identifiers of one [`half`] (and, for the first, the empty ones), in order: the
/// map and the problems, each with the index of what it is about.
fn fill<'d>(
    given: impl Iterator<Item = Given<'d>>,
    which: usize,
    capacity: usize,
) -> (SeenMap<'d>, Vec<(usize, Problem)>) {
    let mut seen = HashMap::default();
    seen.reserve(capacity);
    let mut problems = Vec::new();
    for (i, (id, at, is, what)) in given.enumerate() {
        let mine = if id.is_empty() {
            which == 0
        } else {
            half(id) == which
        };
        let position = u32::try_from(i).unwrap_or(u32::MAX);
        if mine && let Some(p) = dup(id, (at, is, position), what, &mut seen) {
            problems.push((i, p));
        }
    }
    (seen, problems)
}

/// The concepts an identifier was given to: how many elements and relationships come
/// first in [`given`]'s order.
#[derive(Clone, Copy)]
struct Counts {
    elements: usize,
    relationships: usize,
}

impl Counts {
    /// The concept an identifier names, from what [`Seen`] has for it, if it is an
    /// element's or a relationship's.
    fn concept(self, &(_, is, position): &(At, u8, u32)) -> Option<End> {
        if is & (IS_ELEMENT | IS_RELATIONSHIP) == 0 {
            return None;
        }
        if position == u32::MAX {
            return Some(End::Unknown);
        }
        let p = usize::try_from(position).unwrap_or(usize::MAX);
        Some(End::of_position(p, self.elements, self.relationships))
    }
}

/// The ends of `rels` as resolved, and those that are no element or relationship (or
/// empty), in order.
type Ends<'d> = (Vec<[End; 2]>, Vec<(&'d Concept, &'static str, &'d str)>);

/// `rels` are the relationships and `spans` their ends in `ids` (see `Reader::ends`).
fn resolve_ends<'d>(
    rels: &'d [Concept],
    spans: &[(usize, usize, usize)],
    ids: &'d str,
    seen: &Seen<'_>,
    counts: Counts,
) -> Ends<'d> {
    let mut ends = Vec::with_capacity(rels.len());
    let mut bad = Vec::new();
    for (c, &(at, s, t)) in rels.iter().zip(spans) {
        let mut both = [End::Unknown; 2];
        let source = ids.get(at..at + s).unwrap_or("");
        let target = ids.get(at + s..at + s + t).unwrap_or("");
        for (slot, (end, id)) in both
            .iter_mut()
            .zip([("source", source), ("target", target)])
        {
            match seen.get(id).and_then(|v| counts.concept(v)) {
                Some(e) => *slot = e,
                None => bad.push((c, end, id)),
            }
        }
        ends.push(both);
    }
    (ends, bad)
}

fn finish(mut r: Reader, file: &str) -> Result<Doc, Error> {
    let mut problems = std::mem::take(&mut r.problems);
    let mut doc = r.doc;
    // Identifiers: unique over everything that has one (borrowed, not copied), checked
    // on two threads for a large model (the XML reading thread is idle by now), each
    // filling the map of one half of the identifiers.
    let concepts = doc.elements.len() + doc.relationships.len();
    let capacity = concepts / 2 + concepts / 16;
    let ((seen0, dups0), (seen1, dups1)) = if concepts >= crate::par::PARALLEL {
        // Where the system refuses a thread, both halves are filled here.
        ecograph_core::par::join(
            || fill(given(&doc, &r.defs), 0, capacity),
            || fill(given(&doc, &r.defs), 1, capacity),
        )
    } else {
        (
            fill(given(&doc, &r.defs), 0, capacity),
            fill(given(&doc, &r.defs), 1, capacity),
        )
    };
    // The problems in the order of one pass: an element's or a relationship's
    // identifier problem, then its type's.
    let mut ordered: Vec<(usize, u8, Problem)> = dups0
        .into_iter()
        .chain(dups1)
        .map(|(i, p)| (i, 0, p))
        .collect();
    for (i, c) in doc.elements.iter().enumerate() {
        if c.typ.is_empty() {
            ordered.push((
                i,
                1,
                Problem::new(
                    "",
                    c.at.pos(),
                    format!("element `{}` has no xsi:type", c.ident),
                ),
            ));
        } else if !types::is_element_type(&c.typ) {
            let names = types::ELEMENT_TYPES.iter().map(|(n, _)| *n);
            let help = closest(&c.typ, names).map(|s| format!("did you mean `{s}`?"));
            let msg = if types::is_relationship_type(&c.typ) {
                format!("element `{}` has relationship type `{}`", c.ident, c.typ)
            } else {
                format!(
                    "unknown element type `{}` (xsi:type of element `{}`)",
                    c.typ, c.ident
                )
            };
            ordered.push((i, 1, Problem::new("", c.at.pos(), msg).help(help)));
        }
    }
    let after = doc.elements.len();
    for (i, c) in doc.relationships.iter().enumerate() {
        if !types::is_relationship_type(&c.typ) {
            let help = closest(&c.typ, types::RELATIONSHIP_TYPES.iter().copied())
                .map(|s| format!("did you mean `{s}`?"));
            let msg = format!(
                "unknown relationship type `{}` (xsi:type of relationship `{}`)",
                c.typ, c.ident
            );
            ordered.push((after + i, 1, Problem::new("", c.at.pos(), msg).help(help)));
        }
    }
    ordered.sort_by_key(|(i, sub, _)| (*i, *sub));
    problems.extend(ordered.into_iter().map(|(_, _, p)| p));
    let seen = Seen([seen0, seen1]);
    let mut def_names: HashMap<&str, (Option<&str>, &str)> = HashMap::default();
    for (id, name, t, _) in &r.defs {
        def_names.insert(id.as_str(), (name.as_deref(), t.as_str()));
    }
    // References.
    let given_to = |id: &str, bits: u8| seen.get(id).is_some_and(|(_, is, _)| is & bits != 0);
    // The identifiers suggestions come from, listed only when one is needed.
    let (elements, relationships) = (&doc.elements, &doc.relationships);
    let mut suggestions = Suggestions::default();
    let mut suggest = |id: &str| -> Option<String> {
        let concept_ids = elements.iter().chain(relationships).map(|c| &*c.ident);
        suggestions.closest(id, concept_ids)
    };
    // The ends of every relationship: 1.4M look-ups that miss the cache for a
    // 100k-element model, split between two threads (the XML reading thread is idle by
    // now); the problems are then made in order.
    // Each end is kept as the concept it names, for the mapping.
    let rels = &doc.relationships[..];
    let counts = Counts {
        elements: doc.elements.len(),
        relationships: rels.len(),
    };
    let spans = &r.ends[..];
    let (ends, bad) = crate::par::in_halves(
        rels,
        |from, half| {
            let spans = spans.get(from..).unwrap_or(&[]);
            resolve_ends(half, spans, &r.end_ids, &seen, counts)
        },
        |a, b| {
            a.0.extend(b.0);
            a.1.extend(b.1);
        },
    );
    for (c, end, id) in bad {
        {
            if id.is_empty() {
                problems.push(Problem::new(
                    "",
                    c.at.pos(),
                    format!("relationship `{}` has no {end}", c.ident),
                ));
            } else {
                problems.push(
                    Problem::new(
                        "",
                        c.at.pos(),
                        format!("relationship `{}` has {end} `{id}`, which is no element or relationship", c.ident),
                    )
                    .help(suggest(id)),
                );
            }
        }
    }
    for d in &doc.diagrams {
        let nodes: HashSet<&str> = d.nodes.iter().map(|n| &*n.ident).collect();
        let connections: HashSet<&str> = d.connections.iter().map(|c| &*c.ident).collect();
        for n in &d.nodes {
            if let Some(e) = &n.element
                && !given_to(e, IS_ELEMENT)
            {
                problems.push(
                    Problem::new(
                        "",
                        n.at,
                        format!("node `{}` shows `{e}`, which is no element", n.ident),
                    )
                    .help(suggest(e)),
                );
            }
        }
        for c in &d.connections {
            if let Some(rel) = &c.relationship
                && !given_to(rel, IS_RELATIONSHIP)
            {
                problems.push(
                    Problem::new(
                        "",
                        c.at,
                        format!(
                            "connection `{}` shows `{rel}`, which is no relationship",
                            c.ident
                        ),
                    )
                    .help(suggest(rel)),
                );
            }
            for id in [&c.source, &c.target] {
                if !nodes.contains(id.as_str()) && !connections.contains(id.as_str()) {
                    problems.push(Problem::new(
                        "",
                        c.at,
                        format!(
                            "connection `{}` ends at `{id}`, which is no node of view `{}`",
                            c.ident, d.ident
                        ),
                    ));
                }
            }
        }
    }
    // The folder of each element and relationship: the first item that refers to it.
    let mut element_folder: Vec<Option<u32>> = vec![None; counts.elements];
    let mut relationship_folder: Vec<Option<u32>> = vec![None; counts.relationships];
    // One look-up per item (800k at 100k elements, on two threads like the ends),
    // then the folders and problems in order.
    let found = crate::par::in_halves(
        &r.item_refs,
        |_, half| {
            let ids = half
                .iter()
                .map(|(id, _, _)| r.item_ids.get(id.clone()).unwrap_or(""));
            let found = ids.map(|id| seen.get(id).map(|g| counts.concept(g)));
            found.collect::<Vec<_>>()
        },
        |a, b| a.extend(b),
    );
    for ((id, at, folder), found) in r.item_refs.iter().zip(found) {
        let Some(concept) = found else {
            let id = r.item_ids.get(id.clone()).unwrap_or("");
            problems.push(Problem::new(
                "",
                Some(*at),
                format!("folder item refers to `{id}`, which is not in the model"),
            ));
            continue;
        };
        let slot = match concept {
            Some(End::Element(i)) => element_folder.get_mut(i as usize),
            Some(End::Relationship(i)) => relationship_folder.get_mut(i as usize),
            _ => None,
        };
        if let Some(slot) = slot
            && slot.is_none()
        {
            *slot = u32::try_from(*folder).ok();
        }
    }
    // Property definitions: names and non-string types.
    let mut keys: Vec<Option<Arc<str>>> = vec![None; r.def_refs.len()];
    // Each definition referred to, looked up once (a file names a handful from a
    // million properties).
    let defs: Vec<Option<(Option<&str>, &str)>> = r
        .def_refs
        .iter()
        .map(|def| def_names.get(def.as_str()).copied())
        .collect();
    for (o, i, d, at) in &r.prop_refs {
        let def = r.def_refs.get(*d as usize).map_or("", String::as_str);
        let Some(Some((name, t))) = defs.get(*d as usize) else {
            problems.push(Problem::new(
                "",
                Some(*at),
                format!("property refers to `{def}`, which is no property definition"),
            ));
            continue;
        };
        // One key per definition referred to, shared by its properties.
        let key = match keys.get(*d as usize) {
            Some(Some(k)) => Arc::clone(k),
            _ => {
                // The name is the key, the empty one too (a model may have it, and
                // the exporter writes it as an empty name); a definition without a
                // name, which the schema does not allow, is keyed by its identifier.
                // Archi's specialization is known by its definition's identifier.
                let k: Arc<str> = if def == SPECIALIZATION_DEF {
                    A_SPECIALIZATION
                } else {
                    name.unwrap_or(def)
                }
                .into();
                if let Some(slot) = keys.get_mut(*d as usize) {
                    *slot = Some(Arc::clone(&k));
                }
                k
            }
        };
        if *t != "string" && doc.prop_types.get(&*key).map(String::as_str) != Some(*t) {
            doc.prop_types.insert(key.to_string(), (*t).to_owned());
        }
        let ps = match o {
            Owner::Model => &mut doc.props,
            Owner::Element(e) => &mut doc.elements[*e].props,
            Owner::Relationship(e) => &mut doc.relationships[*e].props,
            Owner::View(e) => &mut doc.diagrams[*e].props,
            _ => continue,
        };
        if let Some(p) = ps.get_mut(*i) {
            p.key = key;
        }
    }
    for p in &mut problems {
        p.file = file.to_owned();
    }
    problems.sort_by_key(|p| (p.line, p.column));
    if problems.is_empty() {
        doc.ends = ends;
        doc.element_folder = element_folder;
        doc.relationship_folder = relationship_folder;
        Ok(doc)
    } else {
        Err(Error::Invalid { problems })
    }
}
