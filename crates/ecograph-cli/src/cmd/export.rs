//! `ecograph export`.

use crate::common::{Exit, Fail, load_model, refuse_input, write_output, write_output_with};
use ecograph_interop::{
    CSV_FILES, Error, ExportOptions, export_graphml, write_archimate, write_csv,
};
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::Receiver;

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
    /// The file to write, or `-` for standard output (a directory for csv).
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
    crate::common::check_lang(&model, args.lang.as_deref())?;
    if let Some(l) = &args.lang {
        options = options.lang(l.clone());
    }
    let out = Path::new(&args.out);
    match args.format {
        Target::Archimate => {
            // Streamed into the atomic writer's temporary file: the document is never
            // held in memory. An export error aborts the write (the target is kept).
            let mut failed: Option<Error> = None;
            let written = write_output_with(Some(out), |w| {
                pipelined(w, |chunks| write_archimate(&model, &options, chunks))
                    .map_err(aside(&mut failed))?
            });
            if let Some(e) = failed {
                return Err(interop_fail(&e));
            }
            written?;
        }
        Target::Graphml => {
            let xml = export_graphml(&model, &options).map_err(|e| interop_fail(&e))?;
            write_output(Some(out), &xml)?;
        }
        Target::Csv => {
            // The three files are streamed into their temporary files at once, never
            // held in memory; each is renamed into place only when all three are
            // complete (properties.csv first, elements.csv last). An export error
            // aborts all three writes.
            if args.out == "-" {
                return Err(Fail::usage(
                    "csv is three files (elements.csv, relations.csv, properties.csv): \
                     --out must be a directory, not `-`",
                ));
            }
            std::fs::create_dir_all(out).map_err(|e| Fail::io(out, &e))?;
            let paths = CSV_FILES.map(|name| out.join(name));
            for p in &paths {
                refuse_input(p)?;
            }
            let mut failed: Option<Error> = None;
            // The innermost write that fails names its file: its error comes back first.
            let blame = std::cell::Cell::new(None);
            let write = |i: usize, w: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
                ecograph_core::fs::write_atomic_with(&paths[i], w).inspect_err(|_| {
                    if blame.get().is_none() {
                        blame.set(Some(i));
                    }
                })
            };
            let written = write(0, &mut |el| {
                write(1, &mut |rel| {
                    write(2, &mut |pr| {
                        write_csv(&model, &options, &mut *el, &mut *rel, pr)
                            .map(|_| ())
                            .map_err(aside(&mut failed))
                    })
                })
            });
            if let Some(e) = failed {
                return Err(interop_fail(&e));
            }
            written.map_err(|e| {
                let p = &paths[blame.get().unwrap_or(0)];
                Fail::usage(format!("cannot write `{}`: {e}", p.display()))
            })?;
        }
    }
    Ok(Exit::Ok)
}

/// An export error inside an atomic write: kept in `failed` for its exit code and
/// message, and turned into the I/O error that makes the write keep the old file.
fn aside(failed: &mut Option<Error>) -> impl FnOnce(Error) -> std::io::Error + '_ {
    move |e| {
        let io = std::io::Error::other(e.to_string());
        *failed = Some(e);
        io
    }
}

/// Bytes per chunk handed from the thread making a document to the one writing it.
const CHUNK: usize = 1 << 20;

/// A `Write` that hands its bytes to another thread in chunks of [`CHUNK`], taking
/// emptied chunks back for reuse.
struct Chunks {
    buf: Vec<u8>,
    /// To the writing thread, at most a few ahead, or (where the system refuses the
    /// making thread) the whole document.
    to_writer: ecograph_core::par::Sender<Vec<u8>>,
    from_writer: Receiver<Vec<u8>>,
}

impl Chunks {
    fn send(&mut self) -> std::io::Result<()> {
        let next = self
            .from_writer
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.buf, next);
        self.to_writer.send(full).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the output was closed")
        })
    }
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// Runs `make` on a second thread and writes what it makes into `out` on this one, so
/// that making a large document and copying it into the file (270 MB for a 100k-element
/// exchange file) overlap. At most a few chunks are in flight. `make`'s error comes
/// back as `Err`; a write error as `Ok(Err(..))`, after which `make` fails too (its
/// output is closed) and its error is dropped. Where the system refuses a thread, the
/// document is made here first, held whole, and then written.
fn pipelined<M>(out: &mut dyn Write, make: M) -> Result<std::io::Result<()>, Error>
where
    M: FnOnce(Chunks) -> Result<Chunks, Error> + Send,
{
    let (to_maker, from_writer) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    std::thread::scope(|s| {
        // The maker gets its work once its thread has started.
        let (give, given) = std::sync::mpsc::sync_channel::<(M, Chunks)>(1);
        let maker = ecograph_core::par::spawn(s, move || {
            let (make, chunks) = given.recv().ok()?;
            Some(make(chunks).map(|mut c| c.flush()))
        });
        let (to_writer, from_maker) = ecograph_core::par::channel(maker.is_ok().then_some(4));
        let chunks = Chunks {
            buf: Vec::with_capacity(CHUNK),
            to_writer,
            from_writer,
        };
        // The thread making the document, or what was made here.
        let made = match maker {
            Ok(thread) => {
                // Refused only if the thread is gone (a panic, reported at the join).
                let _ = give.send((make, chunks));
                Ok(thread)
            }
            Err(_) => Err(make(chunks).map(|mut c| c.flush())),
        };
        let mut written = Ok(());
        // Ends when the maker is done (its sender is dropped); a write error stops
        // reading, which closes the channel and so fails the maker's next send.
        for mut chunk in from_maker {
            written = out.write_all(&chunk);
            if written.is_err() {
                break;
            }
            chunk.clear();
            let _ = to_maker.try_send(chunk);
        }
        let made = match made {
            Ok(thread) => thread.join().ok().flatten(),
            Err(here) => Some(here),
        }
        .unwrap_or_else(|| Ok(Err(std::io::Error::other("the export thread panicked"))));
        match (made, written) {
            (Ok(flushed), Ok(())) => Ok(flushed.and_then(|()| out.flush())),
            (_, Err(e)) => Ok(Err(e)),
            (Err(e), Ok(())) => Err(e),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `lines` lines, written by `pipelined` into a buffer.
    fn written(lines: usize) -> (Vec<u8>, bool) {
        let mut out = Vec::new();
        let result = pipelined(&mut out, |mut chunks| {
            for i in 0..lines {
                writeln!(chunks, "line {i}").map_err(|source| Error::Write { source })?;
            }
            Ok(chunks)
        });
        (out, matches!(result, Ok(Ok(()))))
    }

    #[test]
    fn a_document_is_written_whole_on_two_threads_or_where_the_system_refuses_one() {
        // Several chunks' worth.
        let lines = 400_000;
        let expected: String = (0..lines).map(|i| format!("line {i}\n")).collect();
        assert!(expected.len() > 3 * CHUNK);
        for refused in [false, true] {
            let (out, ok) = if refused {
                ecograph_core::par::with_threads_refused(|| written(lines))
            } else {
                written(lines)
            };
            assert!(ok, "refused: {refused}");
            assert!(
                out == expected.as_bytes(),
                "refused: {refused}: the output differs"
            );
        }
    }
}
