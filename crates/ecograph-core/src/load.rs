//! Loading a model from text or a file.

use crate::diag::{Diagnostic, Diagnostics, JsonPath, Severity};
use crate::{Error, Model};
use std::path::Path;

/// The result of checking a model: the model if it has no errors, and every diagnostic
/// (errors and warnings), located in the source, errors first.
#[derive(Debug)]
#[non_exhaustive]
pub struct Checked {
    /// The model, when there are no errors.
    pub model: Option<Model>,
    /// Every problem found.
    pub diagnostics: Diagnostics,
}

impl Model {
    /// Parses and validates a model.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found, when the text is not a valid model.
    pub fn from_json_str(src: &str) -> Result<Model, Error> {
        Model::check_str(src, None).into_result()
    }

    /// Reads, parses and validates a model file. The file is only read.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Invalid`] when it is not a
    /// valid model (text that is not UTF-8 is an invalid model, with the position of the
    /// first bad byte).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let path = std::env::temp_dir().join(format!("ecograph-load-{}.json", std::process::id()));
    /// std::fs::write(&path, r#"{"ecograph": 1, "elements": [{"id": "a", "kind": "group", "name": "A"}]}"#)?;
    /// let model = ecograph_core::Model::load(&path)?;
    /// assert_eq!(model.element_count(), 1);
    /// # std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Model, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Model::check_bytes(&bytes, Some(&path.display().to_string())).into_result()
    }

    /// [`Model::check_str`] for bytes as read from a file: a UTF-8 byte order mark is
    /// skipped, and bytes that are not UTF-8 give one `encoding` error at the line and
    /// column of the first bad byte.
    pub fn check_bytes(bytes: &[u8], file: Option<&str>) -> Checked {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(src) => Model::check_str(src, file),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                // The prefix is valid UTF-8 by definition.
                let prefix = std::str::from_utf8(good).unwrap_or_default();
                let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
                let mut d = Diagnostic::new(
                    Severity::Error,
                    "encoding",
                    JsonPath::default(),
                    format!(
                        "the file is not UTF-8: byte 0x{:02X} at offset {} cannot start or continue a character",
                        bytes[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                )
                .suggest(Some("save the file as UTF-8".into()));
                d.line = Some(prefix.matches('\n').count() + 1);
                d.column = Some(prefix[line_start..].chars().count() + 1);
                d.file = file.map(std::sync::Arc::from);
                Checked {
                    model: None,
                    diagnostics: Diagnostics::from_vec(vec![d]),
                }
            }
        }
    }

    /// Parses and validates a model, returning the model (if valid) and every diagnostic.
    /// `file` is the name diagnostics give for the source. A leading byte order mark
    /// (`U+FEFF`) is skipped; positions count from after it.
    ///
    /// ```
    /// use ecograph_core::Model;
    /// let checked = Model::check_str(
    ///     r#"{"ecograph": 1, "elements": [{"id": "a", "kind": "sytem", "name": "A"}]}"#,
    ///     Some("m.json"),
    /// );
    /// assert!(checked.model.is_none());
    /// let d = checked.diagnostics.errors().next().expect("one error");
    /// assert_eq!((d.code(), d.line(), d.column()), ("unknown-kind", Some(1), Some(50)));
    /// assert_eq!(d.path(), "elements[0].kind");
    /// assert_eq!(d.suggestion(), Some("did you mean `system`?"));
    /// ```
    pub fn check_str(src: &str, file: Option<&str>) -> Checked {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        if src.trim_start().is_empty() {
            let mut d = Diagnostic::new(
                Severity::Error,
                "empty",
                JsonPath::default(),
                if src.is_empty() {
                    "the file is empty"
                } else {
                    "the file is empty (it holds only white space)"
                },
            )
            .suggest(Some(
                "a model is a JSON object, at least `{\"ecograph\": 1, \"elements\": []}`".into(),
            ));
            d.line = Some(1);
            d.column = Some(1);
            d.file = file.map(std::sync::Arc::from);
            return Checked {
                model: None,
                diagnostics: Diagnostics::from_vec(vec![d]),
            };
        }
        let mut val = crate::validate::Validation::new();
        let mut diags = match crate::raw::parse(src, &mut val) {
            Ok(doc) => {
                let (model, mut diags) = match &doc {
                    Ok(doc) => {
                        val.head(doc);
                        val.buffered_relations(doc);
                        val.finish(doc)
                    }
                    Err(found) => val.not_an_object(*found),
                };
                crate::locate::locate(src, &mut diags);
                return conclude(model, diags, file);
            }
            Err(e) => vec![syntax_error(src, &e)],
        };
        for d in &mut diags {
            d.file = file.map(std::sync::Arc::from);
        }
        Checked {
            model: None,
            diagnostics: Diagnostics::from_vec(diags),
        }
    }
}

