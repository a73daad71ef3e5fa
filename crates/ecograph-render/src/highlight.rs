//! Highlighting: which elements a change touches, drawn over a view.
//!
//! A [`Highlight`] is filled from an impact analysis ([`Highlight::from_impact`]), a
//! model diff ([`Highlight::from_diff`]), a set of elements ([`Highlight::from_set`]) or
//! mark by mark. The mapping from an analysis to marks lives here, once: the CLI, the
//! report and library users all go through it.

use crate::Error;
use ecograph_core::{Confidence, Element, ElementSet, Model};
use std::collections::BTreeMap;

/// How a change touches one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mark {
    /// The element is one of the changes an impact analysis started from.
    Changed,
    /// The element was added (a diff).
    Added,
    /// The element was removed (a diff).
    Removed,
    /// The element was modified (a diff).
    Modified,
    /// The change reaches the element, with the analysis' confidence.
    Affected {
        /// How sure the analysis is.
        confidence: Confidence,
    },
}

impl Mark {
    /// The mark of an element an impact analysis started from: `Removed` and `Added`
    /// for those changes, `Changed` for the others (`modified`, `delayed`).
    #[cfg(feature = "impact")]
    pub fn of_change(kind: ecograph_impact::ChangeKind) -> Mark {
        use ecograph_impact::ChangeKind;
        match kind {
            ChangeKind::Removed => Mark::Removed,
            ChangeKind::Added => Mark::Added,
            _ => Mark::Changed,
        }
    }

    /// Orders marks by how much they say: a direct change outranks an effect, and a
    /// certain effect outranks a potential one. A collapsed container shows the strongest
    /// mark of what it hides.
    fn strength(&self) -> u8 {
        match self {
            Mark::Changed | Mark::Removed => 8,
            Mark::Added => 7,
            Mark::Modified => 6,
            Mark::Affected {
                confidence: Confidence::Certain,
            } => 2,
            Mark::Affected {
                confidence: Confidence::Potential,
            } => 1,
        }
    }

    /// The stronger of two marks (the first on a tie).
    pub(crate) fn stronger(a: Option<Mark>, b: Mark) -> Mark {
        match a {
            Some(a) if a.strength() >= b.strength() => a,
            _ => b,
        }
    }
}

/// Marks on elements, by element id. Elements without a mark are drawn as untouched
/// (faded) whenever the highlight is not empty.
///
/// ```
/// use ecograph_core::{Confidence, Model};
/// use ecograph_render::{Highlight, Mark};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
///   {"id": "tmt", "kind": "system", "name": "TMT"}]}"#)?;
/// let mut h = Highlight::new();
/// h.mark(&model, "tmt", Mark::Affected { confidence: Confidence::Potential })?;
/// assert_eq!(
///     h.mark(&model, "tnt", Mark::Changed).unwrap_err().to_string(),
///     "cannot highlight unknown element `tnt` (did you mean `tmt`?)"
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    marks: BTreeMap<String, Mark>,
}

impl Highlight {
    /// An empty highlight: nothing is marked and nothing fades.
    pub fn new() -> Highlight {
        Highlight::default()
    }

