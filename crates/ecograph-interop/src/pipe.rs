//! Batches handed from a reading thread to the importing one, and handed back once
//! read, so that the reading thread refills their buffers instead of allocating new
//! ones (what a thread allocates lands in its own allocator arena: recycled batches
//! keep that arena small). The XML reader ([`crate::xmlread::piped`]) and the CSV
//! reader (relations.csv and properties.csv) both read ahead through it.

use crate::error::Error;
use ecograph_core::par;
use std::sync::mpsc::{self, Receiver, Sender};

/// A pipe that holds up to `ahead` batches not yet taken, or, with `None`, every batch:
/// for reading a whole file on the importing thread before it takes the first batch,
/// where the system refuses the reading thread (it then holds the file's batches, about
/// as much as the document made from them).
pub(crate) fn pipe<B>(ahead: Option<usize>) -> (Feed<B>, Take<B>) {
    let (to, from) = par::channel(ahead);
    let (back, spare) = mpsc::channel();
    (Feed { to, spare }, Take { from, back })
}

/// The reading thread's end.
#[derive(Debug)]
pub(crate) struct Feed<B> {
    to: par::Sender<Result<B, Error>>,
    spare: Receiver<B>,
}

impl<B: Default> Feed<B> {
    /// A batch to fill: one handed back (its contents still there, for the caller to
    /// clear), or a new one.
    pub fn spare(&self) -> B {
        self.spare.try_recv().unwrap_or_default()
    }

    /// Hands a batch (or the error that ends the reading) over; `false` when the
    /// importing side is gone.
    pub fn send(&self, b: Result<B, Error>) -> bool {
        self.to.send(b).is_ok()
    }
}

/// The importing thread's end.
#[derive(Debug)]
pub(crate) struct Take<B> {
    from: Receiver<Result<B, Error>>,
    back: Sender<B>,
}

impl<B> Take<B> {
    /// Puts the next batch in `cur` and hands the one it held back; `None` when the
    /// reading thread has stopped sending, the error it sent in place of a batch.
    pub fn next_into(&self, cur: &mut B) -> Option<Result<(), Error>> {
        match self.from.recv() {
            Ok(Ok(b)) => {
                // The reader may have finished: then the used batch is simply dropped.
                let _ = self.back.send(std::mem::replace(cur, b));
                Some(Ok(()))
            }
            Ok(Err(e)) => Some(Err(e)),
            Err(_) => None,
        }
    }
}
