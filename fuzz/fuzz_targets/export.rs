//! The exporters on whatever loads: ArchiMate and GraphML are well-formed XML, the
//! ArchiMate file and the CSV files import again, and all are deterministic.
#![no_main]

use ecograph_interop::{
    ExportOptions, export_archimate, export_csv, export_graphml, import_archimate, import_csv,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (model_bytes, tail) = ecograph_fuzz::split(data);
    let Some(model) = ecograph_fuzz::model(model_bytes) else {
        return;
    };
    let mut options = ExportOptions::default();
    if tail.first().is_some_and(|b| b & 1 == 1) {
        if let Some(lang) = model.languages().last() {
            options = options.lang(lang.clone());
        }
    }
    let Ok(xml) = export_archimate(&model, &options) else {
        return;
    };
    ecograph_fuzz::check_xml(std::str::from_utf8(&xml).expect("ArchiMate XML is UTF-8"));
    assert_eq!(
        export_archimate(&model, &options).ok(),
        Some(xml.clone()),
        "not deterministic"
    );
    import_archimate(&xml[..], "export.xml")
        .unwrap_or_else(|e| panic!("an exported ArchiMate file does not import: {e}"));
    if let Ok(graphml) = export_graphml(&model, &options) {
        ecograph_fuzz::check_xml(std::str::from_utf8(&graphml).expect("GraphML is UTF-8"));
    }
    if let Ok(csv) = export_csv(&model, &options) {
        let names = ["elements.csv", "relations.csv", "properties.csv"];
        import_csv(
            &csv.elements[..],
            Some(&csv.relations[..]),
            Some(&csv.properties[..]),
            names,
        )
        .unwrap_or_else(|e| panic!("exported CSV does not import: {e}"));
    }
});
