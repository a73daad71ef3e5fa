//! Times the impact analysis and the model diff on a synthetic model, for
//! `benches/networkx_compare.py` and for quick measurements (and profiling: the phases are
//! timed separately, and a run repeats them so that `perf record` sees more of them than
//! of loading).
//!
//! ```text
//! impact_query gen ELEMENTS SEED OUT.json      write a synthetic model
//! impact_query run MODEL.json IDS [REPEATS]    load MODEL.json, then time the analysis of
//!                                             removing IDS and print one line of results
//! impact_query analyze MODEL.json IDS [REPEATS]
//!                                             the analysis alone, on one snapshot
//! impact_query diff MODEL.json [moved] [REPEATS]
//!                                             load MODEL.json and a copy with renamed
//!                                             elements and changed statuses (as the
//!                                             criterion bench does; `moved` also moves
//!                                             the first relation to the end), then
//!                                             time the diff
//! ```
//!
//! IDS is `ID[,ID...]`, or `systems:N` for N systems spread over the model (the
//! criterion bench's 1000 changes are `systems:1000`).
//!
//! Times are the process's CPU time, all threads (wall time where `/proc/self/stat` is
//! missing), medians over the repeats; in `run` and `analyze`, each figure is the average
//! of as many back-to-back runs as fill 300 ms of CPU time, which is counted in ticks of
//! 10 ms. `*_wall_ms` are the same in wall-clock time. `run` prints `median_ms`: a fresh snapshot, the analysis and every witness path
//! materialised, as `analyze` followed by `path()` on every affected element would cost;
//! then the phases: `snapshot_ms` (building the snapshot), `analyze_ms` (the analysis on
//! an existing snapshot) and `paths_ms` (materialising every witness path).

use ecograph_core::{ElementKind, Model};
use ecograph_impact::{Change, ChangeSet, Options, Snapshot, analyze, diff};
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

/// A start time: wall clock, and the process's CPU time (user and system, all threads)
/// where Linux tells it (`/proc/self/stat`, in ticks of 10 ms). The box these figures
/// come from is shared, so CPU time is the steadier measure.
#[derive(Clone, Copy)]
struct Clock {
    wall: Instant,
    cpu: Option<u64>,
}

fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses: utime and stime are the 12th and
    // 13th, in USER_HZ ticks (100 a second).
    let rest = &s[s.rfind(')')? + 1..];
    let mut f = rest.split_whitespace().skip(11);
    let user: u64 = f.next()?.parse().ok()?;
    let system: u64 = f.next()?.parse().ok()?;
    Some((user + system) * 10_000_000)
}

impl Clock {
    fn now() -> Clock {
        Clock {
            cpu: cpu_ns(),
            wall: Instant::now(),
        }
    }
}

fn wall_ms(t: Clock) -> f64 {
    t.wall.elapsed().as_secs_f64() * 1e3
}

/// Milliseconds since `t`: CPU time when known, else wall time.
fn ms(t: Clock) -> f64 {
    match (t.cpu, cpu_ns()) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e6,
        _ => t.wall.elapsed().as_secs_f64() * 1e3,
    }
}

