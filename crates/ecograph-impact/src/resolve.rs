//! Resolving a change set against the model: each change's element or relation, and the
//! `stop_at` elements. Errors carry the suggestions `suggest` works out.

use crate::Error;
use crate::change::{ChangeKind, ChangeSet, RelationRef, Subject};
use crate::graph::{Csr, NONE, Universe};
use crate::rules::{Link, StopAt};
use crate::suggest::{relation_suggestion, unknown_element, unknown_tag};
use ecograph_core::Direction;
use ecograph_core::{ElementKind, RelationKind};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Node(u32),
    Rel(u32),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    pub kind: ChangeKind,
    pub target: Target,
    /// For a relation change: the relation's half-edges at its `from` and `to` ends.
    pub edges: [u32; 2],
}

/// The half-edges that stand for relation `rel` itself (not the data it carries), one
/// at each end.
pub(crate) fn relation_half_edges(csr: &Csr, u: &Universe<'_>, rel: u32) -> [u32; 2] {
    let data = [
        crate::graph::code(Link::Data, Direction::Outgoing),
        crate::graph::code(Link::Data, Direction::Incoming),
    ];
    let (f, t) = u.ends(rel);
    let mut out = [NONE; 2];
    // From `from` the relation's half-edge is forward (even code), from `to` backward.
    for ((slot, node), parity) in out.iter_mut().zip([f, t]).zip([0, 1]) {
        if let Some(i) = csr.range(node).find(|&i| {
            let e = csr.edge(i);
            e.rel == rel && e.code % 2 == parity && !data.contains(&e.code)
        }) {
            *slot = i as u32;
        }
    }
    out
}

type RelKey = (RelationKind, u32, u32, Vec<u32>);

pub(crate) fn resolve(u: &Universe<'_>, changes: &ChangeSet) -> Result<Vec<Resolved>, Error> {
    let mut by_id: Option<HashMap<&str, Vec<u32>>> = None;
    let mut by_key: Option<HashMap<RelKey, Vec<u32>>> = None;
    let mut by_ends: Option<HashMap<(u32, u32), Vec<u32>>> = None;
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        let target = match c.subject() {
            Subject::Element(id) => {
                let v = u
                    .node(id)
                    .ok_or_else(|| unknown_element(u, id, "the change set"))?;
                let e = u.element(v);
                if c.kind() == ChangeKind::Delayed && e.kind() != ElementKind::Task {
                    return Err(Error::NotATask {
                        id: id.clone(),
                        kind: e.kind(),
                    });
                }
                Target::Node(v)
            }
            Subject::Relation(r) => {
                let candidates: Vec<u32> = match r {
                    RelationRef::Id(id) => {
                        let map = by_id.get_or_insert_with(|| {
                            let mut m: HashMap<&str, Vec<u32>> = HashMap::new();
                            for i in 0..u.relation_count() as u32 {
                                if let Some(rid) = u.relation(i).id() {
                                    m.entry(rid).or_default().push(i);
                                }
                            }
                            m
                        });
                        match map.get(id.as_str()) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(Error::UnknownRelation {
                                    relation: r.to_string(),
                                    suggestion: ecograph_core::suggest::closest(
                                        id,
                                        map.keys().copied(),
                                    )
                                    .map(str::to_owned),
                                });
                            }
                        }
                    }
                    RelationRef::Key {
                        kind,
                        from,
                        to,
                        data,
                    } => {
                        let (f, t) = relation_ends(u, from, to)?;
                        let mut data = data
                            .iter()
                            .map(|d| {
                                u.node(d).ok_or_else(|| {
                                    unknown_element(u, d, "a relation of the change set")
                                })
                            })
                            .collect::<Result<Vec<_>, _>>()?;
                        // A flow carries a set of data: any order names it.
                        data.sort_unstable();
                        let map = by_key.get_or_insert_with(|| {
                            let mut m: HashMap<_, Vec<u32>> = HashMap::new();
                            for i in 0..u.relation_count() as u32 {
                                let r = u.relation(i);
                                let (f, t) = u.ends(i);
                                let mut data: Vec<u32> = r
                                    .data_carried()
                                    .filter_map(|d| u.node(d.id().as_str()))
                                    .collect();
                                data.sort_unstable();
                                m.entry((r.kind(), f, t, data)).or_default().push(i);
                            }
                            m
                        });
                        let empty = data.is_empty();
                        match map.get(&(*kind, f, t, data)) {
                            Some(v) => v.clone(),
                            // Named without the data it carries: the one such relation.
                            None if empty => between(u, &mut by_ends, r, Some(*kind), f, t)?,
                            None => {
                                return Err(Error::UnknownRelation {
                                    relation: r.to_string(),
                                    suggestion: None,
                                });
                            }
                        }
                    }
                    RelationRef::Between { kind, from, to } => {
                        // `uses:x->c` where `uses:x` is an element (ids may hold `:`)
                        // and `x` is not: the whole of it is the element.
                        let whole = kind
                            .map(|k| format!("{k}:{from}"))
                            .filter(|w| u.node(from).is_none() && u.node(w).is_some());
                        match whole {
                            Some(w) => {
                                let (f, t) = relation_ends(u, &w, to)?;
                                between(u, &mut by_ends, r, None, f, t)?
                            }
                            None => {
                                let (f, t) = relation_ends(u, from, to)?;
                                between(u, &mut by_ends, r, *kind, f, t)?
                            }
                        }
                    }
                };
                // A removed relation is the old model's when both have one by that name.
                let primary = u.model.relation_count() as u32;
                let pick = if c.kind() == ChangeKind::Removed {
                    candidates
                        .iter()
                        .find(|&&i| i >= primary)
                        .or(candidates.first())
                } else {
                    candidates.first()
                };
                Target::Rel(pick.copied().unwrap_or(0))
            }
        };
        out.push(Resolved {
            kind: c.kind(),
            target,
            edges: [NONE; 2],
        });
    }
    Ok(out)
}

