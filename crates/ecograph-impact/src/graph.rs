//! The compact snapshot the analysis runs on: the elements and relations of one model, or
//! of a new model plus what an old one had and the new one lost, as CSR arrays.

use crate::rules::{Link, rel_index};
use ecograph_core::Direction;
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

    /// Every element, in node order, for suggestions.
    pub fn elements(&self) -> impl Iterator<Item = Element<'m>> + '_ {
        (0..self.node_count() as u32).map(|i| self.element(i))
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
    (link.index() * 2 + crate::rules::direction_index(dir)) as u32
}

pub(crate) fn decode(code: u32) -> (Link, Direction) {
    let c = code as usize;
    let dir = if c.is_multiple_of(2) {
        Direction::Outgoing
    } else {
        Direction::Incoming
    };
    (Link::from_index(c / 2), dir)
}

/// Building the adjacency sorts half-edges into buckets of 2^BUCKET_BITS nodes first: with
/// about 16 half-edges a node, a bucket's stretch of the arrays is about 256 KiB. At most
/// 16, so that a node's place in its bucket fits a `u16`.
const BUCKET_BITS: u32 = 11;
const _: () = assert!(BUCKET_BITS <= 16);

/// Bits of a packed half-edge that hold its code.
pub(crate) const CODE_BITS: u32 = 5;
const CODE_MASK: u32 = (1 << CODE_BITS) - 1;
const _: () = assert!(crate::rules::N_CODES <= 1 << CODE_BITS);

/// Where half-edges lead and by which (link, direction) code.
#[derive(Debug)]
pub(crate) enum Ends {
    /// `to << CODE_BITS | code`, one `u32` a half-edge: the search reads 4 bytes per
    /// half-edge from one array. For models of fewer than 2^27 elements.
    Packed(Vec<u32>),
    /// The same in two arrays, for larger models.
    Wide { to: Vec<u32>, code: Vec<u8> },
}

/// Adjacency in compressed sparse rows: the half-edges of node `i` are
/// `start[i]..start[i + 1]`, relations in file order, then containment, then data.
///
/// The search reads only `start` and `ends`; `rel` is read when a witness path is written
/// out.
#[derive(Debug)]
pub(crate) struct Csr {
    pub start: Vec<u32>,
    pub ends: Ends,
    /// The relation each half-edge follows (for `data`, the flow), `NONE` for
    /// containment.
    pub rel: Vec<u32>,
}

impl Csr {
    pub fn build(u: &Universe<'_>) -> Csr {
        let n = u.node_count();
        Csr::build_with(u, n < 1 << (32 - CODE_BITS), n >= crate::PARALLEL_FROM)
    }

