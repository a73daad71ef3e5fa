//! GitHub-flavoured Markdown summaries for pull-request comments: counts, a table of
//! the affected (or changed) elements, and the changed and affected part of the graph as
//! a Mermaid flowchart that GitHub draws. Bounded in size: the first rows and nodes, then
//! "and N more". Every user string is escaped for Markdown (and, through the render
//! crate, for Mermaid), so a name cannot open a link, a table cell, an HTML tag or a
//! mention.
//!
//! ```
//! use ecograph_core::Model;
//! use ecograph_impact::{Change, ChangeSet, Options, analyze};
//! use ecograph_report::markdown::{Limits, impact_markdown};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "elements": [
//!     { "id": "tmt", "kind": "system", "name": "Työmarkkinatori" },
//!     { "id": "eures", "kind": "system", "name": "EURES | portal" }
//!   ],
//!   "relations": [ { "kind": "flow", "from": "tmt", "to": "eures" } ]
//! }"#)?;
//! let mut changes = ChangeSet::new();
//! changes.push(Change::removed("tmt"));
//! let impact = analyze(&model, &changes, &Options::default())?;
//! let md = impact_markdown(&model, &impact, &Limits::default());
//! assert!(md.contains("EURES \\| portal"));
//! assert!(md.contains("```mermaid"));
//! # Ok(())
//! # }
//! ```

use ecograph_core::{Confidence, Direction, Model, Selector, View};
use ecograph_impact::{ChangeKind, Diff, Hop, Impact};
use ecograph_render::{Diagram, Highlight, Mark, Options};
use serde_json::Value;
use std::fmt::Write as _;

/// How much a summary shows before "and N more".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Rows of the table.
    pub rows: usize,
    /// Nodes of the Mermaid diagram.
    pub nodes: usize,
    /// Language of names (the model's default when `None`).
    pub lang: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rows: 50,
            nodes: 30,
            lang: None,
        }
    }
}

impl Limits {
    /// Sets the number of table rows.
    #[must_use]
    pub fn rows(mut self, rows: usize) -> Self {
        self.rows = rows;
        self
    }
    /// Sets the number of diagram nodes.
    #[must_use]
    pub fn nodes(mut self, nodes: usize) -> Self {
        self.nodes = nodes;
        self
    }
    /// Sets the language of names, as every options type of the library crates does
    /// (`impl Into<String>`; leave it unset for the model's default language).
    #[must_use]
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
}

/// Text for Markdown: every ASCII punctuation character that Markdown, GitHub's HTML
/// or its autolinks and mentions could read is backslash-escaped, line breaks become
/// spaces (a table cell is one line), and control characters and the bidirectional
/// embedding, override and isolate controls are dropped (they would reorder what a
/// reviewer reads after them).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '<' | '>' | '~' | '@' | '&' | '"' | '\'' | ':' | '=' | '$' | '%'
            | '^' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if ecograph_core::term::is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// An id as a code span (ids hold only letters, digits, `_`, `.`, `:` and `-`; any
/// other string is escaped text instead).
fn code(id: &str) -> String {
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'));
    if plain { format!("`{id}`") } else { escape(id) }
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key].as_str().unwrap_or("")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn more(out: &mut String, shown: usize, total: usize, what: &str) {
    if total > shown {
        let _ = writeln!(out, "\n_… and {} more {what}._", total - shown);
    }
}

