//! `--since`: the older version of a model, from a file or, as `git:REV[:PATH]`, from
//! git (`git show REV:PATH`, run without a shell; PATH defaults to the new model's path).

use crate::common::{Exit, Fail, load_model, print_diagnostics};
use ecograph_core::Model;
use std::process::Command;

/// Where an older version comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// A model file (or `-`).
    File(String),
    /// A revision and a path (as on the command line: relative to the current
    /// directory, or absolute).
    Git {
        /// The revision, as git reads it (`HEAD~1`, a branch, a commit).
        rev: String,
        /// The file's path, whose directory names the repository and the place in it.
        path: String,
    },
}

impl Since {
    /// Reads `--since VALUE`; `model` is the new model's path, the default PATH.
    pub fn parse(value: &str, model: &str) -> Result<Since, Fail> {
        let Some(rest) = value.strip_prefix("git:") else {
            return Ok(Since::File(value.to_owned()));
        };
        let (rev, path) = match rest.split_once(':') {
            Some((rev, path)) => (rev, path),
            None => (rest, model),
        };
        validate_rev(rev).map_err(|why| Fail::usage(format!("--since `{value}`: {why}")))?;
        if path == "-" {
            return Err(Fail::usage(format!(
                "--since `{value}`: the model comes from standard input, so name its path in git as git:REV:PATH"
            )));
        }
        validate_path(path).map_err(|why| Fail::usage(format!("--since `{value}`: {why}")))?;
        Ok(Since::Git {
            rev: rev.to_owned(),
            path: path.to_owned(),
        })
    }

    /// Loads and validates the older model (exit 1 when it is invalid, 2 when it
    /// cannot be read).
    pub fn load(&self) -> Result<Model, Fail> {
        match self {
            Since::File(path) => load_model(path),
            Since::Git { rev, path } => {
                let name = format!("git:{rev}:{path}");
                let src = git_show(rev, path)?;
                let checked = Model::check_str(&src, Some(&name));
                checked.model.ok_or_else(|| {
                    print_diagnostics(&checked.diagnostics, false);
                    let n = checked.diagnostics.errors().count();
                    Fail {
                        exit: Exit::Invalid,
                        message: format!(
                            "`{name}` is not a valid model ({n} error{})",
                            if n == 1 { "" } else { "s" }
                        ),
                    }
                })
            }
        }
    }
}

/// A revision git can only read as a revision: no option, no whitespace or control
/// character, no `:` (that would start a path).
fn validate_rev(rev: &str) -> Result<(), String> {
    if rev.is_empty() {
        return Err("no revision after `git:` (for example git:HEAD~1)".into());
    }
    if rev.starts_with('-') {
        return Err(format!("revision `{rev}` starts with `-`"));
    }
    if let Some(c) = rev.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("revision `{rev}` contains {c:?}"));
    }
    Ok(())
}

/// A path: not empty, without NUL or control characters. Where it lies is git's to
/// say: git reads the file from the repository that holds its directory.
fn validate_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("no path after the revision".into());
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(format!("path `{path}` contains {c:?}"));
    }
    Ok(())
}

/// `git -C DIR show REV:./NAME`, DIR and NAME the path's directory and file name: git
/// reads the file from the repository that holds DIR, at the file's place in it, so
/// the path may be absolute or go through `..`, and the command may run outside the
/// repository (`./` makes git read NAME relative to DIR). When DIR is not there any
/// more (the file moved since REV), `git show REV:./PATH` from here.
fn git_show(rev: &str, path: &str) -> Result<String, Fail> {
    let p = std::path::Path::new(path);
    let (dir, name) = match (p.parent(), p.file_name()) {
        (Some(d), Some(n)) if d.as_os_str().is_empty() || d.is_dir() => {
            let d = if d.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                d
            };
            (d.to_path_buf(), n.to_string_lossy().into_owned())
        }
        _ => (
            std::path::PathBuf::from("."),
            path.trim_start_matches("./").to_owned(),
        ),
    };
    let object = format!("{rev}:./{name}");
    let out = Command::new("git")
        .arg("-C")
        .arg(&dir)
        .args([
            "--no-pager",
            "show",
            "--no-textconv",
            "--end-of-options",
            &object,
        ])
        .output()
        .map_err(|e| Fail::usage(format!("cannot run git for --since git:{rev}:{path}: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(Fail::usage(format!(
            "git cannot show `{rev}:{path}`: {}",
            err.trim()
        )));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| Fail::usage(format!("`git:{rev}:{path}` is not UTF-8 text")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_git_source_defaults_to_the_models_path() {
        assert_eq!(
            Since::parse("git:HEAD~1", "models/te24.json").unwrap(),
            Since::Git {
                rev: "HEAD~1".into(),
                path: "models/te24.json".into()
            }
        );
        assert_eq!(
            Since::parse("old.json", "m.json").unwrap(),
            Since::File("old.json".into())
        );
    }

    #[test]
    fn options_empty_revisions_and_control_characters_are_refused() {
        for bad in [
            "git:--output=x",
            "git:",
            "git:HEAD:",
            "git:HE AD",
            "git:HEAD:a\u{0}b",
        ] {
            let err = Since::parse(bad, "m.json").unwrap_err();
            assert_eq!(err.exit, Exit::Usage, "{bad}");
            assert!(
                err.message.starts_with(&format!("--since `{bad}`: ")),
                "{}",
                err.message
            );
        }
    }
}
