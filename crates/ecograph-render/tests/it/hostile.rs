//! Models with hostile names, shared by the backend tests.

use ecograph_core::{
    ElementKind, Model, ModelBuilder, NewElement, NewRelation, RelationKind, Text,
};

/// Labels that break naive writers of XML, DOT and Mermaid.
pub const HOSTILE: &[&str] = &[
    "</text><script>alert(1)</script>",
    "say \"hi\" & 'bye' R&amp;D &#65; &lt;b&gt;",
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

/// Names Mermaid itself would read as syntax: directives (`%%{init: ...}%%`), comments,
/// entity codes, keywords, markdown strings.
pub const MERMAID_HOSTILE: &[&str] = &[
    "%%{init:{'theme':'forest'}}%%",
    "A %%{init:{'theme':'dark'}}%%",
    "%% a comment",
    "50% done, 100%% sure",
    "#quot; #35; #lt;b#gt; &amp; &lt;i&gt;",
    "`**markdown**` and *stars*",
    "end",
    "subgraph x",
    "click e_a call alert()",
    "classDef k fill:#f00",
    "a --> b ; c -.-> d",
    "{{hex}} [(db)] ((circle)) >flag]",
    "ääkköset – 漢字 – emoji 🚀",
    "$$x^2$$ costs $5",
];

/// A model whose names, titles, labels and data names are the [`MERMAID_HOSTILE`]
/// strings, in groups (subgraph titles), nodes, edge labels and the view title.
pub fn mermaid_hostile_model() -> Model {
    let h = |i: usize| Text::plain(MERMAID_HOSTILE[i % MERMAID_HOSTILE.len()]);
    let mut b = ModelBuilder::new()
        .name(h(0))
        .element(NewElement::new("g0", ElementKind::Group, h(0)))
        .element(NewElement::new("g1", ElementKind::Group, h(1)).parent("g0"));
    for i in 0..MERMAID_HOSTILE.len() {
        // Ids Mermaid would rewrite (`style`, `classDef`) on some of the nodes.
        let id = match i {
            2 => "style".to_owned(),
            4 => "classDef".to_owned(),
            _ => format!("s{i}"),
        };
        let mut e = NewElement::new(&id, ElementKind::System, h(i));
        if i % 3 == 1 {
            e = e.parent("g1");
        }
        b = b.element(e);
        b = b.element(NewElement::new(
            format!("d{i}"),
            ElementKind::Data,
            h(i + 5),
        ));
    }
    for i in 0..MERMAID_HOSTILE.len() {
        let sid = |i: usize| match i {
            2 => "style".to_owned(),
            4 => "classDef".to_owned(),
            _ => format!("s{i}"),
        };
        let from = sid(i);
        let to = sid((i + 1) % MERMAID_HOSTILE.len());
        b = b.relation(if i % 2 == 0 {
            NewRelation::new(RelationKind::Flow, &from, &to).data(format!("d{i}"))
        } else {
            NewRelation::new(RelationKind::Uses, &from, &to).label(h(i + 3))
        });
    }
    b.build().expect("the Mermaid-hostile model is valid")
}
