//! What resolving views needs of the whole model, made once per model
//! ([`Model::derived`]) and shared by its views, so that one view costs what it
//! selects and touches rather than the size of the model: `render --all` of `n` views
//! of one element each in an `n`-element model was n² before.

use ecograph_core::{Element, ElementKind, Model, RelationKind, Status};
use std::collections::{BTreeMap, HashMap};

/// The containment forest in preorder: roots in file order, each followed by its
/// subtree, children in file order. An element's subtree is then one slice of
/// [`Tree::by_pre`], and ancestry is an interval test.
pub(crate) struct Tree {
    /// The elements in preorder.
    by_pre: Vec<u32>,
    /// Each element's position in `by_pre`.
    pre: Vec<u32>,
    /// Where each element's subtree ends in `by_pre` (exclusive).
    end: Vec<u32>,
    /// The elements of each depth, in preorder: the ancestor of an element at a depth
    /// is the last of them that does not come after it.
    by_depth: Vec<Vec<u32>>,
}

impl Tree {
    /// The model's tree, made on first use.
    pub(crate) fn of(model: &Model) -> std::sync::Arc<Tree> {
        model.derived(Tree::new)
    }

    fn new(model: &Model) -> Tree {
        let n = model.element_count();
        let mut by_pre: Vec<u32> = Vec::with_capacity(n);
        let mut stack: Vec<Element<'_>> = model.roots().collect();
        stack.reverse();
        while let Some(e) = stack.pop() {
            by_pre.push(e.index() as u32);
            stack.extend(e.children().rev());
        }
        let mut pre = vec![0u32; n];
        for (k, &i) in by_pre.iter().enumerate() {
            pre[i as usize] = k as u32;
        }
        // Subtree sizes, children before parents.
        let mut size = vec![1u32; n];
        for &i in by_pre.iter().rev() {
            if let Some(p) = model.element_at(i as usize).and_then(|e| e.parent()) {
                size[p.index()] += size[i as usize];
            }
        }
        let end = (0..n).map(|i| pre[i] + size[i]).collect();
        let mut by_depth: Vec<Vec<u32>> = Vec::new();
        for &i in &by_pre {
            let d = model.element_at(i as usize).map_or(0, |e| e.depth());
            if by_depth.len() <= d {
                by_depth.resize_with(d + 1, Vec::new);
            }
            by_depth[d].push(i);
        }
        Tree {
            by_pre,
            pre,
            end,
            by_depth,
        }
    }

    /// The element and everything it contains, in preorder.
    pub(crate) fn subtree(&self, i: usize) -> &[u32] {
        &self.by_pre[self.pre[i] as usize..self.end[i] as usize]
    }

    /// Where the element stands in preorder.
    pub(crate) fn pre(&self, i: usize) -> u32 {
        self.pre[i]
    }

    /// The elements in preorder.
    pub(crate) fn preorder(&self) -> &[u32] {
        &self.by_pre
    }

    /// Whether `a` contains `i` (or is `i`).
    pub(crate) fn contains(&self, a: usize, i: usize) -> bool {
        self.pre[a] <= self.pre[i] && self.pre[i] < self.end[a]
    }

    /// The depth of the deepest element (0 for an empty model).
    pub(crate) fn deepest(&self) -> usize {
        self.by_depth.len().saturating_sub(1)
    }

    /// The ancestor of `i` at depth `d`, or `i` itself at its own depth; `None` when `i`
    /// is not as deep.
    pub(crate) fn ancestor_at(&self, i: usize, d: usize) -> Option<usize> {
        let level = self.by_depth.get(d)?;
        let at = level.partition_point(|&x| self.pre[x as usize] <= self.pre[i]);
        let a = *level.get(at.checked_sub(1)?)? as usize;
        self.contains(a, i).then_some(a)
    }
}

/// The relations at each element, outgoing and incoming, in file order.
pub(crate) struct Links {
    out_start: Vec<u32>,
    out_list: Vec<u32>,
    in_start: Vec<u32>,
    in_list: Vec<u32>,
}

impl Links {
    /// The model's relation index, made on first use.
    pub(crate) fn of(model: &Model) -> std::sync::Arc<Links> {
        model.derived(Links::new)
    }

    fn new(model: &Model) -> Links {
        let n = model.element_count();
        let (out_start, out_list) = grouped(n, || model.relations().map(|r| r.from().index()));
        let (in_start, in_list) = grouped(n, || model.relations().map(|r| r.to().index()));
        Links {
            out_start,
            out_list,
            in_start,
            in_list,
        }
    }

    /// The indices of the relations that start at element `i`, in file order.
    pub(crate) fn outgoing(&self, i: usize) -> &[u32] {
        slice(&self.out_start, &self.out_list, i)
    }

    /// The indices of the relations that end at element `i`, in file order.
    pub(crate) fn incoming(&self, i: usize) -> &[u32] {
        slice(&self.in_start, &self.in_list, i)
    }
}

