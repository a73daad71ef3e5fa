//! `ModelParts` is checked like the JSON text it stands for: the same model, and the same
//! diagnostics in the same order at the same places.

use ecograph_core::{ElementParts, Model, ModelParts, RelationParts, TextParts};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::path::Path;

fn s(v: &Value) -> Option<Cow<'_, str>> {
    v.as_str().map(Cow::Borrowed)
}

fn text(v: &Value) -> Option<TextParts<'_>> {
    match v {
        Value::String(t) => Some(TextParts::Plain(Cow::Borrowed(t))),
        Value::Object(m) => m
            .iter()
            .map(|(l, v)| Some((Cow::Borrowed(l.as_str()), s(v)?)))
            .collect::<Option<Vec<_>>>()
            .map(TextParts::Languages),
        _ => None,
    }
}

fn strs(v: &Value) -> Option<Vec<Cow<'_, str>>> {
    v.as_array()?.iter().map(s).collect()
}

fn props(v: &Value) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
    v.as_object()?
        .iter()
        .map(|(k, v)| Some((Cow::Borrowed(k.as_str()), s(v)?)))
        .collect()
}

/// Keys in the order the parts' text writes them; `None` when a key is not one of them.
fn ordered(m: &Map<String, Value>, order: &[&str]) -> Option<Map<String, Value>> {
    if m.keys().any(|k| !order.contains(&k.as_str())) {
        return None;
    }
    Some(
        order
            .iter()
            .filter_map(|k| m.get(*k).map(|v| ((*k).to_owned(), v.clone())))
            .collect(),
    )
}

const DOC: &[&str] = &[
    "$schema",
    "ecograph",
    "name",
    "description",
    "languages",
    "elements",
    "relations",
    "views",
];
const ELEMENT: &[&str] = &[
    "id",
    "kind",
    "name",
    "description",
    "parent",
    "tags",
    "properties",
    "status",
    "start",
    "end",
];
const RELATION: &[&str] = &[
    "id",
    "kind",
    "from",
    "to",
    "label",
    "tags",
    "properties",
    "data",
    "lag",
];

/// The document as parts, with its JSON text in the parts' field order; `None` when
/// the document holds something parts cannot say (a value of the wrong type, an
/// unknown key, a missing required field).
fn parts_of<'a>(doc: &'a Value, views: &'a mut String) -> Option<(ModelParts<'a>, String)> {
    let m = doc.as_object()?;
    let mut top = ordered(m, DOC)?;
    if m.get("ecograph") != Some(&Value::from(1)) {
        return None;
    }
    let mut parts = ModelParts::new();
    if let Some(v) = m.get("$schema") {
        parts.schema(s(v)?);
    }
    if let Some(v) = m.get("name") {
        parts.name(text(v)?);
    }
    if let Some(v) = m.get("description") {
        parts.description(text(v)?);
    }
    if let Some(v) = m.get("languages") {
        parts.languages(strs(v)?);
    }
    let mut elements = Vec::new();
    for e in m
        .get("elements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let e = e.as_object()?;
        elements.push(Value::Object(ordered(e, ELEMENT)?));
        let mut p = ElementParts::new(s(e.get("id")?)?, s(e.get("kind")?)?, text(e.get("name")?)?);
        if let Some(v) = e.get("description") {
            p.description(text(v)?);
        }
        if let Some(v) = e.get("parent") {
            p.parent(s(v)?);
        }
        if let Some(v) = e.get("tags") {
            p.tags(strs(v)?);
        }
        if let Some(v) = e.get("properties") {
            p.properties(props(v)?);
        }
        for (k, set) in [
            (
                "status",
                ElementParts::status as fn(&mut ElementParts<'a>, Cow<'a, str>),
            ),
            ("start", ElementParts::start),
            ("end", ElementParts::end),
        ] {
            if let Some(v) = e.get(k) {
                set(&mut p, s(v)?);
            }
        }
        parts.element(p);
    }
    let mut relations = Vec::new();
    for r in m
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let r = r.as_object()?;
        relations.push(Value::Object(ordered(r, RELATION)?));
        let mut p = RelationParts::new(s(r.get("kind")?)?, s(r.get("from")?)?, s(r.get("to")?)?);
        if let Some(v) = r.get("id") {
            p.id(s(v)?);
        }
        if let Some(v) = r.get("label") {
            p.label(text(v)?);
        }
        if let Some(v) = r.get("tags") {
            p.tags(strs(v)?);
        }
        if let Some(v) = r.get("properties") {
            p.properties(props(v)?);
        }
        if let Some(v) = r.get("data") {
            p.data(strs(v)?);
        }
        if let Some(v) = r.get("lag") {
            p.lag(s(v)?);
        }
        parts.relation(p);
    }
    // Parts always have both lists.
    top.insert("elements".into(), Value::Array(elements));
    top.insert("relations".into(), Value::Array(relations));
    let top = ordered(&top, DOC)?;
    if let Some(v) = m.get("views") {
        *views = v.to_string();
        parts.views_json(views);
    }
    Some((parts, Value::Object(top).to_string()))
}

type Summary = Vec<(
    String,
    String,
    String,
    Option<usize>,
    Option<usize>,
    Option<String>,
)>;

