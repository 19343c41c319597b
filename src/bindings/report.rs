//! The core's events, told to the runtime: one [`Host`](super::host::Host) call each.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use super::host::Js;
use super::{Core, Output};
use crate::proto::{AckError, Event};

impl Core {
    /// Tells the runtime about `event`.
    pub(super) fn report(&self, event: Event<Js>) {
        let host = &self.host;
        let none = JsValue::UNDEFINED;
        let text = |s: &str| JsValue::from_str(s);
        let optional = |s: Option<String>| s.map_or(JsValue::UNDEFINED, |s| JsValue::from_str(&s));
        let manager = |kind: Output, number: f64, message: &JsValue| {
            host.event(kind, 0, number, message, &JsValue::UNDEFINED)
        };
        match event {
            Event::Open => manager(Output::Open, 0.0, &none),
            Event::Close {
                reason,
                description,
            } => host.event(
                Output::Close,
                0,
                0.0,
                &text(reason.as_str()),
                &optional(description),
            ),
            Event::Error { description } => manager(Output::Error, 0.0, &text(&description)),
            Event::Ping => manager(Output::Ping, 0.0, &none),
            Event::ReconnectAttempt(n) => manager(Output::ReconnectAttempt, f64::from(n), &none),
            Event::Reconnect(n) => manager(Output::Reconnect, f64::from(n), &none),
            Event::ReconnectError { description } => {
                manager(Output::ReconnectError, 0.0, &text(&description))
            }
            Event::ReconnectFailed => manager(Output::ReconnectFailed, 0.0, &none),
            Event::Upgrade { transport } => {
                manager(Output::Upgrade, 0.0, &text(transport.as_str()))
            }
            Event::UpgradeError { description } => {
                manager(Output::UpgradeError, 0.0, &text(&description))
            }
            Event::NeedAuth { socket } => {
                host.event(Output::NeedAuth, socket.index(), 0.0, &none, &none)
            }
            Event::Connect {
                socket,
                sid,
                recovered,
            } => host.event(
                Output::Connect,
                socket.index(),
                f64::from(u8::from(recovered)),
                &text(&sid),
                &none,
            ),
            Event::ConnectError {
                socket,
                message,
                data,
            } => host.event(
                Output::ConnectError,
                socket.index(),
                0.0,
                &text(&message),
                &data.unwrap_or(JsValue::UNDEFINED),
            ),
            Event::Disconnect {
                socket,
                reason,
                description,
            } => host.event(
                Output::Disconnect,
                socket.index(),
                0.0,
                &text(reason.as_str()),
                &optional(description),
            ),
            Event::Event {
                socket,
                data,
                ack_id,
                ..
            } => host.event(
                Output::Event,
                socket.index(),
                ack_id.map_or(-1.0, |id| id as f64),
                &none,
                &data,
            ),
            Event::AckResponse {
                socket,
                request,
                result,
            } => {
                let (kind, message, value) = match result {
                    Ok(ack) => (Output::Ack, JsValue::UNDEFINED, ack.data),
                    Err(e @ AckError::Timeout) => (Output::AckTimeout, text(e.as_str()), none),
                    Err(e) => (Output::AckDisconnected, text(e.as_str()), none),
                };
                host.event(
                    kind,
                    socket.index(),
                    request.value() as f64,
                    &message,
                    &value,
                )
            }
            Event::AckDropped { socket, request } => host.event(
                Output::AckDropped,
                socket.index(),
                request.value() as f64,
                &none,
                &none,
            ),
        }
    }
}
