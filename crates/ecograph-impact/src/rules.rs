//! Propagation rules: for each change kind, link and direction, whether impact travels
//! and how surely; and the options of one analysis.

use crate::Error;
use crate::change::ChangeKind;
pub use ecograph_core::Confidence;
use ecograph_core::{Direction, RelationKind};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;

const N_REL: usize = RelationKind::ALL.len();
/// Number of links: every relation kind, `parent` and `data`.
pub(crate) const N_LINKS: usize = N_REL + 2;
/// Number of (link, direction) codes.
pub(crate) const N_CODES: usize = N_LINKS * 2;

/// What impact travels along: a relation kind, containment, or the data a flow carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Link {
    /// Relations of this kind: `forward` goes from `from` to `to`.
    Relation(RelationKind),
    /// Containment: `forward` goes from a part to its container (its `parent`),
    /// `backward` from a container to its parts.
    Parent,
    /// The data a flow carries: `forward` goes from a `data` element to both ends of each
    /// flow that carries it, `backward` from a flow's ends to the data it carries.
    Data,
}

impl std::str::FromStr for Link {
    type Err = Error;
    /// The same as [`Link::from_name`].
    fn from_str(s: &str) -> Result<Link, Error> {
        Link::from_name(s)
    }
}

impl Link {
    /// Every link: the relation kinds in documentation order, then `parent` and `data`.
    pub fn all() -> impl Iterator<Item = Link> + Clone {
        RelationKind::ALL
            .iter()
            .map(|&k| Link::Relation(k))
            .chain([Link::Parent, Link::Data])
    }

    /// The name used in rules files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::Relation(k) => k.as_str(),
            Link::Parent => "parent",
            Link::Data => "data",
        }
    }

    /// Parses a name: a relation kind, `parent` or `data`.
    pub fn parse(s: &str) -> Option<Link> {
        Link::all().find(|l| l.as_str() == s)
    }

    /// Parses a name, with a did-you-mean suggestion when it is unknown.
    ///
    /// # Errors
    /// [`Error::UnknownName`] when `s` is not a relation kind, `parent` or `data`.
    pub fn from_name(s: &str) -> Result<Link, Error> {
        Link::parse(s)
            .ok_or_else(|| unknown_name("relation kind", s, Link::all().map(Link::as_str)))
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Link::Relation(k) => rel_index(k),
            Link::Parent => N_REL,
            Link::Data => N_REL + 1,
        }
    }

    pub(crate) fn from_index(i: usize) -> Link {
        match RelationKind::ALL.get(i) {
            Some(&k) => Link::Relation(k),
            None if i == N_REL => Link::Parent,
            None => Link::Data,
        }
    }
}

pub(crate) fn rel_index(k: RelationKind) -> usize {
    RelationKind::ALL.iter().position(|&x| x == k).unwrap_or(0)
}

pub(crate) fn unknown_name<'a>(
    what: &'static str,
    name: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Error {
    Error::UnknownName {
        what,
        name: name.to_owned(),
        suggestion: ecograph_core::suggest::closest(name, names).map(str::to_owned),
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which way a rule follows a link, as written in rules files and reports: `forward`
/// for [`Direction::Outgoing`] (from a relation's `from` to its `to`; for `parent`, from
/// the part to its container; for `data`, from the data to the flow's ends), `backward`
/// for [`Direction::Incoming`], `both` for [`Direction::Both`].
pub(crate) fn direction_str(d: Direction) -> &'static str {
    match d {
        Direction::Outgoing => "forward",
        Direction::Incoming => "backward",
        _ => "both",
    }
}

/// The one-way directions a direction stands for (both of them for `Both`).
pub(crate) fn one_way(d: Direction) -> &'static [Direction] {
    match d {
        Direction::Outgoing => &[Direction::Outgoing],
        Direction::Incoming => &[Direction::Incoming],
        _ => &[Direction::Outgoing, Direction::Incoming],
    }
}

/// 0 for `Outgoing`, 1 for `Incoming`.
pub(crate) fn direction_index(d: Direction) -> usize {
    usize::from(d == Direction::Incoming)
}

/// What the element reached by a rule undergoes, and so by which rules it passes impact
/// on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Effect {
    /// It is affected and passes impact on as a `modified` element does.
    Modified,
    /// It is gone too (the contents of a removed container) and passes impact on as a
    /// `removed` element does.
    Removed,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Effect {
    type Err = Error;
    /// Parses `modified` or `removed`; [`Error::UnknownName`] with a suggestion
    /// otherwise.
    fn from_str(s: &str) -> Result<Effect, Error> {
        [Effect::Modified, Effect::Removed]
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| unknown_name("effect", s, ["modified", "removed"]))
    }
}

