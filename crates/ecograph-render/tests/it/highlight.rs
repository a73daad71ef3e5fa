//! Highlights from marks, sets, impact analyses and diffs.

use crate::views::small;
use ecograph_core::{Confidence, ElementSet, Model};
use ecograph_render::{Diagram, Error, Highlight, Mark, Options};

#[test]
fn marking_an_unknown_id_is_an_error_with_a_suggestion() {
    let m = small();
    let mut h = Highlight::new();
    let err = h
        .mark(&m, "eurse", Mark::Changed)
        .expect_err("no such element");
    assert_eq!(
        err,
        Error::UnknownHighlight {
            id: "eurse".into(),
            suggestion: Some("eures".into()),
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot highlight unknown element `eurse` (did you mean `eures`?)"
    );
    assert!(h.is_empty(), "a failed mark marks nothing");
}

#[test]
fn an_element_marked_twice_keeps_the_stronger_mark() {
    let m = small();
    let potential = Mark::Affected {
        confidence: Confidence::Potential,
    };
    let certain = Mark::Affected {
        confidence: Confidence::Certain,
    };
    let mut h = Highlight::new();
    h.mark(&m, "eures", potential).expect("exists");
    h.mark(&m, "eures", certain).expect("exists");
    h.mark(&m, "eures", potential).expect("exists");
    assert_eq!(h.get("eures"), Some(certain));
    h.mark(&m, "eures", Mark::Changed).expect("exists");
    assert_eq!(h.get("eures"), Some(Mark::Changed));
}

#[test]
fn a_set_highlights_each_of_its_elements() {
    let m = small();
    let set = ElementSet::with_tag(&m, "core");
    let h = Highlight::from_set(&set, Mark::Modified);
    let marked: Vec<(&str, Mark)> = h.iter().collect();
    assert_eq!(marked, vec![("tmt", Mark::Modified)]);
}

#[cfg(feature = "impact")]
mod from_analysis {
    use super::*;
    use ecograph_impact::{Change, ChangeSet, Options as ImpactOptions, analyze, diff};

    #[test]
    fn from_impact_marks_the_changes_and_every_affected_element() {
        let m = small();
        let mut changes = ChangeSet::new();
        changes.push(Change::modified("tmt.api"));
        changes.push(Change::removed("cvs"));
        let impact = analyze(&m, &changes, &ImpactOptions::default()).expect("analyses");
        assert!(!impact.is_empty(), "the fixture propagates");
        let h = Highlight::from_impact(&impact);
        // The oracle: each change's own mark, and each affected element's confidence
        // (a change that is also affected keeps the change's stronger mark).
        let mut expected: Vec<(String, Mark)> = vec![
            ("tmt.api".into(), Mark::Changed),
            ("cvs".into(), Mark::Removed),
        ];
        for a in impact.affected() {
            let id = a.element().id().as_str().to_owned();
            if !expected.iter().any(|(e, _)| *e == id) {
                expected.push((
                    id,
                    Mark::Affected {
                        confidence: a.confidence(),
                    },
                ));
            }
        }
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        let got: Vec<(String, Mark)> = h.iter().map(|(id, m)| (id.to_owned(), m)).collect();
        assert_eq!(got, expected);
        // Drawn: a changed node carries its mark.
        let d = Diagram::new(
            &m,
            m.view("all").expect("exists"),
            &Options::default().highlight(h),
        )
        .expect("resolves");
        let api = d.node_of("tmt.api").map(|i| d.nodes()[i].mark());
        assert_eq!(api, Some(Some(Mark::Changed)));
    }

    #[test]
    fn from_diff_marks_added_removed_and_modified_elements() {
        let src = include_str!("fixtures/small.json");
        let spec = r#"    { "id": "spec", "kind": "deliverable", "name": { "fi": "Määrittely", "en": "Specification" } }"#;
        assert!(src.contains(spec), "the fixture's last element");
        let legacy = format!(
            "{spec},\n    {{ \"id\": \"legacy\", \"kind\": \"system\", \"name\": \"Legacy\" }}"
        );
        let portal = format!(
            "{spec},\n    {{ \"id\": \"portal\", \"kind\": \"system\", \"name\": \"Portal\" }}"
        );
        let old = Model::from_json_str(&src.replace(spec, &legacy)).expect("valid");
        let new = Model::from_json_str(
            &src.replace(spec, &portal)
                .replace(r#""name": "EURES""#, r#""name": "EURES portal""#),
        )
        .expect("valid");
        let h = Highlight::from_diff(&diff(&old, &new));
        let got: Vec<(&str, Mark)> = h.iter().collect();
        assert_eq!(
            got,
            vec![
                ("eures", Mark::Modified),
                ("legacy", Mark::Removed),
                ("portal", Mark::Added),
            ]
        );
    }

    #[test]
    fn of_change_maps_each_change_kind() {
        use ecograph_impact::ChangeKind;
        let got: Vec<Mark> = ChangeKind::ALL
            .iter()
            .map(|k| Mark::of_change(*k))
            .collect();
        assert_eq!(
            got,
            vec![Mark::Changed, Mark::Removed, Mark::Added, Mark::Changed]
        );
    }
}
