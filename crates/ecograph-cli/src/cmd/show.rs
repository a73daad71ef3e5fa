//! `ecograph show`.

use crate::common::{Exit, Fail, Format, json_out, load_model, write_output};
use ecograph_core::term::escape as esc;
use ecograph_core::{Element, Model, Relation};
use serde_json::{Value, json};
use std::fmt::Write as _;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// The element's id.
    id: String,
    /// Language of names (default: the model's default language).
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Parses a kind or status name, failing with a did-you-mean.
pub fn parse_name<T: std::str::FromStr<Err = ecograph_core::Error>>(
    s: &str,
    what: &str,
) -> Result<T, Fail> {
    s.parse::<T>().map_err(|e| match e {
        ecograph_core::Error::UnknownName {
            suggestion: Some(sug),
            ..
        } => Fail::usage(format!("unknown {what} `{s}`; did you mean `{sug}`?")),
        _ => Fail::usage(format!("unknown {what} `{s}`")),
    })
}

/// Looks up an element, failing with a did-you-mean.
pub fn find<'m>(model: &'m Model, id: &str) -> Result<Element<'m>, Fail> {
    model.element(id).ok_or_else(|| {
        let sug = ecograph_core::suggest::element(model, id);
        Fail::usage(match sug {
            Some(s) => format!("no element `{id}` in the model; did you mean `{s}`?"),
            None => format!("no element `{id}` in the model"),
        })
    })
}

pub fn element_summary(e: Element<'_>, lang: Option<&str>) -> Value {
    let mut v = json!({ "id": e.id(), "kind": e.kind(), "name": e.name().resolve(lang) });
    if let Some(s) = e.status() {
        v["status"] = json!(s);
    }
    v
}

fn relation_json(r: Relation<'_>, lang: Option<&str>) -> Value {
    let mut v = json!({ "kind": r.kind(), "from": r.from().id(), "to": r.to().id() });
    if let Some(id) = r.id() {
        v["id"] = json!(id);
    }
    if let Some(l) = r.label() {
        v["label"] = json!(l.resolve(lang));
    }
    if r.data_carried().len() > 0 {
        v["data"] = Value::Array(r.data_carried().map(|d| json!(d.id())).collect());
    }
    if let Some(l) = r.lag() {
        v["lag"] = json!(l);
    }
    v
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let e = find(&model, &args.id)?;
    let lang = args.lang.as_deref();
    let out = match args.format {
        Format::Json => {
            let mut v = element_summary(e, lang);
            if let Some(d) = e.description() {
                v["description"] = json!(d.resolve(lang));
            }
            v["parent"] = e.parent().map_or(Value::Null, |p| json!(p.id()));
            v["children"] = Value::Array(e.children().map(|c| json!(c.id())).collect());
            v["tags"] = Value::Array(e.tags().map(Value::from).collect());
            v["properties"] = Value::Object(
                e.properties()
                    .map(|(k, val)| (k.to_owned(), json!(val)))
                    .collect(),
            );
            if let Some(s) = e.start() {
                v["start"] = json!(s);
            }
            if let Some(s) = e.end() {
                v["end"] = json!(s);
            }
            v["outgoing"] = Value::Array(e.outgoing().map(|r| relation_json(r, lang)).collect());
            v["incoming"] = Value::Array(e.incoming().map(|r| relation_json(r, lang)).collect());
            json_out(&v)
        }
        Format::Text => text(e, lang).into_bytes(),
    };
    write_output(None, &out)?;
    Ok(Exit::Ok)
}

fn text(e: Element<'_>, lang: Option<&str>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}): {}",
        e.id(),
        e.kind(),
        esc(e.name().resolve(lang))
    );
    if let Some(d) = e.description() {
        let _ = writeln!(s, "  {}", esc(d.resolve(lang)));
    }
    if let Some(st) = e.status() {
        let _ = writeln!(s, "  status: {st}");
    }
    match (e.start(), e.end()) {
        (None, None) => {}
        (a, b) => {
            let show =
                |p: Option<ecograph_core::Period>| p.map_or("?".to_owned(), |p| p.to_string());
            let _ = writeln!(s, "  period: {} .. {}", show(a), show(b));
        }
    }
    if let Some(p) = e.parent() {
        let _ = writeln!(s, "  inside: {} ({})", p.id(), esc(p.name().resolve(lang)));
    }
    let tags: Vec<_> = e.tags().map(esc).collect();
    if !tags.is_empty() {
        let _ = writeln!(s, "  tags: {}", tags.join(", "));
    }
    for (k, v) in e.properties() {
        let _ = writeln!(s, "  {}: {}", esc(k), esc(v));
    }
    let children: Vec<_> = e.children().collect();
    if !children.is_empty() {
        let _ = writeln!(s, "contains:");
        for c in children {
            let _ = writeln!(
                s,
                "  {} ({}): {}",
                c.id(),
                c.kind(),
                esc(c.name().resolve(lang))
            );
        }
    }
    let line = |r: Relation<'_>, other: Element<'_>, arrow: &str| {
        let data: Vec<_> = r
            .data_carried()
            .map(|d| esc(d.name().resolve(lang)))
            .collect();
        let mut more = if data.is_empty() {
            String::new()
        } else {
            format!(", carrying {}", data.join(", "))
        };
        // What the JSON has too: the relation's label, lag and id.
        if let Some(l) = r.label() {
            let _ = write!(more, ", \"{}\"", esc(l.resolve(lang)));
        }
        if let Some(lag) = r.lag() {
            let _ = write!(more, ", lag {lag}");
        }
        if let Some(id) = r.id() {
            let _ = write!(more, " [{}]", esc(id));
        }
        format!(
            "  {arrow} {} {} ({}): {}{more}\n",
            r.kind(),
            other.id(),
            other.kind(),
            esc(other.name().resolve(lang))
        )
    };
    let out: Vec<_> = e.outgoing().collect();
    let inc: Vec<_> = e.incoming().collect();
    if !out.is_empty() || !inc.is_empty() {
        s.push_str("relations:\n");
        for r in out {
            s.push_str(&line(r, r.to(), "->"));
        }
        for r in inc {
            s.push_str(&line(r, r.from(), "<-"));
        }
    }
    s
}
