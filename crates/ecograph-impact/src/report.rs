//! The impact report: stable JSON for scripts, a tree for people.

use crate::change::{Change, Subject};
use crate::diff::relation_ref;
use crate::impact::{Affected, Hop, Impact};
use crate::resolve::Target;
use crate::rules::{Confidence, Effect, Link, MAX_PATH_HOPS, Paths};
use crate::ser::Seq;
use ecograph_core::{Element, ElementKind};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;

pub(crate) fn element_json(e: Element<'_>, lang: Option<&str>) -> Value {
    json!({ "id": e.id().as_str(), "kind": e.kind().as_str(), "name": e.name().resolve(lang) })
}

/// One hop as JSON: `from`, `relation` (a relation kind, `parent` or `data`),
/// `direction`, `to`, then the rule that fired (`change` at `from`, `confidence`),
/// `relation_id` when the relation has one and, for a `data` hop, the `flow`.
pub(crate) fn hop_json(h: &Hop<'_>) -> Value {
    let mut m = Map::new();
    m.insert("from".into(), json!(h.from.id().as_str()));
    m.insert("relation".into(), json!(h.link.as_str()));
    m.insert(
        "direction".into(),
        json!(crate::rules::direction_str(h.direction)),
    );
    m.insert("to".into(), json!(h.to.id().as_str()));
    if let Some(rule) = h.rule {
        m.insert("change".into(), json!(rule.change.as_str()));
        m.insert("confidence".into(), json!(rule.confidence.as_str()));
    }
    if let Some(r) = h.relation {
        if let Some(id) = r.id() {
            m.insert("relation_id".into(), json!(id));
        }
        if h.link == Link::Data {
            m.insert(
                "flow".into(),
                json!({ "from": r.from().id().as_str(), "to": r.to().id().as_str() }),
            );
        }
    }
    Value::Object(m)
}

pub(crate) fn arrow(h: &Hop<'_>) -> String {
    h.arrow()
}

pub(crate) fn element_text(e: Element<'_>, lang: Option<&str>) -> String {
    let name = ecograph_core::term::escape(e.name().resolve(lang));
    format!("{} `{}` {name}", e.kind(), e.id())
}

