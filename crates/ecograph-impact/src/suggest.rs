//! Did-you-mean suggestions for what a change set or an option names and the model lacks.

use crate::Error;
use crate::graph::Universe;
use ecograph_core::RelationKind;
use std::collections::HashMap;

pub(crate) fn unknown_element(u: &Universe<'_>, id: &str, context: &'static str) -> Error {
    Error::UnknownElement {
        id: id.to_owned(),
        context,
        suggestion: ecograph_core::suggest::element_among(|| u.elements(), id).map(str::to_owned),
    }
}

/// For a relation named from node `f` to node `t` (of `kind`, when given) that the model
/// lacks: the relation of another kind that joins the two, or the way back when a
/// relation goes that way, or the nearest of those that leave `f`. `by_ends` maps the
/// ends of every relation to the relations.
pub(crate) fn relation_suggestion(
    u: &Universe<'_>,
    by_ends: &HashMap<(u32, u32), Vec<u32>>,
    kind: Option<RelationKind>,
    f: u32,
    t: u32,
) -> Option<String> {
    let of_kind = |i: &u32| kind.is_none_or(|k| u.relation(*i).kind() == k);
    let arrow = |a: u32, b: u32| format!("{}->{}", u.element(a).id(), u.element(b).id());
    let fits = |ends: &(u32, u32)| {
        by_ends
            .get(ends)
            .is_some_and(|rels| rels.iter().any(of_kind))
    };
    let other_kind = by_ends.get(&(f, t)).and_then(|rels| rels.first());
    let prefix = kind.map(|k| format!("{k}:")).unwrap_or_default();
    if let Some(&other) = other_kind {
        return Some(format!("{}:{}", u.relation(other).kind(), arrow(f, t)));
    }
    if fits(&(t, f)) {
        return Some(format!("{prefix}{}", arrow(t, f)));
    }
    // Where the relations that leave `from` go: the one whose id begins with the id given
    // (`tmt->eures` for `tmt->eures-portaali`), else the nearest.
    let mut near: Vec<&str> = by_ends
        .keys()
        .filter(|ends| ends.0 == f && fits(ends))
        .map(|&(_, b)| u.element(b).id().as_str())
        .collect();
    near.sort_unstable();
    let to = u.element(t).id().as_str();
    let mut starting = near.iter().filter(|b| b.starts_with(to));
    match (starting.next(), starting.next()) {
        (Some(b), None) => Some(*b),
        _ => ecograph_core::suggest::closest(to, near.iter().copied()),
    }
    .map(|b| format!("{prefix}{}->{b}", u.element(f).id()))
}

/// The error for a stop tag no element has, with the nearest tag of the model.
pub(crate) fn unknown_tag(u: &Universe<'_>, tag: &str) -> Error {
    Error::UnknownTag {
        tag: tag.to_owned(),
        suggestion: ecograph_core::suggest::tag(u.elements(), tag).map(str::to_owned),
    }
}
