//! `ecograph import`.

use crate::cmd::export::interop_fail;
use crate::common::{Exit, Fail, write_output_with};
use ecograph_interop::{CSV_FILES, Imported, import_archimate, import_csv};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

/// What `--from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// An ArchiMate exchange file (3.0 or 3.1), such as Archi's File > Export > Model to
    /// Open Exchange File.
    Archimate,
    /// A directory with Archi's elements.csv, relations.csv and properties.csv (or the
    /// elements.csv file itself).
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file (archimate), or for csv the directory or one of its files (the other two
    /// beside it with the same prefix, as Archi names them: `plan-elements.csv`).
    #[arg(value_name = "FILE_OR_DIR")]
    input: String,
    /// The format of the input.
    #[arg(long, value_enum)]
    from: Source,
    /// The model file to write, or `-` for standard output.
    #[arg(long, value_name = "MODEL.json")]
    out: String,
}

fn open(path: &Path) -> Result<BufReader<File>, Fail> {
    crate::common::remember_input(&path.to_string_lossy());
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(|e| Fail::io(path, &e))
}

/// The three CSV files an import reads: those of a directory, or, given one of the
/// files, its two companions beside it, with the same prefix as Archi names them
/// (`plan-elements.csv`, `plan-relations.csv`, `plan-properties.csv`).
fn csv_paths(input: &Path) -> Vec<std::path::PathBuf> {
    if input.is_dir() {
        return CSV_FILES.iter().map(|n| input.join(n)).collect();
    }
    let dir = input.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = CSV_FILES
        .iter()
        .find_map(|f| name.strip_suffix(f))
        .unwrap_or("");
    CSV_FILES
        .iter()
        .map(|n| dir.join(format!("{prefix}{n}")))
        .collect()
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let input = Path::new(&args.input);
    let imported: Imported = match args.from {
        Source::Archimate => {
            let r = open(input)?;
            import_archimate(r, &args.input).map_err(|e| interop_fail(&e))?
        }
        Source::Csv => {
            let paths = csv_paths(input);
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let elements = open(&paths[0])?;
            let optional = |p: &Path| -> Result<Option<BufReader<File>>, Fail> {
                if p.exists() {
                    open(p).map(Some)
                } else {
                    Ok(None)
                }
            };
            let relations = optional(&paths[1])?;
            let properties = optional(&paths[2])?;
            import_csv(
                elements,
                relations,
                properties,
                [&names[0], &names[1], &names[2]],
            )
            .map_err(|e| interop_fail(&e))?
        }
    };
    for w in &imported.warnings {
        crate::common::eprint_line(&format!("warning: {w}"));
    }
    // Streamed: the model's canonical JSON is never held whole.
    write_output_with(Some(Path::new(&args.out)), |w| {
        let mut w = BufWriter::with_capacity(1 << 16, w);
        imported.model.write_canonical_json(&mut w)?;
        w.flush()
    })?;
    // The process ends after this command: freeing a large model item by item would
    // only delay its exit, which returns the memory at once.
    std::mem::forget(imported);
    Ok(Exit::Ok)
}
