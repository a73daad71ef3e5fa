//! The Gantt chart: an SVG timeline drawn directly, one row per task.
//!
//! No layout engine and no font: text widths are estimated per character on the wide
//! side, so labels never run into the timeline. The output is deterministic: the same
//! schedule and options give byte-identical SVG.

use super::Schedule;
use super::graph::{ItemKind, Link, NEG, NONE, end_of, item_of_event, start_of};
use ecograph_core::{Date, Status};
use std::fmt::Write as _;

/// How to draw the Gantt chart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GanttOptions {
    lang: Option<String>,
    title: Option<String>,
}

impl GanttOptions {
    /// Labels in the model's default language, the chart's own words in English unless
    /// that language is Finnish, and the model's name as the title.
    pub fn new() -> GanttOptions {
        GanttOptions::default()
    }

    /// The language of task names and of the chart's own words (`fi` gives Finnish
    /// words; any other language English).
    pub fn lang(mut self, lang: impl Into<String>) -> GanttOptions {
        self.lang = Some(lang.into());
        self
    }

    /// The title above the chart.
    pub fn title(mut self, title: impl Into<String>) -> GanttOptions {
        self.title = Some(title.into());
        self
    }
}

const FONT: f64 = 12.0;
const ROW: f64 = 22.0;
const BAR: f64 = 12.0;
const SUMMARY: f64 = 7.0;
const INDENT: f64 = 14.0;
const PAD: f64 = 12.0;
const TITLE_H: f64 = 30.0;
const AXIS_ROW: f64 = 18.0;
const LABEL_MIN: f64 = 160.0;
const LABEL_MAX: f64 = 420.0;
const TIMELINE: f64 = 1400.0;
const MAX_WIDTH: f64 = 20_000.0;