    /// The elements an impact analysis starts from (`Changed`, `Added` or `Removed`, see
    /// [`Mark::of_change`]) and every element it affects (`Affected`, with its
    /// confidence). Changes of relations mark nothing. Requires the `impact` feature (on
    /// by default).
    ///
    /// ```
    /// use ecograph_core::{Confidence, Model};
    /// use ecograph_impact::{ChangeSet, Change, Options, analyze};
    /// use ecograph_render::{Highlight, Mark};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let model = Model::from_json_str(r#"{"ecograph": 1,
    ///   "elements": [{"id": "a", "kind": "system", "name": "A"},
    ///                {"id": "b", "kind": "system", "name": "B"}],
    ///   "relations": [{"kind": "uses", "from": "b", "to": "a"}]}"#)?;
    /// let mut changes = ChangeSet::new();
    /// changes.push(Change::removed("a"));
    /// let impact = analyze(&model, &changes, &Options::default())?;
    /// let h = Highlight::from_impact(&impact);
    /// assert_eq!(h.get("a"), Some(Mark::Removed));
    /// assert_eq!(h.get("b"), Some(Mark::Affected { confidence: Confidence::Certain }));
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "impact")]
    pub fn from_impact(impact: &ecograph_impact::Impact<'_>) -> Highlight {
        use ecograph_impact::Subject;
        let mut h = Highlight::new();
        for c in impact.changes().iter() {
            if let Subject::Element(id) = c.subject() {
                h.insert(id.clone(), Mark::of_change(c.kind()));
            }
        }
        for a in impact.affected() {
            h.insert(
                a.element().id().as_str().to_owned(),
                Mark::Affected {
                    confidence: a.confidence(),
                },
            );
        }
        h
    }

    /// The elements a diff adds (`Added`), removes (`Removed`) and modifies
    /// (`Modified`). Requires the `impact` feature (on by default).
    ///
    /// # Examples
    ///
    /// ```
    /// use ecograph_core::Model;
    /// use ecograph_render::{Highlight, Mark};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let old = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///   {"id": "a", "kind": "system", "name": "A"}]}"#)?;
    /// let new = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///   {"id": "a", "kind": "system", "name": "A2"}, {"id": "b", "kind": "system", "name": "B"}]}"#)?;
    /// let h = Highlight::from_diff(&ecograph_impact::diff(&old, &new));
    /// assert_eq!(h.get("a"), Some(Mark::Modified));
    /// assert_eq!(h.get("b"), Some(Mark::Added));
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "impact")]
    pub fn from_diff(diff: &ecograph_impact::Diff<'_>) -> Highlight {
        let mut h = Highlight::new();
        for e in diff.added() {
            h.insert(e.id().as_str().to_owned(), Mark::Added);
        }
        for e in diff.removed() {
            h.insert(e.id().as_str().to_owned(), Mark::Removed);
        }
        for m in diff.modified() {
            h.insert(m.new.id().as_str().to_owned(), Mark::Modified);
        }
        h
    }

    /// Every element of a set, with the same mark.
    pub fn from_set(set: &ElementSet<'_>, mark: Mark) -> Highlight {
        let mut h = Highlight::new();
        for e in set.iter() {
            h.mark_element(e, mark);
        }
        h
    }

    /// Marks the element `id` of `model`; an element marked twice keeps the stronger
    /// mark.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownHighlight`], with the closest id as a suggestion, when the model
    /// has no element `id`.
    pub fn mark(&mut self, model: &Model, id: &str, mark: Mark) -> Result<&mut Self, Error> {
        match model.element(id) {
            Some(e) => Ok(self.mark_element(e, mark)),
            None => Err(Error::UnknownHighlight {
                id: id.to_owned(),
                suggestion: ecograph_core::suggest::closest(
                    id,
                    model.elements().map(|e| e.id().as_str()),
                )
                .map(str::to_owned),
            }),
        }
    }

    /// Marks an element; an element marked twice keeps the stronger mark.
    pub fn mark_element(&mut self, element: Element<'_>, mark: Mark) -> &mut Self {
        self.insert(element.id().as_str().to_owned(), mark);
        self
    }

    fn insert(&mut self, id: String, mark: Mark) {
        let old = self.marks.get(&id).copied();
        self.marks.insert(id, Mark::stronger(old, mark));
    }

    /// The mark of an element.
    pub fn get(&self, id: &str) -> Option<Mark> {
        self.marks.get(id).copied()
    }

    /// Whether nothing is marked.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// Every mark, by id in byte order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Mark)> + '_ {
        self.marks.iter().map(|(k, v)| (k.as_str(), *v))
    }
}
