//! The JSON form of the reports, documented in `docs/schedule.md`. Keys keep the order
//! written here; lists keep report order.

use super::{
    Absorbed, Breach, Conflict, DelayReport, Moved, Overdue, Schedule, TaskSchedule, Unscheduled,
};
use serde_json::{Value, json};

impl Schedule<'_> {
    /// The whole analysis as JSON: `finish`, `today`, `critical_path`, `tasks`,
    /// `conflicts`, `delays`, `moved`, `absorbed`, `breaches`, `overdue` and
    /// `unscheduled`. Every list is present, empty when there is nothing to report.
    pub fn to_json(&self) -> Value {
        let delay = self.delay.as_ref();
        let list = |f: &dyn Fn(&DelayReport<'_>) -> Value| delay.map_or_else(|| json!([]), f);
        json!({
            "finish": self.finish.map(|f| json!({
                "task": f.task.id().as_str(),
                "date": f.date.to_string(),
                "chosen": f.chosen,
            })),
            "today": self.today.map(|d| d.to_string()),
            "critical_path": self.critical_path.iter().map(|e| e.id().as_str()).collect::<Vec<_>>(),
            "tasks": self.tasks.iter().map(task).collect::<Vec<_>>(),
            "conflicts": self.conflicts.iter().map(conflict).collect::<Vec<_>>(),
            "delays": list(&|d| delays(d)),
            "moved": list(&|d| d.moved.iter().map(moved).collect()),
            "absorbed": list(&|d| d.absorbed.iter().map(absorbed).collect()),
            "breaches": list(&|d| d.breaches.iter().map(breach).collect()),
            "overdue": self.overdue.iter().map(overdue).collect::<Vec<_>>(),
            "unscheduled": self.unscheduled.iter().map(unscheduled).collect::<Vec<_>>(),
        })
    }
}

impl DelayReport<'_> {
    /// The delay report as JSON: `delays`, `finish` (`task`, `date`, `new_date`,
    /// `late_days`; `null` when no task is dated), `moved`, `absorbed` and `breaches`,
    /// with the same entries as in [`Schedule::to_json`].
    pub fn to_json(&self) -> Value {
        json!({
            "delays": delays(self),
            "finish": self.finish.map(|(f, new)| json!({
                "task": f.task.id().as_str(),
                "date": f.date.to_string(),
                "new_date": new.to_string(),
                "late_days": f.date.days_until(new).max(0),
            })),
            "moved": self.moved.iter().map(moved).collect::<Vec<_>>(),
            "absorbed": self.absorbed.iter().map(absorbed).collect::<Vec<_>>(),
            "breaches": self.breaches.iter().map(breach).collect::<Vec<_>>(),
        })
    }
}

fn delays(d: &DelayReport<'_>) -> Value {
    d.delays
        .iter()
        .map(|(e, by)| json!({ "id": e.id().as_str(), "by": by.to_string() }))
        .collect()
}

fn task(t: &TaskSchedule<'_>) -> Value {
    json!({
        "id": t.element.id().as_str(),
        "start": t.start.map(|d| d.to_string()),
        "end": t.end.map(|d| d.to_string()),
        "status": t.element.status().map(|s| s.as_str()),
        "depth": t.depth,
        "total_slack_days": t.total_slack,
        "free_slack_days": t.free_slack,
        "critical": t.critical,
    })
}

fn conflict(c: &Conflict<'_>) -> Value {
    json!({
        "kind": c.kind.as_str(),
        "id": c.element.id().as_str(),
        "date": c.date.to_string(),
        "other": c.other.id().as_str(),
        "other_date": c.other_date.to_string(),
        "lag": c.lag.map(|l| l.to_string()),
        "days": c.days,
    })
}

fn moved(m: &Moved<'_>) -> Value {
    json!({
        "id": m.element.id().as_str(),
        "kind": m.element.kind().as_str(),
        "old_start": m.old_start.map(|d| d.to_string()),
        "old_end": m.old_end.map(|d| d.to_string()),
        "new_start": m.new_start.map(|d| d.to_string()),
        "new_end": m.new_end.map(|d| d.to_string()),
        "shift_days": m.shift_days,
    })
}

fn absorbed(a: &Absorbed<'_>) -> Value {
    json!({
        "id": a.element.id().as_str(),
        "by": a.by.id().as_str(),
        "slip_days": a.slip_days,
        "absorbed_days": a.absorbed_days,
        "reason": a.reason.as_str(),
    })
}

fn breach(b: &Breach<'_>) -> Value {
    json!({
        "id": b.element.id().as_str(),
        "kind": b.kind.as_str(),
        "deadline": b.deadline.to_string(),
        "new_end": b.new_end.to_string(),
        "late_days": b.late_days,
    })
}

fn overdue(o: &Overdue<'_>) -> Value {
    json!({
        "id": o.element.id().as_str(),
        "status": o.status.map(|s| s.as_str()),
        "missed": o.missed.as_str(),
        "date": o.date.to_string(),
        "late_days": o.late_days,
    })
}

fn unscheduled(u: &Unscheduled<'_>) -> Value {
    json!({ "id": u.element.id().as_str(), "missing": u.missing.as_str() })
}
