//! `ecograph report`, `--format markdown` of `impact` and `diff`, and `--since git:…`.

use crate::support::{run, scratch, stderr, stdout, te24};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=ecograph tests",
            "-c",
            "user.email=tests@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn report_writes_one_html_file_and_the_same_bytes_twice() {
    let dir = scratch("report", "html");
    let out = dir.join("te24.html");
    let out = out.to_str().unwrap();
    let args = [
        "report",
        &te24(),
        "--out",
        out,
        "--lang",
        "en",
        "--today",
        "2024-06-01",
        "--title",
        "TE24 <report>",
    ];
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let first = std::fs::read_to_string(out).unwrap();
    assert!(first.starts_with("<!DOCTYPE html>"));
    assert!(first.contains("<title>TE24 &lt;report&gt;</title>"));
    assert!(
        first.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'")
    );
    assert_eq!(run(&args).status.code(), Some(0));
    assert!(
        std::fs::read_to_string(out).unwrap() == first,
        "not deterministic"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_refuses_a_bad_date_a_bad_language_and_since_with_changes() {
    let dir = scratch("report", "errors");
    let out = dir.join("r.html");
    let out = out.to_str().unwrap();
    let o = run(&["report", &te24(), "--out", out, "--today", "1.6.2024"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --today `1.6.2024`: expected a date such as `2024-06-15`\n"
    );
    let o = run(&["report", &te24(), "--out", out, "--lang", "sv"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: the model has no language `sv` (it has `fi`, `en`)\n"
    );
    let o = run(&[
        "report",
        &te24(),
        "--out",
        out,
        "--since",
        "a.json",
        "--changes",
        "b.json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    assert!(!Path::new(out).exists(), "a failed run wrote the report");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn since_git_reads_the_old_model_from_a_revision() {
    let dir = scratch("report", "git");
    let model = dir.join("model.json");
    let v1 = r#"{ "ecograph": 1, "elements": [
        { "id": "tmt", "kind": "system", "name": "Työmarkkinatori" },
        { "id": "eures", "kind": "system", "name": "EURES | portal" } ],
      "relations": [ { "kind": "flow", "from": "tmt", "to": "eures" } ] }"#;
    std::fs::write(&model, v1).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "model.json"]);
    git(&dir, &["commit", "-q", "-m", "v1"]);
    std::fs::write(&model, v1.replace("Työmarkkinatori", "Job Market Finland")).unwrap();

    let exe = env!("CARGO_BIN_EXE_ecograph");
    let in_repo = |args: &[&str]| {
        Command::new(exe)
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    let o = in_repo(&[
        "impact",
        "model.json",
        "--since",
        "git:HEAD",
        "--format",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.starts_with("### ecograph impact\n\n**1 change, 1 affected**"),
        "{md}"
    );
    assert!(
        md.contains("| `eures` EURES \\| portal | system | certain | 1 |"),
        "{md}"
    );
    assert!(md.contains("```mermaid\n"), "{md}");

    let o = in_repo(&["diff", "git:HEAD", "model.json", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("| modified | element | `tmt` Job Market Finland | system | name |"),
        "{}",
        stdout(&o)
    );

    let o = in_repo(&[
        "report",
        "model.json",
        "--since",
        "git:HEAD:model.json",
        "--out",
        "r.html",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(dir.join("r.html"))
            .unwrap()
            .contains("\"affected\"")
    );

    // An unknown revision, a path outside the repository and an option are refused.
    let o = in_repo(&["impact", "model.json", "--since", "git:no-such-rev"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: git cannot show `no-such-rev:model.json`: "),
        "{}",
        stderr(&o)
    );
    let o = in_repo(&["impact", "model.json", "--since", "git:HEAD:../model.json"]);
    assert_eq!(o.status.code(), Some(2));
    // The file's directory is outside every repository: git says so.
    assert!(
        stderr(&o).starts_with("error: git cannot show `HEAD:../model.json`: "),
        "{}",
        stderr(&o)
    );
    let o = in_repo(&["impact", "model.json", "--since", "git:--output=x"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: --since `git:--output=x`: revision `--output=x` starts with `-`\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `git:REV` finds the old model from the model file's own directory: from a
/// subdirectory through `..`, by an absolute path, and from outside the repository.
#[test]
fn since_git_reads_a_model_by_any_path_and_from_outside_the_repository() {
    let dir = scratch("report", "git-paths");
    let repo = dir.join("repo");
    let deeper = repo.join("sub").join("deeper");
    std::fs::create_dir_all(&deeper).unwrap();
    let model = repo.join("sub").join("model.json");
    let v1 = r#"{ "ecograph": 1, "elements": [
        { "id": "a", "kind": "system", "name": "A" },
        { "id": "b", "kind": "system", "name": "B" } ],
      "relations": [ { "kind": "uses", "from": "a", "to": "b" } ] }"#;
    std::fs::write(&model, v1).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "sub/model.json"]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    std::fs::write(&model, v1.replace("\"B\"", "\"B2\"")).unwrap();
    let exe = env!("CARGO_BIN_EXE_ecograph");
    let absolute = model.to_str().unwrap();
    for (cwd, path) in [
        (deeper.as_path(), "../model.json"),
        (deeper.as_path(), absolute),
        (&*dir, absolute),
        (&*dir, "repo/sub/model.json"),
    ] {
        let o = Command::new(exe)
            .current_dir(cwd)
            .args(["diff", "git:HEAD", path])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{path} in {}: {}",
            cwd.display(),
            stderr(&o)
        );
        assert!(
            stdout(&o).contains("name: \"B\" -> \"B2\""),
            "{}",
            stdout(&o)
        );
        let o = Command::new(exe)
            .current_dir(cwd)
            .args(["impact", path, "--since", "git:HEAD", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{path} in {}: {}",
            cwd.display(),
            stderr(&o)
        );
    }
}
