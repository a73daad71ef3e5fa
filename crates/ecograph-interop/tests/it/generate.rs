//! Random valid models for the round-trip properties: every field of the format, every
//! element kind and relation kind, texts with markup, line ends and non-ASCII letters.

use ecograph_core::{ElementKind, Model, RelationKind};
use serde_json::{Map, Value, json};

/// A small deterministic generator (xorshift64*), driven by proptest's seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const WORDS: &[&str] = &[
    "Työmarkkinatori",
    "KEHA",
    "a < b & c > d",
    "\"quoted\" 'single'",
    "line one\nline two",
    "crlf\r\nend",
    "tab\there",
    "  padded  ",
    "emoji 🚢",
    "=formula",
    "comma, semicolon;",
    "plain",
];

fn word(r: &mut Rng) -> String {
    WORDS[r.below(WORDS.len())].to_owned()
}

fn text(r: &mut Rng, langs: &[&str]) -> Value {
    if r.chance(30) {
        return Value::from(format!("{} {}", word(r), r.below(1000)));
    }
    let mut m = Map::new();
    for (i, l) in langs.iter().enumerate() {
        if i == 0 || r.chance(70) {
            m.insert(
                (*l).to_owned(),
                Value::from(format!("{} {l}{}", word(r), r.below(100))),
            );
        }
    }
    Value::Object(m)
}

fn kind_ok(k: RelationKind, from: ElementKind, to: ElementKind) -> bool {
    k.allowed_from().contains(&from) && k.allowed_to().contains(&to)
}

/// A valid model of about `n` elements.
pub fn model(seed: u64, n: usize) -> Model {
    let mut r = Rng::new(seed);
    let langs: &[&str] = match r.below(3) {
        0 => &["en"],
        1 => &["fi", "en"],
        _ => &["sv", "fi", "en"],
    };
    let n = n.max(2);
    let mut kinds: Vec<ElementKind> = Vec::new();
    let mut elements: Vec<Value> = Vec::new();
    for i in 0..n {
        let kind = ElementKind::ALL[r.below(ElementKind::ALL.len())];
        let id = match r.below(5) {
            0 => format!("e_{i}"),
            1 => format!("{i}x"),
            2 => format!("ns:e.{i}"),
            _ => format!("e{i}"),
        };
        let mut m = Map::new();
        m.insert("id".into(), Value::from(id));
        m.insert("kind".into(), Value::from(kind.as_str()));
        m.insert("name".into(), text(&mut r, langs));
        if r.chance(40) {
            m.insert("description".into(), text(&mut r, langs));
        }
        // A parent: an earlier element of the same kind or a group.
        if i > 0 && r.chance(40) {
            let p = r.below(i);
            if kinds[p] == kind || kinds[p] == ElementKind::Group {
                m.insert("parent".into(), elements[p]["id"].clone());
            }
        }
        if r.chance(30) {
            m.insert("tags".into(), json!([word(&mut r), "t2"]));
        }
        if r.chance(30) {
            m.insert(
                "properties".into(),
                // The empty key too: the format allows it.
                json!({ "owner": word(&mut r), "cost €": "12", "": "blank key" }),
            );
        }
        if kind == ElementKind::Task {
            if r.chance(60) {
                m.insert(
                    "status".into(),
                    Value::from(
                        ["not_started", "in_progress", "done", "blocked", "cancelled"][r.below(5)],
                    ),
                );
            }
            if r.chance(50) {
                m.insert("start".into(), Value::from("2023-H2"));
                m.insert(
                    "end".into(),
                    Value::from(["2024", "2024-Q3", "2024-06-30"][r.below(3)]),
                );
            }
        }
        kinds.push(kind);
        elements.push(Value::Object(m));
    }
    let ids: Vec<String> = elements
        .iter()
        .map(|e| e["id"].as_str().unwrap_or("").to_owned())
        .collect();
    let data: Vec<usize> = (0..n).filter(|i| kinds[*i] == ElementKind::Data).collect();
    let mut relations: Vec<Value> = Vec::new();
    let mut rel_ids = 0;
    for _ in 0..n * 2 {
        let k = RelationKind::ALL[r.below(RelationKind::ALL.len())];
        let (a, b) = (r.below(n), r.below(n));
        // depends_on only from a later to an earlier element: no cycle.
        let (a, b) = if k == RelationKind::DependsOn {
            (a.max(b), a.min(b))
        } else {
            (a, b)
        };
        if a == b && k == RelationKind::DependsOn {
            continue;
        }
        if !kind_ok(k, kinds[a], kinds[b]) {
            continue;
        }
        let mut m = Map::new();
        if r.chance(40) {
            rel_ids += 1;
            m.insert(
                "id".into(),
                Value::from(if r.chance(50) {
                    format!("r{rel_ids}")
                } else {
                    ids[r.below(n)].clone() + "-rel"
                }),
            );
        }
        m.insert("kind".into(), Value::from(k.as_str()));
        m.insert("from".into(), Value::from(ids[a].as_str()));
        m.insert("to".into(), Value::from(ids[b].as_str()));
        if r.chance(30) {
            m.insert("label".into(), text(&mut r, langs));
        }
        if k == RelationKind::Flow && !data.is_empty() && r.chance(70) {
            let d1 = data[r.below(data.len())];
            let d2 = data[r.below(data.len())];
            let mut ds = vec![Value::from(ids[d1].as_str())];
            if d2 != d1 {
                ds.push(Value::from(ids[d2].as_str()));
            }
            m.insert("data".into(), Value::Array(ds));
        }
        if k == RelationKind::DependsOn && r.chance(40) {
            m.insert("lag".into(), Value::from("2w"));
        }
        if r.chance(20) {
            m.insert("tags".into(), json!(["x"]));
        }
        if r.chance(20) {
            m.insert("properties".into(), json!({ "note": word(&mut r) }));
        }
        relations.push(Value::Object(m));
    }
    // Relation ids must be unique among relations.
    let mut seen = std::collections::HashSet::new();
    for rel in &mut relations {
        if let Some(id) = rel.get("id").and_then(Value::as_str).map(str::to_owned)
            && !seen.insert(id)
            && let Some(o) = rel.as_object_mut()
        {
            o.remove("id");
        }
    }
    let mut views = vec![json!({ "id": "all", "title": text(&mut r, langs) })];
    if r.chance(50) {
        views.push(json!({
            "id": "sys:view",
            "include": [{ "kind": "system" }, { "kind": "data" }, { "id": ids[0] }],
            "direction": "LR",
            "group_by_parent": false,
            "legend": false
        }));
    }
    let mut doc = Map::new();
    doc.insert("ecograph".into(), json!(1));
    if r.chance(70) {
        doc.insert("name".into(), text(&mut r, langs));
    }
    if r.chance(50) {
        doc.insert("description".into(), text(&mut r, langs));
    }
    doc.insert("languages".into(), json!(langs));
    doc.insert("elements".into(), Value::Array(elements));
    doc.insert("relations".into(), Value::Array(relations));
    doc.insert("views".into(), Value::Array(views));
    let text = Value::Object(doc).to_string();
    match Model::from_json_str(&text) {
        Ok(m) => m,
        Err(e) => panic!("the generator made an invalid model: {e:?}\n{text}"),
    }
}