/// The chart's own words.
struct Words {
    months: [&'static str; 12],
    quarter: fn(i32, u32) -> String,
    statuses: [&'static str; 6],
    critical: &'static str,
    conflict: &'static str,
    planned: &'static str,
    today: &'static str,
    unscheduled: &'static str,
    slack: &'static str,
    days: &'static str,
}

const EN: Words = Words {
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    quarter: |y, q| format!("Q{q} {y}"),
    statuses: [
        "Not started",
        "In progress",
        "Done",
        "Blocked",
        "Cancelled",
        "No status",
    ],
    critical: "Critical path",
    conflict: "Dependency the plan breaks",
    planned: "Planned before the delay",
    today: "Today",
    unscheduled: "no dates",
    slack: "slack",
    days: "d",
};

const FI: Words = Words {
    months: [
        "tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka",
        "marras", "joulu",
    ],
    quarter: |y, q| format!("Q{q}/{y}"),
    statuses: [
        "Aloittamatta",
        "Työn alla",
        "Valmis",
        "Estynyt",
        "Peruttu",
        "Ei tilaa",
    ],
    critical: "Kriittinen polku",
    conflict: "Riippuvuus, jota suunnitelma rikkoo",
    planned: "Suunniteltu ennen viivettä",
    today: "Tänään",
    unscheduled: "ei aikataulua",
    slack: "jousto",
    days: "pv",
};

fn status_index(s: Option<Status>) -> usize {
    match s {
        Some(Status::NotStarted) => 0,
        Some(Status::InProgress) => 1,
        Some(Status::Done) => 2,
        Some(Status::Blocked) => 3,
        Some(Status::Cancelled) => 4,
        _ => 5,
    }
}

const STATUS_CLASS: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

/// The style sheet of every Gantt chart, in its one `<style>` element: what a page that
/// inlines the charts under a Content-Security-Policy allows by hash.
pub const GANTT_STYLE: &str = "\
text{fill:#1f2933}\
.t{font-size:16px;font-weight:bold}\
.ax{font-size:11px;fill:#52606d}\
.band{fill:#f5f7fa}\
.m{stroke:#e4e7eb;stroke-width:1}\
.q{stroke:#cbd2d9;stroke-width:1}\
.s0{fill:#9aa5b1}.s1{fill:#2f80ed}.s2{fill:#27ae60}.s3{fill:#eb5757}.s4{fill:#d9dde3}.s5{fill:#b8c2cc}\
.crit{stroke:#b3261e;stroke-width:2}\
.ghost{fill:none;stroke:#52606d;stroke-width:1;stroke-dasharray:4 3}\
.dep{fill:none;stroke:#8a94a6;stroke-width:1}\
.dep.crit{stroke:#b3261e;stroke-width:1.5}\
.dep.bad{stroke:#d9822b;stroke-width:1.5;stroke-dasharray:3 2}\
.today{stroke:#e67e22;stroke-width:1.5;stroke-dasharray:6 3}\
.note{font-size:10px;fill:#52606d}\
.un{font-size:10px;font-style:italic;fill:#7b8794}";

impl Schedule<'_> {
    /// Draws the schedule as a Gantt chart in SVG: one row per task in containment
    /// order (undated tasks too, marked), bars coloured by status, `depends_on` arrows,
    /// the critical path outlined, moved bars against their planned position when the
    /// analysis has delays, a line for the day given with [`super::Options::today`], and
    /// months and quarters on the axis.
    ///
    /// ```
    /// use ecograph_core::Model;
    /// use ecograph_schedule::{self as schedule, GanttOptions, Options};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let model = Model::from_json_str(r#"{ "ecograph": 1, "elements": [
    ///   { "id": "a", "kind": "task", "name": "Analysis", "start": "2024-Q1", "end": "2024-Q2" } ] }"#)?;
    /// let plan = schedule::analyze(&model, &Options::new())?;
    /// let svg = plan.gantt_svg(&GanttOptions::new().title("Plan"));
    /// assert!(svg.starts_with("<svg") && svg.contains("Analysis"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn gantt_svg(&self, options: &GanttOptions) -> String {
        let g = &self.graph;
        let model = g.model;
        let lang = options
            .lang
            .as_deref()
            .unwrap_or_else(|| model.default_language());
        let words = if lang == "fi" { &FI } else { &EN };
        let name_lang = Some(lang);

        // Dates per item: planned, and after the delay when it moves.
        let mut moved_to: Vec<Option<(i64, i64)>> = vec![None; g.items.len()];
        if let Some(d) = &self.delay {
            for m in &d.moved {
                let item = g.item_of[m.element.index()];
                if item != NONE && g.items[item as usize].kind == ItemKind::Task {
                    let start = m.new_start.map_or(NEG, Date::to_days);
                    let end = m.new_end.map_or(NEG, |d| d.to_days() + 1);
                    moved_to[item as usize] = Some((start, end));
                }
            }
        }
        let current = |item: u32| -> (i64, i64) {
            moved_to[item as usize].unwrap_or((
                g.planned[start_of(item) as usize],
                g.planned[end_of(item) as usize],
            ))
        };

        // The time axis: whole months around every date drawn.
        let mut lo = i64::MAX;
        let mut hi = i64::MIN;
        for item in 0..g.task_count as u32 {
            let (s, e) = current(item);
            let (ps, pe) = (
                g.planned[start_of(item) as usize],
                g.planned[end_of(item) as usize],
            );
            for day in [s, e, ps, pe].into_iter().filter(|&d| d > NEG) {
                lo = lo.min(day);
                hi = hi.max(day);
            }
        }
        if let Some(t) = self.today {
            lo = lo.min(t.to_days());
            hi = hi.max(t.to_days() + 1);
        }
        if lo > hi {
            let t = self.today.unwrap_or_else(|| Date::from_days(0)).to_days();
            (lo, hi) = (t, t + 1);
        }
        let first = Date::from_days(lo);
        let last = Date::from_days(hi - 1);
        let axis_end = month_start(last.year(), last.month()).add_months(1);
        let mut axis_start = month_start(first.year(), first.month());
        let months = (axis_start.days_until(axis_end) / 28).max(1);
        // Grid lines every month, or every year (or more) on very long timelines, which
        // then start in January.
        let step = match months {
            0..=600 => 1,
            601..=12_000 => 12,
            _ => 12 * (months / 12_000 + 1),
        };
        if step > 1 {
            axis_start = month_start(first.year(), 1);
        }
        let span = axis_start.days_until(axis_end).max(1);
        // At most MAX_WIDTH pixels, however far a delay pushes a date.
        let px = (TIMELINE / span as f64).clamp(0.4_f64.min(MAX_WIDTH / span as f64), 6.0);

        // The label column: as wide as the widest label, within bounds.
        let labels: Vec<String> = g
            .rows
            .iter()
            .map(|r| {
                model
                    .element_at(r.element as usize)
                    .map(|e| e.name().resolve(name_lang).to_owned())
                    .unwrap_or_default()
            })
            .collect();
        let widest = g
            .rows
            .iter()
            .zip(&labels)
            .map(|(r, l)| f64::from(r.depth) * INDENT + text_width(l, FONT))
            .fold(LABEL_MIN, f64::max);
        let label_w = widest.min(LABEL_MAX) + PAD;

        let x0 = PAD + label_w;
        let x_of = |day: i64| x0 + (day - axis_start.to_days()) as f64 * px;
        let chart_w = span as f64 * px;
        let top = PAD + TITLE_H + 2.0 * AXIS_ROW;
        let rows_h = g.rows.len() as f64 * ROW;
        let legend_y = top + rows_h + PAD;
        let width = x0 + chart_w + 90.0;
        let height = legend_y + ROW + PAD;

        let mut out = String::with_capacity(512 + g.rows.len() * 400);
        let title = options
            .title
            .clone()
            .or_else(|| model.name().map(|n| n.resolve(name_lang).to_owned()));
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"{FONT}\">",
            w = num(width),
            h = num(height),
        );
        if let Some(t) = &title {
            let _ = writeln!(out, "<title>{}</title>", escape(t));
        }
        let _ = writeln!(out, "<style>{GANTT_STYLE}</style>");
        out.push_str(
            "<defs>\
             <marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
             <path d=\"M0,0 L8,4 L0,8 z\" fill=\"#8a94a6\"/></marker>\
             <marker id=\"arrow-crit\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
             <path d=\"M0,0 L8,4 L0,8 z\" fill=\"#b3261e\"/></marker>\
             <marker id=\"arrow-bad\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
             <path d=\"M0,0 L8,4 L0,8 z\" fill=\"#d9822b\"/></marker>\
             </defs>\n",
        );
        let _ = writeln!(
            out,
            "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
            num(width),
            num(height)
        );
        if let Some(t) = &title {
            let _ = writeln!(
                out,
                "<text class=\"t\" x=\"{}\" y=\"{}\">{}</text>",
                num(PAD),
                num(PAD + 18.0),
                escape(t)
            );
        }

