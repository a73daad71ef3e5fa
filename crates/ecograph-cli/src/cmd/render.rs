//! `ecograph render`: draw views as SVG, Graphviz DOT or Mermaid.

use crate::common::{Exit, Fail, load_model, read_source, refuse_input, write_output};
use ecograph_core::{
    Confidence, ElementKind, LayoutDirection, Model, RelationKind, Selector, View,
};
use ecograph_impact::ChangeKind;
use ecograph_render::{Diagram, Format, Highlight, Mark, Options, find_view, views_of};
use std::path::{Path, PathBuf};

/// Output format of `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RenderFormat {
    /// SVG laid out inside ecograph (no Graphviz needed).
    #[default]
    Svg,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
}

impl From<RenderFormat> for Format {
    fn from(f: RenderFormat) -> Format {
        match f {
            RenderFormat::Svg => Format::Svg,
            RenderFormat::Dot => Format::Dot,
            RenderFormat::Mermaid => Format::Mermaid,
        }
    }
}

/// Direction of an ad-hoc view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dir {
    /// Top to bottom.
    #[value(name = "TB")]
    Tb,
    /// Left to right.
    #[value(name = "LR")]
    Lr,
}

/// Draw the model's views. With neither --view nor --all, draws the first view (a
/// default overview when the model defines none). --around, --kind and --tag draw an
/// ad-hoc view of the elements any of them selects.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    pub model: String,
    /// A view to draw, by id; repeat for several (then --out is a directory).
    #[arg(long = "view", value_name = "ID")]
    pub views: Vec<String>,
    /// Draw every view, one file per view named `<view-id>.<ext>` in the --out directory
    /// (an id longer than 200 bytes is cut, with a hash of the whole id). A view that
    /// cannot be drawn is reported and the others are still written (exit 2).
    #[arg(long, conflicts_with = "views")]
    pub all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Svg)]
    pub format: RenderFormat,
    /// Output file, directory (for --all or several views), or `-` for standard output
    /// (the default for one view).
    #[arg(long, short, value_name = "DIR|FILE|-")]
    pub out: Option<PathBuf>,
    /// Language of names and labels (default: the model's first language).
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Colour what a change touches: the JSON of `ecograph impact` or `ecograph diff`.
    #[arg(long, value_name = "FILE")]
    pub highlight: Option<String>,
    /// Refuse views that would draw more nodes than this, with a suggestion.
    #[arg(long, value_name = "N", default_value_t = ecograph_render::DEFAULT_MAX_NODES)]
    pub max_nodes: usize,
    /// Ad-hoc view: this element and its neighbourhood.
    #[arg(long, value_name = "ID", conflicts_with_all = ["views", "all"])]
    pub around: Option<String>,
    /// How many relations away --around reaches.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "around")]
    pub depth: usize,
    /// Ad-hoc view: every element of this kind (repeatable).
    #[arg(long, value_name = "KIND", conflicts_with_all = ["views", "all"])]
    pub kind: Vec<String>,
    /// Ad-hoc view: every element with this tag (repeatable).
    #[arg(long, value_name = "TAG", conflicts_with_all = ["views", "all"])]
    pub tag: Vec<String>,
    /// Ad-hoc view: only these relation kinds (comma-separated; default all).
    #[arg(long, value_name = "KINDS", value_delimiter = ',')]
    pub relations: Vec<String>,
    /// Ad-hoc view: direction.
    #[arg(long, value_enum)]
    pub direction: Option<Dir>,
    /// How SVG edges are routed (default: the style table's, polyline).
    #[arg(long, value_enum, value_name = "ROUTING")]
    pub edges: Option<Edges>,
}

/// Edge routing of the SVG layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Edges {
    /// Horizontal and vertical segments.
    Orthogonal,
    /// Straight segments.
    Polyline,
    /// Straight segments with rounded corners.
    Spline,
}