    /// Builds the adjacency, packed or not, on one thread or two.
    pub fn build_with(u: &Universe<'_>, packed: bool, parallel: bool) -> Csr {
        let n = u.node_count();
        let model = u.model;
        let flow = RelationKind::Flow;
        let kind_code = |k: RelationKind| (rel_index(k) * 2) as u8;

        // One pass over the model: compact records, so that the passes below run over
        // plain arrays. On two threads, the other one lists containment meanwhile.
        let parents_of = || -> Vec<(u32, u32)> {
            model
                .elements()
                .filter_map(|e| e.parent().map(|p| (e.index() as u32, p.index() as u32)))
                .collect()
        };
        let compact = || {
            let mut rels: Vec<(u32, u32, u8)> = Vec::with_capacity(u.relation_count());
            let mut data: Vec<(u32, u32)> = Vec::new();
            for r in model.relations() {
                let kind = r.kind();
                rels.push((
                    r.from().index() as u32,
                    r.to().index() as u32,
                    kind_code(kind),
                ));
                if kind == flow {
                    data.extend(
                        r.data_carried()
                            .map(|d| (r.index() as u32, d.index() as u32)),
                    );
                }
            }
            (rels, data)
        };
        let ((mut rels, mut data), mut parents) = crate::both(parallel, compact, parents_of);
        // Relations only an old model has, after the model's own.
        let base = model.relation_count() as u32;
        for (i, (r, (f, t, d))) in u.extra_relations.iter().zip(&u.extra_ends).enumerate() {
            rels.push((*f, *t, kind_code(r.kind())));
            if r.kind() == flow {
                data.extend(d.iter().map(|&d| (base + i as u32, d)));
            }
        }
        let nm = model.element_count() as u32;
        parents.extend(
            u.extra_parent
                .iter()
                .enumerate()
                .filter(|(_, p)| **p != NONE)
                .map(|(i, &p)| (nm + i as u32, p)),
        );

        // Degrees, then offsets.
        let mut start = vec![0u32; n + 1];
        for &(f, t, _) in &rels {
            start[f as usize + 1] += 1;
            start[t as usize + 1] += 1;
        }
        for &(c, p) in &parents {
            start[c as usize + 1] += 1;
            start[p as usize + 1] += 1;
        }
        for &(rel, d) in &data {
            let (f, t, _) = rels[rel as usize];
            start[d as usize + 1] += 2;
            start[f as usize + 1] += 1;
            start[t as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let total = start[n] as usize;
        let emit = Emit {
            rels: &rels,
            parents: &parents,
            data: &data,
        };
        // Every slot is written exactly once below: zeroed memory costs nothing until
        // then.
        let mut rel_of = vec![0u32; total];
        let ends = if packed {
            let mut words = vec![0u32; total];
            // On two threads, each fills the rows of half of the nodes (a whole number of
            // buckets, about half of the half-edges).
            let buckets = n.div_ceil(1 << BUCKET_BITS);
            let mid = if parallel {
                (0..buckets)
                    .find(|&b| start[b << BUCKET_BITS] as usize >= total / 2)
                    .unwrap_or(buckets)
            } else {
                buckets
            };
            let cut = start[(mid << BUCKET_BITS).min(n)] as usize;
            let (words_a, words_b) = words.split_at_mut(cut);
            let (rel_a, rel_b) = rel_of.split_at_mut(cut);
            let part_a = Part {
                buckets: 0..mid,
                words: words_a,
                rel: rel_a,
            };
            let part_b = Part {
                buckets: mid..buckets,
                words: words_b,
                rel: rel_b,
            };
            crate::both(
                parallel,
                || emit.fill(part_a, &start),
                || emit.fill(part_b, &start),
            );
            Ends::Packed(words)
        } else {
            let mut to_of = vec![0u32; total];
            let mut code_of = vec![0u8; total];
            let mut fill: Vec<u32> = start[..n].to_vec();
            emit.each(|at, to, rel, c| {
                let slot = &mut fill[at as usize];
                let i = *slot as usize;
                *slot += 1;
                to_of[i] = to;
                code_of[i] = c;
                rel_of[i] = rel;
            });
            Ends::Wide {
                to: to_of,
                code: code_of,
            }
        };
        Csr {
            start,
            ends,
            rel: rel_of,
        }
    }

    pub fn node_count(&self) -> usize {
        self.start.len() - 1
    }

    /// Where half-edge `i` leads.
    pub fn to(&self, i: usize) -> u32 {
        match &self.ends {
            Ends::Packed(p) => p[i] >> CODE_BITS,
            Ends::Wide { to, .. } => to[i],
        }
    }

    /// The (link, direction) code of half-edge `i`.
    pub fn code(&self, i: usize) -> u32 {
        match &self.ends {
            Ends::Packed(p) => p[i] & CODE_MASK,
            Ends::Wide { code, .. } => u32::from(code[i]),
        }
    }

    /// Asks the processor to fetch the row start of a node into the cache.
    #[inline(always)]
    pub fn prefetch_start(&self, node: u32) {
        crate::prefetch::prefetch(&self.start, node as usize);
    }

    /// Asks the processor to fetch the first and the last half-edge of a node (which
    /// reads its row start: fetch that first, with [`Csr::prefetch_start`]).
    #[inline(always)]
    pub fn prefetch_row(&self, node: u32) {
        let r = self.range(node);
        let last = r.end.saturating_sub(1);
        match &self.ends {
            Ends::Packed(p) => {
                crate::prefetch::prefetch(p, r.start);
                crate::prefetch::prefetch(p, last);
            }
            Ends::Wide { to, code } => {
                crate::prefetch::prefetch(to, r.start);
                crate::prefetch::prefetch(to, last);
                crate::prefetch::prefetch(code, r.start);
            }
        }
    }

    /// The half-edge at position `i`.
    pub fn edge(&self, i: usize) -> HalfEdge {
        HalfEdge {
            to: self.to(i),
            rel: self.rel[i],
            code: self.code(i),
        }
    }

    /// The half-edges of a node.
    pub fn of(&self, node: u32) -> impl Iterator<Item = HalfEdge> + '_ {
        self.range(node).map(|i| self.edge(i))
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

/// The rows of a run of buckets: where their half-edges go.
struct Part<'a> {
    buckets: std::ops::Range<usize>,
    words: &'a mut [u32],
    rel: &'a mut [u32],
}

/// Every half-edge of the model, in the order each node lists them.
struct Emit<'a> {
    rels: &'a [(u32, u32, u8)],
    parents: &'a [(u32, u32)],
    data: &'a [(u32, u32)],
}

impl Emit<'_> {
    /// Calls `put(at, to, relation, code)` for every half-edge: relations in file order,
    /// then containment, then data.
    #[inline(always)]
    fn each(&self, mut put: impl FnMut(u32, u32, u32, u8)) {
        let data_fwd = code(Link::Data, Direction::Outgoing) as u8;
        let data_bwd = code(Link::Data, Direction::Incoming) as u8;
        let parent_fwd = code(Link::Parent, Direction::Outgoing) as u8;
        let parent_bwd = code(Link::Parent, Direction::Incoming) as u8;
        for (rel, &(f, t, c)) in self.rels.iter().enumerate() {
            let rel = rel as u32;
            put(f, t, rel, c);
            put(t, f, rel, c + 1);
        }
        for &(c, p) in self.parents {
            put(c, p, NONE, parent_fwd);
            put(p, c, NONE, parent_bwd);
        }
        for &(rel, d) in self.data {
            let (f, t, _) = self.rels[rel as usize];
            put(d, f, rel, data_fwd);
            put(d, t, rel, data_fwd);
            put(f, d, rel, data_bwd);
            put(t, d, rel, data_bwd);
        }
    }

