//! `ecograph render`.

use crate::support::{repo_file, run, scratch, stderr, stdout, te24};

fn small() -> String {
    repo_file("crates/ecograph-render/tests/it/fixtures/small.json")
}

#[test]
fn without_flags_the_first_view_goes_to_stdout_as_svg() {
    let o = run(&["render", &small()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(
        svg.contains("<title>Kaikki</title>"),
        "the first view, in the default language"
    );
}

#[test]
fn all_writes_one_file_per_view_named_after_it() {
    let dir = scratch("render-cli", "all");
    let out = dir.join("views");
    let o = run(&[
        "render",
        &small(),
        "--all",
        "--format",
        "dot",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["all.dot", "around.dot", "collapsed.dot", "systems.dot"]
    );
    let dot = std::fs::read_to_string(out.join("systems.dot")).expect("read");
    assert!(dot.starts_with("digraph \"systems\""));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_te24_view_renders_in_every_format() {
    let dir = scratch("render-cli", "te24");
    for (format, ext) in [("svg", "svg"), ("dot", "dot"), ("mermaid", "mmd")] {
        let out = dir.join(format);
        let o = run(&[
            "render",
            &te24(),
            "--all",
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let n = std::fs::read_dir(&out)
            .expect("written")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == ext))
            })
            .count();
        assert!(n >= 3, "{n} {format} files");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn one_view_to_a_file_and_in_another_language() {
    let dir = scratch("render-cli", "one");
    let file = dir.join("systems.mmd");
    let o = run(&[
        "render",
        &small(),
        "--view",
        "systems",
        "--format",
        "mermaid",
        "--lang",
        "en",
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("flowchart LR"), "{text}");
    assert!(text.contains("Job Market Finland"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_view_is_a_usage_error_with_a_suggestion() {
    let o = run(&["render", &small(), "--view", "sytems"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: no view `sytems` (did you mean `systems`?)\n"
    );
}

#[test]
fn several_views_need_a_directory() {
    let o = run(&["render", &small(), "--view", "all", "--view", "systems"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("several views need --out DIR"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_view_over_the_node_limit_says_what_would_fit() {
    let o = run(&["render", &small(), "--view", "all", "--max-nodes", "10"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: view `all` would draw 17 nodes, more than the limit of 10; collapse depth 0 would draw 9 nodes; \
         collapsing `prog`, `ministry`, `platforms` would draw 9 nodes\n\
         help: the node limit is --max-nodes\n"
    );
}

#[test]
fn ad_hoc_view_around_an_element() {
    let o = run(&[
        "render",
        &small(),
        "--around",
        "eures",
        "--depth",
        "1",
        "--format",
        "dot",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph \"around-eures\""), "{dot}");
    assert!(dot.contains("EURES") && dot.contains("Rajapinta"), "{dot}");
    assert!(!dot.contains("Määrittely"), "two steps away: {dot}");
    let o = run(&["render", &small(), "--around", "eurse"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: unknown element `eurse` (did you mean `eures`?)\n"
    );
}

#[test]
fn highlight_from_impact_and_diff_json() {
    let dir = scratch("render-cli", "highlight");
    let impact = dir.join("impact.json");
    std::fs::write(
        &impact,
        r#"{"changes": [{"change": "modified", "element": "tmt.api"}],
            "affected": [{"id": "eures", "confidence": "certain"}, {"id": "tmt.ui", "confidence": "potential"}]}"#,
    )
    .expect("write");
    let o = run(&[
        "render",
        &small(),
        "--view",
        "systems",
        "--highlight",
        impact.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.contains("stroke=\"#d62728\""), "changed");
    assert!(svg.contains("stroke=\"#ff7f0e\""), "affected");
    let diff = dir.join("diff.json");
    std::fs::write(
        &diff,
        r#"{"elements": {"added": [{"id": "cvs"}], "removed": [], "modified": [{"id": "tmt"}]}}"#,
    )
    .expect("write");
    let o = run(&[
        "render",
        &small(),
        "--format",
        "dot",
        "--highlight",
        diff.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("color=\"#2ca02c\""), "added");
    // An id the model lacks is an error naming it; a removed one names the old model's.
    let unknown = dir.join("unknown.json");
    std::fs::write(
        &unknown,
        r#"{"changes": [{"change": "removed", "element": "gone"}],
            "affected": [{"id": "eurse", "confidence": "certain"}]}"#,
    )
    .expect("write");
    let unknown = unknown.to_str().expect("utf-8");
    let o = run(&["render", &small(), "--highlight", unknown]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: `{unknown}`: cannot highlight unknown element `eurse` (did you mean `eures`?)\n"
        )
    );
    let sure = dir.join("sure.json");
    std::fs::write(
        &sure,
        r#"{"affected": [{"id": "eures", "confidence": "certian"}]}"#,
    )
    .expect("write");
    let sure = sure.to_str().expect("utf-8");
    let o = run(&["render", &small(), "--highlight", sure]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("error: `{sure}`: unknown confidence `certian` (did you mean `certain`?)\n")
    );
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"nothing": []}"#).expect("write");
    let o = run(&[
        "render",
        &small(),
        "--highlight",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("neither the output of `ecograph impact`"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_language_is_a_usage_error() {
    let o = run(&["render", &small(), "--lang", "de"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: the model has no language `de` (it has `fi`, `en`)\n"
    );
}
