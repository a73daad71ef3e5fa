//! Highlighting: which elements a change touches, drawn over a view.
//!
//! The render crate does not know where a highlight comes from; the CLI fills a
//! [`Highlight`] from the JSON of `ecograph impact` or `ecograph diff`.

use std::collections::BTreeMap;

/// How a change touches one element.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// The change reaches the element, with a confidence from 0 to 1.
    Affected {
        /// How sure the analysis is, from 0 (a guess) to 1 (certain).
        confidence: f64,
    },
}

impl Mark {
    /// Orders marks by how much they say: a direct change outranks an effect, and a
    /// surer effect outranks a fainter one. A collapsed container shows the strongest
    /// mark of what it hides.
    fn strength(&self) -> f64 {
        match self {
            Mark::Changed | Mark::Removed => 4.0,
            Mark::Added => 3.5,
            Mark::Modified => 3.0,
            Mark::Affected { confidence } => 1.0 + confidence.clamp(0.0, 1.0),
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    marks: BTreeMap<String, Mark>,
}

impl Highlight {
    /// An empty highlight: nothing is marked and nothing fades.
    pub fn new() -> Highlight {
        Highlight::default()
    }

    /// Marks an element; an element marked twice keeps the stronger mark.
    pub fn mark(&mut self, id: impl Into<String>, mark: Mark) -> &mut Self {
        let id = id.into();
        let old = self.marks.get(&id).copied();
        self.marks.insert(id, Mark::stronger(old, mark));
        self
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
