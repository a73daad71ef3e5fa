//! Schedule analysis of whatever loads, with a target task, delays and a today chosen by
//! bytes: no panic, deterministic JSON, and the Gantt chart is well-formed XML.
#![no_main]

use ecograph_core::{Date, Duration, time::DurationUnit};
use ecograph_fuzz::Bytes;
use ecograph_schedule::{GanttOptions, Options, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (model_bytes, tail) = ecograph_fuzz::split(data);
    let Some(model) = ecograph_fuzz::model(model_bytes) else {
        return;
    };
    let mut bytes = Bytes(tail);
    let flags = bytes.byte();
    let mut options = Options::new();
    if flags & 1 == 1 {
        if let Some(t) = bytes.element(&model) {
            options = options.target(t.id().as_str());
        }
    }
    for _ in 0..(flags >> 6) {
        let Some(t) = bytes.element(&model) else {
            break;
        };
        let unit = match bytes.byte() % 4 {
            0 => DurationUnit::Days,
            1 => DurationUnit::Weeks,
            2 => DurationUnit::Months,
            _ => DurationUnit::Years,
        };
        let amount = u32::from(bytes.u16()) << (bytes.byte() % 17);
        options = options.delay(t.id().as_str(), Duration::new(amount, unit));
    }
    if flags & 2 == 2 {
        let day = Date::new(
            2000 + i32::from(bytes.byte() % 64),
            1 + bytes.byte() % 12,
            1 + bytes.byte() % 28,
        );
        if let Some(day) = day {
            options = options.today(day);
        }
    }
    let Ok(schedule) = analyze(&model, &options) else {
        return;
    };
    let json = schedule.to_json().to_string();
    ecograph_fuzz::check_streamed(&schedule, &json);
    ecograph_fuzz::check_json(&json);
    let svg = schedule.gantt_svg(&GanttOptions::new());
    ecograph_fuzz::check_svg(&svg);
    let again = analyze(&model, &options).expect("analysed once");
    assert_eq!(
        again.to_json().to_string(),
        json,
        "schedule JSON is not deterministic"
    );
    assert_eq!(
        again.gantt_svg(&GanttOptions::new()),
        svg,
        "Gantt SVG is not deterministic"
    );
});
