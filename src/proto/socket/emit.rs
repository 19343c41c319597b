//! What the application hands in to send an event ([`Emit`], with its
//! [`AckMode`]), and why an emit is refused ([`EmitError`]).

use crate::prelude::*;

use super::super::payloads::{JsonText, Payloads};

/// Whether and how an emit waits for the server's acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AckMode {
    /// No acknowledgement.
    #[default]
    None,
    /// `emit(ev, ..., cb)`: a plain callback. With `ack_timeout` configured it
    /// becomes error-first with that deadline (as socket.io-client);
    /// otherwise it is dropped silently on disconnect.
    Callback,
    /// `emitWithAck(ev, ...)`: error-first; fails with
    /// [`AckError::Disconnected`](crate::proto::AckError::Disconnected) on disconnect, with `ack_timeout` if set.
    WithError,
    /// `timeout(ms).emit(ev, ..., cb)` / `timeout(ms).emitWithAck(...)`:
    /// error-first with this deadline in milliseconds.
    WithTimeout(u64),
}

/// An event to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Emit<P: Payloads = JsonText> {
    /// The JSON array `["name", args...]`, binary values replaced by
    /// `{"_placeholder":true,"num":n}`.
    pub data: P::Text,
    /// The binary attachments, in placeholder order.
    pub attachments: Vec<P::Binary>,
    /// Acknowledgement mode.
    pub ack: AckMode,
    /// Drop instead of buffering when the transport is not writable.
    pub volatile: bool,
}

impl<P: Payloads> Default for Emit<P>
where
    P::Text: Default,
{
    fn default() -> Self {
        Emit {
            data: P::Text::default(),
            attachments: Vec::new(),
            ack: AckMode::None,
            volatile: false,
        }
    }
}

/// Why an emit was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmitError {
    /// No socket with this id.
    UnknownSocket,
    /// The event name is reserved (`connect`, `connect_error`,
    /// `disconnect`, `disconnecting`, `newListener`, `removeListener`).
    ReservedEvent,
    /// The send buffer (or retry queue) holds `max_buffered_packets`.
    BufferFull,
    /// `max_pending_acks` emits already wait for an acknowledgement.
    TooManyPendingAcks,
}

impl EmitError {
    /// A short description.
    pub fn as_str(self) -> &'static str {
        match self {
            EmitError::UnknownSocket => "unknown socket",
            EmitError::ReservedEvent => "reserved event name",
            EmitError::BufferFull => "send buffer full",
            EmitError::TooManyPendingAcks => "too many pending acknowledgements",
        }
    }
}
