//! Turns the file as written ([`crate::raw`]) into a [`Model`], collecting every problem.

use crate::diag::{Diagnostic, Diagnostics, JsonPath, Severity};
use crate::kind::list_kinds;
use crate::model::{
    ElementData, ElementId, FxMap, IdIndex, Model, RelationData, RelationMore, graph_for,
};
use crate::raw::{self, Field, Found, Loose, Num, RawDoc, RawRelation, RawText, Str, fields};
use crate::suggest::closest;
use crate::time::{Duration, Period};
use crate::view::{Collapse, LayoutDirection, Selector, View};
use crate::{ElementKind, RelationKind, Status, Text};
use std::collections::{HashMap, HashSet};

/// How many unknown-id errors get a did-you-mean suggestion: each one scans every id.
const SUGGESTION_BUDGET: usize = 200;

/// Lists up to this long are searched item by item; longer ones are looked up.
const FEW: usize = 8;

/// Items a message lists before it says how many more there are.
const LISTED: usize = 10;

/// `items` shown by `show`, joined by commas: the first [`LISTED`] and how many more.
fn listed<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    listed_of(items, items.len(), show)
}

/// [`listed`] of `total` items of which `first` are the first (at least [`LISTED`] of
/// them, or all).
fn listed_of<T>(first: &[T], total: usize, show: impl Fn(&T) -> String) -> String {
    let mut out: Vec<String> = first.iter().take(LISTED).map(show).collect();
    if total > LISTED {
        out.push(format!("and {} more", total - LISTED));
    }
    out.join(", ")
}

/// Relations validated together (see [`Validation::relation_batch`]).
pub(crate) const BATCH: usize = 256;

pub(crate) struct Validator {
    diags: Vec<Diagnostic>,
    languages: Vec<String>,
    /// The same codes, shared by every translated text.
    shared_languages: Vec<std::sync::Arc<str>>,
    /// Each code's place in `languages`, made once a text is checked against many.
    language_places: HashMap<Box<str>, usize>,
    suggestions_left: usize,
}

fn err(code: &'static str, path: JsonPath, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Severity::Error, code, path, msg)
}

fn warn(code: &'static str, path: JsonPath, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Severity::Warning, code, path, msg)
}

