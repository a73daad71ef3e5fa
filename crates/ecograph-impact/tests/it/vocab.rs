//! One vocabulary: every `Display` honours width and fill, every name parses with
//! `FromStr` and an error with a suggestion.

use ecograph_core::{Direction, RelationKind};
use ecograph_impact::{
    Change, ChangeKind, Confidence, Effect, Error, Link, RelationRef, Rules, StopAt,
};

#[test]
fn display_honours_width_and_fill() {
    let rule = Rules::default()
        .get(
            ChangeKind::Removed,
            Link::Relation(RelationKind::Uses),
            Direction::Incoming,
        )
        .expect("the default table has it");
    let change = Change::removed("tmt");
    let relation = RelationRef::key(RelationKind::Flow, "a", "b");
    for shown in [
        rule.to_string(),
        change.to_string(),
        relation.to_string(),
        Confidence::Potential.to_string(),
        ChangeKind::Delayed.to_string(),
        Link::Parent.to_string(),
        Effect::Removed.to_string(),
    ] {
        assert!(shown.len() < 40, "{shown}");
    }
    assert_eq!(format!("{:<12}|", Confidence::Certain), "certain     |");
    assert_eq!(format!("{:<12}|", ChangeKind::Added), "added       |");
    assert_eq!(format!("{:<12}|", Link::Data), "data        |");
    assert_eq!(format!("{:<12}|", Effect::Modified), "modified    |");
    assert_eq!(
        format!("{:<40}|", rule),
        format!("{:<40}|", rule.to_string())
    );
    assert!(format!("{rule:<40}|").ends_with(" |"), "{rule:<40}|");
    assert_eq!(
        format!("{change:>16}|"),
        format!("{:>16}|", "removed `tmt`")
    );
    assert_eq!(
        format!("{relation:*<40}|"),
        format!("{:*<40}|", relation.to_string())
    );
    assert!(format!("{relation:*<40}|").ends_with("*|"));
}

#[test]
fn every_name_parses_with_a_result() {
    assert_eq!(
        "delayed".parse::<ChangeKind>().ok(),
        Some(ChangeKind::Delayed)
    );
    assert_eq!("parent".parse::<Link>().ok(), Some(Link::Parent));
    assert_eq!("removed".parse::<Effect>().ok(), Some(Effect::Removed));
    assert_eq!(
        "potential".parse::<Confidence>().ok(),
        Some(Confidence::Potential)
    );
    assert_eq!("tag:core".parse::<StopAt>(), Ok(StopAt::Tag("core".into())));
    let err = "remvoed".parse::<ChangeKind>().expect_err("unknown");
    assert!(matches!(err, Error::UnknownName { .. }));
    assert_eq!(
        err.to_string(),
        "unknown change kind `remvoed`; did you mean `removed`?"
    );
    assert_eq!(
        "modifed"
            .parse::<Effect>()
            .expect_err("unknown")
            .to_string(),
        "unknown effect `modifed`; did you mean `modified`?"
    );
}

#[test]
fn change_sets_and_rules_round_trip_through_serde() {
    use ecograph_core::Duration;
    use ecograph_impact::ChangeSet;
    let mut set = ChangeSet::new();
    set.push(Change::modified("tmt.api"));
    set.push(Change::removed("cvs"));
    set.push(Change::added("portal"));
    set.push(Change::delayed(
        "wp1",
        "3w".parse::<Duration>().expect("duration"),
    ));
    set.push(
        Change::relation(
            RelationRef::key(RelationKind::Flow, "tmt.api", "eures"),
            ChangeKind::Removed,
        )
        .expect("a relation can be removed"),
    );
    set.push(
        Change::relation(RelationRef::Id("r7".into()), ChangeKind::Modified)
            .expect("a relation can be modified"),
    );
    let json = serde_json::to_string(&set).expect("serialises");
    let back: ChangeSet = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, set);
    assert_eq!(serde_json::to_string(&back).expect("serialises"), json);

    let rules = Rules::default();
    let json = serde_json::to_string(&rules).expect("serialises");
    let back: Rules = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, rules);

    // Deserialising checks as the file readers do, with a suggestion.
    let err = serde_json::from_str::<ChangeSet>(
        r#"{"changes": [{"element": "a", "change": "remvoed"}]}"#,
    )
    .expect_err("unknown change kind");
    assert!(err.to_string().contains("did you mean `removed`?"), "{err}");
}
