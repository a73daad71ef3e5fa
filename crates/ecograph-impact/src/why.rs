//! Explaining one pair: why a change to one element affects another, or why it does not.

use crate::analyze::run;
use crate::change::{Change, ChangeKind, ChangeSet};
use crate::graph::{NONE, decode};
use crate::impact::{Hop, Impact};
use crate::report::{arrow, element_json, element_text, hop_json};
use crate::resolve::Target;
use crate::rules::{Confidence, Options, Rule};
use crate::search::Search;
use crate::{Error, graph};
use ecograph_core::time::DurationUnit;
use ecograph_core::{Duration, Element, Model};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// At most this many shortest witness paths are listed.
pub const MAX_PATHS: usize = 100;

/// Why impact stops on a chain of relations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Block {
    /// No rule lets a change of this kind through this link in this direction.
    NoRule {
        /// The change at the step's start.
        change: ChangeKind,
    },
    /// The options follow only other links, or skip this one.
    Filtered,
    /// Only a potential rule applies, and only certain impact is followed.
    CertainOnly,
    /// The step's start is a stop element of the options.
    StopAt,
    /// The chain is longer than the depth limit of the options.
    Depth(usize),
}

/// The answer to "why does a change to `from` affect `to`?".
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Outcome<'m> {
    /// `to` is affected: every shortest witness path of its best confidence (at most
    /// [`MAX_PATHS`]; `truncated` says whether there are more), each hop with its rule.
    Affected {
        /// The best confidence.
        confidence: Confidence,
        /// The length of the paths.
        distance: usize,
        /// The paths.
        paths: Vec<Vec<Hop<'m>>>,
        /// Whether more paths exist than are listed.
        truncated: bool,
    },
    /// `from` and `to` are the same element.
    Same,
    /// No chain of relations, in any direction, joins them.
    NotConnected,
    /// A shortest chain of relations joins them, but impact stops at step `at`.
    Blocked {
        /// The chain, ignoring the rules.
        chain: Vec<Hop<'m>>,
        /// The index of the step where impact stops.
        at: usize,
        /// Why.
        reason: Block,
    },
}

/// An explanation for one pair of elements.
#[derive(Debug, Clone)]
pub struct Explanation<'m> {
    /// The changed element.
    pub from: Element<'m>,
    /// The element asked about.
    pub to: Element<'m>,
    /// How `from` changed.
    pub change: ChangeKind,
    /// The answer.
    pub outcome: Outcome<'m>,
    lang: Option<String>,
}

/// Explains whether and how a `change` to element `from` affects element `to` under
/// `options`: every shortest witness path with the rule that fired at each hop, or the
/// first step of a shortest chain of relations where impact stops and why.
///
/// ```
/// use ecograph_core::Model;
/// use ecograph_impact::{ChangeKind, Options, Outcome, why};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let model = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
///                 { "id": "match", "kind": "process", "name": "Matching" } ],
///   "relations": [ { "kind": "uses", "from": "match", "to": "tmt" } ] }"#)?;
/// let e = why(&model, "tmt", "match", ChangeKind::Removed, &Options::new())?;
/// assert!(matches!(e.outcome, Outcome::Affected { distance: 1, .. }));
/// let e = why(&model, "match", "tmt", ChangeKind::Modified, &Options::new())?;
/// assert!(e.to_text().contains("no rule passes a `modified` change forward along `uses`"));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::UnknownElement`] with a suggestion when an id is not in the model, and the
/// errors of [`crate::analyze`].
pub fn why<'m>(
    model: &'m Model,
    from: &str,
    to: &str,
    change: ChangeKind,
    options: &Options,
) -> Result<Explanation<'m>, Error> {
    let lookup = |id: &str| {
        model.element(id).ok_or_else(|| Error::UnknownElement {
            id: id.to_owned(),
            context: "the model",
            suggestion: ecograph_core::suggest::element(model, id).map(str::to_owned),
        })
    };
    let (f, t) = (lookup(from)?, lookup(to)?);
    let c = match change {
        ChangeKind::Delayed => Change::delayed(from, Duration::new(0, DurationUnit::Days)),
        ChangeKind::Removed => Change::removed(from),
        ChangeKind::Added => Change::added(from),
        _ => Change::modified(from),
    };
    let snapshot = crate::Snapshot::new(model);
    let changes = ChangeSet::from_iter([c]);
    let impact = run(snapshot.clone(), changes.clone(), options)?;
    let outcome = if f == t {
        Outcome::Same
    } else if let Some(a) = impact.get(to) {
        let (paths, truncated) = all_paths(
            &impact,
            a.confidence(),
            t.index() as u32,
            a.distance() as u32,
        );
        Outcome::Affected {
            confidence: a.confidence(),
            distance: a.distance(),
            paths,
            truncated,
        }
    } else if let Some(limited) = limited(&snapshot, &changes, options, to)? {
        limited
    } else {
        blocked(&impact, f.index() as u32, t.index() as u32, change)
    };
    Ok(Explanation {
        from: f,
        to: t,
        change,
        outcome,
        lang: options.lang.clone(),
    })
}

