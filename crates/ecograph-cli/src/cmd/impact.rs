//! `ecograph impact`: what a change set affects.

use super::markdown::{self, Format};
use super::since::Since;
use crate::common::{Exit, Fail, load_model, read_source, write_json, write_output};
use ecograph_impact::{
    Change, ChangeKind, ChangeSet, Confidence, Link, Options, Paths, RelationRef, Rules, StopAt,
    analyze, analyze_since,
};
use std::path::PathBuf;

/// The propagation options `impact` and `why` share.
#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rules file (JSON) that overrides the default rules table (see docs/impact.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: Option<String>,
    /// Follow only these relation kinds (`parent` and `data` too); repeatable or
    /// comma-separated.
    #[arg(long, value_name = "KIND", num_args = 1.., value_delimiter = ',')]
    follow: Vec<String>,
    /// Never follow these relation kinds; repeatable or comma-separated.
    #[arg(long, value_name = "KIND", num_args = 1.., value_delimiter = ',')]
    skip: Vec<String>,
    /// Follow chains of at most N relations (default: unlimited).
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
    /// Do not propagate through this element, or through elements with tag T; repeatable.
    #[arg(long = "stop-at", value_name = "ID|tag:T")]
    stop_at: Vec<String>,
    /// Follow only certain rules: no `potential` impact (`linked`, reverse `concerns`).
    #[arg(long)]
    certain_only: bool,
}

impl RuleArgs {
    /// The analysis options these flags ask for.
    pub fn options(&self, lang: Option<&str>) -> Result<Options, Fail> {
        let mut o = Options::default().certain_only(self.certain_only);
        if let Some(lang) = lang {
            o = o.lang(lang);
        }
        if let Some(path) = &self.rules {
            let rules = Rules::from_json_str(&read_source(path)?)
                .map_err(|e| Fail::usage(format!("{path}: {e}")))?;
            o = o.rules(rules);
        }
        let links = |names: &[String]| {
            names
                .iter()
                .map(|n| Link::from_name(n).map_err(|e| Fail::usage(e.to_string())))
                .collect::<Result<Vec<_>, _>>()
        };
        if !self.follow.is_empty() {
            o = o.follow(links(&self.follow)?);
        }
        o = o.skip(links(&self.skip)?);
        if let Some(d) = self.depth {
            o = o.depth(d);
        }
        Ok(o.stop_at(self.stop_at.iter().map(|s| StopAt::parse(s))))
    }
}

/// How much of each witness path `--format json` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PathsArg {
    /// The last hop of each path (`via`).
    Via,
    /// `via` and the path, at most its last 100 hops.
    Full,
}

/// How sure impact must be for `--fail-on` to fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Fire on certain impact only.
    Certain,
    /// Fire on any impact.
    Potential,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input); with --since, the new version.
    #[arg(value_name = "MODEL")]
    model: String,
    /// An element changed in place, or a relation as FROM->TO (KIND:FROM->TO when several
    /// join the two); repeatable.
    #[arg(long, value_name = "ID|FROM->TO")]
    modified: Vec<String>,
    /// An element taken out, or a relation as FROM->TO (KIND:FROM->TO when several join
    /// the two); repeatable.
    #[arg(long, value_name = "ID|FROM->TO")]
    removed: Vec<String>,
    /// A task delayed by a duration, as ID=6w (d, w, m or y); repeatable.
    #[arg(long, value_name = "ID=DURATION")]
    delay: Vec<String>,
    /// A change set file (JSON, see docs/impact.md).
    #[arg(long, value_name = "FILE")]
    changes: Option<String>,
    /// An older version of the model (a file, or `git:REV[:PATH]` read with `git show`):
    /// what changed since then is the change set.
    #[arg(long, value_name = "OLD_MODEL")]
    since: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of names.
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// How much of each witness path the JSON report writes: `via`, the last hop (each
    /// path can be rebuilt by following `via.from`), or `full`, the path as well (at most
    /// its last 100 hops).
    #[arg(long, value_enum, value_name = "HOW", default_value = "via")]
    paths: PathsArg,
    /// Exit with code 3 when impact at or above this level is found.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<Level>,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The changes given by flags and a change set file.