/// The Mermaid flowchart of `ids` (in order, each once, at most `limit`) with their
/// marks (`None`: drawn for context, unmarked), drawn by the render crate (which
/// escapes every label for Mermaid).
fn mermaid(
    out: &mut String,
    model: &Model,
    ids: &[(String, Option<Mark>)],
    limit: usize,
    lang: Option<&str>,
) {
    let mut view = View::new("changes");
    let mut highlight = Highlight::new();
    let mut included: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut shown = 0;
    for (id, mark) in ids {
        if shown == limit {
            break;
        }
        if let Some(e) = model.element(id)
            && included.insert(id)
        {
            view.include.push(Selector::Id(id.clone()));
            if let Some(mark) = mark {
                highlight.mark_element(e, *mark);
            }
            shown += 1;
        }
    }
    if shown == 0 {
        return;
    }
    view.group_by_parent = false;
    let mut options = Options::default()
        .max_nodes(limit.max(1))
        .highlight(highlight);
    if let Some(l) = lang {
        options = options.lang(l);
    }
    let Ok(d) = Diagram::new(model, &view, &options) else {
        return;
    };
    let total = ids
        .iter()
        .filter(|(id, _)| model.element(id).is_some())
        .map(|(id, _)| id.as_str())
        .collect::<std::collections::HashSet<&str>>()
        .len();
    out.push_str("\n```mermaid\n");
    out.push_str(d.to_mermaid().trim_end());
    out.push_str("\n```\n");
    if total > shown {
        let _ = writeln!(
            out,
            "\n_The diagram shows the first {shown} of {total} elements._"
        );
    }
}

/// At most this many hops of a witness path are written; longer ones start with `…`.
const PATH_HOPS: usize = 8;

/// A witness path as `a` ←flow─ `b` ─uses→ `c`.
fn path_md(hops: &[Hop<'_>], cut: bool) -> String {
    let mut out = String::new();
    if cut {
        out.push_str("… ");
    }
    for (i, hop) in hops.iter().enumerate() {
        if i == 0 {
            out.push_str(&code(hop.from().id().as_str()));
        }
        let rel = escape(hop.link().as_str());
        if hop.direction() == Direction::Incoming {
            let _ = write!(out, " ←{rel}─ ");
        } else {
            let _ = write!(out, " ─{rel}→ ");
        }
        out.push_str(&code(hop.to().id().as_str()));
    }
    out
}

fn change_subject(c: &Value) -> String {
    if let Some(id) = c["element"].as_str() {
        let mut t = code(id);
        if let Some(n) = c["name"].as_str() {
            let _ = write!(t, " {}", escape(n));
        }
        t
    } else if let Some(r) = c["relation"].as_object() {
        let get = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
        if r.contains_key("from") {
            format!(
                "{} {} → {}",
                escape(get("kind")),
                code(get("from")),
                code(get("to"))
            )
        } else {
            format!("relation {}", code(get("id")))
        }
    } else {
        String::new()
    }
}

/// The impact analysis as a pull-request comment: the counts, the changes, a table of
/// the affected elements (confidence, distance, owners, witness path), and the changed
/// and nearest affected elements as a Mermaid flowchart.
pub fn impact_markdown(model: &Model, impact: &Impact<'_>, limits: &Limits) -> String {
    let json = impact.to_json();
    let mut out = String::new();
    let changes = json["changes"].as_array().map_or(&[][..], Vec::as_slice);
    let affected = json["affected"].as_array().map_or(&[][..], Vec::as_slice);
    let summary = &json["summary"];
    let n = |k: &str| summary[k].as_u64().unwrap_or(0) as usize;
    out.push_str("### ecograph impact\n\n");
    let _ = writeln!(
        out,
        "**{}, {} affected** ({} certain, {} potential)",
        plural(changes.len(), "change", "changes"),
        n("affected"),
        n("certain"),
        n("potential")
    );
    if !changes.is_empty() {
        out.push_str("\n| change | what | kind |\n| --- | --- | --- |\n");
        for c in changes.iter().take(limits.rows) {
            let mut change = escape(s(c, "change"));
            if let Some(by) = c["by"].as_str() {
                let _ = write!(change, " \\+{}", escape(by));
            }
            let _ = writeln!(
                out,
                "| {change} | {} | {} |",
                change_subject(c),
                escape(s(c, "kind"))
            );
        }
        more(
            &mut out,
            limits.rows.min(changes.len()),
            changes.len(),
            "changes",
        );
    }
    if !affected.is_empty() {
        out.push_str(
            "\n| affected | kind | confidence | distance | owners | path |\n| --- | --- | --- | ---: | --- | --- |\n",
        );
        // The witness path itself, read from the analysis: following `via` back element
        // by element can leave it where an element is reached in two modes.
        for (a, affected) in affected.iter().zip(impact.affected()).take(limits.rows) {
            let (hops, whole) = affected.path_tail(PATH_HOPS);
            let owners: Vec<String> = a["owners"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| code(o.as_str().or_else(|| o["id"].as_str()).unwrap_or("")))
                .collect();
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} | {} | {} |",
                code(s(a, "id")),
                escape(s(a, "name")),
                escape(s(a, "kind")),
                escape(s(a, "confidence")),
                a["distance"].as_u64().unwrap_or(0),
                owners.join(", "),
                path_md(&hops, !whole)
            );
        }
        more(
            &mut out,
            limits.rows.min(affected.len()),
            affected.len(),
            "affected elements",
        );
    }
    schedule_md(&mut out, &json["schedule"], limits.rows);
    let mut ids: Vec<(String, Option<Mark>)> = Vec::new();
    for c in changes {
        if let Some(id) = c["element"].as_str() {
            let kind = ChangeKind::parse(s(c, "change")).unwrap_or(ChangeKind::Modified);
            ids.push((id.to_owned(), Some(Mark::of_change(kind))));
        } else if let Some(r) = c["relation"].as_object() {
            for end in ["from", "to"] {
                if let Some(id) = r.get(end).and_then(Value::as_str) {
                    ids.push((id.to_owned(), Some(Mark::Changed)));
                }
            }
        }
    }
    for a in affected {
        let confidence = Confidence::parse(s(a, "confidence")).unwrap_or(Confidence::Potential);
        ids.push((s(a, "id").to_owned(), Some(Mark::Affected { confidence })));
    }
    mermaid(&mut out, model, &ids, limits.nodes, limits.lang.as_deref());
    out
}

