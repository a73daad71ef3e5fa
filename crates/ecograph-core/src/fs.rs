//! Writing files so that nothing is lost: [`write_atomic`], its streaming form
//! [`write_atomic_with`], and [`Batch`] for many files at once.
//!
//! Every file ecograph writes (models saved by `fmt --write` or [`Model::save`]
//! elsewhere, diagrams, JSON reports, Gantt charts) goes through here. What holds:
//!
//! - **Regular files are replaced atomically.** The new content is written to a
//!   temporary file in the same directory, synced to disk, then renamed over the
//!   target: a reader, a crash or a `SIGKILL` sees the old bytes or the new bytes,
//!   never a mix. The temporary file has an unpredictable name and is created
//!   exclusively (`O_CREAT | O_EXCL`, which also refuses to follow a symlink planted at
//!   that name), so nobody can redirect the write.
//! - **Mode and owner are kept.** The replacement gets the old file's permission bits
//!   exactly (a `0444` file stays `0444`, a `0600` file stays private) and, where the
//!   process may (`root`, or a group the user is in), its owner and group. A new file
//!   gets `0666` less the umask, like any file a program creates.
//! - **Symlinks are written through.** When the path is a symlink, its final target is
//!   replaced and the link stays a link (a dangling link gets its target created).
//! - **Hard links are kept.** A regular file with more than one name is rewritten *in
//!   place* so that every name sees the new content: the new content is first produced
//!   completely in a temporary file (so a failing writer leaves the file untouched),
//!   then copied over the file and synced. That copy is not atomic: a crash during it
//!   can leave the file torn. Replacing it instead would split the link silently.
//! - **Devices, FIFOs and other special files are written through**, never replaced:
//!   `-o /dev/null`, `-o /dev/stdout` or a named pipe get the bytes, and the special
//!   file stays what it was. A directory is an error.
//! - **Stale temporary files are removed.** Temporary files are named
//!   `.NAME.ecograph-tmp-RANDOM` beside the target and locked (`flock`) while they are
//!   written. A writer killed mid-way leaves one behind; the next write to the same
//!   target removes every such file that no live process holds locked.
//!
//! - **Many files share one sync.** A [`Batch`] ([`AtomicWriter::batch`]) gives every
//!   file the same guarantees, but writes the temporary files of up to
//!   [`Batch::max_open`] targets first, syncs them to disk with one call (Linux's
//!   `syncfs`; one `fsync` per file elsewhere), renames each into place and syncs each
//!   directory once, instead of waiting for the disk twice per file.
//! - **A new directory of files appears whole.** A [`NewDir`] fills a directory that
//!   does not exist yet: plain writes into a fresh, exclusive, locked temporary
//!   directory `.NAME.ecograph-dir-RANDOM` beside it, one sync, then one rename to
//!   `NAME`. A reader sees no directory or the complete one; a directory left by a killed
//!   writer is removed by the next [`NewDir::create`] of the same target.
//!
//! [`Model::save`]: crate::Model

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What marks a temporary file of ours: `.NAME` + this + random characters.
const TMP_MARK: &str = ".ecograph-tmp-";
/// What marks a temporary directory of [`NewDir`]: `.NAME` + this + random characters.
const DIR_MARK: &str = ".ecograph-dir-";
/// Random characters in a temporary file's name (alphanumeric: about 71 bits).
const TMP_RANDOM_LEN: usize = 12;
/// How many symlinks a path may go through, as Linux's `ELOOP` limit.
const MAX_SYMLINKS: usize = 40;

