//! `ecograph fmt`.

use crate::common::{Exit, Fail, load_model_from, read_bytes, write_output};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// Replace the file with its canonical form (atomically).
    #[arg(long, conflicts_with = "check")]
    write: bool,
    /// Exit 3 when the file is not in canonical form; print nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    // Read once: standard input or a pipe cannot be read again for --check.
    let src = read_bytes(&args.model)?;
    let model = load_model_from(&args.model, &src)?;
    let canonical = model.to_canonical_json();
    if args.check {
        if src != canonical.as_bytes() {
            let fix = if args.model == "-" {
                "`ecograph fmt -` prints it".to_owned()
            } else {
                format!("run `ecograph fmt --write {}`", args.model)
            };
            crate::common::eprint_line(&format!(
                "{} is not in canonical form: {fix}",
                crate::common::source_name(&args.model)
            ));
            return Ok(Exit::Gate);
        }
        return Ok(Exit::Ok);
    }
    if args.write {
        if args.model == "-" {
            return Err(Fail::usage("--write needs a file, not standard input"));
        }
        // Model::save writes the canonical form through the core's atomic writer.
        model.save(&args.model).map_err(|e| {
            let why = std::error::Error::source(&e).map_or(String::new(), |s| format!(": {s}"));
            Fail::usage(format!(
                "cannot write `{}`{why}",
                Path::new(&args.model).display()
            ))
        })?;
    } else {
        write_output(None, canonical.as_bytes())?;
    }
    Ok(Exit::Ok)
}
