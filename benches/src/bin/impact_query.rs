//! Times the impact analysis on a synthetic model, for `benches/networkx_compare.py` and
//! for quick measurements.
//!
//! ```text
//! impact_query gen ELEMENTS SEED OUT.json      write a synthetic model
//! impact_query run MODEL.json ID[,ID...] [REPEATS]
//!                                             load MODEL.json, then time the analysis of
//!                                             removing the given elements (witness paths
//!                                             included) and print one line of results
//! ```

use ecograph_core::Model;
use ecograph_impact::{Change, ChangeSet, Options, analyze};
use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", n, seed, out] => {
            let n: usize = n.parse().map_err(|e| format!("ELEMENTS: {e}"))?;
            let seed: u64 = seed.parse().map_err(|e| format!("SEED: {e}"))?;
            let f = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
            ecograph_benches::synth::write_json(n, seed, &mut BufWriter::new(f))
                .map_err(|e| format!("{out}: {e}"))
        }
        ["run", model, ids, rest @ ..] => {
            let repeats: usize = match rest {
                [] => 5,
                [r] => r.parse().map_err(|e| format!("REPEATS: {e}"))?,
                _ => return Err(usage()),
            };
            let t = Instant::now();
            let m = Model::load(model).map_err(|e| e.to_string())?;
            let load_ms = t.elapsed().as_secs_f64() * 1e3;
            let changes: ChangeSet = ids.split(',').map(Change::removed).collect();
            let mut times = Vec::new();
            let mut affected = 0;
            let mut hops = 0;
            for _ in 0..repeats.max(1) {
                let t = Instant::now();
                let impact =
                    analyze(&m, &changes, &Options::default()).map_err(|e| e.to_string())?;
                // Materialise every witness path, as a report would.
                hops = impact.affected().map(|a| a.path().len()).sum::<usize>();
                affected = impact.len();
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "elements={} relations={} load_ms={load_ms:.0} affected={affected} path_hops={hops} median_ms={:.2} min_ms={:.2}",
                m.element_count(),
                m.relation_count(),
                times[times.len() / 2],
                times[0]
            );
            Ok(())
        }
        _ => Err(usage()),
    }
}

fn usage() -> String {
    "usage: impact_query gen ELEMENTS SEED OUT.json | impact_query run MODEL.json ID[,ID...] [REPEATS]".into()
}