        // Row bands, then the grid and the axis.
        out.push_str("<g>\n");
        for i in (1..g.rows.len()).step_by(2) {
            let _ = writeln!(
                out,
                "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                num(PAD),
                num(top + i as f64 * ROW),
                num(x0 + chart_w - PAD),
                num(ROW)
            );
        }
        out.push_str("</g>\n<g>\n");
        let axis_y = PAD + TITLE_H;
        let month_w = 30.0 * px;
        let quarter_w = 91.0 * px;
        let mut m = axis_start;
        while m < axis_end {
            let next = m.add_months(step);
            let (xa, xb) = (x_of(m.to_days()), x_of(next.to_days()));
            let quarter = (u32::from(m.month()) - 1) / 3 + 1;
            let quarter_start = m.month() % 3 == 1;
            let class = if quarter_start { "q" } else { "m" };
            let _ = writeln!(
                out,
                "<line class=\"{class}\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
                num(axis_y),
                num(top + rows_h),
                x = num(xa)
            );
            let month_label = if month_w >= 34.0 {
                Some(words.months[usize::from(m.month()) - 1].to_owned())
            } else if month_w >= 14.0 {
                Some(m.month().to_string())
            } else {
                None
            };
            if let Some(l) = month_label {
                let _ = writeln!(
                    out,
                    "<text class=\"ax\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    num((xa + xb) / 2.0),
                    num(axis_y + 2.0 * AXIS_ROW - 5.0),
                    escape(&l)
                );
            }
            let upper = if quarter_w >= 56.0 {
                (quarter_start || m == axis_start).then(|| {
                    let first_month = (quarter * 3 - 2) as u8;
                    let end = month_start(m.year(), first_month)
                        .add_months(3)
                        .min(axis_end);
                    ((words.quarter)(m.year(), quarter), x_of(end.to_days()))
                })
            } else {
                (m.month() == 1 || m == axis_start).then(|| {
                    let end = month_start(m.year() + 1, 1).min(axis_end);
                    (m.year().to_string(), x_of(end.to_days()))
                })
            };
            if let Some((label, xe)) = upper
                && xe - xa >= text_width(&label, 11.0) + 4.0
            {
                let _ = writeln!(
                    out,
                    "<text class=\"ax\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    num((xa + xe) / 2.0),
                    num(axis_y + AXIS_ROW - 5.0),
                    escape(&label)
                );
            }
            m = next;
        }
        let _ = writeln!(
            out,
            "<line class=\"q\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            num(axis_y),
            num(top + rows_h),
            x = num(x_of(axis_end.to_days()))
        );
        out.push_str("</g>\n");