/// "an `actor`", "a `task`".
fn a(kind: ElementKind) -> String {
    let article = if kind.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{kind}`")
}

pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut b = id.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-'))
}

const PERIOD_HELP: &str = "write a year `2023`, a half `2023-H2`, a quarter `2023-Q3`, a month `2023-06` or a day `2023-06-15`";
const DURATION_HELP: &str = "write a whole number and a unit: `10d`, `2w`, `3m` or `1y`";

impl Validator {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn wrong_type(&mut self, path: JsonPath, expected: &str, found: Found) {
        self.push(err(
            "type",
            path,
            format!("expected {expected}, found {found}"),
        ));
    }

    fn extra(&mut self, extra: &raw::Extra<'_>, path: &JsonPath, known: &[&str], what: &str) {
        for k in &extra.unknown {
            let d = err(
                "unknown-field",
                path.key_dyn(k),
                format!("unknown field `{k}` in {what}"),
            )
            .at_key()
            .suggest(closest(k, known.iter().copied()).map(|s| format!("did you mean `{s}`?")))
            .note(format!(
                "the fields of {what} are {}",
                known
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            self.push(d);
        }
        for k in &extra.repeated {
            self.push(
                err(
                    "repeated-field",
                    path.key_dyn(k),
                    format!("field `{k}` is given more than once in {what}"),
                )
                .at_key(),
            );
        }
    }

    fn string<'r>(
        &mut self,
        f: &'r Field<Str<'_>>,
        path: &JsonPath,
        key: &'static str,
        required: Option<&str>,
    ) -> Option<&'r str> {
        match f {
            None => {
                if let Some(what) = required {
                    self.push(err(
                        "missing-field",
                        path.clone(),
                        format!("{what} has no `{key}`"),
                    ));
                }
                None
            }
            Some(Err(found)) => {
                self.wrong_type(path.key(key), "a string", *found);
                None
            }
            Some(Ok(s)) => Some(s),
        }
    }

    fn strings<'r>(
        &mut self,
        f: &'r Field<Vec<Loose<Str<'_>>>>,
        path: &JsonPath,
    ) -> Vec<(&'r str, JsonPath)> {
        let mut out = Vec::new();
        match f {
            None => {}
            Some(Err(found)) => self.wrong_type(path.clone(), "a list of strings", *found),
            Some(Ok(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Ok(s) => out.push((&**s, path.index(i))),
                        Err(found) => self.wrong_type(path.index(i), "a string", *found),
                    }
                }
            }
        }
        out
    }

    fn tags(&mut self, f: &Field<Vec<Loose<Str<'_>>>>, parent: &JsonPath) -> Box<[Box<str>]> {
        if f.is_none() {
            return Box::default();
        }
        self.strings(f, &parent.key("tags"))
            .into_iter()
            .map(|(s, p)| {
                if s.trim().is_empty() {
                    self.push(err("empty-tag", p, "a tag is empty"));
                }
                Box::from(s)
            })
            .collect()
    }

    fn properties(
        &mut self,
        f: &Field<Vec<(Str<'_>, Loose<Str<'_>>)>>,
        parent: &JsonPath,
    ) -> Box<[(Box<str>, Box<str>)]> {
        if f.is_none() {
            return Box::default();
        }
        let path = &parent.key("properties");
        let mut out: Vec<(Box<str>, Box<str>)> = Vec::new();
        match f {
            None => {}
            Some(Err(found)) => {
                self.wrong_type(path.clone(), "an object from string to string", *found)
            }
            Some(Ok(pairs)) => {
                // Membership only: the set is never iterated, so its order reaches nothing.
                let mut seen: std::collections::HashSet<&str> =
                    std::collections::HashSet::with_capacity(pairs.len());
                for (k, v) in pairs {
                    match v {
                        Ok(v) => {
                            if !seen.insert(&**k) {
                                self.push(
                                    err(
                                        "repeated-field",
                                        path.key_dyn(k),
                                        format!("property `{k}` is given more than once"),
                                    )
                                    .at_key(),
                                );
                            } else {
                                out.push((Box::from(&**k), Box::from(&**v)));
                            }
                        }
                        Err(found) => self.wrong_type(path.key_dyn(k), "a string", *found),
                    }
                }
            }
        }
        out.sort();
        out.into_boxed_slice()
    }

    /// The place of `lang` among the model's languages: searched when they are few,
    /// else looked up.
    fn language_at(&mut self, lang: &str) -> Option<usize> {
        if self.languages.len() <= FEW {
            return self.languages.iter().position(|l| l == lang);
        }
        if self.language_places.len() != self.languages.len() {
            self.language_places = (self.languages.iter().enumerate())
                .map(|(i, l)| (Box::from(l.as_str()), i))
                .collect();
        }
        self.language_places.get(lang).copied()
    }

    /// What to do about `lang`, which is no language of the model: the closest one,
    /// while the budget of suggestions lasts (each is a search of every language).
    fn language_suggestion(&mut self, lang: &str) -> String {
        let closest = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            closest(lang, self.languages.iter().map(String::as_str))
        } else {
            None
        };
        match closest {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("add `{lang}` to the model's `languages`"),
        }
    }

    /// Validates a text; `owner` names the element/relation/view for messages.
    fn text(
        &mut self,
        f: &Field<RawText<'_>>,
        path: &JsonPath,
        key: &'static str,
        owner: Option<&str>,
        required: bool,
    ) -> Option<Text> {
        let p = || path.key(key);
        let id_of = |d: Diagnostic| match owner {
            Some(o) => d.id(o),
            None => d,
        };
        let raw = match f {
            None => {
                if required {
                    let what = owner.map_or("this".to_owned(), |o| format!("`{o}`"));
                    let d = id_of(err(
                        "missing-field",
                        path.clone(),
                        format!("{what} has no `{key}`"),
                    ));
                    self.push(d);
                }
                return None;
            }
            Some(Err(found)) => {
                self.wrong_type(p(), "a string or an object from language to string", *found);
                return None;
            }
            Some(Ok(t)) => t,
        };
        let text = match raw {
            RawText::Plain(s) => {
                if self.languages.len() > 1 && !s.trim().is_empty() {
                    let d = id_of(warn(
                        "missing-translation",
                        p(),
                        format!(
                            "`{key}` is given only in the default language `{}`",
                            self.languages[0]
                        ),
                    ))
                    .suggest(Some(format!(
                        "write `{{\"{}\": ..., \"{}\": ...}}`",
                        self.languages[0], self.languages[1]
                    )));
                    self.push(d);
                }
                Text::plain(&**s)
            }
            RawText::Map(pairs) => {
                // The values in known languages: (the language's place, the value).
                let mut ok: Vec<(usize, &str)> = Vec::with_capacity(pairs.len());
                // The places given so far, once there are too many to search.
                let mut given: HashSet<usize> = HashSet::new();
                for (lang, v) in pairs {
                    let v = match v {
                        Ok(v) => v,
                        Err(found) => {
                            self.wrong_type(p().key_dyn(lang), "a string", *found);
                            continue;
                        }
                    };
                    let Some(at) = self.language_at(lang) else {
                        let d = id_of(err(
                            "unknown-language",
                            p().key_dyn(lang),
                            format!(
                                "language `{lang}` is not one of the model's languages ({})",
                                listed(&self.languages, |l| l.to_owned())
                            ),
                        ))
                        .at_key()
                        .suggest(Some(self.language_suggestion(lang)));
                        self.push(d);
                        continue;
                    };
                    let repeated = if ok.len() < FEW {
                        ok.iter().any(|(l, _)| *l == at)
                    } else {
                        if given.is_empty() {
                            given.extend(ok.iter().map(|(l, _)| *l));
                        }
                        !given.insert(at)
                    };
                    if repeated {
                        let d = id_of(err(
                            "repeated-field",
                            p().key_dyn(lang),
                            format!("language `{lang}` is given more than once in `{key}`"),
                        ))
                        .at_key();
                        self.push(d);
                    } else {
                        ok.push((at, v));
                    }
                }
                if !ok.iter().any(|(l, _)| *l == 0) {
                    let default = self.languages[0].clone();
                    let d = id_of(err(
                        "missing-default-language",
                        p(),
                        format!("`{key}` has no value in the default language `{default}`"),
                    ));
                    self.push(d);
                    return None;
                }
                // In the model's order; each language once.
                ok.sort_by_key(|(l, _)| *l);
                if ok.len() < self.languages.len() {
                    // Only the missing languages the message names are looked for: the
                    // whole list for every text took the texts times the languages (10^9
                    // steps for a 2.8 MB file of 31,623 of each).
                    let mut present = ok.iter().map(|(l, _)| *l).peekable();
                    let missing: Vec<&str> = (0..self.languages.len())
                        .filter(|l| {
                            if present.peek() == Some(l) {
                                present.next();
                                false
                            } else {
                                true
                            }
                        })
                        .take(LISTED)
                        .map(|l| self.languages[l].as_str())
                        .collect();
                    let total = self.languages.len() - ok.len();
                    let d = id_of(warn(
                        "missing-translation",
                        p(),
                        format!(
                            "`{key}` has no translation to {}",
                            listed_of(&missing, total, |m| format!("`{m}`"))
                        ),
                    ))
                    .suggest(Some(format!(
                        "the default language `{}` is shown instead",
                        self.languages[0]
                    )));
                    self.push(d);
                }
                if self.shared_languages.len() != self.languages.len() {
                    self.shared_languages = self
                        .languages
                        .iter()
                        .map(|l| std::sync::Arc::from(l.as_str()))
                        .collect();
                }
                Text::from_shared(
                    ok.into_iter()
                        .map(|(l, v)| (self.shared_languages[l].clone(), Box::from(v)))
                        .collect(),
                )
            }
        };
        if required && text.values().all(|v| v.trim().is_empty()) {
            let d = id_of(err("empty-name", p(), format!("`{key}` is empty")));
            self.push(d);
        }
        Some(text)
    }

    fn kind<T: Copy>(
        &mut self,
        s: &str,
        path: impl FnOnce() -> JsonPath,
        what: &str,
        parse: fn(&str) -> Option<T>,
        names: impl Iterator<Item = &'static str> + Clone,
        id: Option<&str>,
    ) -> Option<T> {
        if let Some(k) = parse(s) {
            return Some(k);
        }
        let all = names
            .clone()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = err("unknown-kind", path(), format!("unknown {what} `{s}`"))
            .suggest(closest(s, names).map(|c| format!("did you mean `{c}`?")))
            .note(format!("expected one of {all}"));
        if let Some(id) = id {
            d = d.id(id);
        }
        self.push(d);
        None
    }

    fn period(
        &mut self,
        f: &Field<Str<'_>>,
        path: &JsonPath,
        key: &'static str,
        id: &str,
    ) -> Option<Period> {
        let s = self.string(f, path, key, None)?;
        let p = Period::parse(s);
        if p.is_none() {
            let d = err(
                "bad-period",
                path.key(key),
                format!("`{s}` is not a period"),
            )
            .id(id)
            .suggest(Some(PERIOD_HELP.into()));
            self.push(d);
        }
        p
    }

    fn unknown_element(&mut self, path: JsonPath, id: &str, role: &str, index: &IdIndex) {
        self.unknown_element_but(path, id, role, index, None);
    }

    /// [`Validator::unknown_element`], never suggesting `not`: the element that refers
    /// (a parent of itself would be a cycle) or a relation's other end (a self-loop).
    fn unknown_element_but(
        &mut self,
        path: JsonPath,
        id: &str,
        role: &str,
        index: &IdIndex,
        not: Option<&str>,
    ) {
        let suggestion = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            closest(id, index.ids().filter(|c| Some(*c) != not))
                .map(|s| format!("did you mean `{s}`?"))
        } else {
            None
        };
        self.push(
            err(
                "unknown-element",
                path,
                format!("unknown element `{id}` in {role}"),
            )
            .id(id)
            .suggest(suggestion),
        );
    }
}

/// Validates a parsed document.
/// Validation in three steps, so that relations can be checked while they are parsed
/// (the file need not be held as raw relations first): [`Validation::head`] takes the
/// languages and elements, [`Validation::relation`] one relation at a time, and
/// [`Validation::finish`] the rest of the document.
pub(crate) struct Validation {
    v: Validator,
    elements: Vec<ElementData>,
    element_paths: Vec<usize>,
    index: IdIndex,
    /// Ids that are defined but broken: references to them are not reported again.
    broken: HashSet<Box<str>>,
    relations: Vec<RelationData>,
    relation_paths: Vec<usize>,
    relation_ids: FxMap<Box<str>, usize>,
    head_done: bool,
    /// `relations`, made once: paths are built for every relation.
    rp: JsonPath,
}

