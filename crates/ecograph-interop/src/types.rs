//! The ArchiMate 3.1/3.2 concept types, the ecograph kind each one is read as, and the
//! part of ArchiMate 3.2 Appendix B (the allowed relationships) between the element
//! types that the exporter writes by default.

use ecograph_core::ElementKind as K;

/// Every element type of the exchange format (`xsi:type` of an `element`), with the
/// ecograph kind it is read as. The type itself is kept (`archimate:type`) whenever it
/// is not the one ecograph would write for that kind.
pub const ELEMENT_TYPES: &[(&str, K)] = &[
    ("BusinessActor", K::Actor),
    ("BusinessRole", K::Role),
    ("BusinessCollaboration", K::Actor),
    ("BusinessInterface", K::Service),
    ("BusinessProcess", K::Process),
    ("BusinessFunction", K::Process),
    ("BusinessInteraction", K::Process),
    ("BusinessEvent", K::Process),
    ("BusinessService", K::Service),
    ("BusinessObject", K::Data),
    ("Contract", K::Data),
    ("Representation", K::Data),
    ("Product", K::Service),
    ("ApplicationComponent", K::System),
    ("ApplicationCollaboration", K::System),
    ("ApplicationInterface", K::Service),
    ("ApplicationFunction", K::Process),
    ("ApplicationInteraction", K::Process),
    ("ApplicationProcess", K::Process),
    ("ApplicationEvent", K::Process),
    ("ApplicationService", K::Service),
    ("DataObject", K::Data),
    ("Node", K::System),
    ("Device", K::System),
    ("SystemSoftware", K::System),
    ("TechnologyCollaboration", K::System),
    ("TechnologyInterface", K::Service),
    ("Path", K::System),
    ("CommunicationNetwork", K::System),
    ("TechnologyFunction", K::Process),
    ("TechnologyProcess", K::Process),
    ("TechnologyInteraction", K::Process),
    ("TechnologyEvent", K::Process),
    ("TechnologyService", K::Service),
    ("Artifact", K::Data),
    ("Equipment", K::System),
    ("Facility", K::System),
    ("DistributionNetwork", K::System),
    ("Material", K::Data),
    ("Stakeholder", K::Role),
    ("Driver", K::Deliverable),
    ("Assessment", K::Deliverable),
    ("Goal", K::Deliverable),
    ("Outcome", K::Deliverable),
    ("Principle", K::Deliverable),
    ("Requirement", K::Deliverable),
    ("Constraint", K::Deliverable),
    ("Meaning", K::Deliverable),
    ("Value", K::Deliverable),
    ("Resource", K::Data),
    ("Capability", K::Service),
    ("CourseOfAction", K::Process),
    ("ValueStream", K::Process),
    ("WorkPackage", K::Task),
    ("Deliverable", K::Deliverable),
    ("ImplementationEvent", K::Task),
    ("Plateau", K::Group),
    ("Gap", K::Deliverable),
    ("Grouping", K::Group),
    ("Location", K::Group),
    ("AndJunction", K::Group),
    ("OrJunction", K::Group),
];

/// Every relationship type of the exchange format.
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "Composition",
    "Aggregation",
    "Assignment",
    "Realization",
    "Serving",
    "Access",
    "Influence",
    "Triggering",
    "Flow",
    "Specialization",
    "Association",
];

/// The ecograph kind an element type is read as.
pub fn kind_of_type(t: &str) -> Option<K> {
    // A map made once: every element of an import is looked up (a scan of the ~60
    // names took ~10 ms of a 100k-element import).
    static KINDS: std::sync::OnceLock<crate::hash::HashMap<&'static str, K>> =
        std::sync::OnceLock::new();
    KINDS
        .get_or_init(|| ELEMENT_TYPES.iter().copied().collect())
        .get(t)
        .copied()
}

/// `t` as the table's own text when it is a known element or relationship type, so that
/// a million concepts do not each carry a copy of one of a few dozen names.
pub(crate) fn shared_name(t: &str) -> std::borrow::Cow<'static, str> {
    // Looked up in a set made once: a scan of the 70 names cost ~480 instructions a
    // concept, most of them for the relationship types at the end of the list.
    static NAMES: std::sync::OnceLock<crate::hash::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let elements = ELEMENT_TYPES.iter().map(|(n, _)| *n);
        elements.chain(RELATIONSHIP_TYPES.iter().copied()).collect()
    });
    names
        .get(t)
        .map_or_else(|| t.to_owned().into(), |n| (*n).into())
}

/// Whether `t` is an element type (junctions included).
pub fn is_element_type(t: &str) -> bool {
    kind_of_type(t).is_some()
}

/// Whether `t` is a relationship type.
pub fn is_relationship_type(t: &str) -> bool {
    // A set made once: every relationship of an import is checked.
    static NAMES: std::sync::OnceLock<crate::hash::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| RELATIONSHIP_TYPES.iter().copied().collect())
        .contains(t)
}

