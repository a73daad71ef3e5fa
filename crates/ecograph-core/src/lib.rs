//! The typed ecosystem model of ecograph: its file format, validation and queries.
//!
//! A model is a typed graph of actors, roles, systems, data, services, processes, tasks
//! and deliverables, and the relations between them. It is read from a JSON file
//! (format version 1, documented in `docs/format.md`), validated once with every problem
//! reported at once, and then queried through borrowed handles.
//!
//! ```
//! use ecograph_core::{ElementKind, Model, RelationKind, Direction};
//!
//! # fn main() -> Result<(), ecograph_core::Error> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "elements": [
//!     { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
//!     { "id": "vacancies", "kind": "data", "name": "Open vacancies" },
//!     { "id": "eures", "kind": "system", "name": "EURES portal" }
//!   ],
//!   "relations": [
//!     { "kind": "flow", "from": "tmt", "to": "eures", "data": ["vacancies"] }
//!   ]
//! }"#)?;
//!
//! let tmt = model.element("tmt").expect("defined above");
//! assert_eq!(tmt.kind(), ElementKind::System);
//! let flow = tmt.outgoing_of(RelationKind::Flow).next().expect("one flow");
//! assert_eq!(flow.to().id().as_str(), "eures");
//! assert_eq!(flow.data_carried().next().map(|d| d.id().to_string()), Some("vacancies".into()));
//!
//! let eures = model.element("eures").expect("defined above");
//! let path = model.shortest_path(tmt, eures, &[], Direction::Outgoing).expect("connected");
//! assert_eq!(path.len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! Beyond queries:
//!
//! - [`Model::graph`] is a [`ModelGraph`] that petgraph's algorithms (`tarjan_scc`,
//!   `toposort`, `dijkstra`, `has_path_connecting`, `Dfs`) take directly;
//! - [`ElementSet`] is a set of elements (a bitset) with union, intersection and
//!   difference, made from tags, kinds, view selectors, neighbours and containment;
//! - [`Model::to_builder`] edits a model into a new, validated one, and [`Model::save`]
//!   writes it atomically ([`fs::write_atomic`]);
//! - the value types parse with [`FromStr`](std::str::FromStr), display with width and
//!   fill honoured, and serialise with serde (feature `serde`, on by default);
//! - an invalid model's error lists every diagnostic in its alternate form (`{:#}`).
#![warn(missing_docs)]

mod build;
mod diag;
pub mod fs;
mod graph;
pub mod json;
mod kind;
mod load;
mod locate;
mod model;
pub mod par;
mod parts;
mod raw;
pub mod scc;
mod schema;
#[cfg(feature = "serde")]
mod ser;
mod set;
pub mod suggest;
pub mod term;
mod text;
pub mod time;
mod validate;
mod view;
mod write;

pub use build::{ModelBuilder, NewElement, NewRelation};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use graph::{
    Edges as ModelGraphEdges, ModelEdge, ModelEdgeId, ModelGraph, ModelNode,
    Neighbors as ModelGraphNeighbors, NodeIdentifiers as ModelGraphNodes,
    NodeReferences as ModelGraphNodeReferences, VisitSet,
};
pub use kind::{Confidence, ElementKind, RelationKind, Status};
pub use load::Checked;
pub use model::{Direction, Element, ElementId, ElementIndex, Model, Path, Relation, Step};
pub use parts::{ElementParts, ModelParts, RelationParts, TextParts};
pub use schema::json_schema;
pub use set::{ElementSet, Iter as ElementSetIter};
pub use text::Text;
pub use time::{Date, Duration, Period};
pub use view::{Collapse, LayoutDirection, Selector, View};

/// The model file format version this library reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// What can go wrong when loading or building a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read `{path}`")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file could not be written ([`Model::save`]); the old file, if any, is intact.
    #[error("cannot write `{path}`")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The model has errors; every one of them is in `diagnostics`. The alternate form
    /// (`{:#}`) lists them all, rendered with file, line:column and JSON path; so does the
    /// error's `source()` (the [`Diagnostics`]), which `anyhow`'s `{:#}` and `{:?}` show.
    #[error(fmt = fmt_invalid)]
    Invalid {
        /// The file, if the model came from one.
        file: Option<String>,
        /// Every error and warning found.
        #[source]
        diagnostics: Diagnostics,
    },
    /// A value (a period, a date, a duration, ...) that does not parse.
    #[error("invalid {what} `{input}`: expected {expected}")]
    Parse {
        /// What sort of value.
        what: &'static str,
        /// The text given.
        input: String,
        /// What a valid value looks like.
        expected: &'static str,
    },
    /// A view read on its own ([`View::from_json`], or serde's `Deserialize`) is not a
    /// valid view.
    #[error("invalid view: {}", .problems.join("; "))]
    InvalidView {
        /// Every problem, with its JSON path in the view and a suggestion where there is
        /// one.
        problems: Vec<String>,
    },
    /// A name (of a kind, a status, ...) that is not one of the known names.
    #[error("unknown {what} `{name}`")]
    UnknownName {
        /// What sort of name.
        what: &'static str,
        /// The name given.
        name: String,
        /// The closest known name.
        suggestion: Option<String>,
    },
}

/// `` `m.json` is not a valid model: 2 errors ``; with `{:#}`, each diagnostic follows.
fn fmt_invalid(
    file: &Option<String>,
    diagnostics: &Diagnostics,
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    let n = diagnostics.errors().count();
    match file {
        Some(file) => write!(f, "`{file}` is not a valid model: ")?,
        None => write!(f, "the input is not a valid model: ")?,
    }
    write!(f, "{n} error{}", if n == 1 { "" } else { "s" })?;
    if f.alternate() {
        f.write_str("\n")?;
        // Each rendered diagnostic ends with a newline: a blank line between them.
        for d in diagnostics.errors() {
            write!(f, "\n{d}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn model_is_send_and_sync() {
        assert_send_sync::<crate::Model>();
        assert_send_sync::<crate::Element<'static>>();
        assert_send_sync::<crate::Error>();
    }
}