impl Validation {
    pub(crate) fn new() -> Validation {
        Validation {
            v: Validator {
                diags: Vec::new(),
                languages: Vec::new(),
                shared_languages: Vec::new(),
                language_places: HashMap::new(),
                suggestions_left: SUGGESTION_BUDGET,
            },
            elements: Vec::new(),
            element_paths: Vec::new(),
            index: IdIndex::with_capacity(0),
            broken: HashSet::new(),
            relations: Vec::new(),
            relation_paths: Vec::new(),
            relation_ids: FxMap::default(),
            head_done: false,
            rp: JsonPath::default().key("relations"),
        }
    }

    /// The document is not an object at all.
    pub(crate) fn not_an_object(mut self, found: Found) -> (Option<Model>, Vec<Diagnostic>) {
        self.v.wrong_type(
            JsonPath::default(),
            "a JSON object (an ecograph model)",
            found,
        );
        (None, self.v.diags)
    }

    /// Languages and elements: everything that relations need. Runs once.
    pub(crate) fn head(&mut self, doc: &RawDoc<'_>) {
        if std::mem::replace(&mut self.head_done, true) {
            return;
        }
        let Validation {
            v,
            elements,
            element_paths,
            index,
            broken,
            ..
        } = self;
        let root = JsonPath::default();
        // Languages come first: every text depends on them.
        let lp = root.key("languages");
        let mut listed_once: HashSet<&str> = HashSet::new();
        for (lang, p) in v.strings(&doc.languages, &lp) {
            let valid = !lang.is_empty()
                && lang.len() <= 35
                && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !valid {
                v.push(
                    err(
                        "bad-language",
                        p,
                        format!("`{lang}` is not a language code"),
                    )
                    .suggest(Some("use a code such as `fi` or `en-GB`".into())),
                );
            } else if !listed_once.insert(lang) {
                v.push(err(
                    "duplicate-language",
                    p,
                    format!("language `{lang}` is listed twice"),
                ));
            } else {
                v.languages.push(lang.to_owned());
            }
        }
        if matches!(&doc.languages, Some(Ok(l)) if l.is_empty()) {
            v.push(
                err("bad-language", lp, "`languages` is empty")
                    .suggest(Some("list at least one language, e.g. `[\"en\"]`".into())),
            );
        }
        if v.languages.is_empty() {
            v.languages.push("en".into());
        }
        let elements_raw = list(v, &doc.elements, &root, "elements", "a list of elements");
        // Elements: everything that does not need other elements.
        elements.reserve(elements_raw.len());
        element_paths.reserve(elements_raw.len());
        // Parents are resolved once every id is known.
        let mut pending: Vec<Option<(&str, usize)>> = Vec::with_capacity(elements_raw.len());
        // Parents of elements left out of the model (checked for existence only).
        let mut unplaced: Vec<(&str, usize)> = Vec::new();
        *index = IdIndex::with_capacity(elements_raw.len());
        let ep = root.key("elements");
        for (i, raw) in elements_raw.iter().enumerate() {
            if i % BATCH == 0 {
                // The slots these ids go to, touched together (see `relation_batch`).
                let ids = elements_raw[i..]
                    .iter()
                    .take(BATCH)
                    .filter_map(|r| match r {
                        Ok(raw::RawElement {
                            id: Some(Ok(id)), ..
                        }) => Some(&**id),
                        _ => None,
                    });
                std::hint::black_box(index.touch_all(ids));
            }
            let path = ep.index(i);
            let raw = match raw {
                Ok(r) => r,
                Err(found) => {
                    v.wrong_type(path, "an element object", *found);
                    continue;
                }
            };
            let no_more = raw::RawElementMore::default();
            let more = raw.more.as_deref().unwrap_or(&no_more);
            v.extra(&more.extra, &path, fields::ELEMENT, "an element");
            let id = v.string(&raw.id, &path, "id", Some("an element"));
            let id_ok = match id {
                Some(id) if !is_valid_id(id) => {
                    v.push(
                    err("bad-id", path.key("id"), format!("`{id}` is not a valid id"))
                        .id(id)
                        .suggest(Some("an id starts with a letter or digit and has only letters, digits, `_`, `.`, `:` and `-`".into())),
                );
                    false
                }
                Some(_) => true,
                None => false,
            };
            let kind = v
                .string(
                    &raw.kind,
                    &path,
                    "kind",
                    Some(
                        if raw.kind.is_some() {
                            String::new()
                        } else {
                            id.map_or("an element".to_owned(), |i| format!("element `{i}`"))
                        }
                        .as_str(),
                    ),
                )
                .and_then(|k| {
                    v.kind(
                        k,
                        || path.key("kind"),
                        "element kind",
                        ElementKind::parse,
                        ElementKind::names(),
                        id,
                    )
                });
            let shown_id = id.unwrap_or("?");
            let name = v.text(&raw.name, &path, "name", Some(shown_id), true);
            let description = v.text(
                &more.description,
                &path,
                "description",
                Some(shown_id),
                false,
            );
            let tags = v.tags(&more.tags, &path);
            let properties = v.properties(&more.properties, &path);
            let is_task = kind == Some(ElementKind::Task);
            if let Some(k) = kind.filter(|k| *k != ElementKind::Task) {
                for (key, present) in [
                    ("status", raw.status.is_some()),
                    ("start", raw.start.is_some()),
                    ("end", raw.end.is_some()),
                ] {
                    if present {
                        v.push(
                            err(
                                "field-not-allowed",
                                path.key(key),
                                format!("`{key}` is only for tasks, and `{shown_id}` is {}", a(k)),
                            )
                            .at_key()
                            .id(shown_id)
                            .suggest(Some(format!(
                                "remove `{key}`, or make `{shown_id}` a `task`"
                            ))),
                        );
                    }
                }
            }
            let status = v.string(&raw.status, &path, "status", None).and_then(|s| {
                v.kind(
                    s,
                    || path.key("status"),
                    "status",
                    Status::parse,
                    Status::names(),
                    id,
                )
            });
            let start = v.period(&raw.start, &path, "start", shown_id);
            let end = v.period(&raw.end, &path, "end", shown_id);
            if let (Some(s), Some(e)) = (start, end)
                && e.last_day() < s.first_day()
            {
                v.push(
                    err(
                        "end-before-start",
                        path.key("end"),
                        format!(
                            "`{shown_id}` ends ({e}, {}) before it starts ({s}, {})",
                            e.last_day(),
                            s.first_day()
                        ),
                    )
                    .id(shown_id),
                );
            }
            let parent = v.string(&raw.parent, &path, "parent", None).map(|p| (p, i));
            match (id, kind) {
                (Some(id), Some(kind)) if id_ok => {
                    if let Err(first) = index.insert(id, kind) {
                        v.push(
                            err(
                                "duplicate-id",
                                path.key("id"),
                                format!("element id `{id}` is used twice"),
                            )
                            .id(id)
                            .note(format!(
                                "first defined at elements[{}]",
                                element_paths[first as usize]
                            )),
                        );
                        unplaced.extend(parent);
                        continue;
                    }
                    element_paths.push(i);
                    pending.push(parent);
                    elements.push(ElementData {
                        id: ElementId::from(id),
                        kind,
                        name: name.unwrap_or_else(|| Text::plain(id)),
                        description,
                        parent: None,
                        tags,
                        properties,
                        status: status.filter(|_| is_task),
                        start: start.filter(|_| is_task),
                        end: end.filter(|_| is_task),
                    });
                }
                (Some(id), _) => {
                    broken.insert(Box::from(id));
                    unplaced.extend(parent);
                }
                _ => unplaced.extend(parent),
            }
        }

        // Containment.
        for (ix, p) in pending.iter().enumerate() {
            let Some((pid, raw_i)) = *p else { continue };
            let ppath = || ep.index(raw_i).key("parent");
            let Some(pix) = index.get(pid) else {
                if !broken.contains(pid) {
                    let child = elements[ix].id.as_str();
                    v.unknown_element_but(ppath(), pid, "`parent`", index, Some(child));
                }
                continue;
            };
            let (child, parent) = (&elements[ix], &elements[pix as usize]);
            if parent.kind != child.kind && parent.kind != ElementKind::Group {
                v.push(
                    err(
                        "parent-kind",
                        ppath(),
                        format!(
                            "`{}`, {}, cannot be inside `{pid}`, {}",
                            child.id,
                            a(child.kind),
                            a(parent.kind)
                        ),
                    )
                    .id(child.id.as_str())
                    .suggest(Some(format!(
                        "a parent has the same kind as its child (`{}`) or is a `group`",
                        child.kind
                    ))),
                );
                continue;
            }
            elements[ix].parent = Some(pix);
        }
        // The parents of elements that are not in the model (a bad id or kind, an id used
        // twice): an unknown one is reported now too, not only once the element is fixed.
        for &(pid, raw_i) in &unplaced {
            if index.get(pid).is_none() && !broken.contains(pid) {
                v.unknown_element(ep.index(raw_i).key("parent"), pid, "`parent`", index);
            }
        }
        parent_cycles(v, elements, element_paths, &ep);
    }

