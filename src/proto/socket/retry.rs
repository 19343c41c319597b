//! The `ackTimeout` + `retries` queue of a socket: one emit in flight at a
//! time, sent again until it is acknowledged or out of tries.

use crate::prelude::*;

use super::super::events::{AckData, AckError, Event};
use super::super::ids::RequestId;
use super::super::payloads::Payloads;
use super::acks::PendingAck;
use super::{Socket, SocketEnv};

#[derive(Debug, Clone)]
pub(super) struct Queued<P: Payloads> {
    /// Timer key of this entry; returned to the app when it asked for an ack.
    pub(super) request: RequestId,
    pub(super) notify: bool,
    pub(super) data: P::Text,
    pub(super) attachments: Vec<P::Binary>,
    pub(super) timeout: Option<u64>,
    pub(super) try_count: u32,
    pub(super) pending: bool,
}

impl<P: Payloads> Socket<P> {
    /// The outcome of one try of the retry queue's head.
    pub(super) fn queue_result(
        &mut self,
        env: &mut SocketEnv<P>,
        request: RequestId,
        result: Result<AckData<P>, AckError>,
    ) {
        let Some(head) = self.queue.front_mut() else {
            return;
        };
        if head.request != request {
            return;
        }
        let done = match &result {
            Ok(_) => true,
            Err(_) => head.try_count > self.cfg.retries,
        };
        head.pending = false;
        if done {
            if let Some(q) = self.queue.pop_front() {
                if q.notify {
                    env.events.push_back(Event::AckResponse {
                        socket: self.id,
                        request,
                        result,
                    });
                }
            }
        }
        self.drain_queue(env, false);
    }

    /// Sends the head of the retry queue (again when `force`).
    pub(super) fn drain_queue(&mut self, env: &mut SocketEnv<P>, force: bool) {
        if !self.connected {
            return;
        }
        let wire = self.next_ack_id;
        let Some(head) = self.queue.front_mut() else {
            return;
        };
        if head.pending && !force {
            return;
        }
        head.pending = true;
        head.try_count = head.try_count.saturating_add(1);
        let (request, timeout) = (head.request, head.timeout);
        let (data, attachments) = (head.data.clone(), head.attachments.clone());
        self.next_ack_id = self.next_ack_id.wrapping_add(1);
        // A forced resend replaces the previous try's ack.
        self.acks.0.retain(|(_, a)| a.request != request);
        let ack = PendingAck {
            request,
            with_error: timeout.is_some(),
            queued: true,
        };
        self.track_ack(env, wire, ack, timeout);
        self.write_event(env, Some(wire), data, attachments);
    }
}
