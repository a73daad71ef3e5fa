//! The entry points: [`analyze`], [`analyze_since`] and the reusable [`Snapshot`].

use crate::change::{Change, ChangeSet};
use crate::graph::{Csr, Universe};
use crate::impact::{Best, Impact};
use crate::resolve::{Target, relation_half_edges, resolve, stops};
use crate::rules::{Confidence, Options};
use crate::search::{compile, searches};
use crate::{Error, PARALLEL_FROM};
use ecograph_core::Model;
use std::sync::{Arc, OnceLock};

/// Analyzes what `changes` affect in `model`.
///
/// Impact travels from each changed element by the rules in `options`; each affected
/// element passes it on as a modified one does (or as a removed one, when the rule that
/// reached it says so), up to the depth limit. An element's confidence is the best over
/// all paths from a change (a path is as sure as its least sure hop); its distance is the
/// length of the shortest path of that confidence. See `docs/impact.md`.
///
/// # Errors
/// [`Error::UnknownElement`] or [`Error::UnknownRelation`] (with a did-you-mean
/// suggestion) when a change or a stop element of the options names something the model lacks,
/// [`Error::NotATask`] when a non-task is delayed, [`Error::UnknownTag`] for a stop tag no
/// element has.
pub fn analyze<'m>(
    model: &'m Model,
    changes: &ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    run(Snapshot::new(model), changes.clone(), options)
}

/// Analyzes what changed from `old` to `new` (the changes [`crate::diff`] finds, then
/// `extra`), over `new` together with the elements and relations only `old` has, so that
/// the loss of a removed element is traced through the relations it had.
///
/// ```
/// use ecograph_core::Model;
/// use ecograph_impact::{ChangeSet, Options, analyze_since};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let old = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
///                 { "id": "match", "kind": "process", "name": "Matching" } ],
///   "relations": [ { "kind": "uses", "from": "match", "to": "tmt" } ] }"#)?;
/// let new = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "match", "kind": "process", "name": "Matching" } ] }"#)?;
/// let impact = analyze_since(&old, &new, &ChangeSet::new(), &Options::new())?;
/// // `match` used the removed system, through a relation only the old model has.
/// assert_eq!(impact.get("match").map(|a| a.distance()), Some(1));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// As [`analyze`], for the changes in `extra` and the stop elements.
pub fn analyze_since<'m>(
    old: &'m Model,
    new: &'m Model,
    extra: &ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    let d = crate::diff::diff(old, new);
    let mut changes = d.change_set();
    // A change the diff found already (say, from a change set `diff --change-set`
    // wrote) counts once; delays add up.
    let found: std::collections::HashSet<Change> = changes.iter().cloned().collect();
    changes.extend(
        extra
            .iter()
            .filter(|c| c.kind() == crate::ChangeKind::Delayed || !found.contains(c))
            .cloned(),
    );
    let (elements, relations) = d.lost();
    run(
        Snapshot::of(Universe::with_old(new, elements, relations)),
        changes,
        options,
    )
}

/// The graph an analysis runs on.
#[derive(Debug)]
pub(crate) struct Snap<'m> {
    pub universe: Universe<'m>,
    pub csr: Csr,
}

/// A compact snapshot of a model's graph (compressed adjacency arrays over the dense
/// element indices), built once and shared by any number of analyses. Cheap to clone.
///
/// [`analyze`] builds one per call; build a snapshot yourself to analyze many change sets
/// against the same model.
///
/// ```
/// use ecograph_core::Model;
/// use ecograph_impact::{Change, ChangeSet, Options, Snapshot};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let model = Model::from_json_str(r#"{ "ecograph": 1,
///   "elements": [ { "id": "tmt", "kind": "system", "name": "Job Market Finland" },
///                 { "id": "match", "kind": "process", "name": "Matching" } ],
///   "relations": [ { "kind": "uses", "from": "match", "to": "tmt" } ] }"#)?;
/// let snapshot = Snapshot::new(&model);
/// for id in ["tmt", "match"] {
///     let impact = snapshot.analyze(&ChangeSet::from_iter([Change::modified(id)]), &Options::new())?;
///     println!("{id}: {} affected", impact.len());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Snapshot<'m>(Arc<Snap<'m>>);

impl<'m> Snapshot<'m> {
    /// The snapshot of a model.
    pub fn new(model: &'m Model) -> Snapshot<'m> {
        Snapshot::of(Universe::single(model))
    }

    pub(crate) fn of(universe: Universe<'m>) -> Snapshot<'m> {
        let csr = Csr::build(&universe);
        Snapshot(Arc::new(Snap { universe, csr }))
    }

    /// Analyzes what `changes` affect, as [`analyze`] does.
    ///
    /// # Errors
    /// As [`analyze`].
    pub fn analyze(&self, changes: &ChangeSet, options: &Options) -> Result<Impact<'m>, Error> {
        run(self.clone(), changes.clone(), options)
    }
}

pub(crate) fn run<'m>(
    snapshot: Snapshot<'m>,
    changes: ChangeSet,
    options: &Options,
) -> Result<Impact<'m>, Error> {
    let snap = snapshot.0;
    let (universe, csr) = (&snap.universe, &snap.csr);
    let mut resolved = resolve(universe, &changes)?;
    let n = universe.node_count();
    let stop = stops(universe, &options.stop_at)?;
    for r in &mut resolved {
        if let Target::Rel(rel) = r.target {
            r.edges = relation_half_edges(csr, universe, rel);
        }
    }
    let mut changed = vec![false; n];
    for r in &resolved {
        if let Target::Node(v) = r.target {
            changed[v as usize] = true;
        }
    }
    let certain_table = compile(options, false);
    let full_table = compile(options, true);
    // What each element's entry reports: the certain search's states are taken in while
    // the full search still runs on the other thread.
    let mut best = Best::new(n);
    let (certain, potential) = searches(
        csr,
        &resolved,
        &stop,
        options.depth,
        [certain_table, full_table],
        csr.node_count() >= PARALLEL_FROM,
        |certain| best.mark(certain, Confidence::Certain),
    );
    if let Some(p) = &potential {
        best.mark(p, Confidence::Potential);
    }
    let (entries, index) = best.entries(&changed);
    Ok(Impact {
        snap,
        changes,
        resolved,
        options: options.clone(),
        stop,
        changed,
        certain,
        potential,
        entries,
        index,
        schedule: OnceLock::new(),
        owner_of: OnceLock::new(),
    })
}
