//! The embedded layout against Graphviz `dot` and ELK Layered (elkjs, run by
//! node) on the same graphs: every view of `models/te24.json` (in English,
//! family `te24`, and in Finnish, `te24-fi`) and the random,
//! short-edge, random+clusters and short-edge+clusters families. All three get
//! the same node sizes, spacing, cluster nesting and label sizes; every
//! measure is taken from the final geometry of each drawing by one shared
//! implementation (`ecograph_benches::metrics`).
//!
//! ```sh
//! bash benches/scripts/elk_install.sh      # elkjs from benches/elk/package-lock.json
//! cargo run --release -p ecograph-benches --bin layout_vs_peers \
//!   [-- --sizes 50,200,500 --families te24,random,... --edges polyline \
//!       --dot-live-under 5 --fresh]
//! ```
//!
//! dot's and ELK's drawings are cached by their input text in the temporary
//! directory (random 500-node graphs take dot minutes); `--fresh` runs them
//! again. Their measures always come from the cached drawing.
//!
//! Times are medians. Where dot's cached time is under `--dot-live-under`
//! seconds (default 5), dot is run again in this run: rounds of one
//! in-process layout of ours then one whole `dot -Tjson` process, alternating
//! so that both see the same load, at least 3 rounds and up to 15 within
//! about 2 s; the table gives each one's median, and the run checks that
//! dot's live drawing is the cached one byte for byte. Slower graphs keep
//! dot's cached time (marked with its date) and ours is the median of
//! in-process runs (at least 3, up to 20 within about 300 ms). ELK's time is
//! its cached in-process mean after a warm-up, without node's start-up.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ecograph_benches::graphs::{family_graph, to_layout_input};
use ecograph_benches::metrics::Metrics;
use ecograph_benches::peers::{self, from_dot_json, from_elk, to_dot, to_elk};
use ecograph_benches::timing::{date_of, median};
use ecograph_core::Model;
use ecograph_render::layout::{LayoutInput, diagram_input, layout};
use ecograph_render::{Diagram, Options, views_of};

struct Case {
    name: String,
    input: LayoutInput,
    visible: usize,
}

struct Run {
    metrics: Metrics,
    seconds: f64,
    /// The date of a cached time, when this run did not measure it.
    cached: Option<String>,
}

/// dot's cached drawing of a case and what is known of its time.
struct DotCache {
    /// The DOT text given to dot, written to `path`.
    path: PathBuf,
    json: String,
    seconds: f64,
    date: Option<String>,
}

