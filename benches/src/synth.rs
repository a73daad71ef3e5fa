//! Deterministic synthetic models for benchmarks and scale tests.
//!
//! [`generate_json`] writes a valid model (format version 1, languages `fi` and `en`) of
//! any size: a realistic mix of element kinds in containment trees, task chains with
//! dates and statuses, and about [`RELATIONS_PER_ELEMENT`] relations per element that
//! obey the relation table of `docs/format.md`. The same size and seed always give
//! byte-identical output, on every platform.
//!
//! ```
//! let json = ecograph_benches::synth::generate_json(500, 7);
//! let model = ecograph_core::Model::from_json_str(&json)?;
//! assert_eq!(model.element_count(), 500);
//! assert_eq!(model.relation_count(), 2500);
//! assert!(model.warnings().is_empty());
//! # Ok::<(), ecograph_core::Error>(())
//! ```
//!
//! # What the models look like
//!
//! - Elements are listed by kind: groups, actors, roles, systems, data, services,
//!   processes, tasks, deliverables (roughly 4, 8, 6, 11, 13, 10, 9, 30 and 9 per cent).
//!   Ids are `kind-prefix.number`, such as `sys.12` or `task.1234`.
//! - Every name is written in both languages, and the Finnish ones have `ä` and `ö`.
//!   Some elements have a description (a few with JSON escapes), tags or properties.
//! - Containment: an element's parent is an earlier element of the same kind or a group,
//!   at most four levels deep.
//! - Tasks come in programmes: a root task (or one in a group) of one to three years
//!   that contains 2 to 21 tasks in chains, where each task `depends_on` the one before
//!   it (finish to start, sometimes with a `lag`). Tasks have a `status` that fits their
//!   dates (now being July 2025) and `start` and `end` periods written as years, halves,
//!   quarters, months or days.
//! - Every element takes part in at least one relation or containment, every task has a
//!   `responsible` owner (or a containing task with one) and every `flow` carries
//!   `data`, so a model of nine or more elements loads with no warning at all.
//! - Every `depends_on` goes from a later element to an earlier one, so there is no
//!   cycle. The plan is consistent: a task that depends on a dated task starts after
//!   that one ends (plus the lag), and a task lies within the span of the task that
//!   contains it, so the schedule analysis finds no conflict.

use ecograph_core::{ElementKind, RelationKind};
use std::fmt;
use std::io::{self, Write};

/// How many relations per element the generator writes (for nine elements or more).
pub const RELATIONS_PER_ELEMENT: usize = 5;

/// Generates a model with `elements` elements as JSON text.
///
/// Deterministic: the same arguments give byte-identical text.
pub fn generate_json(elements: usize, seed: u64) -> String {
    // About 75 bytes per relation and 160 per element.
    let mut buf = Vec::with_capacity(elements * (RELATIONS_PER_ELEMENT * 75 + 160) + 1024);
    // Writing to a `Vec` cannot fail.
    write_json(elements, seed, &mut buf)
        .unwrap_or_else(|e| unreachable!("writing to memory failed: {e}"));
    String::from_utf8(buf).unwrap_or_else(|e| unreachable!("the generator writes UTF-8: {e}"))
}

/// Writes the model that [`generate_json`] returns to `w`, without holding the text in
/// memory: for the largest models, give it a buffered file.
///
/// The generator itself keeps 12 bytes per element.
///
/// # Errors
/// Whatever error `w` returns.
pub fn write_json(elements: usize, seed: u64, w: &mut impl Write) -> io::Result<()> {
    assert!(
        elements < u32::MAX as usize,
        "at most {} elements",
        u32::MAX - 1
    );
    let mut rng = SplitMix64::new(seed);
    let layout = Layout::new(elements, &mut rng.fork());
    let mut text = rng.fork();
    let mut rels = rng.fork();
    write!(
        w,
        "{{\n  \"ecograph\": 1,\n  \"name\": {{\"fi\": \"Synteettinen ekosysteemi ({elements} elementtiä, siemen {seed})\", \
         \"en\": \"Synthetic ecosystem ({elements} elements, seed {seed})\"}},\n  \
         \"languages\": [\"fi\", \"en\"],\n  \"elements\": ["
    )?;
    for i in 0..elements {
        w.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        layout.write_element(w, i as u32, &mut text)?;
    }
    w.write_all(b"\n  ],\n  \"relations\": [")?;
    let mut out = RelationWriter {
        w,
        layout: &layout,
        rng: &mut text,
        count: 0,
    };
    layout.relations(&mut rels, &mut out)?;
    w.write_all(b"\n  ],\n  \"views\": [\n")?;
    w.write_all(VIEWS.as_bytes())?;
    w.write_all(b"  ]\n}\n")
}

