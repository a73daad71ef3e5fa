//! Hostile shapes of input (issue #10), built by generators rather than checked in: each
//! test asserts the whole rendered message, or the right answer.

use ecograph_core::Model;

/// The errors, rendered (warnings are not what these tests are about). Checked on a
/// thread with a 512 KiB stack: any recursion as deep as the input overflows it, so
/// shapes of tens of thousands (cheap in a debug build) guard what the release binary
/// does at hundreds of thousands.
fn diagnostics(src: &str) -> String {
    let src = src.to_owned();
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || errors(&src))
        .expect("spawn")
        .join()
        .expect("no stack overflow, no panic")
}

fn errors(src: &str) -> String {
    let checked = Model::check_str(src, Some("gen.json"));
    assert!(checked.model.is_none(), "the model must be rejected");
    let errors: Vec<String> = checked
        .diagnostics
        .errors()
        .map(|d| d.to_string())
        .collect();
    errors.join("\n")
}

#[test]
fn ids_longer_than_64_kib_are_found_and_deduplicated() {
    let long = "x".repeat(70_000);
    let ring: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"kind": "flow", "from": "s{i}", "to": "s{}"}}"#,
                (i + 1) % 500
            )
        })
        .collect();
    let systems: Vec<String> = (0..500)
        .map(|i| format!(r#"{{"id": "s{i}", "kind": "system", "name": "S"}}"#))
        .collect();
    let src = format!(
        r#"{{"ecograph": 1, "elements": [{{"id": "{long}", "kind": "system", "name": "L"}}, {}],
        "relations": [{}, {{"kind": "flow", "from": "{long}", "to": "s0"}}]}}"#,
        systems.join(","),
        ring.join(",")
    );
    let m = Model::from_json_str(&src).expect("valid");
    assert_eq!(m.element("s32").expect("found").index(), 33);
    assert_eq!(m.element(&long).expect("found").index(), 0);
    assert_eq!(m.element(&long).expect("found").outgoing().count(), 1);

    let twice = format!(
        r#"{{"ecograph": 1, "elements": [
{{"id": "{long}", "kind": "system", "name": "L"}},
{{"id": "{long}", "kind": "system", "name": "L"}}]}}"#
    );
    // The id is written out in full; it is replaced here to keep failures readable.
    let rendered = diagnostics(&twice).replace(&long, "<70000 x>");
    assert_eq!(
        rendered,
        "error[duplicate-id]: element id `<70000 x>` is used twice\n  --> gen.json:3:8 (elements[1].id)\nnote: first defined at elements[0]\n"
    );
}

/// `n` tasks, one a line, then `relations`, one a line.
fn tasks(
    n: usize,
    parent: impl Fn(usize) -> Option<usize>,
    relations: &[(usize, usize)],
) -> String {
    let mut s = String::from("{\"ecograph\": 1,\n\"elements\": [\n");
    for i in 0..n {
        let p = parent(i).map_or(String::new(), |p| format!(", \"parent\": \"t{p}\""));
        let comma = if i + 1 < n { "," } else { "" };
        s += &format!("{{\"id\": \"t{i}\", \"kind\": \"task\", \"name\": \"T\"{p}}}{comma}\n");
    }
    s += "],\n\"relations\": [\n";
    for (k, (f, t)) in relations.iter().enumerate() {
        let comma = if k + 1 < relations.len() { "," } else { "" };
        s +=
            &format!("{{\"kind\": \"depends_on\", \"from\": \"t{f}\", \"to\": \"t{t}\"}}{comma}\n");
    }
    s + "]}\n"
}

#[test]
fn a_dependency_cycle_of_30k_tasks_is_reported_in_one_short_line() {
    let n = 30_000;
    let ring: Vec<_> = (0..n).map(|i| (i, (i + 1) % n)).collect();
    assert_eq!(
        diagnostics(&tasks(n, |_| None, &ring)),
        "error[dependency-cycle]: dependency cycle: `t0` depends on `t1` depends on `t2` depends on `t3` depends on `t4` depends on … (29991 more) depends on `t29996` depends on `t29997` depends on `t29998` depends on `t29999` depends on `t0`\n  --> gen.json:30005:1 (relations[0])\nhelp: remove one of these `depends_on` relations\n"
    );
}

#[test]
fn a_40k_chain_into_a_two_task_cycle_is_reported() {
    let n = 40_000;
    let mut chain: Vec<_> = (0..n - 1).map(|i| (i, i + 1)).collect();
    chain.push((n - 1, n - 2));
    assert_eq!(
        diagnostics(&tasks(n, |_| None, &chain)),
        "error[dependency-cycle]: dependency cycle: `t39998` depends on `t39999` depends on `t39998`\n  --> gen.json:80003:1 (relations[39998])\nhelp: remove one of these `depends_on` relations\n"
    );
}

