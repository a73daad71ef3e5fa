//! Schedule analysis of a work plan: dates, consistency, critical path, slack, delay
//! propagation, status against a date, and a Gantt chart.
//!
//! The plan is the model's tasks with their `start` and `end` periods, `depends_on`
//! relations (with their `lag`), `produces` relations to deliverables, and containment.
//! The semantics are documented in `docs/schedule.md`; in short:
//!
//! - a task runs from the first day of its `start` period to the last day of its `end`
//!   period; a task without both is *unscheduled* and never guessed;
//! - `a depends_on b` means `a` starts after `b` ends, plus the lag; a task starts and
//!   ends within its parent; a deliverable is ready when its producers end;
//! - the planned dates are never moved: a constraint they break is a [`Conflict`], and
//!   takes no part in slack or delays (the plan does not say how it will be resolved);
//! - the *finish* is the latest end among the root tasks, or the end of a chosen task;
//!   slack is measured against it in days.
//!
//! ```
//! use ecograph_core::{Duration, Model};
//! use ecograph_schedule::{self as schedule, Options};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = Model::from_json_str(r#"{
//!   "ecograph": 1,
//!   "elements": [
//!     { "id": "a", "kind": "task", "name": "Analysis", "status": "done",
//!       "start": "2023-Q1", "end": "2023-Q2" },
//!     { "id": "b", "kind": "task", "name": "Build", "status": "in_progress",
//!       "start": "2023-H2", "end": "2023-H2" },
//!     { "id": "c", "kind": "task", "name": "Guide", "status": "not_started",
//!       "start": "2023-07", "end": "2023-09" }
//!   ],
//!   "relations": [
//!     { "kind": "depends_on", "from": "b", "to": "a" },
//!     { "kind": "depends_on", "from": "c", "to": "a" }
//!   ]
//! }"#)?;
//!
//! let plan = schedule::analyze(&model, &Options::new())?;
//! let ids: Vec<String> = plan.critical_path().iter().map(|e| e.id().to_string()).collect();
//! assert_eq!(ids, ["a", "b"]);
//! let c = plan.tasks().iter().find(|t| t.element.id().as_str() == "c").expect("dated");
//! assert_eq!(c.total_slack, Some(92)); // October to December
//!
//! let slip = schedule::delay(&model, &[("c", "2m".parse::<Duration>()?)])?;
//! assert!(slip.moved().iter().all(|m| m.element.id().as_str() == "c"));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod cpm;
mod delay;
mod gantt;
mod graph;
mod json;

pub use gantt::{GANTT_STYLE, GanttOptions};
pub use json::JsonEntry;

use ecograph_core::{Date, Duration, Element, ElementKind, Model, Status};
use graph::Graph;

/// What can go wrong in a schedule analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An id given to the analysis (a `--task` or a `--delay`) is not in the model.
    #[error("unknown task `{id}`")]
    UnknownTask {
        /// The id given.
        id: String,
        /// The closest task id, for a did-you-mean hint.
        suggestion: Option<String>,
    },
    /// An id given to the analysis names an element that is not a task.
    #[error("`{id}` is of kind `{kind}`, not a task")]
    NotATask {
        /// The id given.
        id: String,
        /// What it is.
        kind: ElementKind,
    },
    /// A task given to the analysis has no `start` or no `end`.
    #[error("task `{id}` has no {missing}, so it is unscheduled")]
    Unscheduled {
        /// The task.
        id: String,
        /// What it lacks.
        missing: Missing,
    },
    /// A delay was asked for a task marked `done`.
    #[error("task `{id}` is done and cannot be delayed")]
    Done {
        /// The task.
        id: String,
    },
    /// The delays move a date past 9999-12-31, the last day a date can have.
    #[error("the delays move `{id}` to the year {year}, past 9999, the last year a date can have")]
    PastYear9999 {
        /// The first task or deliverable moved too far.
        id: String,
        /// The year it would move to.
        year: i64,
    },
    /// The constraints that the planned dates satisfy form a cycle. Dates make that
    /// impossible (every cycle of constraints spans at least one day of some task), so
    /// this is a guard against a broken invariant, not an outcome of any model. The ids
    /// run in the direction the constraints run, the first repeated at the end.
    #[error("the plan has a cycle through dependencies and containment: {}", cycle_text(.ids))]
    Cycle {
        /// The elements on the cycle.
        ids: Vec<String>,
    },
}

