//! Routing received Socket.IO packets from their headers: to the active
//! socket of their namespace, CONNECT / DISCONNECT / CONNECT_ERROR read at
//! once, an EVENT or ACK body left for the runtime to parse, a binary one
//! held until its attachments arrived.

use crate::prelude::*;

use super::super::error::DecodeError;
use super::super::ids::SocketId;
use super::super::packet::{self, PacketType};
use super::super::payloads::Payloads;
use super::super::session::Message;
use super::super::socket::Control;
use super::Manager;

/// A received EVENT or ACK, its body still the runtime's.
#[derive(Debug)]
pub(super) struct Body<P: Payloads> {
    /// The active socket of its namespace; `None`: not one of ours.
    socket: Option<SocketId>,
    kind: PacketType,
    id: Option<u64>,
    frame: P::Frame,
    /// Where the body starts in `frame`'s head.
    header_len: usize,
    attachments: Vec<P::Binary>,
}

/// A decoded Socket.IO packet.
#[derive(Debug)]
pub(super) enum Incoming<P: Payloads> {
    /// CONNECT, DISCONNECT, CONNECT_ERROR for the active socket of a
    /// namespace.
    Control(SocketId, Control<P>),
    /// EVENT, ACK and their binary kinds.
    Body(Body<P>),
}

/// A binary EVENT or ACK waiting for its attachments.
#[derive(Debug)]
pub(super) struct Pending<P: Payloads> {
    body: Body<P>,
    expected: usize,
}

impl<P: Payloads> Manager<P> {
    /// socket.io-parser's `Decoder`, from headers: a packet is routed to
    /// the active socket of its namespace from its header alone, and one for
    /// a namespace not in use is dropped unread. CONNECT and CONNECT_ERROR
    /// payloads are read at once, an EVENT or ACK body when it is parsed (the
    /// runtime's work, in [`Manager::parse`]); a binary one waits for its
    /// attachments.
    pub(super) fn decode(&mut self, data: Message<P>) -> Result<Option<Incoming<P>>, DecodeError> {
        let frame = match data {
            Message::Text(frame) => frame,
            Message::Binary(b) => {
                let pending = self.pending.as_mut().ok_or(DecodeError::UnexpectedBinary)?;
                pending.body.attachments.push(b);
                if pending.body.attachments.len() < pending.expected {
                    return Ok(None);
                }
                return Ok(self.pending.take().map(|p| Incoming::Body(p.body)));
            }
        };
        if self.pending.take().is_some() {
            return Err(DecodeError::MissingAttachments);
        }
        let limits = self.env.cfg.limits;
        let (head, whole) = self.env.payloads.head(&frame);
        // After the Engine.IO type (`4`, ASCII).
        let text = head.get(1..).unwrap_or_default();
        let h = packet::decode_header(text, whole, &limits)?;
        if matches!(
            h.kind,
            PacketType::Connect | PacketType::Disconnect | PacketType::ConnectError
        ) {
            // Read whole: the body is the core's to read.
            let all = if whole {
                String::from(head)
            } else {
                self.env.payloads.whole(&frame)
            };
            let text = all.get(1..).unwrap_or_default();
            let h = packet::decode_header(text, true, &limits)?;
            let Some(socket) = self.route(h.nsp) else {
                return Ok(None);
            };
            let header = all.get(..1 + h.body).unwrap_or_default();
            let present = h.body < text.len();
            let payloads = &self.env.payloads;
            let control = match h.kind {
                PacketType::Disconnect if present => return Err(DecodeError::InvalidPayload),
                PacketType::Disconnect => Control::Disconnect,
                PacketType::Connect if present => {
                    Control::Connect(payloads.connect(&frame, header)?)
                }
                PacketType::Connect => Control::Connect(None),
                _ if present => {
                    let (message, data) = payloads.connect_error(&frame, header)?;
                    Control::ConnectError(message, data)
                }
                _ => return Err(DecodeError::InvalidPayload),
            };
            return Ok(Some(Incoming::Control(socket, control)));
        }
        let socket = self.route(h.nsp);
        let (kind, id, expected) = (h.kind, h.id, h.attachments);
        let body = Body {
            socket,
            kind,
            id,
            header_len: 1 + h.body,
            frame,
            attachments: Vec::with_capacity(expected),
        };
        if kind.is_binary() {
            self.pending = Some(Pending { body, expected });
            return Ok(None);
        }
        Ok(Some(Incoming::Body(body)))
    }

    /// Parses the body of a packet for one of the sockets (the runtime's
    /// work); a packet for a namespace not in use is dropped unread.
    #[allow(clippy::type_complexity)]
    pub(super) fn parse(
        &self,
        body: Body<P>,
    ) -> Result<Option<(SocketId, PacketType, Option<u64>, P::Args, Vec<P::Binary>)>, DecodeError>
    {
        let Some(socket) = body.socket else {
            return Ok(None);
        };
        let payloads = &self.env.payloads;
        let (head, _) = payloads.head(&body.frame);
        let header = head.get(..body.header_len).unwrap_or(head);
        let data = payloads.parse(body.kind, &body.frame, header, &body.attachments)?;
        Ok(Some((socket, body.kind, body.id, data, body.attachments)))
    }

    /// The active socket of namespace `nsp` (`None`: a namespace longer
    /// than the head showed, so none of ours).
    pub(super) fn route(&self, nsp: Option<&str>) -> Option<SocketId> {
        let nsp = nsp?;
        let i = self.sockets.iter().position(|s| s.active && s.nsp == nsp)?;
        Some(SocketId(i as u32))
    }
}
