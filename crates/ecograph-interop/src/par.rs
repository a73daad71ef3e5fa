//! Work split between two threads (runs made into buffers are
//! [`ecograph_core::par::in_runs`]).

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
    halves(PARALLEL, items, work, join)
}

/// `f` of each of `items`, in order; the second half of them on a second thread when
/// there are two or more (for items that are each much work, such as views to lay out).
pub(crate) fn each<I: Sync, T: Send>(items: &[I], f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    if ecograph_core::par::cores().is_some_and(|n| n < 2) {
        return items.iter().map(f).collect();
    }
    let work = |_, half: &[I]| half.iter().map(&f).collect::<Vec<T>>();
    halves(2, items, work, |done, rest| done.extend(rest))
}

/// [`in_halves`], on one thread when `items` are fewer than `min`.
fn halves<'a, I: Sync, T: Send>(
    min: usize,
    items: &'a [I],
    work: impl Fn(usize, &'a [I]) -> T + Sync,
    join: impl FnOnce(&mut T, T),
) -> T {
    if items.len() < min {
        return work(0, items);
    }
    let mid = items.len() / 2;
    let (first, second) = items.split_at(mid);
    // Where the system refuses a thread, the second half is worked on here, after the
    // first.
    let (mut done, rest) = ecograph_core::par::join(|| work(0, first), || work(mid, second));
    join(&mut done, rest);
    done
}

#[cfg(test)]
mod tests {
    use super::*;

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
            // All here, in order, where the system refuses a thread.
            let (threads, doubled) = ecograph_core::par::with_threads_refused(|| {
                (
                    each(&items, |_| std::thread::current().id()),
                    each(&items, |i| 2 * i),
                )
            });
            assert!(threads.iter().all(|t| *t == here), "{n} items");
            assert_eq!(doubled, items.iter().map(|i| 2 * i).collect::<Vec<_>>());
        }
    }
}
