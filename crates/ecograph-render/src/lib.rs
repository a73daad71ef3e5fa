//! Diagrams of ecograph models: views resolved into what to draw, then written as
//! Graphviz DOT, Mermaid flowcharts or SVG laid out inside the binary.
//!
//! ```
//! use ecograph_core::Model;
//! use ecograph_render::{Diagram, Format, Options, render, views_of};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "elements": [
//!     { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
//!     { "id": "eures", "kind": "system", "name": "EURES portal" },
//!     { "id": "vacancies", "kind": "data", "name": "Open vacancies" }
//!   ],
//!   "relations": [
//!     { "kind": "flow", "from": "tmt", "to": "eures", "data": ["vacancies"] }
//!   ]
//! }"#)?;
//!
//! // A model without views gets a default overview.
//! let views = views_of(&model, 150);
//! assert_eq!(views[0].id, "overview");
//!
//! let options = Options::default();
//! let diagram = Diagram::new(&model, &views[0], &options)?;
//! assert_eq!(diagram.nodes().len(), 3);
//! assert_eq!(diagram.edges()[0].label(), "Open vacancies");
//!
//! let svg = render(&model, &views[0], Format::Svg, &options)?;
//! assert!(svg.contains("Job Market Finland"));
//! let dot = diagram.to_dot();
//! assert!(dot.starts_with("digraph \"overview\""));
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod dot;
mod error;
mod escape;
mod highlight;
mod index;
pub mod layout;
mod mermaid;
mod style;
mod svg;
pub mod text;
pub mod text_metrics;
mod view;

pub use error::Error;
pub use highlight::{Highlight, Mark};
pub use style::{Arrow, EDGE_ROUTING, EdgeStyle, Line, NodeStyle, Shape, edge_style, node_style};
pub use view::{
    DEFAULT_MAX_NODES, Diagram, Edge, Node, Options, default_views, find_view, views_of,
};

use ecograph_core::{Model, View};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// SVG, laid out by the embedded layered layout.
    #[default]
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

impl Format {
    /// The file extension, without the dot: `svg`, `dot`, `mmd`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Dot => "dot",
            Format::Mermaid => "mmd",
        }
    }
}

impl Diagram<'_> {
    /// The diagram as a Graphviz `digraph`.
    pub fn to_dot(&self) -> String {
        dot::write(self)
    }

    /// The diagram as a Mermaid `flowchart`.
    pub fn to_mermaid(&self) -> String {
        mermaid::write(self)
    }

    /// The diagram as a standalone SVG document.
    ///
    /// # Errors
    ///
    /// [`Error::Layout`] if the layout engine rejects the graph (a bug: the graph is
    /// built from a validated model).
    pub fn to_svg(&self) -> Result<String, Error> {
        svg::write(self)
    }

    /// The diagram in `format`.
    ///
    /// # Errors
    ///
    /// As [`Diagram::to_svg`].
    pub fn to_format(&self, format: Format) -> Result<String, Error> {
        match format {
            Format::Svg => self.to_svg(),
            Format::Dot => Ok(self.to_dot()),
            Format::Mermaid => Ok(self.to_mermaid()),
        }
    }
}

/// Resolves `view` and writes it in `format`.
///
/// # Errors
///
/// As [`Diagram::new`] and [`Diagram::to_svg`].
pub fn render(
    model: &Model,
    view: &View,
    format: Format,
    options: &Options,
) -> Result<String, Error> {
    Diagram::new(model, view, options)?.to_format(format)
}

/// The repository's TE24 model, for the unit tests that draw its views.
#[cfg(test)]
pub(crate) fn te24() -> ecograph_core::Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/te24.json");
    let text = std::fs::read_to_string(path).expect("models/te24.json");
    ecograph_core::Model::from_json_str(&text).expect("te24 is valid")
}
