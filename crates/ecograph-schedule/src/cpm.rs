//! The critical path method over the planned dates: latest dates, slack, the critical
//! path and the conflicts of the plan.

use super::graph::{Graph, INF, ItemKind, Link, NONE, end_of, item_of_event, start_of};
use super::{Conflict, ConflictKind, Finish, TaskSchedule};
use ecograph_core::Element;

/// The plan's analysis, and what the delay propagation needs from it.
#[derive(Debug)]
pub(super) struct Plan<'m> {
    pub finish: Option<Finish<'m>>,
    /// The finish as an end boundary, and the task whose end it is.
    pub finish_value: i64,
    pub finish_item: u32,
    /// The chosen task, when the finish is its end rather than the programme's.
    pub target: Option<u32>,
    pub tasks: Vec<TaskSchedule<'m>>,
    pub critical_path: Vec<Element<'m>>,
    pub on_path: Vec<bool>,
    pub conflicts: Vec<Conflict<'m>>,
}

/// Whether the item's end is measured against the finish directly: for the programme's
/// finish, every task with an end (the programme ends when its last task does); for a
/// chosen task, that task.
pub(super) fn is_sink(g: &Graph<'_>, item: u32, target: Option<u32>) -> bool {
    match target {
        Some(t) => item == t,
        None => (item as usize) < g.task_count && g.dated(end_of(item)),
    }
}

/// Whether the task is a root for the programme's finish: no enclosing task has an end.
fn is_root(g: &Graph<'_>, item: u32) -> bool {
    (item as usize) < g.task_count
        && g.items[item as usize].parent_end == NONE
        && g.dated(end_of(item))
}

/// Only the finish: what the delay propagation needs, without the slack.
pub(super) fn finish<'m>(g: &Graph<'m>, target: Option<u32>) -> Plan<'m> {
    let (finish_item, finish_value) = match target {
        Some(t) => (t, g.planned[end_of(t) as usize]),
        None => {
            let mut best = (NONE, i64::MIN);
            for i in 0..g.task_count as u32 {
                let end = g.planned[end_of(i) as usize];
                if is_root(g, i) && end > best.1 {
                    best = (i, end);
                }
            }
            best
        }
    };
    let finish = g
        .element(finish_item)
        .filter(|_| g.dated(end_of(finish_item)))
        .map(|task| Finish {
            task,
            date: g.day(end_of(finish_item), finish_value),
            chosen: target.is_some(),
        });
    Plan {
        finish,
        finish_value,
        finish_item,
        target,
        tasks: Vec::new(),
        critical_path: Vec::new(),
        on_path: Vec::new(),
        conflicts: Vec::new(),
    }
}

pub(super) fn analyze<'m>(g: &Graph<'m>, target: Option<u32>) -> Plan<'m> {
    let Plan {
        finish,
        finish_value,
        finish_item,
        ..
    } = finish(g, target);

    // Latest values: each event as late as it can be without moving the finish.
    let mut latest = vec![INF; g.planned.len()];
    if finish.is_some() {
        for i in 0..g.task_count as u32 {
            if is_sink(g, i, target) {
                latest[end_of(i) as usize] = finish_value;
            }
        }
    }
    for &v in g.topo.iter().rev() {
        let mut best = latest[v as usize];
        for &e in g.outgoing.of(v) {
            let e = g.edges[e as usize];
            best = best.min(e.link.latest(latest[e.to as usize]));
        }
        latest[v as usize] = best;
    }

    let mut depth = vec![0usize; g.task_count];
    for row in &g.rows {
        if row.item != NONE {
            depth[row.item as usize] = row.depth as usize;
        }
    }
    let mut tasks = Vec::with_capacity(g.task_count);
    for i in 0..g.task_count as u32 {
        let Some(element) = g.element(i) else {
            continue;
        };
        let end = end_of(i);
        let planned_end = g.planned[end as usize];
        let has_end = g.dated(end);
        let total_slack =
            (has_end && latest[end as usize] < INF).then(|| latest[end as usize] - planned_end);
        let mut free: Option<i64> = None;
        for &e in g.outgoing.of(end) {
            let e = g.edges[e as usize];
            if has_end && g.dated(e.to) {
                let room = e.link.latest(g.planned[e.to as usize]) - planned_end;
                free = Some(free.map_or(room, |f| f.min(room)));
            }
        }
        if finish.is_some() && is_sink(g, i, target) {
            let room = finish_value - planned_end;
            free = Some(free.map_or(room, |f| f.min(room)));
        }
        tasks.push(TaskSchedule {
            element,
            start: g
                .dated(start_of(i))
                .then(|| g.day(start_of(i), g.planned[start_of(i) as usize])),
            end: has_end.then(|| g.day(end, planned_end)),
            depth: depth[i as usize],
            total_slack,
            free_slack: free,
            critical: total_slack.is_some_and(|s| s <= 0),
        });
    }

    let (critical_path, on_path) = critical_path(g, &latest, finish.map(|_| finish_item));
    Plan {
        finish,
        finish_value,
        finish_item,
        target,
        tasks,
        critical_path,
        on_path,
        conflicts: conflicts(g),
    }
}

