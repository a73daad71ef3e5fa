//! `ecograph diff`: what changed between two versions of a model.

use super::markdown::{self, Format};
use super::since::Since;
use crate::common::{Exit, Fail, load_model, write_json, write_output};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version (`-` reads standard input; `git:REV[:PATH]` reads it with `git show`,
    /// PATH defaulting to NEW).
    #[arg(value_name = "OLD")]
    old: String,
    /// The new version.
    #[arg(value_name = "NEW")]
    new: String,
    /// Language of names.
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Print the differences as a change set file: the changes `impact NEW --since OLD`
    /// analyzes. It names elements of both versions (removed ones only the old has),
    /// so read it back with `--since OLD` (`impact NEW --since OLD --changes FILE`).
    #[arg(long)]
    change_set: bool,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    crate::common::one_stdin(&[
        ("OLD", Some(args.old.as_str())),
        ("NEW", Some(args.new.as_str())),
    ])?;
    let old = Since::parse(&args.old, &args.new)?.load()?;
    let new = load_model(&args.new)?;
    // A language either version has.
    if crate::common::check_lang(&old, args.lang.as_deref()).is_err() {
        crate::common::check_lang(&new, args.lang.as_deref())?;
    }
    let mut d = ecograph_impact::diff(&old, &new);
    if let Some(lang) = &args.lang {
        d = d.lang(lang);
    }
    let out = args.output.as_deref();
    match args.format {
        _ if args.change_set => write_json(out, &d.change_set())?,
        Format::Json => write_json(out, &d)?,
        Format::Text => write_output(out, d.to_text().as_bytes())?,
        Format::Markdown => markdown::write_diff(out, &d, args.lang.as_deref())?,
    }
    Ok(Exit::Ok)
}
