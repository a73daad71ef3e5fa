//! `ecograph why`: why a change to one element affects another, or why not.

use crate::cmd::impact::RuleArgs;
use crate::common::{Exit, Fail, Format, load_model, write_json, write_output};
use ecograph_impact::{ChangeKind, why};

/// The kind of change to explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Kind {
    /// Changed in place.
    #[default]
    Modified,
    /// Taken out.
    Removed,
    /// New.
    Added,
    /// A task delayed.
    Delayed,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// The changed element.
    #[arg(long, value_name = "ID")]
    from: String,
    /// The element to explain.
    #[arg(long, value_name = "ID")]
    to: String,
    /// How `--from` changed.
    #[arg(long, value_enum, default_value_t)]
    change: Kind,
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of names.
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    crate::common::one_stdin(&[
        ("MODEL", Some(args.model.as_str())),
        ("--rules", args.rules.rules.as_deref()),
    ])?;
    let options = args.rules.options(args.lang.as_deref())?;
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let change = match args.change {
        Kind::Modified => ChangeKind::Modified,
        Kind::Removed => ChangeKind::Removed,
        Kind::Added => ChangeKind::Added,
        Kind::Delayed => ChangeKind::Delayed,
    };
    let e = why(&model, &args.from, &args.to, change, &options)
        .map_err(|e| Fail::usage(e.to_string()))?;
    match args.format {
        Format::Json => write_json(None, &e)?,
        Format::Text => write_output(None, e.to_text().as_bytes())?,
    }
    Ok(Exit::Ok)
}