const VIEWS: &str = r#"    {"id": "systems", "title": {"fi": "Tietojärjestelmät", "en": "Information systems"}, "include": [{"kind": "system"}, {"kind": "data"}], "relations": ["flow", "uses"], "direction": "LR"},
    {"id": "work", "title": {"fi": "Työsuunnitelma", "en": "Work plan"}, "include": [{"kind": "task"}, {"kind": "deliverable"}], "exclude": [{"status": "cancelled"}], "collapse": {"depth": 2}}
"#;

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An independent stream, so that changing what one part draws leaves the others be.
    fn fork(&mut self) -> Self {
        SplitMix64(self.next())
    }

    /// A number in `0..n` (`n > 0`); the bias of the multiply-shift is negligible here.
    fn below(&mut self, n: u32) -> u32 {
        (((self.next() >> 32) * u64::from(n)) >> 32) as u32
    }

    /// True with a probability of `percent` per cent.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }
}

/// One element kind: where it goes in the mix and what its elements are called.
struct KindSpec {
    kind: ElementKind,
    /// Share of the elements, per mille.
    share: usize,
    prefix: &'static str,
    fi: &'static str,
    en: &'static str,
}

/// The kinds in file order. The shares add up to 1000.
const KINDS: [KindSpec; 9] = [
    KindSpec {
        kind: ElementKind::Group,
        share: 40,
        prefix: "grp",
        fi: "Ryhmä",
        en: "Group",
    },
    KindSpec {
        kind: ElementKind::Actor,
        share: 80,
        prefix: "act",
        fi: "Toimija",
        en: "Actor",
    },
    KindSpec {
        kind: ElementKind::Role,
        share: 60,
        prefix: "role",
        fi: "Rooli",
        en: "Role",
    },
    KindSpec {
        kind: ElementKind::System,
        share: 110,
        prefix: "sys",
        fi: "Järjestelmä",
        en: "System",
    },
    KindSpec {
        kind: ElementKind::Data,
        share: 130,
        prefix: "data",
        fi: "Tietovaranto",
        en: "Data set",
    },
    KindSpec {
        kind: ElementKind::Service,
        share: 100,
        prefix: "svc",
        fi: "Palvelu",
        en: "Service",
    },
    KindSpec {
        kind: ElementKind::Process,
        share: 90,
        prefix: "proc",
        fi: "Prosessi",
        en: "Process",
    },
    KindSpec {
        kind: ElementKind::Task,
        share: 300,
        prefix: "task",
        fi: "Tehtävä",
        en: "Task",
    },
    KindSpec {
        kind: ElementKind::Deliverable,
        share: 90,
        prefix: "dlv",
        fi: "Tuotos",
        en: "Deliverable",
    },
];

// Positions in `KINDS`.
const GROUP: usize = 0;
const ACTOR: usize = 1;
const ROLE: usize = 2;
const SYSTEM: usize = 3;
const DATA: usize = 4;
const SERVICE: usize = 5;
const PROCESS: usize = 6;
const TASK: usize = 7;
const DELIVERABLE: usize = 8;

/// Which kinds small models get first, so that nine elements have one of each.
const FIRST_NEEDED: [usize; 9] = [
    TASK,
    ACTOR,
    SYSTEM,
    DATA,
    ROLE,
    DELIVERABLE,
    SERVICE,
    PROCESS,
    GROUP,
];

