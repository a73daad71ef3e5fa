//! `ecograph list`.

use crate::cmd::show::{element_summary, parse_name};
use crate::common::{Exit, Fail, Format, json_out, load_model, write_output};
use ecograph_core::{ElementKind, Status};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// Only elements of this kind (actor, role, group, system, data, service, process, task, deliverable).
    #[arg(long)]
    kind: Option<String>,
    /// Only elements with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only tasks with this status (not_started, in_progress, done, blocked, cancelled).
    #[arg(long)]
    status: Option<String>,
    /// Only elements whose id or name contains this text (any case, with or without accents, any language).
    #[arg(long)]
    search: Option<String>,
    /// Language of names (default: the model's default language).
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let kind: Option<ElementKind> = args
        .kind
        .as_deref()
        .map(|k| parse_name(k, "element kind"))
        .transpose()?;
    let status: Option<Status> = args
        .status
        .as_deref()
        .map(|s| parse_name(s, "status"))
        .transpose()?;
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    if let Some(tag) = args.tag.as_deref()
        && model.elements_with_tag(tag).next().is_none()
    {
        // Not an error (the list is empty, as asked), but most likely a typo.
        let hint = ecograph_core::suggest::tag(model.elements(), tag)
            .map(|s| format!("; did you mean `{}`?", ecograph_core::term::escape(s)))
            .unwrap_or_default();
        eprintln!(
            "warning: no element has the tag `{}`{hint}",
            ecograph_core::term::escape(tag)
        );
    }
    let lang = args.lang.as_deref();
    let matches: Vec<_> = match &args.search {
        Some(q) => model.search(q).collect(),
        None => model.elements().collect(),
    };
    let selected = matches.into_iter().filter(|e| {
        kind.is_none_or(|k| e.kind() == k)
            && args.tag.as_deref().is_none_or(|t| e.has_tag(t))
            && status.is_none_or(|s| e.status() == Some(s))
    });
    match args.format {
        Format::Json => {
            let items: Vec<_> = selected.map(|e| element_summary(e, lang)).collect();
            write_output(None, &json_out(&serde_json::Value::Array(items)))?;
        }
        Format::Text => {
            let rows: Vec<_> = selected.collect();
            let w = rows
                .iter()
                .map(|e| e.id().as_str().chars().count())
                .max()
                .unwrap_or(0)
                // As in `schedule`: a longer id pushes its row's columns instead of
                // widening them all (and `format!` panics on widths past 65,535).
                .min(40);
            let mut out = String::new();
            for e in &rows {
                let status = e.status().map(|s| format!(" [{s}]")).unwrap_or_default();
                out.push_str(&format!(
                    "{:<w$}  {:<11}  {}{status}\n",
                    e.id().as_str(),
                    e.kind().as_str(),
                    ecograph_core::term::escape(e.name().resolve(lang))
                ));
            }
            write_output(None, out.as_bytes())?;
        }
    }
    Ok(Exit::Ok)
}
