//! Cancellation of one operation.
//!
//! Why a token per operation and not a flag per connection: a flag shared by everything on a
//! connection has to be reset when an operation starts, so a cancel that arrives just before
//! the start is lost, and cancelling one screen's commit also stops another screen's refresh.
//! A token is made for one operation (a preview, a refresh, a commit), handed to whoever may
//! cancel it, and never reset: once cancelled it stays cancelled.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A cheap, cloneable handle: every clone sees the same state.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the operation to stop at its next check (between chunks of matching, pages of a
    /// refresh, batches of a commit, or while waiting on the network). Safe from any thread.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag itself, for code that checks an `AtomicBool` between batches.
    pub(crate) fn flag(&self) -> &AtomicBool {
        &self.0
    }

    /// Whether both handles belong to the same operation.
    pub fn is_same(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// `Err(Error::Cancelled)` once cancelled, for `?` at a check point.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_before_the_start_is_not_lost_and_clones_share_it() {
        let token = CancelToken::new();
        let handed_out = token.clone();
        assert!(token.check().is_ok());
        handed_out.cancel();
        assert!(token.is_cancelled());
        assert!(matches!(token.check(), Err(crate::Error::Cancelled)));
    }
}