/// Whether an element of type `t` may have no name (junctions have none).
pub fn may_be_unnamed(t: &str) -> bool {
    matches!(t, "AndJunction" | "OrJunction")
}

/// The element types the exporter writes for ecograph kinds.
const DEFAULT_TYPES: [&str; 10] = [
    "BusinessActor",
    "BusinessRole",
    "Grouping",
    "ApplicationComponent",
    "DataObject",
    "ApplicationService",
    "BusinessService",
    "BusinessProcess",
    "WorkPackage",
    "Deliverable",
];

/// ArchiMate 3.2 Appendix B between [`DEFAULT_TYPES`], row = source, column = target,
/// one letter per allowed relationship: `a`ccess, `c`omposition, `f`low, a`g`gregation,
/// ass`i`gnment, i`n`fluence, ass`o`ciation, `r`ealization, `s`pecialization,
/// `t`riggering, ser`v`ing. Encoded by hand from the specification's table.
const ALLOWED: [[&str; 10]; 10] = [
    // BusinessActor ->
    [
        "cfgostv",
        "fiotv",
        "acfginorstv",
        "fotv",
        "ao",
        "fotv",
        "fiortv",
        "fiotv",
        "io",
        "o",
    ],
    // BusinessRole ->
    [
        "fotv",
        "cfgostv",
        "acfginorstv",
        "fotv",
        "ao",
        "fotv",
        "fiortv",
        "fiotv",
        "io",
        "o",
    ],
    // Grouping ->
    [
        "cfgiorstv",
        "cfgiorstv",
        "acfginorstv",
        "cfgorstv",
        "acgors",
        "cfgiorstv",
        "cfgiorstv",
        "cfgiorstv",
        "cfgiost",
        "acgors",
    ],
    // ApplicationComponent ->
    [
        "fotv",
        "fotv",
        "acfginorstv",
        "cfgorstv",
        "ao",
        "fiortv",
        "fortv",
        "fortv",
        "o",
        "o",
    ],
    // DataObject ->
    ["o", "o", "cgnors", "o", "cgos", "o", "o", "o", "o", "o"],
    // ApplicationService ->
    [
        "fotv",
        "fotv",
        "acfgnorstv",
        "fotv",
        "ao",
        "cfgostv",
        "fortv",
        "fotv",
        "o",
        "o",
    ],
    // BusinessService ->
    [
        "fotv",
        "fotv",
        "acfgnorstv",
        "fotv",
        "ao",
        "fotv",
        "cfgostv",
        "fotv",
        "o",
        "o",
    ],
    // BusinessProcess ->
    [
        "fotv",
        "fotv",
        "acfgnorstv",
        "fotv",
        "ao",
        "fotv",
        "fortv",
        "cfgostv",
        "o",
        "o",
    ],
    // WorkPackage ->
    [
        "or",
        "or",
        "acfgnorst",
        "or",
        "or",
        "or",
        "or",
        "or",
        "cfgost",
        "aor",
    ],
    // Deliverable ->
    [
        "or", "or", "cgnors", "or", "or", "or", "or", "or", "o", "cgos",
    ],
];

fn letter(rel: &str) -> Option<char> {
    Some(match rel {
        "Access" => 'a',
        "Composition" => 'c',
        "Flow" => 'f',
        "Aggregation" => 'g',
        "Assignment" => 'i',
        "Influence" => 'n',
        "Association" => 'o',
        "Realization" => 'r',
        "Specialization" => 's',
        "Triggering" => 't',
        "Serving" => 'v',
        _ => return None,
    })
}

/// Whether ArchiMate 3.2 allows a relationship of type `rel` from an element of type
/// `source` to one of type `target`, for the element types ecograph writes by default
/// (`None` when either type is another one: the table here does not cover it).
/// Association is allowed between any two elements.
pub fn allowed(rel: &str, source: &str, target: &str) -> Option<bool> {
    let s = DEFAULT_TYPES.iter().position(|t| *t == source)?;
    let t = DEFAULT_TYPES.iter().position(|t| *t == target)?;
    let l = letter(rel)?;
    Some(ALLOWED[s][t].contains(l))
}

/// The element types [`allowed`] knows.
pub fn table_types() -> &'static [&'static str] {
    &DEFAULT_TYPES
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    #[test]
    fn shared_name_shares_every_known_type_and_copies_others() {
        let known = super::ELEMENT_TYPES.iter().map(|(n, _)| *n);
        for t in known.chain(super::RELATIONSHIP_TYPES.iter().copied()) {
            // The same text, borrowed from the table, for an equal string made at run time.
            let asked = String::from(t);
            assert!(
                matches!(super::shared_name(&asked), Cow::Borrowed(n) if n == t),
                "{t}"
            );
        }
        for t in ["", "Actor", "businessactor", "BusinessActor ", "Flow2"] {
            assert!(
                matches!(super::shared_name(t), Cow::Owned(n) if n == t),
                "{t:?}"
            );
        }
    }
}