#[test]
fn a_containment_cycle_of_30k_tasks_is_reported_in_one_short_line() {
    let n = 30_000;
    assert_eq!(
        diagnostics(&tasks(n, |i| Some((i + 1) % n), &[])),
        "error[parent-cycle]: containment cycle: `t0` is inside `t1` is inside `t2` is inside `t3` is inside `t4` is inside … (29991 more) is inside `t29996` is inside `t29997` is inside `t29998` is inside `t29999` is inside `t0`\n  --> gen.json:3:53 (elements[0].parent)\nhelp: remove one of these `parent` fields\n"
    );
}

#[test]
fn json_nested_100k_deep_is_too_deep_not_a_crash() {
    let n = 100_000;
    let top = format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(
        diagnostics(&top),
        "error[type]: expected a JSON object (an ecograph model), found a list\n  --> gen.json:1:1 ($)\n\n\
         error[too-deep]: the JSON nests deeper than 128 levels here\n  --> gen.json:1:129 ([0][0][0][0][0][0]…)\nhelp: a model nests about eight levels at most: look for a runaway run of `[` or `{`\n"
    );
    let inside = format!(
        "{{\"ecograph\": 1,\n\"elements\": [{{\"id\": \"a\", \"kind\": \"system\", \"name\": {{\"en\": {}1{}}}}}]}}",
        "{\"x\": ".repeat(n),
        "}".repeat(n)
    );
    assert_eq!(
        diagnostics(&inside),
        "error[missing-default-language]: `name` has no value in the default language `en`\n  --> gen.json:2:52 (elements[0].name)\n\n\
         error[type]: expected a string, found an object\n  --> gen.json:2:59 (elements[0].name.en)\n\n\
         error[too-deep]: the JSON nests deeper than 128 levels here\n  --> gen.json:2:803 (elements[0].name.en.x.x…)\n\
         help: a model nests about eight levels at most: look for a runaway run of `[` or `{`\n"
    );
}

