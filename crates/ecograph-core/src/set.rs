//! Sets of elements of one model: a bitset over element indices.

use crate::model::Direction;
use crate::{Element, ElementIndex, ElementKind, Error, Model, RelationKind, Selector, Status};
use std::fmt;
use std::ops::{BitAnd, BitOr, Sub};

/// A set of elements of one model, as a bitset over [`ElementIndex`]: membership tests
/// are one bit, union, intersection and difference are word-wide, and iteration is in
/// file order.
///
/// Sets are built from a predicate, a view [`Selector`], a tag or a kind, and grow by
/// relations (`neighbours`) and containment (`ancestors`, `descendants`).
///
/// ```
/// use ecograph_core::{Direction, ElementKind, ElementSet, Model, RelationKind};
///
/// let model = Model::from_json_str(r#"{"ecograph": 1,
///   "elements": [
///     {"id": "g", "kind": "group", "name": "G"},
///     {"id": "a", "kind": "system", "name": "A", "parent": "g", "tags": ["core"]},
///     {"id": "b", "kind": "system", "name": "B"},
///     {"id": "c", "kind": "system", "name": "C", "tags": ["core"]}],
///   "relations": [{"kind": "flow", "from": "a", "to": "b"}]}"#)?;
///
/// let core = ElementSet::with_tag(&model, "core");
/// let systems = ElementSet::of_kind(&model, ElementKind::System);
/// let downstream = core.neighbours(1, &[RelationKind::Flow], Direction::Outgoing);
/// let ids = |s: &ElementSet| s.iter().map(|e| e.id().to_string()).collect::<Vec<_>>();
/// assert_eq!(ids(&downstream), ["b"]);
/// assert_eq!(ids(&(&systems - &core)), ["b"]);
/// assert_eq!(ids(&core.ancestors()), ["g"]);
/// assert_eq!((&core | &downstream).len(), 3);
/// # Ok::<(), ecograph_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ElementSet<'m> {
    model: &'m Model,
    words: Vec<u64>,
}

impl PartialEq for ElementSet<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.model, other.model) && self.words == other.words
    }
}
impl Eq for ElementSet<'_> {}

impl fmt::Debug for ElementSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(|e| e.id())).finish()
    }
}

