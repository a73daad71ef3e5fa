//! What every subcommand shares: exit codes, failures, loading, output.

use ecograph_core::term::escape_output;
use ecograph_core::{Diagnostics, Model, Severity};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The process exit codes, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// An input model is invalid.
    Invalid = 1,
    /// A usage or I/O error.
    Usage = 2,
    /// A `--fail-on` or `--fail-on-breach` gate fired.
    Gate = 3,
}

/// A failure that ends the command with a message and an exit code.
#[derive(Debug)]
pub struct Fail {
    pub exit: Exit,
    /// Printed to stderr as `error: {message}`; empty when already reported.
    pub message: String,
}

impl Fail {
    pub fn usage(message: impl Into<String>) -> Fail {
        Fail {
            exit: Exit::Usage,
            message: message.into(),
        }
    }
    pub fn io(path: &Path, err: &std::io::Error) -> Fail {
        Fail::usage(format!("cannot access `{}`: {err}", path.display()))
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For scripts: stable, documented JSON.
    Json,
}

/// Reads a file, or standard input for `-`.
pub fn read_source(path: &str) -> Result<String, Fail> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Fail::usage(format!(
            "`{}` is not UTF-8: byte 0x{:02X} at offset {}",
            source_name(path),
            e.as_bytes()[e.utf8_error().valid_up_to()],
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Reads a file (or standard input for `-`) as bytes: a model is checked from bytes
/// ([`Model::check_bytes`]), so that text that is not UTF-8 is an invalid model with a
/// position, not an I/O error.
pub fn read_bytes(path: &str) -> Result<Vec<u8>, Fail> {
    if path == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| Fail::usage(format!("cannot read standard input: {e}")))?;
        Ok(b)
    } else {
        let bytes = std::fs::read(path).map_err(|e| Fail::io(Path::new(path), &e))?;
        remember_input(path);
        Ok(bytes)
    }
}

/// A file read as input: it must never be written over (`render m.json --out m.json`).
#[derive(Debug)]
struct Input {
    id: FileId,
    name: String,
}

/// A file's identity, through symlinks: device and inode where there are such.
#[derive(Debug, PartialEq, Eq)]
struct FileId(u64, u64);

#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| FileId(m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<FileId> {
    use std::hash::{Hash, Hasher};
    let real = std::fs::canonicalize(path).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    real.hash(&mut h);
    Some(FileId(0, h.finish()))
}