const ADJECTIVES: [(&str, &str); 8] = [
    ("Yhteinen", "Shared"),
    ("Alueellinen", "Regional"),
    ("Kansallinen", "National"),
    ("Sähköinen", "Electronic"),
    ("Pohjoinen", "Northern"),
    ("Läntinen", "Western"),
    ("Yksityinen", "Private"),
    ("Julkinen", "Public"),
];

const TAGS: [&str; 6] = [
    "mandatory",
    "pilot",
    "internal",
    "eu-funded",
    "legacy",
    "critical",
];
const UNITS: [&str; 4] = [
    "TE-palvelut",
    "Kehittämis- ja hallintokeskus",
    "Työ- ja elinkeinoministeriö",
    "Kunta",
];
/// Lags of `depends_on`, all at most a month: a lagged dependency leaves a free month
/// between the end of one task and the start of the next.
const LAGS: [&str; 5] = ["10d", "2w", "3w", "4w", "1m"];

/// No parent.
const ROOT: u32 = u32::MAX;
/// The deepest containment level (roots are level 0).
const MAX_DEPTH: u8 = 3;
/// Months are counted from January 2020; "now", for statuses, is July 2025.
const NOW: u16 = 66;
/// Programmes start spread over this many months.
const SPAN: u64 = 96;

/// What the generator keeps per element: 12 bytes.
#[derive(Debug, Clone, Copy)]
struct Meta {
    parent: u32,
    /// Month of the start and the end, for tasks.
    start: u16,
    end: u16,
    /// Index into `KINDS`.
    kind: u8,
    depth: u8,
    /// A task that depends on the task before it (the same chain).
    chained: bool,
    /// For a chained task, the lag of that dependency: `LAGS[lag - 1]`, 0 for none.
    lag: u8,
}

impl Meta {
    /// Puts the element inside `p`, or inside the nearest ancestor of `p` shallower than
    /// `max_depth`.
    fn set_parent(&mut self, mut p: u32, meta: &[Meta], max_depth: u8) {
        while meta[p as usize].depth >= max_depth {
            p = meta[p as usize].parent;
        }
        self.parent = p;
        self.depth = meta[p as usize].depth + 1;
    }

    /// Whether the task's `start` and `end` are written (every task has months).
    fn dated(&self) -> bool {
        self.start != UNDATED
    }
}

/// `Meta::start` of a task written without dates.
const UNDATED: u16 = u16::MAX;

/// The programme (a root task) that the tasks being laid out belong to.
#[derive(Debug, Clone, Copy)]
struct Programme {
    ix: u32,
    start: u16,
    end: u16,
    depth: u8,
    /// Tasks still to come in it.
    left: u32,
}

/// The shape of the model: kinds, containment and task schedules.
struct Layout {
    meta: Vec<Meta>,
    /// Elements of `KINDS[k]` are `start[k]..start[k + 1]`.
    start: [u32; 10],
}

