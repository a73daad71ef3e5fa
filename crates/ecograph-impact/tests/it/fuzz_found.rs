//! Inputs the fuzzers (`fuzz/`, docs/reliability.md) found to crash, each kept as a
//! regression test of the behaviour that replaced the crash.

use ecograph_impact::ChangeSet;

#[test]
fn duration_with_a_multibyte_unit_is_an_error_not_a_panic() {
    // Found by the `changes` target: the unit was split off at the last byte.
    assert!(ecograph_core::Duration::parse("6ʇ").is_none());
    assert!(ecograph_core::Duration::parse("ʇ").is_none());
    assert!(ecograph_core::Duration::parse("é").is_none());
    let e = "6ʇ".parse::<ecograph_core::Duration>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid duration `6ʇ`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`"
    );
    let src = r#"{"changes":[{"change":"delayed","element":"t","by":"6ʇ"}]}"#;
    let e = ChangeSet::from_json_str(src).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid change set: changes[0]: invalid duration `6ʇ`: expected a whole number and `d`, `w`, `m` or `y`, such as `6w`"
    );
}
