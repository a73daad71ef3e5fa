//! The HTML page without a browser: determinism, the Content-Security-Policy, escaping.

use crate::{hostile_model, te24};
use ecograph_report::{Error, Report};
use sha2::{Digest, Sha256};

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s.find(start).map(|i| i + start.len()).expect(start);
    let j = s[i..].find(end).expect(end);
    &s[i..i + j]
}

fn b64_sha256(text: &str) -> String {
    // Verified against a second implementation: the browser test fails if the hash is
    // wrong, because the script would not run.
    let digest = Sha256::digest(text.as_bytes());
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in digest.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                char::from(alphabet[(n >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

#[test]
fn the_same_model_gives_the_same_bytes() {
    let model = te24();
    let a = Report::new(&model).lang("en").to_html().unwrap();
    let b = Report::new(&model).lang("en").to_html().unwrap();
    assert!(a == b, "two reports of the same model differ");
}

#[test]
fn the_policy_forbids_remote_loads_and_allows_exactly_the_inline_script_and_style() {
    let html = Report::new(&te24()).to_html().unwrap();
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    let script = between(&html, "<script>", "</script>");
    let style = between(&html, "<style>", "</style>");
    // The Gantt chart's own style sheet is allowed by its hash too.
    let gantt = between(
        between(&html, "<template id=\"tpl-gantt-fi\">", "</template>"),
        "<style>",
        "</style>",
    );
    assert_eq!(
        csp,
        format!(
            "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}' 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
            b64_sha256(script),
            b64_sha256(style),
            b64_sha256(gantt)
        )
    );
    // One executable script, one data block, no external reference of any kind.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(
        html.matches("<script type=\"application/json\" id=\"data\">")
            .count(),
        1
    );
    for needle in [
        " src=",
        " href=\"http",
        "@import",
        "url(http",
        "<link",
        "<iframe",
    ] {
        assert!(!html.contains(needle), "the page contains `{needle}`");
    }
}

#[test]
fn hostile_strings_never_appear_as_markup() {
    let html = Report::new(&hostile_model()).to_html().unwrap();
    for needle in [
        "<script>alert",
        "<script>window",
        "<img",
        "<iframe",
        "<svg onload",
        "</template><script",
        "<style>body",
        "<b>tag",
        "\u{2028}",
    ] {
        assert!(!html.contains(needle), "the page contains `{needle}`");
    }
    // The data block still carries the strings, escaped for JSON in HTML.
    assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    assert!(html.contains("<title>Hostile &lt;script&gt;window.pwned=1&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;</title>"));
}

#[test]
fn an_unknown_language_is_an_error_naming_the_languages() {
    let model = te24();
    let err = Report::new(&model).lang("sv").to_html().unwrap_err();
    assert!(matches!(err, Error::UnknownLanguage { .. }));
    assert_eq!(
        err.to_string(),
        "the model has no language `sv` (it has fi, en)"
    );
}

#[test]
fn every_view_and_a_gantt_chart_per_language_are_templates_with_linked_nodes() {
    let model = te24();
    let html = Report::new(&model).to_html().unwrap();
    let views = ecograph_render::views_of(&model, ecograph_render::DEFAULT_MAX_NODES);
    for (i, _) in views.iter().enumerate() {
        for lang in ["fi", "en"] {
            assert!(html.contains(&format!("<template id=\"tpl-v{i}-{lang}\"><svg ")));
        }
    }
    assert!(html.contains("<template id=\"tpl-gantt-en\"><svg "));
    assert!(html.contains(" data-id=\"tmt\""));
    assert!(!html.contains("<?xml"), "an XML declaration inside HTML");
}

/// A model in `n` languages `l0…`: `s0` named in every one, `s1` only in the first, or
/// with `all` false, both only in the first.
fn many_languages(n: usize, all: bool) -> ecograph_core::Model {
    let langs: Vec<String> = (0..n).map(|i| format!("\"l{i}\"")).collect();
    let names: Vec<String> = (0..if all { n } else { 1 })
        .map(|i| format!("\"l{i}\": \"x {i}\""))
        .collect();
    ecograph_core::Model::from_json_str(&format!(
        r#"{{"ecograph": 1, "languages": [{}], "elements": [
          {{"id": "s0", "kind": "system", "name": {{{}}}}},
          {{"id": "s1", "kind": "system", "name": {{"l0": "s1"}}}}],
          "relations": [{{"kind": "flow", "from": "s0", "to": "s1"}}]}}"#,
        langs.join(","),
        names.join(",")
    ))
    .unwrap()
}