/// Every shortest path to `node` at `dist` in the search of `confidence`, by walking the
/// breadth-first layers back to the change.
fn all_paths<'m>(
    impact: &Impact<'m>,
    confidence: Confidence,
    node: u32,
    dist: u32,
) -> (Vec<Vec<Hop<'m>>>, bool) {
    let seed = impact.resolved[0];
    let w = Walker {
        impact,
        search: impact.search(confidence),
        seed_node: match seed.target {
            Target::Node(v) => v,
            Target::Rel(_) => NONE,
        },
        seed_mode: seed.kind.index(),
    };
    let mut paths = Vec::new();
    let mut truncated = false;
    for m in 0..2u32 {
        let s = 2 * node + m;
        if w.search.dist(s) == dist && !truncated {
            truncated = w.walk(Some(s), node, dist, &mut paths);
        }
    }
    (paths, truncated)
}

/// Walks the breadth-first layers back from a state to the change.
struct Walker<'i, 'm> {
    impact: &'i Impact<'m>,
    search: &'i Search,
    seed_node: u32,
    seed_mode: usize,
}

/// One state on the way back: the hops that lead into it from distance `d - 1`, each
/// with the state and node it leaves, and the next one to try.
struct Frame<'m> {
    hops: Vec<(Hop<'m>, Option<u32>, u32)>,
    next: usize,
    d: u32,
}

impl<'m> Walker<'_, 'm> {
    /// The hops into `node` (in the state of `state`'s mode) from states at distance
    /// `d - 1`, in neighbour order.
    fn into(&self, state: Option<u32>, node: u32, d: u32) -> Vec<(Hop<'m>, Option<u32>, u32)> {
        let (impact, search) = (self.impact, self.search);
        let target_mode = state.map(|s| s % 2);
        let mut neighbours: Vec<u32> = impact.snap.csr.of(node).map(|e| e.to).collect();
        neighbours.sort_unstable();
        neighbours.dedup();
        let mut out = Vec::new();
        for w in neighbours {
            // The modes `w` could pass impact on with at distance d - 1.
            let mut modes: Vec<(usize, Option<u32>)> = Vec::new();
            for m in 0..2u32 {
                let s = 2 * w + m;
                if search.dist(s) == d - 1 && (d == 1 || !impact.is_stop(w)) {
                    modes.push((m as usize, Some(s)));
                }
            }
            if d == 1 && w == self.seed_node && self.seed_mode >= 2 {
                modes.push((self.seed_mode, None));
            }
            for (mode, from_state) in modes {
                for ei in impact.snap.csr.range(w) {
                    let e = impact.snap.csr.edge(ei);
                    let t = search.table[mode][e.code as usize];
                    if e.to != node || t == u8::MAX || Some(u32::from(t)) != target_mode {
                        continue;
                    }
                    out.push((impact.hop(ei as u32, mode as u8), from_state, w));
                }
            }
        }
        out
    }

    /// Adds to `paths` the paths from the change to `state` (of `node`, at distance `d`),
    /// depth first with an explicit stack (paths can be a million hops long); returns
    /// whether there were more than [`MAX_PATHS`].
    fn walk(&self, state: Option<u32>, node: u32, d: u32, paths: &mut Vec<Vec<Hop<'m>>>) -> bool {
        let mut stack: Vec<Hop<'m>> = Vec::new();
        let mut frames = vec![Frame {
            hops: if d == 0 {
                Vec::new()
            } else {
                self.into(state, node, d)
            },
            next: 0,
            d,
        }];
        while let Some(f) = frames.last_mut() {
            if f.d == 0 {
                if paths.len() >= MAX_PATHS {
                    return true;
                }
                paths.push(stack.iter().rev().copied().collect());
                frames.pop();
                stack.pop();
                continue;
            }
            let Some(&(hop, from_state, w)) = f.hops.get(f.next) else {
                frames.pop();
                stack.pop();
                continue;
            };
            f.next += 1;
            let d = f.d - 1;
            stack.push(hop);
            frames.push(Frame {
                hops: if d == 0 {
                    Vec::new()
                } else {
                    self.into(from_state, w, d)
                },
                next: 0,
                d,
            });
        }
        false
    }
}

