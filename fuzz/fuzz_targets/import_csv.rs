//! Archi's CSV importer (`elements NUL relations NUL properties`): any bytes give a model
//! or an error, never a panic; an imported model exports to CSV that imports again.
#![no_main]

use ecograph_interop::{ExportOptions, export_csv, import_csv};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 3] = ["elements.csv", "relations.csv", "properties.csv"];

fuzz_target!(|data: &[u8]| {
    let (elements, rest) = ecograph_fuzz::split(data);
    let (relations, properties) = ecograph_fuzz::split(rest);
    let Ok(imported) = import_csv(elements, Some(relations), Some(properties), NAMES) else {
        return;
    };
    let csv = export_csv(&imported.model, &ExportOptions::default())
        .unwrap_or_else(|e| panic!("an imported model does not export: {e}"));
    import_csv(
        &csv.elements[..],
        Some(&csv.relations[..]),
        Some(&csv.properties[..]),
        NAMES,
    )
    .unwrap_or_else(|e| panic!("exported CSV does not import: {e}"));
});