impl Layout {
    fn new(n: usize, rng: &mut SplitMix64) -> Layout {
        let counts = kind_counts(n);
        let mut start = [0u32; 10];
        for k in 0..9 {
            start[k + 1] = start[k] + counts[k] as u32;
        }
        let mut meta: Vec<Meta> = Vec::with_capacity(n);
        let mut programme: Option<Programme> = None;
        let (mut chain_left, mut prev_end) = (0u32, 0u16);
        for k in 0..KINDS.len() {
            let first = start[k];
            for i in first..start[k + 1] {
                let pos = i - first;
                let mut m = Meta {
                    parent: ROOT,
                    start: 0,
                    end: 0,
                    kind: k as u8,
                    depth: 0,
                    chained: false,
                    lag: 0,
                };
                let in_group = k != GROUP && counts[GROUP] > 0 && rng.chance(25);
                let parent = if k == TASK {
                    // Tasks are laid out below, inside programmes.
                    None
                } else if pos > 0 && rng.chance(if k == GROUP { 50 } else { 60 }) {
                    // Mostly near the element: siblings and cousins are listed together.
                    Some(i - 1 - rng.below(pos.min(40)))
                } else if in_group {
                    Some(start[GROUP] + rng.below(counts[GROUP] as u32))
                } else {
                    None
                };
                if let Some(p) = parent {
                    m.set_parent(p, &meta, MAX_DEPTH);
                }
                if k == TASK {
                    match &mut programme {
                        Some(p) if p.left > 0 => {
                            p.left -= 1;
                            m.parent = p.ix;
                            m.depth = p.depth + 1;
                            let dur = 1 + rng.below(4) as u16;
                            if chain_left > 0 {
                                // Finish to start: after the previous task's end, and a
                                // month later still when the dependency has a lag.
                                chain_left -= 1;
                                m.chained = true;
                                if rng.chance(25) {
                                    m.lag = 1 + rng.below(LAGS.len() as u32) as u8;
                                }
                                m.start = prev_end + 1 + u16::from(m.lag > 0) + rng.below(2) as u16;
                                m.end = m.start + dur - 1;
                            }
                            if !m.chained || m.end > p.end {
                                // A new chain, from the start of the programme.
                                chain_left = rng.below(6);
                                m.chained = false;
                                m.lag = 0;
                                m.start = p.start + rng.below(3) as u16;
                                m.end = (m.start + dur - 1).min(p.end);
                            }
                        }
                        _ => {
                            // A programme: a long task that contains chains of tasks.
                            // Later programmes start later, so that a dependency on an
                            // earlier task usually fits the schedule.
                            if in_group {
                                let g = start[GROUP] + rng.below(counts[GROUP] as u32);
                                m.set_parent(g, &meta, MAX_DEPTH - 1);
                            }
                            m.start = (u64::from(pos) * SPAN / counts[TASK] as u64) as u16
                                + rng.below(4) as u16;
                            m.end = m.start + 11 + rng.below(25) as u16;
                            programme = Some(Programme {
                                ix: i,
                                start: m.start,
                                end: m.end,
                                depth: m.depth,
                                left: 2 + rng.below(20),
                            });
                            chain_left = 0;
                            // Some programmes have no dates; their tasks do.
                            if rng.chance(5) {
                                m.start = UNDATED;
                            }
                        }
                    }
                    prev_end = m.end;
                }
                meta.push(m);
            }
        }
        Layout { meta, start }
    }

    fn count(&self, k: usize) -> u32 {
        self.start[k + 1] - self.start[k]
    }

    fn kind(&self, i: u32) -> usize {
        usize::from(self.meta[i as usize].kind)
    }

    /// The id of element `i`, for `write!`.
    fn id(&self, i: u32) -> Id {
        let k = self.kind(i);
        Id(KINDS[k].prefix, i - self.start[k] + 1)
    }