/// A date as the analysis writes it (`2024-12-31`), kept only when it is one: digits
/// and dashes need no Markdown escape.
fn date(d: &str) -> &str {
    if d.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        d
    } else {
        ""
    }
}

/// What delays do to the plan's dates (the report's `schedule`): broken deadlines
/// first, the news of a pull request, then the finish and what moved, at most `rows`
/// of each.
fn schedule_md(out: &mut String, schedule: &Value, rows: usize) {
    if schedule.is_null() {
        return;
    }
    out.push_str("\n#### Schedule\n\n");
    if let Some(e) = schedule["error"].as_str() {
        let _ = writeln!(out, "The delays cannot be dated: {}", escape(e));
        return;
    }
    let list = |k: &str| schedule[k].as_array().map_or(&[][..], Vec::as_slice);
    let (moved, absorbed, breaches) = (list("moved"), list("absorbed"), list("breaches"));
    let _ = writeln!(
        out,
        "**{} moved, {} absorbed, {} broken**",
        moved.len(),
        absorbed.len(),
        plural(breaches.len(), "deadline", "deadlines")
    );
    if !breaches.is_empty() {
        out.push_str("\n| broken deadline | element | deadline | now | late |\n| --- | --- | --- | --- | ---: |\n");
        for b in breaches.iter().take(rows) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} days |",
                escape(s(b, "kind")),
                code(s(b, "id")),
                // Dates the analysis writes (ISO 8601): nothing to escape.
                date(s(b, "deadline")),
                date(s(b, "new_end")),
                b["late_days"].as_i64().unwrap_or(0)
            );
        }
        more(
            out,
            rows.min(breaches.len()),
            breaches.len(),
            "broken deadlines",
        );
    } else if let Some(f) = schedule["finish"].as_object() {
        let late = f.get("late_days").and_then(Value::as_i64).unwrap_or(0);
        let task = code(f.get("task").and_then(Value::as_str).unwrap_or(""));
        let day = date(f.get("date").and_then(Value::as_str).unwrap_or(""));
        if late > 0 {
            let _ = writeln!(
                out,
                "\nThe finish of {task} moves from {day} by {late} days."
            );
        } else {
            let _ = writeln!(out, "\nThe finish of {task} ({day}) holds.");
        }
    }
    if !moved.is_empty() {
        out.push_str("\n| moved | kind | end | new end | by |\n| --- | --- | --- | --- | ---: |\n");
        for m in moved.iter().take(rows) {
            let end =
                |k: &str, start: &str| m[k].as_str().or_else(|| m[start].as_str()).unwrap_or("");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} days |",
                code(s(m, "id")),
                escape(s(m, "kind")),
                date(end("old_end", "old_start")),
                date(end("new_end", "new_start")),
                m["shift_days"].as_i64().unwrap_or(0)
            );
        }
        more(out, rows.min(moved.len()), moved.len(), "moved tasks");
    }
}

