//! The constraint graph behind the schedule: two events, a start and an end, for every
//! dated task and every deliverable, and one edge per constraint between events.
//!
//! Event values are day numbers ([`Date::to_days`]) of *boundaries*: a start is its
//! first day, an end is the day after its last day. With boundaries a task that ends in
//! June and a task that starts in July meet exactly, durations are plain differences, and
//! a lag of `1m` after a June end lands on 1 August, a period start again.

use super::Error;
use ecograph_core::{
    Date, Duration, Element, ElementKind, Model, RelationKind, time::DurationUnit,
};
use std::collections::VecDeque;

/// Below every real date: an event with no date (a deliverable nothing produces).
pub(super) const NEG: i64 = i64::MIN / 4;
/// Above every real date: no latest date.
pub(super) const INF: i64 = i64::MAX / 4;
/// "No such index" in the dense `u32` arrays.
pub(super) const NONE: u32 = u32::MAX;

/// What a constraint edge from event `u` to event `v` requires: `v >= link.apply(u)`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Link {
    /// From an item's start to its end: the end is at least this many days later.
    Span(i64),
    /// `depends_on`: from the end of `to` to the start of `from`, plus the lag.
    After { lag: Option<Duration> },
    /// `produces`: from a task's end to its deliverable.
    Produces,
    /// From a parent's start to a child's start: a child starts within its parent.
    ParentStart,
    /// From a child's end to its parent's end: a parent spans its children.
    ParentEnd,
}

impl Link {
    /// The earliest value the target event may take when the source event is at `x`.
    pub(super) fn apply(self, x: i64) -> i64 {
        if x <= NEG || x >= INF {
            return x;
        }
        let y = match self {
            Link::Span(d) => x + d,
            Link::After { lag: None } | Link::Produces | Link::ParentStart | Link::ParentEnd => x,
            Link::After { lag: Some(lag) } => match lag_days(lag) {
                Some(days) => x + days,
                None => lag.after(Date::from_days(x)).to_days(),
            },
        };
        y.clamp(NEG + 1, INF - 1)
    }

    /// The latest value the source event may take so that the target event can stay at
    /// `y`: the largest `x` with `apply(x) <= y`.
    pub(super) fn latest(self, y: i64) -> i64 {
        if y <= NEG || y >= INF {
            return y;
        }
        let x = match self {
            Link::Span(d) => y - d,
            Link::After { lag: None } | Link::Produces | Link::ParentStart | Link::ParentEnd => y,
            Link::After { lag: Some(lag) } => match lag_days(lag) {
                Some(days) => y - days,
                None => {
                    // Calendar months clamp to the month's end, so `apply` is monotone
                    // but not injective: start from the calendar inverse and step to the
                    // exact largest preimage (a few days at most).
                    let mut x = lag.before(Date::from_days(y)).to_days();
                    for _ in 0..8 {
                        if self.apply(x) > y {
                            x -= 1;
                        } else {
                            break;
                        }
                    }
                    for _ in 0..8 {
                        if self.apply(x + 1) <= y {
                            x += 1;
                        } else {
                            break;
                        }
                    }
                    x
                }
            },
        };
        x.clamp(NEG + 1, INF - 1)
    }
}

/// A lag in whole days when it has a fixed length (days and weeks).
fn lag_days(lag: Duration) -> Option<i64> {
    let n = i64::from(lag.amount());
    match lag.unit() {
        DurationUnit::Days => Some(n),
        DurationUnit::Weeks => Some(7 * n),
        _ => None,
    }
}

/// One constraint.
#[derive(Debug, Clone, Copy)]
pub(super) struct Edge {
    pub from: u32,
    pub to: u32,
    pub link: Link,
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKind {
    /// A task with a start and an end.
    Task,
    /// A deliverable: ready when its producers end and its prerequisites allow.
    Milestone,
}

/// A task or deliverable in the graph. Item `i` owns events `2 * i` (start) and
/// `2 * i + 1` (end); a task with only one date has the other event undated.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    pub element: u32,
    pub kind: ItemKind,
    pub done: bool,
    /// The nearest enclosing task with a start, which this item's start must not precede.
    pub parent_start: u32,
    /// The nearest enclosing task with an end, which this item's end must not pass.
    pub parent_end: u32,
    /// Whether the task contains tasks (dated or not).
    pub has_children: bool,
}

