//! The synthetic models are valid, of the size asked for, realistic and reproducible.

use ecograph_benches::synth::{RELATIONS_PER_ELEMENT, generate_json, write_json};
use ecograph_core::{ElementKind, Model, RelationKind, Severity};
use ecograph_schedule::{self as schedule, Options};

/// Generates and loads a model, failing with every error when it is not valid.
fn load(elements: usize, seed: u64) -> Model {
    let json = generate_json(elements, seed);
    let checked = Model::check_str(&json, Some("synthetic.json"));
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(
        errors.is_empty(),
        "{elements} elements, seed {seed}: {} error(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
    checked.model.expect("no errors, so a model")
}

/// The model has the size asked for, about five relations per element, and no warning.
fn assert_full_size(model: &Model, elements: usize) {
    assert_eq!(model.element_count(), elements);
    let per_element = model.relation_count() as f64 / elements as f64;
    let expected = RELATIONS_PER_ELEMENT as f64;
    assert!(
        (expected * 0.9..=expected * 1.1).contains(&per_element),
        "{per_element} relations per element"
    );
    let warnings: Vec<String> = model
        .warnings()
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect();
    assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
}

#[test]
fn one_thousand_elements_load_with_no_error_nor_warning() {
    assert_full_size(&load(1_000, 1), 1_000);
}

#[test]
fn ten_thousand_elements_load_with_no_error_nor_warning() {
    assert_full_size(&load(10_000, 2), 10_000);
}

#[test]
fn tiny_models_load_with_no_error() {
    for elements in 0..40 {
        for seed in 0..4 {
            let model = load(elements, seed);
            assert_eq!(model.element_count(), elements);
        }
    }
}

#[test]
fn same_seed_gives_byte_identical_output() {
    let a = generate_json(3_000, 42);
    assert_eq!(a, generate_json(3_000, 42));
    assert_ne!(a, generate_json(3_000, 43));
}

#[test]
fn streaming_writes_the_same_text() {
    let mut streamed = Vec::new();
    write_json(2_000, 9, &mut streamed).expect("writing to memory");
    assert_eq!(streamed, generate_json(2_000, 9).into_bytes());
}

#[test]
fn models_mix_every_kind_with_translated_non_ascii_names() {
    let model = load(2_000, 5);
    for &kind in ElementKind::ALL {
        let count = model.elements_of_kind(kind).count();
        assert!(
            count >= 2_000 / 50,
            "only {count} elements of kind `{kind}`"
        );
    }
    for kind in [
        RelationKind::Plays,
        RelationKind::Responsible,
        RelationKind::Participates,
        RelationKind::Provides,
        RelationKind::Uses,
        RelationKind::Flow,
        RelationKind::DependsOn,
        RelationKind::Produces,
        RelationKind::Concerns,
        RelationKind::Linked,
    ] {
        assert!(
            model.relations_of_kind(kind).count() >= 100,
            "too few `{kind}` relations"
        );
    }
    assert!(
        model
            .elements()
            .all(|e| e.name().get("fi").is_some() && e.name().get("en").is_some())
    );
    assert!(
        model
            .elements()
            .any(|e| e.name().resolve(Some("fi")).contains('ä'))
    );
    assert!(
        model
            .elements()
            .any(|e| e.name().resolve(Some("fi")).contains('ö'))
    );
    assert!(
        model
            .relations_of_kind(RelationKind::Flow)
            .all(|r| r.data_carried().len() > 0)
    );
    assert!(model.relations().any(|r| r.lag().is_some()));
}

#[test]
fn containment_is_at_most_four_levels_deep_and_uses_groups() {
    let model = load(5_000, 6);
    let deepest = model.elements().map(|e| e.depth()).max();
    assert_eq!(deepest, Some(3));
    let in_group = model
        .elements()
        .filter(|e| {
            e.kind() != ElementKind::Group
                && e.parent().is_some_and(|p| p.kind() == ElementKind::Group)
        })
        .count();
    let in_same_kind = model
        .elements()
        .filter(|e| e.parent().is_some_and(|p| p.kind() == e.kind()))
        .count();
    assert!(
        in_group > 100 && in_same_kind > 1_000,
        "{in_group} in groups, {in_same_kind} in their own kind"
    );
}

#[test]
fn tasks_have_statuses_and_dependencies_fit_the_schedule() {
    let model = load(5_000, 7);
    let tasks = model.elements_of_kind(ElementKind::Task).count();
    let dated = model
        .elements_of_kind(ElementKind::Task)
        .filter(|t| t.start().is_some() && t.end().is_some())
        .count();
    assert!(
        dated * 10 >= tasks * 9,
        "{dated} of {tasks} tasks have dates"
    );
    assert!(
        model
            .elements_of_kind(ElementKind::Task)
            .all(|t| t.status().is_some())
    );
    // Finish to start: the day after the prerequisite ends, plus the lag.
    let mut checked = 0;
    for r in model.relations_of_kind(RelationKind::DependsOn) {
        let (Some(start), Some(end)) = (r.from().start(), r.to().end()) else {
            continue;
        };
        let after = end.last_day().add_days(1);
        let ready = r.lag().map_or(after, |lag| lag.after(after));
        assert!(
            ready <= start.first_day(),
            "`{}` starts before `{}` is done",
            r.from().id(),
            r.to().id()
        );
        checked += 1;
    }
    assert!(
        checked > tasks / 2,
        "only {checked} dependencies between dated tasks"
    );
    // A task lies within the span of the task that contains it.
    for t in model.elements_of_kind(ElementKind::Task) {
        let Some(p) = t.parent().filter(|p| p.kind() == ElementKind::Task) else {
            continue;
        };
        if let (Some(ps), Some(ts)) = (p.start(), t.start()) {
            assert!(
                ps.first_day() <= ts.first_day(),
                "`{}` starts before `{}`",
                t.id(),
                p.id()
            );
        }
        if let (Some(pe), Some(te)) = (p.end(), t.end()) {
            assert!(
                te.last_day() <= pe.last_day(),
                "`{}` ends after `{}`",
                t.id(),
                p.id()
            );
        }
    }
}

#[test]
fn the_schedule_analysis_finds_no_conflict() {
    let model = load(20_000, 8);
    let plan = schedule::analyze(&model, &Options::new()).expect("an acyclic plan");
    let conflicts: Vec<String> = plan
        .conflicts()
        .iter()
        .take(5)
        .map(|c| {
            format!(
                "{} {} {} {}",
                c.element.id(),
                c.date,
                c.other.id(),
                c.other_date
            )
        })
        .collect();
    assert!(
        conflicts.is_empty(),
        "{} conflicts, such as:\n{}",
        plan.conflicts().len(),
        conflicts.join("\n")
    );
}

/// Every adversarial shape writes what it claims: the valid ones load with the size and
/// ids the benchmark names, the invalid ones fail with the diagnostic they provoke.
#[test]
fn adversarial_shapes_are_what_they_claim() {
    use ecograph_benches::adversarial::Shape;
    for shape in Shape::ALL {
        let mut out = Vec::new();
        shape.write(40, &mut out).unwrap();
        let src = String::from_utf8(out).unwrap();
        let checked = Model::check_str(&src, None);
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code()).collect();
        let expected_error = match shape {
            Shape::DeepTop => Some("type"),
            Shape::DeepName => Some("type"),
            Shape::DependsCycle | Shape::ChainIntoCycle => Some("dependency-cycle"),
            _ => None,
        };
        let Some(code) = expected_error else {
            let model = checked
                .model
                .unwrap_or_else(|| panic!("{}: invalid: {codes:?}", shape.name()));
            let ids = shape.ids(40);
            for id in [&ids.from, &ids.to, &ids.task] {
                assert!(model.element(id).is_some(), "{}: no `{id}`", shape.name());
            }
            let count = match shape {
                Shape::LongId => 501,
                Shape::WideProperties
                | Shape::WideTags
                | Shape::ManyViews
                | Shape::ManyLanguages => 2,
                Shape::DenseView => Shape::dense_nodes(40),
                Shape::RepeatedDelays => 10,
                _ => 40,
            };
            assert_eq!(model.element_count(), count, "{}", shape.name());
            if shape == Shape::ManyLanguages {
                assert_eq!(model.languages().len(), 40);
                let name = model.element("s0").expect("s0").name();
                assert_eq!(name.values().count(), 40);
            }
            continue;
        };
        assert!(checked.model.is_none(), "{}: accepted", shape.name());
        assert!(
            codes.contains(&code),
            "{}: expected `{code}`, got {codes:?}",
            shape.name()
        );
    }
}
