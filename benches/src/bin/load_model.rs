//! Writes synthetic models to files and times loading them, for `benches/scripts/`.
//!
//! ```text
//! load_model generate ELEMENTS FILE [SEED]   write a synthetic model (seed 1 by default)
//! load_model load FILE                       load and validate it with `Model::load`
//! load_model json FILE                       parse it into a `serde_json::Value` only
//! ```
//!
//! `load` and `json` print one line of `key=value` figures. Run them under
//! `/usr/bin/time -v` for the peak memory.

use ecograph_core::Model;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: load_model generate ELEMENTS FILE [SEED] | load FILE | json FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args[..] {
        ["generate", elements, file] => generate(elements, file, "1"),
        ["generate", elements, file, seed] => generate(elements, file, seed),
        ["load", file] => load(file),
        ["json", file] => json(file),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(elements: &str, file: &str, seed: &str) -> Result<(), String> {
    let elements: usize = elements
        .parse()
        .map_err(|e| format!("bad element count `{elements}`: {e}"))?;
    let seed: u64 = seed
        .parse()
        .map_err(|e| format!("bad seed `{seed}`: {e}"))?;
    let started = Instant::now();
    let f = File::create(file).map_err(|e| format!("cannot create `{file}`: {e}"))?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    ecograph_benches::synth::write_json(elements, seed, &mut w)
        .and_then(|()| w.flush())
        .map_err(|e| format!("cannot write `{file}`: {e}"))?;
    let bytes = std::fs::metadata(file)
        .map_err(|e| format!("cannot stat `{file}`: {e}"))?
        .len();
    println!(
        "elements={elements} seed={seed} bytes={bytes} generate_s={:.3}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn load(file: &str) -> Result<(), String> {
    let started = Instant::now();
    let model = Model::load(file).map_err(|e| format!("{e}"))?;
    let load_s = started.elapsed().as_secs_f64();
    let (elements, relations, warnings) = (
        model.element_count(),
        model.relation_count(),
        model.warnings().len(),
    );
    let started = Instant::now();
    drop(model);
    let drop_s = started.elapsed().as_secs_f64();
    println!(
        "elements={elements} relations={relations} warnings={warnings} load_s={load_s:.3} drop_s={drop_s:.3}"
    );
    Ok(())
}

/// The cost of reading and parsing the JSON alone, as a floor for `load`.
fn json(file: &str) -> Result<(), String> {
    let started = Instant::now();
    let src = std::fs::read_to_string(file).map_err(|e| format!("cannot read `{file}`: {e}"))?;
    let read_s = started.elapsed().as_secs_f64();
    let value: serde_json::Value =
        serde_json::from_str(&src).map_err(|e| format!("`{file}`: {e}"))?;
    let parse_s = started.elapsed().as_secs_f64() - read_s;
    let relations = value
        .get("relations")
        .and_then(serde_json::Value::as_array)
        .map_or(0, Vec::len);
    println!("relations={relations} read_s={read_s:.3} parse_s={parse_s:.3}");
    Ok(())
}
