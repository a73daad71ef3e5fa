//! The atomic writer: what holds for regular files, modes, owners, links and special
//! files.

use ecograph_core::fs::{
    AtomicWriter, NewDir, remove_stale_temp_dirs, remove_stale_temp_files, write_atomic,
    write_atomic_with,
};
use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn regular_file_is_replaced_and_nothing_else_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.json");
    write_atomic(&p, b"old").unwrap();
    let before = fs::metadata(&p).unwrap().ino();
    write_atomic(&p, b"new").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"new");
    // Replaced by a rename, not rewritten in place.
    assert_ne!(fs::metadata(&p).unwrap().ino(), before);
    assert_eq!(names(dir.path()), ["m.json"]);
}

#[test]
fn failing_writer_leaves_the_old_file_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.json");
    fs::write(&p, b"old").unwrap();
    let err = write_atomic_with(&p, |w| {
        w.write_all(b"half")?;
        Err(io::Error::other("generator failed"))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "generator failed");
    assert_eq!(fs::read(&p).unwrap(), b"old");
    assert_eq!(names(dir.path()), ["m.json"]);
}

/// Writes `lines` lines, each made by `line`, to `p` atomically.
fn write_lines(p: &Path, lines: usize, line: impl Fn(usize) -> String) -> io::Result<()> {
    write_atomic_with(p, |w| {
        for i in 0..lines {
            w.write_all(line(i).as_bytes())?;
        }
        Ok(())
    })
}

/// A file large enough to be synced in parts while it is written (every 32 MiB) is
/// whole, and a writer failing after such a sync still leaves the old file.
#[test]
fn a_large_file_synced_while_written_is_whole_and_a_late_failure_keeps_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.xml");
    let line = |i: usize| format!("<line n=\"{i}\"/>\n");
    let lines = 5_000_000;
    write_lines(&p, lines, line).unwrap();
    let back = fs::read_to_string(&p).unwrap();
    assert!(back.len() > 70 << 20, "{} bytes", back.len());
    let mut expected = String::with_capacity(back.len());
    for i in 0..lines {
        expected.push_str(&line(i));
    }
    assert!(back == expected, "the file differs from what was written");
    assert_eq!(names(dir.path()), ["big.xml"]);
    let err = write_atomic_with(&p, |w| {
        w.write_all(&vec![b'x'; 80 << 20])?;
        Err(io::Error::other("generator failed late"))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "generator failed late");
    assert!(
        fs::read_to_string(&p).unwrap() == expected,
        "the old file changed"
    );
    assert_eq!(names(dir.path()), ["big.xml"]);
}

#[test]
fn new_file_gets_the_umask_mode_and_existing_modes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh");
    write_atomic(&fresh, b"x").unwrap();
    // What File::create gives under the same umask.
    let reference = dir.path().join("reference");
    fs::File::create(&reference).unwrap();
    assert_eq!(
        fs::metadata(&fresh).unwrap().mode() & 0o7777,
        fs::metadata(&reference).unwrap().mode() & 0o7777
    );
    for mode in [0o444, 0o600, 0o640, 0o755] {
        let p = dir.path().join(format!("mode-{mode:o}"));
        fs::write(&p, b"old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o7777, mode, "{mode:o}");
        assert_eq!(fs::read(&p).unwrap(), b"new");
    }
}

#[test]
fn owner_is_kept_where_permitted() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("theirs");
    fs::write(&p, b"old").unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    let me = fs::metadata(&p).unwrap().uid();
    let owner = if me == 0 {
        // Root can give the file to another user; the rewrite must give it back.
        std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
        (65534, 65534)
    } else {
        let m = fs::metadata(&p).unwrap();
        (m.uid(), m.gid())
    };
    write_atomic(&p, b"new").unwrap();
    let m = fs::metadata(&p).unwrap();
    assert_eq!((m.uid(), m.gid()), owner);
    assert_eq!(m.mode() & 0o7777, 0o600);
}

#[test]
fn symlink_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    fs::write(&real, b"old").unwrap();
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real.json"));
    assert_eq!(fs::read(&real).unwrap(), b"new");
    assert_eq!(names(dir.path()), ["link.json", "real.json"]);
}

#[test]
fn dangling_symlink_gets_its_target_created() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("target.json", &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(dir.path().join("target.json")).unwrap(), b"new");
}

