//! Impact analysis through the public API.

use ecograph_core::Model;
use ecograph_impact::{Change, ChangeSet, Options, analyze};

fn fixture(name: &str) -> Model {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Model::load(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn smoke() {
    let m = fixture("small.json");
    let set = ChangeSet::from_iter([Change::removed("tmt")]);
    let imp = analyze(&m, &set, &Options::default().lang(Some("en"))).unwrap();
    println!("{}", imp.to_text());
    println!("{}", serde_json::to_string_pretty(&imp.to_json()).unwrap());
}