    /// Reserves room for the relations to come.
    pub(crate) fn expect_relations(&mut self, n: usize) {
        self.relations.reserve(n);
        self.relation_paths.reserve(n);
    }

    /// The value of `relations` is not a list.
    pub(crate) fn relations_not_a_list(&mut self, found: Found) {
        self.v.wrong_type(
            JsonPath::default().key("relations"),
            "a list of relations",
            found,
        );
    }

    /// Checks relations `first..first + batch.len()`.
    pub(crate) fn relation_batch(&mut self, first: usize, batch: &[Loose<RawRelation<'_>>]) {
        let (known, mut kept) = self.split();
        known.batch(&mut kept, first, batch);
    }

    /// What checking a relation reads, and what it adds to.
    fn split(&mut self) -> (Known<'_>, Kept<'_>) {
        let Validation {
            v,
            elements,
            index,
            broken,
            relations,
            relation_paths,
            relation_ids,
            rp,
            ..
        } = self;
        (
            Known {
                elements,
                index,
                broken,
                rp,
            },
            Kept {
                v,
                relations,
                relation_paths,
                relation_ids,
            },
        )
    }
}

/// What checking a relation reads: the elements and their ids, which no relation
/// changes.
struct Known<'a> {
    elements: &'a [ElementData],
    index: &'a IdIndex,
    broken: &'a HashSet<Box<str>>,
    rp: &'a JsonPath,
}

/// What checking relations adds to: the problems, the relations kept with their places
/// in the file, and the relation ids given so far.
struct Kept<'a> {
    v: &'a mut Validator,
    relations: &'a mut Vec<RelationData>,
    relation_paths: &'a mut Vec<usize>,
    relation_ids: &'a mut FxMap<Box<str>, usize>,
}

