//! The JS runtime as the core sees it: a `Host` object (js/runtime.ts)
//! that carries out transmits and receives events, and the [`Js`] payloads,
//! whose bodies are JS values the core never copies into wasm memory.
use crate::prelude::*;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::proto::{ConnectAck, DecodeError, Handshake, JsonError, PacketType, Part, Payloads};

#[wasm_bindgen]
extern "C" {
    /// One Manager's JS runtime (js/runtime.ts `Runtime`). Its methods run
    /// while the core is borrowed: they carry out a transmit or queue an
    /// event, and never call back into the core.
    #[derive(Debug, Clone, PartialEq)]
    pub type Host;

    /// Opens a WebSocket (`websocket`) or issues a long-polling GET.
    #[wasm_bindgen(method)]
    pub(crate) fn open(this: &Host, transport: f64, url: &str, websocket: bool);
    /// Issues a long-polling POST of `body`.
    #[wasm_bindgen(method)]
    pub(crate) fn post(this: &Host, transport: f64, url: &str, body: &JsValue);
    /// Sends a WebSocket frame: `head`, then `digits` in decimal unless
    /// negative, then `body`, when `head` is a string; else `body`, binary.
    #[wasm_bindgen(method)]
    pub(crate) fn send(this: &Host, transport: f64, head: &JsValue, digits: f64, body: &JsValue);
    /// Releases a transport.
    #[wasm_bindgen(method)]
    pub(crate) fn close(this: &Host, transport: f64);
    /// Arms the one timer for `at` (the clock's ms), or disarms it (NaN).
    #[wasm_bindgen(method)]
    pub(crate) fn timer(this: &Host, at: f64);
    /// Queues an event for the app (see [`super::Output`]).
    #[wasm_bindgen(method)]
    pub(crate) fn event(
        this: &Host,
        kind: super::Output,
        socket: u32,
        number: f64,
        text: &JsValue,
        value: &JsValue,
    );

    /// [`Payloads::parse`]: the arguments array, or a [`super::BodyError`]
    /// number.
    #[wasm_bindgen(method)]
    fn parse(
        this: &Host,
        frame: &JsValue,
        start: u32,
        event: bool,
        attachments: &JsValue,
    ) -> JsValue;
    /// [`Payloads::offset`]: a string, or undefined. A `JsValue` read with
    /// `as_string` (an import the core has anyway), not an `Option<String>`,
    /// which needs glue of its own.
    #[wasm_bindgen(method)]
    fn offset(this: &Host, args: &JsValue) -> JsValue;
    /// [`Payloads::handshake`]: `[sid, pingInterval, pingTimeout,
    /// maxPayload, ...upgrades]`, or undefined when malformed. A `JsValue`
    /// read as an `Array` (as `connect`'s answer is), not an
    /// `Option<Vec<JsValue>>`: that would need glue of its own.
    #[wasm_bindgen(method)]
    fn handshake(this: &Host, frame: &JsValue) -> JsValue;
    /// [`Payloads::connect`]: `[sid, pid]` (each a string or undefined), or
    /// a [`super::BodyError`] number.
    #[wasm_bindgen(method)]
    fn connect(this: &Host, frame: &JsValue, start: u32) -> JsValue;
    /// [`Payloads::connect_error`]: `[message, data]`, or a
    /// [`super::BodyError`] number.
    #[wasm_bindgen(method, js_name = connectError)]
    fn connect_error(this: &Host, frame: &JsValue, start: u32) -> JsValue;
    /// [`Payloads::text_len`]: UTF-8 length.
    #[wasm_bindgen(method, js_name = textLength)]
    fn text_length(this: &Host, text: &JsValue) -> u32;
    /// [`Payloads::binary_len`].
    #[wasm_bindgen(method, js_name = byteLength)]
    fn byte_length(this: &Host, binary: &JsValue) -> u32;
    /// [`Payloads::decode_base64`]: an `ArrayBuffer`, or undefined.
    #[wasm_bindgen(method, js_name = fromBase64)]
    fn from_base64(this: &Host, frame: &JsValue, from: u32) -> JsValue;
    /// [`Payloads::join`]: strings as they are, binaries base64-encoded.
    #[wasm_bindgen(method)]
    fn join(this: &Host, parts: &Array) -> JsValue;
}

/// A received text as the JS runtime hands it over: the JS string, and its
/// first [`crate::proto::Manager::head_len`] characters copied for the core.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frame {
    pub(crate) value: JsValue,
    pub(crate) head: String,
    pub(crate) whole: bool,
}

/// Payloads as JS values: received frames and outgoing JSON as JS strings,
/// attachments as `ArrayBuffer`s (or views), arguments as parsed arrays.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Js {
    pub(crate) host: Host,
}

/// Why the JS codec refused a body (js/codec.ts returns these numbers).
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON (`JSON.parse` threw).
    Json = 1,
    /// JSON of the wrong kind for the packet type, or an event without a
    /// usable name.
    InvalidPayload = 2,
    /// A reserved event name.
    ReservedEventName = 3,
    /// A placeholder whose `num` is not an attachment's index.
    BadPlaceholder = 4,
    /// An event name with a lone surrogate.
    BadEscape = 5,
}