#[test]
fn symlink_loop_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    std::os::unix::fs::symlink("b", &a).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
    let err = write_atomic(&a, b"x").unwrap_err();
    assert!(
        err.to_string().contains("symbolic links"),
        "unexpected error: {err}"
    );
    assert_eq!(names(dir.path()), ["a", "b"]);
}

#[test]
fn hard_links_are_kept_and_see_the_new_content() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    fs::write(&a, b"old content").unwrap();
    fs::hard_link(&a, &b).unwrap();
    write_atomic(&a, b"new").unwrap();
    assert_eq!(fs::read(&b).unwrap(), b"new");
    let (ma, mb) = (fs::metadata(&a).unwrap(), fs::metadata(&b).unwrap());
    assert_eq!(ma.ino(), mb.ino());
    assert_eq!(ma.nlink(), 2);
    assert_eq!(names(dir.path()), ["a.json", "b.json"]);
}

#[test]
fn character_device_is_written_through_not_replaced() {
    write_atomic("/dev/null", b"discarded").unwrap();
    let m = fs::symlink_metadata("/dev/null").unwrap();
    assert!(m.file_type().is_char_device());
}

#[test]
fn fifo_reader_gets_every_byte_and_the_fifo_stays() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    let payload = vec![b'x'; 200_000];
    write_atomic(&fifo, &payload).unwrap();
    assert_eq!(reader.join().unwrap(), payload);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(names(dir.path()), ["pipe"]);
}

#[test]
fn directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_atomic(dir.path(), b"x").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    assert!(names(dir.path()).is_empty());
}

#[test]
fn stale_temp_files_are_removed_but_locked_ones_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.json");
    fs::write(&p, b"old").unwrap();
    let stale = dir.path().join(".m.json.ecograph-tmp-AAAAAAAAAAAA");
    let live = dir.path().join(".m.json.ecograph-tmp-BBBBBBBBBBBB");
    let other = dir.path().join(".n.json.ecograph-tmp-CCCCCCCCCCCC");
    let unrelated = dir.path().join(".m.json.ecograph-tmp-notours!");
    for f in [&stale, &live, &other, &unrelated] {
        fs::write(f, b"partial").unwrap();
    }
    let held = fs::File::open(&live).unwrap();
    held.lock().unwrap();
    write_atomic(&p, b"new").unwrap();
    assert_eq!(
        names(dir.path()),
        [
            ".m.json.ecograph-tmp-BBBBBBBBBBBB",
            ".m.json.ecograph-tmp-notours!",
            ".n.json.ecograph-tmp-CCCCCCCCCCCC",
            "m.json"
        ]
    );
    drop(held);
    // Every target's stale files, once the lock is gone.
    assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 2);
    assert_eq!(
        names(dir.path()),
        [".m.json.ecograph-tmp-notours!", "m.json"]
    );
}

#[test]
fn writer_without_cleanup_leaves_stale_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.json");
    let stale = dir.path().join(".m.json.ecograph-tmp-AAAAAAAAAAAA");
    fs::write(&stale, b"partial").unwrap();
    AtomicWriter::new()
        .clean_stale(false)
        .write(&p, b"new")
        .unwrap();
    assert_eq!(
        names(dir.path()),
        [".m.json.ecograph-tmp-AAAAAAAAAAAA", "m.json"]
    );
}

#[test]
fn batch_puts_every_file_in_place_keeping_modes_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("v0.dot");
    fs::write(&private, b"old").unwrap();
    fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).unwrap();
    let before = fs::metadata(&private).unwrap().ino();
    // Three files open at most: ten files are committed in four rounds.
    let mut batch = AtomicWriter::new().clean_stale(false).batch().max_open(3);
    for i in 0..10 {
        batch
            .write(
                dir.path().join(format!("v{i}.dot")),
                format!("view {i}").as_bytes(),
            )
            .unwrap();
    }
    assert!(batch.finish().is_empty());
    let want: Vec<String> = (0..10).map(|i| format!("v{i}.dot")).collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(names(dir.path()), want_sorted);
    for (i, name) in want.iter().enumerate() {
        assert_eq!(
            fs::read(dir.path().join(name)).unwrap(),
            format!("view {i}").as_bytes()
        );
    }
    // Replaced by a rename, with its mode.
    let m = fs::metadata(&private).unwrap();
    assert_ne!(m.ino(), before);
    assert_eq!(m.permissions().mode() & 0o777, 0o600);
}