/// A task in containment order: one row of the report and of the Gantt chart.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub element: u32,
    /// The number of tasks that contain it.
    pub depth: u32,
    /// Its item, when it is dated.
    pub item: u32,
}

/// Dates the deliverables: each is ready when the latest of its constraints allows (its
/// producers' ends, its prerequisites' ends plus lags), in topological order of the
/// deliverables among themselves. A deliverable with no dated constraint stays undated.
/// Returns each deliverable's place in that order.
fn milestone_dates(items: &[Item], edges: &[Edge], planned: &mut [i64]) -> Vec<u32> {
    let events = planned.len();
    let is_milestone = |v: u32| items[item_of_event(v) as usize].kind == ItemKind::Milestone;
    let edges: Vec<Edge> = edges
        .iter()
        .filter(|e| is_milestone(e.to))
        .copied()
        .collect();
    let edges = &edges[..];
    let incoming = Adjacency::build(events, edges, |e| e.to);
    let outgoing = Adjacency::build(events, edges, |e| e.from);
    // Waiting count per deliverable start: its constraints that come from deliverables.
    let mut waiting = vec![0u32; events];
    for e in edges
        .iter()
        .filter(|e| is_milestone(e.to) && is_milestone(e.from) && e.to % 2 == 0)
    {
        waiting[e.to as usize] += 1;
    }
    let mut ready: VecDeque<u32> = (0..items.len() as u32)
        .filter(|&i| {
            items[i as usize].kind == ItemKind::Milestone && waiting[start_of(i) as usize] == 0
        })
        .collect();
    let mut rank = vec![0u32; items.len()];
    let mut next = 0u32;
    while let Some(item) = ready.pop_front() {
        rank[item as usize] = next;
        next += 1;
        let start = start_of(item);
        let date = incoming
            .of(start)
            .iter()
            .map(|&e| {
                let e = edges[e as usize];
                e.link.apply(planned[e.from as usize])
            })
            .max()
            .unwrap_or(NEG);
        planned[start as usize] = date;
        planned[end_of(item) as usize] = date;
        for &e in outgoing.of(end_of(item)) {
            let to = edges[e as usize].to;
            if is_milestone(to) {
                waiting[to as usize] -= 1;
                if waiting[to as usize] == 0 {
                    ready.push_back(item_of_event(to));
                }
            }
        }
    }
    rank
}

/// A step of the containment walk: an element, the nearest enclosing tasks with a start
/// and with an end, its task depth and the row of its parent task.
struct Frame {
    element: u32,
    start: u32,
    end: u32,
    depth: u32,
    row: u32,
}

