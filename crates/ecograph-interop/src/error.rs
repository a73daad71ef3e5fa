//! The crate's one error type, its problems and import warnings.

use ecograph_core::suggest::closest_within;
use std::fmt;

/// "Did you mean" help for references to no concept, for the first [`Suggestions::MAX`]
/// of them: each is a search of every identifier, so one for each of many dangling
/// references took quadratic time (5,000 in a 10,000-row CSV file: 15 s). Both
/// readers use it. The searches together compute at most [`Suggestions::WORK`] cells
/// of edit-distance tables: twenty references of 5,000 characters, each beside an
/// identifier as long, took over a minute.
#[derive(Debug)]
pub(crate) struct Suggestions {
    given: usize,
    work: u64,
}

impl Default for Suggestions {
    fn default() -> Suggestions {
        Suggestions {
            given: 0,
            work: Suggestions::WORK,
        }
    }
}

impl Suggestions {
    /// References that get a suggestion.
    pub(crate) const MAX: usize = 20;
    /// Cells of edit-distance tables all searches may compute (about a tenth of a
    /// second).
    pub(crate) const WORK: u64 = 1 << 26;

    /// The identifier among `ids` closest to `id`, while the budget lasts.
    pub(crate) fn closest<'a>(
        &mut self,
        id: &str,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        self.given += 1;
        if self.given > Self::MAX {
            return None;
        }
        closest_within(id, ids, &mut self.work).map(|s| format!("did you mean `{s}`?"))
    }
}

/// Where in an input file something is: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pos {
    pub line: u64,
    pub column: u64,
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<u64>,
    /// 1-based column in characters, with `line`.
    pub column: Option<u64>,
    /// What is wrong, lowercase, ids in backticks.
    pub message: String,
    /// A suggestion, when one exists.
    pub help: Option<String>,
}

impl Problem {
    pub(crate) fn new(file: &str, at: Option<Pos>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line: at.map(|p| p.line),
            column: at.map(|p| p.column),
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: Option<String>) -> Problem {
        self.help = help;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |f| {
            write!(f, "{}\n  --> {}", self.message, self.file)?;
            if let (Some(l), Some(c)) = (self.line, self.column) {
                write!(f, ":{l}:{c}")?;
            }
            if let Some(h) = &self.help {
                write!(f, "\nhelp: {h}")?;
            }
            Ok(())
        })
    }
}

/// Something an import adapted or could not carry over, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// The file.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, with `line`.
    pub column: Option<u64>,
    /// What happened, lowercase, ids in backticks.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(file: &str, at: Option<Pos>, message: impl Into<String>) -> Warning {
        Warning {
            file: file.to_owned(),
            line: at.map(|p| p.line),
            column: at.map(|p| p.column),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |f| {
            write!(f, "{}\n  --> {}", self.message, self.file)?;
            if let (Some(l), Some(c)) = (self.line, self.column) {
                write!(f, ":{l}:{c}")?;
            }
            Ok(())
        })
    }
}

/// What can go wrong in an import or an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be read.
    #[error("cannot read `{path}`")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The input is not a valid file of its format, or does not give a valid model;
    /// every problem found is listed.
    #[error("{}", render(.problems))]
    Invalid {
        /// The problems, in file order.
        problems: Vec<Problem>,
    },
    /// The model holds text the output format cannot represent.
    #[error("{message}")]
    Unrepresentable {
        /// What cannot be written, and where in the model it is.
        message: String,
    },
    /// The output could not be written (the streaming writers only).
    #[error("cannot write the output")]
    Write {
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A view could not be laid out (a bug: views come from a validated model).
    #[error("cannot lay out view `{view}`")]
    Layout {
        /// The view.
        view: String,
        /// Why.
        #[source]
        source: ecograph_render::Error,
    },
}

fn render(problems: &[Problem]) -> String {
    let parts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    parts.join("\nerror: ")
}

impl Error {
    pub(crate) fn one(p: Problem) -> Error {
        Error::Invalid { problems: vec![p] }
    }

    /// Whether the error is about the input's content (exit 1) rather than reading or
    /// writing it (exit 2).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::Invalid { .. } | Error::Unrepresentable { .. })
    }
}

/// Writes what `write` writes, padded to the formatter's width and fill when it has one
/// (so `{:<12}` works on every `Display` of the crate).
pub(crate) fn padded(
    f: &mut std::fmt::Formatter<'_>,
    write: impl Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result,
) -> std::fmt::Result {
    struct W<F>(F);
    impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for W<F> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            (self.0)(f)
        }
    }
    if f.width().is_none() && f.precision().is_none() {
        write(f)
    } else {
        f.pad(&W(write).to_string())
    }
}

/// The error for a file that starts with `start`, when that is a UTF-16 byte order
/// mark (either byte order): ecograph reads UTF-8, and `help` says how to save it so.
pub(crate) fn utf16(file: &str, start: &[u8], help: &str) -> Option<Error> {
    (start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF])).then(|| {
        Error::one(
            Problem::new(
                file,
                Some(Pos { line: 1, column: 1 }),
                "the file is UTF-16 (it starts with a UTF-16 byte order mark); ecograph reads UTF-8",
            )
            .help(Some(help.into())),
        )
    })
}
