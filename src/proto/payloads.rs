//! What the runtime holds payloads as, and the work on them the core asks
//! for.
//!
//! The core decides from headers: Engine.IO type, Socket.IO type,
//! namespace, ack id, attachment count. Bodies (the JSON of events and acks,
//! binary attachments) stay in the runtime's own representation: in the
//! browser, JS strings and `ArrayBuffer`s that never enter wasm memory; in
//! Rust, `String`s and `Vec<u8>`s ([`JsonText`]). The core only moves them,
//! and calls these functions when it needs something done to one: read a
//! received frame's head, parse a body once it has routed the packet,
//! measure a text for the `maxPayload` cut, join a polling payload.

use core::fmt::Debug;

use super::engine_codec::{self, Handshake};
use super::error::DecodeError;
use super::packet::{self, ConnectAck, Limits, PacketType};
use crate::prelude::*;

/// How a runtime holds payloads, and the codec work it does for the core.
///
/// Every method is a pure function of its arguments (no I/O), so the core
/// stays sans-IO whatever the implementation.
pub trait Payloads: Debug {
    /// A received text: a WebSocket text frame, or one packet of a polling
    /// payload (the runtime splits a payload at [`engine_codec::SEPARATOR`]).
    type Frame: Clone + Debug + PartialEq;
    /// An outgoing text: the JSON array of an emit or ack, or a polling
    /// payload made by [`Payloads::join`].
    type Text: Clone + Debug + PartialEq;
    /// A binary attachment, received or sent.
    type Binary: Clone + Debug + PartialEq;
    /// The parsed arguments of a received EVENT or ACK, attachments in place.
    type Args: Clone + Debug + PartialEq;

    /// The first characters of `frame`, and whether they are all of it.
    /// The core reads packet headers from them, so they must be at least
    /// [`crate::proto::Manager::head_len`] characters long unless whole.
    fn head<'a>(&self, frame: &'a Self::Frame) -> (&'a str, bool);

    /// All of `frame` (a control packet, whose body the core reads itself,
    /// when its head was not all of it).
    fn whole(&self, frame: &Self::Frame) -> String;

    /// Parses the body of an EVENT or ACK (`kind`): what follows `header`
    /// (the frame's head up to the body) in `frame`, with `attachments` in
    /// place of its placeholders. It must hold the rules of
    /// [`packet::check_body`] (kind of the root, event name, placeholder
    /// indexes); the JSON nesting depth it may take is its own to bound.
    fn parse(
        &self,
        kind: PacketType,
        frame: &Self::Frame,
        header: &str,
        attachments: &[Self::Binary],
    ) -> Result<Self::Args, DecodeError>;

    /// The last argument after the event name, when it is a string (the
    /// connection state recovery offset).
    fn offset(&self, args: &Self::Args) -> Option<String>;

    /// The handshake of an Engine.IO OPEN packet (`frame`: `0` and the
    /// JSON), under the rules of [`Handshake::from_json`].
    fn handshake(&self, frame: &Self::Frame) -> Result<Handshake, DecodeError>;

    /// The server's CONNECT payload (what follows `header`, present):
    /// `None` when it has no non-empty string `sid` (a v2 server), under the
    /// rules of [`packet::parse_connect`]; an error when it is not a JSON
    /// object.
    fn connect(&self, frame: &Self::Frame, header: &str)
        -> Result<Option<ConnectAck>, DecodeError>;

    /// A CONNECT_ERROR payload (what follows `header`, present): its message
    /// and `data`, under the rules of [`packet::parse_connect_error`]; an
    /// error when it is not a JSON object or string.
    fn connect_error(
        &self,
        frame: &Self::Frame,
        header: &str,
    ) -> Result<(String, Option<Self::Args>), DecodeError>;

    /// Whether the event name of an outgoing JSON array is reserved
    /// ([`packet::RESERVED_EVENTS`]). A runtime that checks names before
    /// emitting (against that list) may answer `false`.
    fn reserved(&self, text: &Self::Text) -> bool;

    /// The UTF-8 length of `text` (the polling `maxPayload` cut).
    fn text_len(&self, text: &Self::Text) -> usize;

    /// The byte length of `binary`.
    fn binary_len(&self, binary: &Self::Binary) -> usize;

    /// The bytes of the base64 text in `frame` from byte `from` on (a
    /// polling payload's binary packet, `b<base64>`); `None` when malformed.
    fn decode_base64(&self, frame: &Self::Frame, from: usize) -> Option<Self::Binary>;

    /// The polling payload made of `parts`, in order.
    fn join(&self, parts: Vec<Part<Self>>) -> Self::Text;
}

