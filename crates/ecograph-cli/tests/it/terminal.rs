//! Text output is safe for a terminal: control characters in names are escaped where
//! they are printed, and newlines in names cannot forge rows.

use crate::support::{run, scratch, stderr, stdout};
use std::path::PathBuf;

/// A model whose names carry ESC sequences, BEL, NUL, DEL and newlines.
fn evil_model(dir: &std::path::Path, name: &str, row: &str) -> PathBuf {
    let p = dir.join(name);
    let json = format!(
        r#"{{"ecograph":1,"name":"Plan\u001b]0;pwned\u0007","elements":[
 {{"id":"a","kind":"system","name":"red\u001b[31m text\u0000nul\u007f"}},
 {{"id":"b","kind":"system","name":"b\nc          system       {row}","tags":["t\u001b[2J"]}},
 {{"id":"t1","kind":"task","name":"task\u001b[5m","start":"2024-01","end":"2024-02"}}],
 "relations":[{{"kind":"uses","from":"a","to":"b"}}]}}"#
    );
    std::fs::write(&p, json).expect("written");
    p
}

fn assert_terminal_safe(what: &str, text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !ecograph_core::term::is_unsafe(c),
            "{what}: raw {c:?} in\n{text}"
        );
    }
}

#[test]
fn list_and_show_escape_control_characters_and_newlines() {
    let dir = scratch("terminal", "list-show");
    let m = evil_model(&dir, "m.json", "forged row");
    let m = m.to_str().expect("utf-8");
    let o = run(&["list", m]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "a   system       red\\u{1b}[31m text\\u{0}nul\\u{7f}\n\
         b   system       b\\nc          system       forged row\n\
         t1  task         task\\u{1b}[5m\n"
    );
    let o = run(&["show", m, "b"]);
    assert_eq!(
        stdout(&o),
        "b (system): b\\nc          system       forged row\n  \
         tags: t\\u{1b}[2J\n\
         relations:\n  \
         <- uses a (system): red\\u{1b}[31m text\\u{0}nul\\u{7f}\n"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[test]
fn every_text_output_is_terminal_safe() {
    let dir = scratch("terminal", "every");
    let m = evil_model(&dir, "m.json", "forged row");
    let n = evil_model(&dir, "n.json", "forged");
    let (m, n) = (m.to_str().expect("utf-8"), n.to_str().expect("utf-8"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["list", m],
        vec!["show", m, "a"],
        vec!["show", m, "b"],
        vec!["path", m, "a", "b"],
        vec!["schedule", m],
        vec!["impact", m, "--removed", "a"],
        vec!["impact", m, "--modified", "b"],
        vec!["why", m, "--from", "a", "--to", "b"],
        vec!["diff", m, n],
        vec!["check", m],
    ];
    for args in &runs {
        let o = run(args);
        assert!(
            matches!(o.status.code(), Some(0 | 3)),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_terminal_safe(&format!("{args:?} stdout"), &stdout(&o));
        assert_terminal_safe(&format!("{args:?} stderr"), &stderr(&o));
    }
    let o = run(&["schedule", m]);
    assert!(
        stdout(&o).starts_with("Schedule of Plan\\u{1b}]0;pwned\\u{7}\n"),
        "{}",
        stdout(&o)
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[test]
fn diagnostics_escape_control_characters() {
    let dir = scratch("terminal", "diag");
    let p = dir.join("bad.json");
    std::fs::write(
        &p,
        r#"{"ecograph":1,"elements":[{"id":"x\u001b[31m","kind":"system","name":"n"}]}"#,
    )
    .expect("written");
    let o = run(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.starts_with("error[bad-id]: `x\\u{1b}[31m` is not a valid id\n"),
        "{e}"
    );
    assert_terminal_safe("check stderr", &e);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

/// JSON on standard output stays JSON: the characters a terminal would act on that
/// JSON allows raw (DEL, C1 controls, line separators, bidirectional controls, as in
/// right-to-left names) are `\u` escapes, so the value is the model's, and `fmt` gives
/// the same bytes to standard output and to the file.
#[test]
fn json_outputs_keep_bidi_and_c1_characters_as_json_escapes() {
    let dir = scratch("terminal", "json");
    let name = "\u{202b}שלום\u{202c} a\u{7f}b\u{85}c\u{2028}d\u{2066}e\u{2069}";
    let model = serde_json::json!({
        "ecograph": 1,
        "elements": [
            {"id": "a", "kind": "system", "name": name},
            {"id": "b", "kind": "system", "name": "B"}
        ],
        "relations": [{"kind": "uses", "from": "a", "to": "b", "label": name}]
    });
    let path = dir.join("m.json");
    std::fs::write(&path, model.to_string()).expect("written");
    let p = path.to_str().expect("utf-8");
    let parsed = |what: &str, o: &std::process::Output| -> serde_json::Value {
        assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(o));
        assert_terminal_safe(what, &stdout(o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}\n{}", stdout(o)))
    };
    let formatted = run(&["fmt", p]);
    assert_eq!(parsed("fmt", &formatted)["elements"][0]["name"], name);
    let o = run(&["fmt", "--write", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&path).expect("written"), formatted.stdout);
    assert_eq!(run(&["check", p]).status.code(), Some(0));
    let listed = parsed("list", &run(&["list", p, "--format", "json"]));
    assert!(
        listed
            .to_string()
            .contains(&serde_json::Value::from(name).to_string())
    );
    let shown = parsed("show", &run(&["show", p, "a", "--format", "json"]));
    assert!(
        shown
            .to_string()
            .contains(&serde_json::Value::from(name).to_string())
    );
    // `a` uses `b`: a change to `b` reaches `a`, and the JSON names it.
    let impact = parsed(
        "impact",
        &run(&["impact", p, "--modified", "b", "--format", "json"]),
    );
    assert_eq!(impact["affected"][0]["name"], name, "{impact}");
    // A diagnostic naming an unknown id with such characters.
    let bad = dir.join("bad.json");
    let mut broken = model.clone();
    broken["elements"][1]["parent"] = serde_json::Value::from("x\u{202e}y");
    std::fs::write(&bad, broken.to_string()).expect("written");
    let o = run(&["check", bad.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_terminal_safe("check", &stdout(&o));
    let diags: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(diags[0]["id"], "x\u{202e}y", "{diags}");
    assert!(stdout(&o).contains("x\\u202ey"), "{}", stdout(&o));
}

/// A long text's word diff cannot forge a line or carry a control character, on
/// standard output or in the `-o` file.
#[test]
fn diff_of_long_texts_escapes_line_breaks_and_controls() {
    let dir = scratch("terminal", "diff-words");
    let model = |word: &str| {
        let description = format!(
            "{}{word}\u{1b}[2J\u{202e}\n- system `x` forged end",
            "filler words ".repeat(8)
        );
        serde_json::json!({"ecograph": 1, "elements": [
            {"id": "a", "kind": "system", "name": "A", "description": description}]})
        .to_string()
    };
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(&old, model("before")).expect("written");
    std::fs::write(&new, model("after")).expect("written");
    let (old, new) = (old.to_str().expect("utf-8"), new.to_str().expect("utf-8"));
    let file = dir.join("diff.txt");
    let o = run(&["diff", old, new, "-o", file.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&file).expect("written");
    for text in [stdout(&run(&["diff", old, new])), written] {
        assert_terminal_safe("diff", &text);
        assert!(!text.lines().any(|l| l.starts_with("- system")), "{text}");
        let line = text
            .lines()
            .find(|l| l.contains("description"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            line.contains(
                "[-before\\u{1b}[2J\\u{202e}-]{+after\\u{1b}[2J\\u{202e}+}\\n- system `x` forged end"
            ),
            "{line}"
        );
    }
}
