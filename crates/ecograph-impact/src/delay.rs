//! Where the impact analysis asks the schedule analysis how far a delay moves each task.
//!
//! The impact analysis propagates a `delayed` change like a `modified` one along
//! `depends_on` (and `produces`, `parent`): it says *which* tasks a delay reaches, not by
//! how much. The schedule analysis (`ecograph_schedule`) knows dates, lags and slack: given
//! the delays, it tells which tasks and deliverables move, their old and new dates, where
//! slack absorbs the slip and which deadlines break. The impact report embeds that report
//! and gives every affected task that moves its `slip_days`.

use ecograph_core::{Duration, Element, Model};
use ecograph_schedule::{DelayReport, Error as ScheduleError};

/// What the `delays` (tasks of `model`, each delayed by a duration) do to the plan's
/// dates; an error when the schedule analysis cannot apply them (a delayed task without
/// an end, or one that is `done`).
pub(crate) fn report<'m>(
    model: &'m Model,
    delays: &[(Element<'m>, Duration)],
) -> Result<DelayReport<'m>, ScheduleError> {
    let ids: Vec<(&str, Duration)> = delays.iter().map(|(e, d)| (e.id().as_str(), *d)).collect();
    ecograph_schedule::delay(model, &ids)
}
