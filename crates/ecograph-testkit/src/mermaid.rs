//! Mermaid checked by Mermaid: [`render`] feeds diagrams to mermaid-cli's own renderer
//! (`renderMermaid`, what `mmdc` runs) in headless Chromium, all of them in one browser.
//!
//! The tools are installed by `scripts/test.sh` (`npm ci --prefix tools/npm`, Debian's
//! `chromium`), which exports `ECOGRAPH_MMDC` and `ECOGRAPH_CHROMIUM`. When they are
//! missing, [`render`] panics with what to run: a Mermaid test fails, it never skips.

use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A diagram Mermaid accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg {
    /// The SVG Mermaid wrote (serialised as XML by the browser).
    pub svg: String,
    /// The text of every node label, edge label and subgraph title, in document order,
    /// as the browser shows it (`<br>` read as `\n`).
    pub labels: Vec<String>,
    /// The diagram's title (from the front matter), if any.
    pub title: Option<String>,
}

/// What Mermaid made of one diagram: the SVG, or Mermaid's error message (a parse
/// error names the line).
pub type Rendered = Result<Svg, String>;

/// The renderer's JSON for one diagram.
#[derive(Deserialize)]
struct Raw {
    ok: bool,
    #[serde(default)]
    svg: String,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    error: String,
}

/// The workspace root (this crate is `crates/ecograph-testkit`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The installed Mermaid CLI, or a panic saying how to install it.
fn tools() -> (PathBuf, PathBuf) {
    let mmdc = std::env::var_os("ECOGRAPH_MMDC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("tools/npm/node_modules/.bin/mmdc"));
    let chromium = std::env::var_os("ECOGRAPH_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    for (what, p) in [("mermaid-cli (mmdc)", &mmdc), ("Chromium", &chromium)] {
        assert!(
            p.exists(),
            "{what} is not installed at `{}`: run `bash scripts/test.sh` once (it runs \
             `npm ci --prefix tools/npm` and `apt-get install chromium`), or set \
             ECOGRAPH_MMDC / ECOGRAPH_CHROMIUM",
            p.display()
        );
    }
    (mmdc, chromium)
}

/// Renders every source with mermaid-cli in one browser and returns, in order, what
/// Mermaid made of each.
///
/// # Panics
///
/// When mermaid-cli, Node.js or Chromium is missing or the browser cannot start: the
/// tests need the real consumer and fail without it.
pub fn render<S: AsRef<str>>(sources: &[S]) -> Vec<Rendered> {
    if sources.is_empty() {
        return Vec::new();
    }
    let (mmdc, chromium) = tools();
    let script = root().join("tools/npm/render-mermaid.mjs");
    let input: Vec<&str> = sources.iter().map(AsRef::as_ref).collect();
    let input = serde_json::to_vec(&input).expect("strings serialise");
    let mut child = Command::new("node")
        .arg(&script)
        .env("ECOGRAPH_CHROMIUM", &chromium)
        .env("ECOGRAPH_MMDC", &mmdc)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node {}`: {e}", script.display()));
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("node ends");
    let written = writer.join().expect("writer thread");
    assert!(
        out.status.success(),
        "the Mermaid renderer failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    written.expect("node reads the sources");
    let results: Vec<Raw> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the Mermaid renderer wrote no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(results.len(), sources.len(), "one result per diagram");
    results
        .into_iter()
        .map(|r| {
            if r.ok {
                Ok(Svg {
                    svg: r.svg,
                    labels: r.labels,
                    title: r.title,
                })
            } else {
                Err(r.error)
            }
        })
        .collect()
}

/// Renders every source and panics, naming the diagram and quoting Mermaid, when one
/// does not parse; returns what Mermaid drew of each.
///
/// # Panics
///
/// As [`render`], and when Mermaid rejects a diagram.
pub fn render_all_ok<S: AsRef<str>>(sources: &[S]) -> Vec<Svg> {
    render(sources)
        .into_iter()
        .zip(sources)
        .enumerate()
        .map(|(i, (r, src))| {
            r.unwrap_or_else(|e| {
                panic!(
                    "Mermaid rejected diagram {i}: {e}\n--- source ---\n{}",
                    src.as_ref()
                )
            })
        })
        .collect()
}

/// Runs the real `mmdc` on one file (`-i input -o output`), with Debian's Chromium
/// through `tools/npm/puppeteer-config.json`, and returns how it ended.
///
/// # Panics
///
/// When mermaid-cli or Chromium is missing, or `mmdc` cannot be started.
pub fn mmdc(input: &Path, output: &Path) -> std::process::Output {
    let (mmdc, chromium) = tools();
    let config = root().join("tools/npm/puppeteer-config.json");
    Command::new(&mmdc)
        .arg("-p")
        .arg(&config)
        .arg("-i")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--quiet")
        .env("PUPPETEER_EXECUTABLE_PATH", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{}`: {e}", mmdc.display()))
}