/// Writes `bytes` to `path` so that nothing is lost; see the [module docs](self) for
/// exactly what holds for regular files, symlinks, hard links and special files.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("ecograph-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("out.txt");
/// ecograph_core::fs::write_atomic(&path, b"old")?;
/// ecograph_core::fs::write_atomic(&path, b"new")?;
/// assert_eq!(std::fs::read(&path)?, b"new");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// Any I/O error: the directory cannot be written, the path is a directory, the disk
/// is full, the symlinks loop. The target is then unchanged (for a regular file with
/// one name) and no temporary file is left behind.
pub fn write_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], but the content is streamed: `write` gets a buffered writer
/// and may write as much as it likes without holding it all in memory.
///
/// When `write` fails, its error is returned and the target is left as it was.
///
/// ```
/// use std::io::Write;
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("ecograph-doc-with-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("numbers.txt");
/// ecograph_core::fs::write_atomic_with(&path, |w| {
///     for i in 0..3 {
///         writeln!(w, "{i}")?;
///     }
///     Ok(())
/// })?;
/// assert_eq!(std::fs::read_to_string(&path)?, "0\n1\n2\n");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// As [`write_atomic`], and whatever `write` returns.
pub fn write_atomic_with<F>(path: impl AsRef<Path>, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    AtomicWriter::new().write_with(path.as_ref(), write)
}

/// Removes the temporary files that killed writers left in `dir` (names of the form
/// `.NAME.ecograph-tmp-RANDOM`) and that no live process holds locked. Returns how many
/// were removed.
///
/// [`write_atomic`] does this for its own target on every call; a program that writes
/// many files into one directory can call this once and use
/// [`AtomicWriter::clean_stale`]`(false)` for the writes.
///
/// # Errors
///
/// When `dir` cannot be listed. Files that cannot be inspected or removed are skipped.
pub fn remove_stale_temp_files(dir: impl AsRef<Path>) -> io::Result<usize> {
    remove_stale(dir.as_ref(), None, Leftover::File)
}

/// [`write_atomic`] with settings; `AtomicWriter::new()` is what [`write_atomic`] uses.
#[derive(Debug, Clone, Copy)]
pub struct AtomicWriter {
    clean_stale: bool,
    durable: bool,
}

impl Default for AtomicWriter {
    fn default() -> Self {
        AtomicWriter::new()
    }
}

impl AtomicWriter {
    /// The default: stale temporary files of the target are removed before each write.
    pub fn new() -> AtomicWriter {
        AtomicWriter {
            clean_stale: true,
            durable: true,
        }
    }

    /// Whether each file is synced to disk before it is renamed into place (on by
    /// default). Off, the replacement is still atomic for every reader and survives
    /// the writing process being killed, but after a power loss or kernel crash the file
    /// may be empty or old; in exchange, thousands of small files are written in
    /// seconds instead of minutes (each sync waits for the disk). For outputs that are
    /// cheap to make again, such as one diagram per view.
    pub fn durable(mut self, on: bool) -> AtomicWriter {
        self.durable = on;
        self
    }

    /// Whether each write first removes the stale temporary files of its target (on by
    /// default). Looking for them lists the target's directory, so a program that writes
    /// thousands of files into one directory turns this off and calls
    /// [`remove_stale_temp_files`] once.
    pub fn clean_stale(mut self, on: bool) -> AtomicWriter {
        self.clean_stale = on;
        self
    }

    /// A [`Batch`] of writes with these settings: many files, one sync.
    pub fn batch(self) -> Batch {
        Batch {
            writer: self,
            max_open: DEFAULT_MAX_OPEN,
            staged: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Writes `bytes` to `path`; see [`write_atomic`].
    ///
    /// # Errors
    ///
    /// As [`write_atomic`].
    pub fn write(&self, path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
        self.write_with(path.as_ref(), |w| w.write_all(bytes))
    }

    /// Streams to `path`; see [`write_atomic_with`].
    ///
    /// # Errors
    ///
    /// As [`write_atomic_with`].
    pub fn write_with<F>(&self, path: impl AsRef<Path>, write: F) -> io::Result<()>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let path = path.as_ref();
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )),
            Ok(meta) if !meta.is_file() => write_through(path, write),
            Ok(meta) => {
                let target = fs::canonicalize(path)?;
                if link_count(&meta) > 1 {
                    self.write_in_place(&target, write)
                } else {
                    self.replace(&target, Some(&meta), write)
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let target = resolve_dangling(path)?;
                self.replace(&target, None, write)
            }
            Err(e) => Err(e),
        }
    }

    /// Produces the content in a new temporary file beside `target`, locked and still
    /// named, with `meta`'s mode and owner.
    /// With `sync`, the file is synced before this returns (when the writer is durable);
    /// a [`Batch`] syncs its staged files together instead.
    fn stage<F>(
        &self,
        target: &Path,
        meta: Option<&fs::Metadata>,
        sync: bool,
        write: F,
    ) -> io::Result<Staged>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let dir = parent_or_dot(target);
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        if self.clean_stale {
            // Best effort: a directory we cannot list will fail below with a better error.
            let _ = remove_stale(dir, Some(name), Leftover::File);
        }
        let tmp = create_locked_temp(dir, name, meta)?;
        if !(sync && self.durable) {
            let mut out = BufWriter::with_capacity(1 << 16, tmp.as_file());
            write(&mut out)?;
            out.flush()?;
            drop(out);
            return Ok(Staged(tmp));
        }
        let file = tmp.as_file();
        // What is written is synced while the rest is made (see `Ahead`), so that the
        // final sync waits only for the last part.
        std::thread::scope(|s| -> io::Result<()> {
            let (ahead_tx, ahead_rx) = std::sync::mpsc::sync_channel::<()>(1);
            let syncing = crate::par::spawn(s, move || -> io::Result<()> {
                // The first error is kept and returned: once reported here, the final
                // sync would not report it again.
                let mut first = Ok(());
                for () in ahead_rx {
                    if first.is_ok() {
                        first = file.sync_data();
                    }
                }
                first
            });
            // Where the system refuses a thread, nothing is synced ahead: the final
            // sync does it all.
            let (syncing, ahead) = match syncing {
                Ok(thread) => (Some(thread), Some(ahead_tx)),
                Err(_) => (None, None),
            };
            let mut out = BufWriter::with_capacity(
                1 << 16,
                Ahead {
                    file,
                    since: 0,
                    ahead,
                },
            );
            let written = write(&mut out).and_then(|()| out.flush());
            // The syncing thread ends once the channel is closed.
            drop(out);
            let synced = syncing.map_or(Ok(()), |thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("the syncing thread panicked")))
            });
            written?;
            synced
        })?;
        file.sync_all()?;
        Ok(Staged(tmp))
    }

    fn replace<F>(&self, target: &Path, meta: Option<&fs::Metadata>, write: F) -> io::Result<()>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let Staged(tmp) = self.stage(target, meta, true, write)?;
        // Keep the file (and so its lock) open until the rename is done and synced.
        let _file = tmp.persist(target).map_err(|e| e.error)?;
        if self.durable {
            sync_dir(parent_or_dot(target));
        }
        Ok(())
    }

    fn write_in_place<F>(&self, target: &Path, write: F) -> io::Result<()>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        let Staged(tmp) = self.stage(target, None, true, write)?;
        let mut from = tmp.reopen()?;
        let mut to = OpenOptions::new().write(true).truncate(true).open(target)?;
        io::copy(&mut from, &mut to)?;
        if self.durable {
            to.sync_all()?;
        }
        Ok(())
    }
}

