//! What the page shows, written as it is made: the model as compact JSON for the script,
//! straight from the model to the writer, and the diagrams as SVG for `<template>`
//! elements, one drawing at a time.

use ecograph_core::{Date, ElementKind, Model, Status, Text, View};
use ecograph_impact::Impact;
use ecograph_render::{Diagram, Highlight, Options, views_of};
use ecograph_schedule::{GanttOptions, Schedule};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Everything the page is made from.
pub(crate) struct Input<'a, 'm> {
    pub model: &'m Model,
    pub lang: &'a str,
    pub title: &'a str,
    pub today: Option<Date>,
    pub impact: Option<&'a Impact<'m>>,
    pub max_nodes: usize,
}

/// The schedule's entries the page's data carries, in its order (the tasks are drawn,
/// not listed; the unscheduled ones are counted, after these).
const SCHEDULE_KEYS: [&str; 9] = [
    "finish",
    "today",
    "critical_path",
    "overdue",
    "conflicts",
    "delays",
    "moved",
    "absorbed",
    "breaches",
];

/// What the page's parts need of each other: the views, the schedule analysis and the
/// impact views, made before anything is written.
pub(crate) struct Plan<'a, 'm> {
    input: &'a Input<'a, 'm>,
    views: Vec<View>,
    schedule: Result<Schedule<'m>, String>,
    highlight: Option<Highlight>,
    /// Each view resolved in the model's first language, `None` when it cannot be
    /// drawn: made for the data, drawn after it, and dropped once drawn (resolving a
    /// view walks the model).
    diagrams: Vec<Option<Diagram<'m>>>,
    /// The views the impact page draws again, highlighted, resolved likewise, each with
    /// its drawing in the first language it draws in (made to know whether it draws).
    impact_diagrams: Vec<(usize, Diagram<'m>, Drawn<'m>)>,
}

/// A text as JSON: a string when it is not translated, else `{lang: value}`.
fn text(w: &mut impl Write, t: &Text) -> io::Result<()> {
    match t.translations() {
        Some(tr) => {
            w.write_all(b"{")?;
            for (i, (l, v)) in tr.enumerate() {
                if i > 0 {
                    w.write_all(b",")?;
                }
                string(w, l)?;
                w.write_all(b":")?;
                string(w, v)?;
            }
            w.write_all(b"}")
        }
        None => string(w, t.default_value()),
    }
}

fn opt_text(w: &mut impl Write, t: Option<&Text>) -> io::Result<()> {
    match t {
        Some(t) => text(w, t),
        None => w.write_all(b"null"),
    }
}

/// Anything serde can write, as compact JSON.
fn value<T: serde::Serialize + ?Sized>(w: &mut impl Write, v: &T) -> io::Result<()> {
    serde_json::to_writer(w, v).map_err(io::Error::from)
}

fn string(w: &mut impl Write, s: &str) -> io::Result<()> {
    value(w, s)
}

/// A JSON array: `items`, each written by `each`, between brackets and commas.
fn list<W: Write, T>(
    w: &mut W,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut W, T) -> io::Result<()>,
) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        each(w, item)?;
    }
    w.write_all(b"]")
}

/// `,"key":` (without the comma for the first key of an object).
fn key(w: &mut impl Write, first: bool, k: &str) -> io::Result<()> {
    if !first {
        w.write_all(b",")?;
    }
    string(w, k)?;
    w.write_all(b":")
}

/// An SVG file's markup without its XML declaration, ready to sit inside HTML.
fn inline_svg(svg: &str) -> &str {
    let body = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(svg, |(_, b)| b),
        None => svg,
    };
    body.trim()
}

/// One `<template>` element.
fn template(out: &mut impl Write, id: &str, svg: &str) -> io::Result<()> {
    writeln!(
        out,
        "<template id=\"tpl-{}\">{}</template>",
        crate::html::escape_html(id),
        inline_svg(svg)
    )
}

fn options(input: &Input<'_, '_>, lang: &str) -> Options {
    Options::default()
        .lang(lang.to_owned())
        .max_nodes(input.max_nodes)
        .data_ids(true)
}

impl<'a, 'm> Plan<'a, 'm> {
    pub(crate) fn new(input: &'a Input<'a, 'm>) -> Self {
        let mut options = ecograph_schedule::Options::new();
        if let Some(d) = input.today {
            options = options.today(d);
        }
        Plan {
            input,
            views: views_of(input.model, input.max_nodes),
            schedule: ecograph_schedule::analyze(input.model, &options).map_err(|e| e.to_string()),
            highlight: input.impact.map(Highlight::from_impact),
            diagrams: Vec::new(),
            impact_diagrams: Vec::new(),
        }
    }

