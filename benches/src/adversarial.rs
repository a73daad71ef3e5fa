//! Generators of adversarial model shapes: the deep, long, wide and dense inputs that once
//! crashed ecograph or made a command super-linear (issue #10). Each shape is written for
//! a size `n` straight to a writer, so 1M-element files never sit in memory; the
//! `adversarial` binary runs every command on them under a time and memory limit.
//!
//! ```
//! use ecograph_benches::adversarial::Shape;
//!
//! let mut out = Vec::new();
//! Shape::FlowChain.write(5, &mut out)?;
//! let model = ecograph_core::Model::from_json_str(std::str::from_utf8(&out)?)?;
//! assert_eq!(model.element_count(), 5);
//! assert_eq!(Shape::FlowChain.ids(5).to, "s4");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Write};

/// One adversarial shape; `n` is its size (elements, nesting depth, properties…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// `[[[…]]]` nested `n` deep at the top level (invalid).
    DeepTop,
    /// An element whose `name` is an array nested `n` deep (invalid).
    DeepName,
    /// `n` tasks in one `depends_on` cycle (invalid).
    DependsCycle,
    /// A `depends_on` chain of `n` tasks whose last two depend on each other (invalid).
    ChainIntoCycle,
    /// `n` dated tasks, each depending on the one before.
    DependsChain,
    /// `n` groups, each the parent of the next.
    GroupChain,
    /// `n` dated tasks, each the parent of the next.
    TaskChain,
    /// `n` groups, each with its parent among the previous three.
    RecentParentTree,
    /// `n` systems, each flowing to the next.
    FlowChain,
    /// A ring of 500 flowing systems and one system whose id is `n` bytes long.
    LongId,
    /// One system with `n` properties.
    WideProperties,
    /// One system with `n` tags.
    WideTags,
    /// `n` views of one element each.
    ManyViews,
    /// `n` systems in a flow chain and `n` views, each of one of them: views × elements
    /// grows with `n²` (per-view work over the whole model shows here, not in
    /// `many-views`, whose model has two systems).
    ViewsEach,
    /// `n` isolated systems (one warning each) on one line, without any whitespace.
    Minified,
    /// `k` systems with a flow from each to every other, `k(k-1) ≈ n`, and one view of
    /// all of them.
    DenseView,
    /// A chain of 10 dated tasks; `n` is how many times the command line repeats
    /// `--delay t1=99999y` (not a model dimension).
    RepeatedDelays,
    /// A model in `n` languages: one system named in all of them, one only in the
    /// first (a warning that lists the missing ones).
    ManyLanguages,
}

/// Ids of a generated model that the commands name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ids {
    /// The first element, where a change starts (`impact --modified`, `why --from`).
    pub from: String,
    /// An element far from `from` (`why --to`), and the one `show` shows.
    pub to: String,
    /// A task for `schedule --task` (the last of a chain), or `to`.
    pub task: String,
    /// A view to render.
    pub view: String,
}

impl Shape {
    /// Every shape, in the order the benchmark table lists them.
    pub const ALL: [Shape; 18] = [
        Shape::DeepTop,
        Shape::DeepName,
        Shape::DependsCycle,
        Shape::ChainIntoCycle,
        Shape::DependsChain,
        Shape::GroupChain,
        Shape::TaskChain,
        Shape::RecentParentTree,
        Shape::FlowChain,
        Shape::LongId,
        Shape::WideProperties,
        Shape::WideTags,
        Shape::ManyViews,
        Shape::ViewsEach,
        Shape::Minified,
        Shape::DenseView,
        Shape::RepeatedDelays,
        Shape::ManyLanguages,
    ];

