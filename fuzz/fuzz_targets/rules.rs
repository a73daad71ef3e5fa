//! Rules files: any text parses or gives an error, never a panic, and parsed rules
//! survive a round trip through their JSON form.
#![no_main]

use ecograph_impact::Rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = Rules::from_json_str(src) else {
        return;
    };
    let json = rules.to_json().to_string();
    let again = Rules::from_json_str(&json)
        .unwrap_or_else(|e| panic!("a rules table's own JSON does not parse: {e}\n{json}"));
    assert_eq!(
        again.to_json().to_string(),
        json,
        "rules JSON does not round-trip"
    );
});
