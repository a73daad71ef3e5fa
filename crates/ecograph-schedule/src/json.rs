//! The JSON form of the reports, documented in `docs/schedule.md`. Keys keep the order
//! written here; lists keep report order.

use super::{
    Absorbed, Breach, Conflict, DelayReport, Moved, Overdue, Schedule, TaskSchedule, Unscheduled,
};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

/// A list written item by item as it is serialized, so that a long report is never held
/// as one JSON value.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// The whole analysis: `finish`, `today`, `critical_path`, `tasks`, `conflicts`,
/// `delays`, `moved`, `absorbed`, `breaches`, `overdue` and `unscheduled`, as documented
/// in `docs/schedule.md`. Every list is present, empty when there is nothing to report.
/// Lists are written entry by entry (`serde_json::to_writer` streams them).
impl Serialize for Schedule<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let delay = self.delay.as_ref();
        let none: &[_] = &[];
        let mut m = s.serialize_map(Some(11))?;
        m.serialize_entry(
            "finish",
            &self.finish.map(|f| {
                json!({
                    "task": f.task.id().as_str(),
                    "date": f.date.to_string(),
                    "chosen": f.chosen,
                })
            }),
        )?;
        m.serialize_entry("today", &self.today.map(|d| d.to_string()))?;
        m.serialize_entry(
            "critical_path",
            &Seq(|| self.critical_path.iter().map(|e| e.id().as_str())),
        )?;
        m.serialize_entry("tasks", &Seq(|| self.tasks.iter().map(task)))?;
        m.serialize_entry("conflicts", &Seq(|| self.conflicts.iter().map(conflict)))?;
        m.serialize_entry(
            "delays",
            &Seq(|| delay.map_or(none, |d| &d.delays[..]).iter().map(one_delay)),
        )?;
        m.serialize_entry(
            "moved",
            &Seq(|| delay.map_or(&[][..], |d| &d.moved[..]).iter().map(moved)),
        )?;
        m.serialize_entry(
            "absorbed",
            &Seq(|| {
                delay
                    .map_or(&[][..], |d| &d.absorbed[..])
                    .iter()
                    .map(absorbed)
            }),
        )?;
        m.serialize_entry(
            "breaches",
            &Seq(|| {
                delay
                    .map_or(&[][..], |d| &d.breaches[..])
                    .iter()
                    .map(breach)
            }),
        )?;
        m.serialize_entry("overdue", &Seq(|| self.overdue.iter().map(overdue)))?;
        m.serialize_entry(
            "unscheduled",
            &Seq(|| self.unscheduled.iter().map(unscheduled)),
        )?;
        m.end()
    }
}

/// The delay report: `delays`, `finish` (`task`, `date`, `new_date`, `late_days`; `null`
/// when no task is dated), `moved`, `absorbed` and `breaches`, with the same entries as
/// the whole [`Schedule`].
impl Serialize for DelayReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("delays", &Seq(|| self.delays.iter().map(one_delay)))?;
        m.serialize_entry(
            "finish",
            &self.finish.map(|(f, new)| {
                json!({
                    "task": f.task.id().as_str(),
                    "date": f.date.to_string(),
                    "new_date": new.to_string(),
                    "late_days": f.date.days_until(new).max(0),
                })
            }),
        )?;
        m.serialize_entry("moved", &Seq(|| self.moved.iter().map(moved)))?;
        m.serialize_entry("absorbed", &Seq(|| self.absorbed.iter().map(absorbed)))?;
        m.serialize_entry("breaches", &Seq(|| self.breaches.iter().map(breach)))?;
        m.end()
    }
}

impl Schedule<'_> {
    /// The whole analysis as a JSON value (its [`Serialize`] form); write a large one
    /// with `serde_json::to_writer`, which streams it.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl DelayReport<'_> {
    /// The delay report as a JSON value (its [`Serialize`] form).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

fn one_delay((e, by): &(ecograph_core::Element<'_>, ecograph_core::Duration)) -> Value {
    json!({ "id": e.id().as_str(), "by": by.to_string() })
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