/// Compressed adjacency: the edges of event `v` are `list[start[v]..start[v + 1]]`, in
/// the order they were added.
#[derive(Debug)]
pub(super) struct Adjacency {
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Adjacency {
    fn build(events: usize, edges: &[Edge], key: impl Fn(&Edge) -> u32) -> Adjacency {
        let mut start = vec![0u32; events + 1];
        for e in edges {
            start[key(e) as usize + 1] += 1;
        }
        for i in 0..events {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut list = vec![0u32; edges.len()];
        for (i, e) in edges.iter().enumerate() {
            let slot = &mut fill[key(e) as usize];
            list[*slot as usize] = i as u32;
            *slot += 1;
        }
        Adjacency { start, list }
    }

    pub(super) fn of(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.list[self.start[v] as usize..self.start[v + 1] as usize]
    }
}

/// The whole graph, with the planned value of every event.
#[derive(Debug)]
pub(super) struct Graph<'m> {
    pub model: &'m Model,
    /// In report order: dated tasks in containment order, then deliverables in file
    /// order. Task items are therefore `0..task_count`.
    pub items: Vec<Item>,
    pub task_count: usize,
    /// Per element, its item or [`NONE`].
    pub item_of: Vec<u32>,
    /// Every task, dated or not, in containment order.
    pub rows: Vec<Row>,
    /// The constraints the planned dates satisfy: the graph the analysis runs on.
    pub edges: Vec<Edge>,
    /// The constraints the planned dates break: the plan's conflicts.
    pub broken: Vec<Edge>,
    pub outgoing: Adjacency,
    pub incoming: Adjacency,
    /// Every event, each after all events it depends on.
    pub topo: Vec<u32>,
    /// Per event, the planned boundary day ([`NEG`] for a deliverable with no date).
    pub planned: Vec<i64>,
}

pub(super) fn start_of(item: u32) -> u32 {
    2 * item
}
pub(super) fn end_of(item: u32) -> u32 {
    2 * item + 1
}
pub(super) fn item_of_event(event: u32) -> u32 {
    event / 2
}

impl<'m> Graph<'m> {
    /// Builds the graph of a model in O(elements + relations).
    ///
    /// # Errors
    /// [`Error::Cycle`] if the constraints the plan satisfies still form a cycle,
    /// which the dates make impossible; kept as a guard rather than a panic.
    pub(super) fn build(model: &'m Model) -> Result<Graph<'m>, Error> {
        let n = model.element_count();
        let mut item_of = vec![NONE; n];
        let mut items: Vec<Item> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let mut planned: Vec<i64> = Vec::new();

        // Containment order: depth first from the roots, children in file order. Tasks
        // sit under tasks and groups only, so nothing else is entered; the kinds are
        // read once, in file order, to keep the walk off the element records.
        let mut kinds: Vec<ElementKind> = Vec::with_capacity(n);
        let mut roots: Vec<u32> = Vec::new();
        for e in model.elements() {
            let kind = e.kind();
            kinds.push(kind);
            if matches!(kind, ElementKind::Task | ElementKind::Group) && e.parent().is_none() {
                roots.push(e.index() as u32);
            }
        }
        let mut stack: Vec<Frame> = Vec::new();
        for root in roots {
            stack.push(Frame {
                element: root,
                start: NONE,
                end: NONE,
                depth: 0,
                row: NONE,
            });
            while let Some(f) = stack.pop() {
                let Some(e) = model.element_at(f.element as usize) else {
                    continue;
                };
                if kinds[f.element as usize] == ElementKind::Group {
                    for c in e.children().rev() {
                        if matches!(kinds[c.index()], ElementKind::Task | ElementKind::Group) {
                            stack.push(Frame {
                                element: c.index() as u32,
                                start: NONE,
                                end: NONE,
                                depth: 0,
                                row: NONE,
                            });
                        }
                    }
                    continue;
                }
                if let Some(parent) = rows.get(f.row as usize)
                    && parent.item != NONE
                {
                    items[parent.item as usize].has_children = true;
                }
                let mut row = Row {
                    element: f.element,
                    depth: f.depth,
                    item: NONE,
                };
                let (mut start_above, mut end_above) = (f.start, f.end);
                let (start, end) = (e.start(), e.end());
                if start.is_some() || end.is_some() {
                    let item = items.len() as u32;
                    items.push(Item {
                        element: f.element,
                        kind: ItemKind::Task,
                        done: e.status() == Some(ecograph_core::Status::Done),
                        parent_start: f.start,
                        parent_end: f.end,
                        has_children: false,
                    });
                    planned.push(start.map_or(NEG, |p| p.first_day().to_days()));
                    planned.push(end.map_or(NEG, |p| p.last_day().to_days() + 1));
                    item_of[f.element as usize] = item;
                    row.item = item;
                    if start.is_some() {
                        start_above = item;
                    }
                    if end.is_some() {
                        end_above = item;
                    }
                }
                let this_row = rows.len() as u32;
                rows.push(row);
                for c in e.children().rev() {
                    stack.push(Frame {
                        element: c.index() as u32,
                        start: start_above,
                        end: end_above,
                        depth: f.depth + 1,
                        row: this_row,
                    });
                }
            }
        }
        let task_count = items.len();
        for d in model.elements_of_kind(ElementKind::Deliverable) {
            item_of[d.index()] = items.len() as u32;
            items.push(Item {
                element: d.index() as u32,
                kind: ItemKind::Milestone,
                done: false,
                parent_start: NONE,
                parent_end: NONE,
                has_children: false,
            });
            planned.push(NEG);
            planned.push(NEG);
        }

        // Edge order matters to the critical path, which prefers the first binding edge:
        // at an end, a child that ends last before the item's own span; at a start, a
        // dependency before the parent's start.
        let mut edges: Vec<Edge> = Vec::with_capacity(model.relation_count() / 4 + 3 * items.len());
        let dated = |v: u32| planned[v as usize] > NEG;
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            if item.parent_end != NONE && dated(end_of(i)) {
                edges.push(Edge {
                    from: end_of(i),
                    to: end_of(item.parent_end),
                    link: Link::ParentEnd,
                });
            }
        }
        for r in model.relations() {
            let link = match r.kind() {
                RelationKind::DependsOn => Link::After { lag: r.lag() },
                RelationKind::Produces => Link::Produces,
                _ => continue,
            };
            let (from, to) = (item_of[r.from().index()], item_of[r.to().index()]);
            if from == NONE || to == NONE {
                continue;
            }
            // `a depends_on b`: b's end constrains a's start. `t produces d`: t's end
            // constrains d.
            let (src, dst) = match link {
                Link::Produces => (from, to),
                _ => (to, from),
            };
            let (src, dst) = (end_of(src), start_of(dst));
            // A deliverable's date is not known yet; a task's undated event constrains
            // nothing and is constrained by nothing.
            let known =
                |v: u32| items[item_of_event(v) as usize].kind == ItemKind::Milestone || dated(v);
            if known(src) && known(dst) {
                edges.push(Edge {
                    from: src,
                    to: dst,
                    link,
                });
            }
        }
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            if item.parent_start != NONE && dated(start_of(i)) {
                edges.push(Edge {
                    from: start_of(item.parent_start),
                    to: start_of(i),
                    link: Link::ParentStart,
                });
            }
        }
        for (i, item) in items.iter().enumerate() {
            let i = i as u32;
            let span = match item.kind {
                ItemKind::Task if dated(start_of(i)) && dated(end_of(i)) => {
                    planned[end_of(i) as usize] - planned[start_of(i) as usize]
                }
                ItemKind::Task => continue,
                ItemKind::Milestone => 0,
            };
            edges.push(Edge {
                from: start_of(i),
                to: end_of(i),
                link: Link::Span(span),
            });
        }

