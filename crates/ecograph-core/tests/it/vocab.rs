//! One vocabulary: `FromStr` with an error for every parseable type, `Display` that
//! honours width and fill, and `Element` usable in hash and ordered sets.

use ecograph_core::{
    Confidence, Date, Duration, ElementId, ElementIndex, ElementKind, Model, Period, RelationKind,
    Status, Text,
};
use std::collections::{BTreeSet, HashSet};

#[test]
fn every_parseable_type_parses_with_a_result() {
    assert_eq!("2024-06-15".parse::<Date>().expect("date").day(), 15);
    assert_eq!(
        "2024-Q3".parse::<Period>().expect("period").to_string(),
        "2024-Q3"
    );
    assert_eq!("6w".parse::<Duration>().expect("duration").amount(), 6);
    assert_eq!(
        "task".parse::<ElementKind>().expect("kind"),
        ElementKind::Task
    );
    assert_eq!(
        "depends_on".parse::<RelationKind>().expect("kind"),
        RelationKind::DependsOn
    );
    assert_eq!("done".parse::<Status>().expect("status"), Status::Done);
    assert_eq!("ra.B".parse::<ElementId>().expect("id").as_str(), "ra.B");
    let errors = [
        "2023-02-30"
            .parse::<Date>()
            .map(drop)
            .unwrap_err()
            .to_string(),
        "2023-H3"
            .parse::<Period>()
            .map(drop)
            .unwrap_err()
            .to_string(),
        "1.5m"
            .parse::<Duration>()
            .map(drop)
            .unwrap_err()
            .to_string(),
        "sytem"
            .parse::<ElementKind>()
            .map(drop)
            .unwrap_err()
            .to_string(),
        "flows"
            .parse::<RelationKind>()
            .map(drop)
            .unwrap_err()
            .to_string(),
        "don".parse::<Status>().map(drop).unwrap_err().to_string(),
        "-x".parse::<ElementId>().map(drop).unwrap_err().to_string(),
    ];
    assert_eq!(
        errors,
        [
            "invalid date `2023-02-30`: expected a date such as `2024-06-15`",
            "invalid period `2023-H3`: expected a year, half year, quarter, month or day, such as `2024`, `2024-H2`, `2024-Q3`, `2024-06` or `2024-06-15`",
            "invalid duration `1.5m`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`",
            "unknown element kind `sytem`",
            "unknown relation kind `flows`",
            "unknown status `don`",
            "invalid id `-x`: expected an id that starts with a letter or digit and has only letters, digits, `_`, `.`, `:` and `-`",
        ]
    );
}

#[test]
fn display_honours_width_and_fill() {
    let id = ElementId::from("ab");
    let period: Period = "2024-H2".parse().expect("period");
    let date: Date = "2024-06-15".parse().expect("date");
    let dur: Duration = "2w".parse().expect("duration");
    assert_eq!(format!("[{id:<4}]"), "[ab  ]");
    assert_eq!(format!("[{:>8}]", ElementKind::Task), "[    task]");
    assert_eq!(format!("[{:^8}]", RelationKind::Flow), "[  flow  ]");
    assert_eq!(format!("[{:-<7}]", Status::Done), "[done---]");
    assert_eq!(format!("[{period:>9}]"), "[  2024-H2]");
    assert_eq!(format!("[{date:<11}]"), "[2024-06-15 ]");
    assert_eq!(format!("[{dur:>3}]"), "[ 2w]");
    assert_eq!(format!("[{:*<5}]", Text::plain("ab")), "[ab***]");
    assert_eq!(format!("{:<12}|", Confidence::Certain), "certain     |");
    let second = ElementIndex::from(m_two().element("b").expect("b"));
    assert_eq!(format!("{second:>4}|"), "   1|");
    // Without a width nothing changes.
    assert_eq!(format!("{period}|{date}|{dur}"), "2024-H2|2024-06-15|2w");
}

#[test]
fn elements_go_in_hash_and_ordered_sets() {
    let m = Model::from_json_str(
        r#"{"ecograph": 1, "elements": [
            {"id": "b", "kind": "system", "name": "B"},
            {"id": "a", "kind": "system", "name": "A"}],
            "relations": [{"kind": "flow", "from": "a", "to": "b"}]}"#,
    )
    .expect("valid");
    let (a, b) = (m.element("a").expect("a"), m.element("b").expect("b"));
    let hashed: HashSet<_> = [a, b, a].into_iter().collect();
    assert_eq!(hashed.len(), 2);
    let ordered: BTreeSet<_> = [a, b].into_iter().collect();
    // File order, not id order.
    assert_eq!(
        ordered
            .into_iter()
            .map(|e| e.id().as_str())
            .collect::<Vec<_>>(),
        ["b", "a"]
    );
    assert_eq!(ElementIndex::from(a).index(), 1);
    assert_eq!(m.element_by_index(ElementIndex::from(b)), Some(b));
    assert_eq!(m.element_by_index(ElementIndex::new(7)), None);
    // The tag is only borrowed for the call.
    let found: Vec<_> = {
        let tag = String::from("none");
        m.elements_with_tag(&tag)
    }
    .collect();
    assert!(found.is_empty());
}

