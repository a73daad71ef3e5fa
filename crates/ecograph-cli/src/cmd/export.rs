//! `ecograph export`.

use crate::common::{Exit, Fail, load_model, refuse_input, write_atomic};
use ecograph_interop::{
    CSV_FILES, Error, ExportOptions, export_csv, export_graphml, write_archimate,
};
use std::io::{BufWriter, Write};
use std::path::Path;

/// What `--format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// The Open Group ArchiMate Model Exchange File Format 3.1 (Archi: File > Import >
    /// Open Exchange XML Model).
    Archimate,
    /// Archi's CSV layout: elements.csv, relations.csv and properties.csv in the --out
    /// directory.
    Csv,
    /// GraphML for yEd and Gephi.
    Graphml,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// The format to write.
    #[arg(long, value_enum)]
    format: Target,
    /// The file to write (a directory for csv).
    #[arg(long, value_name = "PATH")]
    out: String,
    /// Write names, descriptions and labels in this language only (Archi keeps one).
    #[arg(long, value_name = "L")]
    lang: Option<String>,
}

pub(crate) fn interop_fail(e: &Error) -> Fail {
    Fail {
        exit: if e.is_invalid_input() {
            Exit::Invalid
        } else {
            Exit::Usage
        },
        message: e.to_string(),
    }
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let model = load_model(&args.model)?;
    let mut options = ExportOptions::default();
    if let Some(l) = &args.lang {
        if !model.languages().iter().any(|m| m == l) {
            return Err(Fail::usage(format!(
                "the model has no language `{l}` (it has {})",
                model.languages().join(", ")
            )));
        }
        options = options.lang(l.clone());
    }
    let out = Path::new(&args.out);
    match args.format {
        Target::Archimate => {
            // Streamed into the atomic writer's temporary file: the document is never
            // held in memory. An export error aborts the write (the target is kept).
            let mut failed: Option<Error> = None;
            refuse_input(out)?;
            let written = ecograph_core::fs::write_atomic_with(out, |w| {
                let buffered = BufWriter::with_capacity(1 << 16, w);
                match write_archimate(&model, &options, buffered) {
                    Ok(mut b) => b.flush(),
                    Err(e) => {
                        let io = std::io::Error::other(e.to_string());
                        failed = Some(e);
                        Err(io)
                    }
                }
            });
            if let Some(e) = failed {
                return Err(interop_fail(&e));
            }
            written.map_err(|e| Fail::usage(format!("cannot write `{}`: {e}", out.display())))?;
        }
        Target::Graphml => {
            let xml = export_graphml(&model, &options).map_err(|e| interop_fail(&e))?;
            write_atomic(out, &xml)?;
        }
        Target::Csv => {
            let files = export_csv(&model, &options).map_err(|e| interop_fail(&e))?;
            std::fs::create_dir_all(out).map_err(|e| Fail::io(out, &e))?;
            for (name, bytes) in
                CSV_FILES
                    .iter()
                    .zip([&files.elements, &files.relations, &files.properties])
            {
                write_atomic(&out.join(name), bytes)?;
            }
        }
    }
    Ok(Exit::Ok)
}