    fn langs(&self) -> &'m [String] {
        self.input.model.languages()
    }

    /// Whether the page carries Gantt charts (whose style sheet the policy must allow).
    pub(crate) fn has_gantt(&self) -> bool {
        !self.langs().is_empty() && self.schedule.as_ref().is_ok_and(|s| !s.tasks().is_empty())
    }

    /// The data the script reads, as JSON.
    pub(crate) fn write_data(&mut self, w: &mut impl Write) -> io::Result<()> {
        let input = self.input;
        let model = input.model;
        w.write_all(b"{")?;
        key(w, true, "title")?;
        string(w, input.title)?;
        key(w, false, "lang")?;
        string(w, input.lang)?;
        key(w, false, "languages")?;
        value(w, &self.langs())?;
        key(w, false, "name")?;
        opt_text(w, model.name())?;
        key(w, false, "desc")?;
        opt_text(w, model.description())?;
        key(w, false, "counts")?;
        let counts: BTreeMap<&str, usize> = ElementKind::ALL
            .iter()
            .map(|k| (k.as_str(), model.elements_of_kind(*k).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        value(w, &counts)?;
        key(w, false, "kinds")?;
        value(
            w,
            &ElementKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
        )?;
        key(w, false, "statuses")?;
        value(
            w,
            &Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        )?;
        key(w, false, "elements")?;
        self.write_elements(w)?;
        key(w, false, "relations")?;
        self.write_relations(w)?;
        key(w, false, "views")?;
        self.write_views(w)?;
        key(w, false, "schedule")?;
        self.write_schedule(w)?;
        key(w, false, "impact")?;
        self.write_impact(w)?;
        w.write_all(b"}")
    }

    fn write_elements(&self, w: &mut impl Write) -> io::Result<()> {
        list(w, self.input.model.elements(), |w, e| {
            w.write_all(b"{")?;
            key(w, true, "id")?;
            string(w, e.id().as_str())?;
            key(w, false, "kind")?;
            string(w, e.kind().as_str())?;
            key(w, false, "name")?;
            text(w, e.name())?;
            if let Some(d) = e.description() {
                key(w, false, "desc")?;
                text(w, d)?;
            }
            if let Some(s) = e.status() {
                key(w, false, "status")?;
                string(w, s.as_str())?;
            }
            if let Some(p) = e.start() {
                key(w, false, "start")?;
                string(w, &p.to_string())?;
            }
            if let Some(p) = e.end() {
                key(w, false, "end")?;
                string(w, &p.to_string())?;
            }
            if let Some(p) = e.parent() {
                key(w, false, "parent")?;
                value(w, &p.index())?;
            }
            if e.tags().len() > 0 {
                key(w, false, "tags")?;
                list(w, e.tags(), |w, t| string(w, t))?;
            }
            if e.properties().len() > 0 {
                key(w, false, "props")?;
                list(w, e.properties(), |w, (k, v)| {
                    list(w, [k, v], |w, s| string(w, s))
                })?;
            }
            w.write_all(b"}")
        })
    }

    fn write_relations(&self, w: &mut impl Write) -> io::Result<()> {
        list(w, self.input.model.relations(), |w, r| {
            w.write_all(b"{")?;
            key(w, true, "kind")?;
            string(w, r.kind().as_str())?;
            key(w, false, "from")?;
            value(w, &r.from().index())?;
            key(w, false, "to")?;
            value(w, &r.to().index())?;
            if let Some(l) = r.label() {
                key(w, false, "label")?;
                text(w, l)?;
            }
            if r.data_carried().len() > 0 {
                key(w, false, "data")?;
                list(w, r.data_carried(), |w, d| value(w, &d.index()))?;
            }
            w.write_all(b"}")
        })
    }

    /// Each view with the elements it draws, or why it cannot be drawn.
    fn write_views(&mut self, w: &mut impl Write) -> io::Result<()> {
        let input = self.input;
        let mut diagrams = Vec::with_capacity(self.views.len());
        list(w, &self.views, |w, v| {
            w.write_all(b"{")?;
            key(w, true, "id")?;
            string(w, &v.id)?;
            key(w, false, "title")?;
            match &v.title {
                Some(t) => text(w, t)?,
                None => string(w, &v.id)?,
            }
            key(w, false, "desc")?;
            opt_text(w, v.description.as_ref())?;
            // Which elements a view draws, and whether it can be drawn, do not depend
            // on the language; a model without languages has no drawings.
            let drawn = self
                .langs()
                .first()
                .map(|l| Diagram::new(input.model, v, &options(input, l)));
            key(w, false, "nodes")?;
            let nodes = match &drawn {
                Some(Ok(d)) => d.nodes(),
                _ => &[],
            };
            list(w, nodes, |w, n| value(w, &n.element().index()))?;
            key(w, false, "error")?;
            match &drawn {
                Some(Err(e)) => string(w, &e.to_string())?,
                _ => w.write_all(b"null")?,
            }
            diagrams.push(drawn.and_then(Result::ok));
            w.write_all(b"}")
        })?;
        self.diagrams = diagrams;
        Ok(())
    }

    /// The schedule analysis as its documented JSON, less the task list (the chart
    /// shows every task; the page lists only what needs attention).
    fn write_schedule(&self, w: &mut impl Write) -> io::Result<()> {
        let s = match &self.schedule {
            Ok(s) => s,
            Err(e) => {
                w.write_all(b"{")?;
                key(w, true, "error")?;
                string(w, e)?;
                return w.write_all(b"}");
            }
        };
        w.write_all(b"{")?;
        for (i, k) in SCHEDULE_KEYS.into_iter().enumerate() {
            key(w, i == 0, k)?;
            match s.json_entry(k) {
                Some(entry) => value(w, &entry)?,
                None => w.write_all(b"null")?,
            }
        }
        key(w, false, "unscheduled")?;
        value(w, &s.unscheduled().len())?;
        key(w, false, "gantt")?;
        value(w, &!s.tasks().is_empty())?;
        w.write_all(b"}")
    }

    /// The impact analysis as its documented JSON, with the views that show a changed
    /// or affected element, which the page draws again with them highlighted.
    fn write_impact(&mut self, w: &mut impl Write) -> io::Result<()> {
        let (Some(impact), Some(highlight)) = (self.input.impact, &self.highlight) else {
            return w.write_all(b"null");
        };
        let mut shown = Vec::new();
        if let Some(first) = self.langs().first()
            && !highlight.is_empty()
        {
            // Made once, not per view: the highlight holds every changed and affected
            // element, and a copy for each view would cost views × marked elements.
            let options = options(self.input, first).highlight(highlight.clone());
            for (vi, v) in self.views.iter().enumerate() {
                let Ok(d) = Diagram::new(self.input.model, v, &options) else {
                    continue;
                };
                if !d.nodes().iter().any(|n| n.mark().is_some()) {
                    continue;
                }
                // The first language it draws in: kept for its template.
                let drawn = self.langs().iter().find_map(|l| {
                    let svg = in_language(&d, v, l).to_svg().ok()?;
                    Some((l.as_str(), svg))
                });
                if let Some(drawn) = drawn {
                    shown.push((vi, d, Some(drawn)));
                }
            }
        }
        let mut json = impact.to_json();
        if let Some(o) = json.as_object_mut() {
            let diagrams: Vec<usize> = shown.iter().map(|(vi, _, _)| *vi).collect();
            o.insert("diagrams".into(), diagrams.into());
        }
        self.impact_diagrams = shown;
        value(w, &json)
    }

    /// The diagrams, one `<template>` each, in page order: every view in every
    /// language, the Gantt chart in every language, the highlighted views in every
    /// language. Each view's diagram is dropped once drawn.
    pub(crate) fn write_templates(&mut self, out: &mut impl Write) -> io::Result<()> {
        let diagrams = std::mem::take(&mut self.diagrams);
        for (vi, (v, d)) in self.views.iter().zip(diagrams).enumerate() {
            if let Some(d) = d {
                self.write_languages(out, &format!("v{vi}"), v, &d, None, true)?;
            }
        }
        if self.has_gantt()
            && let Ok(s) = &self.schedule
        {
            for lang in self.langs() {
                let svg = s.gantt_svg(&GanttOptions::new().lang(lang.clone()));
                template(out, &format!("gantt-{lang}"), &svg)?;
            }
        }
        for (vi, d, drawn) in std::mem::take(&mut self.impact_diagrams) {
            if let Some(v) = self.views.get(vi) {
                self.write_languages(out, &format!("i{vi}"), v, &d, drawn, false)?;
            }
        }
        Ok(())
    }

    /// `d`, a diagram of `view`, as one template per language, `{prefix}-{lang}`, but
    /// for a language in which it is drawn exactly as in the page's language: the page
    /// shows that one then. `drawn` is its drawing in one language, made already. A
    /// failed drawing ends the view's templates when `stop_on_error`, as a view that
    /// cannot be drawn has none.
    fn write_languages(
        &self,
        out: &mut impl Write,
        prefix: &str,
        view: &View,
        d: &Diagram<'_>,
        mut drawn: Drawn<'_>,
        stop_on_error: bool,
    ) -> io::Result<()> {
        let page_lang = self.input.lang;
        let page = (self.langs().len() > 1).then(|| in_language(d, view, page_lang));
        for lang in self.langs() {
            let here = in_language(d, view, lang);
            if lang != page_lang
                && page
                    .as_ref()
                    .is_some_and(|p| here.language_texts().eq(p.language_texts()))
            {
                continue;
            }
            let svg = match drawn.take_if(|(l, _)| *l == lang.as_str()) {
                Some((_, svg)) => Ok(svg),
                None => here.to_svg(),
            };
            match svg {
                Ok(svg) => template(out, &format!("{prefix}-{lang}"), &svg)?,
                Err(_) if stop_on_error => break,
                Err(_) => {}
            }
        }
        Ok(())
    }
}

/// A diagram drawn already in one language (the language, the SVG), for its template.
type Drawn<'l> = Option<(&'l str, String)>;

/// `d`, a diagram of `view`, in `lang`: itself when it is in that language already.
fn in_language<'d, 'm>(d: &'d Diagram<'m>, view: &View, lang: &str) -> Cow<'d, Diagram<'m>> {
    if d.lang() == Some(lang) {
        Cow::Borrowed(d)
    } else {
        Cow::Owned(d.in_language(view, Some(lang)))
    }
}