#[test]
fn an_invalid_model_lists_every_error_in_its_alternate_form() {
    let src = "{\"ecograph\": 1,\n\"elements\": [{\"id\": \"a\", \"kind\": \"sytem\", \"name\": \"A\"},\n{\"id\": \"b\", \"kind\": \"group\"}]}";
    let err = Model::from_json_str(src).expect_err("invalid");
    assert_eq!(err.to_string(), "the input is not a valid model: 2 errors");
    assert_eq!(
        format!("{err:#}"),
        "the input is not a valid model: 2 errors\n\n\
         error[unknown-kind]: unknown element kind `sytem`\n  --> <input>:2:34 (elements[0].kind)\n\
         note: expected one of `actor`, `role`, `group`, `system`, `data`, `service`, `process`, `task`, `deliverable`\n\
         help: did you mean `system`?\n\n\
         error[missing-field]: `b` has no `name`\n  --> <input>:3:1 (elements[1])\n"
    );
    let source = std::error::Error::source(&err).expect("the diagnostics");
    assert!(source.to_string().starts_with("error[unknown-kind]"));
    // A diagnostic pads as a whole, like every Display of the crate.
    let shown = source.to_string();
    let width = shown.chars().count() + 3;
    assert_eq!(format!("{source:<width$}|"), format!("{shown}   |"));
}

/// A step of a core path reads like a relation and like the impact crate's hop:
/// `from()`, `to()`, `relation()`, `direction()`.
#[test]
fn path_steps_have_the_accessors_of_relations_and_hops() {
    let m = Model::from_json_str(
        r#"{ "ecograph": 1,
  "elements": [ { "id": "a", "kind": "system", "name": "A" },
                { "id": "b", "kind": "system", "name": "B" },
                { "id": "c", "kind": "system", "name": "C" } ],
  "relations": [ { "kind": "flow", "from": "a", "to": "b" },
                 { "kind": "flow", "from": "c", "to": "b" } ] }"#,
    )
    .expect("valid");
    let (a, c) = (m.element("a").expect("a"), m.element("c").expect("c"));
    let path = m
        .shortest_path(a, c, &[], ecograph_core::Direction::Both)
        .expect("joined");
    let steps: Vec<(String, String, ecograph_core::Direction, String)> = path
        .steps()
        .iter()
        .map(|s| {
            (
                s.from().id().to_string(),
                s.to().id().to_string(),
                s.direction(),
                s.relation().from().id().to_string(),
            )
        })
        .collect();
    use ecograph_core::Direction::{Incoming, Outgoing};
    assert_eq!(
        steps,
        [
            ("a".into(), "b".into(), Outgoing, "a".into()),
            ("b".into(), "c".into(), Incoming, "c".into())
        ]
    );
    assert!(path.steps()[0].is_forward() && !path.steps()[1].is_forward());
    assert_eq!(
        serde_json::to_string(path.steps()).expect("serialises"),
        r#"[{"from":"a","relation":"flow","to":"b","forward":true},{"from":"b","relation":"flow","to":"c","forward":false}]"#
    );
}

#[test]
fn elements_with_tag_borrows_the_tag_only_for_the_call() {
    let m = Model::from_json_str(
        r#"{ "ecograph": 1, "elements": [
  { "id": "a", "kind": "system", "name": "A", "tags": ["core"] },
  { "id": "b", "kind": "system", "name": "B" } ] }"#,
    )
    .expect("valid");
    // The tag is a temporary dropped before the iterator is used: this compiles only
    // because the iterator does not borrow it.
    let tagged = m.elements_with_tag(&String::from("core"));
    let ids: Vec<&str> = tagged.map(|e| e.id().as_str()).collect();
    assert_eq!(ids, ["a"]);
}

fn m_two() -> Model {
    Model::from_json_str(
        r#"{ "ecograph": 1, "elements": [ { "id": "a", "kind": "system", "name": "A" },
  { "id": "b", "kind": "system", "name": "B" } ] }"#,
    )
    .expect("valid")
}