        // Rows: labels and bars.
        let mut row_of = vec![NONE; g.items.len()];
        out.push_str("<g>\n");
        for (i, (row, label)) in g.rows.iter().zip(&labels).enumerate() {
            let y = top + i as f64 * ROW;
            let mid = y + ROW / 2.0;
            let Some(e) = model.element_at(row.element as usize) else {
                continue;
            };
            let indent = f64::from(row.depth) * INDENT;
            let room = label_w - PAD - indent;
            let shown = truncate(label, room, FONT);
            let _ = write!(out, "<g><title>{}", escape(e.id().as_str()));
            if row.item != NONE {
                let t = &self.tasks[row.item as usize];
                let day = |d: Option<Date>| d.map_or_else(|| "?".to_owned(), |d| d.to_string());
                let _ = write!(out, ": {} \u{2013} {}", day(t.start), day(t.end));
                if let Some(s) = t.total_slack {
                    let _ = write!(out, ", {} {s} {}", words.slack, words.days);
                }
            }
            let _ = write!(out, "\n{}</title>", escape(label));
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                num(PAD + indent),
                num(mid + FONT * 0.35),
                escape(&shown)
            );
            if row.item == NONE {
                let _ = write!(
                    out,
                    "<text class=\"un\" x=\"{}\" y=\"{}\">{}</text>",
                    num(x0 + 4.0),
                    num(mid + 3.5),
                    escape(words.unscheduled)
                );
                out.push_str("</g>\n");
                continue;
            }
            row_of[row.item as usize] = i as u32;
            let item = row.item;
            let summary = g.items[item as usize].has_children;
            let h = if summary { SUMMARY } else { BAR };
            let class = STATUS_CLASS[status_index(e.status())];
            let crit = if self.on_path.get(item as usize).copied().unwrap_or(false) {
                " crit"
            } else {
                ""
            };
            let (ps, pe) = (
                g.planned[start_of(item) as usize],
                g.planned[end_of(item) as usize],
            );
            let y = mid - h / 2.0;
            if let Some((ns, ne)) = moved_to[item as usize] {
                shape(&mut out, "ghost", "", ps, pe, y, h, &x_of, px);
                shape(&mut out, class, crit, ns, ne, y, h, &x_of, px);
                let (old, new) = if ne > NEG { (pe, ne) } else { (ps, ns) };
                let _ = write!(
                    out,
                    "<text class=\"note\" x=\"{}\" y=\"{}\">+{} {}</text>",
                    num(x_of(ne.max(ns)) + 6.0),
                    num(mid + 3.5),
                    new - old,
                    words.days
                );
            } else {
                shape(&mut out, class, crit, ps, pe, y, h, &x_of, px);
            }
            out.push_str("</g>\n");
        }
        out.push_str("</g>\n");

        // Dependencies between dated tasks, from a bar's end to its dependant's start.
        out.push_str("<g>\n");
        // Kept dependencies, then the ones the plan breaks (drawn as conflicts).
        let kept = g.edges.iter().map(|e| (e, false));
        for (edge, broken) in kept.chain(g.broken.iter().map(|e| (e, true))) {
            let Link::After { .. } = edge.link else {
                continue;
            };
            let (from, to) = (item_of_event(edge.from), item_of_event(edge.to));
            let (Some(&rf), Some(&rt)) = (row_of.get(from as usize), row_of.get(to as usize))
            else {
                continue;
            };
            if rf == NONE || rt == NONE {
                continue;
            }
            let tight =
                edge.link.apply(g.planned[edge.from as usize]) >= g.planned[edge.to as usize];
            let crit = !broken && tight && self.on_path[from as usize] && self.on_path[to as usize];
            let x1 = x_of(current(from).1);
            let x2 = x_of(current(to).0);
            let y1 = top + (f64::from(rf) + 0.5) * ROW;
            let y2 = top + (f64::from(rt) + 0.5) * ROW;
            let (class, marker) = match (crit, broken) {
                (_, true) => ("dep bad", "arrow-bad"),
                (true, _) => ("dep crit", "arrow-crit"),
                _ => ("dep", "arrow"),
            };
            // Out of the bar's end and into the dependant's start from the left; when
            // the dependant starts too soon for that, along the row boundary first.
            let d = if x2 - x1 >= 12.0 {
                format!("M{},{} h6 V{} H{}", num(x1), num(y1), num(y2), num(x2))
            } else {
                let boundary = if y2 > y1 {
                    y2 - ROW / 2.0
                } else {
                    y2 + ROW / 2.0
                };
                format!(
                    "M{},{} h6 V{} H{} V{} H{}",
                    num(x1),
                    num(y1),
                    num(boundary),
                    num(x2 - 8.0),
                    num(y2),
                    num(x2)
                )
            };
            let _ = writeln!(
                out,
                "<path class=\"{class}\" d=\"{d}\" marker-end=\"url(#{marker})\"/>"
            );
        }
        out.push_str("</g>\n");

        if let Some(t) = self.today {
            let x = x_of(t.to_days());
            let _ = writeln!(
                out,
                "<g><line class=\"today\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\
                 <text class=\"note\" x=\"{}\" y=\"{}\">{} {t}</text></g>",
                num(axis_y),
                num(top + rows_h),
                num(x_of(t.to_days()) + 3.0),
                num(axis_y - 3.0),
                escape(words.today),
                x = num(x)
            );
        }

        // The legend.
        out.push_str("<g>\n");
        let mut lx = PAD;
        let ly = legend_y + ROW / 2.0;
        for (i, class) in STATUS_CLASS.iter().enumerate() {
            let _ = write!(
                out,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"16\" height=\"{BAR}\"/>",
                num(lx),
                num(ly - BAR / 2.0)
            );
            let label = words.statuses[i];
            legend_label(&mut out, &mut lx, ly, label);
        }
        let _ = write!(
            out,
            "<rect class=\"s5 crit\" x=\"{}\" y=\"{}\" width=\"16\" height=\"{BAR}\"/>",
            num(lx),
            num(ly - BAR / 2.0)
        );
        legend_label(&mut out, &mut lx, ly, words.critical);
        if g.broken
            .iter()
            .any(|e| matches!(e.link, Link::After { .. }))
        {
            let _ = write!(
                out,
                "<path class=\"dep bad\" d=\"M{},{} h16\"/>",
                num(lx),
                num(ly)
            );
            legend_label(&mut out, &mut lx, ly, words.conflict);
        }
        if self.delay.is_some() {
            let _ = write!(
                out,
                "<rect class=\"ghost\" x=\"{}\" y=\"{}\" width=\"16\" height=\"{BAR}\"/>",
                num(lx),
                num(ly - BAR / 2.0)
            );
            legend_label(&mut out, &mut lx, ly, words.planned);
        }
        if self.today.is_some() {
            let _ = write!(
                out,
                "<line class=\"today\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
                num(ly - 7.0),
                num(ly + 7.0),
                x = num(lx + 8.0)
            );
            legend_label(&mut out, &mut lx, ly, words.today);
        }
        out.push_str("</g>\n</svg>\n");
        out
    }
}