#[test]
fn bytes_that_are_not_utf8_are_an_invalid_model_with_a_position() {
    let src = b"{\"ecograph\": 1,\n \"elements\": [{\"id\": \"\xC3\xA4\xFF\"}]}";
    let checked = Model::check_bytes(src, Some("gen.json"));
    assert!(checked.model.is_none());
    assert_eq!(
        checked.diagnostics.to_string(),
        "error[encoding]: the file is not UTF-8: byte 0xFF at offset 40 cannot start or continue a character\n  --> gen.json:2:24 ($)\nhelp: save the file as UTF-8\n"
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let src = "\u{feff}{\"ecograph\": 1, \"elements\": [{\"id\": \"a\", \"kind\": \"group\", \"name\": \"A\"}]}";
    let m = Model::check_bytes(src.as_bytes(), None)
        .model
        .expect("valid");
    assert_eq!(m.element_count(), 1);
    assert!(Model::check_str(src, None).model.is_some());
}

#[test]
fn a_valid_model_with_a_warning_per_element_keeps_each_warning_once_in_order() {
    // A 2,000-system flow chain, no flow carrying data: one warning per flow, each with
    // the file and its position, in document order; the model's warnings are the
    // check's diagnostics (shared, not copied, but equal).
    const N: usize = 2_000;
    let mut src = String::from(r#"{"ecograph": 1, "elements": ["#);
    for i in 0..N {
        if i > 0 {
            src.push(',');
        }
        src.push_str(&format!(
            "\n{{\"id\": \"s{i}\", \"kind\": \"system\", \"name\": \"S\"}}"
        ));
    }
    src.push_str(r#"], "relations": ["#);
    for i in 0..N - 1 {
        if i > 0 {
            src.push(',');
        }
        src.push_str(&format!(
            "\n{{\"kind\": \"flow\", \"from\": \"s{i}\", \"to\": \"s{}\"}}",
            i + 1
        ));
    }
    src.push_str("]}");
    let checked = Model::check_str(&src, Some("gen.json"));
    let model = checked.model.as_ref().expect("valid");
    assert_eq!(model.warnings(), &checked.diagnostics);
    assert_eq!(checked.diagnostics.len(), N - 1);
    let mut last = 0;
    for (i, d) in checked.diagnostics.iter().enumerate() {
        assert_eq!(d.file(), Some("gen.json"));
        assert_eq!(d.code(), "flow-without-data");
        assert_eq!(d.path(), format!("relations[{i}]"));
        let line = d.line().expect("located");
        assert!(line > last, "document order");
        last = line;
    }
}

/// Texts in many languages are checked by look-up, not by search (a model in 100k
/// languages once took minutes), and the messages about them list ten languages and
/// count the rest.
#[test]
fn many_languages_are_listed_ten_at_a_time() {
    let languages: Vec<String> = (0..30).map(|i| format!("\"l{i}\"")).collect();
    let all: Vec<String> = (0..12).map(|i| format!("\"l{i}\": \"A{i}\"")).collect();
    let src = format!(
        r#"{{"ecograph": 1, "languages": [{}], "elements": [
            {{"id": "a", "kind": "system", "name": {{{}, "l3": "again", "zz": "Z"}}}},
            {{"id": "b", "kind": "system", "name": {{"l0": "B"}}}}],
            "relations": [{{"kind": "flow", "from": "a", "to": "b"}}]}}"#,
        languages.join(", "),
        all.join(", ")
    );
    let checked = Model::check_str(&src, None);
    let found: Vec<(String, String)> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code() != "flow-without-data")
        .map(|d| (d.code().to_owned(), d.message().to_owned()))
        .collect();
    let first_ten = |quote: &str| -> String {
        (0..10)
            .map(|i| format!("{quote}l{i}{quote}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing_of_a: Vec<String> = (12..22).map(|i| format!("`l{i}`")).collect();
    assert_eq!(
        found,
        vec![
            (
                "repeated-field".to_owned(),
                "language `l3` is given more than once in `name`".to_owned()
            ),
            (
                "unknown-language".to_owned(),
                format!(
                    "language `zz` is not one of the model's languages ({}, and 20 more)",
                    first_ten("")
                )
            ),
            (
                "missing-translation".to_owned(),
                format!(
                    "`name` has no translation to {}, and 8 more",
                    missing_of_a.join(", ")
                )
            ),
            (
                "missing-translation".to_owned(),
                format!(
                    "`name` has no translation to {}, and 19 more",
                    (1..11)
                        .map(|i| format!("`l{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ),
        ]
    );
    assert!(checked.model.is_none());
}

/// What checking a model finds, rendered: whether it is valid, its counts, and every
/// diagnostic in order.
fn checked(src: &str) -> (bool, usize, String) {
    let checked = Model::check_str(src, Some("gen.json"));
    let relations = checked.model.as_ref().map_or(0, Model::relation_count);
    let all: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    (checked.model.is_some(), relations, all.join("\n"))
}

/// A model with relations enough to be checked on two threads (streamed after the
/// languages and elements, or parsed with the document when they come first), valid or with
/// problems in both halves: a dangling end, and an id given twice, across the halves.
fn split_model(relations_first: bool, broken: bool) -> String {
    let n = 40_000;
    let elements: Vec<String> = (0..n)
        .map(|i| format!("{{\"id\": \"t{i}\", \"kind\": \"task\", \"name\": \"T\"}}"))
        .collect();
    let relations: Vec<String> = (0..n - 1)
        .map(|i| {
            let to = if broken && (i == 7 || i == 30_007) {
                format!("missing{i}")
            } else {
                format!("t{}", i + 1)
            };
            let id = if broken && (i == 11 || i == 30_011) {
                "twice".to_owned()
            } else {
                format!("r{i}")
            };
            format!("{{\"id\": \"{id}\", \"kind\": \"depends_on\", \"from\": \"t{i}\", \"to\": \"{to}\"}}")
        })
        .collect();
    let (e, r) = (elements.join(",\n"), relations.join(",\n"));
    if relations_first {
        format!("{{\"ecograph\": 1,\n\"relations\": [\n{r}],\n\"elements\": [\n{e}]}}\n")
    } else {
        // Languages, then elements, then relations: the relations are streamed.
        format!(
            "{{\"ecograph\": 1,\n\"languages\": [\"en\"],\n\"elements\": [\n{e}],\n\"relations\": [\n{r}]}}\n"
        )
    }
}

/// Where the system refuses a thread, a model's relations are checked on one thread,
/// with the same outcome and the same diagnostics in the same order.
#[test]
fn relations_are_checked_alike_where_the_system_refuses_a_thread() {
    for relations_first in [false, true] {
        for broken in [false, true] {
            let src = split_model(relations_first, broken);
            let two = checked(&src);
            let one = ecograph_core::par::with_threads_refused(|| checked(&src));
            assert_eq!(
                one, two,
                "relations first: {relations_first}, broken: {broken}"
            );
            assert_eq!(two.0, !broken, "{}", two.2);
            assert_eq!(two.1, if broken { 0 } else { 39_999 }, "{}", two.2);
            if broken {
                for needle in ["missing7", "missing30007", "twice"] {
                    assert!(two.2.contains(needle), "{needle} in {}", two.2);
                }
            }
        }
    }
}