/// The positions `0..` of `keys` grouped by key (a counting sort, so each group keeps
/// their order): group `k` is `list[start[k]..start[k + 1]]`.
fn grouped<I: Iterator<Item = usize>>(n: usize, keys: impl Fn() -> I) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n + 1];
    for k in keys() {
        start[k + 1] += 1;
    }
    for k in 0..n {
        start[k + 1] += start[k];
    }
    let mut next = start.clone();
    let mut list = vec![0u32; start[n] as usize];
    for (pos, k) in keys().enumerate() {
        list[next[k] as usize] = pos as u32;
        next[k] += 1;
    }
    (start, list)
}

fn slice<'a>(start: &[u32], list: &'a [u32], i: usize) -> &'a [u32] {
    match (start.get(i), start.get(i + 1)) {
        (Some(&a), Some(&b)) => &list[a as usize..b as usize],
        _ => &[],
    }
}

/// The elements of each kind and the tasks of each status, in file order.
pub(crate) struct Groups {
    kinds: BTreeMap<ElementKind, Vec<u32>>,
    statuses: BTreeMap<Status, Vec<u32>>,
}

impl Groups {
    /// The model's groups, made on first use.
    pub(crate) fn of(model: &Model) -> std::sync::Arc<Groups> {
        model.derived(Groups::new)
    }

    fn new(model: &Model) -> Groups {
        let mut kinds: BTreeMap<ElementKind, Vec<u32>> = BTreeMap::new();
        let mut statuses: BTreeMap<Status, Vec<u32>> = BTreeMap::new();
        for e in model.elements() {
            kinds.entry(e.kind()).or_default().push(e.index() as u32);
            if let Some(s) = e.status() {
                statuses.entry(s).or_default().push(e.index() as u32);
            }
        }
        Groups { kinds, statuses }
    }

    /// The elements of a kind.
    pub(crate) fn of_kind(&self, k: ElementKind) -> &[u32] {
        self.kinds.get(&k).map_or(&[], Vec::as_slice)
    }

    /// The tasks with a status.
    pub(crate) fn with_status(&self, s: Status) -> &[u32] {
        self.statuses.get(&s).map_or(&[], Vec::as_slice)
    }
}

/// The elements with each tag, in file order (a tag written twice on one element
/// lists it once).
pub(crate) struct Tags(HashMap<Box<str>, Vec<u32>>);

impl Tags {
    /// The model's tag index, made on first use.
    pub(crate) fn of(model: &Model) -> std::sync::Arc<Tags> {
        model.derived(Tags::new)
    }

    fn new(model: &Model) -> Tags {
        let mut by_tag: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for e in model.elements() {
            let ix = e.index() as u32;
            for t in e.tags() {
                let list = by_tag.entry(t.into()).or_default();
                if list.last() != Some(&ix) {
                    list.push(ix);
                }
            }
        }
        Tags(by_tag)
    }

    /// The elements with a tag.
    pub(crate) fn with(&self, tag: &str) -> &[u32] {
        self.0.get(tag).map_or(&[], Vec::as_slice)
    }
}

/// The elements within `depth` relations of `centre` (and `centre`), following
/// relations of `kinds` (any when empty) either way: [`Model::neighbours`] with
/// [`ecograph_core::Direction::Both`], without its arrays over the whole model. In no
/// particular order.
pub(crate) fn around(
    model: &Model,
    links: &Links,
    centre: usize,
    depth: usize,
    kinds: &[RelationKind],
) -> Vec<u32> {
    let mut seen: ByElement<()> = ByElement::new(model.element_count(), 0);
    seen.insert(centre, ());
    let mut found = vec![centre as u32];
    let mut level_start = 0;
    for _ in 0..depth {
        let level_end = found.len();
        if level_start == level_end {
            break;
        }
        for k in level_start..level_end {
            let at = found[k] as usize;
            for (list, outgoing) in [(links.outgoing(at), true), (links.incoming(at), false)] {
                for &ri in list {
                    let Some(r) = model.relation_at(ri as usize) else {
                        continue;
                    };
                    if !kinds.is_empty() && !kinds.contains(&r.kind()) {
                        continue;
                    }
                    let other = if outgoing { r.to() } else { r.from() }.index();
                    if seen.get(other).is_none() {
                        seen.insert(other, ());
                        found.push(other as u32);
                    }
                }
            }
        }
        level_start = level_end;
    }
    found
}

/// Values for some of a model's elements, by element index: an array over the model
/// when they may be a large part of it, a hash map (never iterated) when they are few,
/// so that a small view costs what it holds rather than what the model holds.
pub(crate) enum ByElement<T> {
    Dense(Vec<Option<T>>),
    Sparse(HashMap<u32, T>),
}

impl<T: Clone> ByElement<T> {
    /// Room for about `expected` of `n` elements.
    pub(crate) fn new(n: usize, expected: usize) -> ByElement<T> {
        if expected.saturating_mul(8) >= n {
            ByElement::Dense(vec![None; n])
        } else {
            ByElement::Sparse(HashMap::with_capacity(expected))
        }
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        match self {
            ByElement::Dense(v) => v.get(i).and_then(Option::as_ref),
            ByElement::Sparse(m) => m.get(&(i as u32)),
        }
    }

    pub(crate) fn insert(&mut self, i: usize, value: T) {
        match self {
            ByElement::Dense(v) => {
                if let Some(slot) = v.get_mut(i) {
                    *slot = Some(value);
                }
            }
            ByElement::Sparse(m) => {
                m.insert(i as u32, value);
            }
        }
    }
}
