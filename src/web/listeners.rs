//! The listener registry shared by a Manager and its sockets: one table, one
//! id per registration, so a handle removes exactly what it added.
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use wasm_bindgen::JsValue;

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
    /// The JS function behind the callback, so `off(event, fn)` finds it.
    identity: Option<JsValue>,
}

#[derive(Default)]
pub(crate) struct Listeners {
    entries: Vec<Entry>,
    next_id: u64,
}

/// What `off` removes.
pub(crate) enum Selector<'a> {
    /// One registration.
    Id(u64),
    /// Every registration of `key` whose identity is `function`
    /// (socket.io-client removes one; all copies of a doubled registration
    /// are removed only by `off(event)`).
    Function(&'a Key, &'a JsValue),
    /// Every registration of `key`.
    Key(&'a Key),
    /// Every named registration of the target (`off()`); catch-all
    /// listeners stay, as in socket.io-client (`offAny()` removes them).
    All,
}

impl Listeners {
    pub(crate) fn add(
        &mut self,
        target: Target,
        key: Key,
        callback: Callback,
        identity: Option<JsValue>,
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
            identity,
        };
        if prepend {
            self.entries.insert(0, entry);
        } else {
            self.entries.push(entry);
        }
        self.next_id
    }

    /// Removes what `selector` names among `target`'s listeners; returns how many.
    pub(crate) fn remove(&mut self, target: Target, selector: Selector) -> usize {
        let before = self.entries.len();
        match selector {
            Selector::Id(id) => self.entries.retain(|e| e.id != id),
            Selector::Function(key, function) => {
                // socket.io-client removes the last matching registration.
                if let Some(pos) = self.entries.iter().rposition(|e| {
                    e.target == target && &e.key == key && e.identity.as_ref() == Some(function)
                }) {
                    self.entries.remove(pos);
                }
            }
            Selector::Key(key) => self
                .entries
                .retain(|e| !(e.target == target && &e.key == key)),
            Selector::All => self
                .entries
                .retain(|e| !(e.target == target && matches!(e.key, Key::Named(_)))),
        }
        before - self.entries.len()
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

    /// The JS functions registered for `key` (`listeners(event)`).
    pub(crate) fn identities(&self, target: Target, key: &Key) -> Vec<JsValue> {
        self.entries
            .iter()
            .filter(|e| e.target == target && &e.key == key)
            .map(|e| e.identity.clone().unwrap_or(JsValue::UNDEFINED))
            .collect()
    }
}