impl Impact<'_> {
    fn lang(&self) -> Option<&str> {
        self.options.lang.as_deref()
    }

    fn change_json(&self, i: usize, c: &Change) -> Value {
        let mut v = c.to_json();
        match self.resolved.get(i).map(|r| r.target) {
            Some(Target::Node(n)) => {
                let e = self.snap.universe.element(n);
                v["kind"] = json!(e.kind().as_str());
                v["name"] = json!(e.name().resolve(self.lang()));
            }
            // The relation as the model names it (by `id`, else kind, ends and data),
            // however the change named it.
            Some(Target::Rel(rel)) => {
                v["relation"] = relation_ref(self.snap.universe.relation(rel)).to_json();
            }
            None => {}
        }
        v
    }

    fn change_text(&self, i: usize, c: &Change) -> String {
        match (c.subject(), self.resolved.get(i).map(|r| r.target)) {
            (Subject::Element(_), Some(Target::Node(n))) => {
                let mut s = format!(
                    "{} {}",
                    c.kind(),
                    element_text(self.snap.universe.element(n), self.lang())
                );
                if let Some(d) = c.delay() {
                    let _ = write!(s, " by {d}");
                }
                s
            }
            (Subject::Relation(_), Some(Target::Rel(rel))) => format!(
                "{} relation {}",
                c.kind(),
                relation_ref(self.snap.universe.relation(rel))
            ),
            _ => c.to_string(),
        }
    }

    pub(crate) fn affected_json(&self, a: &Affected<'_, '_>) -> Value {
        let lang = self.lang();
        let mut v = element_json(a.element(), lang);
        v["distance"] = json!(a.distance());
        v["confidence"] = json!(a.confidence().as_str());
        v["effect"] = json!(a.effect().as_str());
        v["changes"] = json!(a.change_indices());
        v["via"] = a.via().map_or(Value::Null, |h| hop_json(&h));
        if self.options.paths == Paths::Full {
            let (hops, whole) = self.last_hops(a.entry.confidence, a.entry.pos, MAX_PATH_HOPS);
            v["path"] = Value::Array(hops.iter().map(hop_json).collect());
            if !whole {
                v["path_truncated"] = json!(true);
            }
        }
        v["owners"] = Value::Array(
            a.owners()
                .into_iter()
                .map(|o| element_json(o, lang))
                .collect(),
        );
        if let Some(d) = a.slip_days() {
            v["slip_days"] = json!(d);
        }
        v
    }

    /// The report as a JSON value (its [`Serialize`] form, documented in
    /// `docs/impact.md`). Write a large one with `serde_json::to_writer`, which streams
    /// it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The text section on what the delays do to the plan's dates.
    fn schedule_text(&self, out: &mut String) {
        let Some(s) = self.schedule() else {
            return;
        };
        let lang = self.lang();
        let report = match s {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(out, "\nschedule: the delays cannot be dated: {e}");
                return;
            }
        };
        let n =
            |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
        let _ = writeln!(
            out,
            "\nschedule: {} moved, {} absorbed, {} broken",
            report.moved().len(),
            report.absorbed().len(),
            n(report.breaches().len(), "deadline", "deadlines"),
        );
        let days = |d: i64| n(d.unsigned_abs() as usize, "day", "days");
        for m in report.moved() {
            let (what, old, new) = match (m.old_end, m.new_end) {
                (Some(o), Some(n)) if m.element.kind() == ElementKind::Deliverable => {
                    ("ready", Some(o), Some(n))
                }
                (Some(o), Some(n)) => ("end", Some(o), Some(n)),
                _ => ("start", m.old_start, m.new_start),
            };
            let date = |d: Option<ecograph_core::Date>| d.map_or("-".to_owned(), |d| d.to_string());
            let _ = writeln!(
                out,
                "  {}: {what} {} -> {} (+{})",
                element_text(m.element, lang),
                date(old),
                date(new),
                days(m.shift_days)
            );
        }
        for a in report.absorbed() {
            let _ = writeln!(
                out,
                "  `{}` absorbs {} of the {} `{}` pushes ({})",
                a.element.id(),
                a.absorbed_days,
                days(a.slip_days),
                a.by.id(),
                a.reason.as_str()
            );
        }
        for b in report.breaches() {
            let _ = writeln!(
                out,
                "  {} `{}` misses its deadline {}: now {} ({} late)",
                b.kind.as_str(),
                b.element.id(),
                b.deadline,
                b.new_end,
                days(b.late_days)
            );
        }
        // A late finish is already a broken deadline above: its line says it once.
        let finish_broken = report
            .breaches()
            .iter()
            .any(|b| b.kind == ecograph_schedule::BreachKind::Finish);
        if let Some((f, new)) = report.finish() {
            let late = f.date.days_until(new);
            if late <= 0 {
                let _ = writeln!(out, "  finish `{}` {} holds", f.task.id(), f.date);
            } else if !finish_broken {
                let _ = writeln!(
                    out,
                    "  finish `{}` {} -> {} ({} late)",
                    f.task.id(),
                    f.date,
                    new,
                    days(late)
                );
            }
        }
    }

    /// The report as a tree for people: one tree per change, each affected element under
    /// the element its witness path comes through, with its confidence, distance and
    /// owners. An element shown only as a step on another's path is marked `(via)`.
    pub fn to_text(&self) -> String {
        let lang = self.lang();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} change{}, {} affected ({} certain, {} potential)",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.len(),
            self.count(Confidence::Certain),
            self.count(Confidence::Potential)
        );
        // A trie of witness paths per change. Each state of a search gets its trie node
        // once (`memo`), so building the trie is linear in the states however long the
        // paths are.
        struct Node {
            line: String,
            children: Vec<usize>,
        }
        let mut nodes: Vec<Node> = Vec::new();
        let mut roots: Vec<usize> = Vec::new();
        for (i, c) in self.changes.iter().enumerate() {
            nodes.push(Node {
                line: self.change_text(i, c),
                children: Vec::new(),
            });
            roots.push(i);
        }
        let mut child: HashMap<(usize, String), usize> = HashMap::new();
        let mut memo: [HashMap<usize, usize>; 2] = [HashMap::new(), HashMap::new()];
        let mut pending: Vec<(usize, Option<Hop<'_>>)> = Vec::new();
        for a in self.affected() {
            let conf = a.confidence();
            let search = self.search(conf);
            let memo = &mut memo[usize::from(conf == Confidence::Potential)];
            // Back to a state whose node is known, or to the change.
            let mut at = a.entry.pos as usize;
            let mut node = loop {
                if let Some(&n) = memo.get(&at) {
                    break n;
                }
                let (hop, next) = self.step_back(search, at);
                pending.push((at, hop));
                match next {
                    Ok(p) => at = p,
                    Err(origin) => break origin,
                }
            };
            // Then forward, making the nodes of the hops not seen yet.
            while let Some((pos, hop)) = pending.pop() {
                if let Some(h) = hop {
                    let key = (
                        node,
                        format!(
                            "{}{}{}",
                            arrow(&h),
                            h.to.id(),
                            h.relation.map_or(usize::MAX, |r| r.index())
                        ),
                    );
                    node = match child.get(&key) {
                        Some(&n) => n,
                        None => {
                            nodes.push(Node {
                                line: format!("{} {} (via)", arrow(&h), element_text(h.to, lang)),
                                children: Vec::new(),
                            });
                            let n = nodes.len() - 1;
                            nodes[node].children.push(n);
                            child.insert(key, n);
                            n
                        }
                    };
                }
                memo.insert(pos, node);
            }
            if let Some(h) = a.via() {
                let gone = if a.effect() == Effect::Removed {
                    ", removed"
                } else {
                    ""
                };
                let mut line = format!(
                    "{} {}  [{}, {}{gone}]",
                    arrow(&h),
                    element_text(h.to, lang),
                    a.confidence(),
                    a.distance()
                );
                let owners = a.owners();
                if !owners.is_empty() {
                    let o: Vec<String> = owners.iter().map(|o| format!("`{}`", o.id())).collect();
                    let _ = write!(line, "  owners: {}", o.join(", "));
                }
                if let Some(d) = a.slip_days() {
                    let _ = write!(line, "  slips {d} days");
                }
                nodes[node].line = line;
            }
        }
        // Depth first with an explicit stack (a chain of 100,000 hops is a tree that
        // deep). Past `MAX_INDENT` levels the indentation stops growing, so that the text
        // stays linear in the tree; such lines start with their level in brackets.
        const MAX_INDENT: usize = 32;
        for &r in &roots {
            out.push('\n');
            let _ = writeln!(out, "{}", nodes[r].line);
            if nodes[r].children.is_empty() {
                out.push_str("    (nothing affected)\n");
            }
            // (node, its children's prefix, the next child to visit, depth)
            let mut stack: Vec<(usize, String, usize, usize)> = vec![(r, String::new(), 0, 0)];
            while let Some((n, prefix, i, depth)) = stack.last_mut() {
                let kids = &nodes[*n].children;
                let Some(&c) = kids.get(*i) else {
                    stack.pop();
                    continue;
                };
                *i += 1;
                let last = *i == kids.len();
                let deep = if *depth >= MAX_INDENT {
                    format!("[{}] ", *depth + 1)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "{prefix}{deep}{}{}",
                    if last { "└── " } else { "├── " },
                    nodes[c].line
                );
                let deeper = if *depth >= MAX_INDENT {
                    prefix.clone()
                } else {
                    format!("{prefix}{}", if last { "    " } else { "│   " })
                };
                let d = *depth + 1;
                stack.push((c, deeper, 0, d));
            }
        }
        self.schedule_text(&mut out);
        out
    }
}