impl Effect {
    /// `modified` or `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Modified => "modified",
            Effect::Removed => "removed",
        }
    }
    pub(crate) fn as_change(self) -> ChangeKind {
        match self {
            Effect::Modified => ChangeKind::Modified,
            Effect::Removed => ChangeKind::Removed,
        }
    }
}

/// One propagation rule: a `change` at one end of a `link`, followed in `direction`,
/// affects the other end with `confidence`, which then counts as `then`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Rule {
    /// The change at the element impact leaves.
    pub change: ChangeKind,
    /// What impact travels along.
    pub link: Link,
    /// Which way.
    pub direction: Direction,
    /// How sure the impact is.
    pub confidence: Confidence,
    /// What the reached element undergoes.
    pub then: Effect,
}

impl Rule {
    /// A rule whose reached element counts as `modified`.
    pub fn new(
        change: ChangeKind,
        link: Link,
        direction: Direction,
        confidence: Confidence,
    ) -> Rule {
        Rule {
            change,
            link,
            direction,
            confidence,
            then: Effect::Modified,
        }
    }

    /// The same rule, with the reached element counting as `then`.
    pub fn then(mut self, then: Effect) -> Rule {
        self.then = then;
        self
    }

    /// The rule as written in a rules file.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "change": self.change.as_str(),
            "relation": self.link.as_str(),
            "direction": direction_str(self.direction),
            "confidence": self.confidence.as_str(),
        });
        if self.then != Effect::Modified {
            v["then"] = json!(self.then.as_str());
        }
        v
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::padded(f, |f| {
            write!(
                f,
                "{} {} {} ({})",
                self.change,
                self.link,
                direction_str(self.direction),
                self.confidence
            )?;
            if self.then != Effect::Modified {
                write!(f, ", then {}", self.then.as_str())?;
            }
            Ok(())
        })
    }
}

type Entry = Option<(Confidence, Effect)>;

/// A table of rules: at most one per (change, link, direction).
///
/// [`Rules::default`] is the documented default table (see `docs/impact.md`). A rules file
/// overrides it:
///
/// ```json
/// {
///   "base": "default",
///   "rules": [
///     { "change": "any", "relation": "linked", "direction": "both", "confidence": "none" },
///     { "change": "modified", "relation": "participates", "direction": "backward", "confidence": "potential" }
///   ]
/// }
/// ```
///
/// `base` is `default` (start from the default table, the default) or `empty`. Each rule
/// sets the entry for its `change` (`modified`, `removed`, `added`, `delayed`, or `any` for
/// all four), `relation` (a relation kind, `parent` or `data`) and `direction` (`forward`,
/// `backward` or `both`); later rules win. `confidence` is `certain`, `potential` or `none`
/// (no impact). The optional `then` is `modified` (default) or `removed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    table: [[[Entry; 2]; N_LINKS]; 4],
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a rules file: an object with `base` and a list `rules`"
)]
struct RawRules {
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a rule: an object with `change`, `relation`, `direction` and `confidence`"
)]
struct RawRule {
    change: String,
    relation: String,
    direction: String,
    confidence: String,
    #[serde(default)]
    then: Option<String>,
}

impl Default for Rules {
    fn default() -> Rules {
        use ChangeKind::{Added, Delayed, Modified, Removed};
        use Confidence::{Certain, Potential};
        use Direction::{Incoming as Backward, Outgoing as Forward};
        use RelationKind as R;
        let rel = Link::Relation;
        let mut rules = Rules::empty();
        // What a modified element passes on; an added one does the same.
        let modified: &[(Link, Direction, Confidence)] = &[
            (rel(R::Uses), Backward, Certain),
            (rel(R::Flow), Forward, Certain),
            (Link::Data, Forward, Certain),
            (rel(R::Provides), Forward, Certain),
            (rel(R::Concerns), Backward, Certain),
            (rel(R::DependsOn), Backward, Certain),
            (rel(R::Produces), Forward, Certain),
            (Link::Parent, Forward, Certain),
            (rel(R::Concerns), Forward, Potential),
            (rel(R::Linked), Forward, Potential),
            (rel(R::Linked), Backward, Potential),
        ];
        for &(link, dir, conf) in modified {
            rules.set(Rule::new(Modified, link, dir, conf));
            rules.set(Rule::new(Added, link, dir, conf));
            rules.set(Rule::new(Removed, link, dir, conf));
        }
        // A removed element also leaves its counterparts without their party.
        for (link, dir) in [
            (rel(R::Flow), Backward),
            (rel(R::Plays), Forward),
            (rel(R::Responsible), Forward),
            (rel(R::Participates), Forward),
        ] {
            rules.set(Rule::new(Removed, link, dir, Certain));
        }
        rules.set(Rule::new(Removed, Link::Parent, Backward, Certain).then(Effect::Removed));
        for (link, dir, conf) in [
            (rel(R::DependsOn), Backward, Certain),
            (rel(R::Produces), Forward, Certain),
            (Link::Parent, Forward, Certain),
            (rel(R::Linked), Forward, Potential),
            (rel(R::Linked), Backward, Potential),
        ] {
            rules.set(Rule::new(Delayed, link, dir, conf));
        }
        rules
    }
}

