//! Work split between two threads, joined in order: the canonical JSON writer's long
//! lists, and the exchange file's concepts in `ecograph-interop`; the machine's
//! thread count that every crate's split asks for ([`cores`]); and [`spawn`], through
//! which every crate starts its threads, so that a system that refuses one (at a
//! process's or a container's thread limit) gets the work done on one thread, or a
//! clear error, instead of a panic.

use std::cell::Cell;
use std::io;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};

/// How many threads this machine runs at once, if it can tell; asked once per
/// process. On Linux the answer reads the cgroup's CPU quota from files (23 µs a
/// call here), and callers such as the SVG writer ask once per view, of which
/// `render --all` may draw thousands.
pub fn cores() -> Option<usize> {
    static CORES: OnceLock<Option<usize>> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().ok().map(|n| n.get()))
}

/// Work that [`spawn`] could not start on a thread of its own: the system refused one.
#[derive(Debug)]
pub struct Refused<F> {
    /// The work, not run: the caller runs it on its own thread, or reports `error`.
    pub work: F,
    /// Why the system refused.
    pub error: io::Error,
}

/// A thread [`spawn`] started.
#[derive(Debug)]
pub struct Joinable<'scope, T>(ScopedJoinHandle<'scope, Option<T>>);

impl<T> Joinable<'_, T> {
    /// Waits for the thread to finish: its result, or `Err` with its panic.
    ///
    /// # Errors
    ///
    /// The payload of the thread's panic, as [`std::thread::ScopedJoinHandle::join`].
    pub fn join(self) -> std::thread::Result<T> {
        self.0.join().and_then(|done| {
            done.ok_or_else(|| {
                Box::new("a thread found its work gone") as Box<dyn std::any::Any + Send>
            })
        })
    }
}

thread_local! {
    /// Whether [`spawn`] on this thread refuses, as a system at its thread limit would
    /// (see [`with_threads_refused`]).
    static REFUSING: Cell<bool> = const { Cell::new(false) };
}

/// `f` with every [`spawn`] made on this thread refused, as a system at its thread
/// limit refuses: for tests of the one-thread ways round it.
#[doc(hidden)]
pub fn with_threads_refused<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            REFUSING.with(|r| r.set(self.0));
        }
    }
    let _reset = Reset(REFUSING.with(|r| r.replace(true)));
    f()
}

/// `f` on a new thread of `scope`, or `f` handed back unrun when the system refuses a
/// thread ([`std::thread::Scope::spawn`] panics then). A panic in `f` reaches whoever
/// joins the handle, as with `Scope::spawn`.
pub fn spawn<'scope, 'env, T, F>(
    scope: &'scope Scope<'scope, 'env>,
    f: F,
) -> Result<Joinable<'scope, T>, Refused<F>>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    if REFUSING.with(Cell::get) {
        let error = io::Error::new(
            io::ErrorKind::WouldBlock,
            "no thread to be had (refused for a test)",
        );
        return Err(Refused { work: f, error });
    }
    // The new thread takes `f` out of the slot; a thread that never started leaves it
    // there, for the caller.
    let slot = Arc::new(Mutex::new(Some(f)));
    let theirs = Arc::clone(&slot);
    let started = std::thread::Builder::new().spawn_scoped(scope, move || {
        let f = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
        // Always there: it is taken only here, and the thread runs once.
        f.map(|f| f())
    });
    match started {
        Ok(handle) => Ok(Joinable(handle)),
        Err(error) => match slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            Some(work) => Err(Refused { work, error }),
            None => unreachable!("a thread that was refused took its work"),
        },
    }
}

/// `a` here and `b` on another thread at once, or `b` here after `a` where the system
/// refuses a thread. A panic in `b` is one here, as it would have been on one thread.
pub fn join<A, B: Send>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|s| {
        let other = spawn(s, b);
        let x = a();
        let y = match other {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(refused) => (refused.work)(),
        };
        (x, y)
    })
}

/// A channel to a thread that takes at most `ahead` items before the receiver has
/// them ([`std::sync::mpsc::sync_channel`]), or, with `None`, any number
/// ([`std::sync::mpsc::channel`]): for a pipeline whose two sides run one after the
/// other where the system refuses a thread (the sender then fills it whole first).
pub fn channel<T>(ahead: Option<usize>) -> (Sender<T>, std::sync::mpsc::Receiver<T>) {
    match ahead {
        Some(n) => {
            let (to, from) = std::sync::mpsc::sync_channel(n);
            (Sender::Ahead(to), from)
        }
        None => {
            let (to, from) = std::sync::mpsc::channel();
            (Sender::Whole(to), from)
        }
    }
}

/// The sending end of a [`channel`].
#[derive(Debug)]
pub enum Sender<T> {
    /// At most a few items ahead: a send waits for the receiver.
    Ahead(std::sync::mpsc::SyncSender<T>),
    /// Any number ahead.
    Whole(std::sync::mpsc::Sender<T>),
}

impl<T> Sender<T> {
    /// Sends `t`, waiting for room where the channel is bounded.
    ///
    /// # Errors
    ///
    /// `t` back when the receiver is gone.
    pub fn send(&self, t: T) -> Result<(), std::sync::mpsc::SendError<T>> {
        match self {
            Sender::Ahead(to) => to.send(t),
            Sender::Whole(to) => to.send(t),
        }
    }
}

