//! Change impact and model diff for ecograph models.
//!
//! Given a change set (elements modified, removed, added, tasks delayed, relations added
//! or removed), [`analyze`] tells what is affected, along which relations, how surely, and
//! who must act. Impact travels by typed [`Rules`] (a documented default table that a
//! JSON file can override) and is transitive. [`diff()`] compares two versions of a
//! model; its change set is what [`analyze_since`] analyzes.
//!
//! ```
//! use ecograph_core::Model;
//! use ecograph_impact::{analyze, Change, ChangeSet, Confidence, Options};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "elements": [
//!     { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
//!     { "id": "match", "kind": "process", "name": "Matching" },
//!     { "id": "ely", "kind": "actor", "name": "ELY Centre" }
//!   ],
//!   "relations": [
//!     { "kind": "uses", "from": "match", "to": "tmt" },
//!     { "kind": "responsible", "from": "ely", "to": "match" }
//!   ]
//! }"#)?;
//!
//! let changes = ChangeSet::from_iter([Change::removed("tmt")]);
//! let impact = analyze(&model, &changes, &Options::default())?;
//! let hit = impact.get("match").expect("uses the removed system");
//! assert_eq!(hit.confidence(), Confidence::Certain);
//! assert_eq!(hit.distance(), 1);
//! assert_eq!(hit.owners()[0].id().as_str(), "ely");
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

/// From how many elements the snapshot is built, and the certain and the full search run,
/// on two threads.
const PARALLEL_FROM: usize = 100_000;

/// Runs `a` here and `b` on another thread when `parallel`, else (or where the system
/// refuses a thread) `a` then `b`. A panic on the other thread is one here, as it would
/// have been.
fn both<A, B: Send>(parallel: bool, a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    if !parallel {
        let x = a();
        return (x, b());
    }
    ecograph_core::par::join(a, b)
}

mod analyze;
mod change;
mod delay;
mod diff;
mod graph;
mod hash;
mod impact;
mod prefetch;
mod report;
mod resolve;
mod rules;
mod search;
mod ser;
mod suggest;
mod why;

pub use analyze::{Snapshot, analyze, analyze_since};
pub use change::{Change, ChangeKind, ChangeSet, RelationRef, Subject};
pub use diff::{
    Diff, FieldChange, Modified, ModifiedElement, ModifiedRelation, ModifiedView, diff,
};
pub use impact::{Affected, Hop, Impact};
pub use rules::{Confidence, Effect, Link, MAX_PATH_HOPS, Options, Paths, Rule, Rules, StopAt};
pub use why::{Block, Explanation, MAX_PATHS, Outcome, why};

use ecograph_core::ElementKind;

fn did_you_mean(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

/// At most this many candidates are listed in an [`Error::AmbiguousRelation`].
pub const MAX_CANDIDATES: usize = 10;

fn and_more(more: usize) -> String {
    if more == 0 {
        String::new()
    } else {
        format!(" and {more} more")
    }
}

/// What can go wrong in an analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An id that names no element.
    #[error("unknown element `{id}` in {context}{}", did_you_mean(.suggestion))]
    UnknownElement {
        /// The id given.
        id: String,
        /// Where it was given.
        context: &'static str,
        /// The closest id in the model.
        suggestion: Option<String>,
    },
    /// A change names a relation the model does not have.
    #[error("no relation {relation} in the model{}", did_you_mean(.suggestion))]
    UnknownRelation {
        /// The relation as given.
        relation: String,
        /// The closest relation id, for relations named by id.
        suggestion: Option<String>,
    },
    /// A change names a relation by its ends, and more than one relation joins them.
    #[error(
        "{relation} names {} relations: {}{}; name one as KIND:FROM->TO, or by `id` or `data` in a change set file",
        .candidates.len() + .more,
        .candidates.join(", "),
        and_more(*.more)
    )]
    AmbiguousRelation {
        /// The relation as given.
        relation: String,
        /// The first [`MAX_CANDIDATES`] relations it could be, described.
        candidates: Vec<String>,
        /// How many more it could be.
        more: usize,
    },
    /// Only tasks can be delayed.
    #[error("`{id}` is of kind `{kind}`, not a task: only tasks can be delayed")]
    NotATask {
        /// The element.
        id: String,
        /// Its kind.
        kind: ElementKind,
    },
    /// No element has a stop tag of the options.
    #[error("no element has the tag `{tag}`{}", did_you_mean(.suggestion))]
    UnknownTag {
        /// The tag given.
        tag: String,
        /// The closest tag in the model.
        suggestion: Option<String>,
    },
    /// A name (change kind, relation kind, direction, ...) that is not a known one.
    #[error("unknown {what} `{name}`{}", did_you_mean(.suggestion))]
    UnknownName {
        /// What sort of name.
        what: &'static str,
        /// The name given.
        name: String,
        /// The closest known name.
        suggestion: Option<String>,
    },
    /// A change set file that cannot be read as one.
    #[error("invalid change set: {message}")]
    ChangeSet {
        /// What is wrong, and where.
        message: String,
    },
    /// A rules file that cannot be read as one.
    #[error("invalid rules: {message}")]
    Rules {
        /// What is wrong, and where.
        message: String,
    },
}

impl Error {
    /// The did-you-mean suggestion, when there is one.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            Error::UnknownElement { suggestion, .. }
            | Error::UnknownRelation { suggestion, .. }
            | Error::UnknownTag { suggestion, .. }
            | Error::UnknownName { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }
}

/// Writes what `write` writes, padded to the formatter's width and fill when it has one
/// (so `{:<12}` works on every `Display` of the crate).
pub(crate) fn padded(
    f: &mut std::fmt::Formatter<'_>,
    write: impl Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
) -> std::fmt::Result {
    struct W<F>(F);
    impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for W<F> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            (self.0)(f)
        }
    }
    if f.width().is_none() && f.precision().is_none() {
        write(f)
    } else {
        f.pad(&W(write).to_string())
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn results_are_send_and_sync() {
        assert_send_sync::<crate::Impact<'static>>();
        assert_send_sync::<crate::Diff<'static>>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::Options>();
    }
}

#[cfg(test)]
mod thread_tests {
    use std::thread::{ThreadId, current};

    fn ids() -> (ThreadId, ThreadId) {
        super::both(true, || current().id(), || current().id())
    }

    #[test]
    fn both_runs_the_second_on_another_thread_or_here_when_the_system_refuses_one() {
        let here = current().id();
        let (a, b) = ids();
        assert_eq!(a, here);
        assert_ne!(b, here);
        let (a, b) = ecograph_core::par::with_threads_refused(ids);
        assert_eq!((a, b), (here, here));
    }
}