impl Rules {
    /// A table with no rule: nothing propagates.
    pub fn empty() -> Rules {
        Rules {
            table: [[[None; 2]; N_LINKS]; 4],
        }
    }

    /// Sets the rule for its (change, link, direction), replacing any rule there; a rule
    /// of direction `Both` sets the rule of each direction.
    pub fn set(&mut self, rule: Rule) {
        for &d in one_way(rule.direction) {
            self.table[rule.change.index()][rule.link.index()][direction_index(d)] =
                Some((rule.confidence, rule.then));
        }
    }

    /// Removes the rule for (change, link, direction), if any (of each direction, for
    /// `Both`).
    pub fn remove(&mut self, change: ChangeKind, link: Link, direction: Direction) {
        for &d in one_way(direction) {
            self.table[change.index()][link.index()][direction_index(d)] = None;
        }
    }

    /// The rule for (change, link, direction), if any. For `Both`: the rule when both
    /// directions have the same one.
    pub fn get(&self, change: ChangeKind, link: Link, direction: Direction) -> Option<Rule> {
        let row = &self.table[change.index()][link.index()];
        let entry = match one_way(direction) {
            [d] => row[direction_index(*d)],
            _ if row[0] == row[1] => row[0],
            _ => None,
        };
        entry.map(|(confidence, then)| Rule {
            change,
            link,
            direction,
            confidence,
            then,
        })
    }

    /// Every rule, by change kind, then link (relation kinds in documentation order,
    /// `parent`, `data`), then direction.
    pub fn iter(&self) -> impl Iterator<Item = Rule> + '_ {
        ChangeKind::ALL.iter().flat_map(move |&c| {
            Link::all().flat_map(move |l| {
                [Direction::Outgoing, Direction::Incoming]
                    .into_iter()
                    .filter_map(move |d| self.get(c, l, d))
            })
        })
    }

    /// Parses a rules file (format above).
    ///
    /// # Errors
    /// [`Error::Rules`] when the text is not valid JSON or a field is wrong, with the index
    /// of the offending rule and a did-you-mean suggestion for misspelt names.
    pub fn from_json_str(src: &str) -> Result<Rules, Error> {
        let raw: RawRules = serde_json::from_str(src).map_err(|e| Error::Rules {
            message: e.to_string(),
        })?;
        Rules::from_raw(raw)
    }

    fn from_raw(raw: RawRules) -> Result<Rules, Error> {
        let mut rules = match raw.base.as_deref() {
            None | Some("default") => Rules::default(),
            Some("empty") => Rules::empty(),
            Some(other) => {
                return Err(Error::Rules {
                    message: format!("unknown base `{other}`: expected `default` or `empty`"),
                });
            }
        };
        for (i, r) in raw.rules.iter().enumerate() {
            let at = |e: Error| Error::Rules {
                message: format!("rules[{i}]: {e}"),
            };
            let changes: Vec<ChangeKind> = if r.change == "any" {
                ChangeKind::ALL.to_vec()
            } else {
                vec![ChangeKind::parse(&r.change).ok_or_else(|| {
                    at(unknown_name(
                        "change",
                        &r.change,
                        ChangeKind::names().chain(["any"]),
                    ))
                })?]
            };
            let link = Link::from_name(&r.relation).map_err(at)?;
            let dirs: &[Direction] = match r.direction.as_str() {
                "forward" => &[Direction::Outgoing],
                "backward" => &[Direction::Incoming],
                "both" => &[Direction::Outgoing, Direction::Incoming],
                d => {
                    return Err(at(unknown_name(
                        "direction",
                        d,
                        ["forward", "backward", "both"],
                    )));
                }
            };
            let conf = match r.confidence.as_str() {
                "none" => None,
                c => Some(Confidence::parse(c).ok_or_else(|| {
                    at(unknown_name(
                        "confidence",
                        c,
                        ["certain", "potential", "none"],
                    ))
                })?),
            };
            let then = match r.then.as_deref() {
                None | Some("modified") => Effect::Modified,
                Some("removed") => Effect::Removed,
                Some(t) => return Err(at(unknown_name("effect", t, ["modified", "removed"]))),
            };
            for &change in &changes {
                for &direction in dirs {
                    match conf {
                        Some(confidence) => rules.set(Rule {
                            change,
                            link,
                            direction,
                            confidence,
                            then,
                        }),
                        None => rules.remove(change, link, direction),
                    }
                }
            }
        }
        Ok(rules)
    }

    /// The table as a rules file with base `empty`, listing every rule (its
    /// [`Serialize`] form).
    pub fn to_json(&self) -> Value {
        json!({ "base": "empty", "rules": self.iter().map(|r| r.to_json()).collect::<Vec<_>>() })
    }
}