impl Known<'_> {
    /// Checks relations `first..first + batch.len()` into `kept`. The id-index slots of
    /// all their endpoints are touched first, so their cache misses overlap.
    fn batch(&self, kept: &mut Kept<'_>, first: usize, batch: &[Loose<RawRelation<'_>>]) {
        // Every id the batch looks up: both ends and the data a flow carries.
        let ids = batch.iter().flatten().flat_map(|raw| {
            let data: &[Loose<Str<'_>>] = match raw.more.as_deref().map(|m| &m.data) {
                Some(Some(Ok(d))) => d,
                _ => &[],
            };
            [&raw.from, &raw.to]
                .into_iter()
                .filter_map(|end| match end {
                    Some(Ok(id)) => Some(&**id),
                    _ => None,
                })
                .chain(data.iter().filter_map(|d| d.as_deref().ok()))
        });
        std::hint::black_box(self.index.touch_all(ids));
        for (k, raw) in batch.iter().enumerate() {
            self.relation(kept, first + k, raw);
        }
    }

    /// Checks relation `j` (its position in the file) and keeps it if it is valid.
    fn relation(&self, kept: &mut Kept<'_>, j: usize, raw: &Loose<RawRelation<'_>>) {
        let Known {
            elements,
            index,
            broken,
            rp,
        } = *self;
        let Kept {
            v,
            relations,
            relation_paths,
            relation_ids,
        } = kept;
        let no_more = raw::RawRelationMore::default();
        // The path is only needed for diagnostics: build it on first use.
        let path_cell = std::cell::OnceCell::new();
        let path = || path_cell.get_or_init(|| rp.index(j));
        let raw: &RawRelation<'_> = match raw {
            Ok(r) => r,
            Err(found) => {
                v.wrong_type(path().clone(), "a relation object", *found);
                return;
            }
        };
        let more = raw.more.as_deref().unwrap_or(&no_more);
        if !more.extra.unknown.is_empty() || !more.extra.repeated.is_empty() {
            v.extra(&more.extra, path(), fields::RELATION, "a relation");
        }
        let rid = if more.id.is_some() {
            v.string(&more.id, path(), "id", None)
        } else {
            None
        };
        let mut valid = true;
        if let Some(rid) = rid {
            if !is_valid_id(rid) {
                v.push(
                    err(
                        "bad-id",
                        path().key("id"),
                        format!("`{rid}` is not a valid relation id"),
                    )
                    .id(rid),
                );
                valid = false;
            } else if let Some(first) = relation_ids.insert(Box::from(rid), j) {
                v.push(
                    err(
                        "duplicate-id",
                        path().key("id"),
                        format!("relation id `{rid}` is used twice"),
                    )
                    .id(rid)
                    .note(format!("first defined at relations[{first}]")),
                );
                valid = false;
            }
        }
        let kind = match &raw.kind {
            Some(Ok(k)) => Some(&**k),
            _ => v.string(&raw.kind, path(), "kind", Some("a relation")),
        }
        .and_then(|k| {
            v.kind(
                k,
                || path().key("kind"),
                "relation kind",
                RelationKind::parse,
                RelationKind::names(),
                rid,
            )
        });
        let mut ends = [None, None];
        for (slot, key, field) in [(0, "from", &raw.from), (1, "to", &raw.to)] {
            let other = match if slot == 0 { &raw.to } else { &raw.from } {
                Some(Ok(id)) => Some(&**id),
                _ => None,
            };
            let Some(id) = (match field {
                Some(Ok(id)) => Some(&**id),
                _ => v.string(field, path(), key, Some("a relation")),
            }) else {
                continue;
            };
            match index.get_kind(id) {
                Some(found) => ends[slot] = Some(found),
                None if broken.contains(id) => {}
                None => v.unknown_element_but(
                    path().key(key),
                    id,
                    &format!("relation `{key}`"),
                    index,
                    other,
                ),
            }
        }
        if let (Some(kind), [Some((from, from_kind)), Some((to, to_kind))]) = (kind, ends) {
            for (ix, ek, key, allowed, verb) in [
                (from, from_kind, "from", kind.allowed_from(), "start at"),
                (to, to_kind, "to", kind.allowed_to(), "end at"),
            ] {
                if !allowed.contains(&ek) {
                    let e = &elements[ix as usize];
                    v.push(
                        err(
                            "relation-endpoint",
                            path().key(key),
                            format!(
                                "a `{kind}` relation cannot {verb} `{}`, {}",
                                e.id,
                                a(e.kind)
                            ),
                        )
                        .id(e.id.as_str())
                        .suggest(Some(format!(
                            "a `{kind}` relation may {verb} {}",
                            list_kinds(allowed)
                        ))),
                    );
                    valid = false;
                }
            }
        } else {
            valid = false;
        }
        let label = if more.label.is_some() {
            v.text(&more.label, path(), "label", rid, false)
        } else {
            None
        };
        let tags = if more.tags.is_some() {
            v.tags(&more.tags, path())
        } else {
            Box::default()
        };
        let properties = if more.properties.is_some() {
            v.properties(&more.properties, path())
        } else {
            Box::default()
        };
        let mut data = Vec::new();
        if more.data.is_some() && kind.is_some_and(|k| k != RelationKind::Flow) {
            v.push(
                err(
                    "field-not-allowed",
                    path().key("data"),
                    "`data` is only for `flow` relations",
                )
                .at_key()
                .suggest(Some("remove `data`, or make the relation a `flow`".into())),
            );
        }
        let data_ids: Vec<(&str, usize)> = match &more.data {
            Some(Ok(items)) if items.iter().all(Result::is_ok) => items
                .iter()
                .enumerate()
                .filter_map(|(i, d)| d.as_ref().ok().map(|d| (&**d, i)))
                .collect(),
            None => Vec::new(),
            _ => v
                .strings(&more.data, &path().key("data"))
                .into_iter()
                .map(|(d, p)| {
                    (
                        d,
                        p.segs().last().map_or(0, |s| {
                            if let crate::diag::Seg::Index(i) = s {
                                *i
                            } else {
                                0
                            }
                        }),
                    )
                })
                .collect(),
        };
        for (did, di) in data_ids {
            let p = || path().key("data").index(di);
            match index.get_kind(did) {
                Some((ix, ElementKind::Data)) => data.push(ix),
                Some((ix, _)) => v.push(
                    err(
                        "flow-data-kind",
                        p(),
                        format!(
                            "a flow carries `data` elements, and `{did}` is {}",
                            a(elements[ix as usize].kind)
                        ),
                    )
                    .id(did)
                    .suggest(Some(format!(
                        "make `{did}` a `data` element, or list a `data` element instead"
                    ))),
                ),
                None if broken.contains(did) => {}
                None => v.unknown_element(p(), did, "flow `data`", index),
            }
        }
        if more.lag.is_some() && kind.is_some_and(|k| k != RelationKind::DependsOn) {
            v.push(
                err(
                    "field-not-allowed",
                    path().key("lag"),
                    "`lag` is only for `depends_on` relations",
                )
                .at_key(),
            );
        }
        let lag = (if more.lag.is_some() {
            v.string(&more.lag, path(), "lag", None)
        } else {
            None
        })
        .and_then(|s| {
            let d = Duration::parse(s);
            if d.is_none() {
                v.push(
                    err(
                        "bad-duration",
                        path().key("lag"),
                        format!("`{s}` is not a duration"),
                    )
                    .suggest(Some(DURATION_HELP.into())),
                );
            }
            d
        });
        if let (true, Some(kind), [Some((from, _)), Some((to, _))]) = (valid, kind, ends) {
            let has_more = rid.is_some()
                || label.is_some()
                || !tags.is_empty()
                || !properties.is_empty()
                || !data.is_empty()
                || lag.is_some();
            relations.push(RelationData {
                kind,
                from,
                to,
                more: has_more.then(|| {
                    Box::new(RelationMore {
                        id: rid.map(Box::from),
                        label,
                        tags: tags.into_vec(),
                        properties: properties.into_vec(),
                        data,
                        lag,
                    })
                }),
            });
            relation_paths.push(j);
        }
    }
}

impl Validation {
    /// The rest of the document, then the model.
    pub(crate) fn finish(self, doc: &RawDoc<'_>) -> (Option<Model>, Vec<Diagnostic>) {
        let root = JsonPath::default();
        let ep = root.key("elements");
        let rp = root.key("relations");
        let Validation {
            mut v,
            elements,
            element_paths,
            index,
            broken,
            relations,
            relation_paths,
            ..
        } = self;
        v.extra(&doc.extra, &root, fields::DOC, "the model");
        match &doc.version {
            None => v.push(
                err(
                    "missing-version",
                    root.clone(),
                    "the model has no `ecograph` format version",
                )
                .suggest(Some("add `\"ecograph\": 1` at the top".into())),
            ),
            Some(Ok(Num::Int(1))) => {}
            Some(other) => {
                let message = match other {
                    Ok(Num::Int(n)) => format!("unsupported format version {n}"),
                    // `1.0` is not `1`: show it as written, not as the number it equals.
                    Ok(Num::Float(f)) => {
                        format!("the format version must be a whole number, found `{f:?}`")
                    }
                    Err(found) => format!("the format version must be a number, found {found}"),
                };
                v.push(
                    err("unsupported-version", root.key("ecograph"), message).suggest(Some(
                        "this ecograph reads format version 1: `\"ecograph\": 1`".into(),
                    )),
                );
            }
        }
        let schema = v
            .string(&doc.schema, &root, "$schema", None)
            .map(str::to_owned);

        let name = v.text(&doc.name, &root, "name", None, false);
        let description = v.text(&doc.description, &root, "description", None, false);

        let views_raw = list(&mut v, &doc.views, &root, "views", "a list of views");
        dependency_cycles(&mut v, &elements, &relations, &relation_paths, &rp);

        // Views.
        let mut views: Vec<View> = Vec::with_capacity(views_raw.len());
        // Membership only, never iterated: its order reaches nothing.
        // The ids borrow from the raw views (which borrow from the source where they can):
        // no copy of each id.
        let mut view_ids: std::collections::HashSet<&str> =
            std::collections::HashSet::with_capacity(views_raw.len());
        // Lowercased view id -> the first view's id: `render --all` names files by view
        // id, and on a file system that ignores case (macOS, Windows) two ids that
        // differ only in case name one file.
        let mut folded_views: std::collections::HashMap<String, String> =
            std::collections::HashMap::with_capacity(views_raw.len());
        let vp = root.key("views");
        for (i, raw) in views_raw.iter().enumerate() {
            let path = vp.index(i);
            match raw {
                Ok(raw) => {
                    if let Some(view) = view(&mut v, raw, &path, &index, &broken) {
                        // A view comes back only with an id, as written.
                        let fresh = match &raw.id {
                            Some(Ok(id)) => view_ids.insert(id.as_ref()),
                            _ => true,
                        };
                        if !fresh {
                            v.push(
                                err(
                                    "duplicate-id",
                                    path.key("id"),
                                    format!("view id `{}` is used twice", view.id),
                                )
                                .id(view.id.clone()),
                            );
                        } else {
                            let folded = view.id.to_lowercase();
                            match folded_views.get(&folded) {
                                Some(first) => v.push(
                                    warn(
                                        "view-id-case",
                                        path.key("id"),
                                        format!(
                                            "view ids `{first}` and `{}` differ only in case: `render --all` writes both to one file on a file system that ignores case (macOS, Windows)",
                                            view.id
                                        ),
                                    )
                                    .id(view.id.clone()),
                                ),
                                None => {
                                    folded_views.insert(folded, view.id.clone());
                                }
                            }
                            views.push(view);
                        }
                    }
                }
                Err(found) => v.wrong_type(path, "a view object", *found),
            }
        }

        let mut model = Model {
            name,
            description,
            schema,
            languages: std::mem::take(&mut v.languages),
            graph: graph_for(elements.len(), &relations),
            child_start: Vec::new(),
            child_list: Vec::new(),
            depth: Vec::new(),
            view_order: Vec::new(),
            elements,
            relations,
            views,
            index,
            warnings: Diagnostics::default(),
            derived: Default::default(),
        };
        build_children(&mut model);
        warnings(&mut v, &model, &element_paths, &relation_paths, &ep, &rp);
        suggest_by_name(&mut v.diags, &model);
        let ok = !v.diags.iter().any(|d| d.severity == Severity::Error);
        (ok.then_some(model), v.diags)
    }
}