    /// The shape's name in tables and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Shape::DeepTop => "deep-json",
            Shape::DeepName => "deep-name",
            Shape::DependsCycle => "depends-cycle",
            Shape::ChainIntoCycle => "chain-into-cycle",
            Shape::DependsChain => "depends-chain",
            Shape::GroupChain => "group-chain",
            Shape::TaskChain => "task-chain",
            Shape::RecentParentTree => "tree-3-recent",
            Shape::FlowChain => "flow-chain",
            Shape::LongId => "long-id",
            Shape::WideProperties => "wide-properties",
            Shape::WideTags => "wide-tags",
            Shape::ManyViews => "many-views",
            Shape::ViewsEach => "views-each",
            Shape::Minified => "minified",
            Shape::DenseView => "dense-view",
            Shape::RepeatedDelays => "repeated-delays",
            Shape::ManyLanguages => "many-languages",
        }
    }

    /// The shape with this name.
    pub fn from_name(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The ids the commands name in the model of size `n`.
    pub fn ids(self, n: usize) -> Ids {
        let last = n.saturating_sub(1);
        let ids = |from: String, to: String, task: Option<String>, view: &str| Ids {
            task: task.unwrap_or_else(|| to.clone()),
            from,
            to,
            view: view.to_owned(),
        };
        match self {
            Shape::DeepTop | Shape::DeepName => ids("a".into(), "a".into(), None, "overview"),
            Shape::DependsCycle
            | Shape::ChainIntoCycle
            | Shape::DependsChain
            | Shape::TaskChain => ids("t0".into(), format!("t{last}"), None, "overview"),
            Shape::GroupChain | Shape::RecentParentTree => {
                ids("g0".into(), format!("g{last}"), None, "overview")
            }
            Shape::FlowChain => ids("s0".into(), format!("s{last}"), None, "overview"),
            Shape::LongId => ids("s0".into(), "s32".into(), None, "overview"),
            Shape::WideProperties | Shape::WideTags | Shape::ManyLanguages => {
                ids("s0".into(), "s1".into(), None, "overview")
            }
            Shape::ManyViews => ids("s0".into(), "s1".into(), None, "v0"),
            Shape::ViewsEach => ids("s0".into(), format!("s{last}"), None, "v0"),
            Shape::Minified => ids("s0".into(), format!("s{last}"), None, "overview"),
            Shape::DenseView => ids("s0".into(), "s1".into(), None, "dense"),
            Shape::RepeatedDelays => ids("t0".into(), "t9".into(), None, "overview"),
        }
    }

    /// Systems a dense view of about `n` edges has.
    pub fn dense_nodes(n: usize) -> usize {
        let mut k = 2;
        while k * (k - 1) < n {
            k += 1;
        }
        k
    }

    /// Writes the model of size `n`. With `variant`, one name differs (the other side
    /// of a `diff`).
    ///
    /// # Errors
    /// The writer's.
    pub fn write_model(self, n: usize, variant: bool, w: &mut impl Write) -> io::Result<()> {
        let name = if variant { "changed" } else { "x" };
        match self {
            Shape::DeepTop => {
                write_repeated(w, b"[", n)?;
                write_repeated(w, b"]", n)
            }
            Shape::DeepName => {
                write!(
                    w,
                    "{{\"ecograph\":1,\"elements\":[{{\"id\":\"a\",\"kind\":\"system\",\"name\":"
                )?;
                write_repeated(w, b"[", n)?;
                write_repeated(w, b"]", n)?;
                writeln!(w, "}}]}}")
            }
            Shape::DependsCycle | Shape::ChainIntoCycle | Shape::DependsChain => {
                head(w)?;
                lines(w, n, |w, i| {
                    write!(
                        w,
                        "{{\"id\":\"t{i}\",\"kind\":\"task\",\"name\":\"{name} {i}\",\"start\":\"2024-01\",\"end\":\"2024-02\"}}"
                    )
                })?;
                write!(w, "],\"relations\":[")?;
                lines(w, n.saturating_sub(1), |w, i| {
                    write!(
                        w,
                        "{{\"kind\":\"depends_on\",\"from\":\"t{}\",\"to\":\"t{i}\"}}",
                        i + 1
                    )
                })?;
                match self {
                    Shape::DependsCycle => writeln!(
                        w,
                        ",{{\"kind\":\"depends_on\",\"from\":\"t0\",\"to\":\"t{}\"}}",
                        n - 1
                    )?,
                    Shape::ChainIntoCycle => writeln!(
                        w,
                        ",{{\"kind\":\"depends_on\",\"from\":\"t{}\",\"to\":\"t{}\"}}",
                        n - 2,
                        n - 1
                    )?,
                    _ => {}
                }
                tail(w)
            }
            Shape::GroupChain | Shape::RecentParentTree | Shape::TaskChain => {
                head(w)?;
                let (prefix, kind, extra) = match self {
                    Shape::TaskChain => ("t", "task", ",\"start\":\"2024-01\",\"end\":\"2024-02\""),
                    _ => ("g", "group", ""),
                };
                lines(w, n, |w, i| {
                    write!(
                        w,
                        "{{\"id\":\"{prefix}{i}\",\"kind\":\"{kind}\",\"name\":\"{name} {i}\"{extra}"
                    )?;
                    if i > 0 {
                        let parent = if self == Shape::RecentParentTree {
                            (i - 1).saturating_sub(i % 3)
                        } else {
                            i - 1
                        };
                        write!(w, ",\"parent\":\"{prefix}{parent}\"")?;
                    }
                    write!(w, "}}")
                })?;
                tail(w)
            }
            Shape::FlowChain => {
                systems(w, n, name)?;
                write!(w, "],\"relations\":[")?;
                flow_chain(w, n)?;
                tail(w)
            }
            Shape::LongId => {
                systems(w, 500, name)?;
                write!(w, ",{{\"id\":\"")?;
                write_repeated(w, b"x", n)?;
                writeln!(
                    w,
                    "\",\"kind\":\"system\",\"name\":\"long\"}}],\"relations\":["
                )?;
                for i in 0..500 {
                    let comma = if i > 0 { "," } else { "" };
                    writeln!(
                        w,
                        "{comma}{{\"kind\":\"flow\",\"from\":\"s{i}\",\"to\":\"s{}\"}}",
                        (i + 1) % 500
                    )?;
                }
                tail(w)
            }
            Shape::WideProperties | Shape::WideTags => {
                head(w)?;
                write!(
                    w,
                    "{{\"id\":\"s0\",\"kind\":\"system\",\"name\":\"{name}\","
                )?;
                if self == Shape::WideProperties {
                    write!(w, "\"properties\":{{")?;
                    lines(w, n, |w, i| write!(w, "\"p{i}\":\"v{i}\""))?;
                    write!(w, "}}")?;
                } else {
                    write!(w, "\"tags\":[")?;
                    lines(w, n, |w, i| write!(w, "\"t{i}\""))?;
                    write!(w, "]")?;
                }
                writeln!(
                    w,
                    "}},{{\"id\":\"s1\",\"kind\":\"system\",\"name\":\"s1\"}}],"
                )?;
                writeln!(
                    w,
                    "\"relations\":[{{\"kind\":\"flow\",\"from\":\"s0\",\"to\":\"s1\"}}"
                )?;
                tail(w)
            }
            Shape::ManyLanguages => {
                write!(w, "{{\"ecograph\":1,\"languages\":[")?;
                lines(w, n, |w, i| write!(w, "\"l{i}\""))?;
                write!(
                    w,
                    "],\"elements\":[{{\"id\":\"s0\",\"kind\":\"system\",\"name\":{{"
                )?;
                lines(w, n, |w, i| write!(w, "\"l{i}\":\"{name} {i}\""))?;
                writeln!(
                    w,
                    "}}}},{{\"id\":\"s1\",\"kind\":\"system\",\"name\":{{\"l0\":\"s1\"}}}}],"
                )?;
                writeln!(
                    w,
                    "\"relations\":[{{\"kind\":\"flow\",\"from\":\"s0\",\"to\":\"s1\"}}"
                )?;
                tail(w)
            }
            Shape::ManyViews => {
                systems(w, 2, name)?;
                writeln!(
                    w,
                    "],\"relations\":[{{\"kind\":\"flow\",\"from\":\"s0\",\"to\":\"s1\"}}],\"views\":["
                )?;
                lines(w, n, |w, i| {
                    write!(
                        w,
                        "{{\"id\":\"v{i}\",\"include\":[{{\"id\":\"s{}\"}}]}}",
                        i % 2
                    )
                })?;
                writeln!(w, "]}}")
            }
            Shape::ViewsEach => {
                systems(w, n, name)?;
                write!(w, "],\"relations\":[")?;
                flow_chain(w, n)?;
                writeln!(w, "],\"views\":[")?;
                lines(w, n, |w, i| {
                    write!(w, "{{\"id\":\"v{i}\",\"include\":[{{\"id\":\"s{i}\"}}]}}")
                })?;
                writeln!(w, "]}}")
            }
            Shape::Minified => {
                write!(w, "{{\"ecograph\":1,\"elements\":[")?;
                for i in 0..n {
                    let comma = if i > 0 { "," } else { "" };
                    write!(
                        w,
                        "{comma}{{\"id\":\"s{i}\",\"kind\":\"system\",\"name\":\"{name}{i}\"}}"
                    )?;
                }
                write!(w, "]}}")
            }
            Shape::DenseView => {
                let k = Shape::dense_nodes(n);
                systems(w, k, name)?;
                write!(w, "],\"relations\":[")?;
                let mut first = true;
                for i in 0..k {
                    for j in 0..k {
                        if i != j {
                            let comma = if first { "" } else { "," };
                            first = false;
                            writeln!(
                                w,
                                "{comma}{{\"kind\":\"flow\",\"from\":\"s{i}\",\"to\":\"s{j}\"}}"
                            )?;
                        }
                    }
                }
                writeln!(
                    w,
                    "],\"views\":[{{\"id\":\"dense\",\"include\":[{{\"kind\":\"system\"}}]}}]}}"
                )
            }
            Shape::RepeatedDelays => Shape::DependsChain.write_model(10, variant, w),
        }
    }

    /// Writes the model of size `n` (see [`Shape::write_model`]).
    ///
    /// # Errors
    /// The writer's.
    pub fn write(self, n: usize, w: &mut impl Write) -> io::Result<()> {
        self.write_model(n, false, w)
    }

    /// Extra command-line arguments every command on this shape takes: the dense view
    /// raises `--max-nodes` so that it is drawn, not refused.
    pub fn extra_args(self, n: usize) -> Vec<String> {
        match self {
            Shape::DenseView => vec![
                "--max-nodes".into(),
                (Shape::dense_nodes(n) + 10).to_string(),
            ],
            _ => Vec::new(),
        }
    }
}

