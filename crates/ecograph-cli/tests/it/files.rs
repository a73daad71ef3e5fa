//! Files the CLI writes: special files, links, modes, and never the input model.

use crate::support::{files_in, names_in, run, scratch, stderr, stdout, te24};
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

#[test]
fn output_to_dev_null_keeps_it_a_device() {
    let o = run(&["schema", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn output_dash_is_standard_output() {
    let o = run(&["schema", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("{\n"), "{}", stdout(&o));
}

#[test]
fn fmt_write_keeps_mode_and_symlink() {
    let dir = scratch("files", "fmt-mode-link");
    let real = dir.join("real.json");
    let link = dir.join("link.json");
    // Not canonical: fmt --write must change it.
    let src = fs::read_to_string(te24()).unwrap().replace("\n", "\n  ");
    fs::write(&real, &src).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o440)).unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let o = run(&["fmt", "--write", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::metadata(&real).unwrap().mode() & 0o7777, 0o440);
    assert_eq!(
        fs::read_to_string(&real).unwrap(),
        stdout(&run(&["fmt", &te24()]))
    );
    let names = names_in(&dir);
    assert_eq!(names, ["link.json", "real.json"]);
    fs::remove_dir_all(&dir).unwrap();
}

fn copy_te24(dir: &std::path::Path, name: &str) -> String {
    let p = dir.join(name);
    fs::copy(te24(), &p).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn outputs_never_overwrite_an_input_file() {
    let dir = scratch("files", "refuse-input");
    let m = copy_te24(&dir, "m.json");
    let original = fs::read(&m).unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink("m.json", &link).unwrap();
    let hard = dir.join("hard.json");
    fs::hard_link(&m, &hard).unwrap();
    let (link, hard) = (link.to_str().unwrap(), hard.to_str().unwrap());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["render", &m, "--out", &m], &m),
        (vec!["render", &m, "--format", "dot", "-o", link], link),
        (vec!["impact", &m, "--removed", "tmt", "-o", &m], &m),
        (vec!["impact", &m, "--removed", "tmt", "-o", hard], hard),
        (vec!["diff", &m, &m, "-o", &m], &m),
        (vec!["schedule", &m, "--gantt", link], link),
        (vec!["schedule", &m, "--format", "json", "-o", hard], hard),
    ];
    for (args, out) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!(
                "error: refusing to write `{out}`: it is the input `{m}`; choose another output file\n"
            ),
            "{args:?}"
        );
        assert_eq!(
            fs::read(&m).unwrap(),
            original,
            "{args:?} changed the model"
        );
    }
    // fmt --write replaces its input on purpose.
    let o = run(&["fmt", "--write", &m]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::remove_dir_all(&dir).unwrap();
}

/// A model with two views: one whose id is 300 characters, one ordinary.
fn long_view_model(dir: &std::path::Path) -> (String, String) {
    let long = format!("v{}", "x".repeat(299));
    let json = format!(
        r#"{{"ecograph":1,"elements":[
  {{"id":"a","kind":"system","name":"A"}},
  {{"id":"b","kind":"system","name":"B"}},
  {{"id":"c","kind":"system","name":"C"}}],
 "relations":[{{"kind":"uses","from":"a","to":"b"}}],
 "views":[
  {{"id":"{long}","include":[{{"id":"a"}}]}},
  {{"id":"big","include":[{{"kind":"system"}}]}},
  {{"id":"small","include":[{{"id":"b"}}]}}]}}"#
    );
    let p = dir.join("m.json");
    fs::write(&p, json).unwrap();
    (p.to_str().unwrap().to_owned(), long)
}