    fn write_element(&self, w: &mut impl Write, i: u32, rng: &mut SplitMix64) -> io::Result<()> {
        let m = self.meta[i as usize];
        let spec = &KINDS[usize::from(m.kind)];
        let number = i - self.start[usize::from(m.kind)] + 1;
        let (afi, aen) = rng.pick(&ADJECTIVES);
        write!(
            w,
            "{{\"id\": \"{}\", \"kind\": \"{}\", \"name\": {{\"fi\": \"{afi} {} {number}\", \"en\": \"{aen} {} {number}\"}}",
            self.id(i),
            spec.kind,
            spec.fi.to_lowercase(),
            spec.en.to_lowercase(),
        )?;
        if rng.chance(15) {
            if rng.chance(5) {
                // Escapes make the parser copy the string instead of borrowing it.
                write!(
                    w,
                    ", \"description\": {{\"fi\": \"{} \\\"{number}\\\"\\nylläpidetään keskitetysti.\", \"en\": \"{} \\\"{number}\\\"\\nis maintained centrally.\"}}",
                    spec.fi, spec.en
                )?;
            } else {
                write!(
                    w,
                    ", \"description\": {{\"fi\": \"{} {number}, jota käytetään päivittäin.\", \"en\": \"{} {number}, used daily.\"}}",
                    spec.fi, spec.en
                )?;
            }
        }
        if m.parent != ROOT {
            write!(w, ", \"parent\": \"{}\"", self.id(m.parent))?;
        }
        if rng.chance(20) {
            let (a, b) = (rng.pick(&TAGS), rng.pick(&TAGS));
            if a == b {
                write!(w, ", \"tags\": [\"{a}\"]")?
            } else {
                write!(w, ", \"tags\": [\"{a}\", \"{b}\"]")?
            }
        }
        if rng.chance(10) {
            write!(
                w,
                ", \"properties\": {{\"unit\": \"{}\", \"cost_centre\": \"{}\"}}",
                rng.pick(&UNITS),
                1000 + rng.below(9000)
            )?;
        }
        if usize::from(m.kind) == TASK {
            let status = if !m.dated() {
                "in_progress"
            } else if m.end < NOW {
                if rng.chance(90) { "done" } else { "cancelled" }
            } else if m.start <= NOW {
                if rng.chance(85) {
                    "in_progress"
                } else {
                    "blocked"
                }
            } else if rng.chance(95) {
                "not_started"
            } else {
                "blocked"
            };
            write!(w, ", \"status\": \"{status}\"")?;
            if m.dated() {
                write!(
                    w,
                    ", \"start\": \"{}\", \"end\": \"{}\"",
                    Month::start(
                        m.start,
                        m.parent != ROOT && self.kind(m.parent) == TASK,
                        rng
                    ),
                    Month::end(m.end, rng)
                )?;
            }
        }
        w.write_all(b"}")
    }

    /// A random element of one of `kinds`, uniformly over their union.
    fn any_of(&self, kinds: &[ElementKind], rng: &mut SplitMix64) -> Option<u32> {
        let ks = || {
            kinds
                .iter()
                .filter_map(|k| KINDS.iter().position(|s| s.kind == *k))
        };
        let total: u32 = ks().map(|k| self.count(k)).sum();
        if total == 0 {
            return None;
        }
        let mut r = rng.below(total);
        for k in ks() {
            if r < self.count(k) {
                return Some(self.start[k] + r);
            }
            r -= self.count(k);
        }
        None
    }

    fn of(&self, k: usize, rng: &mut SplitMix64) -> Option<u32> {
        (self.count(k) > 0).then(|| self.start[k] + rng.below(self.count(k)))
    }