/// A finished temporary file (removed when dropped unless persisted).
struct Staged(tempfile::NamedTempFile);

/// Bytes written between two early syncs of a durable write.
const AHEAD: u64 = 32 << 20;

/// A file being written that asks for what is written so far to be synced (a message
/// on `ahead`, to a thread that syncs) after each [`AHEAD`] bytes. The kernel would
/// otherwise hold all of a large file in memory until the final sync and only then
/// write it out, while the process waits: for a 270 MB exchange file that wait was a
/// tenth of the export.
struct Ahead<'f> {
    file: &'f File,
    since: u64,
    ahead: Option<std::sync::mpsc::SyncSender<()>>,
}

impl Write for Ahead<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = (&mut &*self.file).write(buf)?;
        self.since += n as u64;
        if self.since >= AHEAD {
            self.since = 0;
            // A sync still running is not waited for: the next one covers this too.
            if let Some(tx) = &self.ahead
                && let Err(std::sync::mpsc::TrySendError::Disconnected(())) = tx.try_send(())
            {
                self.ahead = None;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&mut &*self.file).flush()
    }
}

/// How many staged files a [`Batch`] keeps open (and locked) before it commits them.
const DEFAULT_MAX_OPEN: usize = 512;

/// Many files written atomically with one sync for the lot, from
/// [`AtomicWriter::batch`].
///
/// Each file gets what [`write_atomic`] promises: a regular file (or a new one) is
/// replaced by a rename of a complete temporary file, keeping its mode and owner, so a
/// reader or a `SIGKILL` sees old or new bytes, never a mix; symlinks, hard links,
/// devices and FIFOs are handled as [`write_atomic`] does, at once. What differs is
/// when: [`Batch::write`] only produces the temporary file (locked, beside its target);
/// every [`Batch::max_open`] files, and at [`Batch::finish`], the staged files are
/// synced together (when [`AtomicWriter::durable`]), renamed into place, and each
/// directory is synced once. A batch killed mid-way leaves its staged temporary files,
/// which the next write to their targets (or [`remove_stale_temp_files`]) removes; every
/// target is then still old or new.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("ecograph-doc-batch-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let mut batch = ecograph_core::fs::AtomicWriter::new().clean_stale(false).batch();
/// for i in 0..3 {
///     batch.write(dir.join(format!("v{i}.txt")), b"diagram")?;
/// }
/// let failed = batch.finish();
/// assert!(failed.is_empty());
/// assert_eq!(std::fs::read(dir.join("v2.txt"))?, b"diagram");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Batch {
    writer: AtomicWriter,
    max_open: usize,
    staged: Vec<(Staged, PathBuf)>,
    failed: Vec<(PathBuf, io::Error)>,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Staged").field(&self.0.path()).finish()
    }
}

