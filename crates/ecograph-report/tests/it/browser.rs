//! The HTML report in a real browser: headless Chromium through chromedriver, one
//! session for the whole suite. What a reader does (search, follow links, open a view,
//! pan and zoom, switch language, deep links, back), then that nothing went wrong:
//! no console error, no network request, no dialog from hostile labels.
//!
//! With `ECOGRAPH_SCREENSHOTS=DIR` it also saves the README's screenshots there
//! (`scripts/screenshots.sh`).

use crate::webdriver::Browser;
use crate::{hostile_model, te24};
use ecograph_core::{Date, Model};
use ecograph_impact::{Change, ChangeSet, Options, analyze};
use ecograph_report::Report;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn write(name: &str, html: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, html).unwrap();
    path
}

fn file_url(path: &Path, hash: &str) -> String {
    format!("file://{}{hash}", path.display())
}

/// A JavaScript string literal for `s`.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn en(model: &Model, id: &str) -> String {
    model
        .element(id)
        .unwrap()
        .name()
        .resolve(Some("en"))
        .to_owned()
}

fn h1_is(b: &Browser, text: &str) {
    b.wait_for(&format!(
        "document.querySelector('main h1') && document.querySelector('main h1').textContent === {}",
        js(text)
    ));
}

fn view_box(b: &Browser) -> Vec<f64> {
    let v = b.eval(
        "return document.querySelector('.viewport svg').getAttribute('viewBox');",
        json!([]),
    );
    v.as_str()
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Console errors so far (warnings and messages are not failures).
fn console_errors(b: &Browser) -> Vec<Value> {
    b.console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .collect()
}

fn no_network_and_no_errors(b: &Browser) {
    let errors = console_errors(b);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let resources = b.eval(
        "return performance.getEntriesByType('resource').map(e => e.name);",
        json!([]),
    );
    assert_eq!(resources, json!([]), "the page loaded resources");
}

#[test]
fn the_report_works_in_chromium_and_hostile_labels_stay_text() {
    let b = Browser::start();
    te24_report(&b);
    hostile_report(&b);
    shared_drawing_report(&b);
}

fn te24_report(b: &Browser) {
    let model = te24();
    let mut set = ChangeSet::new();
    set.push(Change::modified("tmt"));
    let impact = analyze(&model, &set, &Options::default().lang("en")).unwrap();
    let html = Report::new(&model)
        .lang("en")
        .today(Date::parse("2024-06-01").unwrap())
        .impact(&impact)
        .to_html()
        .unwrap();
    let path = write("te24.html", &html);
    let tmt = en(&model, "tmt");
    let eures = en(&model, "eures-portaali");

    // A deep link opened directly.
    b.goto(&file_url(&path, "#/element/eures-portaali"));
    h1_is(b, &eures);

    // The overview; `/` focuses the search from anywhere.
    b.goto(&file_url(&path, ""));
    h1_is(b, model.name().unwrap().resolve(Some("en")));
    let bars = b.find_all(".area .bar a.seg");
    assert!(
        !bars.is_empty(),
        "the overview shows status bars: {}",
        b.eval(
            "return document.querySelectorAll('.area .bar a.seg').length",
            json!([])
        )
    );
    if let Some(dir) = std::env::var_os("ECOGRAPH_SCREENSHOTS") {
        std::fs::write(Path::new(&dir).join("report-overview.png"), b.screenshot()).unwrap();
    }
    b.press("/");
    b.wait_for("document.activeElement && document.activeElement.id === 'search'");
    let search = b.find("input[type=search]");
    assert_eq!(b.accessible_name(&search), "Search");

    // "tyomarkkinatori" finds Työmarkkinatori (its English name shows).
    b.type_into(&search, "tyomarkkinatori");
    b.wait_for(&format!(
        "document.querySelector('.results li a') && document.querySelector('.results li a').textContent === {}",
        js(&tmt)
    ));
    b.click(&b.find(".results li a"));
    h1_is(b, &tmt);
    assert!(b.url().ends_with("#/element/tmt"), "{}", b.url());

    // Its flows, and following one to EURES.
    let flows = b.find("ul.rel[data-kind=flow][data-dir=out]");
    let flow_text = b.text(&flows);
    assert!(flow_text.contains(&eures), "{flow_text}");
    let link = b.find("ul.rel[data-kind=flow][data-dir=out] a[href='#/element/eures-portaali']");
    b.click(&link);
    h1_is(b, &eures);
    b.back();
    h1_is(b, &tmt);

    // The systems view: zoom with the buttons and the wheel, pan by dragging, fit.
    let systems = model.view("systems").unwrap().title.clone().unwrap();
    b.click(&b.find("header nav a[href='#/views']"));
    h1_is(b, "Views");
    b.click(&b.find("a[href='#/view/systems']"));
    h1_is(b, systems.resolve(Some("en")));
    let fit = view_box(b);
    b.click(&b.find(".tools button:nth-child(1)"));
    let zoomed = view_box(b);
    assert!(
        zoomed[2] < fit[2],
        "zoom in narrows the view box: {fit:?} -> {zoomed:?}"
    );
    let viewport = b.find(".viewport");
    b.actions(json!([{ "type": "wheel", "id": "wheel", "actions": [
        { "type": "scroll", "x": 0, "y": 0, "deltaX": 0, "deltaY": 200,
          "origin": viewport.origin() }
    ]}]));
    b.wait_for(
        "Number(document.querySelector('.viewport svg').getAttribute('viewBox').split(' ')[2]) > 0",
    );
    let wheeled = view_box(b);
    assert!(
        wheeled[2] > zoomed[2],
        "wheel down zooms out: {zoomed:?} -> {wheeled:?}"
    );
    b.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "x": 5, "y": 5, "origin": viewport.origin() },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerMove", "x": 85, "y": 45, "origin": viewport.origin() },
        { "type": "pointerUp", "button": 0 }
    ]}]));
    let dragged = view_box(b);
    assert!(
        dragged[0] < wheeled[0] && dragged[2] == wheeled[2],
        "dragging right pans left: {wheeled:?} -> {dragged:?}"
    );
    b.click(&b.find(".tools button:nth-child(3)"));
    assert_eq!(view_box(b), fit, "fit to screen restores the view box");
    if let Some(dir) = std::env::var_os("ECOGRAPH_SCREENSHOTS") {
        std::fs::write(Path::new(&dir).join("report-view.png"), b.screenshot()).unwrap();
    }

    // A node is a link to its element's page.
    b.click(&b.find(".viewport svg [data-id='tmt']"));
    h1_is(b, &tmt);
    b.back();
    h1_is(b, systems.resolve(Some("en")));

    // The language switch re-renders without a reload.
    b.eval("window.__same = 'page';", json!([]));
    b.click(&b.find("#lang option[value=fi]"));
    h1_is(b, systems.resolve(Some("fi")));
    assert_eq!(
        b.eval(
            "return [document.documentElement.lang, window.__same];",
            json!([])
        ),
        json!(["fi", "page"])
    );

    // Links keep the language; back returns to where we were.
    b.click(&b.find(".viewport svg [data-id='eures-portaali']"));
    h1_is(
        b,
        model
            .element("eures-portaali")
            .unwrap()
            .name()
            .resolve(Some("fi")),
    );
    b.back();
    h1_is(b, systems.resolve(Some("fi")));
    b.click(&b.find("#lang option[value=en]"));
    h1_is(b, systems.resolve(Some("en")));

    // The element filters from the overview's bars, the schedule and the impact pages.
    b.goto(&file_url(&path, "#/elements?kind=task&status=done"));
    b.wait_for("document.querySelectorAll('.results li').length > 0");
    let statuses = b.eval(
        "return [...document.querySelectorAll('.results li .chip')].map(c => c.className);",
        json!([]),
    );
    assert!(
        statuses
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c == "chip s-done"),
        "{statuses}"
    );
    b.goto(&file_url(&path, "#/schedule"));
    h1_is(b, "Schedule");
    b.find(".viewport svg");
    b.goto(&file_url(&path, "#/impact"));
    h1_is(b, "Impact");
    let first = b.find("table.affected tbody tr td a");
    assert!(!b.text(&first).is_empty());
    let marked = b.eval(
        "return document.querySelectorAll('.viewport svg [data-id]').length;",
        json!([]),
    );
    assert!(
        marked.as_u64().unwrap() > 0,
        "the impact page draws diagrams"
    );

    no_network_and_no_errors(b);
}