/// Gives each unknown element that no id is close to the element it names, if it is
/// an element's name rather than its id ([`crate::suggest::element`]). The names are
/// read once, and only when there is such a reference.
fn suggest_by_name(diags: &mut [Diagnostic], model: &Model) {
    let mut names: Option<crate::suggest::Names<'_>> = None;
    for d in diags
        .iter_mut()
        .filter(|d| d.code == "unknown-element" && d.suggestion.is_none())
    {
        let Some(id) = &d.id else { continue };
        let names = names.get_or_insert_with(|| crate::suggest::Names::new(model.elements()));
        if let Some(found) = names.find(id) {
            d.suggestion = Some(format!("did you mean `{found}`?"));
        }
    }
}

impl Validation {
    /// Relations that were parsed into the document rather than streamed.
    pub(crate) fn buffered_relations(&mut self, doc: &RawDoc<'_>) {
        let raws = list(
            &mut self.v,
            &doc.relations,
            &JsonPath::default(),
            "relations",
            "a list of relations",
        );
        self.expect_relations(raws.len());
        let half = raws.len() / 2;
        let two = half >= PARALLEL_HALF && crate::par::cores().is_some_and(|n| n > 1);
        let (first, second) = raws.split_at(if two { half } else { raws.len() });
        let in_order = |val: &mut Validation, from: usize, raws: &[Loose<RawRelation<'_>>]| {
            for (k, chunk) in raws.chunks(BATCH).enumerate() {
                val.relation_batch(from + k * BATCH, chunk);
            }
        };
        if second.is_empty() {
            in_order(self, 0, first);
            return;
        }
        // The second half is checked on another thread meanwhile, into lists of its
        // own: a relation reads only the elements, which no relation changes, and the
        // relation ids given before it. So its result is the one of checking in order
        // unless an id it gives was given in the first half too; then, or when it found
        // any problem (whose order and suggestions the first half's could change), the
        // second half is checked again, in order.
        let mut v = Validator {
            diags: Vec::new(),
            languages: self.v.languages.clone(),
            shared_languages: self.v.shared_languages.clone(),
            language_places: HashMap::new(),
            suggestions_left: self.v.suggestions_left,
        };
        let mut relations = Vec::with_capacity(second.len());
        let mut relation_paths = Vec::with_capacity(second.len());
        let mut relation_ids = FxMap::default();
        let mut kept2 = Kept {
            v: &mut v,
            relations: &mut relations,
            relation_paths: &mut relation_paths,
            relation_ids: &mut relation_ids,
        };
        let (known, mut kept) = self.split();
        let known = &known;
        // Where the system refuses a thread, the second half is checked here after the
        // first, into its own lists all the same.
        crate::par::join(
            || {
                for (k, chunk) in first.chunks(BATCH).enumerate() {
                    known.batch(&mut kept, k * BATCH, chunk);
                }
            },
            move || {
                for (k, chunk) in second.chunks(BATCH).enumerate() {
                    known.batch(&mut kept2, half + k * BATCH, chunk);
                }
            },
        );
        if !v.diags.is_empty()
            || relation_ids
                .keys()
                .any(|id| self.relation_ids.contains_key(id))
        {
            in_order(self, half, second);
            return;
        }
        self.relations.append(&mut relations);
        self.relation_paths.append(&mut relation_paths);
        self.relation_ids.extend(relation_ids);
    }
}

/// Relations in each half of a list from which the halves are checked on two threads.
const PARALLEL_HALF: usize = 1 << 14;

fn list<'r, T>(
    v: &mut Validator,
    f: &'r Field<Vec<T>>,
    root: &JsonPath,
    key: &'static str,
    expected: &str,
) -> &'r [T] {
    match f {
        None => &[],
        Some(Err(found)) => {
            v.wrong_type(root.key(key), expected, *found);
            &[]
        }
        Some(Ok(items)) => items,
    }
}

