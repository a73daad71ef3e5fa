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
