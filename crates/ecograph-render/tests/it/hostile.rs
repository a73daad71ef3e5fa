//! Models with hostile names, shared by the backend tests.

use ecograph_core::{
    ElementKind, Model, ModelBuilder, NewElement, NewRelation, RelationKind, Text,
};

/// Labels that break naive writers of XML, DOT and Mermaid.
pub const HOSTILE: &[&str] = &[
    "</text><script>alert(1)</script>",
    "say \"hi\" & 'bye'",
    "back\\slash \\N \\G \\l end\\",
    "line one\nline two\r\nthree",
    "record {a|b} <port> [x]",
    "mermaid #quot; #35; %% ; --> -.- ==> |pipe| `tick` end subgraph",
    "ääkköset – 漢字 – emoji 🚀 – \u{202e}rtl",
    "tab\there\u{0007}bell\u{0000}nul",
    "",
    " ",
];

/// A model whose every name, label and title is hostile, with ids Mermaid would trip
/// on (`end`, `o1`, `x.y`).
pub fn hostile_model() -> Model {
    let t = |i: usize| Text::plain(HOSTILE[i % HOSTILE.len()]);
    let name = |i: usize| {
        // Names must not be empty.
        let s = HOSTILE[i % HOSTILE.len()];
        Text::plain(if s.trim().is_empty() { "·" } else { s })
    };
    ModelBuilder::new()
        .name(t(0))
        .element(NewElement::new("grp", ElementKind::Group, name(0)))
        .element(NewElement::new("end", ElementKind::System, name(1)).parent("grp"))
        .element(NewElement::new("o1", ElementKind::System, name(2)).parent("grp"))
        .element(NewElement::new("x.y", ElementKind::System, name(3)))
        .element(NewElement::new("x_y", ElementKind::System, name(4)))
        .element(NewElement::new("d-1", ElementKind::Data, name(5)))
        .element(NewElement::new("t:1", ElementKind::Task, name(6)))
        .element(NewElement::new("t:2", ElementKind::Task, name(7)).parent("t:1"))
        .element(NewElement::new("subgraph", ElementKind::Actor, name(8)))
        .relation(NewRelation::new(RelationKind::Flow, "end", "x.y").data("d-1"))
        .relation(NewRelation::new(RelationKind::Flow, "o1", "x_y").label(t(3)))
        .relation(NewRelation::new(RelationKind::Uses, "t:2", "end").label(t(4)))
        .relation(NewRelation::new(RelationKind::Linked, "subgraph", "grp").label(t(5)))
        .relation(NewRelation::new(RelationKind::Concerns, "t:1", "o1").label(t(0)))
        .build()
        .expect("the hostile model is valid")
}