/// Milliseconds `f` takes, in CPU time and wall time: run back to back until 300 ms of
/// CPU time have passed (it is counted in ticks of 10 ms), averaged.
fn measure(mut f: impl FnMut()) -> (f64, f64) {
    let t = Clock::now();
    let mut runs = 0u32;
    loop {
        f();
        runs += 1;
        let elapsed = ms(t);
        if elapsed >= 300.0 || runs >= 1000 {
            let n = f64::from(runs);
            return (elapsed / n, wall_ms(t) / n);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn repeats(rest: &[&str]) -> Result<usize, String> {
    match rest {
        [] => Ok(5),
        [r] => r
            .parse::<usize>()
            .map(|r| r.max(1))
            .map_err(|e| format!("REPEATS: {e}")),
        _ => Err(usage()),
    }
}

fn load(path: &str) -> Result<(Model, f64), String> {
    let t = Clock::now();
    let m = Model::load(path).map_err(|e| e.to_string())?;
    Ok((m, ms(t)))
}

/// `ID,ID,...` or `systems:N`.
fn changes(m: &Model, ids: &str) -> Result<ChangeSet, String> {
    if let Some(n) = ids.strip_prefix("systems:") {
        let count: usize = n.parse().map_err(|e| format!("systems:N: {e}"))?;
        let systems: Vec<String> = m
            .elements_of_kind(ElementKind::System)
            .map(|e| e.id().to_string())
            .collect();
        let step = (systems.len() / count.max(1)).max(1);
        return Ok(systems
            .iter()
            .step_by(step)
            .take(count)
            .map(Change::removed)
            .collect());
    }
    Ok(ids.split(',').map(Change::removed).collect())
}

fn run(args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["gen", n, seed, out] => {
            let n: usize = n.parse().map_err(|e| format!("ELEMENTS: {e}"))?;
            let seed: u64 = seed.parse().map_err(|e| format!("SEED: {e}"))?;
            let f = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
            ecograph_benches::synth::write_json(n, seed, &mut BufWriter::new(f))
                .map_err(|e| format!("{out}: {e}"))
        }
        ["run", model, ids, rest @ ..] => {
            let repeats = repeats(rest)?;
            let (m, load_ms) = load(model)?;
            let changes = changes(&m, ids)?;
            let options = Options::default();
            let (mut total, mut snap, mut analysis, mut paths) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let (mut total_wall, mut analysis_wall) = (Vec::new(), Vec::new());
            let mut affected = 0;
            let mut hops = 0;
            let mut failed = None;
            for _ in 0..repeats {
                // End to end after loading, as a one-off query runs: a snapshot, the
                // analysis, and every witness path materialised, as a report would.
                let (cpu, wall) = measure(|| match analyze(&m, &changes, &options) {
                    Ok(impact) => {
                        hops = impact.affected().map(|a| a.path().len()).sum::<usize>();
                        affected = impact.len();
                    }
                    Err(e) => failed = Some(e.to_string()),
                });
                total.push(cpu);
                total_wall.push(wall);
                // The same, phase by phase.
                snap.push(measure(|| drop(Snapshot::new(&m))).0);
                let snapshot = Snapshot::new(&m);
                let (cpu, wall) = measure(|| {
                    if let Err(e) = snapshot.analyze(&changes, &options) {
                        failed = Some(e.to_string());
                    }
                });
                analysis.push(cpu);
                analysis_wall.push(wall);
                let impact = snapshot
                    .analyze(&changes, &options)
                    .map_err(|e| e.to_string())?;
                let mut h = 0;
                paths.push(
                    measure(|| {
                        h = impact.affected().map(|a| a.path().len()).sum::<usize>();
                    })
                    .0,
                );
                if h != hops {
                    return Err("witness paths differ between runs".into());
                }
            }
            if let Some(e) = failed {
                return Err(e);
            }
            let min = total.iter().copied().fold(f64::INFINITY, f64::min);
            println!(
                "elements={} relations={} changes={} load_ms={load_ms:.0} affected={affected} path_hops={hops} median_ms={:.2} min_ms={min:.2} snapshot_ms={:.2} analyze_ms={:.2} paths_ms={:.2} median_wall_ms={:.2} analyze_wall_ms={:.2}",
                m.element_count(),
                m.relation_count(),
                changes.len(),
                median(total),
                median(snap),
                median(analysis),
                median(paths),
                median(total_wall),
                median(analysis_wall),
            );
            Ok(())
        }
        ["analyze", model, ids, rest @ ..] => {
            let repeats = repeats(rest)?;
            let (m, load_ms) = load(model)?;
            let changes = changes(&m, ids)?;
            let options = Options::default();
            let t = Clock::now();
            let snapshot = Snapshot::new(&m);
            let snapshot_ms = ms(t);
            let (mut times, mut walls) = (Vec::new(), Vec::new());
            let mut affected = 0;
            let mut failed = None;
            for _ in 0..repeats {
                let (cpu, wall) = measure(|| match snapshot.analyze(&changes, &options) {
                    Ok(impact) => affected = impact.len(),
                    Err(e) => failed = Some(e.to_string()),
                });
                times.push(cpu);
                walls.push(wall);
            }
            if let Some(e) = failed {
                return Err(e);
            }
            let min = times.iter().copied().fold(f64::INFINITY, f64::min);
            println!(
                "elements={} changes={} load_ms={load_ms:.0} snapshot_ms={snapshot_ms:.2} affected={affected} analyze_median_ms={:.2} analyze_min_ms={min:.2} analyze_wall_ms={:.2}",
                m.element_count(),
                changes.len(),
                median(times),
                median(walls)
            );
            Ok(())
        }
        ["diff", model, rest @ ..] => {
            let (moved, rest) = match rest {
                ["moved", rest @ ..] => (true, rest),
                _ => (false, rest),
            };
            let repeats = repeats(rest)?;
            let json = std::fs::read_to_string(model).map_err(|e| format!("{model}: {e}"))?;
            let t = Clock::now();
            let old = Model::from_json_str(&json).map_err(|e| e.to_string())?;
            let load_ms = ms(t);
            let n = old.element_count();
            // Renamed elements and changed statuses, as in benches/benches/impact.rs.
            let changed = json
                .replacen("\"en\": \"Northern", "\"en\": \"Southern", n / 50)
                .replacen(
                    "\"status\": \"not_started\"",
                    "\"status\": \"in_progress\"",
                    n / 200,
                );
            drop(json);
            let changed = if moved {
                move_first_relation(&changed)?
            } else {
                changed
            };
            let new = Model::from_json_str(&changed).map_err(|e| e.to_string())?;
            drop(changed);
            let mut times = Vec::new();
            let mut summary = (0, 0, 0);
            for _ in 0..repeats {
                let t = Clock::now();
                let d = diff(&old, &new);
                summary = (
                    d.modified().len(),
                    d.relations_added().len(),
                    d.relations_removed().len(),
                );
                drop(d);
                times.push(ms(t));
            }
            println!(
                "elements={n} relations={} load_ms={load_ms:.0} modified={} relations_added={} relations_removed={} median_ms={:.2}",
                old.relation_count(),
                summary.0,
                summary.1,
                summary.2,
                median(times)
            );
            Ok(())
        }
        _ => Err(usage()),
    }
}

/// The model text with its first relation moved to the end of the list, so that no
/// relation is at the same position in both versions (the generator writes one relation
/// a line).
fn move_first_relation(json: &str) -> Result<String, String> {
    let mut lines: Vec<&str> = json.lines().collect();
    let open = lines
        .iter()
        .position(|l| l.trim_start().starts_with("\"relations\""))
        .ok_or("no relations")?;
    let close = (open + 1..lines.len())
        .find(|&i| lines[i].trim_start().starts_with(']'))
        .ok_or("unterminated relations")?;
    if close < open + 3 {
        return Err("fewer than two relations".into());
    }
    let first = lines.remove(open + 1);
    let last = close - 2;
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    out[last].push(',');
    out.insert(last + 1, first.trim_end_matches(',').to_owned());
    Ok(out.join("\n"))
}

fn usage() -> String {
    "usage: impact_query gen ELEMENTS SEED OUT.json | impact_query run MODEL.json IDS [REPEATS] | impact_query analyze MODEL.json IDS [REPEATS] | impact_query diff MODEL.json [moved] [REPEATS]".into()
}
