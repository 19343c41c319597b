//! What the runtime does on the network and reports back ([`Transmit`],
//! [`TransportInput`]), and the [`SessionEnv`] the Manager lends its
//! sessions to open transports (URLs, ids, the transmit queue).

use crate::prelude::*;

use super::config::{ManagerConfig, TransportKind};
use super::engine_codec::SEPARATOR;
use super::ids::TransportId;
use super::payloads::{JsonText, Payloads};
use super::queue::Queue;
use super::rng::Rng;

/// What happened to a transport, reported by the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportInput<P: Payloads = JsonText> {
    /// The WebSocket opened (`onopen`). Not used for polling.
    Opened,
    /// A WebSocket text frame arrived.
    Text(P::Frame),
    /// A WebSocket binary frame arrived.
    Binary(P::Binary),
    /// The body of a successful long-polling GET, split at
    /// [`SEPARATOR`] into its packets.
    PollResponse(Vec<P::Frame>),
    /// The long-polling POST completed successfully.
    PostDone,
    /// The transport closed (WebSocket `onclose`).
    Closed {
        /// A human-readable description (e.g. `"websocket connection closed"`).
        description: String,
    },
    /// The transport failed (WebSocket `onerror`, a failed GET or POST).
    Error {
        /// A human-readable description; engine.io-client uses
        /// `"websocket error"`, `"xhr poll error"`, `"xhr post error"`.
        description: String,
    },
}

impl TransportInput<JsonText> {
    /// The response to a long-polling GET whose body is `body`.
    pub fn poll_body(body: &str) -> Self {
        TransportInput::PollResponse(body.split(SEPARATOR).map(String::from).collect())
    }
}

/// Something the runtime must do on the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Transmit<P: Payloads = JsonText> {
    /// Open a WebSocket to `url` and report it as `transport`.
    OpenWebSocket {
        /// The new transport's id.
        transport: TransportId,
        /// `ws://` or `wss://` URL.
        url: String,
    },
    /// Send a text frame on the WebSocket `transport`: `head` followed by
    /// `body`.
    SendText {
        /// The WebSocket.
        transport: TransportId,
        /// The frame's start, written by the core (packet types, header).
        head: String,
        /// The rest: an emit's or ack's JSON text, if any.
        body: Option<P::Text>,
    },
    /// Send a binary frame on the WebSocket `transport`.
    SendBinary {
        /// The WebSocket.
        transport: TransportId,
        /// The frame.
        data: P::Binary,
    },
    /// Issue a long-polling GET; answer with
    /// [`TransportInput::PollResponse`] or [`TransportInput::Error`].
    PollGet {
        /// The polling transport.
        transport: TransportId,
        /// `http://` or `https://` URL.
        url: String,
    },
    /// Issue a long-polling POST of `body` (`text/plain;charset=UTF-8`);
    /// answer with [`TransportInput::PostDone`] or [`TransportInput::Error`].
    PollPost {
        /// The polling transport.
        transport: TransportId,
        /// `http://` or `https://` URL.
        url: String,
        /// The encoded payload.
        body: P::Text,
    },
    /// Release `transport`: close the WebSocket, or abort the pending GET of
    /// a polling transport (a POST already issued may complete). Nothing
    /// more is expected about it; late inputs are ignored.
    Close {
        /// The transport.
        transport: TransportId,
    },
}

impl Transmit<JsonText> {
    /// The whole text frame of a [`Transmit::SendText`].
    pub fn text(&self) -> Option<String> {
        match self {
            Transmit::SendText { head, body, .. } => {
                let mut text = head.clone();
                text.push_str(body.as_deref().unwrap_or_default());
                Some(text)
            }
            _ => None,
        }
    }
}

/// State shared by the Manager and its sessions (the Manager owns it and
/// lends it to the session it drives).
#[derive(Debug)]
pub(crate) struct SessionEnv<P: Payloads> {
    pub(crate) cfg: ManagerConfig,
    pub(crate) payloads: P,
    pub(crate) transmits: Queue<Transmit<P>>,
    pub(crate) next_transport: u64,
    /// Draws the polling `t` cache-busting tokens (separate from the jitter
    /// stream so the reconnection schedule does not depend on traffic).
    pub(crate) token_rng: Rng,
    /// engine.io-client's `priorWebsocketSuccess` (for `remember_upgrade`).
    pub(crate) prior_websocket_success: bool,
}

impl<P: Payloads> SessionEnv<P> {
    pub(crate) fn alloc_transport(&mut self) -> TransportId {
        let id = TransportId(self.next_transport);
        self.next_transport = self.next_transport.wrapping_add(1);
        id
    }

    /// `{scheme}://{host}{path}?EIO=4&transport=..[&sid=..][&t=..]` + query.
    pub(crate) fn url(&mut self, kind: TransportKind, sid: Option<&str>) -> String {
        let scheme = match (kind, self.cfg.secure) {
            (TransportKind::Polling, false) => "http",
            (TransportKind::Polling, true) => "https",
            (TransportKind::WebSocket, false) => "ws",
            (TransportKind::WebSocket, true) => "wss",
        };
        let mut url = String::with_capacity(64 + self.cfg.host_port.len());
        url.push_str(scheme);
        url.push_str("://");
        url.push_str(&self.cfg.host_port);
        url.push_str(&self.cfg.path);
        url.push_str("?EIO=4&transport=");
        url.push_str(kind.as_str());
        if let Some(sid) = sid {
            url.push_str("&sid=");
            push_encoded(&mut url, sid);
        }
        let stamp = self
            .cfg
            .timestamp_requests
            .unwrap_or(kind == TransportKind::Polling);
        let param = &self.cfg.timestamp_param;
        if stamp {
            url.push('&');
            push_encoded(&mut url, param);
            url.push('=');
            self.token_rng.push_token(&mut url, 8);
        }
        for (k, v) in &self.cfg.query {
            if matches!(k.as_str(), "EIO" | "transport" | "sid") || (stamp && k == param) {
                continue;
            }
            url.push('&');
            push_encoded(&mut url, k);
            url.push('=');
            push_encoded(&mut url, v);
        }
        url
    }
}

/// Appends `s` percent-encoded as `encodeURIComponent` does.
fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        // `matches!`, not a slice's `contains`: no byte search in the wasm.
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
        {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}
