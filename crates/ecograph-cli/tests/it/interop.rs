//! `ecograph export` and `ecograph import`: the Archi round trip, exit codes, messages.

use crate::support::{repo_file, run, scratch, stderr, stdout, te24};

#[test]
fn archimate_round_trip_in_two_commands_gives_the_same_model() {
    let dir = scratch("interop", "archimate");
    let xml = dir.join("te24.xml");
    let back = dir.join("te24.json");
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "archimate",
        "--out",
        &xml.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "import",
        &xml.display().to_string(),
        "--from",
        "archimate",
        "--out",
        &back.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let canonical = stdout(&run(&["fmt", &te24()]));
    assert_eq!(std::fs::read_to_string(&back).expect("written"), canonical);
    let o = run(&["check", &back.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn csv_round_trip_writes_archis_three_files() {
    let dir = scratch("interop", "csv");
    let out = dir.join("csv");
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in ["elements.csv", "relations.csv", "properties.csv"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let back = dir.join("back.json");
    let o = run(&[
        "import",
        &out.display().to_string(),
        "--from",
        "csv",
        "--out",
        &back.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&back).expect("written"),
        stdout(&run(&["fmt", &te24()]))
    );
}

#[test]
fn graphml_export_writes_a_file() {
    let dir = scratch("interop", "graphml");
    let out = dir.join("te24.graphml");
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "graphml",
        "--lang",
        "en",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("<data key=\"name\">Job Market Finland</data>"));
}

#[test]
fn bad_input_exits_1_with_the_place_and_a_missing_file_exits_2() {
    let dir = scratch("interop", "bad");
    let bad = repo_file("crates/ecograph-interop/tests/fixtures/bad/xml/unknown-type.xml");
    let out = dir.join("x.json").display().to_string();
    let o = run(&["import", &bad, "--from", "archimate", "--out", &out]);
    assert_eq!(o.status.code(), Some(1));
    let expected = format!(
        "error: unknown element type `BusinessActr` (xsi:type of element `a`)\n  --> {bad}:5:5\nhelp: did you mean `BusinessActor`?\nerror: element `b` has relationship type `Flow`\n  --> {bad}:8:5\n"
    );
    assert_eq!(stderr(&o), expected);
    assert!(!std::path::Path::new(&out).exists());
    let missing = dir.join("missing.xml").display().to_string();
    let o = run(&["import", &missing, "--from", "archimate", "--out", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("error: cannot access `{missing}`")),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "archimate",
        "--lang",
        "sv",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: the model has no language `sv` (it has `fi`, `en`)\n"
    );
}

#[test]
fn a_streamed_export_that_fails_leaves_the_old_file_and_no_temporary() {
    // A text XML 1.0 cannot hold refuses the export, with every such text named by
    // the model's ids and paths, and the target keeps its old bytes.
    let dir = scratch("interop", "unrepresentable");
    let model = dir.join("bell.json");
    std::fs::write(
        &model,
        r#"{ "ecograph": 1, "elements": [
  { "id": "a", "kind": "actor", "name": "A" },
  { "id": "b", "kind": "system", "name": "B", "description": "ring \u0007 the bell" }
], "relations": [ { "kind": "uses", "from": "a", "to": "b" } ] }"#,
    )
    .expect("scratch");
    let out = dir.join("out.xml");
    std::fs::write(&out, "old bytes").expect("scratch");
    let o = run(&[
        "export",
        &model.display().to_string(),
        "--format",
        "archimate",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: 1 text of the model holds a character XML 1.0 cannot hold (a control character, U+FFFE or U+FFFF), so no exchange file or GraphML can carry it; remove it from the model (the CSV export keeps it):\n  element `b` (elements[1].description) holds U+0007\n"
    );
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "old bytes");
    assert_no_temporary_in(&dir);
}

#[test]
fn a_csv_export_that_cannot_write_one_file_replaces_none_and_names_it() {
    // The three files are streamed together and renamed only when all are complete: a
    // properties.csv that is a directory stops the export before any file is replaced.
    let dir = scratch("interop", "csv-blocked");
    let out = dir.join("csv");
    std::fs::create_dir_all(out.join("properties.csv")).expect("scratch");
    for f in ["elements.csv", "relations.csv"] {
        std::fs::write(out.join(f), "old bytes").expect("scratch");
    }
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "error: cannot write `{}`: is a directory\n",
            out.join("properties.csv").display()
        )
    );
    for f in ["elements.csv", "relations.csv"] {
        assert_eq!(
            std::fs::read_to_string(out.join(f)).expect("kept"),
            "old bytes"
        );
    }
    assert_no_temporary_in(&out);
}

#[test]
fn a_csv_export_never_writes_over_its_model() {
    let dir = scratch("interop", "csv-over-input");
    let model = dir.join("relations.csv");
    std::fs::copy(te24(), &model).expect("scratch");
    let before = std::fs::read(&model).expect("scratch");
    let o = run(&[
        "export",
        &model.display().to_string(),
        "--format",
        "csv",
        "--out",
        &dir.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let m = model.display();
    assert_eq!(
        stderr(&o),
        format!(
            "error: refusing to write `{m}`: it is the input `{m}`; choose another output file\n"
        )
    );
    assert_eq!(std::fs::read(&model).expect("kept"), before);
    assert!(!dir.join("elements.csv").exists());
}

/// Fails when a writer's temporary file was left in `dir`.
fn assert_no_temporary_in(dir: &std::path::Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("scratch")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("ecograph-tmp")),
        "{names:?}"
    );
}

#[test]
fn out_dash_is_standard_output_for_one_file_and_refused_for_csv() {
    let dir = scratch("interop", "dash");
    let in_dir = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ecograph"))
            .args(args)
            .current_dir(&*dir)
            .output()
            .expect("the binary runs")
    };
    let xml = dir.join("te24.xml");
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "archimate",
        "--out",
        &xml.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = in_dir(&["export", &te24(), "--format", "archimate", "--out", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, std::fs::read(&xml).expect("written"));
    let o = in_dir(&["export", &te24(), "--format", "graphml", "--out", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("<graphml"), "{}", stdout(&o));
    let o = in_dir(&[
        "import",
        &xml.display().to_string(),
        "--from",
        "archimate",
        "--out",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&run(&["fmt", &te24()])));
    let o = in_dir(&["export", &te24(), "--format", "csv", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--out must be a directory, not `-`"),
        "{}",
        stderr(&o)
    );
    // Nothing was written as a file named `-`.
    assert!(!dir.join("-").exists());
}

/// Given one of Archi's prefixed CSV files, the import reads its two companions.
#[test]
fn a_prefixed_csv_file_is_read_with_its_companions() {
    let dir = scratch("interop", "prefixed");
    let out = dir.join("csv");
    let o = run(&[
        "export",
        &te24(),
        "--format",
        "csv",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for name in ["elements", "relations", "properties"] {
        std::fs::rename(
            out.join(format!("{name}.csv")),
            out.join(format!("plan-{name}.csv")),
        )
        .expect("renamed");
    }
    let back = dir.join("back.json");
    let o = run(&[
        "import",
        out.join("plan-relations.csv").to_str().expect("utf-8"),
        "--from",
        "csv",
        "--out",
        back.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&back).expect("written"),
        stdout(&run(&["fmt", &te24()]))
    );
}