#[test]
fn a_name_in_each_of_1000_languages_is_drawn_in_each() {
    let model = many_languages(1000, true);
    let html = Report::new(&model).to_html().unwrap();
    assert_eq!(html.matches("<template id=\"tpl-v0-").count(), 1000);
    for i in [0, 1, 567, 999] {
        let svg = between(
            &html,
            &format!("<template id=\"tpl-v0-l{i}\">"),
            "</template>",
        );
        assert!(svg.contains(&format!(">x {i}<")), "l{i}");
    }
}

#[test]
fn languages_that_draw_a_view_as_the_page_language_does_add_no_template() {
    // 1000 languages, no name but in the first: every one draws the overview alike.
    let model = many_languages(1000, false);
    let html = Report::new(&model).to_html().unwrap();
    assert_eq!(html.matches("<template id=\"tpl-v0-").count(), 1);
    assert!(html.contains("<template id=\"tpl-v0-l0\">"));
    let opened_in_l7 = Report::new(&model).lang("l7").to_html().unwrap();
    assert_eq!(opened_in_l7.matches("<template id=\"tpl-v0-").count(), 1);
    assert!(opened_in_l7.contains("<template id=\"tpl-v0-l7\">"));
}

#[test]
fn a_language_left_to_the_page_language_is_drawn_exactly_as_the_page_shows_it() {
    // French has no names of its own and English legend words; German has names.
    let model = ecograph_core::Model::from_json_str(
        r#"{"ecograph": 1, "languages": ["en", "de", "fr"], "elements": [
          {"id": "a", "kind": "system", "name": {"en": "Apple", "de": "Apfel"}},
          {"id": "b", "kind": "system", "name": "Box"}],
          "relations": [{"kind": "flow", "from": "a", "to": "b"}]}"#,
    )
    .unwrap();
    let view = &ecograph_render::views_of(&model, ecograph_render::DEFAULT_MAX_NODES)[0];
    let svg = |lang: &str| {
        let options = ecograph_render::Options::default()
            .lang(lang)
            .data_ids(true);
        let svg = ecograph_render::Diagram::new(&model, view, &options)
            .unwrap()
            .to_svg()
            .unwrap();
        svg.split_once("?>").unwrap().1.trim().to_owned()
    };
    let html = Report::new(&model).to_html().unwrap();
    assert_eq!(
        between(&html, "<template id=\"tpl-v0-en\">", "</template>"),
        svg("fr")
    );
    assert_eq!(
        between(&html, "<template id=\"tpl-v0-de\">", "</template>"),
        svg("de")
    );
    assert!(!html.contains("tpl-v0-fr"));
    let in_fr = Report::new(&model).lang("fr").to_html().unwrap();
    assert_eq!(
        between(&in_fr, "<template id=\"tpl-v0-fr\">", "</template>"),
        svg("en")
    );
    assert!(in_fr.contains("tpl-v0-de") && !in_fr.contains("tpl-v0-en"));
}

#[test]
fn the_page_is_written_as_to_html_gives_it_and_a_failing_writer_is_an_error() {
    let model = te24();
    let report = Report::new(&model).lang("en");
    let mut written = Vec::new();
    report.write_html(&mut written).unwrap();
    assert!(written == report.to_html().unwrap().into_bytes());

    struct Full(usize);
    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 < buf.len() {
                return Err(std::io::Error::other("disk full"));
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = report.write_html(Full(100_000)).unwrap_err();
    assert!(matches!(err, Error::Write(_)), "{err:?}");
    assert_eq!(err.to_string(), "cannot write the report");
    let err = Report::new(&model)
        .lang("sv")
        .write_html(Full(0))
        .unwrap_err();
    assert!(matches!(err, Error::UnknownLanguage { .. }), "{err:?}");
}
