//! Work split between two threads.

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
