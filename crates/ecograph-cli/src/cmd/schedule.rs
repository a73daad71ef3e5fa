//! `ecograph schedule`: dates, conflicts, critical path, slack, delays, late tasks and a
//! Gantt chart.

use crate::common::{Exit, Fail, Format, load_model, write_json, write_output};
use ecograph_core::{Date, Duration, Element, Model};
use ecograph_schedule::{
    self as schedule, BreachKind, ConflictKind, GanttOptions, Missed, Options, Schedule,
};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (`-` reads standard input).
    #[arg(value_name = "MODEL")]
    model: String,
    /// Delay the end of a task, as ID=DURATION (d, w, m or y), such as `ra.B=2m`;
    /// repeatable.
    #[arg(long, value_name = "ID=DURATION")]
    delay: Vec<String>,
    /// List the tasks that are late on this day (YYYY-MM-DD); the Gantt chart marks it.
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// Measure slack and the critical path against the end of this task instead of the
    /// programme's finish.
    #[arg(long, value_name = "ID")]
    task: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also draw a Gantt chart (SVG) into this file.
    #[arg(long, value_name = "FILE.svg")]
    gantt: Option<PathBuf>,
    /// Language of names (and of the chart's words: `fi` or English).
    #[arg(long)]
    lang: Option<String>,
    /// Exit with code 3 when a delay breaks a parent's or the programme's deadline.
    #[arg(long)]
    fail_on_breach: bool,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The deepest level of containment the task table indents.
const MAX_INDENT: usize = 16;

pub fn run(args: Args) -> Result<Exit, Fail> {
    let mut options = Options::new();
    for d in &args.delay {
        let (id, by) = parse_delay(d)?;
        options = options.delay(id, by);
    }
    if let Some(t) = &args.today {
        let day = Date::parse(t).ok_or_else(|| {
            Fail::usage(format!(
                "--today `{t}`: expected a date such as `2024-06-15`"
            ))
        })?;
        options = options.today(day);
    }
    if let Some(t) = &args.task {
        options = options.target(t.as_str());
    }
    let model = load_model(&args.model)?;
    crate::common::check_lang(&model, args.lang.as_deref())?;
    let plan = schedule::analyze(&model, &options).map_err(fail)?;

    if let Some(path) = &args.gantt
        && crate::common::same_output(Some(path), args.output.as_deref())
    {
        return Err(Fail::usage(format!(
            "--gantt `{}` is where the report goes too: give the chart and the report different files",
            path.display()
        )));
    }
    if let Some(path) = &args.gantt {
        let mut gantt = GanttOptions::new();
        if let Some(lang) = &args.lang {
            gantt = gantt.lang(lang.as_str());
        }
        write_output(Some(path), plan.gantt_svg(&gantt).as_bytes())?;
    }
    match args.format {
        Format::Json => write_json(args.output.as_deref(), &plan)?,
        Format::Text => write_output(
            args.output.as_deref(),
            text(&model, &plan, args.lang.as_deref()).as_bytes(),
        )?,
    }
    let breached = plan.delay().is_some_and(|d| d.is_breached());
    Ok(if args.fail_on_breach && breached {
        Exit::Gate
    } else {
        Exit::Ok
    })
}

fn parse_delay(d: &str) -> Result<(&str, Duration), Fail> {
    let usage = || {
        Fail::usage(format!(
            "--delay `{d}`: expected ID=DURATION, such as `ra.B=2m`"
        ))
    };
    let (id, by) = d.split_once('=').ok_or_else(usage)?;
    let by = Duration::parse(by).ok_or_else(|| {
        Fail::usage(format!(
            "--delay `{d}`: invalid duration `{by}`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`"
        ))
    })?;
    if id.is_empty() {
        return Err(usage());
    }
    Ok((id, by))
}

fn fail(e: schedule::Error) -> Fail {
    let exit = match e {
        schedule::Error::Cycle { .. } => Exit::Invalid,
        _ => Exit::Usage,
    };
    let mut message = e.to_string();
    if let schedule::Error::UnknownTask {
        suggestion: Some(s),
        ..
    } = &e
    {
        let _ = write!(message, "\nhelp: did you mean `{s}`?");
    }
    Fail { exit, message }
}

/// A name for the terminal (control characters escaped).
fn name<'m>(e: Element<'m>, lang: Option<&str>) -> std::borrow::Cow<'m, str> {
    ecograph_core::term::escape(e.name().resolve(lang))
}

