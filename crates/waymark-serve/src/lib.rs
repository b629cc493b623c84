//! The live preview page of `waymark serve`: a local web server on 127.0.0.1 with its assets built in, changes pushed to the page, and a try-a-case panel run by `waymark-run`.
//!
//! The CLI reads and watches the files and builds each [`Snapshot`] (`page.rs` turns a compiled
//! procedure, its diagnostics and drawing into the page's JSON); [`Live`] holds the newest one
//! and wakes the pages waiting for it; `server.rs` answers the browser: the page and its
//! assets (compiled into the binary, so nothing is fetched from anywhere), the snapshot, a
//! stream of server-sent events that says when a new one is ready, and `try_case.rs`, which
//! runs a trial case with `waymark run`'s replay. Like `waymark-cli`, this crate is at the edge:
//! it talks to the network, but only on the loopback address, and keeps no case data.

mod page;
mod server;
mod try_case;

pub use page::{PageInput, page_json};
pub use server::{Server, is_loopback_host};
pub use try_case::try_case;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use waymark_compile::Procedure;
use waymark_diagnostics::Sources;

/// One state of the page: what it shows, and what the try-a-case panel runs against.
pub struct Snapshot {
    /// The page's JSON (see [`page_json`]).
    pub page: String,
    /// The procedure, when it compiled without errors.
    pub procedure: Option<Procedure>,
    /// The files read, for the explanations' "procedures/x.wm:12" references.
    pub sources: Sources,
}

/// The newest snapshot and its number; waiting pages are woken when it changes.
pub struct Live {
    current: Mutex<(u64, Arc<Snapshot>)>,
    changed: Condvar,
}

impl Live {
    pub fn new(first: Snapshot) -> Live {
        Live {
            current: Mutex::new((1, Arc::new(first))),
            changed: Condvar::new(),
        }
    }

    /// Makes `next` the page's state and wakes every page waiting for a change.
    pub fn publish(&self, next: Snapshot) {
        if let Ok(mut current) = self.current.lock() {
            *current = (current.0 + 1, Arc::new(next));
        }
        self.changed.notify_all();
    }

    /// The newest snapshot and its number.
    pub fn now(&self) -> Option<(u64, Arc<Snapshot>)> {
        self.current
            .lock()
            .ok()
            .map(|current| (current.0, Arc::clone(&current.1)))
    }

    /// The number of a snapshot newer than `seen`, waiting at most `timeout` for one.
    pub fn newer_than(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let Ok(guard) = self.current.lock() else {
            // Only a panic elsewhere poisons the lock; waiting out the time keeps the event
            // stream from spinning.
            std::thread::sleep(timeout);
            return None;
        };
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |current| current.0 <= seen)
            .ok()?;
        (guard.0 > seen).then_some(guard.0)
    }
}
