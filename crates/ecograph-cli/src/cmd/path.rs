//! `ecograph path`.

use crate::cmd::show::{find, parse_name};
use crate::common::{Exit, Fail, Format, json_out, load_model, write_output};
use ecograph_core::{Direction, RelationKind};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// Where the path starts.
    from: String,
    /// Where the path ends.
    to: String,
    /// Follow relations only in their own direction (default: either way).
    #[arg(long)]
    directed: bool,
    /// Follow only these relation kinds (repeatable; default all).
    #[arg(long = "relation", value_name = "KIND")]
    relations: Vec<String>,
    /// Language of names.
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let kinds = args
        .relations
        .iter()
        .map(|k| parse_name::<RelationKind>(k, "relation kind"))
        .collect::<Result<Vec<_>, _>>()?;
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let (from, to) = (find(&model, &args.from)?, find(&model, &args.to)?);
    let dir = if args.directed {
        Direction::Outgoing
    } else {
        Direction::Both
    };
    let path = model.shortest_path(from, to, &kinds, dir);
    let lang = args.lang.as_deref();
    let out = match (args.format, &path) {
        (Format::Json, None) => {
            json_out(&json!({ "from": args.from, "to": args.to, "path": Value::Null }))
        }
        (Format::Json, Some(p)) => json_out(
            &json!({ "from": args.from, "to": args.to, "length": p.len(), "path": p.steps() }),
        ),
        (Format::Text, None) => {
            format!("no path from `{}` to `{}`\n", args.from, args.to).into_bytes()
        }
        (Format::Text, Some(p)) => {
            let esc = ecograph_core::term::escape;
            let mut s = format!(
                "{} ({})\n",
                p.start().id(),
                esc(p.start().name().resolve(lang))
            );
            for step in p.steps() {
                let arrow = if step.is_forward() {
                    format!("--{}-->", step.relation().kind())
                } else {
                    format!("<--{}--", step.relation().kind())
                };
                s.push_str(&format!(
                    "  {arrow} {} ({})\n",
                    step.target().id(),
                    esc(step.target().name().resolve(lang))
                ));
            }
            s.into_bytes()
        }
    };
    write_output(None, &out)?;
    Ok(Exit::Ok)
}