#[test]
fn batch_leaves_targets_old_until_it_commits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.svg");
    fs::write(&p, b"old").unwrap();
    let mut batch = AtomicWriter::new().batch();
    batch.write(&p, b"new").unwrap();
    // Staged: the target is untouched, its complete replacement waits beside it, locked.
    assert_eq!(fs::read(&p).unwrap(), b"old");
    assert_eq!(names(dir.path()).len(), 2);
    assert_eq!(remove_stale_temp_files(dir.path()).unwrap(), 0);
    assert!(batch.finish().is_empty());
    assert_eq!(fs::read(&p).unwrap(), b"new");
    assert_eq!(names(dir.path()), ["v.svg"]);
}

#[test]
fn batch_writes_through_symlinks_and_devices_and_keeps_hard_links() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.dot");
    let link = dir.path().join("link.dot");
    fs::write(&target, b"old").unwrap();
    std::os::unix::fs::symlink("target.dot", &link).unwrap();
    let a = dir.path().join("a.dot");
    let b = dir.path().join("b.dot");
    fs::write(&a, b"old").unwrap();
    fs::hard_link(&a, &b).unwrap();
    let mut batch = AtomicWriter::new().batch();
    batch.write(&link, b"through the link").unwrap();
    batch.write(&a, b"both names").unwrap();
    batch.write("/dev/null", b"discarded").unwrap();
    assert!(batch.finish().is_empty());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&target).unwrap(), b"through the link");
    assert_eq!(fs::read(&b).unwrap(), b"both names");
    assert_eq!(
        fs::metadata(&a).unwrap().ino(),
        fs::metadata(&b).unwrap().ino()
    );
    assert!(
        fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(
        names(dir.path()),
        ["a.dot", "b.dot", "link.dot", "target.dot"]
    );
    // A directory is refused at once, as by `write_atomic`.
    let mut batch = AtomicWriter::new().batch();
    assert!(batch.write(dir.path(), b"x").is_err());
    assert!(batch.finish().is_empty());
}

#[test]
fn batch_reports_a_file_it_could_not_put_in_place_and_removes_its_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.dot");
    let blocked = dir.path().join("blocked.dot");
    let mut batch = AtomicWriter::new().batch();
    batch.write(&blocked, b"never in place").unwrap();
    batch.write(&ok, b"in place").unwrap();
    // Between staging and the commit, the target became a non-empty directory: the
    // rename fails, and only that file is reported.
    fs::create_dir(&blocked).unwrap();
    fs::write(blocked.join("inside"), b"kept").unwrap();
    let failed = batch.finish();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, blocked);
    assert_eq!(fs::read(&ok).unwrap(), b"in place");
    assert_eq!(fs::read(blocked.join("inside")).unwrap(), b"kept");
    assert_eq!(names(dir.path()), ["blocked.dot", "ok.dot"]);
}

#[test]
fn new_dir_appears_whole_with_mkdir_mode_and_no_temp_dir_left() {
    let base = tempfile::tempdir().unwrap();
    let target = base.path().join("views");
    let mut dir = NewDir::create(&target).unwrap().expect("new");
    // Filled out of sight: the target does not exist until `finish`, and the temporary
    // directory is private meanwhile.
    assert!(!target.exists());
    assert_eq!(fs::metadata(dir.path()).unwrap().mode() & 0o777, 0o700);
    assert!(
        dir.path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(".views.ecograph-dir-")
    );
    for i in 0..3 {
        dir.write(format!("v{i}.dot"), format!("digraph v{i} {{}}").as_bytes())
            .unwrap();
    }
    assert_eq!(dir.len(), 3);
    dir.finish().map_err(|(_, e)| e).unwrap();
    assert_eq!(names(base.path()), ["views"]);
    assert_eq!(names(&target), ["v0.dot", "v1.dot", "v2.dot"]);
    assert_eq!(fs::read(target.join("v2.dot")).unwrap(), b"digraph v2 {}");
    // The mode a plain `mkdir` gives under the same umask, and files as `File::create`.
    let reference = base.path().join("reference");
    fs::create_dir(&reference).unwrap();
    fs::File::create(reference.join("f")).unwrap();
    assert_eq!(
        fs::metadata(&target).unwrap().mode() & 0o7777,
        fs::metadata(&reference).unwrap().mode() & 0o7777
    );
    assert_eq!(
        fs::metadata(target.join("v0.dot")).unwrap().mode() & 0o7777,
        fs::metadata(reference.join("f")).unwrap().mode() & 0o7777
    );
}