/// A piece of a polling payload, for [`Payloads::join`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part<P: Payloads + ?Sized> {
    /// Text written by the core (packet types, headers, separators).
    Raw(String),
    /// An outgoing text, as is.
    Text(P::Text),
    /// A binary, base64-encoded.
    Base64(P::Binary),
}

/// Payloads as Rust values: JSON text and byte vectors, parsed and checked
/// by the core's own codec ([`packet::check_body`]). What the Rust API and
/// the tests use; arguments are JSON array text (`["name", ...args]`) with
/// binary placeholders, as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonText {
    /// The limits bodies are checked against.
    pub limits: Limits,
}

impl Payloads for JsonText {
    type Frame = String;
    type Text = String;
    type Binary = Vec<u8>;
    type Args = String;

    fn head<'a>(&self, frame: &'a String) -> (&'a str, bool) {
        (frame, true)
    }

    fn whole(&self, frame: &String) -> String {
        frame.clone()
    }

    fn parse(
        &self,
        kind: PacketType,
        frame: &String,
        header: &str,
        attachments: &[Vec<u8>],
    ) -> Result<String, DecodeError> {
        let body = frame.get(header.len()..).unwrap_or_default();
        packet::check_body(kind, body, &self.limits, attachments.len())?;
        Ok(body.to_owned())
    }

    fn offset(&self, args: &String) -> Option<String> {
        packet::last_arg_string(args)
    }

    fn handshake(&self, frame: &String) -> Result<Handshake, DecodeError> {
        Handshake::from_json(frame.get(1..).unwrap_or_default())
    }

    fn connect(&self, frame: &String, header: &str) -> Result<Option<ConnectAck>, DecodeError> {
        let body = frame.get(header.len()..).unwrap_or_default();
        packet::check_body(PacketType::Connect, body, &self.limits, 0)?;
        Ok(packet::parse_connect(body).ok())
    }

    fn connect_error(
        &self,
        frame: &String,
        header: &str,
    ) -> Result<(String, Option<String>), DecodeError> {
        let body = frame.get(header.len()..).unwrap_or_default();
        packet::check_body(PacketType::ConnectError, body, &self.limits, 0)?;
        let e = packet::parse_connect_error(body)?;
        Ok((e.message, e.data))
    }

    fn reserved(&self, text: &String) -> bool {
        packet::is_reserved(text)
    }

    fn text_len(&self, text: &String) -> usize {
        text.len()
    }

    fn binary_len(&self, binary: &Vec<u8>) -> usize {
        binary.len()
    }

    fn decode_base64(&self, frame: &String, from: usize) -> Option<Vec<u8>> {
        engine_codec::base64_decode(frame.get(from..)?).ok()
    }

    fn join(&self, parts: Vec<Part<Self>>) -> String {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Raw(s) | Part::Text(s) => out.push_str(&s),
                Part::Base64(b) => out.push_str(&engine_codec::base64_encode(&b)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_parses_after_the_header() {
        let p = JsonText::default();
        let frame = String::from("42/chat,7[\"a\",1]");
        assert_eq!(
            p.parse(PacketType::Event, &frame, "42/chat,7", &[]),
            Ok(String::from("[\"a\",1]"))
        );
        assert_eq!(
            p.parse(PacketType::Event, &String::from("42"), "42", &[]),
            Err(DecodeError::InvalidPayload)
        );
        assert_eq!(
            p.parse(
                PacketType::Event,
                &String::from("42[\"connect\"]"),
                "42",
                &[]
            ),
            Err(DecodeError::ReservedEventName)
        );
    }

    #[test]
    fn json_text_joins_and_decodes_base64() {
        let p = JsonText::default();
        let joined = p.join(vec![
            Part::Raw(String::from("42")),
            Part::Text(String::from("[\"a\"]")),
            Part::Raw(String::from("\x1eb")),
            Part::Base64(vec![1, 2, 3]),
        ]);
        assert_eq!(joined, "42[\"a\"]\x1ebAQID");
        assert_eq!(
            p.decode_base64(&String::from("bAQID"), 1),
            Some(vec![1, 2, 3])
        );
        assert_eq!(p.decode_base64(&String::from("b!!"), 1), None);
        assert_eq!(
            p.offset(&String::from("[\"a\",\"o1\"]")).as_deref(),
            Some("o1")
        );
        assert!(p.reserved(&String::from("[\"disconnect\"]")));
    }
}
