//! Impact analysis of whatever loads, for change sets read from a file or built from
//! bytes: no panic, deterministic text and JSON, and the JSON is valid.
#![no_main]

use ecograph_core::{Duration, time::DurationUnit};
use ecograph_fuzz::Bytes;
use ecograph_impact::{Change, ChangeSet, Options, Snapshot, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (model_bytes, tail) = ecograph_fuzz::split(data);
    let Some(model) = ecograph_fuzz::model(model_bytes) else {
        return;
    };
    let mut bytes = Bytes(tail);
    let flags = bytes.byte();
    let changes = if flags & 1 == 1 {
        // The rest is a change-set file.
        let Ok(src) = std::str::from_utf8(bytes.0) else {
            return;
        };
        let Ok(set) = ChangeSet::from_json_str(src) else {
            return;
        };
        set
    } else {
        let mut set = ChangeSet::new();
        for _ in 0..=(flags >> 5) {
            let Some(e) = bytes.element(&model) else {
                break;
            };
            let id = e.id().as_str().to_owned();
            set.push(match bytes.byte() % 4 {
                0 => Change::modified(id),
                1 => Change::removed(id),
                2 => Change::added(id),
                _ => Change::delayed(
                    id,
                    Duration::new(u32::from(bytes.u16()), DurationUnit::Weeks),
                ),
            });
        }
        set
    };
    let mut options = Options::new().certain_only(flags & 2 == 2);
    if flags & 4 == 4 {
        options = options.depth(usize::from(bytes.byte() % 8));
    }
    let Ok(impact) = analyze(&model, &changes, &options) else {
        return;
    };
    let text = impact.to_text();
    let json = impact.to_json().to_string();
    ecograph_fuzz::check_streamed(&impact, &json);
    ecograph_fuzz::check_json(&json);
    let again = Snapshot::new(&model)
        .analyze(&changes, &options)
        .expect("analysed once");
    assert_eq!(again.to_text(), text, "impact text is not deterministic");
    assert_eq!(
        again.to_json().to_string(),
        json,
        "impact JSON is not deterministic"
    );
    for a in impact.affected() {
        let path = a.path();
        assert!(
            !path.is_empty(),
            "an affected element without a witness path"
        );
    }
});