    /// Writes every relation: one that anchors each element, the task chains, then
    /// random ones up to `RELATIONS_PER_ELEMENT` per element.
    fn relations(
        &self,
        rng: &mut SplitMix64,
        out: &mut RelationWriter<'_, impl Write>,
    ) -> io::Result<()> {
        use ElementKind as E;
        use RelationKind as R;
        let n = self.meta.len() as u32;
        let actor_role = [E::Actor, E::Role];
        for i in 0..n {
            let m = self.meta[i as usize];
            let k = usize::from(m.kind);
            let anchor = match k {
                GROUP => self
                    .any_of(&[E::Task, E::Deliverable], rng)
                    .map(|t| (R::Concerns, t, i)),
                ACTOR => self.of(ROLE, rng).map(|r| (R::Plays, i, r)),
                ROLE => self
                    .any_of(&[E::Task, E::Process], rng)
                    .map(|t| (R::Participates, i, t)),
                SYSTEM => self.of(SERVICE, rng).map(|s| (R::Provides, i, s)),
                DATA => self
                    .any_of(&actor_role, rng)
                    .map(|a| (R::Responsible, a, i)),
                SERVICE => self
                    .any_of(R::Uses.allowed_from(), rng)
                    .filter(|&f| f != i)
                    .map(|f| (R::Uses, f, i)),
                PROCESS => self
                    .any_of(R::Flow.allowed_to(), rng)
                    .filter(|&t| t != i)
                    .map(|t| (R::Flow, i, t)),
                // Root tasks get an owner; contained ones inherit it.
                TASK if m.parent == ROOT || self.kind(m.parent) != TASK => self
                    .any_of(&actor_role, rng)
                    .map(|a| (R::Responsible, a, i)),
                TASK => self
                    .any_of(&actor_role, rng)
                    .map(|a| (R::Participates, a, i)),
                _ => self.of(TASK, rng).map(|t| (R::Produces, t, i)),
            };
            if let Some((kind, from, to)) = anchor {
                out.write(kind, from, to, None)?;
            }
            if m.chained {
                let lag = (m.lag > 0).then(|| LAGS[usize::from(m.lag) - 1]);
                out.write(R::DependsOn, i, i - 1, lag)?;
            }
        }
        const MIX: [(RelationKind, u32); 10] = [
            (R::Uses, 20),
            (R::Flow, 14),
            (R::Responsible, 12),
            (R::Participates, 10),
            (R::Concerns, 10),
            (R::Linked, 8),
            (R::DependsOn, 8),
            (R::Produces, 6),
            (R::Plays, 6),
            (R::Provides, 6),
        ];
        // Tiny models may lack the kinds a relation needs: give up after a while.
        let target = n as usize * RELATIONS_PER_ELEMENT;
        let mut attempts = 0;
        while out.count < target && attempts < 4 * target {
            attempts += 1;
            let mut r = rng.below(100);
            let mut kind = MIX[0].0;
            for &(k, weight) in &MIX {
                if r < weight {
                    kind = k;
                    break;
                }
                r -= weight;
            }
            let ends = if kind == R::DependsOn {
                self.dependency(rng)
            } else {
                self.any_of(kind.allowed_from(), rng)
                    .zip(self.any_of(kind.allowed_to(), rng))
            };
            let Some((from, to)) = ends.filter(|(f, t)| f != t) else {
                continue;
            };
            let (f, t) = (self.meta[from as usize], self.meta[to as usize]);
            let room = !(f.dated() && t.dated()) || t.end + 2 <= f.start;
            let lag = (kind == R::DependsOn && room && rng.chance(20)).then(|| rng.pick(&LAGS));
            out.write(kind, from, to, lag)?;
        }
        Ok(())
    }

    /// A `depends_on` from a task or deliverable to an earlier one that, if both are
    /// dated tasks, ends before the other starts: near it (often in the same programme)
    /// or some programmes back.
    fn dependency(&self, rng: &mut SplitMix64) -> Option<(u32, u32)> {
        let (first, last) = (self.start[TASK], self.start[DELIVERABLE + 1]);
        if last - first < 2 {
            return None;
        }
        let from = first + rng.below(last - first);
        let before = from - first;
        if before == 0 {
            return None;
        }
        let f = self.meta[from as usize];
        let far = (self.count(TASK) / 4).max(64);
        (0..4)
            .map(|k| from - 1 - rng.below(before.min(if k % 2 == 0 { 32 } else { far })))
            .find(|&to| {
                let t = self.meta[to as usize];
                !(f.dated() && t.dated()) || t.end < f.start
            })
            .map(|to| (from, to))
    }
}

/// How many elements of each kind a model of `n` elements has.
fn kind_counts(n: usize) -> [usize; 9] {
    let mut counts = KINDS.map(|s| n * s.share / 1000);
    counts[TASK] += n - counts.iter().sum::<usize>();
    // Small models still get one of each kind, as far as they go.
    for &k in &FIRST_NEEDED {
        if counts[k] == 0 {
            let Some(donor) = (0..9).filter(|&d| counts[d] > 1).max_by_key(|&d| counts[d]) else {
                break;
            };
            counts[donor] -= 1;
            counts[k] = 1;
        }
    }
    counts
}

