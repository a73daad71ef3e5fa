//! The compact snapshot the analysis runs on: the elements and relations of one model, or
//! of a new model plus what an old one had and the new one lost, as CSR arrays.

use crate::rules::{Direction, Link, rel_index};
use ecograph_core::{Element, Model, Relation, RelationKind};
use std::collections::HashMap;

pub(crate) const NONE: u32 = u32::MAX;

/// The elements and relations an analysis sees. Node `i < model.element_count()` is the
/// model's element `i`; later nodes are elements only the old model has. Relations alike.
#[derive(Debug)]
pub(crate) struct Universe<'m> {
    pub model: &'m Model,
    pub extra_elements: Vec<Element<'m>>,
    pub extra_relations: Vec<Relation<'m>>,
    extra_index: HashMap<&'m str, u32>,
    /// Per extra element: its parent node.
    extra_parent: Vec<u32>,
    /// Per extra relation: from, to, and carried data nodes.
    extra_ends: Vec<(u32, u32, Vec<u32>)>,
}

impl<'m> Universe<'m> {
    pub fn single(model: &'m Model) -> Universe<'m> {
        Universe {
            model,
            extra_elements: Vec::new(),
            extra_relations: Vec::new(),
            extra_index: HashMap::new(),
            extra_parent: Vec::new(),
            extra_ends: Vec::new(),
        }
    }

    /// `model` plus the given elements and relations of `old` (elements that `model`
    /// lacks, relations that `model` lacks). Ends of old relations are looked up by id,
    /// in `model` first.
    pub fn with_old(
        model: &'m Model,
        elements: Vec<Element<'m>>,
        relations: Vec<Relation<'m>>,
    ) -> Universe<'m> {
        let n = model.element_count() as u32;
        let mut u = Universe::single(model);
        for (i, e) in elements.iter().enumerate() {
            u.extra_index.insert(e.id().as_str(), n + i as u32);
        }
        u.extra_elements = elements;
        u.extra_parent = u
            .extra_elements
            .iter()
            .map(|e| {
                e.parent()
                    .and_then(|p| u.node(p.id().as_str()))
                    .unwrap_or(NONE)
            })
            .collect();
        let node = |e: Element<'_>| u.node(e.id().as_str());
        let mut ends = Vec::with_capacity(relations.len());
        let mut kept = Vec::with_capacity(relations.len());
        for r in relations {
            // Both ends exist: in the new model, or as elements the old one had.
            if let (Some(f), Some(t)) = (node(r.from()), node(r.to())) {
                let data = r.data_carried().filter_map(node).collect();
                ends.push((f, t, data));
                kept.push(r);
            }
        }
        u.extra_ends = ends;
        u.extra_relations = kept;
        u
    }

    pub fn node_count(&self) -> usize {
        self.model.element_count() + self.extra_elements.len()
    }

    pub fn relation_count(&self) -> usize {
        self.model.relation_count() + self.extra_relations.len()
    }

    pub fn node(&self, id: &str) -> Option<u32> {
        match self.model.element(id) {
            Some(e) => Some(e.index() as u32),
            None => self.extra_index.get(id).copied(),
        }
    }

    pub fn element(&self, node: u32) -> Element<'m> {
        let i = node as usize;
        self.model
            .element_at(i)
            .unwrap_or_else(|| self.extra_elements[i - self.model.element_count()])
    }

    pub fn relation(&self, rel: u32) -> Relation<'m> {
        let i = rel as usize;
        self.model
            .relation_at(i)
            .unwrap_or_else(|| self.extra_relations[i - self.model.relation_count()])
    }

    /// From, to, kind of a relation as nodes.
    pub fn ends(&self, rel: u32) -> (u32, u32) {
        let n = self.model.relation_count();
        let i = rel as usize;
        if i < n {
            let r = self.relation(rel);
            (r.from().index() as u32, r.to().index() as u32)
        } else {
            let (f, t, _) = &self.extra_ends[i - n];
            (*f, *t)
        }
    }

    /// Every id, in node order, for suggestions.
    pub fn ids(&self) -> impl Iterator<Item = &'m str> + '_ {
        (0..self.node_count() as u32).map(|i| self.element(i).id().as_str())
    }
}

/// One end of a link, seen from a node: where it leads, through which relation (`NONE`
/// for containment) and as which (link, direction) code.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HalfEdge {
    pub to: u32,
    pub rel: u32,
    pub code: u32,
}

pub(crate) fn code(link: Link, dir: Direction) -> u32 {
    (link.index() * 2 + dir.index()) as u32
}

pub(crate) fn decode(code: u32) -> (Link, Direction) {
    let c = code as usize;
    let dir = if c.is_multiple_of(2) {
        Direction::Forward
    } else {
        Direction::Backward
    };
    (Link::from_index(c / 2), dir)
}

