//! Every render format of whatever loads: DOT has balanced quoting, Mermaid labels cannot
//! become syntax or directives, SVG is well-formed XML, and all three are deterministic.
#![no_main]

use ecograph_render::{Diagram, Options, views_of};
use libfuzzer_sys::fuzz_target;

/// Small, so that each execution stays fast; the layout's scaling is measured in benches.
const MAX_NODES: usize = 40;

fuzz_target!(|data: &[u8]| {
    let (model_bytes, tail) = ecograph_fuzz::split(data);
    let Some(model) = ecograph_fuzz::model(model_bytes) else {
        return;
    };
    let mut options = Options::default().max_nodes(MAX_NODES);
    if tail.first().is_some_and(|b| b & 1 == 1) {
        if let Some(lang) = model.languages().last() {
            options = options.lang(lang.to_string());
        }
    }
    for view in views_of(&model, MAX_NODES).iter().take(4) {
        let Ok(diagram) = Diagram::new(&model, view, &options) else {
            continue;
        };
        let dot = diagram.to_dot();
        ecograph_fuzz::check_dot(&dot);
        let mmd = diagram.to_mermaid();
        ecograph_fuzz::check_mermaid(&mmd);
        let svg = diagram
            .to_svg()
            .unwrap_or_else(|e| panic!("layout rejected a diagram of a valid model: {e}"));
        ecograph_fuzz::check_svg(&svg);
        let again = Diagram::new(&model, view, &options).expect("resolved once");
        assert_eq!(again.to_dot(), dot, "DOT is not deterministic");
        assert_eq!(again.to_mermaid(), mmd, "Mermaid is not deterministic");
        assert_eq!(
            again.to_svg().expect("laid out once"),
            svg,
            "SVG is not deterministic"
        );
    }
});
