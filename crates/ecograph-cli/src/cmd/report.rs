//! `ecograph report`: one self-contained, interactive HTML file for a model.

use super::since::Since;
use crate::common::{Exit, Fail, load_model, read_source, write_output, write_output_with};
use ecograph_core::Date;
use ecograph_impact::{ChangeSet, Options, analyze, analyze_since};
use ecograph_report::Report;
use std::path::{Path, PathBuf};

/// Write an HTML report: overview, every view (pan and zoom), a searchable element
/// index, one page per element, the schedule and, with --since or --changes, the impact.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// The HTML file to write (atomically).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// The language the report opens in (it can switch to the model's others).
    #[arg(long, value_name = "CODE")]
    lang: Option<String>,
    /// The date late tasks are measured against, as YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// An older version of the model (a file, or `git:REV[:PATH]`): what changed since
    /// then is shown on the impact page.
    #[arg(long, value_name = "OLD", conflicts_with = "changes")]
    since: Option<String>,
    /// A change set file (JSON, see docs/impact.md) to show on the impact page.
    #[arg(long, value_name = "FILE")]
    changes: Option<String>,
    /// The page title (default: the model's name).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let today = args
        .today
        .as_deref()
        .map(|t| {
            Date::parse(t).ok_or_else(|| {
                Fail::usage(format!(
                    "--today `{t}`: expected a date such as `2024-06-15`"
                ))
            })
        })
        .transpose()?;
    let since = args
        .since
        .as_deref()
        .map(|s| Since::parse(s, &args.model))
        .transpose()?;
    let changes = args
        .changes
        .as_deref()
        .map(|path| {
            ChangeSet::from_json_str(&read_source(path)?)
                .map_err(|e| Fail::usage(format!("{path}: {e}")))
        })
        .transpose()?;
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let old = since.as_ref().map(Since::load).transpose()?;
    let mut options = Options::default();
    if let Some(l) = &args.lang {
        options = options.lang(l.clone());
    }
    let impact = match (&old, &changes) {
        (Some(old), _) => Some(analyze_since(old, &model, &ChangeSet::new(), &options)),
        (None, Some(set)) => Some(analyze(&model, set, &options)),
        (None, None) => None,
    }
    .transpose()
    .map_err(|e| Fail::usage(e.to_string()))?;

    let mut report = Report::new(&model);
    if let Some(l) = &args.lang {
        report = report.lang(l.clone());
    }
    if let Some(d) = today {
        report = report.today(d);
    }
    if let Some(t) = &args.title {
        report = report.title(t.clone());
    }
    if let Some(i) = &impact {
        report = report.impact(i);
    }
    report.validate().map_err(|e| Fail::usage(e.to_string()))?;
    if args.out == Path::new("-") {
        // Standard output is escaped for the terminal, which wants the page whole.
        let html = report.to_html().map_err(|e| Fail::usage(e.to_string()))?;
        write_output(Some(&args.out), html.as_bytes())?;
        return Ok(Exit::Ok);
    }
    // Written as it is made: a large model's page is never held whole.
    write_output_with(Some(&args.out), |out| match report.write_html(out) {
        Ok(()) => Ok(()),
        Err(ecograph_report::Error::Write(e)) => Err(e),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    })?;
    Ok(Exit::Ok)
}
