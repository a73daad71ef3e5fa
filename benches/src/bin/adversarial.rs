//! Runs every `ecograph` command on every adversarial shape (`ecograph_benches::adversarial`)
//! at each size, under a time limit and an address-space limit, and prints a Markdown
//! table of wall time, peak RSS and the budget of issue #10:
//!
//! - every command at most 2 s at 100k, and at most 10× its time at the size 10× smaller
//!   (against at least 20 ms there, so process start-up is not counted as a cliff);
//! - memory, two verdicts side by side (the issue's "memory at most 3× the model's"
//!   read two ways):
//!   - **file**: peak RSS at most 3× the model file's size, on top of twice the RSS of
//!     `ecograph check` on a tiny model (the binary's fixed cost, doubled to absorb
//!     allocator noise) measured in the same run;
//!   - **loaded model**: peak RSS at most 3× the peak RSS of `ecograph check` on the
//!     same file (what holding and validating the model costs), measured in the same
//!     run; this catches a command whose memory grows beyond the model it works on;
//! - no crash (signal, panic) and no timeout.
//!
//! Wall time is what the verdict uses; beside it is the command's CPU time (user +
//! system, from `/usr/bin/time`) and its growth, which the load of other processes on a
//! shared machine does not inflate: a row over 10× on wall time but not on CPU time was
//! slowed down by the machine, not by the input. The summary also counts the rows that
//! pass when the 10× rule is applied to CPU time.
//!
//! `render --all` writes one file per view. The runner removes the output directory
//! itself (not only its files) before each command, so every `render --all` row measures
//! writing into a directory that does not exist yet (`ecograph_core::fs::NewDir`: plain
//! writes in a temporary directory, one sync, one rename), the common case in CI. After
//! it (when it wrote at least 100 files), the runner deletes the directory and writes the
//! same files into a new one with plain writes (`File::create`, `write_all`; no temporary
//! file, no rename, no sync), timed, and puts that reference and the ratio in the verdict
//! cell. Deleting many files just before creating as many costs the file system
//! (ext4 skips recently freed inodes when it allocates one), and both sides pay it alike.
//!
//! `import archimate` and `import csv` read back what `export archimate` and `export csv`
//! wrote of the same model: the runner runs that export first, untimed, and the import's
//! file-size memory budget is counted on the exported file's (or CSV files') size, which
//! the verdict cell gives; when the export fails (an invalid model), the import row says
//! so and is not run.
//!
//! The reference beside each time is reading the same file and parsing it with
//! `serde_json` (into `IgnoredAny`), measured in this process in the same run.
//!
//! ```text
//! cargo build --release -p ecograph-cli -p ecograph-benches
//! nice target/release/adversarial [--bin target/release/ecograph] [--dir target/adversarial]
//!     [--sizes 10000,100000] [--shapes deep-json,flow-chain,…] [--commands check,why,…]
//!     [--timeout 60] [--mem-limit-mb 4096] [--markdown FILE]
//! ```
//!
//! A command that times out or crashes at one size is not run at the larger sizes of the
//! same shape (the row says so). Needs `/usr/bin/time`, `timeout` and `prlimit`.

