//! What the page shows, as data: the model as compact JSON for the script, and the
//! diagrams as SVG for `<template>` elements.

use ecograph_core::{Date, ElementKind, Model, Status, Text};
use ecograph_impact::Impact;
use ecograph_render::{Diagram, Highlight, Options, views_of};
use ecograph_schedule::GanttOptions;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Everything [`build`] needs.
pub(crate) struct Input<'a, 'm> {
    pub model: &'m Model,
    pub lang: &'a str,
    pub title: &'a str,
    pub today: Option<Date>,
    pub impact: Option<&'a Impact<'m>>,
    pub max_nodes: usize,
}

/// The page's data and its diagrams.
pub(crate) struct Built {
    /// The data the script reads.
    pub data: Value,
    /// `(template id, SVG markup)`, in page order.
    pub templates: Vec<(String, String)>,
}

/// A model text as JSON: a string when it is not translated, else `{lang: value}`.
fn text(t: &Text) -> Value {
    match t.translations() {
        Some(tr) => Value::Object(
            tr.map(|(l, v)| (l.to_owned(), Value::String(v.to_owned())))
                .collect::<Map<_, _>>(),
        ),
        None => Value::String(t.default_value().to_owned()),
    }
}

fn opt_text(t: Option<&Text>) -> Value {
    t.map_or(Value::Null, text)
}

/// An SVG file's markup without its XML declaration, ready to sit inside HTML.
fn inline_svg(svg: &str) -> String {
    let body = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(svg, |(_, b)| b),
        None => svg,
    };
    body.trim().to_owned()
}

pub(crate) fn build(input: &Input<'_, '_>) -> Built {
    let model = input.model;
    let langs: Vec<String> = model.languages().to_vec();
    let mut templates = Vec::new();

    let elements: Vec<Value> = model
        .elements()
        .map(|e| {
            let mut o = Map::new();
            o.insert("id".into(), e.id().as_str().into());
            o.insert("kind".into(), e.kind().as_str().into());
            o.insert("name".into(), text(e.name()));
            if let Some(d) = e.description() {
                o.insert("desc".into(), text(d));
            }
            if let Some(s) = e.status() {
                o.insert("status".into(), s.as_str().into());
            }
            if let Some(p) = e.start() {
                o.insert("start".into(), p.to_string().into());
            }
            if let Some(p) = e.end() {
                o.insert("end".into(), p.to_string().into());
            }
            if let Some(p) = e.parent() {
                o.insert("parent".into(), p.index().into());
            }
            if e.tags().len() > 0 {
                o.insert("tags".into(), e.tags().collect::<Vec<_>>().into());
            }
            if e.properties().len() > 0 {
                let props: Vec<Value> = e.properties().map(|(k, v)| json!([k, v])).collect();
                o.insert("props".into(), props.into());
            }
            Value::Object(o)
        })
        .collect();

    let relations: Vec<Value> = model
        .relations()
        .map(|r| {
            let mut o = Map::new();
            o.insert("kind".into(), r.kind().as_str().into());
            o.insert("from".into(), r.from().index().into());
            o.insert("to".into(), r.to().index().into());
            if let Some(l) = r.label() {
                o.insert("label".into(), text(l));
            }
            if r.data_carried().len() > 0 {
                let d: Vec<usize> = r.data_carried().map(|d| d.index()).collect();
                o.insert("data".into(), d.into());
            }
            Value::Object(o)
        })
        .collect();

    let views_list = views_of(model, input.max_nodes);
    let mut views = Vec::new();
    for (vi, v) in views_list.iter().enumerate() {
        let mut nodes: BTreeSet<usize> = BTreeSet::new();
        let mut error = Value::Null;
        for lang in &langs {
            let options = Options::default()
                .lang(lang.clone())
                .max_nodes(input.max_nodes)
                .data_ids(true);
            match Diagram::new(model, v, &options).and_then(|d| {
                nodes.extend(d.nodes().iter().map(|n| n.element().index()));
                d.to_svg()
            }) {
                Ok(svg) => templates.push((format!("v{vi}-{lang}"), inline_svg(&svg))),
                Err(e) => {
                    error = e.to_string().into();
                    break;
                }
            }
        }
        views.push(json!({
            "id": v.id,
            "title": v.title.as_ref().map_or_else(|| Value::String(v.id.clone()), text),
            "desc": opt_text(v.description.as_ref()),
            "nodes": nodes.into_iter().collect::<Vec<_>>(),
            "error": error,
        }));
    }

    let schedule = schedule(input, &langs, &mut templates);
    let impact = input
        .impact
        .map(|i| impact(input, i, &views_list, &langs, &mut templates));

    let counts: BTreeMap<&str, usize> = ElementKind::ALL
        .iter()
        .map(|k| (k.as_str(), model.elements_of_kind(*k).count()))
        .filter(|(_, n)| *n > 0)
        .collect();

    let data = json!({
        "title": input.title,
        "lang": input.lang,
        "languages": langs,
        "name": opt_text(model.name()),
        "desc": opt_text(model.description()),
        "counts": counts,
        "kinds": ElementKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "statuses": Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "elements": elements,
        "relations": relations,
        "views": views,
        "schedule": schedule,
        "impact": impact,
    });
    Built { data, templates }
}