pub fn run(args: Args) -> Result<Exit, Fail> {
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let mut options = Options::default().max_nodes(args.max_nodes);
    if let Some(e) = args.edges {
        options = options.edges(match e {
            Edges::Orthogonal => ecograph_render::layout::EdgeRouting::Orthogonal,
            Edges::Polyline => ecograph_render::layout::EdgeRouting::Polyline,
            Edges::Spline => ecograph_render::layout::EdgeRouting::Spline,
        });
    }
    if let Some(l) = &args.lang {
        options = options.lang(l.clone());
    }
    if let Some(h) = &args.highlight {
        options = options.highlight(read_highlight(&model, h)?);
    }
    let format: Format = args.format.into();
    let adhoc = args.around.is_some() || !args.kind.is_empty() || !args.tag.is_empty();

    let views: Vec<View> = if adhoc {
        vec![adhoc_view(&model, &args)?]
    } else if args.all {
        views_of(&model, args.max_nodes)
    } else if args.views.is_empty() {
        views_of(&model, args.max_nodes)
            .into_iter()
            .take(1)
            .collect()
    } else {
        let mut v = Vec::new();
        for id in &args.views {
            v.push(find_view(&model, id, &options).map_err(|e| Fail::usage(e.to_string()))?);
        }
        v
    };

    let to_dir = args.all || views.len() > 1 || args.out.as_deref().is_some_and(is_dir_target);
    if to_dir {
        let Some(dir) = args.out.as_deref().filter(|p| *p != Path::new("-")) else {
            return Err(Fail::usage(
                "several views need --out DIR (one file per view, named `<view-id>.<ext>`)",
            ));
        };
        let ext = format.extension();
        let mut failed = Vec::new();
        let report = |v: &View, msg: &str, failed: &mut Vec<String>| {
            crate::common::eprint_line(&format!("error: view `{}`: {msg}", v.id));
            failed.push(v.id.clone());
        };
        let note_long = |v: &View, name: &str| {
            if name.len() != v.id.len() + 1 + ext.len() {
                crate::common::eprint_line(&format!(
                    "note: view `{}` is drawn in `{}` (its id is too long for a file name)",
                    v.id,
                    dir.join(name).display()
                ));
            }
        };
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Fail::io(parent, &e))?;
        }
        // A directory that does not exist yet (the common case in CI) is filled with plain
        // writes beside it and renamed into place whole: nothing in it can be an input,
        // a link or a special file, and 100k files take one rename instead of 100k.
        let fresh = ecograph_core::fs::NewDir::create(dir).map_err(|e| Fail::io(dir, &e))?;
        if let Some(mut fresh) = fresh {
            let mut written = Vec::with_capacity(views.len());
            for v in &views {
                let name = view_file_name(&v.id, ext);
                let ok = draw(&model, v, format, &options).and_then(|text| {
                    fresh
                        .write(&name, text.as_bytes())
                        .map_err(|e| format!("cannot write `{}`: {e}", dir.join(&name).display()))
                });
                match ok {
                    Ok(()) => {
                        note_long(v, &name);
                        written.push(v);
                    }
                    Err(msg) => report(v, &msg, &mut failed),
                }
            }
            match fresh.finish() {
                Ok(()) => {}
                Err((fresh, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // Someone made the directory meanwhile: write into it file by file,
                    // with every guarantee of the per-file path.
                    crate::common::eprint_line(&format!(
                        "note: `{}` appeared while the views were drawn; writing into it file by file",
                        dir.display()
                    ));
                    let files = written.into_iter().map(|v| {
                        let name = view_file_name(&v.id, ext);
                        let text = std::fs::read(fresh.path().join(&name)).map_err(|e| {
                            format!(
                                "cannot read back `{}`: {e}",
                                fresh.path().join(&name).display()
                            )
                        });
                        (v, name, text)
                    });
                    write_per_file(dir, files, &views, ext, &mut failed)?;
                }
                Err((fresh, e)) => {
                    let msg = format!(
                        "cannot put `{}` in place as `{}`: {e}",
                        fresh.path().display(),
                        dir.display()
                    );
                    for v in written {
                        report(v, &msg, &mut failed);
                    }
                }
            }
        } else {
            let files = views.iter().map(|v| {
                let name = view_file_name(&v.id, ext);
                let text = draw(&model, v, format, &options).map(String::into_bytes);
                if text.is_ok() {
                    note_long(v, &name);
                }
                (v, name, text)
            });
            write_per_file(dir, files, &views, ext, &mut failed)?;
        }
        if failed.is_empty() {
            Ok(Exit::Ok)
        } else {
            Err(Fail::usage(format!(
                "{} of {} views not drawn: {}",
                failed.len(),
                views.len(),
                failed
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    } else {
        let Some(v) = views.first() else {
            return Err(Fail::usage("the model has no view to draw"));
        };
        let text = draw(&model, v, format, &options).map_err(Fail::usage)?;
        write_output(args.out.as_deref(), text.as_bytes())?;
        Ok(Exit::Ok)
    }
}

/// Writes the views' files into the existing directory `dir` one by one, each
/// atomically (`ecograph_core::fs::Batch`: one sync per 512 files), never over an input.
fn write_per_file<'v>(
    dir: &Path,
    files: impl Iterator<Item = (&'v View, String, Result<Vec<u8>, String>)>,
    views: &[View],
    ext: &str,
    failed: &mut Vec<String>,
) -> Result<(), Fail> {
    std::fs::create_dir_all(dir).map_err(|e| Fail::io(dir, &e))?;
    // One look for stale temporary files, not one per view (100k views), and one
    // sync for many files (a batch): synced one by one, 10,000 views took 125 s.
    let _ = ecograph_core::fs::remove_stale_temp_files(dir);
    let mut batch = ecograph_core::fs::AtomicWriter::new()
        .clean_stale(false)
        .durable(DURABLE_VIEWS)
        .batch();
    for (v, name, text) in files {
        let path = dir.join(&name);
        let written = text.and_then(|bytes| {
            refuse_input(&path).map_err(|f| f.message)?;
            batch
                .write(&path, &bytes)
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
        });
        if let Err(msg) = written {
            crate::common::eprint_line(&format!("error: view `{}`: {msg}", v.id));
            failed.push(v.id.clone());
        }
    }
    // Files staged but not put in place (a rename or the sync failed).
    for (path, e) in batch.finish() {
        let Some(v) = views
            .iter()
            .find(|v| dir.join(view_file_name(&v.id, ext)) == path)
        else {
            continue;
        };
        crate::common::eprint_line(&format!(
            "error: view `{}`: cannot write `{}`: {e}",
            v.id,
            path.display()
        ));
        failed.push(v.id.clone());
    }
    Ok(())
}

/// Whether `render --all` syncs its files (together, once per batch) before renaming
/// them into place.
const DURABLE_VIEWS: bool = true;

/// The longest file name written for a view, in bytes: file systems allow 255, and the
/// atomic writer's temporary file adds 27 (`.NAME.ecograph-tmp-RANDOM`).
const MAX_FILE_NAME: usize = 200;

/// `<view-id>.<ext>`, or, for an id too long for a file name, the id's first 150 bytes,
/// `~` and a hash of the whole id (FNV-1a, 64 bits): the same id always gets the same
/// name, and two long ids with the same beginning get different ones. View ids are
/// ASCII (letters, digits, `_ . : -`), so any byte is a character boundary.
pub(crate) fn view_file_name(id: &str, ext: &str) -> String {
    if id.len() + 1 + ext.len() <= MAX_FILE_NAME {
        return format!("{id}.{ext}");
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut cut = 150;
    while !id.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}~{hash:016x}.{ext}", &id[..cut])
}

fn is_dir_target(p: &Path) -> bool {
    p.is_dir() || p.as_os_str().to_string_lossy().ends_with('/')
}

fn draw(model: &Model, view: &View, format: Format, options: &Options) -> Result<String, String> {
    Diagram::new(model, view, options)
        .and_then(|d| d.to_format(format))
        .map_err(|e| match e {
            // The library names no flag; the command line says which one.
            ecograph_render::Error::TooManyNodes { .. } => {
                format!("{e}\nhelp: the node limit is --max-nodes")
            }
            e => e.to_string(),
        })
}

fn adhoc_view(model: &Model, args: &Args) -> Result<View, Fail> {
    let mut id = String::from("adhoc");
    let mut view = View::new("adhoc");
    let relations = args
        .relations
        .iter()
        .map(|r| {
            r.parse::<RelationKind>().map_err(|_| {
                Fail::usage(format!(
                    "unknown relation kind `{r}`{}",
                    hint(r, RelationKind::names())
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(around) = &args.around {
        if model.element(around).is_none() {
            let h = ecograph_core::suggest::element(model, around)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Fail::usage(format!("unknown element `{around}`{h}")));
        }
        view.include.push(Selector::Around {
            id: around.clone(),
            depth: args.depth,
            relations: relations.clone(),
        });
        id = format!("around-{around}");
    }
    for k in &args.kind {
        let kind = k.parse::<ElementKind>().map_err(|_| {
            Fail::usage(format!(
                "unknown element kind `{k}`{}",
                hint(k, ElementKind::names())
            ))
        })?;
        view.include.push(Selector::Kind(kind));
    }
    for t in &args.tag {
        view.include.push(Selector::Tag(t.clone()));
    }
    if !relations.is_empty() {
        view.relations = Some(relations);
    }
    if let Some(d) = args.direction {
        view.direction = match d {
            Dir::Tb => LayoutDirection::TopToBottom,
            Dir::Lr => LayoutDirection::LeftToRight,
        };
    }
    view.id = id;
    Ok(view)
}

fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    ecograph_core::suggest::closest(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// Reads the JSON of `ecograph impact` (`changes` and `affected`) or `ecograph diff`
/// (elements `added`, `removed`, `modified`) into marks on `model`'s elements.
fn read_highlight(model: &Model, path: &str) -> Result<Highlight, Fail> {
    let src = read_source(path)?;
    let json: serde_json::Value = serde_json::from_str(&src)
        .map_err(|e| Fail::usage(format!("`{path}` is not JSON: {e}")))?;
    highlight_from_json(model, &json).map_err(|msg| Fail::usage(format!("`{path}`: {msg}")))
}

/// The element id an entry names: a string, or an object's `element` or `id`.
fn entry_id(v: &serde_json::Value) -> Option<&str> {
    v.as_str()
        .or_else(|| {
            v.get("element")
                .and_then(|e| e.as_str().or_else(|| e.get("id")?.as_str()))
        })
        .or_else(|| v.get("id").and_then(serde_json::Value::as_str))
}

/// An entry's confidence: `certain` or `potential`, or a number from 0 to 1 (certain
/// from 0.5 up); certain when absent.
fn confidence(v: &serde_json::Value) -> Result<Confidence, String> {
    match v.get("confidence") {
        Some(serde_json::Value::Number(n)) => Ok(if n.as_f64().unwrap_or(1.0) >= 0.5 {
            Confidence::Certain
        } else {
            Confidence::Potential
        }),
        Some(serde_json::Value::String(s)) => s
            .parse::<Confidence>()
            .map_err(|e| format!("{e}{}", hint(s, Confidence::names()))),
        _ => Ok(Confidence::Certain),
    }
}

/// Marks the element `id` through the render crate, which names an unknown id with a
/// suggestion. A removed element may be absent: it names the old model's element.
fn mark(h: &mut Highlight, model: &Model, id: &str, mark: Mark) -> Result<(), String> {
    if mark == Mark::Removed && model.element(id).is_none() {
        return Ok(());
    }
    h.mark(model, id, mark)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub(crate) fn highlight_from_json(
    model: &Model,
    json: &serde_json::Value,
) -> Result<Highlight, String> {
    let mut h = Highlight::new();
    let mut recognised = false;
    if let Some(changes) = json.get("changes").and_then(serde_json::Value::as_array) {
        recognised = true;
        for c in changes {
            if let Some(id) = entry_id(c) {
                let kind = match c.get("change").and_then(serde_json::Value::as_str) {
                    Some(k) => k.parse::<ChangeKind>().map_err(|e| e.to_string())?,
                    None => ChangeKind::Modified,
                };
                mark(&mut h, model, id, Mark::of_change(kind))?;
            }
        }
    }
    if let Some(affected) = json.get("affected").and_then(serde_json::Value::as_array) {
        recognised = true;
        for a in affected {
            if let Some(id) = entry_id(a) {
                let confidence = confidence(a)?;
                mark(&mut h, model, id, Mark::Affected { confidence })?;
            }
        }
    }
    // A diff: `elements.{added,removed,modified}` or the same lists at the top level.
    let diff = json
        .get("elements")
        .filter(|e| e.is_object())
        .unwrap_or(json);
    for (key, m) in [
        ("added", Mark::Added),
        ("removed", Mark::Removed),
        ("modified", Mark::Modified),
    ] {
        if let Some(list) = diff.get(key).and_then(serde_json::Value::as_array) {
            recognised = true;
            for e in list {
                if let Some(id) = entry_id(e) {
                    mark(&mut h, model, id, m)?;
                }
            }
        }
    }
    if recognised {
        Ok(h)
    } else {
        Err("neither the output of `ecograph impact` (`changes`, `affected`) nor of `ecograph diff` (`added`, `removed`, `modified`)".into())
    }
}