/// Walks back from the finish along binding constraints: at every event, the first
/// incoming edge (in the graph's edge order) from an event without slack whose
/// requirement is the largest and reaches the event's planned value. An item is on the path when the walk crosses its
/// own span, from its start to its end, or stops at its end (a task with no start); a
/// parent whose end is set by a child is not.
fn critical_path<'m>(
    g: &Graph<'m>,
    latest: &[i64],
    finish_item: Option<u32>,
) -> (Vec<Element<'m>>, Vec<bool>) {
    let mut on_path = vec![false; g.items.len()];
    let mut path = Vec::new();
    let Some(item) = finish_item else {
        return (path, on_path);
    };
    let mut v = end_of(item);
    // The graph is acyclic, so the walk ends; the bound is a second guard.
    for _ in 0..g.planned.len() {
        let pv = g.planned[v as usize];
        let mut best: Option<(i64, u32)> = None;
        for &e in g.incoming.of(v) {
            let edge = g.edges[e as usize];
            // Only through events without slack: a month lag can bind and still leave
            // room, since a month after 29, 30 or 31 January is the same day.
            if !g.dated(edge.from) || latest[edge.from as usize] > g.planned[edge.from as usize] {
                continue;
            }
            let need = edge.link.apply(g.planned[edge.from as usize]);
            if need >= pv && best.is_none_or(|(b, _)| need > b) {
                best = Some((need, e));
            }
        }
        let Some((_, e)) = best else {
            let it = item_of_event(v);
            if v % 2 == 1 && !on_path[it as usize] {
                on_path[it as usize] = true;
                if let Some(el) = g.element(it) {
                    path.push(el);
                }
            }
            break;
        };
        let edge = g.edges[e as usize];
        if let Link::Span(_) = edge.link {
            let it = item_of_event(v);
            on_path[it as usize] = true;
            if let Some(el) = g.element(it) {
                path.push(el);
            }
        }
        v = edge.from;
    }
    path.reverse();
    (path, on_path)
}

fn conflicts<'m>(g: &Graph<'m>) -> Vec<Conflict<'m>> {
    let mut found: Vec<(u32, ConflictKind, u32, Conflict<'m>)> = Vec::new();
    for edge in &g.broken {
        let need = edge.link.apply(g.planned[edge.from as usize]);
        let have = g.planned[edge.to as usize];
        if need <= have || g.items[item_of_event(edge.to) as usize].kind == ItemKind::Milestone {
            continue;
        }
        let (from_item, to_item) = (item_of_event(edge.from), item_of_event(edge.to));
        let (kind, item, other, lag, date_ev, other_ev) = match edge.link {
            Link::After { lag } => (
                ConflictKind::DependsOn,
                to_item,
                from_item,
                lag,
                edge.to,
                edge.from,
            ),
            Link::ParentStart => (
                ConflictKind::ParentStart,
                to_item,
                from_item,
                None,
                edge.to,
                edge.from,
            ),
            Link::ParentEnd => (
                ConflictKind::ParentEnd,
                from_item,
                to_item,
                None,
                edge.from,
                edge.to,
            ),
            Link::Span(_) | Link::Produces => continue,
        };
        let (Some(el), Some(oth)) = (g.element(item), g.element(other)) else {
            continue;
        };
        found.push((
            item,
            kind,
            other,
            Conflict {
                kind,
                element: el,
                date: g.day(date_ev, g.planned[date_ev as usize]),
                other: oth,
                other_date: g.day(other_ev, g.planned[other_ev as usize]),
                lag,
                days: need - have,
            },
        ));
    }
    // Stable: two dependencies between the same tasks keep file order.
    found.sort_by_key(|&(item, kind, other, _)| (item, kind, other));
    found.into_iter().map(|(_, _, _, c)| c).collect()
}