impl<'m> ElementSet<'m> {
    /// The empty set.
    pub fn new(model: &'m Model) -> ElementSet<'m> {
        ElementSet {
            model,
            words: vec![0; model.element_count().div_ceil(64)],
        }
    }

    /// Every element of the model.
    pub fn all(model: &'m Model) -> ElementSet<'m> {
        let mut s = ElementSet::new(model);
        s.words.fill(u64::MAX);
        s.trim();
        s
    }

    /// The elements for which `keep` is true.
    pub fn from_predicate(
        model: &'m Model,
        mut keep: impl FnMut(Element<'m>) -> bool,
    ) -> ElementSet<'m> {
        let mut s = ElementSet::new(model);
        for e in model.elements() {
            if keep(e) {
                s.set(e.index());
            }
        }
        s
    }

    /// The elements with the tag.
    pub fn with_tag(model: &'m Model, tag: &str) -> ElementSet<'m> {
        ElementSet::from_predicate(model, |e| e.has_tag(tag))
    }

    /// The elements of the kind.
    pub fn of_kind(model: &'m Model, kind: ElementKind) -> ElementSet<'m> {
        ElementSet::from_predicate(model, |e| e.kind() == kind)
    }

    /// The tasks with the status.
    pub fn with_status(model: &'m Model, status: Status) -> ElementSet<'m> {
        ElementSet::from_predicate(model, |e| e.status() == Some(status))
    }

    /// The elements a view selector picks, as a view's `include` reads it: `subtree`
    /// includes the element itself, `around` the centre and everything within `depth`
    /// relations of it in either direction.
    ///
    /// # Errors
    /// [`Error::UnknownName`] (what: `element`) when the selector names an element the
    /// model does not have, with the closest id as a suggestion.
    pub fn from_selector(model: &'m Model, selector: &Selector) -> Result<ElementSet<'m>, Error> {
        let find = |id: &str| {
            model.element(id).ok_or_else(|| Error::UnknownName {
                what: "element",
                name: id.to_owned(),
                suggestion: crate::suggest::element(model, id).map(str::to_owned),
            })
        };
        let mut s = ElementSet::new(model);
        match selector {
            Selector::Kind(k) => return Ok(ElementSet::of_kind(model, *k)),
            Selector::Tag(t) => return Ok(ElementSet::with_tag(model, t)),
            Selector::Status(st) => return Ok(ElementSet::with_status(model, *st)),
            Selector::Id(id) => {
                s.insert(find(id)?);
            }
            Selector::Subtree(id) => {
                s.insert(find(id)?);
                s = &s | &s.descendants();
            }
            Selector::Around {
                id,
                depth,
                relations,
            } => {
                s.insert(find(id)?);
                s = &s | &s.neighbours(*depth, relations, Direction::Both);
            }
        }
        Ok(s)
    }

    /// The model the set belongs to.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// Adds an element; whether it was new.
    ///
    /// # Panics
    /// When the element belongs to another model.
    pub fn insert(&mut self, e: Element<'m>) -> bool {
        self.check(e);
        let new = !self.get(e.index());
        self.set(e.index());
        new
    }

    /// Removes an element; whether it was there.
    ///
    /// # Panics
    /// When the element belongs to another model.
    pub fn remove(&mut self, e: Element<'m>) -> bool {
        self.check(e);
        let was = self.get(e.index());
        self.words[e.index() / 64] &= !(1 << (e.index() % 64));
        was
    }

    /// Whether the element is in the set (an element of another model never is).
    pub fn contains(&self, e: Element<'_>) -> bool {
        std::ptr::eq(e.model(), self.model) && self.get(e.index())
    }

    /// Whether the element at this index is in the set.
    pub fn contains_index(&self, index: ElementIndex) -> bool {
        index.index() < self.model.element_count() && self.get(index.index())
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The elements, in file order.
    pub fn iter(&self) -> Iter<'_, 'm> {
        Iter {
            model: self.model,
            words: &self.words,
            at: 0,
            word: self.words.first().copied().unwrap_or(0),
        }
    }

    /// The elements in either set.
    ///
    /// # Panics
    /// When the sets belong to different models (also for `|`, `&` and `-`).
    pub fn union(&self, other: &ElementSet<'m>) -> ElementSet<'m> {
        self.zip(other, |a, b| a | b)
    }

    /// The elements in both sets.
    pub fn intersection(&self, other: &ElementSet<'m>) -> ElementSet<'m> {
        self.zip(other, |a, b| a & b)
    }

    /// The elements in `self` and not in `other`.
    pub fn difference(&self, other: &ElementSet<'m>) -> ElementSet<'m> {
        self.zip(other, |a, b| a & !b)
    }

    /// The elements not in the set.
    pub fn complement(&self) -> ElementSet<'m> {
        let mut s = self.clone();
        s.words.iter_mut().for_each(|w| *w = !*w);
        s.trim();
        s
    }

    /// The elements within `depth` relations of a member that are not members, following
    /// relations of the given kinds (all kinds when `kinds` is empty) in `direction`;
    /// `linked` relations are followed both ways whatever the direction. Union it with
    /// the set for "the set and its surroundings".
    pub fn neighbours(
        &self,
        depth: usize,
        kinds: &[RelationKind],
        direction: Direction,
    ) -> ElementSet<'m> {
        let mut seen = self.clone();
        let mut frontier: Vec<u32> = self.iter().map(|e| e.index() as u32).collect();
        let mut next = Vec::new();
        for _ in 0..depth {
            if frontier.is_empty() {
                break;
            }
            for &at in &frontier {
                self.model
                    .for_each_neighbour(at, kinds, direction, |other| {
                        if !seen.get(other as usize) {
                            seen.set(other as usize);
                            next.push(other);
                        }
                    });
            }
            std::mem::swap(&mut frontier, &mut next);
            next.clear();
        }
        seen.difference(self)
    }

    /// Every element that contains a member (parents, their parents, ...) and is not
    /// itself a member merely by being one: a member that contains another member is in
    /// the result.
    pub fn ancestors(&self) -> ElementSet<'m> {
        let mut out = ElementSet::new(self.model);
        for e in self.iter() {
            for a in e.ancestors() {
                if out.get(a.index()) {
                    break; // the rest of the chain is in already
                }
                out.set(a.index());
            }
        }
        out
    }

    /// Every element that a member contains, at any depth (a member contained in another
    /// member is in the result).
    pub fn descendants(&self) -> ElementSet<'m> {
        let mut out = ElementSet::new(self.model);
        let mut stack: Vec<Element<'m>> = Vec::new();
        for e in self.iter() {
            stack.extend(e.children());
            while let Some(c) = stack.pop() {
                if !out.get(c.index()) {
                    out.set(c.index());
                    stack.extend(c.children());
                }
            }
        }
        out
    }

    fn check(&self, e: Element<'_>) {
        assert!(
            std::ptr::eq(e.model(), self.model),
            "the element belongs to another model than the set"
        );
    }

    fn zip(&self, other: &ElementSet<'m>, op: impl Fn(u64, u64) -> u64) -> ElementSet<'m> {
        assert!(
            std::ptr::eq(self.model, other.model),
            "the sets belong to different models"
        );
        ElementSet {
            model: self.model,
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(&a, &b)| op(a, b))
                .collect(),
        }
    }

    fn get(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Clears the bits past the last element.
    fn trim(&mut self) {
        let n = self.model.element_count();
        if !n.is_multiple_of(64)
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << (n % 64)) - 1;
        }
    }
}

/// The elements of an [`ElementSet`], in file order.
#[derive(Debug, Clone)]
pub struct Iter<'s, 'm> {
    model: &'m Model,
    words: &'s [u64],
    at: usize,
    word: u64,
}

impl<'m> Iterator for Iter<'_, 'm> {
    type Item = Element<'m>;
    fn next(&mut self) -> Option<Element<'m>> {
        while self.word == 0 {
            self.at += 1;
            self.word = *self.words.get(self.at)?;
        }
        let bit = self.word.trailing_zeros() as usize;
        self.word &= self.word - 1;
        self.model.element_at(self.at * 64 + bit)
    }
}

impl<'s, 'm> IntoIterator for &'s ElementSet<'m> {
    type Item = Element<'m>;
    type IntoIter = Iter<'s, 'm>;
    fn into_iter(self) -> Iter<'s, 'm> {
        self.iter()
    }
}

impl<'m> Extend<Element<'m>> for ElementSet<'m> {
    fn extend<I: IntoIterator<Item = Element<'m>>>(&mut self, iter: I) {
        for e in iter {
            self.insert(e);
        }
    }
}

impl<'m> BitOr for &ElementSet<'m> {
    type Output = ElementSet<'m>;
    fn bitor(self, rhs: Self) -> ElementSet<'m> {
        self.union(rhs)
    }
}

impl<'m> BitAnd for &ElementSet<'m> {
    type Output = ElementSet<'m>;
    fn bitand(self, rhs: Self) -> ElementSet<'m> {
        self.intersection(rhs)
    }
}

impl<'m> Sub for &ElementSet<'m> {
    type Output = ElementSet<'m>;
    fn sub(self, rhs: Self) -> ElementSet<'m> {
        self.difference(rhs)
    }
}