fn cycle_text(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// What to analyze beyond the plan itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    target: Option<String>,
    delays: Vec<(String, Duration)>,
    today: Option<Date>,
}

impl Options {
    /// The plain analysis: dates, conflicts, slack and critical path to the programme's
    /// finish.
    pub fn new() -> Options {
        Options::default()
    }

    /// Measures slack and the critical path against the end of this task instead of
    /// the programme's finish.
    pub fn target(mut self, task: impl Into<String>) -> Options {
        self.target = Some(task.into());
        self
    }

    /// Delays the end of a task; may be given several times, also for one task (the
    /// delays then add up, in the order given).
    pub fn delay(mut self, task: impl Into<String>, by: Duration) -> Options {
        self.delays.push((task.into(), by));
        self
    }

    /// Reports the tasks that are late on this day.
    pub fn today(mut self, date: Date) -> Options {
        self.today = Some(date);
        self
    }
}

/// Which of a task's dates is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Missing {
    /// It has an end but no start.
    Start,
    /// It has a start but no end.
    End,
    /// It has neither.
    Both,
}

impl Missing {
    /// `start`, `end` or `dates`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Missing::Start => "start",
            Missing::End => "end",
            Missing::Both => "dates",
        }
    }
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Missing::Both => "start and no end",
            m => m.as_str(),
        })
    }
}

/// What the slack is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finish<'m> {
    /// The task whose end is the finish: the root task that ends last (the first in
    /// containment order on a tie), or the chosen task.
    pub task: Element<'m>,
    /// The finish: the last day of that task.
    pub date: Date,
    /// Whether the task was chosen ([`Options::target`]) rather than the programme's.
    pub chosen: bool,
}

/// A task with at least one date: its planned dates and slack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskSchedule<'m> {
    /// The task.
    pub element: Element<'m>,
    /// The first day of its `start` period, if it has one.
    pub start: Option<Date>,
    /// The last day of its `end` period, if it has one.
    pub end: Option<Date>,
    /// How many tasks contain it.
    pub depth: usize,
    /// Days its end can slip before the finish moves; `None` without an end, or when it
    /// never reaches the finish (only with a chosen task). Negative when the plan
    /// already misses it.
    pub total_slack: Option<i64>,
    /// Days its end can slip before any other task or deliverable moves (or the finish,
    /// for a root task); `None` when nothing follows it.
    pub free_slack: Option<i64>,
    /// Whether the total slack is zero or less.
    pub critical: bool,
}

/// Which constraint a conflict breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ConflictKind {
    /// The task starts before a task or deliverable it depends on ends (plus the lag).
    DependsOn,
    /// The task starts before its parent starts.
    ParentStart,
    /// The task ends after its parent ends.
    ParentEnd,
}

impl ConflictKind {
    /// `depends_on`, `parent_start` or `parent_end`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::DependsOn => "depends_on",
            ConflictKind::ParentStart => "parent_start",
            ConflictKind::ParentEnd => "parent_end",
        }
    }
}

