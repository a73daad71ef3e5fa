//! Helpers for the `Serialize` impls: lists written item by item, so that a large report
//! is streamed by `serde_json::to_writer` instead of held as one JSON value.

use serde::{Serialize, Serializer};

/// A list written item by item from the iterator the closure makes.
pub(crate) struct Seq<F>(pub F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}
