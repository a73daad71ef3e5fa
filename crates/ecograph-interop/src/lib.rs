//! ecograph models in and out of other tools' formats: the Open Group ArchiMate Model
//! Exchange File Format (3.0/3.1, as Archi reads and writes it), Archi's CSV layout and
//! GraphML (yEd, Gephi).
//!
//! Every mapping is documented in `docs/interop.md`. Export of a model and import of the
//! result gives the same model back (the same canonical JSON), and import of an exchange
//! file, exported and imported again, gives the same model.
//!
//! ```
//! use ecograph_core::Model;
//! use ecograph_interop::{ExportOptions, export_archimate, import_archimate};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "languages": ["fi", "en"],
//!   "elements": [
//!     { "id": "keha", "kind": "actor", "name": { "fi": "KEHA-keskus", "en": "KEHA Centre" } },
//!     { "id": "tmt", "kind": "system", "name": { "fi": "Työmarkkinatori", "en": "Job Market Finland" } }
//!   ],
//!   "relations": [ { "kind": "responsible", "from": "keha", "to": "tmt" } ]
//! }"#)?;
//!
//! let xml = export_archimate(&model, &ExportOptions::default())?;
//! let text = String::from_utf8(xml.clone())?;
//! assert!(text.contains(r#"<name xml:lang="en">Job Market Finland</name>"#));
//!
//! let back = import_archimate(&xml[..], "model.xml")?;
//! assert_eq!(back.model.to_canonical_json(), model.to_canonical_json());
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod archimate;
mod csvfmt;
mod doc;
mod error;
mod graphml;
mod hash;
mod ids;
mod mapping;
mod par;
mod pipe;
mod placement;
pub mod types;
mod xmlread;
mod xmlwrite;

pub use archimate::{export_archimate, import_archimate, write_archimate};
pub use csvfmt::{CSV_FILES, CsvFiles, export_csv, import_csv, write_csv};
pub use error::{Error, Problem, Warning};
pub use graphml::export_graphml;

use ecograph_core::Model;

/// Deepest containment the exports write as nesting: folders in the exchange file,
/// nested nodes in its diagrams, nested graphs in GraphML. An element deeper than this
/// goes where its deepest written ancestor's contents go. Containment itself travels
/// apart from the nesting (Composition or Aggregation relationships, `parent` data), so
/// nothing is lost. Nesting as deep as containment would write a chain deeper than the
/// reader accepts (`xmlread::MAX_DEPTH`), which would not import back, and would hand
/// its depth to tools that read folders and nested nodes recursively (Archi, yEd). 64
/// levels is more than a hand-made model uses.
pub const MAX_NESTING: usize = 64;

/// Options of every export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportOptions {
    /// Write names, documentation and labels in this language only (Archi keeps one
    /// language); `None` writes every language of the model.
    pub lang: Option<String>,
}

impl ExportOptions {
    /// Writes only `lang`.
    #[must_use]
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
}

/// An imported model and what the import could not carry over exactly.
#[derive(Debug)]
#[non_exhaustive]
pub struct Imported {
    /// The model; it passes every check of `ecograph check`.
    pub model: Model,
    /// What was adapted or dropped, one entry per occurrence, in file order.
    pub warnings: Vec<Warning>,
}
