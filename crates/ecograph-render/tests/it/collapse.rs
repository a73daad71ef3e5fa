//! Collapse, containment and selection against a brute-force oracle: which elements a
//! view draws, which drawn node contains which and which lines join them, computed by
//! testing every element against every selector and walking its ancestors.

use ecograph_core::{
    Direction, Element, ElementKind, Model, ModelBuilder, NewElement, NewRelation, RelationKind,
    Selector, Text, View,
};
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

/// The parents of `n` elements, each a root or, `weight` times as often, one of the
/// `reach` elements before it (the first always a root).
fn parents(n: usize, reach: usize, weight: u32) -> Vec<BoxedStrategy<Option<usize>>> {
    (0..n)
        .map(|i| {
            if i == 0 {
                Just(None).boxed()
            } else {
                prop_oneof![
                    1 => Just(None),
                    weight => (i.saturating_sub(reach)..i).prop_map(Some),
                ]
                .boxed()
            }
        })
        .collect()
}

fn case() -> impl Strategy<Value = (Vec<Option<usize>>, Vec<usize>, Option<usize>)> {
    (1usize..40).prop_flat_map(|n| {
        // Mostly deep: the parent is among the previous three elements.
        let parents = parents(n, 3, 6);
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

/// A selector as drawn by the strategy: `(which, element, depth)`.
type Pick = (u8, usize, usize);

fn selector((which, e, depth): Pick) -> Selector {
    match which % 5 {
        0 => Selector::Id(format!("e{e}")),
        1 => Selector::Subtree(format!("e{e}")),
        2 => Selector::Kind(if e.is_multiple_of(2) {
            ElementKind::Group
        } else {
            ElementKind::System
        }),
        3 => Selector::Tag("t".into()),
        _ => Selector::Around {
            id: format!("e{e}"),
            depth: depth % 3,
            relations: if e.is_multiple_of(2) {
                Vec::new()
            } else {
                vec![RelationKind::Linked]
            },
        },
    }
}

/// Elements `e{i}` (every third a group, the others systems; `tagged` ones tagged `t`)
/// in a forest (a group whose drawn parent is a system is a root instead), and
/// relations between them: `flow` between two systems, else `linked`.
fn graph(parents: &[Option<usize>], tagged: &[bool], rels: &[(usize, usize)]) -> Model {
    let kind = |i: usize| {
        if i.is_multiple_of(3) {
            ElementKind::Group
        } else {
            ElementKind::System
        }
    };
    let mut b = ModelBuilder::new();
    for (i, p) in parents.iter().enumerate() {
        let mut e = NewElement::new(format!("e{i}"), kind(i), Text::plain(format!("E{i}")));
        if let Some(p) = p.filter(|&p| kind(i) == ElementKind::System || kind(p) == kind(i)) {
            e = e.parent(format!("e{p}"));
        }
        if tagged.get(i).copied().unwrap_or(false) {
            e = e.tag("t");
        }
        b = b.element(e);
    }
    for &(from, to) in rels {
        let k = if kind(from) == ElementKind::System && kind(to) == ElementKind::System {
            RelationKind::Flow
        } else {
            RelationKind::Linked
        };
        b = b.relation(NewRelation::new(k, format!("e{from}"), format!("e{to}")));
    }
    b.build().expect("a valid model")
}

/// A drawn node as `(id, container id, hidden count)`, a drawn line as `(kind, from id,
/// to id, relation positions)`.
type Drawing = (
    Vec<(String, Option<String>, usize)>,
    Vec<(RelationKind, String, String, Vec<usize>)>,
);

fn picks(model: &Model, s: &Selector, e: Element<'_>) -> bool {
    let is = |id: &str| e.id().as_str() == id;
    match s {
        Selector::Id(id) => is(id),
        Selector::Subtree(id) => is(id) || e.ancestors().any(|a| a.id().as_str() == id),
        Selector::Kind(k) => e.kind() == *k,
        Selector::Tag(t) => e.has_tag(t),
        Selector::Around {
            id,
            depth,
            relations,
        } => {
            let centre = model.element(id).expect("generated");
            is(id)
                || model
                    .neighbours(centre, *depth, relations, Direction::Both)
                    .any(|(n, _)| n == e)
        }
        _ => false,
    }
}

/// The oracle: every element tested against every selector, the outermost collapsed
/// ancestor found by walking up, the nearest drawn ancestor likewise, every relation
/// tested in file order.
fn view_oracle(model: &Model, v: &View) -> Drawing {
    let excluded = |e: Element<'_>| v.exclude.iter().any(|s| picks(model, s, e));
    let selected = |e: Element<'_>| {
        (v.include.is_empty() || v.include.iter().any(|s| picks(model, s, e))) && !excluded(e)
    };
    let rep = |e: Element<'_>| -> Option<usize> {
        if !selected(e) {
            return None;
        }
        let mut chain: Vec<_> = e.ancestors().collect();
        chain.reverse();
        let target = chain
            .iter()
            .enumerate()
            .find(|(d, a)| {
                v.collapse.ids.iter().any(|i| i == a.id().as_str()) || v.collapse.depth == Some(*d)
            })
            .map_or(e, |(_, a)| *a);
        (!excluded(target)).then_some(target.index())
    };
    let reps: Vec<Option<usize>> = model.elements().map(rep).collect();
    let mut hidden = vec![0usize; model.element_count()];
    let mut drawn = vec![false; model.element_count()];
    for (i, r) in reps.iter().enumerate() {
        if let Some(r) = *r {
            drawn[r] = true;
            hidden[r] += usize::from(i != r);
        }
    }
    let nodes = model
        .elements()
        .filter(|e| drawn[e.index()])
        .map(|e| {
            let parent = e
                .ancestors()
                .find(|a| drawn[a.index()])
                .filter(|_| v.group_by_parent);
            (
                e.id().to_string(),
                parent.map(|p| p.id().to_string()),
                hidden[e.index()],
            )
        })
        .collect();
    let mut lines: Vec<(RelationKind, usize, usize, Vec<usize>)> = Vec::new();
    for r in model.relations() {
        let (Some(f), Some(t)) = (reps[r.from().index()], reps[r.to().index()]) else {
            continue;
        };
        if f == t || !v.draws_relation(r.kind()) {
            continue;
        }
        let same = |&(k, a, b, _): &(RelationKind, usize, usize, Vec<usize>)| {
            k == r.kind() && ((a, b) == (f, t) || (!k.is_directed() && (a, b) == (t, f)))
        };
        match lines.iter_mut().find(|l| same(l)) {
            Some(l) => l.3.push(r.index()),
            None => lines.push((r.kind(), f, t, vec![r.index()])),
        }
    }
    let id = |i: usize| model.element_at(i).expect("drawn").id().to_string();
    let lines = lines
        .into_iter()
        .map(|(k, f, t, rs)| (k, id(f), id(t), rs))
        .collect();
    (nodes, lines)
}

fn view_drawn(model: &Model, v: &View) -> Drawing {
    let d = Diagram::new(model, v, &Options::default().max_nodes(usize::MAX)).expect("resolves");
    let id = |i: usize| d.nodes()[i].element().id().to_string();
    let nodes = d
        .nodes()
        .iter()
        .map(|n| (n.element().id().to_string(), n.parent().map(id), n.hidden()))
        .collect();
    let lines = d
        .edges()
        .iter()
        .map(|e| {
            (
                e.kind(),
                id(e.from()),
                id(e.to()),
                e.relations().iter().map(|r| r.index()).collect(),
            )
        })
        .collect();
    (nodes, lines)
}

/// A model (parents, tags, relations) and a view (include, exclude, collapse ids and
/// depth, whether containment is drawn).
type ViewCase = (
    Vec<Option<usize>>,
    Vec<bool>,
    Vec<(usize, usize)>,
    Vec<Pick>,
    Vec<Pick>,
    Vec<usize>,
    Option<usize>,
    bool,
);

fn view_case() -> impl Strategy<Value = ViewCase> {
    (1usize..30).prop_flat_map(|n| {
        let parents = parents(n, 4, 4);
        let pick = (0u8..5, 0..n, 0usize..3);
        (
            parents,
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec((0..n, 0..n), 0..40)
                .prop_map(|v| v.into_iter().filter(|(a, b)| a != b).collect()),
            proptest::collection::vec(pick.clone(), 0..4),
            proptest::collection::vec(pick, 0..3),
            proptest::collection::vec(0..n, 0..3),
            proptest::option::of(0usize..5),
            any::<bool>(),
        )
    })
}

proptest! {
    #[test]
    fn views_draw_what_the_oracle_draws(
        (parents, tagged, rels, include, exclude, collapsed, depth, grouped) in view_case()
    ) {
        let model = graph(&parents, &tagged, &rels);
        let mut v = View::new("v");
        v.include = include.into_iter().map(selector).collect();
        v.exclude = exclude.into_iter().map(selector).collect();
        v.collapse.ids = collapsed.iter().map(|i| format!("e{i}")).collect();
        v.collapse.depth = depth;
        v.group_by_parent = grouped;
        let want = view_oracle(&model, &v);
        prop_assert_eq!(view_drawn(&model, &v), want.clone());
        // One node fewer allowed: refused, counting the nodes it would draw.
        if let Some(limit) = want.0.len().checked_sub(1) {
            let refused = Diagram::new(&model, &v, &Options::default().max_nodes(limit));
            let counted = match refused {
                Err(ecograph_render::Error::TooManyNodes { nodes, .. }) => Some(nodes),
                _ => None,
            };
            prop_assert_eq!(counted, Some(want.0.len()));
        }
    }
}