/// Adjacency in compressed sparse rows: the half-edges of node `i` are
/// `edges[start[i]..start[i + 1]]`, relations in file order, then containment, then data.
#[derive(Debug)]
pub(crate) struct Csr {
    pub start: Vec<u32>,
    pub edges: Vec<HalfEdge>,
}

impl Csr {
    pub fn build(u: &Universe<'_>) -> Csr {
        let n = u.node_count();
        let model = u.model;
        let data_fwd = code(Link::Data, Direction::Forward);
        let data_bwd = code(Link::Data, Direction::Backward);
        let parent_fwd = code(Link::Parent, Direction::Forward);
        let parent_bwd = code(Link::Parent, Direction::Backward);
        let flow = RelationKind::Flow;

        // One pass over the model: compact records, so that the two passes below run
        // over plain arrays.
        let mut rels: Vec<(u32, u32, u32)> = Vec::with_capacity(u.relation_count());
        let mut data: Vec<(u32, u32)> = Vec::new();
        for r in model.relations() {
            let kind = r.kind();
            rels.push((
                r.from().index() as u32,
                r.to().index() as u32,
                (rel_index(kind) * 2) as u32,
            ));
            if kind == flow {
                data.extend(
                    r.data_carried()
                        .map(|d| (r.index() as u32, d.index() as u32)),
                );
            }
        }
        let base = model.relation_count() as u32;
        for (i, (r, (f, t, d))) in u.extra_relations.iter().zip(&u.extra_ends).enumerate() {
            rels.push((*f, *t, (rel_index(r.kind()) * 2) as u32));
            if r.kind() == flow {
                data.extend(d.iter().map(|&d| (base + i as u32, d)));
            }
        }
        let mut parents: Vec<(u32, u32)> = model
            .elements()
            .filter_map(|e| e.parent().map(|p| (e.index() as u32, p.index() as u32)))
            .collect();
        let nm = model.element_count() as u32;
        parents.extend(
            u.extra_parent
                .iter()
                .enumerate()
                .filter(|(_, p)| **p != NONE)
                .map(|(i, &p)| (nm + i as u32, p)),
        );

        let visit = |emit: &mut dyn FnMut(u32, HalfEdge)| {
            for (rel, &(f, t, c)) in rels.iter().enumerate() {
                let rel = rel as u32;
                emit(
                    f,
                    HalfEdge {
                        to: t,
                        rel,
                        code: c,
                    },
                );
                emit(
                    t,
                    HalfEdge {
                        to: f,
                        rel,
                        code: c + 1,
                    },
                );
            }
            for &(c, p) in &parents {
                emit(
                    c,
                    HalfEdge {
                        to: p,
                        rel: NONE,
                        code: parent_fwd,
                    },
                );
                emit(
                    p,
                    HalfEdge {
                        to: c,
                        rel: NONE,
                        code: parent_bwd,
                    },
                );
            }
            for &(rel, d) in &data {
                let (f, t, _) = rels[rel as usize];
                emit(
                    d,
                    HalfEdge {
                        to: f,
                        rel,
                        code: data_fwd,
                    },
                );
                emit(
                    d,
                    HalfEdge {
                        to: t,
                        rel,
                        code: data_fwd,
                    },
                );
                emit(
                    f,
                    HalfEdge {
                        to: d,
                        rel,
                        code: data_bwd,
                    },
                );
                emit(
                    t,
                    HalfEdge {
                        to: d,
                        rel,
                        code: data_bwd,
                    },
                );
            }
        };
        let mut start = vec![0u32; n + 1];
        visit(&mut |at, _| start[at as usize + 1] += 1);
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let total = start[n] as usize;
        let mut edges = vec![
            HalfEdge {
                to: 0,
                rel: 0,
                code: 0
            };
            total
        ];
        let mut fill: Vec<u32> = start[..n].to_vec();
        visit(&mut |at, e| {
            let slot = &mut fill[at as usize];
            edges[*slot as usize] = e;
            *slot += 1;
        });
        Csr { start, edges }
    }

    pub fn of(&self, node: u32) -> &[HalfEdge] {
        let i = node as usize;
        &self.edges[self.start[i] as usize..self.start[i + 1] as usize]
    }

    pub fn range(&self, node: u32) -> std::ops::Range<usize> {
        let i = node as usize;
        self.start[i] as usize..self.start[i + 1] as usize
    }

    /// The node a half-edge leaves.
    pub fn source(&self, edge: usize) -> u32 {
        (self.start.partition_point(|&s| s as usize <= edge) - 1) as u32
    }
}
