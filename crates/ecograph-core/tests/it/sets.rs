//! `ElementSet` against a brute-force oracle over `BTreeSet<usize>`.

use crate::shapes::{Shape, shape};
use ecograph_core::{Direction, ElementKind, ElementSet, Error, Model, RelationKind, Selector};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn indices(s: &ElementSet) -> BTreeSet<usize> {
    s.iter().map(|e| e.index()).collect()
}

fn follows(kind: &str, kinds: &[RelationKind]) -> bool {
    kinds.is_empty() || kinds.iter().any(|k| k.as_str() == kind)
}

/// Everything within `depth` steps of `start`, minus `start`, by repeated relaxation.
fn oracle_neighbours(
    shape: &Shape,
    start: &BTreeSet<usize>,
    depth: usize,
    kinds: &[RelationKind],
    dir: Direction,
) -> BTreeSet<usize> {
    let mut reach = start.clone();
    for _ in 0..depth {
        let mut next = reach.clone();
        for &(k, f, t) in &shape.relations {
            if !follows(k, kinds) {
                continue;
            }
            let both = k == "linked" || dir == Direction::Both;
            if (both || dir == Direction::Outgoing) && reach.contains(&f) {
                next.insert(t);
            }
            if (both || dir == Direction::Incoming) && reach.contains(&t) {
                next.insert(f);
            }
        }
        reach = next;
    }
    reach.difference(start).copied().collect()
}

fn oracle_ancestors(shape: &Shape, of: &BTreeSet<usize>) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for &i in of {
        let mut at = shape.parent[i];
        while let Some(p) = at {
            out.insert(p);
            at = shape.parent[p];
        }
    }
    out
}

fn oracle_descendants(shape: &Shape, of: &BTreeSet<usize>) -> BTreeSet<usize> {
    (0..shape.n)
        .filter(|&i| {
            oracle_ancestors(shape, &BTreeSet::from([i]))
                .iter()
                .any(|a| of.contains(a))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn set_operations_match_btreeset(
        shape in shape(150),
        a in proptest::collection::vec(any::<prop::sample::Index>(), 0..60),
        b in proptest::collection::vec(any::<prop::sample::Index>(), 0..60),
        depth in 0usize..4,
        dir in prop::sample::select(vec![Direction::Outgoing, Direction::Incoming, Direction::Both]),
        kinds in prop::sample::subsequence(vec![RelationKind::Flow, RelationKind::Uses, RelationKind::Linked], 0..3),
    ) {
        let model = Model::from_json_str(&shape.json()).expect("generated models are valid");
        let a: BTreeSet<usize> = a.iter().map(|i| i.index(shape.n)).collect();
        let b: BTreeSet<usize> = b.iter().map(|i| i.index(shape.n)).collect();
        let set = |s: &BTreeSet<usize>| {
            let mut out = ElementSet::new(&model);
            out.extend(s.iter().map(|&i| model.element_at(i).expect("in range")));
            out
        };
        let (sa, sb) = (set(&a), set(&b));
        prop_assert_eq!(indices(&sa), a.clone());
        prop_assert_eq!(sa.len(), a.len());
        prop_assert_eq!(sa.is_empty(), a.is_empty());
        prop_assert_eq!(indices(&(&sa | &sb)), a.union(&b).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(indices(&(&sa & &sb)), a.intersection(&b).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(indices(&(&sa - &sb)), a.difference(&b).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(indices(&sa.complement()), (0..shape.n).filter(|i| !a.contains(i)).collect::<BTreeSet<_>>());
        for e in model.elements() {
            prop_assert_eq!(sa.contains(e), a.contains(&e.index()));
        }
        prop_assert_eq!(
            indices(&sa.neighbours(depth, &kinds, dir)),
            oracle_neighbours(&shape, &a, depth, &kinds, dir)
        );
        prop_assert_eq!(indices(&sa.ancestors()), oracle_ancestors(&shape, &a));
        prop_assert_eq!(indices(&sa.descendants()), oracle_descendants(&shape, &a));
        prop_assert_eq!(indices(&ElementSet::with_tag(&model, "t")), (0..shape.n).step_by(3).collect::<BTreeSet<_>>());
        prop_assert_eq!(ElementSet::all(&model).len(), shape.n);
    }
}

#[test]
fn selectors_pick_what_views_include() {
    let shape = Shape {
        n: 5,
        parent: vec![None, Some(0), Some(1), None, None],
        relations: vec![("flow", 2, 3), ("flow", 4, 3)],
    };
    let model = Model::from_json_str(&shape.json()).expect("valid");
    let pick = |s: Selector| {
        ElementSet::from_selector(&model, &s)
            .map(|s| s.iter().map(|e| e.id().to_string()).collect::<Vec<_>>())
    };
    assert_eq!(
        pick(Selector::Subtree("e1".into())).expect("known"),
        ["e1", "e2"]
    );
    assert_eq!(
        pick(Selector::Around {
            id: "e3".into(),
            depth: 1,
            relations: vec![]
        })
        .expect("known"),
        ["e2", "e3", "e4"]
    );
    assert_eq!(
        pick(Selector::Kind(ElementKind::Data)).expect("known"),
        Vec::<String>::new()
    );
    assert_eq!(
        pick(Selector::Tag("t".into())).expect("known"),
        ["e0", "e3"]
    );
    let err = pick(Selector::Id("e9".into())).expect_err("unknown");
    assert_eq!(err.to_string(), "unknown element `e9`");
    assert!(matches!(err, Error::UnknownName { suggestion: Some(s), .. } if s == "e0"));
}
