//! Element kinds, relation kinds, task statuses and the rules that tie them together.

use std::fmt;

macro_rules! str_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in the order the documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in model files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the name used in model files; `None` when it is not one. Use
            /// [`str::parse`] (the [`FromStr`](std::str::FromStr) impl) for an error
            /// with a suggestion.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Every name used in model files, for suggestions and messages.
            pub fn names() -> impl Iterator<Item = &'static str> + Clone {
                Self::ALL.iter().map(|k| k.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, crate::Error> {
                Self::parse(s).ok_or_else(|| crate::Error::UnknownName {
                    what: $what,
                    name: s.to_owned(),
                    suggestion: crate::suggest::closest(s, Self::names()).map(str::to_owned),
                })
            }
        }
    };
}

str_enum! {
    /// What an element is.
    pub enum ElementKind ("element kind") {
        /// An organisation, a unit, a working group.
        Actor = "actor",
        /// A role an actor takes on.
        Role = "role",
        /// A grouping with no behaviour of its own.
        Group = "group",
        /// An information system or platform.
        System = "system",
        /// A data resource or information group.
        Data = "data",
        /// A service.
        Service = "service",
        /// A process.
        Process = "process",
        /// A programme, work package, task or sub-task.
        Task = "task",
        /// An output of a task.
        Deliverable = "deliverable",
    }
}

str_enum! {
    /// What a relation means.
    pub enum RelationKind ("relation kind") {
        /// The actor takes on the role.
        Plays = "plays",
        /// Owns, is accountable for.
        Responsible = "responsible",
        /// Takes part.
        Participates = "participates",
        /// Offers the service.
        Provides = "provides",
        /// Relies on.
        Uses = "uses",
        /// Information moves from `from` to `to`.
        Flow = "flow",
        /// `from` needs `to` done: it cannot start before `to` ends (finish-to-start).
        DependsOn = "depends_on",
        /// The task yields the output.
        Produces = "produces",
        /// The task changes or defines that element.
        Concerns = "concerns",
        /// A coordination link, undirected.
        Linked = "linked",
    }
}

str_enum! {
    /// The status of a task.
    pub enum Status ("status") {
        /// Not started yet.
        NotStarted = "not_started",
        /// Under way.
        InProgress = "in_progress",
        /// Finished.
        Done = "done",
        /// Cannot go on.
        Blocked = "blocked",
        /// Will not be done.
        Cancelled = "cancelled",
    }
}

use ElementKind as E;

const ACTOR_ROLE: &[ElementKind] = &[E::Actor, E::Role];
const PARTIES: &[ElementKind] = &[E::Actor, E::Role, E::System, E::Process, E::Service];
const WORK: &[ElementKind] = &[E::Task, E::Deliverable];
const ANY: &[ElementKind] = ElementKind::ALL;

impl RelationKind {
    /// The element kinds a relation of this kind may start at.
    pub fn allowed_from(self) -> &'static [ElementKind] {
        match self {
            RelationKind::Plays => &[E::Actor],
            RelationKind::Responsible | RelationKind::Participates => ACTOR_ROLE,
            RelationKind::Provides => &[E::Actor, E::Role, E::System],
            RelationKind::Uses => &[
                E::Actor,
                E::Role,
                E::Process,
                E::Service,
                E::System,
                E::Task,
            ],
            RelationKind::Flow => PARTIES,
            RelationKind::DependsOn | RelationKind::Concerns => WORK,
            RelationKind::Produces => &[E::Task],
            RelationKind::Linked => ANY,
        }
    }

    /// The element kinds a relation of this kind may end at.
    pub fn allowed_to(self) -> &'static [ElementKind] {
        match self {
            RelationKind::Plays => &[E::Role],
            RelationKind::Responsible => &[
                E::Task,
                E::Deliverable,
                E::System,
                E::Data,
                E::Service,
                E::Process,
            ],
            RelationKind::Participates => &[E::Task, E::Process],
            RelationKind::Provides => &[E::Service],
            RelationKind::Uses => &[E::System, E::Data, E::Service],
            RelationKind::Flow => PARTIES,
            RelationKind::DependsOn => WORK,
            RelationKind::Produces => &[E::Deliverable],
            RelationKind::Concerns | RelationKind::Linked => ANY,
        }
    }

    /// Whether the relation has a direction (`linked` has none).
    pub fn is_directed(self) -> bool {
        self != RelationKind::Linked
    }
}

/// Formats a list of kinds as `a`, `b` or `c` for messages.
pub(crate) fn list_kinds(kinds: &[ElementKind]) -> String {
    if kinds.len() == ElementKind::ALL.len() {
        return "any kind".to_owned();
    }
    let names: Vec<_> = kinds.iter().map(|k| format!("`{k}`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// How sure an impact is. `Certain` ranks above `Potential`; a chain of hops is as sure
/// as its least sure hop.
///
/// It lives in the core, not in `ecograph-impact` which computes it, because a render
/// highlight carries it too and the render crate must not need the impact crate to draw
/// one; `ecograph_impact::Confidence` is this type.
///
/// ```
/// use ecograph_core::Confidence;
/// let c: Confidence = "potential".parse()?;
/// assert!(c < Confidence::Certain);
/// assert_eq!(format!("{c:>10}|"), " potential|");
/// # Ok::<(), ecograph_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Something may have to change; someone should look.
    Potential,
    /// Something is affected.
    Certain,
}

impl Confidence {
    /// Both values, surest first.
    pub const ALL: &'static [Confidence] = &[Confidence::Certain, Confidence::Potential];

    /// `certain` or `potential`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Potential => "potential",
        }
    }

    /// Parses `certain` or `potential`; `None` otherwise. Use [`str::parse`] for an
    /// error with a suggestion.
    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "certain" => Some(Confidence::Certain),
            "potential" => Some(Confidence::Potential),
            _ => None,
        }
    }

    /// `certain` and `potential`, for suggestions and messages.
    pub fn names() -> impl Iterator<Item = &'static str> + Clone {
        Self::ALL.iter().map(|c| c.as_str())
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Confidence {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        Self::parse(s).ok_or_else(|| crate::Error::UnknownName {
            what: "confidence",
            name: s.to_owned(),
            suggestion: crate::suggest::closest(s, Self::names()).map(str::to_owned),
        })
    }
}