/// Fails when `--lang` names a language the model does not have (a typo would
/// otherwise fall back to the default language without a word).
pub fn check_lang(model: &Model, lang: Option<&str>) -> Result<(), Fail> {
    match lang {
        Some(l) if !model.languages().iter().any(|m| m == l) => Err(Fail::usage(format!(
            "the model has no language `{l}` (it has {})",
            model
                .languages()
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Fails when more than one of the named inputs is `-`: standard input can be read
/// only once, and the second reader would see it empty (and blame the wrong input).
pub fn one_stdin(inputs: &[(&str, Option<&str>)]) -> Result<(), Fail> {
    let dashes: Vec<&str> = inputs
        .iter()
        .filter(|(_, v)| *v == Some("-"))
        .map(|(name, _)| *name)
        .collect();
    match dashes.as_slice() {
        [first, second, ..] => Err(Fail::usage(format!(
            "{first} and {second} are both `-`: standard input can be read only once; give one of them as a file"
        ))),
        _ => Ok(()),
    }
}

/// Whether two outputs (`None` or `-` is standard output) would be the same file: the
/// same file that exists, or the same name in the same directory.
pub fn same_output(a: Option<&Path>, b: Option<&Path>) -> bool {
    let stdout = |p: Option<&Path>| p.is_none_or(|p| p == Path::new("-"));
    match (a, b) {
        _ if stdout(a) || stdout(b) => stdout(a) && stdout(b),
        (Some(a), Some(b)) => {
            if let (Some(x), Some(y)) = (file_id(a), file_id(b)) {
                return x == y;
            }
            let place = |p: &Path| {
                let dir = match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                (
                    std::fs::canonicalize(&dir).unwrap_or(dir),
                    p.file_name().map(ToOwned::to_owned),
                )
            };
            place(a) == place(b)
        }
        _ => false,
    }
}

static INPUTS: std::sync::Mutex<Vec<Input>> = std::sync::Mutex::new(Vec::new());

/// Remembers `path` as an input of this run, so that no output is written over it
/// ([`read_source`] does this for every file it reads).
pub fn remember_input(path: &str) {
    if let Some(id) = file_id(Path::new(path))
        && let Ok(mut inputs) = INPUTS.lock()
    {
        inputs.push(Input {
            id,
            name: path.to_owned(),
        });
    }
}

/// Fails (exit 2) when `out` is, by identity (same file through symlinks and hard
/// links, not the same spelling), a file this run read as input. Every output file is
/// checked before it is written.
pub fn refuse_input(out: &Path) -> Result<(), Fail> {
    let Some(id) = file_id(out) else {
        return Ok(());
    };
    let inputs = INPUTS
        .lock()
        .map_err(|_| Fail::usage("internal error: input list"))?;
    match inputs.iter().find(|i| i.id == id) {
        Some(i) => Err(Fail::usage(format!(
            "refusing to write `{}`: it is the input `{}`; choose another output file",
            out.display(),
            i.name
        ))),
        None => Ok(()),
    }
}

/// The name diagnostics give a source.
pub fn source_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// Prints diagnostics to stderr in the rustc-like style, escaped for the terminal.
pub fn print_diagnostics(diags: &Diagnostics, with_warnings: bool) {
    // Buffered: stderr is not, and 100,000 warnings are a million small writes.
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for d in diags.iter() {
        if d.severity() == Severity::Warning && !with_warnings {
            continue;
        }
        let _ = writeln!(err, "{}", escape_output(&d.to_string()));
    }
}

/// Prints one message and a newline to stderr, escaped for the terminal: every message
/// the CLI writes to stderr goes through here or [`print_diagnostics`].
pub fn eprint_line(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", escape_output(message));
}

/// Loads and validates a model; prints its errors (not its warnings) to stderr and fails
/// with exit code 1 when it is invalid.
pub fn load_model(path: &str) -> Result<Model, Fail> {
    load_model_from(path, &read_bytes(path)?)
}

/// [`load_model`] of the bytes `src`, already read from `path`.
pub fn load_model_from(path: &str, src: &[u8]) -> Result<Model, Fail> {
    let checked = Model::check_bytes(src, Some(source_name(path)));
    match checked.model {
        Some(m) => Ok(m),
        None => {
            print_diagnostics(&checked.diagnostics, false);
            let n = checked.diagnostics.errors().count();
            Err(Fail {
                exit: Exit::Invalid,
                message: format!(
                    "`{}` is not a valid model ({n} error{})",
                    source_name(path),
                    if n == 1 { "" } else { "s" }
                ),
            })
        }
    }
}

/// Pretty JSON with a final newline, its terminal-unsafe characters as `\u` escapes
/// ([`ecograph_core::term::json_safe`]): the same JSON value, safe to print, and left
/// alone by the terminal escaping of standard output.
pub fn json_out(value: &serde_json::Value) -> Vec<u8> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut v = ecograph_core::term::json_safe(&text)
        .into_owned()
        .into_bytes();
    v.push(b'\n');
    v
}

/// Writes `value` as pretty JSON with a final newline, streamed (serialized straight to
/// the output, never held as one JSON value), to stdout or a file as [`write_output`];
/// terminal-unsafe characters are `\u` escapes, as in [`json_out`].
pub fn write_json(out: Option<&Path>, value: &impl serde::Serialize) -> Result<(), Fail> {
    write_output_with(out, |w| {
        // Buffered before the escaping, which then scans whole buffers, not serde's
        // many small writes.
        let mut w =
            std::io::BufWriter::with_capacity(1 << 16, ecograph_core::term::JsonSafe::new(w));
        serde_json::to_writer_pretty(&mut w, value)?;
        w.write_all(b"\n")?;
        w.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .into_inner()?
            .flush()
    })
}

/// Streams output made by `write` to stdout (`None` or `-`) or to a file, as
/// [`write_output`] does with bytes.
pub fn write_output_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Fail> {
    match out {
        None => stdout_result(write(&mut std::io::stdout().lock())),
        Some(p) if p == Path::new("-") => stdout_result(write(&mut std::io::stdout().lock())),
        Some(p) => {
            refuse_input(p)?;
            ecograph_core::fs::write_atomic_with(p, write)
                .map_err(|e| Fail::usage(format!("cannot write `{}`: {e}", p.display())))
        }
    }
}

fn stdout_result(r: std::io::Result<()>) -> Result<(), Fail> {
    match r {
        Ok(()) => Ok(()),
        // A closed pipe (`ecograph ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::usage(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes to stdout (`None` or `-`) or to a file through the core's atomic writer
/// ([`ecograph_core::fs::write_atomic`]): a regular file is replaced by a rename, so a
/// reader never sees half a file and a failure leaves the old file intact; devices and
/// FIFOs are written through.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), Fail> {
    match out {
        None => write_stdout(bytes),
        Some(p) if p == Path::new("-") => write_stdout(bytes),
        Some(p) => write_atomic(p, bytes),
    }
}

/// Standard output, escaped for the terminal ([`escape_output`]): the last line of
/// defence under the per-string escaping of names in text outputs, so no control
/// sequence from a model reaches the terminal. JSON, DOT, SVG and Mermaid carry no raw
/// control characters, so only text output can change.
fn write_stdout(bytes: &[u8]) -> Result<(), Fail> {
    let escaped;
    let bytes = match std::str::from_utf8(bytes) {
        Ok(text) => match escape_output(text) {
            std::borrow::Cow::Borrowed(_) => bytes,
            std::borrow::Cow::Owned(s) => {
                escaped = s;
                escaped.as_bytes()
            }
        },
        Err(_) => bytes,
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`ecograph ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::usage(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes `bytes` to the file `path` atomically ([`ecograph_core::fs::write_atomic`]),
/// unless `path` is one of this run's inputs ([`refuse_input`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Fail> {
    refuse_input(path)?;
    replace_input(path, bytes)
}

/// Writes `bytes` to `path` atomically even when it is an input: for `fmt --write`,
/// which replaces its model on purpose.
pub fn replace_input(path: &Path, bytes: &[u8]) -> Result<(), Fail> {
    ecograph_core::fs::write_atomic(path, bytes)
        .map_err(|e| Fail::usage(format!("cannot write `{}`: {e}", path.display())))
}
