//! Reports people read: one self-contained, interactive HTML file for a whole ecograph
//! model, and GitHub-flavoured Markdown summaries of an impact analysis or a diff for
//! pull-request comments.
//!
//! The HTML report carries its CSS, JavaScript and SVG diagrams inline, opens from
//! `file://` without a network, and forbids every remote load with a
//! Content-Security-Policy. Pages are hash routes: the overview (`#/`), every view as a
//! pannable, zoomable diagram (`#/view/<id>`), a searchable index (`#/elements`), one
//! page per element (`#/element/<id>`), the schedule (`#/schedule`) and, when an impact
//! analysis is given, its results (`#/impact`).
//!
//! ```
//! use ecograph_core::Model;
//! use ecograph_report::Report;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "name": "Job market",
//!   "elements": [
//!     { "id": "tmt", "kind": "system", "name": "Työmarkkinatori" },
//!     { "id": "eures", "kind": "system", "name": "EURES portal" }
//!   ],
//!   "relations": [ { "kind": "flow", "from": "tmt", "to": "eures" } ]
//! }"#)?;
//! let html = Report::new(&model).title("Job market report").to_html()?;
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("Content-Security-Policy"));
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod data;
mod html;
pub mod markdown;

use ecograph_core::{Date, Model};
use ecograph_impact::Impact;

/// What can go wrong while building a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The page could not be written.
    #[error("cannot write the report")]
    Write(#[from] std::io::Error),
    /// The language asked for is not one of the model's.
    #[error("the model has no language `{lang}` (it has {available})")]
    UnknownLanguage {
        /// The language asked for.
        lang: String,
        /// The model's languages, comma-separated.
        available: String,
    },
}

/// An HTML report of one model, built with chained setters and written by
/// [`Report::to_html`].
#[derive(Debug, Clone)]
pub struct Report<'a, 'm> {
    model: &'m Model,
    lang: Option<String>,
    today: Option<Date>,
    title: Option<String>,
    impact: Option<&'a Impact<'m>>,
    max_nodes: usize,
}

impl<'a, 'm> Report<'a, 'm> {
    /// A report of `model` with the defaults: the model's first language, no "today",
    /// the model's name as the title, no impact page.
    pub fn new(model: &'m Model) -> Self {
        Report {
            model,
            lang: None,
            today: None,
            title: None,
            impact: None,
            max_nodes: ecograph_render::DEFAULT_MAX_NODES,
        }
    }

    /// The language the report opens in (it can switch to the model's other languages).
    #[must_use]
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// The date the schedule page measures lateness against.
    #[must_use]
    pub fn today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// The page title (default: the model's name, or "ecograph report").
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// An impact analysis of this model to show on the `#/impact` page, with the
    /// changed and affected elements highlighted in the diagrams.
    #[must_use]
    pub fn impact(mut self, impact: &'a Impact<'m>) -> Self {
        self.impact = Some(impact);
        self
    }

    /// The most nodes one diagram may draw; larger views show the render crate's
    /// suggestion instead of a drawing (default [`ecograph_render::DEFAULT_MAX_NODES`]).
    #[must_use]
    pub fn max_nodes(mut self, max: usize) -> Self {
        self.max_nodes = max;
        self
    }

    /// Checks the settings against the model, as [`Report::write_html`] does before it
    /// writes anything: for a caller that must not open its output for a report that
    /// cannot be made.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] when [`Report::lang`] names a language the model
    /// does not have.
    pub fn validate(&self) -> Result<(), Error> {
        let langs = self.model.languages();
        match &self.lang {
            Some(l) if !langs.iter().any(|m| m == l) => Err(Error::UnknownLanguage {
                lang: l.clone(),
                available: langs.join(", "),
            }),
            _ => Ok(()),
        }
    }

    /// The report as one HTML document. The same inputs give byte-identical output.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] when [`Report::lang`] names a language the model
    /// does not have.
    pub fn to_html(&self) -> Result<String, Error> {
        let mut out = Vec::new();
        self.write_html(&mut out)?;
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Writes the report, the same bytes as [`Report::to_html`] gives, as it is made:
    /// one diagram at a time, and the data straight from the model, so that a large
    /// model's page is never held whole.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownLanguage`] when [`Report::lang`] names a language the model
    /// does not have (then nothing is written), and [`Error::Write`] when `out` fails.
    pub fn write_html(&self, out: impl std::io::Write) -> Result<(), Error> {
        self.validate()?;
        let lang = self
            .lang
            .clone()
            .unwrap_or_else(|| self.model.default_language().to_owned());
        let title = self.title.clone().unwrap_or_else(|| {
            self.model
                .name()
                .map(|n| n.resolve(Some(&lang)).to_owned())
                .unwrap_or_else(|| "ecograph report".to_owned())
        });
        let input = data::Input {
            model: self.model,
            lang: &lang,
            title: &title,
            today: self.today,
            impact: self.impact,
            max_nodes: self.max_nodes,
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        html::write_page(&input, &mut out)?;
        std::io::Write::flush(&mut out)?;
        Ok(())
    }
}