fn summary(c: &ecograph_core::Checked) -> Summary {
    c.diagnostics
        .iter()
        .map(|d| {
            (
                d.code().to_owned(),
                d.path(),
                d.message().to_owned(),
                d.line(),
                d.column(),
                d.suggestion().map(str::to_owned),
            )
        })
        .collect()
}

/// Every invalid fixture parts can express gives, as parts, the diagnostics its text
/// gives: the same, in the same order, at the same line and column.
#[test]
fn parts_give_the_diagnostics_of_their_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut compared = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(doc) = serde_json::from_str::<Value>(&std::fs::read_to_string(&path).expect("read"))
        else {
            continue;
        };
        let mut views = String::new();
        let Some((parts, text)) = parts_of(&doc, &mut views) else {
            continue;
        };
        let from_text = Model::check_str(&text, Some("m.json"));
        let from_parts = parts.check(Some("m.json"));
        assert_eq!(
            summary(&from_parts),
            summary(&from_text),
            "{}",
            path.display()
        );
        assert_eq!(from_parts.model.is_some(), from_text.model.is_some());
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} fixtures compared");
}

/// A valid model as parts is the model its text gives, warnings included.
#[test]
fn parts_give_the_model_of_their_text() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/te24.json"),
    )
    .expect("te24");
    let doc: Value = serde_json::from_str(&src).expect("json");
    let mut views = String::new();
    let (parts, text) = parts_of(&doc, &mut views).expect("te24 as parts");
    let from_text = Model::check_str(&text, None);
    let from_parts = parts.check(None);
    assert_eq!(summary(&from_parts), summary(&from_text));
    let (a, b) = (
        from_parts.model.expect("valid"),
        from_text.model.expect("valid"),
    );
    assert_eq!(a.to_canonical_json(), b.to_canonical_json());
    assert_eq!(
        a.element_count(),
        Model::check_str(&src, None)
            .model
            .expect("valid")
            .element_count()
    );
}

/// Views given as text that does not parse are reported where the document's text has
/// them, as a syntax error.
#[test]
fn views_that_do_not_parse_are_a_syntax_error() {
    let mut parts = ModelParts::new();
    parts.element(ElementParts::new(
        "a",
        "system",
        TextParts::Plain("A".into()),
    ));
    parts.views_json("[{\"id\": \"v\",]");
    let checked = parts.check(None);
    assert!(checked.model.is_none());
    let d = checked.diagnostics.errors().next().expect("an error");
    assert_eq!(d.code(), "syntax");
    assert_eq!(d.line(), Some(1));
}

/// A long list of relations as parts is checked in two halves on two threads: the
/// model and the diagnostics are those of the text (checked in order), whether the
/// halves are clean, one has a problem, or both give the same relation id.
#[test]
fn long_relation_lists_give_what_their_text_gives() {
    let n = 33_000;
    // Each case changes a field of some relations: (relation, key, value).
    let doc = |changes: &[(usize, &str, &str)]| -> Value {
        let elements: Vec<Value> = (0..500)
            .map(|i| serde_json::json!({"id": format!("e{i}"), "kind": "group", "name": format!("E{i}")}))
            .collect();
        let relations: Vec<Value> = (0..n)
            .map(|j| {
                let mut r = Map::new();
                if j % 7 == 0 {
                    r.insert("id".into(), Value::from(format!("r{j}")));
                }
                r.insert("kind".into(), Value::from("linked"));
                r.insert("from".into(), Value::from(format!("e{}", j % 500)));
                r.insert("to".into(), Value::from(format!("e{}", (j * 7 + 1) % 500)));
                for (at, key, value) in changes {
                    if *at == j {
                        r.insert((*key).to_owned(), Value::from(*value));
                    }
                }
                Value::Object(r)
            })
            .collect();
        serde_json::json!({"ecograph": 1, "elements": elements, "relations": relations})
    };
    let cases: Vec<(&str, Value)> = vec![
        ("clean", doc(&[])),
        (
            "an unknown end in the second half",
            doc(&[(30_001, "to", "e1x")]),
        ),
        (
            "unknown ends in both halves",
            doc(&[(101, "to", "e1x"), (30_001, "from", "e2x")]),
        ),
        (
            "an id in both halves",
            doc(&[(101, "id", "twice"), (30_001, "id", "twice")]),
        ),
        (
            "an id twice in the second half",
            doc(&[(20_001, "id", "twice"), (30_001, "id", "twice")]),
        ),
        (
            "an id of the first half again in the second",
            doc(&[(30_001, "id", "r7")]),
        ),
    ];
    for (what, doc) in cases {
        let mut views = String::new();
        let (parts, text) = parts_of(&doc, &mut views).expect("parts");
        let from_text = Model::check_str(&text, Some("m.json"));
        let from_parts = parts.check(Some("m.json"));
        assert_eq!(summary(&from_parts), summary(&from_text), "{what}");
        match (from_parts.model, from_text.model) {
            (Some(a), Some(b)) => {
                assert_eq!(what, "clean");
                assert_eq!(a.relation_count(), n);
                assert_eq!(a.to_canonical_json(), b.to_canonical_json());
            }
            (None, None) => assert_ne!(what, "clean"),
            _ => panic!("{what}: one is valid, the other not"),
        }
    }
}
