//! The JSON Schema of the model file format, generated from the same tables the parser
//! uses, so that it cannot drift from what `ecograph check` accepts.

use crate::raw::fields;
use crate::{ElementKind, RelationKind, Status};
use serde_json::{Map, Value, json};

fn names(it: impl Iterator<Item = &'static str>) -> Value {
    Value::Array(it.map(Value::from).collect())
}

fn object(fields: &[&str], props: Value, required: &[&str]) -> Value {
    let props = props.as_object().cloned().unwrap_or_default();
    debug_assert!(
        fields.iter().all(|f| props.contains_key(*f)),
        "schema lists every field"
    );
    let mut ordered = Map::new();
    for f in fields {
        if let Some(p) = props.get(*f) {
            ordered.insert((*f).to_owned(), p.clone());
        }
    }
    json!({
        "type": "object",
        "properties": ordered,
        "required": required,
        "additionalProperties": false
    })
}

/// The JSON Schema (draft 2020-12) of format version 1. `ecograph schema` prints it, and
/// `schema/ecograph-1.schema.json` holds a copy for editors. The schema checks shapes and
/// names; `ecograph check` also checks references, cycles and the relation rules.
pub fn json_schema() -> Value {
    let id = json!({ "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:-]*$" });
    let period = json!({
        "type": "string",
        "pattern": "^[0-9]{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?))?$",
        "description": "a year, half, quarter, month or day: 2023, 2023-H2, 2023-Q3, 2023-06, 2023-06-15"
    });
    let duration = json!({ "type": "string", "pattern": "^[0-9]{1,6}[dwmy]$" });
    let text = json!({ "$ref": "#/$defs/text" });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let ids = json!({ "type": "array", "items": { "$ref": "#/$defs/id" } });
    let props = json!({ "type": "object", "additionalProperties": { "type": "string" } });
    let relation_kinds =
        json!({ "type": "array", "items": { "enum": names(RelationKind::names()) } });
    let depth = json!({ "type": "integer", "minimum": 0, "maximum": 1000 });
    let element = object(
        fields::ELEMENT,
        json!({
            "id": { "$ref": "#/$defs/id" },
            "kind": { "enum": names(ElementKind::names()) },
            "name": text, "description": text,
            "parent": { "$ref": "#/$defs/id" },
            "tags": strings, "properties": props,
            "status": { "enum": names(Status::names()), "description": "tasks only" },
            "start": { "$ref": "#/$defs/period", "description": "tasks only" },
            "end": { "$ref": "#/$defs/period", "description": "tasks only" }
        }),
        &["id", "kind", "name"],
    );
    let relation = object(
        fields::RELATION,
        json!({
            "id": { "$ref": "#/$defs/id" },
            "kind": { "enum": names(RelationKind::names()) },
            "from": { "$ref": "#/$defs/id" }, "to": { "$ref": "#/$defs/id" },
            "label": text, "tags": strings, "properties": props,
            "data": { "allOf": [ids], "description": "flow only: the data elements carried" },
            "lag": { "$ref": "#/$defs/duration", "description": "depends_on only" }
        }),
        &["kind", "from", "to"],
    );
    let selector = object(
        fields::SELECTOR,
        json!({
            "kind": { "enum": names(ElementKind::names()) },
            "tag": { "type": "string" },
            "id": { "$ref": "#/$defs/id" },
            "status": { "enum": names(Status::names()) },
            "subtree": { "$ref": "#/$defs/id" },
            "around": { "$ref": "#/$defs/id" },
            "depth": depth, "relations": relation_kinds
        }),
        &[],
    );
    let view = object(
        fields::VIEW,
        json!({
            "id": { "$ref": "#/$defs/id" },
            "title": text, "description": text,
            "include": { "type": "array", "items": { "$ref": "#/$defs/selector" } },
            "exclude": { "type": "array", "items": { "$ref": "#/$defs/selector" } },
            "relations": relation_kinds,
            "group_by_parent": { "type": "boolean" },
            "collapse": object(fields::COLLAPSE, json!({ "ids": ids, "depth": depth }), &[]),
            "direction": { "enum": ["TB", "LR"] },
            "legend": { "type": "boolean" }
        }),
        &["id"],
    );
    let mut doc = object(
        fields::DOC,
        json!({
            "ecograph": { "const": crate::FORMAT_VERSION },
            "$schema": { "type": "string" },
            "name": text, "description": text,
            "languages": { "type": "array", "items": { "type": "string", "pattern": "^[A-Za-z0-9-]{1,35}$" }, "minItems": 1 },
            "elements": { "type": "array", "items": { "$ref": "#/$defs/element" } },
            "relations": { "type": "array", "items": { "$ref": "#/$defs/relation" } },
            "views": { "type": "array", "items": { "$ref": "#/$defs/view" } }
        }),
        &["ecograph"],
    );
    if let Value::Object(m) = &mut doc {
        let mut head = Map::new();
        head.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        head.insert(
            "$id".into(),
            json!("https://ecograph.invalid/schema/ecograph-1.schema.json"),
        );
        head.insert("title".into(), json!("ecograph model, format version 1"));
        head.extend(std::mem::take(m));
        head.insert(
            "$defs".into(),
            json!({
                "id": id, "period": period, "duration": duration,
                "text": {
                    "description": "a string in the default language, or an object from language code to string",
                    "oneOf": [ { "type": "string" }, { "type": "object", "additionalProperties": { "type": "string" } } ]
                },
                "element": element, "relation": relation, "view": view, "selector": selector
            }),
        );
        *m = head;
    }
    doc
}