/// A planned date that breaks a constraint. The plan is reported as written, not moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Conflict<'m> {
    /// The constraint broken.
    pub kind: ConflictKind,
    /// The task whose date is wrong: the dependent task, or the child.
    pub element: Element<'m>,
    /// Its date: its start for `DependsOn` and `ParentStart`, its end for `ParentEnd`.
    pub date: Date,
    /// The task or deliverable it depends on, or its parent.
    pub other: Element<'m>,
    /// The other's date: its end (the ready day of a deliverable) for `DependsOn` and
    /// `ParentEnd`, its start for `ParentStart`.
    pub other_date: Date,
    /// The lag of the dependency.
    pub lag: Option<Duration>,
    /// By how many days the date misses the constraint.
    pub days: i64,
}

/// Why a slip did not pass on in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AbsorbedBy {
    /// The plan left room (free slack) between the two.
    Slack,
    /// The task is `done`: it does not move.
    Done,
}

impl AbsorbedBy {
    /// `slack` or `done`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            AbsorbedBy::Slack => "slack",
            AbsorbedBy::Done => "done",
        }
    }
}

/// A task or deliverable that moves because of a delay. A deliverable's start and end
/// are both its ready day; a task with one date has `None` for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Moved<'m> {
    /// The task or deliverable.
    pub element: Element<'m>,
    /// Its planned first day.
    pub old_start: Option<Date>,
    /// Its planned last day.
    pub old_end: Option<Date>,
    /// Its first day after the delay.
    pub new_start: Option<Date>,
    /// Its last day after the delay.
    pub new_end: Option<Date>,
    /// How many days later it ends (starts, for a task with no end).
    pub shift_days: i64,
}

/// Where slack (or a finished task) stopped a slip, in full or in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Absorbed<'m> {
    /// The task or deliverable that moved less than the slip that reached it.
    pub element: Element<'m>,
    /// The task or deliverable whose move reached it.
    pub by: Element<'m>,
    /// How many days later that move required it to be.
    pub slip_days: i64,
    /// How many of those days it did not move.
    pub absorbed_days: i64,
    /// Why.
    pub reason: AbsorbedBy,
}

/// Which deadline a breach misses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum BreachKind {
    /// The finish (the programme's, or the chosen task's end).
    Finish,
    /// A parent task's planned end.
    Parent,
}

impl BreachKind {
    /// `finish` or `parent`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            BreachKind::Finish => "finish",
            BreachKind::Parent => "parent",
        }
    }
}

/// A deadline that a delay breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Breach<'m> {
    /// Which deadline.
    pub kind: BreachKind,
    /// The parent, or for the finish the task that now ends last.
    pub element: Element<'m>,
    /// The planned last day.
    pub deadline: Date,
    /// The last day after the delay.
    pub new_end: Date,
    /// How many days late.
    pub late_days: i64,
}

/// The effect of delays: what moves, what absorbs the slip, which deadlines break.
///
/// This is what `ecograph impact MODEL --delay ID=2m` reports next to the structural
/// impact: call [`delay`] (or read [`Schedule::delay`]) and embed
/// [`DelayReport::to_json`], whose keys are documented in `docs/schedule.md`.
#[derive(Debug, Clone)]
pub struct DelayReport<'m> {
    delays: Vec<(Element<'m>, Duration)>,
    finish: Option<(Finish<'m>, Date)>,
    moved: Vec<Moved<'m>>,
    absorbed: Vec<Absorbed<'m>>,
    breaches: Vec<Breach<'m>>,
}

impl<'m> DelayReport<'m> {
    /// The delays, as given.
    pub fn delays(&self) -> &[(Element<'m>, Duration)] {
        &self.delays
    }
    /// The finish as planned and its last day after the delays.
    pub fn finish(&self) -> Option<(Finish<'m>, Date)> {
        self.finish
    }
    /// Every task and deliverable that moves, in report order (tasks in containment
    /// order, then deliverables in file order). Only those that actually move.
    pub fn moved(&self) -> &[Moved<'m>] {
        &self.moved
    }
    /// Where slack or a finished task stopped a slip, in report order of the element
    /// that absorbed it, then of the one that pushed.
    pub fn absorbed(&self) -> &[Absorbed<'m>] {
        &self.absorbed
    }
    /// The deadlines broken: the finish first, then parents in containment order.
    pub fn breaches(&self) -> &[Breach<'m>] {
        &self.breaches
    }
    /// Whether any deadline breaks.
    pub fn is_breached(&self) -> bool {
        !self.breaches.is_empty()
    }
}

/// Which date a late task missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Missed {
    /// It should have started and is `not_started`.
    Start,
    /// It should have ended and is not `done` (nor `cancelled`).
    End,
}

impl Missed {
    /// `start` or `end`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Missed::Start => "start",
            Missed::End => "end",
        }
    }
}