impl Checked {
    pub(crate) fn into_result(self) -> Result<Model, Error> {
        let file = self
            .diagnostics
            .iter()
            .find_map(|d| d.file.as_deref().map(str::to_owned));
        match self.model {
            Some(m) => Ok(m),
            None => Err(Error::Invalid {
                file,
                diagnostics: self.diagnostics,
            }),
        }
    }
}

/// What validation gave, with its diagnostics located: sorted, named after `file`, and
/// the model kept only without errors.
pub(crate) fn conclude(
    model: Option<Model>,
    diags: Vec<Diagnostic>,
    file: Option<&str>,
) -> Checked {
    let diags = finish(diags, file);
    // Locating may find an error of its own (`too-deep`).
    let model = model.filter(|_| !diags.has_errors());
    // A model is only made without errors: its warnings are every diagnostic, shared
    // rather than copied.
    Checked {
        model: model.map(|mut m| {
            m.warnings = if diags.has_errors() {
                Diagnostics::from_vec(diags.warnings().cloned().collect())
            } else {
                diags.clone()
            };
            m
        }),
        diagnostics: diags,
    }
}

/// Errors first, each group in document order; the file name on each.
pub(crate) fn finish(mut diags: Vec<Diagnostic>, file: Option<&str>) -> Diagnostics {
    let file: Option<std::sync::Arc<str>> = file.map(std::sync::Arc::from);
    for d in &mut diags {
        d.file.clone_from(&file);
    }
    sort_diagnostics(&mut diags);
    diags.shrink_to_fit();
    Diagnostics::from_vec(diags)
}

/// Sorts by severity, line and column, keeping the found order among equals (a stable
/// sort), without the stable sort's buffer of half the diagnostics: a permutation of
/// indices is sorted instead and applied in place.
fn sort_diagnostics(diags: &mut [Diagnostic]) {
    let mut order: Vec<u32> = (0..diags.len() as u32).collect();
    order.sort_unstable_by_key(|&i| {
        let d = &diags[i as usize];
        (d.severity, d.line, d.column, i)
    });
    // diags[k] becomes the old diags[order[k]], one cycle of the permutation at a time.
    for start in 0..order.len() {
        let mut j = start;
        while order[j] as usize != start {
            let next = order[j] as usize;
            diags.swap(j, next);
            order[j] = j as u32;
            j = next;
        }
        order[j] = j as u32;
    }
}

fn syntax_error(src: &str, e: &serde_json::Error) -> Diagnostic {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the position is shown on its own line.
    let msg = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m);
    // serde_json's column counts bytes from 1, at the byte it stopped on; other
    // diagnostics count characters.
    let line_start: usize = src
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = line_start + e.column().saturating_sub(1);
    let path = if e.line() > 0 {
        crate::locate::path_at(src, offset)
    } else {
        JsonPath::default()
    };
    let mut d = Diagnostic::new(
        Severity::Error,
        "syntax",
        path,
        format!("malformed JSON: {msg}"),
    );
    if e.line() > 0 {
        d.line = Some(e.line());
        let chars = src.get(line_start..offset).map(|s| s.chars().count() + 1);
        d.column = Some(chars.unwrap_or(e.column()).max(1));
    }
    let hint = match e.classify() {
        serde_json::error::Category::Eof => {
            Some("the file ends early: check for a missing `]` or `}`")
        }
        serde_json::error::Category::Syntax if msg.contains("trailing comma") => {
            Some("remove the comma before the closing bracket")
        }
        serde_json::error::Category::Syntax if msg.starts_with("expected `,`") => {
            Some("a `,` may be missing after the item before, or a closing bracket")
        }
        _ => None,
    };
    d.suggest(hint.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The in-place sort gives what a stable sort by (severity, line, column) gives.
        #[test]
        fn diagnostics_sort_like_a_stable_sort(keys in proptest::collection::vec((any::<bool>(), 0usize..4, 0usize..3), 0..60)) {
            let diags: Vec<Diagnostic> = keys
                .iter()
                .enumerate()
                .map(|(i, &(warn, line, col))| {
                    let sev = if warn { Severity::Warning } else { Severity::Error };
                    let mut d = Diagnostic::new(sev, "x", JsonPath::default(), format!("{i}"));
                    d.line = (line > 0).then_some(line);
                    d.column = Some(col);
                    d
                })
                .collect();
            let mut oracle = diags.clone();
            oracle.sort_by_key(|a| (a.severity, a.line, a.column));
            let mut sorted = diags;
            sort_diagnostics(&mut sorted);
            let text = |v: &[Diagnostic]| v.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
            prop_assert_eq!(text(&sorted), text(&oracle));
        }
    }
}
