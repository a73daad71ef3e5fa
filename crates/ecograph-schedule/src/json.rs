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
        let mut m = s.serialize_map(Some(Schedule::JSON_KEYS.len()))?;
        for key in Schedule::JSON_KEYS {
            m.serialize_entry(
                key,
                &JsonEntry {
                    schedule: self,
                    key,
                },
            )?;
        }
        m.end()
    }
}

/// The value of one key of a [`Schedule`]'s JSON form ([`Schedule::json_entry`]).
#[derive(Debug, Clone, Copy)]
pub struct JsonEntry<'s, 'm> {
    schedule: &'s Schedule<'m>,
    key: &'static str,
}

impl Serialize for JsonEntry<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sc = self.schedule;
        let delay = sc.delay.as_ref();
        let none: &[_] = &[];
        match self.key {
            "finish" => sc
                .finish
                .map(|f| {
                    json!({
                        "task": f.task.id().as_str(),
                        "date": f.date.to_string(),
                        "chosen": f.chosen,
                    })
                })
                .serialize(s),
            "today" => sc.today.map(|d| d.to_string()).serialize(s),
            "critical_path" => s.collect_seq(sc.critical_path.iter().map(|e| e.id().as_str())),
            "tasks" => s.collect_seq(sc.tasks.iter().map(task)),
            "conflicts" => s.collect_seq(sc.conflicts.iter().map(conflict)),
            "delays" => s.collect_seq(delay.map_or(none, |d| &d.delays[..]).iter().map(one_delay)),
            "moved" => s.collect_seq(delay.map_or(&[][..], |d| &d.moved[..]).iter().map(moved)),
            "absorbed" => s.collect_seq(
                delay
                    .map_or(&[][..], |d| &d.absorbed[..])
                    .iter()
                    .map(absorbed),
            ),
            "breaches" => s.collect_seq(
                delay
                    .map_or(&[][..], |d| &d.breaches[..])
                    .iter()
                    .map(breach),
            ),
            "overdue" => s.collect_seq(sc.overdue.iter().map(overdue)),
            "unscheduled" => s.collect_seq(sc.unscheduled.iter().map(unscheduled)),
            _ => s.serialize_none(),
        }
    }
}

impl<'m> Schedule<'m> {
    /// The keys of the JSON form, in the order it writes them.
    pub const JSON_KEYS: [&'static str; 11] = [
        "finish",
        "today",
        "critical_path",
        "tasks",
        "conflicts",
        "delays",
        "moved",
        "absorbed",
        "breaches",
        "overdue",
        "unscheduled",
    ];

    /// The value of `key` in the JSON form, to serialize on its own: for a caller that
    /// writes some of the entries, in an order of its own, without holding the whole
    /// analysis as one JSON value. `None` when the form has no such key.
    pub fn json_entry<'s>(&'s self, key: &str) -> Option<JsonEntry<'s, 'm>> {
        let key = Schedule::JSON_KEYS.into_iter().find(|k| *k == key)?;
        Some(JsonEntry {
            schedule: self,
            key,
        })
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
