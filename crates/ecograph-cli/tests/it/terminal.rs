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