/// The length of `text` in UTF-16 units, as JS strings index (headers are
/// ASCII but for the namespace).
fn utf16_len(text: &str) -> usize {
    // One unit per UTF-8 sequence, two for the 4-byte ones (beyond the BMP).
    text.bytes()
        .map(|b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0))
        .sum()
}

fn body_error(code: f64) -> DecodeError {
    match code as u32 {
        3 => DecodeError::ReservedEventName,
        4 => DecodeError::BadPlaceholder,
        5 => DecodeError::Json(JsonError::BadEscape),
        1 => DecodeError::Json(JsonError::UnexpectedChar),
        _ => DecodeError::InvalidPayload,
    }
}

impl Payloads for Js {
    type Frame = Frame;
    type Text = JsValue;
    type Binary = JsValue;
    type Args = JsValue;

    fn head<'a>(&self, frame: &'a Frame) -> (&'a str, bool) {
        (&frame.head, frame.whole)
    }

    fn whole(&self, frame: &Frame) -> String {
        frame.value.as_string().unwrap_or_default()
    }

    fn parse(
        &self,
        kind: PacketType,
        frame: &Frame,
        header: &str,
        attachments: &[JsValue],
    ) -> Result<JsValue, DecodeError> {
        let start = utf16_len(header);
        let buffers = if attachments.is_empty() {
            JsValue::UNDEFINED
        } else {
            attachments.iter().collect::<Array>().into()
        };
        let args = self
            .host
            .parse(&frame.value, start as u32, kind.is_event(), &buffers);
        match args.as_f64() {
            Some(code) => Err(body_error(code)),
            None => Ok(args),
        }
    }

    fn offset(&self, args: &JsValue) -> Option<String> {
        self.host.offset(args).as_string()
    }

    fn handshake(&self, frame: &Frame) -> Result<Handshake, DecodeError> {
        let parts = self.host.handshake(&frame.value);
        if parts.is_undefined() {
            return Err(DecodeError::BadHandshake);
        }
        // A cast, not `Array.from` (a copy, and an import): the runtime
        // answers an array when it does not answer a number or undefined.
        let parts: Array = parts.unchecked_into();
        let number = |i: u32| parts.get(i).as_f64().unwrap_or(0.0) as u64;
        let mut upgrades = Vec::new();
        for i in 4..parts.length() {
            upgrades.push(parts.get(i).as_string().unwrap_or_default());
        }
        Ok(Handshake {
            sid: parts.get(0).as_string().unwrap_or_default(),
            ping_interval: number(1),
            ping_timeout: number(2),
            max_payload: number(3),
            upgrades,
        })
    }

    fn connect(&self, frame: &Frame, header: &str) -> Result<Option<ConnectAck>, DecodeError> {
        let parts = self.host.connect(&frame.value, utf16_len(header) as u32);
        if let Some(code) = parts.as_f64() {
            return Err(body_error(code));
        }
        // A cast, not `Array.from` (a copy, and an import): the runtime
        // answers an array when it does not answer a number or undefined.
        let parts: Array = parts.unchecked_into();
        Ok(parts
            .get(0)
            .as_string()
            .filter(|sid| !sid.is_empty())
            .map(|sid| ConnectAck {
                sid,
                pid: parts.get(1).as_string(),
            }))
    }

    fn connect_error(
        &self,
        frame: &Frame,
        header: &str,
    ) -> Result<(String, Option<JsValue>), DecodeError> {
        let parts = self
            .host
            .connect_error(&frame.value, utf16_len(header) as u32);
        if let Some(code) = parts.as_f64() {
            return Err(body_error(code));
        }
        // A cast, not `Array.from` (a copy, and an import): the runtime
        // answers an array when it does not answer a number or undefined.
        let parts: Array = parts.unchecked_into();
        let data = parts.get(1);
        Ok((
            parts.get(0).as_string().unwrap_or_default(),
            (!data.is_undefined()).then_some(data),
        ))
    }

    fn reserved(&self, _text: &JsValue) -> bool {
        // js/index.ts refuses reserved names (the list from
        // `protocolConstants()`) before an emit reaches the core.
        false
    }

    fn text_len(&self, text: &JsValue) -> usize {
        self.host.text_length(text) as usize
    }

    fn binary_len(&self, binary: &JsValue) -> usize {
        self.host.byte_length(binary) as usize
    }

    fn decode_base64(&self, frame: &Frame, from: usize) -> Option<JsValue> {
        let bytes = self.host.from_base64(&frame.value, from as u32);
        (!bytes.is_undefined()).then_some(bytes)
    }

    fn join(&self, parts: Vec<Part<Self>>) -> JsValue {
        let array = Array::new();
        for part in parts {
            match part {
                Part::Raw(text) => array.push(&JsValue::from_str(&text)),
                Part::Text(value) | Part::Base64(value) => array.push(&value),
            };
        }
        self.host.join(&array)
    }
}
