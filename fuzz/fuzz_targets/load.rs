//! Model loading: any bytes give a model or located diagnostics, never a panic; checking
//! is deterministic; the canonical form of a valid model loads again and is a fixed
//! point of `fmt`.
#![no_main]

use ecograph_core::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(model) = ecograph_fuzz::model(data) else {
        return;
    };
    let canonical = model.to_canonical_json();
    ecograph_fuzz::check_json(&canonical);
    let again = Model::from_json_str(&canonical).unwrap_or_else(|e| {
        panic!("the canonical form of a valid model is invalid: {e}\n{canonical}")
    });
    assert_eq!(
        again.to_canonical_json(),
        canonical,
        "fmt is not idempotent"
    );
    assert_eq!(again.element_count(), model.element_count());
});