fn day(d: Option<Date>) -> String {
    d.map_or_else(|| format!("{:<10}", "-"), |d| d.to_string())
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The report for people: one section per finding, each line starting with an id.
fn text(model: &Model, plan: &Schedule<'_>, lang: Option<&str>) -> String {
    let mut out = String::new();
    let title = ecograph_core::term::escape(model.name().map_or("the model", |n| n.resolve(lang)));
    let _ = writeln!(out, "Schedule of {title}");
    match plan.finish() {
        Some(f) if f.chosen => {
            let _ = writeln!(
                out,
                "finish: {}, the end of the chosen task `{}` ({})",
                f.date,
                f.task.id(),
                name(f.task, lang)
            );
        }
        Some(f) => {
            let _ = writeln!(
                out,
                "finish: {}, the end of `{}` ({})",
                f.date,
                f.task.id(),
                name(f.task, lang)
            );
        }
        None => {
            let _ = writeln!(out, "finish: none, no task has an end");
        }
    }

    let path = plan.critical_path();
    let _ = writeln!(
        out,
        "\nCritical path ({}):",
        plural(path.len(), "element", "elements")
    );
    let tasks = plan.tasks();
    let width = tasks
        .iter()
        .map(|t| 2 * t.depth.min(MAX_INDENT) + t.element.id().as_str().chars().count())
        .chain(path.iter().map(|e| e.id().as_str().chars().count()))
        .max()
        .unwrap_or(2)
        .min(40);
    let by_element: std::collections::HashMap<usize, &schedule::TaskSchedule<'_>> =
        tasks.iter().map(|t| (t.element.index(), t)).collect();
    for e in path {
        let t = by_element.get(&e.index()).copied();
        let dates = t.map_or_else(
            || "deliverable".to_owned(),
            |t| format!("{} .. {}", day(t.start), day(t.end)),
        );
        let _ = writeln!(
            out,
            "  {:<width$}  {dates}  {}",
            e.id().as_str(),
            name(*e, lang)
        );
    }

    let _ = writeln!(
        out,
        "\nTasks ({}, slack in days):",
        plural(tasks.len(), "dated task", "dated tasks")
    );
    let _ = writeln!(
        out,
        "  {:<width$}  {:<10}  {:<10}  {:>6}  {:>6}",
        "id", "start", "end", "total", "free"
    );
    for t in tasks {
        // Past `MAX_INDENT` levels the indentation stops growing (so that a chain of
        // 100,000 nested tasks prints 100,000 short lines); such ids carry their level.
        let id = if t.depth > MAX_INDENT {
            format!(
                "{}[{}] {}",
                "  ".repeat(MAX_INDENT),
                t.depth,
                t.element.id()
            )
        } else {
            format!("{}{}", "  ".repeat(t.depth), t.element.id())
        };
        let slack = |s: Option<i64>| s.map_or_else(|| "-".to_owned(), |s| s.to_string());
        let mark = if t.critical { "  critical" } else { "" };
        let _ = writeln!(
            out,
            "  {id:<width$}  {}  {}  {:>6}  {:>6}  {}{mark}",
            day(t.start),
            day(t.end),
            slack(t.total_slack),
            slack(t.free_slack),
            name(t.element, lang)
        );
    }

    let conflicts = plan.conflicts();
    let _ = writeln!(out, "\nConflicts ({}):", conflicts.len());
    for c in conflicts {
        let (id, other) = (c.element.id(), c.other.id());
        let line = match c.kind {
            ConflictKind::DependsOn => {
                let lag = c.lag.map(|l| format!(" plus {l}")).unwrap_or_default();
                format!(
                    "`{id}` starts {}, before `{other}` ends {}{lag}: {} too early",
                    c.date,
                    c.other_date,
                    days(c.days)
                )
            }
            ConflictKind::ParentStart => {
                format!(
                    "`{id}` starts {}, before its parent `{other}` starts {}: {} days",
                    c.date, c.other_date, c.days
                )
            }
            ConflictKind::ParentEnd => {
                format!(
                    "`{id}` ends {}, after its parent `{other}` ends {}: {} days",
                    c.date, c.other_date, c.days
                )
            }
            _ => format!(
                "`{id}` {} conflicts with `{other}` {}",
                c.date, c.other_date
            ),
        };
        let _ = writeln!(out, "  {line}");
    }

    if let Some(d) = plan.delay() {
        let given: Vec<String> = d
            .delays()
            .iter()
            .map(|(e, by)| format!("`{}` +{by}", e.id()))
            .collect();
        let _ = writeln!(out, "\nDelays: {}", given.join(", "));
        let _ = writeln!(out, "\nMoved ({}):", d.moved().len());
        for m in d.moved() {
            let _ = writeln!(
                out,
                "  {:<width$}  {} .. {}  ->  {} .. {}  +{}",
                m.element.id().as_str(),
                day(m.old_start),
                day(m.old_end),
                day(m.new_start),
                day(m.new_end),
                days(m.shift_days)
            );
        }
        let _ = writeln!(out, "\nAbsorbed ({}):", d.absorbed().len());
        for a in d.absorbed() {
            let why = match a.reason {
                schedule::AbsorbedBy::Done => "it is done",
                _ => "slack",
            };
            let _ = writeln!(
                out,
                "  `{}` absorbed {} of the {} `{}` pushed ({why})",
                a.element.id(),
                a.absorbed_days,
                days(a.slip_days),
                a.by.id()
            );
        }
        let _ = writeln!(out, "\nBreaches ({}):", d.breaches().len());
        for b in d.breaches() {
            let what = match b.kind {
                BreachKind::Finish => "finish",
                _ => "parent",
            };
            let _ = writeln!(
                out,
                "  {what} `{}`: deadline {}, now {}: {} late",
                b.element.id(),
                b.deadline,
                b.new_end,
                days(b.late_days)
            );
        }
    }

    if let Some(today) = plan.today() {
        let late = plan.overdue();
        let _ = writeln!(out, "\nOverdue on {today} ({}):", late.len());
        for o in late {
            let what = match o.missed {
                Missed::Start => "should have started",
                _ => "should have ended",
            };
            let status = o.status.map_or("no status", |s| s.as_str());
            let _ = writeln!(
                out,
                "  {:<width$}  {what} {} ({} ago), {status}",
                o.element.id().as_str(),
                o.date,
                days(o.late_days)
            );
        }
    }

    let un = plan.unscheduled();
    let _ = writeln!(
        out,
        "\nUnscheduled ({}):",
        plural(un.len(), "task", "tasks")
    );
    for u in un {
        let _ = writeln!(
            out,
            "  {:<width$}  no {}",
            u.element.id().as_str(),
            u.missing.as_str()
        );
    }
    out
}