#[test]
fn new_dir_is_refused_for_anything_that_exists_and_for_paths_and_repeated_names() {
    let base = tempfile::tempdir().unwrap();
    let existing = base.path().join("existing");
    fs::create_dir(&existing).unwrap();
    let file = base.path().join("file");
    fs::write(&file, b"x").unwrap();
    let dangling = base.path().join("dangling");
    std::os::unix::fs::symlink(base.path().join("nowhere"), &dangling).unwrap();
    for p in [&existing, &file, &dangling] {
        assert!(NewDir::create(p).unwrap().is_none(), "{}", p.display());
    }
    assert!(NewDir::create(base.path().join("..")).unwrap().is_none());
    assert!(!base.path().join("nowhere").exists());

    let mut dir = NewDir::create(base.path().join("new")).unwrap().unwrap();
    for bad in ["../escape", "a/b", "", ".."] {
        let e = dir.write(bad, b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad}");
    }
    dir.write("a", b"first").unwrap();
    let e = dir.write("a", b"second").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(fs::read(dir.path().join("a")).unwrap(), b"first");
    assert!(!base.path().join("escape").exists());
    // Dropped without `finish`: nothing is left.
    drop(dir);
    assert_eq!(names(base.path()), ["dangling", "existing", "file"]);
}

#[test]
fn new_dir_whose_target_appeared_comes_back_intact_and_replaces_nothing() {
    let base = tempfile::tempdir().unwrap();
    let target = base.path().join("views");
    let mut dir = NewDir::create(&target).unwrap().unwrap();
    dir.write("v.dot", b"new").unwrap();
    // Someone makes the directory meanwhile, even an empty one: it stays theirs.
    fs::create_dir(&target).unwrap();
    fs::write(target.join("theirs"), b"keep").unwrap();
    let (dir, e) = dir.finish().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
    assert_eq!(fs::read(dir.path().join("v.dot")).unwrap(), b"new");
    assert_eq!(names(&target), ["theirs"]);
    let empty = base.path().join("empty");
    let mut other = NewDir::create(&empty).unwrap().unwrap();
    other.write("v.dot", b"new").unwrap();
    fs::create_dir(&empty).unwrap();
    let (other, e) = other.finish().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
    assert_eq!(names(&empty), Vec::<String>::new());
    drop((dir, other));
    assert_eq!(names(base.path()), ["empty", "views"]);
}

#[test]
fn stale_temp_dirs_of_killed_writers_are_removed_but_live_ones_kept() {
    let base = tempfile::tempdir().unwrap();
    // What a killed writer leaves: a temporary directory with files, unlocked.
    let stale = base.path().join(".views.ecograph-dir-AbC123xyz789");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("v.dot"), b"half").unwrap();
    // Another target's, and a name that is not ours.
    let other = base.path().join(".other.ecograph-dir-AbC123xyz789");
    fs::create_dir(&other).unwrap();
    let not_ours = base.path().join(".views.ecograph-dir-short");
    fs::create_dir(&not_ours).unwrap();
    // A live writer of the same target holds its lock.
    let live = NewDir::create(base.path().join("views")).unwrap().unwrap();
    assert!(!stale.exists(), "the stale directory of `views` is removed");
    assert!(other.exists() && not_ours.exists());
    let second = NewDir::create(base.path().join("views")).unwrap().unwrap();
    assert!(live.path().exists(), "a locked one is kept");
    assert_ne!(live.path(), second.path());
    drop(second);
    // All targets at once, as a program cleaning a directory would.
    assert_eq!(remove_stale_temp_dirs(base.path()).unwrap(), 1);
    assert!(!other.exists() && not_ours.exists() && live.path().exists());
    live.finish().map_err(|(_, e)| e).unwrap();
    assert_eq!(names(base.path()), [".views.ecograph-dir-short", "views"]);
}

/// Where the system refuses the thread that syncs a large file while it is written, the
/// file is written and synced whole all the same.
#[test]
fn a_large_file_is_written_whole_where_the_system_refuses_a_thread() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.txt");
    let line = |i: usize| format!("line {i}\n");
    let lines = 4_000_000;
    ecograph_core::par::with_threads_refused(|| write_lines(&p, lines, line)).unwrap();
    let back = fs::read_to_string(&p).unwrap();
    assert!(
        back.len() > 32 << 20,
        "{} bytes: past one early sync",
        back.len()
    );
    assert!(
        back.lines()
            .enumerate()
            .all(|(i, l)| l == format!("line {i}"))
            && back.lines().count() == lines,
        "the file differs from what was written"
    );
    assert_eq!(names(dir.path()), ["big.txt"]);
}