/// The rules file format, base `empty`, every rule listed.
impl Serialize for Rules {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Reads the rules file format, with the checks of [`Rules::from_json_str`].
impl<'de> Deserialize<'de> for Rules {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rules, D::Error> {
        let raw = RawRules::deserialize(d)?;
        Rules::from_raw(raw).map_err(|e| match e {
            Error::Rules { message } => D::Error::custom(message),
            e => D::Error::custom(e),
        })
    }
}

/// An element that impact reaches but does not pass on (`--stop-at` on the command line).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopAt {
    /// The element with this id.
    Id(String),
    /// Every element with this tag.
    Tag(String),
}

impl std::str::FromStr for StopAt {
    type Err = std::convert::Infallible;
    /// The same as [`StopAt::parse`]: every text is an id or a `tag:`.
    fn from_str(s: &str) -> Result<StopAt, Self::Err> {
        Ok(StopAt::parse(s))
    }
}

impl StopAt {
    /// Parses `ID` or `tag:T`.
    pub fn parse(s: &str) -> StopAt {
        match s.strip_prefix("tag:") {
            Some(t) => StopAt::Tag(t.to_owned()),
            None => StopAt::Id(s.to_owned()),
        }
    }
}

/// How much of each affected element's witness path a report writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Paths {
    /// Only `via`, the last hop of the witness path: constant size per element, whatever
    /// the distance. Following `via.from` back, element by element, rebuilds a chain of
    /// hops from a change.
    #[default]
    Via,
    /// `via` and the witness path itself, at most [`MAX_PATH_HOPS`] hops (the last ones,
    /// nearest the element) so that the report stays linear in the model.
    Full,
}

/// At most this many hops of a witness path are written with [`Paths::Full`].
pub const MAX_PATH_HOPS: usize = 100;

/// The options of one analysis: the rules and the filters over them.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub(crate) rules: Rules,
    pub(crate) follow: Option<Vec<Link>>,
    pub(crate) skip: Vec<Link>,
    pub(crate) depth: Option<usize>,
    pub(crate) stop_at: Vec<StopAt>,
    pub(crate) certain_only: bool,
    pub(crate) lang: Option<String>,
    pub(crate) paths: Paths,
}

impl Options {
    /// The default rules, no filter, unlimited depth.
    pub fn new() -> Options {
        Options::default()
    }
    /// Uses these rules instead of the default table.
    pub fn rules(mut self, rules: Rules) -> Options {
        self.rules = rules;
        self
    }
    /// Follows only these links (all others are ignored).
    pub fn follow(mut self, links: impl IntoIterator<Item = Link>) -> Options {
        self.follow = Some(links.into_iter().collect());
        self
    }
    /// Never follows these links.
    pub fn skip(mut self, links: impl IntoIterator<Item = Link>) -> Options {
        self.skip.extend(links);
        self
    }
    /// Follows chains of at most `depth` hops.
    pub fn depth(mut self, depth: usize) -> Options {
        self.depth = Some(depth);
        self
    }
    /// Elements that are reported when reached but pass no impact on.
    pub fn stop_at(mut self, stops: impl IntoIterator<Item = StopAt>) -> Options {
        self.stop_at.extend(stops);
        self
    }
    /// Ignores every `potential` rule.
    pub fn certain_only(mut self, yes: bool) -> Options {
        self.certain_only = yes;
        self
    }
    /// The language of names in reports (default: the model's default language).
    pub fn lang(mut self, lang: impl Into<String>) -> Options {
        self.lang = Some(lang.into());
        self
    }

    /// How much of each witness path reports write (default: [`Paths::Via`]).
    pub fn paths(mut self, paths: Paths) -> Options {
        self.paths = paths;
        self
    }

    /// The rules in force.
    pub fn rule_table(&self) -> &Rules {
        &self.rules
    }

    /// Whether the filters let impact travel along `link` (the rules aside).
    pub fn follows(&self, link: Link) -> bool {
        self.follow.as_ref().is_none_or(|f| f.contains(&link)) && !self.skip.contains(&link)
    }

    /// The rule that fires for a change at one end of a link, after the filters: `None`
    /// when there is no such rule, the link is skipped or not followed, or the rule is
    /// `potential` and only certain impact is wanted.
    pub fn effective_rule(
        &self,
        change: ChangeKind,
        link: Link,
        direction: Direction,
    ) -> Option<Rule> {
        self.rules.get(change, link, direction).filter(|r| {
            self.follows(link) && !(self.certain_only && r.confidence == Confidence::Potential)
        })
    }
}
