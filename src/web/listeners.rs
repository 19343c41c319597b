//! The listener registry shared by a Manager and its sockets: one table, one
//! id per registration, so a handle removes exactly what it added.
use crate::prelude::*;
use alloc::rc::Rc;

use super::event::Payload;
use crate::proto::SocketId;

/// Whose events a listener hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The Manager (`open`, `close`, `error`, `ping`, `reconnect*`).
    Manager,
    /// One namespace socket.
    Socket(SocketId),
}

/// Which events of the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// One event name.
    Named(String),
    /// Every incoming event (`onAny`).
    Any,
    /// Every outgoing event (`onAnyOutgoing`).
    AnyOutgoing,
}

/// A listener body.
pub type Callback = Rc<dyn Fn(&Payload)>;

struct Entry {
    id: u64,
    target: Target,
    key: Key,
    once: bool,
    callback: Callback,
}

#[derive(Default)]
pub(crate) struct Listeners {
    entries: Vec<Entry>,
    next_id: u64,
}

impl Listeners {
    pub(crate) fn add(
        &mut self,
        target: Target,
        key: Key,
        callback: Callback,
        once: bool,
        prepend: bool,
    ) -> u64 {
        self.next_id += 1;
        let entry = Entry {
            id: self.next_id,
            target,
            key,
            once,
            callback,
        };
        if prepend {
            self.entries.insert(0, entry);
        } else {
            self.entries.push(entry);
        }
        self.next_id
    }

    /// Removes the registration `id`; true when it was there.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        before != self.entries.len()
    }

    /// Whether `target` has a listener of `key`.
    pub(crate) fn has(&self, target: Target, key: &Key) -> bool {
        self.entries
            .iter()
            .any(|e| e.target == target && &e.key == key)
    }

    /// The callbacks to run for `key` on `target`, in order; `once`
    /// registrations are removed here, before they run.
    pub(crate) fn take_matching(&mut self, target: Target, key: &Key) -> Vec<Callback> {
        let mut out = Vec::new();
        self.entries.retain(|e| {
            if e.target == target && &e.key == key {
                out.push(e.callback.clone());
                !e.once
            } else {
                true
            }
        });
        out
    }

    /// How many listeners `key` has on `target`.
    pub(crate) fn count(&self, target: Target, key: &Key) -> usize {
        self.entries
            .iter()
            .filter(|e| e.target == target && &e.key == key)
            .count()
    }
}