/// `ecograph render MODEL --all --format dot [EXTRA...] --out OUT`.
fn render_all_dot(model: &str, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["render", model, "--all", "--format", "dot"];
    args.extend_from_slice(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    run(&args)
}

#[test]
fn render_all_shortens_long_view_ids_deterministically() {
    let dir = scratch("files", "long-view");
    let (m, long) = long_view_model(&dir);
    let out = dir.join("out");
    let o = render_all_dot(&m, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let names = names_in(&out);
    let short = format!("{}~", &long[..150]);
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[0], "big.dot");
    assert_eq!(names[1], "small.dot");
    assert!(
        names[2].starts_with(&short) && names[2].ends_with(".dot") && names[2].len() == 171,
        "{names:?}"
    );
    assert_eq!(
        stderr(&o),
        format!(
            "note: view `{long}` is drawn in `{}` (its id is too long for a file name)\n",
            out.join(&names[2]).display()
        )
    );
    // The same id gets the same name on the next run.
    let again = render_all_dot(&m, &out, &[]);
    assert_eq!(stderr(&again), stderr(&o));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_all_draws_every_view_it_can_and_reports_the_others() {
    let dir = scratch("files", "partial");
    let (m, long) = long_view_model(&dir);
    let out = dir.join("out");
    let o = render_all_dot(&m, &out, &["--max-nodes", "2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("error: view `big`: "), "{e}");
    assert!(e.ends_with("error: 1 of 3 views not drawn: `big`\n"), "{e}");
    let names = names_in(&out);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "small.dot");
    assert!(names[1].starts_with(&long[..150]), "{names:?}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_all_over_existing_diagrams_keeps_modes_and_links_and_leaves_no_temp_file() {
    let dir = scratch("files", "render-all-again");
    let out = dir.join("views");
    let model = te24();
    let o = render_all_dot(&model, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = files_in(&out);
    assert!(first.len() > 2, "{}", first.len());
    // One diagram made private, one replaced by a symlink to a file elsewhere.
    let private = out.join(&first[0].0);
    fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).unwrap();
    let elsewhere = dir.join("elsewhere.dot");
    fs::write(&elsewhere, b"old").unwrap();
    let linked = out.join(&first[1].0);
    fs::remove_file(&linked).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &linked).unwrap();

    let o = render_all_dot(&model, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again = files_in(&out);
    // The same names and bytes (through the link), and no temporary file.
    assert_eq!(again, first);
    assert_eq!(fs::metadata(&private).unwrap().mode() & 0o777, 0o600);
    assert!(
        fs::symlink_metadata(&linked)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&elsewhere).unwrap(), first[1].1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_all_into_a_new_directory_leaves_only_it_and_cleans_a_killed_runs_leftover() {
    let dir = scratch("files", "render-all-new");
    let parent = dir.join("site");
    let out = parent.join("views");
    // What a killed run leaves beside the directory: its unlocked temporary directory.
    fs::create_dir_all(&parent).unwrap();
    let stale = parent.join(".views.ecograph-dir-AbC123xyz789");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("half.dot"), b"digraph {").unwrap();
    let model = te24();
    let o = render_all_dot(&model, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names_in(&parent), ["views"]);
    let fresh = files_in(&out);
    assert!(
        fresh.len() > 2 && fresh.iter().all(|(n, _)| n.ends_with(".dot")),
        "{:?}",
        fresh.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    // Into the directory that now exists: file by file, the same names and bytes.
    let o = render_all_dot(&model, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&out), fresh);
    assert_eq!(names_in(&parent), ["views"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Drawing every view over an existing directory holds the new files open until it puts
/// them in place together. With fewer file descriptors than views (`ulimit -n 8`, set by
/// util-linux's `prlimit`), it puts in place what it holds and goes on, instead of
/// failing the views past the limit.
#[test]
fn render_all_over_existing_diagrams_with_few_file_descriptors_writes_every_view() {
    let dir = scratch("files", "render-all-few-fds");
    let out = dir.join("views");
    let model = te24();
    let o = render_all_dot(&model, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = files_in(&out);
    assert!(
        first.len() > 8,
        "{} views: more than the descriptors",
        first.len()
    );
    for (name, _) in &first {
        fs::write(out.join(name), b"old").unwrap();
    }
    let o = std::process::Command::new("prlimit")
        .arg("--nofile=8")
        .arg(env!("CARGO_BIN_EXE_ecograph"))
        .args(["render", &model, "--all", "--format", "dot", "--out"])
        .arg(&out)
        .output()
        .expect("prlimit (util-linux) runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&out), first);
}

/// A write into a directory that is not there names the file asked for, not the
/// temporary file it would have gone through.
#[test]
fn a_write_into_a_missing_directory_names_the_file_asked_for() {
    let dir = scratch("files", "missing-dir");
    let target = dir.join("nodir").join("plan.svg");
    let o = run(&[
        "schedule",
        &te24(),
        "--gantt",
        target.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: cannot write `{}`: No such file or directory (os error 2)\n",
            target.display()
        )
    );
}
