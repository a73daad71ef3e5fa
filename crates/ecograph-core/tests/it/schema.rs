//! The checked-in JSON Schema is the generated one.

#[test]
fn checked_in_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schema/ecograph-1.schema.json");
    let mut generated =
        serde_json::to_string_pretty(&ecograph_core::json_schema()).expect("serialises");
    generated.push('\n');
    if std::env::var_os("ECOGRAPH_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, generated,
        "schema/ecograph-1.schema.json is stale: run `ecograph schema -o schema/ecograph-1.schema.json`"
    );
}

#[test]
fn schema_lists_every_kind() {
    let s = ecograph_core::json_schema();
    let kinds = &s["$defs"]["element"]["properties"]["kind"]["enum"];
    for k in ecograph_core::ElementKind::ALL {
        assert!(
            kinds
                .as_array()
                .expect("enum")
                .iter()
                .any(|v| v == k.as_str()),
            "{k}"
        );
    }
    assert_eq!(s["additionalProperties"], false);
}
