//! Delay propagation: push the delayed ends forward through the constraint graph.

use super::cpm::{Plan, is_sink};
use super::graph::{Graph, NONE, end_of, item_of_event, start_of};
use super::{Absorbed, AbsorbedBy, Breach, BreachKind, DelayReport, Error, Moved, dated_task};
use ecograph_core::time::DurationUnit;
use ecograph_core::{Date, Duration};

/// Delays the ends of the given tasks and reports what moves.
///
/// One forward pass in topological order. An event moves only when something it waits
/// for moved: the planned dates stay as they are otherwise, conflicts included. On an
/// edge whose requirement already exceeded the plan (a conflict), only the increase
/// passes on, so a delay never compounds an old conflict.
pub(super) fn propagate<'m>(
    g: &Graph<'m>,
    plan: &Plan<'m>,
    delays: &[(String, Duration)],
) -> Result<DelayReport<'m>, Error> {
    let mut given = Vec::with_capacity(delays.len());
    let mut seeds: Vec<(u32, i64)> = Vec::with_capacity(delays.len());
    let mut seed_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for (id, by) in delays {
        let item = dated_task(g, id)?;
        if g.items[item as usize].done {
            return Err(Error::Done { id: id.clone() });
        }
        if let Some(e) = g.element(item) {
            given.push((e, *by));
        }
        let event = end_of(item);
        let at = *seed_of.entry(event).or_insert_with(|| {
            seeds.push((event, g.planned[event as usize]));
            seeds.len() - 1
        });
        seeds[at].1 = shift(seeds[at].1, *by);
        too_late(g, event, seeds[at].1)?;
    }
    seeds.sort_unstable();

    let mut new = g.planned.clone();
    let mut absorbed: Vec<(u32, u32, i64, i64, AbsorbedBy)> = Vec::new();
    let mut pushes: Vec<(u32, i64)> = Vec::new();
    for &v in &g.topo {
        if !g.dated(v) {
            continue;
        }
        let planned = g.planned[v as usize];
        let mut value = planned;
        if let Ok(at) = seeds.binary_search_by_key(&v, |&(e, _)| e) {
            value = value.max(seeds[at].1);
        }
        pushes.clear();
        let here = item_of_event(v);
        for &e in g.incoming.of(v) {
            let edge = g.edges[e as usize];
            let u = edge.from as usize;
            if new[u] == g.planned[u] || !g.dated(edge.from) {
                continue;
            }
            let before = edge.link.apply(g.planned[u]);
            let after = edge.link.apply(new[u]);
            if after <= before {
                continue;
            }
            let base = planned.max(before);
            if after > base {
                value = value.max(planned + (after - base));
            }
            let from = item_of_event(edge.from);
            if from != here {
                pushes.push((from, after - before));
            }
        }
        let done = g.items[here as usize].done;
        if !done {
            too_late(g, v, value)?;
            new[v as usize] = value;
        }
        let moved = new[v as usize] - planned;
        let reason = if done {
            AbsorbedBy::Done
        } else {
            AbsorbedBy::Slack
        };
        for &(from, slip) in &pushes {
            if slip > moved {
                absorbed.push((here, from, slip, slip - moved, reason));
            }
        }
    }
    absorbed.sort_by_key(|&(here, from, ..)| (here, from));
    absorbed.dedup_by_key(|&mut (here, from, ..)| (here, from));

    let mut moved = Vec::new();
    for item in 0..g.items.len() as u32 {
        let (s, e) = (start_of(item), end_of(item));
        let shift = |v: u32| new[v as usize] - g.planned[v as usize];
        if shift(s) == 0 && shift(e) == 0 {
            continue;
        }
        let Some(element) = g.element(item) else {
            continue;
        };
        let date = |v: u32, values: &[i64]| g.dated(v).then(|| g.day(v, values[v as usize]));
        moved.push(Moved {
            element,
            old_start: date(s, &g.planned),
            old_end: date(e, &g.planned),
            new_start: date(s, &new),
            new_end: date(e, &new),
            shift_days: if g.dated(e) { shift(e) } else { shift(s) },
        });
    }

    let mut breaches = Vec::new();
    let mut finish = None;
    if let Some(f) = plan.finish {
        // How far past the finish a task's end moves; a task that already ended after
        // it (a conflict) counts only with its own increase.
        let mut late = (NONE, 0i64);
        for item in 0..g.task_count as u32 {
            let e = end_of(item) as usize;
            let past = new[e] - g.planned[e].max(plan.finish_value);
            if is_sink(g, item, plan.target) && new[e] > g.planned[e] && past > late.1 {
                late = (item, past);
            }
        }
        let new_value = plan.finish_value + late.1;
        let new_date = g.day(end_of(plan.finish_item), new_value);
        if let Some(element) = g.element(late.0) {
            breaches.push(Breach {
                kind: BreachKind::Finish,
                element,
                deadline: f.date,
                new_end: new_date,
                late_days: late.1,
            });
        }
        finish = Some((f, new_date));
    }
    for item in 0..g.task_count as u32 {
        let e = end_of(item) as usize;
        if !g.items[item as usize].has_children || new[e] <= g.planned[e] {
            continue;
        }
        let Some(element) = g.element(item) else {
            continue;
        };
        let (deadline, new_end) = (g.day(e as u32, g.planned[e]), g.day(e as u32, new[e]));
        // A programme task whose deadline is the finish is reported once, as the finish.
        if breaches.iter().any(|b: &Breach<'_>| {
            b.element == element && b.deadline == deadline && b.new_end == new_end
        }) {
            continue;
        }
        breaches.push(Breach {
            kind: BreachKind::Parent,
            element,
            deadline,
            new_end,
            late_days: new[e] - g.planned[e],
        });
    }

    let absorbed = absorbed
        .into_iter()
        .filter_map(|(here, from, slip, days, reason)| {
            Some(Absorbed {
                element: g.element(here)?,
                by: g.element(from)?,
                slip_days: slip,
                absorbed_days: days,
                reason,
            })
        })
        .collect();
    Ok(DelayReport {
        delays: given,
        finish,
        moved,
        absorbed,
        breaches,
    })
}