/// An element id as written: `sys.12`.
struct Id(&'static str, u32);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A month (counted from January 2020) written as a period that starts or ends exactly
/// when the month does, or as a day inside it.
struct Month {
    year: u16,
    month: u16,
    form: Form,
}

enum Form {
    Year,
    Half,
    Quarter,
    Month,
    Day(u16),
}

impl Month {
    /// The year and the month (1 to 12).
    fn year_month(m: u16) -> (u16, u16) {
        (2020 + m / 12, m % 12 + 1)
    }

    /// A start; a day inside the month only if `day` (a container's start must not be
    /// later than the first day of the month, where a contained task may start).
    fn start(m: u16, day: bool, rng: &mut SplitMix64) -> Month {
        let (year, month) = Month::year_month(m);
        let form = match month {
            1 if rng.chance(30) => Form::Year,
            1 | 7 if rng.chance(30) => Form::Half,
            1 | 4 | 7 | 10 if rng.chance(40) => Form::Quarter,
            _ if day && rng.chance(20) => Form::Day(1 + rng.below(28) as u16),
            _ => Form::Month,
        };
        Month { year, month, form }
    }

    fn end(m: u16, rng: &mut SplitMix64) -> Month {
        let (year, month) = Month::year_month(m);
        let form = match month {
            12 if rng.chance(30) => Form::Year,
            6 | 12 if rng.chance(30) => Form::Half,
            3 | 6 | 9 | 12 if rng.chance(40) => Form::Quarter,
            _ if rng.chance(20) => Form::Day(days_in_month(year, month)),
            _ => Form::Month,
        };
        Month { year, month, form }
    }
}

fn days_in_month(year: u16, month: u16) -> u16 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m) = (self.year, self.month);
        match self.form {
            Form::Year => write!(f, "{y}"),
            Form::Half => write!(f, "{y}-H{}", m.div_ceil(6)),
            Form::Quarter => write!(f, "{y}-Q{}", m.div_ceil(3)),
            Form::Month => write!(f, "{y}-{m:02}"),
            Form::Day(d) => write!(f, "{y}-{m:02}-{d:02}"),
        }
    }
}

/// Writes relations one per line, adding the occasional `id`, `label` and `tags`.
struct RelationWriter<'a, W> {
    w: &'a mut W,
    layout: &'a Layout,
    rng: &'a mut SplitMix64,
    count: usize,
}

impl<W: Write> RelationWriter<'_, W> {
    fn write(
        &mut self,
        kind: RelationKind,
        from: u32,
        to: u32,
        lag: Option<&str>,
    ) -> io::Result<()> {
        debug_assert!(
            kind.allowed_from()
                .contains(&KINDS[self.layout.kind(from)].kind),
            "{kind} from {}",
            self.layout.id(from)
        );
        debug_assert!(
            kind.allowed_to()
                .contains(&KINDS[self.layout.kind(to)].kind),
            "{kind} to {}",
            self.layout.id(to)
        );
        let (w, layout, rng) = (&mut *self.w, self.layout, &mut *self.rng);
        w.write_all(if self.count == 0 {
            b"\n    {"
        } else {
            b",\n    {"
        })?;
        if rng.chance(5) {
            write!(w, "\"id\": \"rel.{}\", ", self.count + 1)?;
        }
        write!(
            w,
            "\"kind\": \"{kind}\", \"from\": \"{}\", \"to\": \"{}\"",
            layout.id(from),
            layout.id(to)
        )?;
        if kind == RelationKind::Flow {
            let carried = 1 + rng.below(3);
            let mut data = [ROOT; 3];
            for slot in data.iter_mut().take(carried as usize) {
                *slot = layout.of(DATA, rng).unwrap_or(ROOT);
            }
            w.write_all(b", \"data\": [")?;
            for (j, &d) in data
                .iter()
                .enumerate()
                .filter(|&(j, &d)| d != ROOT && !data[..j].contains(&d))
            {
                write!(w, "{}\"{}\"", if j == 0 { "" } else { ", " }, layout.id(d))?;
            }
            w.write_all(b"]")?;
        }
        if let Some(lag) = lag {
            write!(w, ", \"lag\": \"{lag}\"")?;
        }
        if rng.chance(2) {
            write!(
                w,
                ", \"label\": {{\"fi\": \"yhteys {}\", \"en\": \"link {}\"}}",
                self.count + 1,
                self.count + 1
            )?;
        }
        if rng.chance(2) {
            write!(w, ", \"tags\": [\"{}\"]", rng.pick(&TAGS))?;
        }
        w.write_all(b"}")?;
        self.count += 1;
        Ok(())
    }
}