        let events = 2 * items.len();
        let rank = milestone_dates(&items, &edges, &mut planned);

        // A constraint the planned dates already break is a conflict: reported, and
        // left out of the graph the analysis runs on. What remains is acyclic: every
        // cycle of constraints passes through a task's span (at least one day), so
        // dates that satisfy all of its constraints cannot exist.
        let holds = |e: &Edge| planned[e.from as usize] > NEG && planned[e.to as usize] > NEG;
        let (edges, broken): (Vec<Edge>, Vec<Edge>) = edges
            .into_iter()
            .filter(holds)
            .partition(|e| e.link.apply(planned[e.from as usize]) <= planned[e.to as usize]);
        let outgoing = Adjacency::build(events, &edges, |e| e.from);
        let incoming = Adjacency::build(events, &edges, |e| e.to);
        let mut graph = Graph {
            model,
            items,
            task_count,
            item_of,
            rows,
            edges,
            broken,
            outgoing,
            incoming,
            topo: Vec::new(),
            planned,
        };
        graph.topo = graph.date_order(&rank);
        debug_assert!(graph.is_topological(), "the date order is topological");
        if !graph.is_topological() {
            graph.topo = graph.sort()?;
        }
        Ok(graph)
    }

    /// Every event in an order that puts each constraint's source before its target,
    /// read off the dates: a kept constraint never points to an earlier value (spans and
    /// lags are not negative), and among events of one day the zero-length constraints
    /// run from task ends (deepest first) to deliverables (in their own order, start
    /// before end) to task starts (outermost first). Sorting beats a graph traversal
    /// here: it reads memory in order.
    fn date_order(&self, rank: &[u32]) -> Vec<u32> {
        let mut depth = vec![0u32; self.task_count];
        for row in &self.rows {
            if row.item != NONE {
                depth[row.item as usize] = row.depth;
            }
        }
        let key = |v: u32| -> (i64, u32) {
            let item = item_of_event(v) as usize;
            let sub = match (self.items[item].kind, v % 2) {
                (ItemKind::Task, 1) => (1 << 30) - 1 - depth[item].min((1 << 30) - 1),
                (ItemKind::Task, _) => (3 << 30) + depth[item].min((1 << 30) - 1),
                (ItemKind::Milestone, end) => (1 << 30) + 2 * rank[item] + end,
            };
            (self.planned[v as usize], sub)
        };
        let mut keyed: Vec<(i64, u32, u32)> = (0..self.planned.len() as u32)
            .map(|v| {
                let (day, sub) = key(v);
                (day, sub, v)
            })
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(.., v)| v).collect()
    }

    /// Whether `topo` puts every constraint's source before its target.
    fn is_topological(&self) -> bool {
        let mut position = vec![0u32; self.planned.len()];
        for (i, &v) in self.topo.iter().enumerate() {
            position[v as usize] = i as u32;
        }
        self.topo.len() == self.planned.len()
            && self
                .edges
                .iter()
                .all(|e| position[e.from as usize] < position[e.to as usize])
    }

    /// Kahn's algorithm with a FIFO queue seeded in event order: deterministic. Only a
    /// fallback for [`Graph::date_order`], which cannot fail on dates that satisfy the
    /// kept constraints.
    fn sort(&self) -> Result<Vec<u32>, Error> {
        let events = self.planned.len();
        let mut indegree: Vec<u32> = (0..events as u32)
            .map(|v| self.incoming.of(v).len() as u32)
            .collect();
        let mut queue: VecDeque<u32> = (0..events as u32)
            .filter(|&v| indegree[v as usize] == 0)
            .collect();
        let mut order = Vec::with_capacity(events);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            for &e in self.outgoing.of(v) {
                let w = self.edges[e as usize].to;
                indegree[w as usize] -= 1;
                if indegree[w as usize] == 0 {
                    queue.push_back(w);
                }
            }
        }
        if order.len() == events {
            return Ok(order);
        }
        Err(Error::Cycle {
            ids: self.cycle(&indegree),
        })
    }

    /// A cycle among the events Kahn's algorithm could not place, as element ids in
    /// the direction the constraints run, first id repeated at the end.
    fn cycle(&self, indegree: &[u32]) -> Vec<String> {
        let Some(first) = (0..indegree.len()).find(|&v| indegree[v] > 0) else {
            return Vec::new();
        };
        // Every unplaced event has an unplaced predecessor: walk back until a repeat.
        let mut seen = vec![NONE; indegree.len()];
        let mut walk: Vec<u32> = Vec::new();
        let mut v = first as u32;
        while seen[v as usize] == NONE {
            seen[v as usize] = walk.len() as u32;
            walk.push(v);
            let pred = self
                .incoming
                .of(v)
                .iter()
                .map(|&e| self.edges[e as usize].from)
                .find(|&u| indegree[u as usize] > 0);
            match pred {
                Some(u) => v = u,
                None => break,
            }
        }
        let from = seen[v as usize] as usize;
        let mut events: Vec<u32> = walk.get(from..).map(<[u32]>::to_vec).unwrap_or_default();
        events.reverse();
        let mut ids: Vec<String> = Vec::new();
        for ev in events {
            let element = self.items[item_of_event(ev) as usize].element;
            let id = self
                .model
                .element_at(element as usize)
                .map(|e| e.id().to_string())
                .unwrap_or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        if ids.len() > 1 && ids.first() == ids.last() {
            ids.pop();
        }
        if let Some(first) = ids.first().cloned() {
            ids.push(first);
        }
        ids
    }

    /// The element of an item.
    pub(super) fn element(&self, item: u32) -> Option<Element<'m>> {
        self.items
            .get(item as usize)
            .and_then(|it| self.model.element_at(it.element as usize))
    }

    /// Whether an event has a date.
    pub(super) fn dated(&self, v: u32) -> bool {
        self.planned[v as usize] > NEG
    }

    /// The calendar day of an event value: the first day of a start boundary, the last
    /// day of an end boundary, and for a deliverable the day it is ready (the last day of
    /// what it waits for).
    pub(super) fn day(&self, v: u32, value: i64) -> Date {
        let milestone = self.items[item_of_event(v) as usize].kind == ItemKind::Milestone;
        if v % 2 == 1 || milestone {
            Date::from_days(value - 1)
        } else {
            Date::from_days(value)
        }
    }
}
