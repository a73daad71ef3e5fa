//! Random models for property tests: systems in a random containment forest (parents may
//! come later in the file) with random `flow`, `uses` and `linked` relations.

use proptest::prelude::*;
use serde_json::json;

/// A generated model: its JSON text, parents and relations `(kind, from, to)` by index.
#[derive(Debug, Clone)]
pub struct Shape {
    pub n: usize,
    pub parent: Vec<Option<usize>>,
    pub relations: Vec<(&'static str, usize, usize)>,
}

impl Shape {
    pub fn json(&self) -> String {
        let elements: Vec<_> = (0..self.n)
            .map(|i| {
                let mut e =
                    json!({ "id": format!("e{i}"), "kind": "system", "name": format!("E{i}") });
                if let Some(p) = self.parent[i] {
                    e["parent"] = json!(format!("e{p}"));
                }
                if i % 3 == 0 {
                    e["tags"] = json!(["t"]);
                }
                e
            })
            .collect();
        let relations: Vec<_> = self
            .relations
            .iter()
            .map(|(k, f, t)| json!({ "kind": k, "from": format!("e{f}"), "to": format!("e{t}") }))
            .collect();
        json!({ "ecograph": 1, "elements": elements, "relations": relations }).to_string()
    }
}

pub fn shape(max: usize) -> impl Strategy<Value = Shape> {
    (2..max)
        .prop_flat_map(|n| {
            let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
            let parents = proptest::collection::vec(
                proptest::option::weighted(0.6, any::<prop::sample::Index>()),
                n,
            );
            let rels = proptest::collection::vec(
                (
                    prop::sample::select(vec!["flow", "uses", "linked"]),
                    0..n,
                    0..n,
                ),
                0..n * 3,
            );
            (Just(n), order, parents, rels)
        })
        .prop_map(|(n, order, parents, rels)| {
            // The element at position k of `order` may only be inside one placed before it.
            let mut parent = vec![None; n];
            for (k, &e) in order.iter().enumerate() {
                if k > 0 {
                    parent[e] = parents[e].map(|ix| order[ix.index(k)]);
                }
            }
            let relations = rels.into_iter().filter(|(_, f, t)| f != t).collect();
            Shape {
                n,
                parent,
                relations,
            }
        })
}
