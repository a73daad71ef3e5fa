//! Files the CLI writes: special files, links, modes, and never the input model.

use crate::support::{run, scratch, stderr, stdout, te24};
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
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["link.json", "real.json"]);
    fs::remove_dir_all(&dir).unwrap();
}