/// [`Error::PastYear9999`] when the value of event `v` falls after 9999-12-31, the last
/// day a date can have. Checked at every step, so a value is never more than one delay or
/// lag (at most a million years) past it, far from where day arithmetic overflows.
fn too_late(g: &Graph<'_>, v: u32, value: i64) -> Result<(), Error> {
    let last = Date::new(9999, 12, 31).map_or(i64::MAX, Date::to_days);
    // End boundaries are the day after their last day.
    let day = if v % 2 == 1 { value - 1 } else { value };
    if day <= last {
        return Ok(());
    }
    let id = g
        .element(item_of_event(v))
        .map(|e| e.id().to_string())
        .unwrap_or_default();
    Err(Error::PastYear9999 {
        id,
        year: Date::from_days(day).year().into(),
    })
}

/// An end boundary (the day after the last day) pushed by a duration, by the calendar:
/// the last day moves by the months or years, a month's last day to the last day of the
/// month it lands in (an end on 30 June delayed by `2m` ends on 31 August, on 30 March
/// by `1m` on 30 April, on 31 January by `1m` on 28 or 29 February).
fn shift(boundary: i64, by: Duration) -> i64 {
    let last = Date::from_days(boundary - 1);
    let moved = by.after(last);
    let month_end = |d: Date| d.add_days(1).month() != d.month();
    let moved = if month_end(last) && !matches!(by.unit(), DurationUnit::Days | DurationUnit::Weeks)
    {
        // The day before the first of the next month.
        moved
            .add_days(1 - i64::from(moved.day()))
            .add_months(1)
            .add_days(-1)
    } else {
        moved
    };
    moved.to_days() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundary(y: i32, m: u8, d: u8) -> i64 {
        Date::new(y, m, d).expect("a date").to_days() + 1
    }

    fn last_day(boundary: i64) -> String {
        Date::from_days(boundary - 1).to_string()
    }

    #[test]
    fn a_delay_in_months_moves_the_last_day_by_the_calendar() {
        let month = Duration::new(1, DurationUnit::Months);
        let year = Duration::new(1, DurationUnit::Years);
        for (from, by, to) in [
            ((2023, 3, 30), month, "2023-04-30"),
            ((2023, 1, 28), month, "2023-02-28"),
            ((2023, 1, 30), month, "2023-02-28"),
            ((2023, 1, 31), month, "2023-02-28"),
            ((2024, 1, 29), month, "2024-02-29"),
            ((2024, 2, 29), month, "2024-03-31"),
            (
                (2023, 6, 30),
                Duration::new(2, DurationUnit::Months),
                "2023-08-31",
            ),
            ((2024, 2, 28), year, "2025-02-28"),
            ((2024, 2, 29), year, "2025-02-28"),
            ((2023, 12, 31), month, "2024-01-31"),
            (
                (2023, 3, 30),
                Duration::new(1, DurationUnit::Days),
                "2023-03-31",
            ),
            (
                (2023, 3, 30),
                Duration::new(2, DurationUnit::Weeks),
                "2023-04-13",
            ),
        ] {
            let (y, m, d) = from;
            assert_eq!(
                last_day(shift(boundary(y, m, d), by)),
                to,
                "{from:?} + {by}"
            );
        }
    }

    /// Every last day of 2020–2027 moved by 0–30 months, against the calendar rule
    /// worked out from a table of month lengths.
    #[test]
    fn every_month_delay_matches_the_month_table() {
        let length = |y: i32, m: u8| match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        for y in 2020..2028 {
            for m in 1..=12u8 {
                for d in 1..=length(y, m) {
                    for n in 0..=30u32 {
                        let months = i64::from(y) * 12 + i64::from(m) - 1 + i64::from(n);
                        let (ty, tm) = (
                            i32::try_from(months / 12).expect("a year"),
                            u8::try_from(months % 12 + 1).expect("a month"),
                        );
                        let day = if d == length(y, m) {
                            length(ty, tm)
                        } else {
                            d.min(length(ty, tm))
                        };
                        let by = Duration::new(n, DurationUnit::Months);
                        assert_eq!(
                            last_day(shift(boundary(y, m, d), by)),
                            format!("{ty:04}-{tm:02}-{day:02}"),
                            "{y}-{m}-{d} + {n}m"
                        );
                    }
                }
            }
        }
    }
}
