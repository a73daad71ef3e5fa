//! The hook through which the schedule analysis tells the impact analysis how far a delay
//! moves each task.
//!
//! The impact analysis propagates a `delayed` change like a `modified` one along
//! `depends_on` (and `produces`, `parent`): it says *which* tasks a delay reaches, not by
//! how much. The schedule module (`crate::schedule`) knows dates, lags and slack; when it
//! can compute the slip, it fills [`slip_days`] and every affected task then carries its
//! slip in the impact report (`slip_days` in the JSON output).

use ecograph_core::{Duration, Element, Model};

/// HOOK for the schedule module: for tasks `delays` (each delayed by a duration), how many
/// days the end of every task they push moves, as `(Element::index(), days)` pairs; `None`
/// when the schedule analysis cannot tell (no dates, or not implemented yet). Tasks whose
/// slack absorbs the delay may be listed with 0 or left out.
///
/// Replace the body with a call into `crate::schedule`; keep the signature.
pub(crate) fn slip_days(
    model: &Model,
    delays: &[(Element<'_>, Duration)],
) -> Option<Vec<(usize, i64)>> {
    let _ = (model, delays);
    None
}