impl Batch {
    /// How many staged files are kept open before they are committed (512 by default,
    /// at least 1): each holds a file descriptor and its lock until it is renamed. Where
    /// a file cannot be staged while others are held (the process out of file
    /// descriptors first), the batch commits what it holds, tries the file again, and
    /// from then on holds half as many as it held.
    pub fn max_open(mut self, n: usize) -> Batch {
        self.max_open = n.max(1);
        self
    }

    /// Writes `bytes` to `path` as part of the batch. A regular file with one name, or
    /// a new file, is staged and put in place by a later commit (whose failures
    /// [`Batch::finish`] returns); anything else is written at once, as
    /// [`AtomicWriter::write`] does.
    ///
    /// # Errors
    ///
    /// When the temporary file cannot be made or written (the target is then
    /// unchanged), or, for a target written at once, as [`write_atomic`].
    pub fn write(&mut self, path: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
        let path = path.as_ref();
        // One `lstat`: a missing path or a regular file with one name is staged as it
        // is; symlinks, hard links, special files and directories take the general way.
        let meta = match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() && link_count(&meta) == 1 => Some(meta),
            Ok(_) => return self.writer.write(path, bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let stage = |writer: &AtomicWriter| {
            writer.stage(path, meta.as_ref(), false, |w| w.write_all(bytes))
        };
        let staged = match stage(&self.writer) {
            Err(first) if !self.staged.is_empty() => {
                // Perhaps the process's limit of open files (`ulimit -n` under what
                // `max_open` allows; `tempfile` reports it without its errno): what is
                // staged is put in place, which closes its files, and the file is tried
                // once more. Where that works, half as many are held from now on.
                let held = self.staged.len();
                self.commit();
                let staged = stage(&self.writer).map_err(|_| first)?;
                self.max_open = (held / 2).max(1);
                staged
            }
            staged => staged?,
        };
        self.staged.push((staged, path.to_path_buf()));
        if self.staged.len() >= self.max_open {
            self.commit();
        }
        Ok(())
    }

    /// Commits what is staged and returns every target that could not be put in place,
    /// with its error (empty when all were written). Dropping a batch without calling
    /// this commits too, but loses the errors.
    pub fn finish(mut self) -> Vec<(PathBuf, io::Error)> {
        self.commit();
        std::mem::take(&mut self.failed)
    }

    /// Syncs the staged files together, renames each over its target, then syncs each
    /// directory once.
    fn commit(&mut self) {
        let staged = std::mem::take(&mut self.staged);
        if staged.is_empty() {
            return;
        }
        let mut staged = if self.writer.durable {
            self.sync_staged(staged)
        } else {
            staged
        };
        let mut dirs: Vec<PathBuf> = Vec::new();
        // Keep the files (and so their locks) open until every rename is done and synced.
        let mut open = Vec::with_capacity(staged.len());
        for (Staged(tmp), target) in staged.drain(..) {
            match tmp.persist(&target) {
                Ok(file) => {
                    open.push(file);
                    let dir = parent_or_dot(&target);
                    if dirs.last().is_none_or(|d| d != dir) {
                        dirs.push(dir.to_path_buf());
                    }
                }
                Err(e) => self.failed.push((target, e.error)),
            }
        }
        if self.writer.durable {
            dirs.sort();
            dirs.dedup();
            for dir in &dirs {
                sync_dir(dir);
            }
        }
    }

    /// Makes the staged files' content durable: one `syncfs` per file system on Linux,
    /// one `fsync` per file elsewhere or when `syncfs` fails. A file that cannot be synced
    /// is not renamed (its target keeps its old content) and is reported.
    fn sync_staged(&mut self, staged: Vec<(Staged, PathBuf)>) -> Vec<(Staged, PathBuf)> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::MetadataExt;
            let mut synced: Vec<u64> = Vec::new();
            let mut all = true;
            for (Staged(tmp), _) in &staged {
                let Ok(dev) = tmp.as_file().metadata().map(|m| m.dev()) else {
                    all = false;
                    break;
                };
                if synced.contains(&dev) {
                    continue;
                }
                if rustix::fs::syncfs(tmp.as_file()).is_err() {
                    all = false;
                    break;
                }
                synced.push(dev);
            }
            if all {
                return staged;
            }
        }
        let mut kept = Vec::with_capacity(staged.len());
        for (tmp, target) in staged {
            match tmp.0.as_file().sync_all() {
                Ok(()) => kept.push((tmp, target)),
                Err(e) => self.failed.push((target, e)),
            }
        }
        kept
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.commit();
    }
}

