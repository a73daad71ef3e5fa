//! `fmt --write` and `render --all` killed with SIGKILL at random moments: the model is
//! always exactly the old bytes or the new bytes, a new output directory is absent or
//! complete, and the next run leaves no temporary file or directory behind.

use crate::support::{files_in, names_in, run, scratch, stderr, stdout};
use std::fs;
use std::process::{Command, Stdio};

/// A large model (10,000 elements and relations, 1.3 MB) in a non-canonical layout, so that
/// `fmt --write` rewrites all of it.
fn large_model() -> String {
    let n = 10_000;
    let mut s = String::from("{ \"ecograph\": 1, \"elements\": [\n");
    for i in 0..n {
        let sep = if i + 1 == n { "" } else { "," };
        s.push_str(&format!(
            "  {{ \"name\": \"System number {i}\", \"kind\": \"system\", \"id\": \"s{i}\" }}{sep}\n"
        ));
    }
    s.push_str("], \"relations\": [\n");
    for i in 0..n {
        let sep = if i + 1 == n { "" } else { "," };
        s.push_str(&format!(
            "  {{ \"to\": \"s{}\", \"from\": \"s{i}\", \"kind\": \"uses\" }}{sep}\n",
            (i + 1) % n
        ));
    }
    s.push_str("] }\n");
    s
}

/// A small deterministic generator (xorshift64*): the kill moments vary from run to run
/// of the loop but not between test runs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Kills `child` (and waits for it) once `ready` holds, or after `looks` looks when
/// given (then `ready` is not asked), or when it has ended by itself.
fn kill_when(child: &mut std::process::Child, looks: Option<u64>, ready: impl Fn() -> bool) {
    let mut looked = 0;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        looked += 1;
        match looks {
            Some(l) if looked >= l => break,
            Some(_) => {}
            None if ready() => break,
            None => {}
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".ecograph-tmp-"))
        .collect()
}

#[test]
fn fmt_write_killed_at_random_moments_leaves_old_or_new_bytes() {
    let dir = scratch("kill", "fmt");
    let path = dir.join("m.json");
    let p = path.to_str().unwrap();
    let old = large_model();
    fs::write(&path, &old).unwrap();
    let new = run(&["fmt", p]);
    assert_eq!(new.status.code(), Some(0), "{}", stderr(&new));
    let new = stdout(&new);
    assert_ne!(new, old);

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut saw_old, mut saw_new, mut saw_temp) = (0, 0, 0);
    for round in 0..30 {
        fs::write(&path, &old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
            .args(["fmt", "--write", p])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The moment: when the temporary file has reached a random share of the new
        // content (often mid-write), or after a random number of looks (often before the
        // file exists, sometimes after the rename).
        let share = (rng.next() % 1000) as usize * new.len() / 1000;
        let looks = rng.next() % 20_000;
        let by_size = round % 3 != 2;
        kill_when(&mut child, (!by_size).then_some(looks), || {
            temp_files(&dir)
                .iter()
                .any(|t| fs::metadata(dir.join(t)).is_ok_and(|m| m.len() as usize >= share))
        });
        let now = fs::read_to_string(&path).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!("round {round}: the model is neither the old nor the new bytes");
        }
        if !temp_files(&dir).is_empty() {
            saw_temp += 1;
        }
        // The next run finishes the job and removes what the killed one left.
        let o = run(&["fmt", "--write", p]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(fs::read_to_string(&path).unwrap(), new, "round {round}");
        assert_eq!(temp_files(&dir), Vec::<String>::new(), "round {round}");
    }
    eprintln!(
        "kills: {saw_old} left the old bytes, {saw_new} the new, {saw_temp} a temporary file"
    );
    // The loop did kill writers mid-way, and the next run did clean up after them.
    assert!(
        saw_temp > 0,
        "no kill left a temporary file ({saw_old} old, {saw_new} new)"
    );
    assert!(saw_old > 0, "no kill came before the rename");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_all_into_a_new_directory_killed_at_random_moments_leaves_none_or_all() {
    let dir = scratch("kill", "render-all");
    let model = dir.join("m.json");
    let n = 400;
    let mut src = String::from(
        "{\"ecograph\": 1, \"elements\": [{\"id\": \"a\", \"kind\": \"system\", \"name\": \"A\"}], \"views\": [\n",
    );
    for i in 0..n {
        let sep = if i + 1 == n { "" } else { "," };
        src.push_str(&format!(
            "{{\"id\": \"v{i}\", \"include\": [{{\"id\": \"a\"}}]}}{sep}\n"
        ));
    }
    src.push_str("]}\n");
    fs::write(&model, src).unwrap();
    let m = model.to_str().unwrap();
    let parent = dir.join("site");
    fs::create_dir(&parent).unwrap();
    let out = parent.join("views");
    let o = out.to_str().unwrap();
    let args = ["render", m, "--all", "--format", "dot", "--out", o];
    let done = run(&args);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let reference: Vec<(String, Vec<u8>)> = files_in(&out);
    assert_eq!(reference.len(), n);

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut saw_none, mut saw_all, mut saw_temp) = (0, 0, 0);
    for round in 0..12 {
        fs::remove_dir_all(&out).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ecograph"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The moment: when the temporary directory holds a random number of files (often
        // mid-way), or after a random number of looks.
        let files = (rng.next() % n as u64) as usize;
        let looks = rng.next() % 400;
        let by_count = round % 2 == 0;
        kill_when(&mut child, (!by_count).then_some(looks), || {
            names_in(&parent)
                .iter()
                .filter(|t| t.contains(".ecograph-dir-"))
                .any(|t| fs::read_dir(parent.join(t)).is_ok_and(|d| d.count() >= files))
        });
        if out.exists() {
            let now: Vec<(String, Vec<u8>)> = files_in(&out);
            assert!(
                now == reference,
                "round {round}: a partial output directory"
            );
            saw_all += 1;
        } else {
            saw_none += 1;
        }
        if names_in(&parent)
            .iter()
            .any(|t| t.contains(".ecograph-dir-"))
        {
            saw_temp += 1;
        }
        // The next run finishes the job and removes what the killed one left.
        let _ = fs::remove_dir_all(&out);
        let again = run(&args);
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        assert_eq!(names_in(&parent), ["views"], "round {round}");
        assert_eq!(names_in(&out).len(), n);
    }
    eprintln!(
        "kills: {saw_none} left no directory, {saw_all} all of it, {saw_temp} a temporary one"
    );
    assert!(
        saw_temp > 0,
        "no kill left a temporary directory ({saw_none} none, {saw_all} all)"
    );
    fs::remove_dir_all(&dir).unwrap();
}
