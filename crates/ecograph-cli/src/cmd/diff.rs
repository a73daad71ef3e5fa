//! `ecograph diff`: what changed between two versions of a model.

use crate::common::{Exit, Fail, Format, json_out, load_model, write_output};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version (`-` reads standard input).
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
    /// Print the differences as a change set file for `impact --changes`.
    #[arg(long)]
    change_set: bool,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let old = load_model(&args.old)?;
    let new = load_model(&args.new)?;
    let mut d = ecograph_impact::diff(&old, &new);
    if let Some(lang) = &args.lang {
        d = d.lang(lang);
    }
    let out = if args.change_set {
        json_out(&d.change_set().to_json())
    } else {
        match args.format {
            Format::Json => json_out(&d.to_json()),
            Format::Text => d.to_text().into_bytes(),
        }
    };
    write_output(args.output.as_deref(), &out)?;
    Ok(Exit::Ok)
}
