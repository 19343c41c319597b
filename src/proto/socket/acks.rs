//! The ack table of a socket: pending acknowledgements by wire id, their
//! deadlines, and their settlement (answered, timed out, or failed or
//! dropped on disconnect).

use crate::prelude::*;

use super::super::events::{AckData, AckError, Event};
use super::super::ids::RequestId;
use super::super::payloads::Payloads;
use super::super::timer::Timer;
use super::emit::{AckMode, EmitError};
use super::{Socket, SocketEnv};

#[derive(Debug, Clone, Copy)]
pub(super) struct PendingAck {
    pub(super) request: RequestId,
    /// Error-first: settled with an error on timeout and on disconnect.
    pub(super) with_error: bool,
    /// Belongs to the head of the retry queue.
    pub(super) queued: bool,
}

/// Pending acks keyed by wire id. Ids only grow, so pushing keeps the order
/// a B-tree map would give, at a fraction of the code size; the table is
/// small (bounded by `max_pending_acks`, usually a few entries).
#[derive(Debug, Clone, Default)]
pub(super) struct AckTable(pub(super) Vec<(u64, PendingAck)>);

impl AckTable {
    pub(super) fn insert(&mut self, wire: u64, ack: PendingAck) {
        self.0.push((wire, ack));
    }
    pub(super) fn remove(&mut self, wire: &u64) -> Option<PendingAck> {
        let i = self.0.iter().position(|(w, _)| w == wire)?;
        // `i < len` always; said so that no panic path of `remove` is left
        // in the wasm.
        (i < self.0.len()).then(|| self.0.remove(i).1)
    }
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

impl<P: Payloads> Socket<P> {
    /// Settles the acks whose packet is not in the send buffer: error-first
    /// ones fail with `Disconnected`, plain callbacks are dropped.
    pub(super) fn clear_acks(&mut self, env: &mut SocketEnv<P>) {
        let buffered = |id: &u64| self.send_buffer.iter().any(|o| o.id == Some(*id));
        let ids: Vec<u64> = self
            .acks
            .0
            .iter()
            .map(|(wire, _)| *wire)
            .filter(|id| !buffered(id))
            .collect();
        for wire in ids {
            self.settle(env, wire, AckError::Disconnected);
        }
    }

    /// Settles the ack of wire id `wire` with `error` (error-first), or
    /// drops it (plain callback).
    pub(super) fn settle(&mut self, env: &mut SocketEnv<P>, wire: u64, error: AckError) {
        let Some(ack) = self.acks.remove(&wire) else {
            return;
        };
        env.timers.stop(Timer::Ack(ack.request));
        if ack.queued {
            if ack.with_error {
                self.queue_result(env, ack.request, Err(error));
            }
        } else if ack.with_error {
            env.events.push_back(Event::AckResponse {
                socket: self.id,
                request: ack.request,
                result: Err(error),
            });
        } else {
            env.events.push_back(Event::AckDropped {
                socket: self.id,
                request: ack.request,
            });
        }
    }

    /// An ACK for this namespace.
    pub(crate) fn on_ack(&mut self, env: &mut SocketEnv<P>, wire: u64, data: AckData<P>) {
        let Some(ack) = self.acks.remove(&wire) else {
            return;
        };
        env.timers.stop(Timer::Ack(ack.request));
        if ack.queued {
            self.queue_result(env, ack.request, Ok(data));
        } else {
            env.events.push_back(Event::AckResponse {
                socket: self.id,
                request: ack.request,
                result: Ok(data),
            });
        }
    }

    /// An ack deadline passed; false when `request` is not this socket's.
    pub(crate) fn on_ack_timeout(&mut self, env: &mut SocketEnv<P>, request: RequestId) -> bool {
        let Some(&(wire, ack)) = self.acks.0.iter().find(|(_, a)| a.request == request) else {
            return false;
        };
        self.acks.remove(&wire);
        self.send_buffer.retain(|o| o.id != Some(wire));
        if ack.queued {
            self.queue_result(env, request, Err(AckError::Timeout));
        } else {
            env.events.push_back(Event::AckResponse {
                socket: self.id,
                request,
                result: Err(AckError::Timeout),
            });
        }
        true
    }

    /// Records an emit's pending acknowledgement (and its deadline): the
    /// request to settle and the wire ack id to send.
    pub(super) fn book_ack(
        &mut self,
        env: &mut SocketEnv<P>,
        mode: AckMode,
        timeout: Option<u64>,
    ) -> Result<(RequestId, u64), EmitError> {
        if self.acks.len() >= self.cfg.max_pending_acks {
            return Err(EmitError::TooManyPendingAcks);
        }
        let request = env.request();
        let wire = self.next_ack_id;
        self.next_ack_id = self.next_ack_id.wrapping_add(1);
        let ack = PendingAck {
            request,
            with_error: timeout.is_some() || mode != AckMode::Callback,
            queued: false,
        };
        self.track_ack(env, wire, ack, timeout);
        Ok((request, wire))
    }

    /// Waits for `ack` under wire id `wire`, with its deadline armed.
    pub(super) fn track_ack(
        &mut self,
        env: &mut SocketEnv<P>,
        wire: u64,
        ack: PendingAck,
        timeout: Option<u64>,
    ) {
        if let Some(ms) = timeout {
            env.timers
                .set(Timer::Ack(ack.request), env.now.saturating_add(ms));
        }
        self.acks.insert(wire, ack);
    }
}