/// A directory that does not exist yet, filled with plain writes and put in place whole
/// by one rename: the fast way to write thousands of files into a new directory with
/// the guarantees of [`write_atomic`].
///
/// [`NewDir::create`] makes a temporary directory `.NAME.ecograph-dir-RANDOM` beside the
/// target `NAME` (exclusively, so nobody else's directory is ever used; locked with
/// `flock` while it is filled; private until it is put in place). [`NewDir::write`]
/// creates each file in it with a plain exclusive create and write: no temporary file,
/// no lock and no rename per file, and no lookup in a directory anyone else can see.
/// [`NewDir::finish`] syncs the files together (one `syncfs` on Linux, one `fsync` per
/// file elsewhere), gives the directory the mode a plain `mkdir` would have given it,
/// and renames it to `NAME` without replacing anything (`RENAME_NOREPLACE` on Linux), then
/// syncs the parent. A reader, a crash or a `SIGKILL` sees no `NAME` or the complete
/// one. When `NAME` appeared in the meantime, `finish` hands the filled directory back
/// with an [`io::ErrorKind::AlreadyExists`] error, so that the caller can write its files
/// into the existing `NAME` one by one (with [`Batch`]); nothing is replaced or lost.
///
/// A directory left behind by a killed writer is no longer locked; the next
/// [`NewDir::create`] of the same target removes it (as [`remove_stale_temp_dirs`]
/// does). Dropping a `NewDir` that was not put in place removes its directory.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let base = std::env::temp_dir().join(format!("ecograph-doc-newdir-{}", std::process::id()));
/// std::fs::create_dir_all(&base)?;
/// let views = base.join("views");
/// let mut dir = ecograph_core::fs::NewDir::create(&views)?.expect("`views` is new");
/// dir.write("v1.dot", b"digraph {}")?;
/// dir.finish().map_err(|(_, e)| e)?;
/// assert_eq!(std::fs::read(views.join("v1.dot"))?, b"digraph {}");
/// // Now that it exists, `create` says so: write into it file by file instead.
/// assert!(ecograph_core::fs::NewDir::create(&views)?.is_none());
/// # std::fs::remove_dir_all(&base)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct NewDir {
    target: PathBuf,
    tmp: PathBuf,
    /// The temporary directory, open and locked until it is put in place or removed.
    lock: File,
    /// The mode a plain `mkdir` gave it (`0777` less the umask), set again by `finish`.
    #[cfg(unix)]
    mode: u32,
    files: usize,
    placed: bool,
}

