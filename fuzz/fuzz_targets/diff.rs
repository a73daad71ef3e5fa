//! Diff of two models (`old NUL new`): no panic, deterministic text and JSON, a model
//! is identical to itself, and the change set of a diff round-trips through its JSON.
#![no_main]

use ecograph_impact::{ChangeSet, Options, analyze_since, diff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (old_bytes, new_bytes) = ecograph_fuzz::split(data);
    let Some(old) = ecograph_fuzz::model(old_bytes) else {
        return;
    };
    assert!(
        diff(&old, &old).is_identical(),
        "a model differs from itself"
    );
    let Some(new) = ecograph_fuzz::model(new_bytes) else {
        return;
    };
    let lang = new.languages().last().cloned().unwrap_or_default();
    let d = diff(&old, &new).lang(lang.clone());
    let text = d.to_text();
    let json = d.to_json().to_string();
    ecograph_fuzz::check_streamed(&d, &json);
    ecograph_fuzz::check_json(&json);
    let again = diff(&old, &new).lang(lang);
    assert_eq!(again.to_text(), text, "diff text is not deterministic");
    assert_eq!(again.to_json().to_string(), json);
    let set = d.change_set().to_json().to_string();
    let parsed = ChangeSet::from_json_str(&set)
        .unwrap_or_else(|e| panic!("a diff's change set does not parse: {e}\n{set}"));
    assert_eq!(parsed.to_json().to_string(), set);
    if let Ok(impact) = analyze_since(&old, &new, &ChangeSet::new(), &Options::new()) {
        ecograph_fuzz::check_json(&impact.to_json().to_string());
    }
});