fn change_set(args: &Args) -> Result<ChangeSet, Fail> {
    let mut set = match &args.changes {
        Some(path) => ChangeSet::from_json_str(&read_source(path)?)
            .map_err(|e| Fail::usage(format!("{path}: {e}")))?,
        None => ChangeSet::new(),
    };
    for (ids, kind) in [
        (&args.modified, ChangeKind::Modified),
        (&args.removed, ChangeKind::Removed),
    ] {
        for id in ids {
            set.push(match RelationRef::parse_arrow(id) {
                None if kind == ChangeKind::Modified => Change::modified(id),
                None => Change::removed(id),
                Some(relation) => relation
                    .and_then(|r| Change::relation(r, kind))
                    .map_err(|e| Fail::usage(e.to_string()))?,
            });
        }
    }
    for d in &args.delay {
        let (id, by) = d.split_once('=').ok_or_else(|| {
            Fail::usage(format!(
                "--delay `{d}`: expected ID=DURATION, such as `task.1=6w`"
            ))
        })?;
        let by = by
            .parse::<ecograph_core::Duration>()
            .map_err(|e| Fail::usage(format!("--delay `{d}`: {e}")))?;
        set.push(Change::delayed(id, by));
    }
    Ok(without_repeats(set))
}

/// The change set with each change given more than once kept once (a warning says how
/// many were dropped): the same modification twice is one change, and listing it twice
/// only doubled the report. Delays are kept, as they add up.
fn without_repeats(set: ChangeSet) -> ChangeSet {
    let mut seen: std::collections::HashSet<&Change> = std::collections::HashSet::new();
    let mut dropped = 0usize;
    let kept: ChangeSet = set
        .iter()
        .filter(|c| {
            let keep = c.kind() == ChangeKind::Delayed || seen.insert(*c);
            dropped += usize::from(!keep);
            keep
        })
        .cloned()
        .collect();
    if dropped > 0 {
        crate::common::eprint_line(&format!(
            "warning: {dropped} change{} given more than once, analyzed once",
            if dropped == 1 { " was" } else { "s were" }
        ));
    }
    kept
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    crate::common::one_stdin(&[
        ("MODEL", Some(args.model.as_str())),
        ("--changes", args.changes.as_deref()),
        ("--since", args.since.as_deref()),
        ("--rules", args.rules.rules.as_deref()),
    ])?;
    let extra = change_set(&args)?;
    if extra.is_empty() && args.since.is_none() {
        return Err(Fail::usage(
            "no changes: give --modified, --removed, --delay, --changes or --since",
        ));
    }
    let options = args
        .rules
        .options(args.lang.as_deref())?
        .paths(match args.paths {
            PathsArg::Via => Paths::Via,
            PathsArg::Full => Paths::Full,
        });
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let since = args.since.as_deref().map(|s| Since::parse(s, &args.model));
    let old = since.transpose()?.as_ref().map(Since::load).transpose()?;
    let impact = match &old {
        Some(old) => analyze_since(old, &model, &extra, &options),
        None => analyze(&model, &extra, &options),
    }
    .map_err(|e| Fail::usage(e.to_string()))?;
    match args.format {
        Format::Json => write_json(args.output.as_deref(), &impact)?,
        Format::Text => write_output(args.output.as_deref(), impact.to_text().as_bytes())?,
        Format::Markdown => markdown::write_impact(
            args.output.as_deref(),
            &model,
            &impact,
            args.lang.as_deref(),
        )?,
    }
    let threshold = args.fail_on.map(|l| match l {
        Level::Certain => Confidence::Certain,
        Level::Potential => Confidence::Potential,
    });
    match (threshold, impact.max_confidence()) {
        (Some(t), Some(max)) if max >= t => Ok(Exit::Gate),
        _ => Ok(Exit::Ok),
    }
}