/// How dot's live drawings compared with the cached ones.
#[derive(Default)]
struct LiveCheck {
    live: Vec<String>,
    differing: Vec<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = opt("--sizes")
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 200, 500]);
    let families: Vec<String> = opt("--families")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_else(|| {
            [
                "te24",
                "te24-fi",
                "random",
                "short-edge",
                "random+clusters",
                "short-edge+clusters",
            ]
            .map(String::from)
            .to_vec()
        });
    let routing = match opt("--edges") {
        Some(name) => peers::routing(&name).unwrap_or_else(|| {
            eprintln!("--edges takes orthogonal, polyline or spline");
            std::process::exit(2);
        }),
        None => ecograph_render::EDGE_ROUTING,
    };
    let fresh = args.iter().any(|a| a == "--fresh");
    let live_under: f64 = match opt("--dot-live-under").map(|s| s.parse::<f64>()) {
        None => 5.0,
        Some(Ok(s)) if s >= 0.0 => s,
        Some(_) => {
            eprintln!("--dot-live-under takes a number of seconds");
            std::process::exit(2);
        }
    };
    let work = std::env::temp_dir().join("ecograph-layout-vs-peers");
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("cannot create {}: {e}", work.display());
        std::process::exit(2);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let elk_script = root.join("elk/layout.js");
    let have_dot = !args.iter().any(|a| a == "--no-dot");
    let have_elk = !args.iter().any(|a| a == "--no-elk");

    let mut cases = Vec::new();
    for family in &families {
        if let Some(lang) = te24_language(family) {
            cases.extend(te24_cases(&root.join("../models/te24.json"), family, lang));
            continue;
        }
        for &n in &sizes {
            let Some(g) = family_graph(family, n) else {
                eprintln!("unknown family {family}");
                continue;
            };
            let input = to_layout_input(&g);
            cases.push(Case {
                name: format!("{}/{n}", g.family),
                visible: input.edges.len(),
                input,
            });
        }
    }

    println!(
        "Edge routing: {routing:?}. Cells are ecograph / dot / ELK; ratios are ecograph's against the reference named."
    );
    println!(
        "Times are medians: ecograph's in-process layout and dot's whole `-Tjson` process alternating in this run where dot's cached time is under {live_under} s, else dot's cached time (\"cached\" and its date); ELK's is its cached in-process mean."
    );
    println!();
    println!(
        "| graph | nodes | edges | crossings | area ÷ min(dot, ELK) | long side ÷ short side | edges through nodes | needless box crossings | edges against the direction | labels crossed | ends off outline | lines over each other | edge length | bends | time (ms, median) | time ÷ dot |"
    );
    println!("|---|---:|---:|---|---:|---|---|---|---|---|---|---|---|---|---|---:|");
    let mut totals: Vec<(String, [Option<Metrics>; 3], [f64; 3])> = Vec::new();
    let mut check = LiveCheck::default();
    for mut case in cases {
        case.input.routing = routing;
        let cache = if have_dot {
            dot_cache(&case, &work, fresh).map_err(|e| eprintln!("{}: dot: {e}", case.name))
        } else {
            Err(())
        }
        .ok();
        let (ours, dot) = match cache {
            Some(cache) if cache.seconds < live_under => {
                match run_alternating(&case, &cache, &mut check) {
                    Ok((ours, dot)) => (ours, Some(dot)),
                    Err(e) => {
                        eprintln!("{}: dot: {e}", case.name);
                        (run_ours(&case), None)
                    }
                }
            }
            Some(cache) => (run_ours(&case), cached_dot(&case, &cache)),
            None => (run_ours(&case), None),
        };
        let elk = if have_elk {
            run_elk(&case, &work, &elk_script, fresh)
                .map_err(|e| eprintln!("{}: elk: {e}", case.name))
        } else {
            Err(())
        }
        .ok();
        print_row(&case, &ours, dot.as_ref(), elk.as_ref());
        let family = case.name.split('/').next().unwrap_or_default().to_string();
        let all = [Some(&ours), dot.as_ref(), elk.as_ref()];
        match totals.iter_mut().find(|t| t.0 == family) {
            Some(t) => {
                for (slot, r) in t.1.iter_mut().zip(all) {
                    *slot = match (*slot, r) {
                        (Some(a), Some(r)) => Some(add(a, r.metrics)),
                        _ => None,
                    };
                }
                for (s, r) in t.2.iter_mut().zip(all) {
                    *s += r.map_or(0.0, |r| r.seconds);
                }
            }
            None => totals.push((
                family,
                all.map(|r| r.map(|r| r.metrics)),
                all.map(|r| r.map_or(0.0, |r| r.seconds)),
            )),
        }
    }
    println!();
    println!(
        "dot run live on {} graphs; its drawing equals the cached one byte for byte on {}{}.",
        check.live.len(),
        check.live.len() - check.differing.len(),
        if check.differing.is_empty() {
            String::new()
        } else {
            format!(" (differs on {})", check.differing.join(", "))
        }
    );
    println!();
    println!(
        "Totals per family (crossings, defects, length and bends summed; time summed, cached dot times included):"
    );
    println!();
    println!(
        "| family | crossings | edges through nodes | needless box crossings | edges against the direction | labels crossed | ends off outline | lines over each other | edge length | bends | time (ms) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (family, m, t) in &totals {
        let cell = |f: &dyn Fn(&Metrics) -> String| -> String {
            m.iter()
                .map(|m| m.as_ref().map_or("–".into(), f))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        println!(
            "| {family} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&|m| m.crossings.to_string()),
            cell(&|m| m.through_nodes.to_string()),
            cell(&|m| m.needless_border_crossings.to_string()),
            cell(&|m| m.against_direction.to_string()),
            cell(&|m| m.labels_crossed.to_string()),
            cell(&|m| m.ends_off_outline.to_string()),
            cell(&|m| m.lines_along.to_string()),
            cell(&|m| format!("{:.0}", m.length)),
            cell(&|m| m.bends.to_string()),
            t.iter()
                .map(|s| format!("{:.1}", s * 1e3))
                .collect::<Vec<_>>()
                .join(" / "),
        );
    }
}

fn add(a: Metrics, b: Metrics) -> Metrics {
    Metrics {
        crossings: a.crossings + b.crossings,
        width: a.width.max(b.width),
        height: a.height.max(b.height),
        through_nodes: a.through_nodes + b.through_nodes,
        needless_border_crossings: a.needless_border_crossings + b.needless_border_crossings,
        labels_crossed: a.labels_crossed + b.labels_crossed,
        ends_off_outline: a.ends_off_outline + b.ends_off_outline,
        lines_along: a.lines_along + b.lines_along,
        against_direction: a.against_direction + b.against_direction,
        length: a.length + b.length,
        bends: a.bends + b.bends,
    }
}

