//! Hostile shapes of input (issue #10), built by generators rather than checked in: each
//! test asserts the whole rendered message, or the right answer.

use ecograph_core::Model;

fn diagnostics(src: &str) -> String {
    let checked = Model::check_str(src, Some("gen.json"));
    assert!(checked.model.is_none(), "the model must be rejected");
    checked.diagnostics.to_string()
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
        "error[duplicate-id]: element id `<70000 x>` is used twice\n  --> gen.json:3:8 (elements[1].id)\nnote: first defined at elements[0]\n\n\
         warning[isolated-element]: `<70000 x>` has no relation and is in no containment tree\n  --> gen.json:2:1 (elements[0])\nhelp: relate it to something, give it a `parent`, or remove it\n"
    );
}
