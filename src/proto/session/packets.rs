//! The Engine.IO packets of a session: received ones decoded from their
//! head, queued ones framed for a WebSocket or joined into a polling
//! payload.

use crate::prelude::*;

use super::super::engine_codec::{EnginePacket, SEPARATOR};
use super::super::ids::TransportId;
use super::super::payloads::{Part, Payloads};
use super::super::transport::Transmit;

/// The data of an Engine.IO MESSAGE packet, as the runtime holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Message<P: Payloads> {
    /// A text message: the whole received text, `4` first.
    Text(P::Frame),
    /// A binary message.
    Binary(P::Binary),
}

/// A packet queued for sending.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out<P: Payloads> {
    /// An Engine.IO packet written whole by the core (`3`, `2probe`, `5`,
    /// `40{...}`).
    Packet(String),
    /// A MESSAGE of a header written by the core (`42/chat,7`) and a body.
    Message(String, P::Text),
    /// A binary MESSAGE.
    Binary(P::Binary),
}

/// A received Engine.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Received<P: Payloads> {
    /// Anything but a MESSAGE, decoded by the core.
    Control(EnginePacket),
    /// A MESSAGE.
    Message(Message<P>),
}

/// A received text as an Engine.IO packet: a MESSAGE is kept as the
/// runtime holds it (the Manager reads its header), a binary one (`b` +
/// base64, in polling payloads) and the handshake are read by the runtime,
/// anything else decoded here from its head. `None` when malformed.
pub(super) fn decode<P: Payloads>(payloads: &P, frame: P::Frame) -> Option<Received<P>> {
    let (head, _) = payloads.head(&frame);
    let data = || head.get(1..).filter(|d| !d.is_empty()).map(String::from);
    let packet = match head.as_bytes().first()? {
        b'4' => return Some(Received::Message(Message::Text(frame))),
        b'b' => {
            let bytes = payloads.decode_base64(&frame, 1)?;
            return Some(Received::Message(Message::Binary(bytes)));
        }
        b'0' => EnginePacket::Open(payloads.handshake(&frame).ok()?),
        b'1' => EnginePacket::Close,
        // A ping's or pong's data is "probe" or nothing (the upgrade probe
        // compares its whole pong itself).
        b'2' => EnginePacket::Ping(data()),
        b'3' => EnginePacket::Pong(data()),
        b'5' => EnginePacket::Upgrade,
        b'6' => EnginePacket::Noop,
        _ => return None,
    };
    Some(Received::Control(packet))
}

pub(super) fn frame<P: Payloads>(transport: TransportId, packet: Out<P>) -> Transmit<P> {
    match packet {
        Out::Packet(head) => Transmit::SendText {
            transport,
            head,
            body: None,
        },
        Out::Message(head, body) => Transmit::SendText {
            transport,
            head,
            body: Some(body),
        },
        Out::Binary(data) => Transmit::SendBinary { transport, data },
    }
}

/// The parts of a polling payload carrying `packets` (binary as `b` +
/// base64).
pub(super) fn payload_parts<P: Payloads>(packets: &[Out<P>]) -> Vec<Part<P>> {
    let mut parts = Vec::with_capacity(packets.len() * 3);
    for (i, packet) in packets.iter().enumerate() {
        let mut raw = String::new();
        if i > 0 {
            raw.push(SEPARATOR);
        }
        match packet {
            Out::Packet(text) => {
                raw.push_str(text);
                parts.push(Part::Raw(raw));
            }
            Out::Message(head, body) => {
                raw.push_str(head);
                parts.push(Part::Raw(raw));
                parts.push(Part::Text(body.clone()));
            }
            Out::Binary(data) => {
                raw.push('b');
                parts.push(Part::Raw(raw));
                parts.push(Part::Base64(data.clone()));
            }
        }
    }
    parts
}

/// Length of a packet inside a polling payload (binary as `b` + base64).
pub(super) fn encoded_len<P: Payloads>(payloads: &P, packet: &Out<P>) -> u64 {
    let len = match packet {
        Out::Packet(text) => text.len(),
        Out::Message(head, body) => head.len() + payloads.text_len(body),
        Out::Binary(data) => 1 + payloads.binary_len(data).div_ceil(3) * 4,
    };
    len as u64
}