/// When `to` is affected without the depth limit and the stop elements of `options`: the
/// witness path it would have, blocked at the first stop element on it, else at the step
/// past the depth limit. `None` when the limits are not what keeps `to` unaffected.
fn limited<'m>(
    snapshot: &crate::Snapshot<'m>,
    changes: &ChangeSet,
    options: &Options,
    to: &str,
) -> Result<Option<Outcome<'m>>, Error> {
    if options.depth.is_none() && options.stop_at.is_empty() {
        return Ok(None);
    }
    let mut free = options.clone();
    free.depth = None;
    free.stop_at.clear();
    let impact = run(snapshot.clone(), changes.clone(), &free)?;
    let Some(a) = impact.get(to) else {
        return Ok(None);
    };
    let chain = a.path();
    let stops = crate::resolve::stops(&impact.snap.universe, &options.stop_at)?;
    let is_stop = |h: &Hop<'_>| stops.get(h.from.index()).copied().unwrap_or(false);
    let (at, reason) = match chain.iter().skip(1).position(is_stop) {
        Some(i) => (i + 1, Block::StopAt),
        None => match options.depth {
            Some(d) if d < chain.len() => (d, Block::Depth(d)),
            _ => return Ok(None),
        },
    };
    let mut chain = chain;
    for h in &mut chain[at..] {
        h.rule = None;
    }
    Ok(Some(Outcome::Blocked { chain, at, reason }))
}

/// The first step of a shortest chain from `from` to `to` (any link, either way) where
/// impact stops.
fn blocked<'m>(impact: &Impact<'m>, from: u32, to: u32, change: ChangeKind) -> Outcome<'m> {
    let csr = &impact.snap.csr;
    let n = csr.start.len() - 1;
    let mut pred = vec![NONE; n];
    let mut seen = vec![false; n];
    seen[from as usize] = true;
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(v) = queue.pop_front() {
        if v == to {
            break;
        }
        for ei in csr.range(v) {
            let w = csr.to(ei);
            if !seen[w as usize] {
                seen[w as usize] = true;
                pred[w as usize] = ei as u32;
                queue.push_back(w);
            }
        }
    }
    if !seen[to as usize] {
        return Outcome::NotConnected;
    }
    let mut edges = Vec::new();
    let mut at = to;
    while at != from {
        let ei = pred[at as usize];
        edges.push(ei);
        at = csr.source(ei as usize);
    }
    edges.reverse();
    let mut chain: Vec<Hop<'m>> = edges
        .iter()
        .map(|&ei| {
            let e = csr.edge(ei as usize);
            let (link, direction) = decode(e.code);
            Hop {
                from: impact.snap.universe.element(csr.source(ei as usize)),
                to: impact.snap.universe.element(e.to),
                relation: (e.rel != graph::NONE).then(|| impact.snap.universe.relation(e.rel)),
                link,
                direction,
                rule: None,
            }
        })
        .collect();
    let opts = &impact.options;
    let mut mode = change;
    for i in 0..chain.len() {
        let s = chain[i];
        let reason = if i > 0 && impact.is_stop(csr.source(edges[i] as usize)) {
            Some(Block::StopAt)
        } else if opts.depth.is_some_and(|d| i >= d) {
            Some(Block::Depth(opts.depth.unwrap_or(0)))
        } else {
            match opts.rules.get(mode, s.link, s.direction) {
                None => Some(Block::NoRule { change: mode }),
                Some(_) if !opts.follows(s.link) => Some(Block::Filtered),
                Some(r) if opts.certain_only && r.confidence == Confidence::Potential => {
                    Some(Block::CertainOnly)
                }
                Some(r) => {
                    mode = r.then.as_change();
                    chain[i].rule = Some(r);
                    None
                }
            }
        };
        if let Some(reason) = reason {
            return Outcome::Blocked {
                chain,
                at: i,
                reason,
            };
        }
    }
    // Every step has a rule, yet the chain passes a changed element, which passes on only
    // its own change; report the last step.
    let at = chain.len().saturating_sub(1);
    Outcome::Blocked {
        chain,
        at,
        reason: Block::NoRule { change: mode },
    }
}

fn rule_text(r: &Rule) -> String {
    format!(
        "rule: {} {} {}, {}",
        r.change,
        r.link,
        crate::rules::direction_str(r.direction),
        r.confidence
    )
}

impl Block {
    fn text(&self, s: &Hop<'_>) -> String {
        match self {
            Block::NoRule { change } => format!(
                "no rule passes a `{change}` change {} along `{}`",
                crate::rules::direction_str(s.direction),
                s.link
            ),
            Block::Filtered => format!("`{}` is not among the links followed", s.link),
            Block::CertainOnly => format!(
                "only a potential rule applies to `{}`, and only certain impact is followed",
                s.link
            ),
            Block::StopAt => format!("`{}` is a stop element: impact stops there", s.from.id()),
            Block::Depth(d) => format!("the chain is longer than the depth limit of {d}"),
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Block::NoRule { .. } => "no_rule",
            Block::Filtered => "filtered",
            Block::CertainOnly => "certain_only",
            Block::StopAt => "stop_at",
            Block::Depth(_) => "depth",
        }
    }
}

