//! Work split between two threads, joined in order: the canonical JSON writer's long
//! lists, and the exchange file's concepts in `ecograph-interop`; and the machine's
//! thread count that every crate's split asks for ([`cores`]).

use std::ops::Range;
use std::sync::OnceLock;

/// How many threads this machine runs at once, if it can tell; asked once per
/// process. On Linux the answer reads the cgroup's CPU quota from files (23 µs a
/// call here), and callers such as the SVG writer ask once per view, of which
/// `render --all` may draw thousands.
pub fn cores() -> Option<usize> {
    static CORES: OnceLock<Option<usize>> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().ok().map(|n| n.get()))
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
    if !two {
        for r in 0..runs {
            make(range(r), &mut mine);
            take(&mut mine);
        }
        return;
    }
    std::thread::scope(|s| {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<T>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<T>();
        let make = &make;
        s.spawn(move || {
            for r in (1..runs).step_by(2) {
                let mut buf = empty_rx.try_recv().unwrap_or_default();
                make(range(r), &mut buf);
                if full_tx.send(buf).is_err() {
                    return;
                }
            }
        });
        for r in 0..runs {
            if r % 2 == 0 {
                make(range(r), &mut mine);
                take(&mut mine);
            } else {
                // The second thread ended early only if it panicked, which the scope
                // passes on when it joins it.
                let Ok(mut buf) = full_rx.recv() else {
                    break;
                };
                take(&mut buf);
                // Refused once the second thread is done: the buffer is dropped.
                let _ = empty_tx.send(buf);
            }
        }
    });
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
}