use ecograph_benches::adversarial::Shape;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The commands, by name, with their arguments (`{m}` the model, `{m2}` its variant,
/// `{from}`, `{to}`, `{task}`, `{view}` ids of the shape, `{out}` an output directory or,
/// with an extension after it, file; `{in}` likewise the input an import reads).
const COMMANDS: &[(&str, &str)] = &[
    ("check", "check {m}"),
    ("list", "list {m}"),
    ("show", "show {m} {to}"),
    ("fmt", "fmt {m}"),
    ("render svg", "render {m} --view {view} --format svg"),
    ("render dot", "render {m} --view {view} --format dot"),
    (
        "render mermaid",
        "render {m} --view {view} --format mermaid",
    ),
    (
        "render --all svg",
        "render {m} --all --format svg --out {out}",
    ),
    (
        "render --all dot",
        "render {m} --all --format dot --out {out}",
    ),
    (
        "render --all mermaid",
        "render {m} --all --format mermaid --out {out}",
    ),
    ("impact", "impact {m} --modified {from}"),
    ("impact json", "impact {m} --modified {from} --format json"),
    (
        "impact --removed json",
        "impact {m} --removed {from} --format json",
    ),
    ("why", "why {m} --from {from} --to {to}"),
    ("diff", "diff {m} {m2}"),
    ("schedule", "schedule {m}"),
    ("schedule json", "schedule {m} --format json"),
    ("schedule --task", "schedule {m} --task {task}"),
    ("path", "path {m} {from} {to}"),
    ("report", "report {m} --out {out}.html"),
    (
        "export archimate",
        "export {m} --format archimate --out {out}.xml",
    ),
    ("export csv", "export {m} --format csv --out {out}"),
    (
        "export graphml",
        "export {m} --format graphml --out {out}.graphml",
    ),
    (
        "import archimate",
        "import {in}.xml --from archimate --out {out}.json",
    ),
    ("import csv", "import {in} --from csv --out {out}.json"),
];

/// The import commands, each with the export command whose output (written untimed to
/// `{in}` just before) it reads back.
const IMPORT_INPUTS: &[(&str, &str)] = &[
    ("import archimate", "export archimate"),
    ("import csv", "export csv"),
];

/// The commands run on `repeated-delays`, each with the repeated `--delay` added.
const DELAY_COMMANDS: &[&str] = &["schedule", "schedule json", "impact", "impact json"];

#[derive(Debug)]
struct Config {
    bin: PathBuf,
    dir: PathBuf,
    sizes: Vec<usize>,
    shapes: Vec<Shape>,
    commands: Vec<String>,
    timeout: u64,
    mem_limit_mb: u64,
    markdown: Option<PathBuf>,
}

#[derive(Debug, Clone)]
struct Run {
    secs: f64,
    cpu_secs: f64,
    rss_mb: f64,
    outcome: Outcome,
    note: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Exit(i32),
    Timeout,
    Crash(i32),
}

fn main() -> ExitCode {
    match parse_args().and_then(|c| run(&c)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn parse_args() -> Result<Config, String> {
    let mut c = Config {
        bin: PathBuf::from("target/release/ecograph"),
        dir: PathBuf::from("target/adversarial"),
        sizes: vec![10_000, 100_000],
        shapes: Shape::ALL.to_vec(),
        commands: COMMANDS.iter().map(|(n, _)| (*n).to_owned()).collect(),
        timeout: 60,
        mem_limit_mb: 4096,
        markdown: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--bin" => c.bin = value()?.into(),
            "--dir" => c.dir = value()?.into(),
            "--sizes" => {
                c.sizes = value()?
                    .split(',')
                    .map(|s| s.parse().map_err(|_| format!("bad size `{s}`")))
                    .collect::<Result<_, _>>()?;
            }
            "--shapes" => {
                c.shapes = value()?
                    .split(',')
                    .map(|s| Shape::from_name(s).ok_or(format!("no shape `{s}`")))
                    .collect::<Result<_, _>>()?;
            }
            "--commands" => {
                let v = value()?;
                c.commands = v.split(',').map(str::to_owned).collect();
                for name in &c.commands {
                    if !COMMANDS.iter().any(|(n, _)| n == name) {
                        return Err(format!("no command `{name}`"));
                    }
                }
            }
            "--timeout" => c.timeout = value()?.parse().map_err(|_| "bad --timeout")?,
            "--mem-limit-mb" => {
                c.mem_limit_mb = value()?.parse().map_err(|_| "bad --mem-limit-mb")?;
            }
            "--markdown" => c.markdown = Some(value()?.into()),
            _ => {
                return Err(format!(
                    "unknown argument `{flag}` (see the source's doc comment)"
                ));
            }
        }
    }
    for tool in ["/usr/bin/time", "timeout", "prlimit"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Err(format!("`{tool}` is needed"));
        }
    }
    if !c.bin.exists() {
        return Err(format!(
            "no {} (cargo build --release -p ecograph-cli)",
            c.bin.display()
        ));
    }
    Ok(c)
}

fn run(c: &Config) -> Result<(), String> {
    std::fs::create_dir_all(&c.dir).map_err(|e| e.to_string())?;
    let tiny = c.dir.join("tiny.json");
    write_model(Shape::FlowChain, 3, false, &tiny)?;
    let base = measure(c, &[os("check"), tiny.into_os_string()]).rss_mb;

    let mut table = String::new();
    let mut emit = |line: String| {
        println!("{line}");
        table.push_str(&line);
        table.push('\n');
    };
    emit(format!(
        "Fixed cost: `ecograph check` on a 3-element model peaks at {base:.1} MB RSS. Limits: {} s, {} MB address space.\n",
        c.timeout, c.mem_limit_mb
    ));
    emit("| shape | n | file MB | parse ref s | command | exit | time s | × ref | × prev n | cpu s | cpu × prev n | RSS MB | file budget MB | model budget MB | verdict |".into());
    emit(
        "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
            .into(),
    );

    // Rows passing under the file-size memory verdict, under the loaded-model one, and
    // on time and exit alone.
    let (mut rows, mut pass_file, mut pass_model, mut pass_time) = (0, 0, 0, 0);
    // On time and exit with the 10× rule applied to CPU time instead of wall time.
    let mut pass_cpu = 0;
    for &shape in &c.shapes {
        let mut prev: BTreeMap<&str, Run> = BTreeMap::new();
        let mut dead: BTreeMap<&str, usize> = BTreeMap::new();
        for &n in &c.sizes {
            let model = c.dir.join(format!("{}-{n}.json", shape.name()));
            let variant = c.dir.join(format!("{}-{n}.b.json", shape.name()));
            let delays = shape == Shape::RepeatedDelays;
            let model_n = if delays { 10 } else { n };
            write_model(shape, model_n, false, &model)?;
            write_model(shape, model_n, true, &variant)?;
            let bytes = std::fs::metadata(&model).map_err(|e| e.to_string())?.len();
            let file_mb = bytes as f64 / 1e6;
            let reference = parse_reference(&model)?;
            let ids = shape.ids(model_n);
            let out = c.dir.join("out");
            let input = c.dir.join("in");
            // The loaded model's cost: `check`'s peak RSS on this file (its own row when
            // `check` is among the commands and runs on this shape, a separate run
            // otherwise).
            let mut model_rss = None;
            if !c.commands.iter().any(|x| x == "check") || delays {
                let r = measure(c, &[os("check"), model.clone().into_os_string()]);
                if matches!(r.outcome, Outcome::Exit(_)) {
                    model_rss = Some(r.rss_mb);
                }
            }
            for (name, template) in COMMANDS {
                if !c.commands.iter().any(|x| x == name)
                    || (delays && !DELAY_COMMANDS.contains(name))
                {
                    continue;
                }
                let row_head = format!(
                    "| {} | {} | {file_mb:.2} | {reference:.3} | {name} |",
                    shape.name(),
                    size_label(n)
                );
                if let Some(at) = dead.get(name) {
                    emit(format!(
                        "{row_head} — | — | | | | | | | | not run: failed at n = {} |",
                        size_label(*at)
                    ));
                    rows += 1;
                    continue;
                }
                remove_outputs(&out);
                let expand = |template: &str| -> Vec<std::ffi::OsString> {
                    template
                        .split(' ')
                        .map(|a| match a {
                            "{m}" => model.clone().into_os_string(),
                            "{m2}" => variant.clone().into_os_string(),
                            "{from}" => os(&ids.from),
                            "{to}" => os(&ids.to),
                            "{task}" => os(&ids.task),
                            "{view}" => os(&ids.view),
                            // `{out}` and `{in}`, possibly with an extension after them.
                            a => match (a.strip_prefix("{out}"), a.strip_prefix("{in}")) {
                                (Some(ext), _) => suffixed(&out, ext),
                                (_, Some(ext)) => suffixed(&input, ext),
                                _ => os(a),
                            },
                        })
                        .collect()
                };
                // An import reads what its export wrote of this model, untimed, just
                // before; its file budget is counted on that input's size.
                let mut input_mb = None;
                if let Some((_, export)) = IMPORT_INPUTS.iter().find(|(i, _)| i == name) {
                    remove_outputs(&input);
                    let template = COMMANDS
                        .iter()
                        .find(|(n, _)| n == export)
                        .map_or("", |(_, t)| t)
                        .replace("{out}", "{in}");
                    let r = measure(c, &expand(&template));
                    if r.outcome != Outcome::Exit(0) {
                        let exit = match r.outcome {
                            Outcome::Exit(code) => format!("exited {code}"),
                            Outcome::Timeout => "timed out".into(),
                            Outcome::Crash(sig) => format!("crashed (signal {sig})"),
                        };
                        emit(format!(
                            "{row_head} — | | | | | | | | | not run: `{export}` {exit} |"
                        ));
                        rows += 1;
                        continue;
                    }
                    input_mb = Some(size_of(&input) as f64 / 1e6);
                }
                let mut args = expand(template);
                if name.starts_with("render") {
                    args.extend(shape.extra_args(n).iter().map(|a| os(a)));
                }
                if delays {
                    // `n / 100` delays: 100 at 10k, 1000 at 100k (the command line's limit).
                    if name.starts_with("impact") {
                        args.truncate(2);
                        if name.ends_with("json") {
                            args.extend([os("--format"), os("json")]);
                        }
                    }
                    for _ in 0..(n / 100).max(1) {
                        args.extend([os("--delay"), os("t1=99999y")]);
                    }
                }
                let r = measure(c, &args);
                if *name == "check" && matches!(r.outcome, Outcome::Exit(_)) {
                    model_rss = Some(r.rss_mb);
                }
                let budget = 2.0 * base + 3.0 * input_mb.unwrap_or(file_mb);
                let model_budget = model_rss.map(|m| 3.0 * m);
                let mut verdict = Vec::new();
                match r.outcome {
                    Outcome::Exit(0..=3) => {}
                    Outcome::Exit(code) => verdict.push(format!("exit {code}")),
                    Outcome::Timeout => verdict.push(format!("timeout > {} s", c.timeout)),
                    Outcome::Crash(sig) => verdict.push(format!("crash (signal {sig})")),
                }
                let growth = prev.get(name).map(|p| r.secs / p.secs.max(0.02));
                let cpu_growth = prev.get(name).map(|p| r.cpu_secs / p.cpu_secs.max(0.02));
                let mut cpu_ok = verdict.is_empty();
                if matches!(r.outcome, Outcome::Exit(_)) {
                    if n == 100_000 && r.secs > 2.0 {
                        verdict.push("over 2 s".into());
                        cpu_ok = false;
                    }
                    if growth.is_some_and(|g| g > 10.0) {
                        verdict.push("over 10× prev".into());
                    }
                    if cpu_growth.is_some_and(|g| g > 10.0) {
                        cpu_ok = false;
                    }
                }
                let on_time = verdict.is_empty();
                pass_cpu += usize::from(cpu_ok);
                let over_file = matches!(r.outcome, Outcome::Exit(_)) && r.rss_mb > budget;
                let over_model = matches!(r.outcome, Outcome::Exit(_))
                    && model_budget.is_some_and(|b| r.rss_mb > b);
                if over_file {
                    verdict.push("over file memory".into());
                }
                if over_model {
                    verdict.push("over 3× check memory".into());
                }
                rows += 1;
                pass_time += usize::from(on_time);
                pass_file += usize::from(on_time && !over_file);
                pass_model += usize::from(on_time && !over_model);
                let ok = verdict.is_empty();
                let mut written = String::new();
                if name.starts_with("render --all") && r.outcome == Outcome::Exit(0) {
                    match plain_writes(&out) {
                        // A handful of files takes no measurable time to write.
                        Ok((files, _)) if files < 100 => {}
                        Ok((files, secs)) => {
                            written = format!(
                                "; {files} files, plain writes of them {secs:.3} s (command {:.1}×)",
                                r.secs / secs.max(1e-4)
                            );
                        }
                        Err(e) => written = format!("; reference writes failed: {e}"),
                    }
                }
                if !matches!(r.outcome, Outcome::Exit(_)) {
                    dead.insert(name, n);
                }
                let verdict = if ok {
                    "pass".to_owned()
                } else {
                    format!("**FAIL**: {}", verdict.join(", "))
                };
                let exit = match r.outcome {
                    Outcome::Exit(c) => c.to_string(),
                    Outcome::Timeout => "killed".into(),
                    Outcome::Crash(s) => format!("sig {s}"),
                };
                let mut note = if r.note.is_empty() || ok {
                    String::new()
                } else {
                    format!(" ({})", r.note)
                };
                if let Some(mb) = input_mb {
                    note.push_str(&format!("; input {mb:.2} MB"));
                }
                emit(format!(
                    "{row_head} {exit} | {:.3} | {:.0} | {} | {:.3} | {} | {:.0} | {budget:.0} | {} | {verdict}{note}{written} |",
                    r.secs,
                    r.secs / reference.max(1e-4),
                    growth.map_or(String::new(), |g| format!("{g:.1}")),
                    r.cpu_secs,
                    cpu_growth.map_or(String::new(), |g| format!("{g:.1}")),
                    r.rss_mb,
                    model_budget.map_or("—".to_owned(), |b| format!("{b:.0}")),
                ));
                prev.insert(name, r);
            }
            let _ = std::fs::remove_file(&variant);
            let _ = std::fs::remove_file(&model);
            remove_outputs(&out);
            remove_outputs(&input);
        }
    }
    emit(format!(
        "\n{rows} rows. Pass with the file-size memory verdict: {pass_file} ({} fail); with \
         the loaded-model memory verdict (3× `check`): {pass_model} ({} fail); on time and \
         exit alone: {pass_time} ({} fail); on time and exit with the 10× rule on CPU time: \
         {pass_cpu} ({} fail).",
        rows - pass_file,
        rows - pass_model,
        rows - pass_time,
        rows - pass_cpu
    ));
    if let Some(path) = &c.markdown {
        std::fs::write(path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn os(s: &str) -> std::ffi::OsString {
    s.into()
}

/// `path` with `ext` (empty, or such as `.xml`) appended to its file name.
fn suffixed(path: &Path, ext: &str) -> std::ffi::OsString {
    let mut p = path.as_os_str().to_owned();
    p.push(ext);
    p
}

/// Removes what a command may have written at `base`: the directory itself, or a file
/// named after it with one of the commands' extensions.
fn remove_outputs(base: &Path) {
    let _ = std::fs::remove_dir_all(base);
    for ext in [".html", ".xml", ".graphml", ".json"] {
        let _ = std::fs::remove_file(suffixed(base, ext));
    }
}

/// Bytes in the file, or in the files of the directory, written at `base` (the
/// directory itself or a file named after it with an extension).
fn size_of(base: &Path) -> u64 {
    if let Ok(entries) = std::fs::read_dir(base) {
        return entries
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum();
    }
    [".xml", ".json"]
        .iter()
        .find_map(|ext| std::fs::metadata(suffixed(base, ext)).ok())
        .map_or(0, |m| m.len())
}

fn size_label(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn write_model(shape: Shape, n: usize, variant: bool, path: &Path) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(file);
    shape
        .write_model(n, variant, &mut w)
        .and_then(|()| w.flush())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The reference for `render --all`: reads the files in `dir`, deletes it (as the runner
/// deleted the previous output before the command), and times writing the same files
/// into it again with plain writes. Returns how many files and the seconds.
fn plain_writes(dir: &Path) -> Result<(usize, f64), String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
        files.push((entry.file_name(), bytes));
    }
    std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    let start = Instant::now();
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, bytes) in &files {
        let mut f = File::create(dir.join(name)).map_err(|e| e.to_string())?;
        f.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok((files.len(), start.elapsed().as_secs_f64()))
}

/// Seconds to read the file and parse it as JSON, best of three.
fn parse_reference(path: &Path) -> Result<f64, String> {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let parsed = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes);
        std::hint::black_box(parsed.is_ok());
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
}

/// Runs `ecograph args` under `timeout` and `prlimit`, timed here, its peak RSS taken by
/// `/usr/bin/time`.
fn measure(c: &Config, args: &[std::ffi::OsString]) -> Run {
    let rss_file = c.dir.join("rss.txt");
    let err_file = c.dir.join("stderr.txt");
    let _ = std::fs::remove_file(&rss_file);
    let stderr = File::create(&err_file)
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null());
    let start = Instant::now();
    let status = Command::new("nice")
        .args(["-n", "10", "/usr/bin/time", "-f", "%M %U %S", "-o"])
        .arg(&rss_file)
        .args(["timeout", "-s", "KILL"])
        .arg(c.timeout.to_string())
        .arg("prlimit")
        .arg(format!("--as={}", c.mem_limit_mb * 1024 * 1024))
        .arg("--")
        .arg(&c.bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .status();
    let secs = start.elapsed().as_secs_f64();
    // The last line is `KB user system` (a killed command's has a line before it).
    let stats: Vec<f64> = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| {
            s.lines()
                .map(|l| {
                    l.split_whitespace()
                        .map(str::parse::<f64>)
                        .collect::<Result<Vec<_>, _>>()
                })
                .filter_map(Result::ok)
                .rfind(|v| v.len() == 3)
        })
        .unwrap_or_default();
    let rss_mb = stats.first().map_or(0.0, |kb| kb / 1024.0);
    let cpu_secs = stats.get(1).zip(stats.get(2)).map_or(0.0, |(u, s)| u + s);
    let code = status.ok().and_then(|s| s.code()).unwrap_or(-1);
    let outcome = match code {
        137 => Outcome::Timeout,
        c if c > 128 => Outcome::Crash(c - 128),
        101 => Outcome::Crash(0),
        c => Outcome::Exit(c),
    };
    let note = std::fs::read_to_string(&err_file)
        .unwrap_or_default()
        .lines()
        .find(|l| {
            l.contains("panicked")
                || l.contains("overflow")
                || l.contains("memory")
                || l.starts_with("error")
        })
        .unwrap_or("")
        .chars()
        .take(100)
        .collect::<String>()
        .replace('|', "\\|");
    Run {
        secs,
        cpu_secs,
        rss_mb,
        outcome,
        note,
    }
}
