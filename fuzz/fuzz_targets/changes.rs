//! Change-set files: any text parses or gives an error, never a panic, and a parsed
//! change set survives a round trip through its JSON form.
#![no_main]

use ecograph_impact::ChangeSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(set) = ChangeSet::from_json_str(src) else {
        return;
    };
    let json = set.to_json().to_string();
    let again = ChangeSet::from_json_str(&json)
        .unwrap_or_else(|e| panic!("a change set's own JSON does not parse: {e}\n{json}"));
    assert_eq!(
        again.to_json().to_string(),
        json,
        "change set JSON does not round-trip"
    );
});