fn hostile_report(b: &Browser) {
    let model = hostile_model();
    let html = Report::new(&model).to_html().unwrap();
    let path = write("hostile.html", &html);
    let evil = model.element("javascript:alert").unwrap();
    let name = evil.name().resolve(None).to_owned();

    b.goto(&file_url(&path, ""));
    h1_is(b, model.name().unwrap().resolve(None));
    b.goto(&file_url(&path, "#/element/javascript%3Aalert"));
    h1_is(b, &name);
    let desc = b.text(&b.find("p.desc"));
    assert_eq!(desc, evil.description().unwrap().resolve(None));
    b.goto(&file_url(&path, "#/view/overview"));
    b.find(".viewport svg [data-id='javascript:alert']");
    b.click(&b.find(".viewport svg [data-id='javascript:alert']"));
    h1_is(b, &name);
    b.goto(&file_url(&path, "#/elements"));
    let search = b.find("input[type=search]");
    b.type_into(&search, "<script>");
    b.wait_for("document.querySelectorAll('.results li').length > 0");
    // Every hostile string reached the page as text: no element the labels spell out.
    let injected = b.eval(
        "return [document.querySelectorAll('script').length, document.querySelectorAll('img, iframe, object, embed').length, typeof window.pwned];",
        json!([]),
    );
    assert_eq!(injected, json!([2, 0, "undefined"]));
    assert_eq!(b.open_dialog(), None, "a dialog opened");
    no_network_and_no_errors(b);
}