/// The schedule analysis as its documented JSON, with the Gantt charts as templates.
fn schedule(
    input: &Input<'_, '_>,
    langs: &[String],
    templates: &mut Vec<(String, String)>,
) -> Value {
    let mut options = ecograph_schedule::Options::new();
    if let Some(d) = input.today {
        options = options.today(d);
    }
    match ecograph_schedule::analyze(input.model, &options) {
        Ok(s) => {
            let has_dates = !s.tasks().is_empty();
            if has_dates {
                for lang in langs {
                    let svg = s.gantt_svg(&GanttOptions::new().lang(lang.clone()));
                    templates.push((format!("gantt-{lang}"), inline_svg(&svg)));
                }
            }
            let mut v = s.to_json();
            if let Some(o) = v.as_object_mut() {
                // The chart shows every task; the page lists only what needs attention.
                o.remove("tasks");
                let unscheduled = o.remove("unscheduled");
                let n = unscheduled
                    .as_ref()
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                o.insert("unscheduled".into(), n.into());
                o.insert("gantt".into(), has_dates.into());
            }
            v
        }
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// The impact analysis as its documented JSON, with every view that shows a changed
/// or affected element drawn again with them highlighted.
fn impact(
    input: &Input<'_, '_>,
    impact: &Impact<'_>,
    views_list: &[ecograph_core::View],
    langs: &[String],
    templates: &mut Vec<(String, String)>,
) -> Value {
    let json = impact.to_json();
    let highlight = Highlight::from_impact(impact);
    let mut diagrams = Vec::new();
    if !highlight.is_empty() {
        // Made once, not per view: the highlight holds every changed and affected
        // element, and a copy for each view would cost views × marked elements.
        let per_lang: Vec<Options> = langs
            .iter()
            .map(|lang| {
                Options::default()
                    .lang(lang.clone())
                    .max_nodes(input.max_nodes)
                    .data_ids(true)
                    .highlight(highlight.clone())
            })
            .collect();
        for (vi, v) in views_list.iter().enumerate() {
            let mut shown = false;
            for (lang, options) in langs.iter().zip(&per_lang) {
                let Ok(d) = Diagram::new(input.model, v, options) else {
                    break;
                };
                if !d.nodes().iter().any(|n| n.mark().is_some()) {
                    break;
                }
                if let Ok(svg) = d.to_svg() {
                    templates.push((format!("i{vi}-{lang}"), inline_svg(&svg)));
                    shown = true;
                }
            }
            if shown {
                diagrams.push(vi);
            }
        }
    }
    let mut json = json;
    if let Some(o) = json.as_object_mut() {
        o.insert("diagrams".into(), diagrams.into());
    }
    json
}
