//! Collapse and containment against a brute-force oracle: which elements a view draws
//! and which drawn node contains which, computed by walking every element's ancestors.

use ecograph_core::{ElementKind, Model, ModelBuilder, NewElement, Text, View};
use ecograph_render::{Diagram, Options};
use proptest::prelude::*;

/// A forest: element `i`'s parent is one of the elements before it, or none.
fn forest(parents: &[Option<usize>]) -> Model {
    let mut b = ModelBuilder::new();
    for (i, p) in parents.iter().enumerate() {
        let mut e = NewElement::new(
            format!("g{i}"),
            ElementKind::Group,
            Text::plain(format!("G{i}")),
        );
        if let Some(p) = p {
            e = e.parent(format!("g{p}"));
        }
        b = b.element(e);
    }
    b.build().expect("a forest is a valid model")
}

/// The oracle: the outermost ancestor (root first) that is collapsed by id or sits at
/// the collapse depth draws the element; a drawn node's parent is its nearest drawn
/// ancestor.
fn oracle(model: &Model, ids: &[String], depth: Option<usize>) -> Vec<(String, Option<String>)> {
    let rep = |e: ecograph_core::Element<'_>| -> usize {
        let mut chain: Vec<_> = e.ancestors().collect();
        chain.reverse();
        chain
            .iter()
            .enumerate()
            .find(|(d, a)| ids.iter().any(|i| i == a.id().as_str()) || depth == Some(*d))
            .map_or(e.index(), |(_, a)| a.index())
    };
    let mut drawn = vec![false; model.element_count()];
    for e in model.elements() {
        drawn[rep(e)] = true;
    }
    model
        .elements()
        .filter(|e| drawn[e.index()])
        .map(|e| {
            let parent = e.ancestors().find(|a| drawn[a.index()]);
            (e.id().to_string(), parent.map(|p| p.id().to_string()))
        })
        .collect()
}

fn drawn(model: &Model, ids: &[String], depth: Option<usize>) -> Vec<(String, Option<String>)> {
    let mut v = View::new("v");
    v.collapse.ids = ids.to_vec();
    v.collapse.depth = depth;
    let d = Diagram::new(model, &v, &Options::default().max_nodes(usize::MAX)).expect("resolves");
    d.nodes()
        .iter()
        .map(|n| {
            (
                n.element().id().to_string(),
                n.parent().map(|p| d.nodes()[p].element().id().to_string()),
            )
        })
        .collect()
}

fn case() -> impl Strategy<Value = (Vec<Option<usize>>, Vec<usize>, Option<usize>)> {
    (1usize..40).prop_flat_map(|n| {
        let parents = (0..n)
            .map(|i| {
                if i == 0 {
                    Just(None).boxed()
                } else {
                    // Mostly deep: the parent is among the previous three elements.
                    prop_oneof![
                        1 => Just(None),
                        6 => (i.saturating_sub(3)..i).prop_map(Some),
                    ]
                    .boxed()
                }
            })
            .collect::<Vec<_>>();
        (
            parents,
            proptest::collection::vec(0..n, 0..4),
            proptest::option::of(0usize..8),
        )
    })
}

proptest! {
    #[test]
    fn collapse_draws_what_the_oracle_draws((parents, collapsed, depth) in case()) {
        let model = forest(&parents);
        let ids: Vec<String> = collapsed.iter().map(|i| format!("g{i}")).collect();
        prop_assert_eq!(drawn(&model, &ids, depth), oracle(&model, &ids, depth));
    }
}
