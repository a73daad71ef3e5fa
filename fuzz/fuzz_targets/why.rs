//! `why` between two elements of whatever loads, for every change kind: no panic,
//! deterministic text and JSON.
#![no_main]

use ecograph_fuzz::Bytes;
use ecograph_impact::{ChangeKind, Options, why};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (model_bytes, tail) = ecograph_fuzz::split(data);
    let Some(model) = ecograph_fuzz::model(model_bytes) else {
        return;
    };
    let mut bytes = Bytes(tail);
    let (Some(from), Some(to)) = (bytes.element(&model), bytes.element(&model)) else {
        return;
    };
    let flags = bytes.byte();
    let kind = match flags % 4 {
        0 => ChangeKind::Modified,
        1 => ChangeKind::Removed,
        2 => ChangeKind::Added,
        _ => ChangeKind::Delayed,
    };
    let mut options = Options::new().certain_only(flags & 4 == 4);
    if flags & 16 == 16 {
        if let Some(lang) = model.languages().last() {
            options = options.lang(lang.clone());
        }
    }
    if flags & 8 == 8 {
        options = options.depth(usize::from(bytes.byte() % 8));
    }
    let (from, to) = (from.id().as_str(), to.id().as_str());
    let Ok(explanation) = why(&model, from, to, kind, &options) else {
        return;
    };
    let text = explanation.to_text();
    let json = explanation.to_json().to_string();
    ecograph_fuzz::check_json(&json);
    let again = why(&model, from, to, kind, &options).expect("explained once");
    assert_eq!(again.to_text(), text, "why text is not deterministic");
    assert_eq!(again.to_json().to_string(), json);
});
