//! The crate's one error type.

/// What can go wrong when resolving or drawing a view.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No view has this id.
    #[error("no view `{id}`{}", suggestion_suffix(.suggestion))]
    UnknownView {
        /// The id asked for.
        id: String,
        /// The closest existing view id.
        suggestion: Option<String>,
        /// Every view id there is, in order.
        available: Vec<String>,
    },
    /// A selector of a view names an element the model does not have.
    #[error("view `{view}` selects unknown element `{id}`{}", suggestion_suffix(.suggestion))]
    UnknownElement {
        /// The view.
        view: String,
        /// The id in the selector.
        id: String,
        /// The closest element id.
        suggestion: Option<String>,
    },
    /// A highlight names an element the model does not have.
    #[error("cannot highlight unknown element `{id}`{}", suggestion_suffix(.suggestion))]
    UnknownHighlight {
        /// The id given.
        id: String,
        /// The closest element id.
        suggestion: Option<String>,
    },
    /// The view would draw more nodes than allowed; `suggestion` says what collapse or
    /// split would bring it under the limit.
    #[error("view `{view}` would draw {nodes} nodes, more than the limit of {limit}; {suggestion}")]
    TooManyNodes {
        /// The view.
        view: String,
        /// How many nodes it would draw.
        nodes: usize,
        /// The limit.
        limit: usize,
        /// A computed way to get under the limit, e.g. "collapse depth 2 would draw 64 nodes".
        suggestion: String,
    },
    /// The layout engine rejected the graph built for the SVG backend (a bug in this
    /// crate: the graph is built from a validated model).
    #[error("cannot lay out view `{view}`: {reason}")]
    Layout {
        /// The view.
        view: String,
        /// The layout engine's message.
        reason: String,
    },
}

fn suggestion_suffix(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}