pub(crate) fn build_children(model: &mut Model) {
    let n = model.elements.len();
    let mut count = vec![0u32; n + 1];
    for e in &model.elements {
        if let Some(p) = e.parent {
            count[p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let mut fill = count.clone();
    let mut list = vec![0u32; count[n] as usize];
    for (i, e) in model.elements.iter().enumerate() {
        if let Some(p) = e.parent {
            list[fill[p as usize] as usize] = i as u32;
            fill[p as usize] += 1;
        }
    }
    // Depths top down from the roots, with an explicit stack (chains may be 1M deep).
    // Elements on a containment cycle (an invalid model) are never reached and keep 0.
    let mut depth = vec![0u32; n];
    let mut stack: Vec<u32> = (0..n as u32)
        .filter(|&i| model.elements[i as usize].parent.is_none())
        .collect();
    while let Some(i) = stack.pop() {
        let i = i as usize;
        for &c in &list[count[i] as usize..count[i + 1] as usize] {
            depth[c as usize] = depth[i] + 1;
            stack.push(c);
        }
    }
    model.child_start = count;
    model.child_list = list;
    model.depth = depth;
    let mut order: Vec<u32> = (0..model.views.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (&model.views[a as usize], &model.views[b as usize]);
        va.id.cmp(&vb.id).then(a.cmp(&b))
    });
    model.view_order = order;
}

/// Joins a cycle's ids for a message; a long cycle shows its first and last few ids
/// only, so that a 100,000-task cycle gives a readable line, not a megabyte.
fn chain_text(ids: &[String], joiner: &str) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= 3 * SHOWN {
        return ids.join(joiner);
    }
    let omitted = ids.len() - 2 * SHOWN;
    format!(
        "{}{joiner}… ({omitted} more){joiner}{}",
        ids[..SHOWN].join(joiner),
        ids[ids.len() - SHOWN..].join(joiner)
    )
}

/// Reports each parent cycle once, printing it, and cuts it so later passes terminate.
fn parent_cycles(v: &mut Validator, elements: &mut [ElementData], paths: &[usize], ep: &JsonPath) {
    // 0 = unseen, 1 = on the current chain, 2 = known to reach a root.
    let mut state = vec![0u8; elements.len()];
    let mut chain = Vec::new();
    for start in 0..elements.len() {
        chain.clear();
        let mut at = start;
        while state[at] == 0 {
            state[at] = 1;
            chain.push(at);
            match elements[at].parent {
                Some(p) => at = p as usize,
                None => break,
            }
        }
        if state[at] == 1 && elements[at].parent.is_some() && chain.contains(&at) {
            let pos = chain.iter().position(|&c| c == at).unwrap_or(0);
            let cycle = &chain[pos..];
            // Report at the first element of the cycle in file order.
            let first = *cycle.iter().min().unwrap_or(&at);
            let k = cycle.iter().position(|&c| c == first).unwrap_or(0);
            let mut ids: Vec<String> = cycle[k..]
                .iter()
                .chain(&cycle[..k])
                .map(|&c| format!("`{}`", elements[c].id))
                .collect();
            ids.push(format!("`{}`", elements[first].id));
            v.push(
                err(
                    "parent-cycle",
                    ep.index(paths[first]).key("parent"),
                    format!("containment cycle: {}", chain_text(&ids, " is inside ")),
                )
                .id(elements[first].id.as_str())
                .suggest(Some("remove one of these `parent` fields".into())),
            );
            elements[first].parent = None;
        }
        for &c in &chain {
            state[c] = 2;
        }
    }
}

/// Reports every cycle of `depends_on` relations, printing one cycle per strongly
/// connected component.
fn dependency_cycles(
    v: &mut Validator,
    elements: &[ElementData],
    relations: &[RelationData],
    paths: &[usize],
    rp: &JsonPath,
) {
    let deps = || {
        relations
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RelationKind::DependsOn)
            .map(|(i, r)| (r.from, r.to, i as u32))
    };
    if deps().next().is_none() {
        return;
    }
    let g = crate::scc::Csr::from_edges(elements.len(), deps());
    let mut comps = crate::scc::tarjan(&g);
    for c in &mut comps {
        c.sort_unstable();
    }
    comps.sort_unstable_by_key(|c| c[0]);
    let mut inside = vec![false; elements.len()];
    for comp in comps {
        let start = comp[0];
        let self_loop = g
            .range(start)
            .find(|&k| g.targets[k] == start)
            .map(|k| g.labels[k]);
        if comp.len() == 1 && self_loop.is_none() {
            continue;
        }
        // Breadth-first from `start` inside the component back to `start`, edges in file
        // order (a node's edges are in file order already).
        comp.iter().for_each(|&c| inside[c as usize] = true);
        let cycle_rels: Vec<u32> = if let Some(rel) = self_loop {
            vec![rel]
        } else {
            let mut pred: FxMap<u32, (u32, u32)> = FxMap::default();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut closing = None;
            'bfs: while let Some(at) = queue.pop_front() {
                for k in g.range(at) {
                    let (to, rel) = (g.targets[k], g.labels[k]);
                    if to == start {
                        closing = Some((at, rel));
                        break 'bfs;
                    }
                    if inside[to as usize] && !pred.contains_key(&to) {
                        pred.insert(to, (at, rel));
                        queue.push_back(to);
                    }
                }
            }
            let Some((mut at, rel)) = closing else {
                comp.iter().for_each(|&c| inside[c as usize] = false);
                continue;
            };
            let mut rels = vec![rel];
            while at != start {
                let Some(&(p, r)) = pred.get(&at) else { break };
                rels.push(r);
                at = p;
            }
            rels.reverse();
            rels
        };
        comp.iter().for_each(|&c| inside[c as usize] = false);
        let mut ids: Vec<String> = cycle_rels
            .iter()
            .map(|&r| format!("`{}`", elements[relations[r as usize].from as usize].id))
            .collect();
        ids.push(format!("`{}`", elements[start as usize].id));
        let first_rel = cycle_rels[0] as usize;
        v.push(
            err(
                "dependency-cycle",
                rp.index(paths[first_rel]),
                format!("dependency cycle: {}", chain_text(&ids, " depends on ")),
            )
            .id(elements[start as usize].id.as_str())
            .suggest(Some("remove one of these `depends_on` relations".into())),
        );
    }
}

fn warnings(
    v: &mut Validator,
    model: &Model,
    element_paths: &[usize],
    relation_paths: &[usize],
    ep: &JsonPath,
    rp: &JsonPath,
) {
    let n = model.elements.len();
    let mut touched = vec![false; n];
    let mut owned = vec![false; n];
    for (j, r) in model.relations.iter().enumerate() {
        touched[r.from as usize] = true;
        touched[r.to as usize] = true;
        if r.kind == RelationKind::Responsible {
            owned[r.to as usize] = true;
        }
        if r.kind == RelationKind::Flow && r.more.as_ref().is_none_or(|m| m.data.is_empty()) {
            let (f, t) = (
                &model.elements[r.from as usize].id,
                &model.elements[r.to as usize].id,
            );
            v.push(
                warn(
                    "flow-without-data",
                    rp.index(relation_paths[j]),
                    format!("the flow from `{f}` to `{t}` carries no `data`"),
                )
                .suggest(Some("list the `data` elements it carries".into())),
            );
        }
        for &d in r.more.as_ref().map_or(&[][..], |m| &m.data[..]) {
            touched[d as usize] = true;
        }
    }
    // Whether an element or one containing it has an owner, each containment chain
    // walked once (a walk per task was quadratic on deep containment: 100,000 nested
    // tasks took 48 s).
    let covered = {
        // 0: not known yet, 1: no, 2: yes.
        let mut state = vec![0u8; n];
        let mut chain: Vec<u32> = Vec::new();
        for i in 0..n as u32 {
            let mut at = Some(i);
            let found = loop {
                let Some(a) = at else { break 1 };
                if state[a as usize] != 0 {
                    break state[a as usize];
                }
                if owned[a as usize] {
                    break 2;
                }
                chain.push(a);
                // Containment cycles are reported elsewhere; never loop on one.
                if chain.len() > n {
                    break 1;
                }
                at = model.elements[a as usize].parent;
            };
            for c in chain.drain(..) {
                state[c as usize] = found;
            }
            if state[i as usize] == 0 {
                state[i as usize] = found;
            }
        }
        state.into_iter().map(|c| c == 2).collect::<Vec<bool>>()
    };
    for (i, e) in model.elements.iter().enumerate() {
        let contained = e.parent.is_some() || model.child_start[i] != model.child_start[i + 1];
        if !touched[i] && !contained {
            v.push(
                warn(
                    "isolated-element",
                    ep.index(element_paths[i]),
                    format!("`{}` has no relation and is in no containment tree", e.id),
                )
                .id(e.id.as_str())
                .suggest(Some(
                    "relate it to something, give it a `parent`, or remove it".into(),
                )),
            );
        }
        if e.kind == ElementKind::Task && !covered[i] {
            v.push(
                warn("task-without-owner", ep.index(element_paths[i]), format!("task `{}` has no `responsible` actor or role, nor has any task containing it", e.id))
                    .id(e.id.as_str())
                    .suggest(Some(format!("add a `responsible` relation to `{}` or to a task that contains it", e.id))),
            );
        }
    }
}