/// A task that is late on the given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Overdue<'m> {
    /// The task.
    pub element: Element<'m>,
    /// Its status (`None` when the model gives none).
    pub status: Option<Status>,
    /// Which date it missed; a task that missed its end is not also listed for its start.
    pub missed: Missed,
    /// The planned date: its first day, or its last day.
    pub date: Date,
    /// Days from that date to the given day.
    pub late_days: i64,
}

/// A task that lacks a `start` or an `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unscheduled<'m> {
    /// The task.
    pub element: Element<'m>,
    /// What it lacks.
    pub missing: Missing,
}

/// The schedule analysis of a model. Build it with [`analyze`].
#[derive(Debug)]
pub struct Schedule<'m> {
    graph: Graph<'m>,
    finish: Option<Finish<'m>>,
    tasks: Vec<TaskSchedule<'m>>,
    critical_path: Vec<Element<'m>>,
    /// Per item, whether it is on the critical path.
    on_path: Vec<bool>,
    conflicts: Vec<Conflict<'m>>,
    delay: Option<DelayReport<'m>>,
    today: Option<Date>,
    overdue: Vec<Overdue<'m>>,
    unscheduled: Vec<Unscheduled<'m>>,
}

impl<'m> Schedule<'m> {
    /// The model analyzed.
    pub fn model(&self) -> &'m Model {
        self.graph.model
    }
    /// What the slack is measured against; `None` when no task is dated.
    pub fn finish(&self) -> Option<Finish<'m>> {
        self.finish
    }
    /// Every task with at least one date, in containment order.
    pub fn tasks(&self) -> &[TaskSchedule<'m>] {
        &self.tasks
    }
    /// The chain of tasks and deliverables that determines the finish, earliest first.
    pub fn critical_path(&self) -> &[Element<'m>] {
        &self.critical_path
    }
    /// Planned dates that break a constraint, in containment order of the task.
    pub fn conflicts(&self) -> &[Conflict<'m>] {
        &self.conflicts
    }
    /// The effect of the delays in the options, if any were given.
    pub fn delay(&self) -> Option<&DelayReport<'m>> {
        self.delay.as_ref()
    }
    /// The day given for [`Schedule::overdue`].
    pub fn today(&self) -> Option<Date> {
        self.today
    }
    /// The tasks late on the given day, in containment order (empty without one).
    pub fn overdue(&self) -> &[Overdue<'m>] {
        &self.overdue
    }
    /// The tasks without both dates, in containment order.
    pub fn unscheduled(&self) -> &[Unscheduled<'m>] {
        &self.unscheduled
    }
}

/// Analyzes the schedule of a model in O(elements + relations).
///
/// # Errors
/// For a task named in the options, [`Error::UnknownTask`], [`Error::NotATask`],
/// [`Error::Unscheduled`], or [`Error::Done`] for a delayed task.
pub fn analyze<'m>(model: &'m Model, options: &Options) -> Result<Schedule<'m>, Error> {
    let graph = Graph::build(model)?;
    let target = options
        .target
        .as_deref()
        .map(|id| dated_task(&graph, id))
        .transpose()?;
    let plan = cpm::analyze(&graph, target);
    let delay = if options.delays.is_empty() {
        None
    } else {
        Some(delay::propagate(&graph, &plan, &options.delays)?)
    };
    let (overdue, unscheduled) = status(model, &graph, options.today);
    Ok(Schedule {
        finish: plan.finish,
        tasks: plan.tasks,
        critical_path: plan.critical_path,
        on_path: plan.on_path,
        conflicts: plan.conflicts,
        delay,
        today: options.today,
        overdue,
        unscheduled,
        graph,
    })
}