    /// Fills the rows of one part, in two steps so that no write lands at random in the
    /// big arrays. First, in order, each half-edge goes to the stretch of its bucket of
    /// 2^BUCKET_BITS nodes (a few hundred write positions, which stay in the cache), with
    /// its node's place in the bucket. Then each bucket's stretch, small enough for the
    /// cache, is put in node order.
    fn fill(&self, part: Part<'_>, start: &[u32]) {
        let n = start.len() - 1;
        let first_node = |b: usize| (b << BUCKET_BITS).min(n);
        let Part {
            buckets,
            words,
            rel: rel_of,
        } = part;
        if buckets.is_empty() {
            return;
        }
        let base = start[first_node(buckets.start)];
        let mut low = vec![0u16; words.len()];
        let mut next: Vec<u32> = buckets
            .clone()
            .map(|b| start[first_node(b)] - base)
            .collect();
        let (lo, hi) = (
            first_node(buckets.start) as u32,
            first_node(buckets.end) as u32,
        );
        self.each(|at, to, rel, c| {
            if at < lo || at >= hi {
                return;
            }
            let slot = &mut next[((at - lo) >> BUCKET_BITS) as usize];
            let i = *slot as usize;
            *slot += 1;
            words[i] = to << CODE_BITS | u32::from(c);
            rel_of[i] = rel;
            low[i] = (at & ((1 << BUCKET_BITS) - 1)) as u16;
        });
        let mut fill: Vec<u32> = start[lo as usize..hi as usize]
            .iter()
            .map(|&s| s - base)
            .collect();
        let mut bucket: Vec<(u16, u32, u32)> = Vec::new();
        for b in buckets {
            let (first, last) = (first_node(b), first_node(b + 1));
            let r = (start[first] - base) as usize..(start[last] - base) as usize;
            bucket.clear();
            bucket.extend(r.map(|i| (low[i], words[i], rel_of[i])));
            for &(l, word, rel) in &bucket {
                let slot = &mut fill[first - lo as usize + usize::from(l)];
                let i = *slot as usize;
                *slot += 1;
                words[i] = word;
                rel_of[i] = rel;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The packed adjacency is sorted into rows through buckets of 2^BUCKET_BITS nodes
    /// (on two threads, half of the buckets each, for large models); the wide one is
    /// written directly. On a model spanning several buckets, with containment and flow
    /// data, all must list the same half-edges in the same order.
    #[test]
    fn bucketed_rows_match_direct_ones() {
        let n: usize = 3 * (1 << BUCKET_BITS) + 17;
        let mut seed = 11u64;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % m
        };
        let mut elements = Vec::new();
        for i in 0..n {
            let mut e = if i.is_multiple_of(10) {
                serde_json::json!({ "id": format!("d{i}"), "kind": "data", "name": "D" })
            } else {
                serde_json::json!({ "id": format!("s{i}"), "kind": "system", "name": "S" })
            };
            if i % 10 == 3 && i > 10 {
                let p = (next(i / 10) * 10 + 1).min(i - 1);
                e["parent"] = format!("s{p}").into();
            }
            elements.push(e);
        }
        let system = |i: usize| if i.is_multiple_of(10) { i + 1 } else { i };
        let mut relations = Vec::new();
        for _ in 0..4 * n {
            let (a, b) = (system(next(n - 1)), system(next(n - 1)));
            if a == b {
                continue;
            }
            let mut r = if next(3) == 0 {
                serde_json::json!({ "kind": "flow", "from": format!("s{a}"), "to": format!("s{b}"),
                                    "data": [format!("d{}", next(n / 10) * 10)] })
            } else {
                serde_json::json!({ "kind": "uses", "from": format!("s{a}"), "to": format!("s{b}") })
            };
            if next(50) == 0 {
                r["label"] = "L".into();
            }
            relations.push(r);
        }
        let text =
            serde_json::json!({ "ecograph": 1, "elements": elements, "relations": relations })
                .to_string();
        let model = Model::from_json_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let u = Universe::single(&model);
        let (packed, wide) = (
            Csr::build_with(&u, true, false),
            Csr::build_with(&u, false, false),
        );
        assert!(matches!(packed.ends, Ends::Packed(_)));
        // Built on two threads, each filling half of the buckets: the same arrays.
        let halves = Csr::build_with(&u, true, true);
        assert_eq!(halves.start, packed.start);
        assert_eq!(halves.rel, packed.rel);
        match (&halves.ends, &packed.ends) {
            (Ends::Packed(a), Ends::Packed(b)) => assert_eq!(a, b),
            _ => panic!("both are packed"),
        }
        assert_eq!(packed.start, wide.start);
        assert_eq!(packed.rel, wide.rel);
        for i in 0..packed.rel.len() {
            assert_eq!(
                (packed.to(i), packed.code(i)),
                (wide.to(i), wide.code(i)),
                "{i}"
            );
        }
    }
}