/// The diff of two models as a pull-request comment: the counts, a table of the added,
/// removed and modified elements (with the fields that changed) and relations, and the
/// added and modified elements of the new model as a Mermaid flowchart. Names in the
/// table are in the diff's language ([`Diff::lang`]), the diagram's in `limits.lang`.
pub fn diff_markdown(diff: &Diff<'_>, limits: &Limits) -> String {
    let lang = limits.lang.as_deref();
    let json = diff.to_json();
    let mut out = String::new();
    let summary = &json["summary"];
    let n = |k: &str| summary[k].as_u64().unwrap_or(0) as usize;
    out.push_str("### ecograph diff\n\n");
    if diff.is_empty() {
        out.push_str("**No differences.**\n");
        return out;
    }
    let _ = writeln!(
        out,
        "**Elements:** {} added, {} removed, {} modified · **relations:** {} added, {} removed, {} modified · **views:** {} added, {} removed, {} modified{}",
        n("elements_added"),
        n("elements_removed"),
        n("elements_modified"),
        n("relations_added"),
        n("relations_removed"),
        n("relations_modified"),
        n("views_added"),
        n("views_removed"),
        n("views_modified"),
        if summary["model_modified"] == true {
            " · the model's own fields changed"
        } else {
            ""
        }
    );
    let mut rows: Vec<String> = Vec::new();
    let mut ids: Vec<(String, Option<Mark>)> = Vec::new();
    for (key, mark) in [
        ("added", Mark::Added),
        ("removed", Mark::Removed),
        ("modified", Mark::Modified),
    ] {
        for e in json["elements"][key].as_array().into_iter().flatten() {
            let fields: Vec<String> = e["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| escape(s(f, "field")))
                .collect();
            rows.push(format!(
                "| {key} | element | {} {} | {} | {} |",
                code(s(e, "id")),
                escape(s(e, "name")),
                escape(s(e, "kind")),
                fields.join(", ")
            ));
            if mark != Mark::Removed {
                ids.push((s(e, "id").to_owned(), Some(mark)));
            }
        }
    }
    for key in ["added", "removed", "modified"] {
        for r in json["relations"][key].as_array().into_iter().flatten() {
            let fields: Vec<String> = r["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| escape(s(f, "field")))
                .collect();
            rows.push(format!(
                "| {key} | relation | {} → {} | {} | {} |",
                code(s(r, "from")),
                code(s(r, "to")),
                escape(s(r, "kind")),
                fields.join(", ")
            ));
            // The ends show where the relation is; they are not changed themselves.
            if key != "removed" {
                for end in ["from", "to"] {
                    ids.push((s(r, end).to_owned(), None));
                }
            }
        }
    }
    if !rows.is_empty() {
        out.push_str("\n| change | of | what | kind | fields |\n| --- | --- | --- | --- | --- |\n");
        for r in rows.iter().take(limits.rows) {
            out.push_str(r);
            out.push('\n');
        }
        more(&mut out, limits.rows.min(rows.len()), rows.len(), "changes");
    }
    mermaid(&mut out, diff.new_model(), &ids, limits.nodes, lang);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markdown_or_html_active() {
        assert_eq!(
            escape("a|b <script> [x](javascript:y) @team #1 *em* `c`\nnext"),
            "a\\|b \\<script\\> \\[x\\]\\(javascript\\:y\\) \\@team \\#1 \\*em\\* \\`c\\` next"
        );
        assert_eq!(code("tmt.A-1:x"), "`tmt.A-1:x`");
        assert_eq!(code("a`b"), "a\\`b");
        // Bidirectional controls would reorder what follows them in a review.
        assert_eq!(
            escape("ok\u{202e}gnp.exe \u{2066}x\u{2069} \u{1b}[2J\u{7f}\u{85}"),
            "okgnp\\.exe x \\[2J"
        );
    }
}
