//! What listeners receive.
use crate::prelude::*;
use alloc::rc::Weak;
use core::cell::{Cell, OnceCell};

use wasm_bindgen::JsValue;

use super::payload;
use crate::proto::SocketId;

/// The arguments of one event, as the core carries them: JSON array text
/// (`["name", ...args]`, binary as placeholders) and the binary attachments.
/// The JS view is built once, on first use, however many listeners ask.
pub struct EventData {
    /// JSON array text `["name", args...]`.
    pub data: String,
    /// Binary attachments, in placeholder order.
    pub attachments: Vec<Vec<u8>>,
    js: OnceCell<JsValue>,
}

impl EventData {
    /// Event arguments from JSON array text (`["name", ...args]` to emit;
    /// binary values as `{"_placeholder":true,"num":n}` placeholders) and
    /// the attachments the placeholders number.
    pub fn new(data: String, attachments: Vec<Vec<u8>>) -> EventData {
        EventData {
            data,
            attachments,
            js: OnceCell::new(),
        }
    }

    /// The JS array `["name", ...args]`, binary attachments as `ArrayBuffer`s.
    pub fn js_array(&self) -> &JsValue {
        self.js
            .get_or_init(|| payload::decode(&self.data, &self.attachments))
    }
}

/// A server event.
pub struct Incoming {
    /// The event name.
    pub name: String,
    /// Its arguments.
    pub args: EventData,
    /// Present when the server asked for an acknowledgement.
    pub ack: Option<alloc::rc::Rc<AckResponder>>,
}

/// Where an [`AckResponder`] sends its answer: the driver (a trait, so this
/// data module does not import the driver that imports it).
pub(crate) trait AckSink {
    /// Sends the ack `id` of `socket` through the core, then pumps.
    fn send_ack(
        self: alloc::rc::Rc<Self>,
        socket: SocketId,
        id: u64,
        data: String,
        attachments: Vec<Vec<u8>>,
    );
}

/// Answers a server event's acknowledgement, once.
pub struct AckResponder {
    pub(crate) driver: Weak<dyn AckSink>,
    pub(crate) socket: SocketId,
    pub(crate) id: u64,
    pub(crate) used: Cell<bool>,
}

impl AckResponder {
    /// Sends the acknowledgement (`data`: JSON array text of the response
    /// arguments). Later calls do nothing, as in socket.io-client.
    pub fn respond(&self, data: String, attachments: Vec<Vec<u8>>) {
        if self.used.replace(true) {
            return;
        }
        if let Some(driver) = self.driver.upgrade() {
            driver.send_ack(self.socket, self.id, data, attachments);
        }
    }
}

/// The payload handed to a listener.
pub enum Payload<'a> {
    /// Events without arguments (`open`, `connect`, `ping`, `reconnect_failed`).
    Unit,
    /// `reconnect_attempt(n)`, `reconnect(n)`.
    Attempt(u32),
    /// `error`, `reconnect_error`, `connect_error`: a message and, for
    /// `connect_error`, the server's `data` (JSON text).
    Error {
        /// The message.
        message: &'a str,
        /// Raw JSON of the server's `data`.
        data: Option<&'a str>,
    },
    /// `close(reason, description)`, `disconnect(reason, description)`.
    Close {
        /// socket.io-client's reason string.
        reason: &'a str,
        /// Transport details.
        description: Option<&'a str>,
    },
    /// A server event (named listeners and `onAny`).
    Event(&'a Incoming),
    /// An event this client sends (`onAnyOutgoing`).
    Outgoing(&'a EventData),
}