/// The report (documented in `docs/impact.md`):
///
/// ```json
/// { "changes": [ { "change": "removed", "element": "tmt", "kind": "system", "name": "..." } ],
///   "summary": { "affected": 2, "certain": 1, "potential": 1 },
///   "affected": [ { "id": "...", "kind": "...", "name": "...", "distance": 1,
///                   "confidence": "certain", "effect": "modified", "changes": [0],
///                   "via": { "from": "tmt", "relation": "uses", "direction": "backward",
///                            "to": "...", "change": "removed", "confidence": "certain" },
///                   "owners": [ { "id": "...", "kind": "actor", "name": "..." } ] } ] }
/// ```
///
/// `changes` of an affected element are indices into the top-level `changes`; `via` is
/// the last hop of its witness path, and with [`Paths::Full`] `path` lists the path (at
/// most [`MAX_PATH_HOPS`] hops, the last ones; `path_truncated` is then `true`).
/// Affected elements are nearest first, then in file order, and are written one by one.
///
/// With `delayed` changes, `schedule` is what the delays do to the plan's dates (the
/// schedule crate's `DelayReport`: `delays`, `finish`, `moved`, `absorbed`, `breaches`,
/// as in `docs/schedule.md`), or `{ "error": "..." }` when the schedule analysis cannot
/// apply them; affected tasks and deliverables that move carry `slip_days`.
impl Serialize for Impact<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry(
            "changes",
            &Seq(|| {
                self.changes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.change_json(i, c))
            }),
        )?;
        m.serialize_entry(
            "summary",
            &json!({
                "affected": self.len(),
                "certain": self.count(Confidence::Certain),
                "potential": self.count(Confidence::Potential),
            }),
        )?;
        m.serialize_entry("affected", &Seq(|| self.affected()))?;
        match self.schedule() {
            Some(Ok(report)) => m.serialize_entry("schedule", report)?,
            Some(Err(e)) => m.serialize_entry("schedule", &json!({ "error": e.to_string() }))?,
            None => {}
        }
        m.end()
    }
}

/// One affected element, as in the `affected` list of the [`Impact`] report.
impl Serialize for Affected<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.impact.affected_json(self).serialize(s)
    }
}

/// One hop: `from`, `relation` (a relation kind, `parent` or `data`), `direction`
/// (`forward` or `backward`), `to`, then the rule that fired (`change` at `from`,
/// `confidence`) when there is one, `relation_id` when the relation has an id and, for a
/// `data` hop, the `flow` that carries the data.
impl Serialize for Hop<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        hop_json(self).serialize(s)
    }
}
