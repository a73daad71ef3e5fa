//! The ArchiMate exchange importer: any bytes give a model or an error, never a panic;
//! an imported model passes `check`, and when it exports, the export imports again.
#![no_main]

use ecograph_core::Model;
use ecograph_interop::{ExportOptions, export_archimate, import_archimate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = import_archimate(data, "fuzz.xml") else {
        return;
    };
    let canonical = imported.model.to_canonical_json();
    Model::from_json_str(&canonical)
        .unwrap_or_else(|e| panic!("an imported model does not load again: {e}\n{canonical}"));
    // The importer refuses every character XML 1.0 forbids, so whatever it reads the
    // exporter can write.
    let xml = export_archimate(&imported.model, &ExportOptions::default())
        .unwrap_or_else(|e| panic!("an imported model does not export: {e}\n{canonical}"));
    ecograph_fuzz::check_xml(std::str::from_utf8(&xml).expect("exported XML is UTF-8"));
    import_archimate(&xml[..], "again.xml")
        .unwrap_or_else(|e| panic!("an exported model does not import: {e}"));
});