fn view(
    v: &mut Validator,
    raw: &raw::RawView<'_>,
    path: &JsonPath,
    index: &IdIndex,
    broken: &HashSet<Box<str>>,
) -> Option<View> {
    let no_more = raw::RawViewMore::default();
    let more = raw.more.as_deref().unwrap_or(&no_more);
    v.extra(&more.extra, path, fields::VIEW, "a view");
    let id = v.string(&raw.id, path, "id", Some("a view"));
    if let Some(id) = id.filter(|id| !is_valid_id(id)) {
        v.push(
            err(
                "bad-id",
                path.key("id"),
                format!("`{id}` is not a valid view id"),
            )
            .id(id),
        );
    }
    let shown = id.unwrap_or("?");
    let mut view = View::new(shown);
    view.title = v.text(&more.title, path, "title", Some(shown), false);
    view.description = v.text(&more.description, path, "description", Some(shown), false);
    view.include = selectors(v, &raw.include, &path.key("include"), index, broken);
    view.exclude = selectors(v, &more.exclude, &path.key("exclude"), index, broken);
    if more.relations.is_some() {
        let kinds = relation_kinds(v, &more.relations, &path.key("relations"));
        view.relations = Some(kinds);
    }
    for (key, field, slot) in [
        (
            "group_by_parent",
            &more.group_by_parent,
            &mut view.group_by_parent,
        ),
        ("legend", &more.legend, &mut view.legend),
    ] {
        match field {
            Some(Ok(b)) => *slot = *b,
            Some(Err(found)) => v.wrong_type(path.key(key), "true or false", *found),
            None => {}
        }
    }
    if let Some(d) = v.string(&more.direction, path, "direction", None) {
        view.direction = match d {
            "TB" => LayoutDirection::TopToBottom,
            "LR" => LayoutDirection::LeftToRight,
            other => {
                v.push(
                    err(
                        "unknown-kind",
                        path.key("direction"),
                        format!("unknown direction `{other}`"),
                    )
                    .suggest(Some(
                        "use `TB` (top to bottom) or `LR` (left to right)".into(),
                    )),
                );
                LayoutDirection::TopToBottom
            }
        };
    }
    match &more.collapse {
        None => {}
        Some(Err(found)) => v.wrong_type(
            path.key("collapse"),
            "an object with `ids` and/or `depth`",
            *found,
        ),
        Some(Ok(c)) => {
            let cp = path.key("collapse");
            v.extra(&c.extra, &cp, fields::COLLAPSE, "`collapse`");
            let mut collapse = Collapse::default();
            for (cid, p) in v.strings(&c.ids, &cp.key("ids")) {
                if index.contains(cid) {
                    collapse.ids.push(cid.to_owned());
                } else if !broken.contains(cid) {
                    v.unknown_element(p, cid, "`collapse`", index);
                }
            }
            collapse.depth = depth(v, &c.depth, &cp);
            view.collapse = collapse;
        }
    }
    id.map(|_| view)
}

fn depth(v: &mut Validator, f: &Field<Num>, path: &JsonPath) -> Option<usize> {
    match f {
        None => None,
        Some(Ok(Num::Int(n))) if (0..=1000).contains(n) => Some(*n as usize),
        Some(Ok(_)) => {
            v.push(err(
                "bad-depth",
                path.key("depth"),
                "`depth` must be a whole number from 0 to 1000",
            ));
            None
        }
        Some(Err(found)) => {
            v.wrong_type(path.key("depth"), "a whole number", *found);
            None
        }
    }
}

fn relation_kinds(
    v: &mut Validator,
    f: &Field<Vec<Loose<Str<'_>>>>,
    path: &JsonPath,
) -> Vec<RelationKind> {
    v.strings(f, path)
        .into_iter()
        .filter_map(|(s, p)| {
            v.kind(
                s,
                || p,
                "relation kind",
                RelationKind::parse,
                RelationKind::names(),
                None,
            )
        })
        .collect()
}

fn selectors(
    v: &mut Validator,
    f: &Field<Vec<Loose<raw::RawSelector<'_>>>>,
    path: &JsonPath,
    index: &IdIndex,
    broken: &HashSet<Box<str>>,
) -> Vec<Selector> {
    let items = match f {
        None => return Vec::new(),
        Some(Err(found)) => {
            v.wrong_type(path.clone(), "a list of selectors", *found);
            return Vec::new();
        }
        Some(Ok(items)) => items,
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let raw = match item {
            Ok(r) => r,
            Err(found) => {
                v.wrong_type(
                    p,
                    "a selector object such as `{\"kind\": \"system\"}`",
                    *found,
                );
                continue;
            }
        };
        let no_more = raw::RawSelectorMore::default();
        let more = raw.more.as_deref().unwrap_or(&no_more);
        v.extra(&more.extra, &p, fields::SELECTOR, "a selector");
        let element =
            |v: &mut Validator, field: &Field<Str<'_>>, key: &'static str| -> Option<String> {
                let id = v.string(field, &p, key, None)?;
                if index.contains(id) {
                    Some(id.to_owned())
                } else {
                    if !broken.contains(id) {
                        v.unknown_element(p.key(key), id, &format!("selector `{key}`"), index);
                    }
                    None
                }
            };
        let given = [
            &more.kind,
            &more.tag,
            &raw.id,
            &more.status,
            &more.subtree,
            &more.around,
        ]
        .iter()
        .filter(|f| f.is_some())
        .count();
        if given != 1 {
            v.push(
                err("bad-selector", p.clone(), format!("a selector has exactly one of `kind`, `tag`, `id`, `status`, `subtree` or `around`; this one has {given}"))
                    .suggest(Some("split it into several selectors".into())),
            );
            continue;
        }
        if more.around.is_none() && (more.depth.is_some() || more.relations.is_some()) {
            v.push(
                err(
                    "field-not-allowed",
                    p.clone(),
                    "`depth` and `relations` go with `around` only",
                )
                .suggest(Some("add `around`, or remove them".into())),
            );
        }
        let sel = if more.kind.is_some() {
            v.string(&more.kind, &p, "kind", None)
                .and_then(|k| {
                    v.kind(
                        k,
                        || p.key("kind"),
                        "element kind",
                        ElementKind::parse,
                        ElementKind::names(),
                        None,
                    )
                })
                .map(Selector::Kind)
        } else if more.tag.is_some() {
            v.string(&more.tag, &p, "tag", None)
                .map(|t| Selector::Tag(t.to_owned()))
        } else if more.status.is_some() {
            v.string(&more.status, &p, "status", None)
                .and_then(|s| {
                    v.kind(
                        s,
                        || p.key("status"),
                        "status",
                        Status::parse,
                        Status::names(),
                        None,
                    )
                })
                .map(Selector::Status)
        } else if raw.id.is_some() {
            element(v, &raw.id, "id").map(Selector::Id)
        } else if more.subtree.is_some() {
            element(v, &more.subtree, "subtree").map(Selector::Subtree)
        } else {
            let id = element(v, &more.around, "around");
            let depth = depth(v, &more.depth, &p).unwrap_or(1);
            let relations = relation_kinds(v, &more.relations, &p.key("relations"));
            id.map(|id| Selector::Around {
                id,
                depth,
                relations,
            })
        };
        out.extend(sel);
    }
    out.shrink_to_fit();
    out
}
