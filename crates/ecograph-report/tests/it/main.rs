//! Integration tests of ecograph-report: the HTML page's structure and guarantees, the
//! page in headless Chromium, and the Markdown summaries.

mod browser;
mod markdown;
mod page;
mod webdriver;

use ecograph_core::Model;
use std::path::Path;

/// The TE24 showcase model.
pub fn te24() -> Model {
    Model::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/te24.json"))
        .expect("models/te24.json is valid")
}

/// A model whose every string tries to break out of its context.
pub fn hostile_model() -> Model {
    Model::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile.json"))
        .expect("the hostile fixture is a valid model")
}