/// `make` of each run of `len` items of `0..count` into a buffer, then `take` of that
/// buffer, in run order, on this thread. The runs are made on two threads when they are
/// many (this one makes every other run, a second thread the runs between, at most two
/// of them waiting), otherwise on this one. Buffers are reused: `make` is handed one
/// that `take` has had (or a new one), and starts by clearing what it needs cleared.
pub fn in_runs<T: Default + Send>(
    count: usize,
    len: usize,
    make: impl Fn(Range<usize>, &mut T) + Sync,
    mut take: impl FnMut(&mut T),
) {
    let len = len.max(1);
    let runs = count.div_ceil(len);
    let range = |r: usize| r * len..count.min((r + 1) * len);
    let mut mine = T::default();
    let two = runs >= 4 && cores().is_some_and(|n| n > 1);
    // Where the system refuses the second thread, every run is made here.
    let made = two
        && std::thread::scope(|s| {
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<T>(2);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<T>();
            let make = &make;
            let second = move || {
                for r in (1..runs).step_by(2) {
                    let mut buf = empty_rx.try_recv().unwrap_or_default();
                    make(range(r), &mut buf);
                    if full_tx.send(buf).is_err() {
                        return;
                    }
                }
            };
            if spawn(s, second).is_err() {
                return false;
            }
            for r in 0..runs {
                if r % 2 == 0 {
                    make(range(r), &mut mine);
                    take(&mut mine);
                } else {
                    // The second thread ended early only if it panicked, which the
                    // scope passes on when it joins it.
                    let Ok(mut buf) = full_rx.recv() else {
                        break;
                    };
                    take(&mut buf);
                    // Refused once the second thread is done: the buffer is dropped.
                    let _ = empty_tx.send(buf);
                }
            }
            true
        });
    if !made {
        for r in 0..runs {
            make(range(r), &mut mine);
            take(&mut mine);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the count and run length, every item is made once, and the runs are
        /// taken in order (on two threads when they are many).
        #[test]
        fn runs_are_taken_in_order(count in prop_oneof![0usize..100, 16_000usize..70_000], len in 1usize..5_000) {
            let mut taken: Vec<usize> = Vec::new();
            in_runs(
                count,
                len,
                |range, buf: &mut Vec<usize>| {
                    buf.clear();
                    buf.extend(range);
                },
                |buf| taken.extend_from_slice(buf),
            );
            prop_assert_eq!(taken, (0..count).collect::<Vec<_>>());
        }
    }

    #[test]
    fn runs_are_all_made_here_when_the_system_refuses_a_thread() {
        let here = std::thread::current().id();
        let mut taken: Vec<usize> = Vec::new();
        let mut elsewhere = std::sync::atomic::AtomicUsize::new(0);
        with_threads_refused(|| {
            in_runs(
                50_000,
                1_000,
                |range, buf: &mut Vec<usize>| {
                    if std::thread::current().id() != here {
                        elsewhere.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    buf.clear();
                    buf.extend(range);
                },
                |buf| taken.extend_from_slice(buf),
            );
        });
        assert_eq!(taken, (0..50_000).collect::<Vec<_>>());
        assert_eq!(*elsewhere.get_mut(), 0);
    }

    #[test]
    fn a_refused_thread_hands_its_work_back_and_a_started_one_runs_it() {
        let (refused, ran) = std::thread::scope(|s| {
            let refused = with_threads_refused(|| match spawn(s, || 7) {
                Ok(_) => None,
                Err(Refused { work, error }) => Some((work(), error.kind())),
            });
            let ran = spawn(s, || 8).ok().map(|h| h.join().ok());
            (refused, ran)
        });
        assert_eq!(refused, Some((7, std::io::ErrorKind::WouldBlock)));
        assert_eq!(ran, Some(Some(8)));
        // Refusing ends with the closure: the next spawn starts a thread again.
        let again = std::thread::scope(|s| spawn(s, || 9).ok().and_then(|h| h.join().ok()));
        assert_eq!(again, Some(9));
    }

    #[test]
    fn join_runs_the_second_on_another_thread_or_here_after_the_first() {
        let here = std::thread::current().id();
        let ids = || {
            join(
                || std::thread::current().id(),
                || std::thread::current().id(),
            )
        };
        let (a, b) = ids();
        assert_eq!(a, here);
        assert_ne!(b, here);
        assert_eq!(with_threads_refused(ids), (here, here));
        // On one thread, the second runs after the first.
        let order = std::sync::Mutex::new(Vec::new());
        with_threads_refused(|| {
            join(
                || order.lock().unwrap().push(1),
                || order.lock().unwrap().push(2),
            )
        });
        assert_eq!(*order.lock().unwrap(), [1, 2]);
    }

    #[test]
    fn a_bounded_channel_waits_for_room_and_an_unbounded_one_takes_all() {
        let (to, from) = channel::<u32>(Some(2));
        assert!(matches!(to, Sender::Ahead(_)));
        std::thread::scope(|s| {
            s.spawn(move || (0..100).for_each(|i| to.send(i).expect("received")));
            assert_eq!(
                from.iter().collect::<Vec<_>>(),
                (0..100).collect::<Vec<_>>()
            );
        });
        // Unbounded: filled whole on this thread, then read.
        let (to, from) = channel::<u32>(None);
        (0..100).for_each(|i| to.send(i).expect("received"));
        drop(to);
        assert_eq!(
            from.iter().collect::<Vec<_>>(),
            (0..100).collect::<Vec<_>>()
        );
        let (to, from) = channel::<u32>(None);
        drop(from);
        assert_eq!(to.send(7).map_err(|e| e.0), Err(7));
    }

    #[test]
    fn a_panic_on_a_started_thread_reaches_the_join() {
        let joined = std::thread::scope(|s| {
            spawn(s, || -> u8 { panic!("boom") })
                .ok()
                .map(|h| h.join().is_err())
        });
        assert_eq!(joined, Some(true));
    }
}
