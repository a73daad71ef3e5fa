//! Diagnostics: what is wrong (or doubtful) in a model, and where.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The model is invalid.
    Error,
    /// The model is valid but probably not what was meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Seg {
    /// Field names are mostly the format's own (`'static`, no allocation).
    Key(Cow<'static, str>),
    Index(usize),
}

impl Default for Seg {
    fn default() -> Self {
        Seg::Index(0)
    }
}

// The deepest path the format has is `views[i].include[j].relations[k]`.
const MAX_DEPTH: usize = 6;

/// A place in the JSON document, such as `relations[57].to`.
///
/// Paths are made for every element and relation while validating, so they live inline
/// (no allocation unless a segment is a name from the file): validation of a million
/// elements must not pay for paths it only needs when something is wrong.
#[derive(Debug, Clone, Default)]
pub(crate) struct JsonPath {
    segs: [Seg; MAX_DEPTH],
    len: u8,
    /// Segments past [`MAX_DEPTH`] were left out (only a `too-deep` or syntax error in
    /// runaway nesting gets there); shown as `…`.
    cut: bool,
}

impl JsonPath {
    fn with(&self, seg: Seg) -> JsonPath {
        let mut p = self.clone();
        if (p.len as usize) < MAX_DEPTH {
            p.segs[p.len as usize] = seg;
            p.len += 1;
        } else {
            p.cut = true;
        }
        p
    }
    /// The path of a field the format defines.
    pub fn key(&self, k: &'static str) -> JsonPath {
        self.with(Seg::Key(Cow::Borrowed(k)))
    }
    /// The path of a key taken from the file (a language, a property, an unknown field).
    pub fn key_dyn(&self, k: &str) -> JsonPath {
        self.with(Seg::Key(Cow::Owned(k.to_owned())))
    }
    pub fn index(&self, i: usize) -> JsonPath {
        self.with(Seg::Index(i))
    }
    pub fn segs(&self) -> &[Seg] {
        &self.segs[..self.len as usize]
    }
}

impl PartialEq for JsonPath {
    fn eq(&self, other: &Self) -> bool {
        self.segs() == other.segs()
    }
}
impl Eq for JsonPath {}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("$");
        }
        for (i, seg) in self.segs().iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) if is_plain_key(k) => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{}]", serde_json::Value::from(k.as_ref()))?,
            }
        }
        if self.cut {
            f.write_str("…")?;
        }
        Ok(())
    }
}

fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Whether a diagnostic points at an object key (an unknown field) or at a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Key,
    Value,
}

/// A problem found in a model, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub(crate) severity: Severity,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// Shared by every diagnostic of one file (100k warnings need not hold 100k copies).
    pub(crate) file: Option<std::sync::Arc<str>>,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) path: JsonPath,
    pub(crate) target: Target,
    pub(crate) id: Option<String>,
    pub(crate) suggestion: Option<String>,
    pub(crate) notes: Vec<String>,
}

impl Diagnostic {
    pub(crate) fn new(
        severity: Severity,
        code: &'static str,
        path: JsonPath,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            path,
            target: Target::Value,
            id: None,
            suggestion: None,
            notes: Vec::new(),
        }
    }
    pub(crate) fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
    pub(crate) fn suggest(mut self, s: Option<String>) -> Self {
        self.suggestion = s;
        self
    }
    pub(crate) fn at_key(mut self) -> Self {
        self.target = Target::Key;
        self
    }
    pub(crate) fn note(mut self, n: impl Into<String>) -> Self {
        self.notes.push(n.into());
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// A stable, kebab-case code such as `unknown-element`.
    pub fn code(&self) -> &str {
        self.code
    }
    /// What is wrong, lowercase, ids in backticks.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The file the model was read from, if it came from a file.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    /// The 1-based line in the source, when the model came from text.
    pub fn line(&self) -> Option<usize> {
        self.line
    }
    /// The 1-based column (in characters) in the source, when the model came from text.
    pub fn column(&self) -> Option<usize> {
        self.column
    }
    /// The JSON path of the offending value, such as `relations[57].to`.
    pub fn path(&self) -> String {
        self.path.to_string()
    }
    /// The id of the offending element, relation or view, where there is one.
    pub fn offending_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// What the author probably meant, or how to fix it.
    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }
    /// Further lines of explanation.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The diagnostic as a JSON object with the fields `severity`, `code`, `message`,
    /// `file`, `line`, `column`, `path`, `id`, `suggestion` and `notes` (absent values
    /// are `null`): its `Serialize` impl (the `serde` feature), as a value.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Renders in the style of rustc:
///
/// ```text
/// error[unknown-element]: unknown element `tyomarkinatori` in relation `to`
///   --> models/te24.json:412:15 (relations[57].to)
/// help: did you mean `tyomarkkinatori`?
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |f| {
            writeln!(
                f,
                "{}[{}]: {}",
                self.severity.as_str(),
                self.code,
                self.message
            )?;
            let file = self.file.as_deref().unwrap_or("<input>");
            match (self.line, self.column) {
                (Some(l), Some(c)) => writeln!(f, "  --> {file}:{l}:{c} ({})", self.path)?,
                _ => writeln!(f, "  --> {file} ({})", self.path)?,
            }
            for note in &self.notes {
                writeln!(f, "note: {note}")?;
            }
            if let Some(s) = &self.suggestion {
                writeln!(f, "help: {s}")?;
            }
            Ok(())
        })
    }
}

/// Every problem found in one model, errors first, each group in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    /// Shared: a valid model's warnings are the same list as its check's diagnostics,
    /// and a model with 100k warnings should not hold two copies.
    pub(crate) items: std::sync::Arc<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub(crate) fn from_vec(items: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics {
            items: std::sync::Arc::new(items),
        }
    }
}

impl Diagnostics {
    /// All diagnostics.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }
    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
    /// Whether there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// So that [`Error::Invalid`](crate::Error::Invalid) can give its diagnostics as its
/// `source()`.
impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        padded(f, |f| {
            for (i, d) in self.items.iter().enumerate() {
                if i > 0 {
                    f.write_char('\n')?;
                }
                d.fmt(f)?;
            }
            Ok(())
        })
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
