//! Integration tests of ecograph-interop, one test binary.

mod archimate;
mod bad_input;
mod csv_files;
mod generate;
mod graphml;
mod hostile;
mod structure;
mod threads;

use std::path::PathBuf;

/// A file of this repository, by its path from the root.
pub fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// A fixture of this crate.
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// The TE24 model.
pub fn te24() -> ecograph_core::Model {
    ecograph_core::Model::load(repo_file("models/te24.json")).expect("te24 loads")
}

/// A containment chain of `n` tasks, `t0` holding `t1` holding `t2` ...
pub fn chain(n: usize) -> ecograph_core::Model {
    let mut els = vec![r#"{"id":"t0","kind":"task","name":"T"}"#.to_owned()];
    for i in 1..n {
        els.push(format!(
            r#"{{"id":"t{i}","kind":"task","name":"T","parent":"t{}"}}"#,
            i - 1
        ));
    }
    ecograph_core::Model::from_json_str(&format!(
        r#"{{"ecograph":1,"elements":[{}]}}"#,
        els.join(",")
    ))
    .expect("valid")
}