/// A language that draws a view as the page's language does has no template of its
/// own: switching to it shows the page language's drawing, which is its own.
fn shared_drawing_report(b: &Browser) {
    let model = Model::from_json_str(
        r#"{"ecograph": 1, "languages": ["en", "de", "fr"], "elements": [
          {"id": "a", "kind": "system", "name": {"en": "Apple", "de": "Apfel"}},
          {"id": "b", "kind": "system", "name": "Box"}],
          "relations": [{"kind": "flow", "from": "a", "to": "b"}]}"#,
    )
    .unwrap();
    let html = Report::new(&model).to_html().unwrap();
    assert!(!html.contains("tpl-v0-fr"));
    let path = write("shared.html", &html);
    let shown = || {
        let text = b.eval(
            "return document.querySelector('.viewport svg [data-id=a]').textContent;",
            json!([]),
        );
        let text = text.as_str().unwrap().to_owned();
        match (text.contains("Apple"), text.contains("Apfel")) {
            (true, false) => "Apple",
            (false, true) => "Apfel",
            _ => panic!("node `a` shows {text:?}"),
        }
    };
    b.goto(&file_url(&path, "#/view/overview"));
    b.find(".viewport svg");
    assert_eq!(shown(), "Apple");
    b.click(&b.find("#lang option[value=de]"));
    b.wait_for("document.documentElement.lang === 'de' && document.querySelector('.viewport svg')");
    assert_eq!(shown(), "Apfel");
    b.click(&b.find("#lang option[value=fr]"));
    b.wait_for("document.documentElement.lang === 'fr' && document.querySelector('.viewport svg')");
    assert_eq!(shown(), "Apple");
    no_network_and_no_errors(b);
}