impl Explanation<'_> {
    /// The explanation as JSON: `from`, `to`, `change`, `affected` (bool), and either
    /// `confidence`, `distance`, `paths` (lists of hops as in the impact report) and
    /// `truncated`, or `reason` and, when a chain exists, `chain` and `blocked_at`.
    /// Names are in the language of the options of [`why`].
    pub fn to_json(&self) -> Value {
        let lang = self.lang.as_deref();
        let mut v = json!({
            "from": element_json(self.from, lang),
            "to": element_json(self.to, lang),
            "change": self.change.as_str(),
        });
        match &self.outcome {
            Outcome::Affected {
                confidence,
                distance,
                paths,
                truncated,
            } => {
                v["affected"] = json!(true);
                v["confidence"] = json!(confidence.as_str());
                v["distance"] = json!(distance);
                v["paths"] = Value::Array(
                    paths
                        .iter()
                        .map(|p| Value::Array(p.iter().map(hop_json).collect()))
                        .collect(),
                );
                v["truncated"] = json!(truncated);
            }
            Outcome::Same => {
                v["affected"] = json!(false);
                v["reason"] = json!({ "kind": "same", "message": "an element is not affected by its own change" });
            }
            Outcome::NotConnected => {
                v["affected"] = json!(false);
                v["reason"] = json!({ "kind": "not_connected", "message": "no chain of relations joins them" });
            }
            Outcome::Blocked { chain, at, reason } => {
                v["affected"] = json!(false);
                v["chain"] = Value::Array(
                    chain
                        .iter()
                        .map(|s| {
                            let mut h = json!({
                                "from": s.from.id().as_str(),
                                "relation": s.link.as_str(),
                                "direction": crate::rules::direction_str(s.direction),
                                "to": s.to.id().as_str(),
                            });
                            if let Some(id) = s.relation.and_then(|r| r.id()) {
                                h["relation_id"] = json!(id);
                            }
                            h
                        })
                        .collect(),
                );
                v["blocked_at"] = json!(at);
                let msg = chain.get(*at).map(|s| reason.text(s)).unwrap_or_default();
                v["reason"] = json!({ "kind": reason.name(), "message": msg });
            }
        }
        v
    }

    /// The explanation as text for people, names in the language of the options of
    /// [`why`].
    pub fn to_text(&self) -> String {
        let lang = self.lang.as_deref();
        let mut s = String::new();
        let (f, t) = (element_text(self.from, lang), element_text(self.to, lang));
        match &self.outcome {
            Outcome::Affected {
                confidence,
                distance,
                paths,
                truncated,
            } => {
                let _ = writeln!(
                    s,
                    "{} {f} affects {t}: {confidence}, distance {distance}, {} shortest path{}{}",
                    self.change,
                    paths.len(),
                    if paths.len() == 1 { "" } else { "s" },
                    if *truncated { " (more not shown)" } else { "" }
                );
                for (i, p) in paths.iter().enumerate() {
                    let _ = writeln!(s, "\npath {}:", i + 1);
                    let _ = writeln!(s, "  {}", element_text(self.from, lang));
                    for h in p {
                        let _ = writeln!(
                            s,
                            "  {} {}    [{}]",
                            arrow(h),
                            element_text(h.to, lang),
                            h.rule.map(|r| rule_text(&r)).unwrap_or_default()
                        );
                    }
                }
            }
            Outcome::Same => {
                let _ = writeln!(s, "{f} is the changed element itself");
            }
            Outcome::NotConnected => {
                let _ = writeln!(
                    s,
                    "{} {f} does not affect {t}: no chain of relations joins them",
                    self.change
                );
            }
            Outcome::Blocked { chain, at, reason } => {
                let msg = chain.get(*at).map(|st| reason.text(st)).unwrap_or_default();
                let _ = writeln!(s, "{} {f} does not affect {t}: {msg}", self.change);
                let _ = writeln!(s, "\na shortest chain of relations (ignoring the rules):");
                let _ = writeln!(s, "  {}", element_text(self.from, lang));
                for (i, st) in chain.iter().enumerate() {
                    let mark = if i == *at {
                        "    <- impact stops here"
                    } else {
                        ""
                    };
                    let _ = writeln!(s, "  {} {}{mark}", st.arrow(), element_text(st.to, lang));
                }
            }
        }
        s
    }
}

/// The explanation as in [`Explanation::to_json`].
impl serde::Serialize for Explanation<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}