/// What delaying the end of some tasks does to the plan, measured against the
/// programme's finish: every task and deliverable that moves, where slack absorbs the
/// slip, and which parent and programme deadlines break.
///
/// This is the entry point for `ecograph impact --delay`; [`analyze`] with
/// [`Options::delay`] gives the same report inside the full analysis.
///
/// # Errors
/// As [`analyze`]: an unknown task, one without an end, or a `done` one.
pub fn delay<'m, S: AsRef<str>>(
    model: &'m Model,
    delays: &[(S, Duration)],
) -> Result<DelayReport<'m>, Error> {
    let graph = Graph::build(model)?;
    let plan = cpm::finish(&graph, None);
    let delays: Vec<(String, Duration)> = delays
        .iter()
        .map(|(id, d)| (id.as_ref().to_owned(), *d))
        .collect();
    delay::propagate(&graph, &plan, &delays)
}

/// The item of a task named in the options, which must have an end.
fn dated_task(graph: &Graph<'_>, id: &str) -> Result<u32, Error> {
    let model = graph.model;
    let Some(e) = model.element(id) else {
        let tasks = || model.elements_of_kind(ElementKind::Task);
        let suggestion = ecograph_core::suggest::element_among(tasks, id).map(str::to_owned);
        return Err(Error::UnknownTask {
            id: id.to_owned(),
            suggestion,
        });
    };
    if e.kind() != ElementKind::Task {
        return Err(Error::NotATask {
            id: id.to_owned(),
            kind: e.kind(),
        });
    }
    match (graph.item_of[e.index()], e.end()) {
        (item, Some(_)) if item != graph::NONE => Ok(item),
        _ => Err(Error::Unscheduled {
            id: id.to_owned(),
            missing: missing(e).unwrap_or(Missing::End),
        }),
    }
}

fn missing(e: Element<'_>) -> Option<Missing> {
    match (e.start(), e.end()) {
        (Some(_), Some(_)) => None,
        (Some(_), None) => Some(Missing::End),
        (None, Some(_)) => Some(Missing::Start),
        (None, None) => Some(Missing::Both),
    }
}

/// Late and unscheduled tasks, in containment order.
fn status<'m>(
    model: &'m Model,
    graph: &Graph<'m>,
    today: Option<Date>,
) -> (Vec<Overdue<'m>>, Vec<Unscheduled<'m>>) {
    let mut overdue = Vec::new();
    let mut unscheduled = Vec::new();
    for row in &graph.rows {
        let Some(e) = model.element_at(row.element as usize) else {
            continue;
        };
        if let Some(missing) = missing(e) {
            unscheduled.push(Unscheduled {
                element: e,
                missing,
            });
        }
        let Some(today) = today else { continue };
        let status = e.status();
        // Each date that exists is checked on its own: a task with only an end still
        // has a deadline.
        let end = e.end().map(|p| p.last_day());
        let start = e.start().map(|p| p.first_day());
        let closed = matches!(status, Some(Status::Done | Status::Cancelled));
        if let Some(end) = end.filter(|d| *d < today && !closed) {
            overdue.push(Overdue {
                element: e,
                status,
                missed: Missed::End,
                date: end,
                late_days: end.days_until(today),
            });
        } else if let Some(start) =
            start.filter(|d| *d < today && status == Some(Status::NotStarted))
        {
            overdue.push(Overdue {
                element: e,
                status,
                missed: Missed::Start,
                date: start,
                late_days: start.days_until(today),
            });
        }
    }
    (overdue, unscheduled)
}