/// The language of the TE24 family `family`: `te24` is drawn in English,
/// `te24-fi` in Finnish (the model's first language, which `ecograph
/// render` draws by default).
fn te24_language(family: &str) -> Option<&'static str> {
    match family {
        "te24" => Some("en"),
        "te24-fi" => Some("fi"),
        _ => None,
    }
}

fn te24_cases(path: &Path, family: &str, lang: &str) -> Vec<Case> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.display());
            return Vec::new();
        }
    };
    let model = match Model::from_json_str(&text) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return Vec::new();
        }
    };
    let options = Options::default().lang(lang);
    let mut cases = Vec::new();
    for view in views_of(&model, options.max_nodes) {
        match Diagram::new(&model, &view, &options) {
            Ok(d) => cases.push(Case {
                name: format!("{family}/{}", view.id),
                visible: d.edges().len(),
                input: diagram_input(&d),
            }),
            Err(e) => eprintln!("view {}: {e}", view.id),
        }
    }
    cases
}

/// One timed layout of `case`.
fn time_ours(case: &Case) -> (f64, ecograph_render::layout::Layout) {
    let start = Instant::now();
    let out = layout(&case.input).expect("benchmark graphs are valid");
    (start.elapsed().as_secs_f64(), out)
}

/// Ours alone: the median of at least 3 runs, up to 20 within about 300 ms.
fn run_ours(case: &Case) -> Run {
    let start = Instant::now();
    let mut times = Vec::new();
    let mut out = None;
    while times.len() < 3 || (start.elapsed() < Duration::from_millis(300) && times.len() < 20) {
        let (t, o) = time_ours(case);
        times.push(t);
        out = Some(o);
    }
    let out = out.unwrap_or_default();
    Run {
        metrics: peers::ours(&case.input, &out, case.visible).measure(),
        seconds: median(&times).unwrap_or_default(),
        cached: None,
    }
}

/// One whole `dot -Tjson` process on `path`: its wall time and output.
fn time_dot(path: &Path) -> Result<(f64, String), String> {
    let start = Instant::now();
    let out = Command::new("dot")
        .arg("-Tjson")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run dot: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok((seconds, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// Ours and dot timed in the same minutes: rounds of one layout then one dot
/// process, at least 3 and up to 15 within about 2 s; medians of each. The
/// measures are those of the cached drawing; each live drawing is compared
/// with it.
fn run_alternating(
    case: &Case,
    cache: &DotCache,
    check: &mut LiveCheck,
) -> Result<(Run, Run), String> {
    let start = Instant::now();
    let (mut ours_t, mut dot_t) = (Vec::new(), Vec::new());
    let mut out = None;
    let mut same = true;
    while ours_t.len() < 3 || (start.elapsed() < Duration::from_secs(2) && ours_t.len() < 15) {
        let (t, o) = time_ours(case);
        ours_t.push(t);
        out = Some(o);
        let (t, json) = time_dot(&cache.path)?;
        dot_t.push(t);
        same &= json == cache.json;
    }
    check.live.push(case.name.clone());
    if !same {
        eprintln!(
            "{}: dot's live drawing differs from the cached one",
            case.name
        );
        check.differing.push(case.name.clone());
    }
    let out = out.unwrap_or_default();
    let ours = Run {
        metrics: peers::ours(&case.input, &out, case.visible).measure(),
        seconds: median(&ours_t).unwrap_or_default(),
        cached: None,
    };
    let dot = Run {
        metrics: from_dot_json(&case.input, case.visible, &cache.json)?.measure(),
        seconds: median(&dot_t).unwrap_or_default(),
        cached: None,
    };
    Ok((ours, dot))
}

/// dot's cached drawing and time, marked as cached.
fn cached_dot(case: &Case, cache: &DotCache) -> Option<Run> {
    match from_dot_json(&case.input, case.visible, &cache.json) {
        Ok(d) => Some(Run {
            metrics: d.measure(),
            seconds: cache.seconds,
            cached: Some(cache.date.clone().unwrap_or_else(|| "undated".into())),
        }),
        Err(e) => {
            eprintln!("{}: dot: {e}", case.name);
            None
        }
    }
}

fn file_name(case: &Case) -> String {
    case.name.replace(['/', '+'], "_")
}

/// Cached output of `program` on `text`, with its time, unless `fresh`.
fn cached(work: &Path, key: &str, text: &str, fresh: bool) -> Option<(f64, String)> {
    if fresh || std::fs::read_to_string(work.join(format!("{key}.in"))).ok()? != text {
        return None;
    }
    let seconds = std::fs::read_to_string(work.join(format!("{key}.seconds")))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some((
        seconds,
        std::fs::read_to_string(work.join(format!("{key}.out"))).ok()?,
    ))
}

fn store(work: &Path, key: &str, text: &str, seconds: f64, out: &str) {
    let _ = std::fs::write(work.join(format!("{key}.in")), text);
    let _ = std::fs::write(work.join(format!("{key}.out")), out);
    let _ = std::fs::write(work.join(format!("{key}.seconds")), seconds.to_string());
}

/// dot's drawing of `case` from the cache, or from one run of dot (then
/// cached) when there is none or `fresh`.
fn dot_cache(case: &Case, work: &Path, fresh: bool) -> Result<DotCache, String> {
    let dot = to_dot(&case.input, case.visible);
    let key = format!("dot-{}", file_name(case));
    let path: PathBuf = work.join(format!("{key}.dot"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(dot.as_str()) {
        std::fs::write(&path, &dot).map_err(|e| e.to_string())?;
    }
    let (seconds, json) = match cached(work, &key, &dot, fresh) {
        Some(r) => r,
        None => {
            let (seconds, json) = time_dot(&path)?;
            store(work, &key, &dot, seconds, &json);
            (seconds, json)
        }
    };
    let date = std::fs::metadata(work.join(format!("{key}.seconds")))
        .and_then(|m| m.modified())
        .ok()
        .and_then(date_of);
    Ok(DotCache {
        path,
        json,
        seconds,
        date,
    })
}

fn run_elk(case: &Case, work: &Path, script: &Path, fresh: bool) -> Result<Run, String> {
    let graph = to_elk(&case.input, case.visible).to_string();
    let key = format!("elk-{}", file_name(case));
    let (seconds, out) = match cached(work, &key, &graph, fresh) {
        Some(r) => r,
        None => {
            let mut child = Command::new("node")
                .arg(script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| {
                    format!("cannot run node (bash benches/scripts/elk_install.sh): {e}")
                })?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin
                    .write_all(graph.as_bytes())
                    .map_err(|e| e.to_string())?;
            }
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned());
            }
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("elk output: {e}"))?;
            let seconds = v["seconds"].as_f64().ok_or("elk output without seconds")?;
            let drawn = v["graph"].to_string();
            store(work, &key, &graph, seconds, &drawn);
            (seconds, drawn)
        }
    };
    let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| e.to_string())?;
    Ok(Run {
        metrics: from_elk(&case.input, case.visible, &v)?.measure(),
        seconds,
        cached: None,
    })
}