/// A bar from `start` to `end` (boundaries), or a diamond at the one date a task has.
#[allow(clippy::too_many_arguments)]
fn shape(
    out: &mut String,
    class: &str,
    crit: &str,
    start: i64,
    end: i64,
    y: f64,
    h: f64,
    x_of: &dyn Fn(i64) -> f64,
    px: f64,
) {
    if start > NEG && end > NEG {
        let _ = write!(
            out,
            "<rect class=\"{class}{crit}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
            num(x_of(start)),
            num(y),
            num(((end - start) as f64 * px).max(2.0)),
            num(h)
        );
    } else if let Some(day) = [start, end].into_iter().find(|&d| d > NEG) {
        let (x, mid, r) = (x_of(day), y + h / 2.0, BAR / 2.0);
        let _ = write!(
            out,
            "<path class=\"{class}{crit}\" d=\"M{},{} l{r},{r} l-{r},{r} l-{r},-{r} z\"/>",
            num(x),
            num(mid - r)
        );
    }
}

fn month_start(year: i32, month: u8) -> Date {
    Date::new(year, month, 1).unwrap_or_else(|| Date::from_days(0))
}

/// A coordinate with at most one decimal, without a trailing `.0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Escapes text for SVG content and attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A generous estimate of the width of `s` at `size` px in a common sans-serif font:
/// the real width is at most this for Latin text, so labels do not overflow.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size
}

fn char_em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' => 0.34,
        ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.45,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.98,
        'A'..='Z' | '&' => 0.76,
        c if c.is_ascii() => 0.64,
        // Latin letters with diacritics, Greek, Cyrillic.
        c if (c as u32) < 0x2e80 => 0.7,
        // CJK and other wide scripts.
        _ => 1.05,
    }
}

/// `s` cut to fit `room` px, with an ellipsis when cut.
fn truncate(s: &str, room: f64, size: f64) -> String {
    if text_width(s, size) <= room {
        return s.to_owned();
    }
    let budget = room - text_width("\u{2026}", size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += char_em(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('\u{2026}');
    out
}

/// Writes a legend label after the 16-px swatch at `lx`, and moves `lx` past it.
fn legend_label(out: &mut String, lx: &mut f64, ly: f64, label: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\">{}</text>",
        num(*lx + 20.0),
        num(ly + 4.0),
        escape(label)
    );
    *lx += 20.0 + text_width(label, FONT) + 16.0;
}
