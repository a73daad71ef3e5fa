//! `--format markdown` for `impact` and `diff`: GitHub-flavoured summaries for
//! pull-request comments, written by `ecograph_report::markdown`.

use crate::common::{Fail, write_output};
use ecograph_core::Model;
use ecograph_impact::{Diff, Impact};
use ecograph_report::markdown::{Limits, diff_markdown, impact_markdown};
use std::path::Path;

/// `--format` of the commands that also write Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For scripts: stable, documented JSON.
    Json,
    /// For pull-request comments: GitHub-flavoured Markdown with a Mermaid diagram.
    Markdown,
}

/// Writes the impact summary.
pub fn write_impact(
    out: Option<&Path>,
    model: &Model,
    impact: &Impact<'_>,
    lang: Option<&str>,
) -> Result<(), Fail> {
    let md = impact_markdown(model, impact, &limits(lang));
    write_output(out, md.as_bytes())
}

/// Writes the diff summary.
pub fn write_diff(out: Option<&Path>, diff: &Diff<'_>, lang: Option<&str>) -> Result<(), Fail> {
    let md = diff_markdown(diff, &limits(lang));
    write_output(out, md.as_bytes())
}

fn limits(lang: Option<&str>) -> Limits {
    match lang {
        Some(l) => Limits::default().lang(l),
        None => Limits::default(),
    }
}