fn print_row(case: &Case, ours: &Run, dot: Option<&Run>, elk: Option<&Run>) {
    let runs = [Some(ours), dot, elk];
    let cell = |f: &dyn Fn(&Run) -> String| -> String {
        runs.iter()
            .map(|r| r.map_or("–".into(), f))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else if a == 0.0 {
            "1.00".into()
        } else {
            "inf".into()
        }
    };
    let min_area = [dot, elk]
        .iter()
        .flatten()
        .map(|r| r.metrics.area())
        .fold(f64::INFINITY, f64::min);
    let aspect = format!(
        "{:.2} / {}",
        ours.metrics.aspect(),
        elk.map_or("–".into(), |r| format!("{:.2}", r.metrics.aspect()))
    );
    println!(
        "| {} | {} | {} | {} | {} | {aspect} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        case.name,
        case.input.nodes.len(),
        case.visible,
        cell(&|r| r.metrics.crossings.to_string()),
        if min_area.is_finite() {
            ratio(ours.metrics.area(), min_area)
        } else {
            "–".into()
        },
        cell(&|r| r.metrics.through_nodes.to_string()),
        cell(&|r| r.metrics.needless_border_crossings.to_string()),
        cell(&|r| r.metrics.against_direction.to_string()),
        cell(&|r| r.metrics.labels_crossed.to_string()),
        cell(&|r| r.metrics.ends_off_outline.to_string()),
        cell(&|r| r.metrics.lines_along.to_string()),
        cell(&|r| format!("{:.0}", r.metrics.length)),
        cell(&|r| r.metrics.bends.to_string()),
        cell(&|r| match &r.cached {
            Some(date) => format!("{:.1} (cached {date})", r.seconds * 1e3),
            None => format!("{:.1}", r.seconds * 1e3),
        }),
        dot.map_or("–".into(), |d| {
            let q = ratio(ours.seconds, d.seconds);
            if d.cached.is_some() {
                format!("{q} (cached dot)")
            } else {
                q
            }
        }),
    );
}