/// The nodes of a relation's ends as a change set names them.
fn relation_ends(u: &Universe<'_>, from: &str, to: &str) -> Result<(u32, u32), Error> {
    let node = |id: &str| {
        u.node(id)
            .ok_or_else(|| unknown_element(u, id, "a relation of the change set"))
    };
    Ok((node(from)?, node(to)?))
}

/// The one relation from node `f` to node `t` (of `kind`, when given) that `named` names:
/// an error when there is none (with the nearest relation out of `f` as a suggestion) or
/// several (naming them).
fn between(
    u: &Universe<'_>,
    by_ends: &mut Option<HashMap<(u32, u32), Vec<u32>>>,
    named: &RelationRef,
    kind: Option<RelationKind>,
    f: u32,
    t: u32,
) -> Result<Vec<u32>, Error> {
    let map = by_ends.get_or_insert_with(|| {
        let mut m: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        for i in 0..u.relation_count() as u32 {
            m.entry(u.ends(i)).or_default().push(i);
        }
        m
    });
    let of_kind = |i: &&u32| kind.is_none_or(|k| u.relation(**i).kind() == k);
    let found: Vec<u32> = map
        .get(&(f, t))
        .map(|v| v.iter().filter(of_kind).copied().collect())
        .unwrap_or_default();
    match found.len() {
        1 => Ok(found),
        0 => Err(Error::UnknownRelation {
            relation: named.to_string(),
            suggestion: relation_suggestion(u, map, kind, f, t),
        }),
        _ => Err(Error::AmbiguousRelation {
            relation: named.to_string(),
            more: found.len().saturating_sub(crate::MAX_CANDIDATES),
            candidates: found
                .iter()
                .take(crate::MAX_CANDIDATES)
                .map(|&i| {
                    let r = u.relation(i);
                    let mut d = match r.id() {
                        Some(id) => format!("`{id}` ({})", r.kind()),
                        None => format!("`{}`", r.kind()),
                    };
                    let data: Vec<&str> = r.data_carried().map(|x| x.id().as_str()).collect();
                    if !data.is_empty() {
                        d.push_str(&format!(" carrying `{}`", data.join("`, `")));
                    }
                    d
                })
                .collect(),
        }),
    }
}

pub(crate) fn stops(u: &Universe<'_>, stop_at: &[StopAt]) -> Result<Vec<bool>, Error> {
    if stop_at.is_empty() {
        return Ok(Vec::new());
    }
    let mut stop = vec![false; u.node_count()];
    for s in stop_at {
        match s {
            StopAt::Id(id) => {
                let v = u
                    .node(id)
                    .ok_or_else(|| unknown_element(u, id, "the stop elements"))?;
                stop[v as usize] = true;
            }
            StopAt::Tag(tag) => {
                let mut any = false;
                for v in 0..u.node_count() as u32 {
                    if u.element(v).has_tag(tag) {
                        stop[v as usize] = true;
                        any = true;
                    }
                }
                if !any {
                    return Err(unknown_tag(u, tag));
                }
            }
        }
    }
    Ok(stop)
}