impl NewDir {
    /// Starts a new directory at `target`, or returns `None` when something (a
    /// directory, a file, a symlink, even a dangling one) already has that name, or
    /// `target` has no name of its own (`.`, `..`, `/`). Either
    /// way, the temporary directories of `target` that killed writers left beside it are
    /// removed first. The parent of `target` must exist.
    ///
    /// # Errors
    ///
    /// When the parent cannot be read or written.
    pub fn create(target: impl AsRef<Path>) -> io::Result<Option<NewDir>> {
        let target = target.as_ref();
        // `.`, `..` and `/` name a directory that exists (or one a rename cannot make).
        let Some(name) = target.file_name() else {
            return Ok(None);
        };
        let parent = parent_or_dot(target);
        remove_stale(parent, Some(name), Leftover::Dir)?;
        match fs::symlink_metadata(target) {
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut prefix = OsString::from(".");
        prefix.push(name);
        prefix.push(DIR_MARK);
        let mut attempts = 0;
        loop {
            let mut builder = tempfile::Builder::new();
            builder
                .prefix(&prefix)
                .rand_bytes(TMP_RANDOM_LEN)
                .disable_cleanup(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // What `mkdir` gives: 0777 less the umask (read back below).
                builder.permissions(fs::Permissions::from_mode(0o777));
            }
            let tmp = builder
                .tempdir_in(parent)
                .map_err(without_temp_path)?
                .keep();
            let lock = match File::open(&tmp) {
                Ok(f) => f,
                Err(e) => {
                    let _ = fs::remove_dir(&tmp);
                    return Err(e);
                }
            };
            lock.lock()?;
            // A cleaner may have locked and removed it between its creation and our
            // lock: then the name no longer leads to our directory, and we start over.
            if same_file(&fs::symlink_metadata(&tmp), &lock.metadata()) {
                #[cfg(unix)]
                let mode = {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = lock.metadata()?.permissions().mode() & 0o7777;
                    // Nobody else may enter while it is filled.
                    lock.set_permissions(fs::Permissions::from_mode(0o700))?;
                    mode
                };
                return Ok(Some(NewDir {
                    target: target.to_path_buf(),
                    tmp,
                    lock,
                    #[cfg(unix)]
                    mode,
                    files: 0,
                    placed: false,
                }));
            }
            attempts += 1;
            if attempts >= 8 {
                return Err(io::Error::other(
                    "temporary directories keep disappearing beside the target",
                ));
            }
        }
    }

    /// The temporary directory the files are written into (until [`NewDir::finish`]).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// The directory the files are meant for.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// How many files were written.
    pub fn len(&self) -> usize {
        self.files
    }

    /// Whether no file was written.
    pub fn is_empty(&self) -> bool {
        self.files == 0
    }

    /// Creates the file `name` in the directory with `bytes` (mode `0666` less the
    /// umask, as any new file).
    ///
    /// # Errors
    ///
    /// When `name` is not one plain file name (`a.dot`, not `../a.dot` or `a/b.dot`),
    /// when a file of that name was already written (nothing is overwritten), or any
    /// I/O error.
    pub fn write(&mut self, name: impl AsRef<Path>, bytes: &[u8]) -> io::Result<()> {
        let name = name.as_ref();
        let mut parts = name.components();
        if !matches!(
            (parts.next(), parts.next()),
            (Some(std::path::Component::Normal(_)), None)
        ) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{}` is not a plain file name", name.display()),
            ));
        }
        let path = self.tmp.join(name);
        // Exclusive: never follows a symlink, never overwrites.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        let written = file.write_all(bytes);
        #[cfg(not(target_os = "linux"))]
        let written = written.and_then(|()| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        self.files += 1;
        Ok(())
    }

    /// Syncs the files, gives the directory its mode and renames it to the target, then
    /// syncs the parent.
    ///
    /// # Errors
    ///
    /// The `NewDir` comes back with the error, its files intact in [`NewDir::path`]:
    /// [`io::ErrorKind::AlreadyExists`] when the target appeared since
    /// [`NewDir::create`] (then write the files into it one by one), any other kind
    /// when the files could not be synced or renamed. Dropping it removes them.
    pub fn finish(self) -> Result<(), (NewDir, io::Error)> {
        if let Err(e) = self.sync() {
            return Err((self, e));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Err(e) = self
                .lock
                .set_permissions(fs::Permissions::from_mode(self.mode))
            {
                return Err((self, e));
            }
        }
        if let Err(e) = rename_no_replace(&self.tmp, &self.target) {
            return Err((self, e));
        }
        sync_dir(parent_or_dot(&self.target));
        let mut this = self;
        this.placed = true;
        Ok(())
    }

    /// The files' content and names on disk: `syncfs` on Linux (the files were written
    /// without a sync each), then the directory itself.
    fn sync(&self) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            if rustix::fs::syncfs(&self.lock).is_err() {
                for entry in fs::read_dir(&self.tmp)? {
                    File::open(entry?.path())?.sync_all()?;
                }
            }
        }
        self.lock.sync_all()
    }
}

impl Drop for NewDir {
    fn drop(&mut self) {
        // Not put in place: remove what was written, still holding the lock.
        if !self.placed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Renames the directory `from` to `to` unless `to` exists; an
/// [`io::ErrorKind::AlreadyExists`] error when it does.
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::EXIST => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("`{}` appeared meanwhile", to.display()),
                ));
            }
            // A file system without `RENAME_NOREPLACE`: look, then rename.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    match fs::symlink_metadata(to) {
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("`{}` appeared meanwhile", to.display()),
        )),
        // Between the look and the rename, only an empty directory could be replaced by
        // it (a rename never replaces a file by a directory, nor a directory with
        // entries): nothing is lost.
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::rename(from, to),
        Err(e) => Err(e),
    }
}

/// Removes the temporary directories that killed [`NewDir`] writers left in `dir`
/// (names of the form `.NAME.ecograph-dir-RANDOM`) and that no live process holds
/// locked, with everything in them. Returns how many were removed.
///
/// [`NewDir::create`] does this for its own target.
///
/// # Errors
///
/// When `dir` cannot be listed. Directories that cannot be inspected or removed are
/// skipped.
pub fn remove_stale_temp_dirs(dir: impl AsRef<Path>) -> io::Result<usize> {
    remove_stale(dir.as_ref(), None, Leftover::Dir)
}

/// Writes into a special file (device, FIFO) as it is, without replacing it.
fn write_through<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let file = OpenOptions::new().write(true).open(path)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    write(&mut out)?;
    out.flush()
}

/// The error of creating a temporary file or directory, without the random name
/// (tempfile adds ` at path "….NAME.ecograph-tmp-RANDOM"`): the caller names the target,
/// and a name the user never gave only confuses.
fn without_temp_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((why, _)) => io::Error::new(e.kind(), why.to_owned()),
        None => e,
    }
}

/// Creates `.NAME.ecograph-tmp-RANDOM` in `dir`, exclusively, takes its lock and checks
/// that no cleaner removed it before the lock was ours.
fn create_locked_temp(
    dir: &Path,
    name: &OsStr,
    meta: Option<&fs::Metadata>,
) -> io::Result<tempfile::NamedTempFile> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(TMP_MARK);
    let mut attempts = 0;
    loop {
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).rand_bytes(TMP_RANDOM_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A new file gets what `File::create` gives (0666 less the umask); an
            // existing file's exact mode is set below, after the owner.
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(without_temp_path)?;
        tmp.as_file().lock()?;
        // A cleaner may have locked and removed the file between its creation and our
        // lock: then the name no longer leads to our file, and we start over.
        if same_file(&fs::symlink_metadata(tmp.path()), &tmp.as_file().metadata()) {
            if let Some(meta) = meta {
                keep_owner_and_mode(tmp.as_file(), meta)?;
            }
            return Ok(tmp);
        }
        attempts += 1;
        if attempts >= 8 {
            return Err(io::Error::other(
                "temporary files keep disappearing in the target's directory",
            ));
        }
    }
}

#[cfg(unix)]
fn keep_owner_and_mode(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mine = file.metadata()?;
    if mine.uid() != meta.uid() || mine.gid() != meta.gid() {
        // Only root may give a file away; a user may still set a group they are in.
        // Neither failing is an error: the file then belongs to whoever wrote it.
        if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
            let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
        }
    }
    // After the owner: changing the owner clears the set-user-id and set-group-id bits.
    file.set_permissions(meta.permissions())
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &File, meta: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(meta.permissions())
}

#[cfg(unix)]
fn same_file(a: &io::Result<fs::Metadata>, b: &io::Result<fs::Metadata>) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (a, b) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &io::Result<fs::Metadata>, b: &io::Result<fs::Metadata>) -> bool {
    a.is_ok() && b.is_ok()
}

#[cfg(unix)]
fn link_count(meta: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
fn link_count(_meta: &fs::Metadata) -> u64 {
    1
}

/// Follows a chain of symlinks that ends nowhere to the path that writing must create.
fn resolve_dangling(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = if link.is_absolute() {
                    link
                } else {
                    parent_or_dot(&p).join(link)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

fn parent_or_dot(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Makes the rename durable; not every file system can sync a directory, so failing is
/// not an error.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What a killed writer leaves beside its target: an [`AtomicWriter`]'s temporary file
/// or a [`NewDir`]'s temporary directory.
#[derive(Debug, Clone, Copy)]
enum Leftover {
    File,
    Dir,
}

impl Leftover {
    fn mark(self) -> &'static str {
        match self {
            Leftover::File => TMP_MARK,
            Leftover::Dir => DIR_MARK,
        }
    }
    fn is(self, meta: &fs::Metadata) -> bool {
        match self {
            Leftover::File => meta.is_file(),
            Leftover::Dir => meta.is_dir(),
        }
    }
    fn remove(self, path: &Path) -> io::Result<()> {
        match self {
            Leftover::File => fs::remove_file(path),
            Leftover::Dir => fs::remove_dir_all(path),
        }
    }
}

/// Removes our unlocked temporary files or directories (`what`) in `dir`: those of
/// target `name`, or all.
fn remove_stale(dir: &Path, name: Option<&OsStr>, what: Leftover) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let Ok(entry) = entry else { continue };
        if !is_temp_name(&entry.file_name(), name, what.mark()) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !what.is(&meta) {
            continue;
        }
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // A live writer holds the lock; a killed one's lock died with it.
        if file.try_lock().is_err() {
            continue;
        }
        if same_file(&Ok(meta), &file.metadata())
            && same_file(&fs::symlink_metadata(&path), &file.metadata())
            && what.remove(&path).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

/// `.NAME` + `mark` (`.ecograph-tmp-` or `.ecograph-dir-`) followed by exactly the
/// random part.
fn is_temp_name(file_name: &OsStr, name: Option<&OsStr>, mark: &str) -> bool {
    // Our random part is ASCII, but NAME may not be: compare bytes.
    let file_name = file_name.as_encoded_bytes();
    let mark = mark.as_bytes();
    if file_name.len() < 1 + mark.len() + TMP_RANDOM_LEN || file_name[0] != b'.' {
        return false;
    }
    let (head, random) = file_name.split_at(file_name.len() - TMP_RANDOM_LEN);
    if !random.iter().all(u8::is_ascii_alphanumeric) || !head.ends_with(mark) {
        return false;
    }
    match name {
        None => true,
        Some(n) => &head[1..head.len() - mark.len()] == n.as_encoded_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised_only_for_their_target() {
        let t = OsStr::new(".m.json.ecograph-tmp-AbC123xyz789");
        assert!(is_temp_name(t, Some(OsStr::new("m.json")), TMP_MARK));
        assert!(is_temp_name(t, None, TMP_MARK));
        assert!(!is_temp_name(t, Some(OsStr::new("n.json")), TMP_MARK));
        assert!(!is_temp_name(t, None, DIR_MARK));
        assert!(!is_temp_name(
            OsStr::new(".m.json.ecograph-tmp-short"),
            None,
            TMP_MARK
        ));
        assert!(!is_temp_name(OsStr::new("m.json"), None, TMP_MARK));
        let d = OsStr::new(".views.ecograph-dir-AbC123xyz789");
        assert!(is_temp_name(d, Some(OsStr::new("views")), DIR_MARK));
        assert!(!is_temp_name(d, Some(OsStr::new("views")), TMP_MARK));
    }
}
