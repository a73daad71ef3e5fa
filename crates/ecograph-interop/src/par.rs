//! Work split between two threads.

use std::ops::Range;

/// Items below this many are worked on one thread: a thread costs more than they take.
pub(crate) const PARALLEL: usize = 1 << 14;

/// `work` on the two halves of `items` (each with the index of its first item) on two
/// threads (one when they are few), the second half's result appended to the first's
/// by `join`.
pub(crate) fn in_halves<'a, I: Sync, T: Send>(
    items: &'a [I],
    work: impl Fn(usize, &'a [I]) -> T + Sync,
    join: impl FnOnce(&mut T, T),
) -> T {
    if items.len() < PARALLEL {
        return work(0, items);
    }
    let mid = items.len() / 2;
    let (first, second) = items.split_at(mid);
    std::thread::scope(|s| {
        let later = s.spawn(|| work(mid, second));
        let mut done = work(0, first);
        match later.join() {
            Ok(rest) => join(&mut done, rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        done
    })
}

/// `f` of each of `items`, in order; the second half of them on a second thread when
/// there are two or more (for items that are each much work, such as views to lay out).
pub(crate) fn each<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    if items.len() < 2 || std::thread::available_parallelism().is_ok_and(|n| n.get() < 2) {
        return items.iter().map(f).collect();
    }
    let (first, second) = items.split_at(items.len() / 2);
    let f = &f;
    std::thread::scope(|s| {
        let later = s.spawn(move || second.iter().map(f).collect::<Vec<T>>());
        let mut done: Vec<T> = first.iter().map(f).collect();
        match later.join() {
            Ok(rest) => done.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        done
    })
}

/// `make` of each run of `len` items of `0..count` into a buffer, then `take` of that
/// buffer, in run order, on this thread. The runs are made on two threads when they are
/// many (this one makes every other run, a second thread the runs between, at most two
/// of them waiting), otherwise on this one. Buffers are reused: `make` is handed one
/// that `take` has had (or a new one), and starts by clearing what it needs cleared.
pub(crate) fn in_runs<T: Default + Send>(
    count: usize,
    len: usize,
    make: impl Fn(Range<usize>, &mut T) + Sync,
    mut take: impl FnMut(&mut T),
) {
    let len = len.max(1);
    let runs = count.div_ceil(len);
    let range = |r: usize| r * len..count.min((r + 1) * len);
    let mut mine = T::default();
    let two = count >= PARALLEL
        && runs >= 4
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
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

    #[test]
    fn each_keeps_the_order_of_the_items() {
        for n in 0..12 {
            let items: Vec<usize> = (0..n).collect();
            let threads = each(&items, |_| std::thread::current().id());
            let doubled = each(&items, |i| 2 * i);
            assert_eq!(doubled, items.iter().map(|i| 2 * i).collect::<Vec<_>>());
            // The second half on a thread of its own when there are two items or more.
            let here = std::thread::current().id();
            let elsewhere = threads.iter().filter(|t| **t != here).count();
            assert_eq!(elsewhere, if n >= 2 { n - n / 2 } else { 0 }, "{n} items");
        }
    }

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
