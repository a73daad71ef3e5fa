//! A cache prefetch hint: the one place in the workspace that needs `unsafe`.
//!
//! The search's time goes on waiting for rows of the adjacency at random places in
//! memory. Touching them with ordinary loads a batch ahead overlaps some of those misses,
//! but a load that misses holds up the instructions behind it; a prefetch instruction
//! retires at once, so the misses of many states overlap with useful work (measured: each
//! search 30% faster on 1M elements, see docs/impact.md). Rust offers it only as the
//! `unsafe` intrinsic `_mm_prefetch`.

/// Asks the processor to bring `xs[i]` into the cache; nothing when `i` is out of
/// bounds, and nothing on processors other than x86-64.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn prefetch<T>(xs: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = xs.get(i) {
        // SAFETY: `_mm_prefetch` is a hint: it reads no data into the program, never
        // faults (not even on an invalid address, and this one is valid: it points into
        // `xs`) and writes no memory. SSE, which it needs, is part of x86-64.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                std::ptr::from_ref(x).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (xs, i);
}