fn head(w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "{{\"ecograph\":1,\"elements\":[")
}

fn tail(w: &mut impl Write) -> io::Result<()> {
    writeln!(w, "]}}")
}

/// The head of a model and `n` systems `s0…`, leaving the element list open.
fn systems(w: &mut impl Write, n: usize, name: &str) -> io::Result<()> {
    head(w)?;
    lines(w, n, |w, i| {
        write!(
            w,
            "{{\"id\":\"s{i}\",\"kind\":\"system\",\"name\":\"{name} {i}\"}}"
        )
    })
}

/// The flows `s0 -> s1 -> ... -> s{n-1}`, as relations separated by commas.
fn flow_chain<W: Write>(w: &mut W, n: usize) -> io::Result<()> {
    lines(w, n.saturating_sub(1), |w, i| {
        write!(
            w,
            "{{\"kind\":\"flow\",\"from\":\"s{i}\",\"to\":\"s{}\"}}",
            i + 1
        )
    })
}

/// Items `0..n`, each written by `item` on a line of its own after a comma (but the
/// first).
fn lines<W: Write>(
    w: &mut W,
    n: usize,
    item: impl Fn(&mut W, usize) -> io::Result<()>,
) -> io::Result<()> {
    for i in 0..n {
        if i > 0 {
            w.write_all(b",")?;
        }
        item(w, i)?;
        writeln!(w)?;
    }
    Ok(())
}

fn write_repeated(w: &mut impl Write, chunk: &[u8], n: usize) -> io::Result<()> {
    let block = chunk.repeat(4096);
    let mut left = n;
    while left > 0 {
        let k = left.min(4096);
        w.write_all(&block[..k * chunk.len()])?;
        left -= k;
    }
    Ok(())
}
