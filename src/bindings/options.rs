//! socket.io-client's options and URLs, read from JS values.
#[allow(unused_imports)]
use crate::prelude::*;
use crate::web::glue;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::type_error;
use crate::proto::{ManagerConfig, SocketConfig, TransportKind};
use crate::text::cat;

fn get(options: &JsValue, name: &str) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn bool_option(options: &JsValue, name: &str, default: bool) -> Result<bool, JsValue> {
    let value = get(options, name);
    if value.is_undefined() {
        return Ok(default);
    }
    value
        .as_bool()
        .ok_or_else(|| type_error(&cat(&["option \"", name, "\" must be a boolean"])))
}

/// A non-negative number option, or `None` when absent.
fn number_option(options: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    let value = get(options, name);
    if value.is_undefined() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n >= 0.0 => Ok(Some(n)),
        _ => Err(type_error(&cat(&[
            "option \"",
            name,
            "\" must be a non-negative number",
        ]))),
    }
}

/// Milliseconds from a JS number (fractions dropped, negatives and NaN as 0).
pub(crate) fn millis(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else if ms == f64::INFINITY {
        u64::MAX
    } else {
        0
    }
}

/// `reconnectionAttempts`: `Infinity` (or anything past u32) is unbounded.
pub(crate) fn attempts(value: f64) -> Option<u32> {
    (value.is_finite() && value < u32::MAX as f64).then(|| value.max(0.0) as u32)
}

/// The parts of an `io()` URL.
pub(crate) struct ParsedUrl {
    secure: bool,
    host_port: String,
    nsp: String,
    query: Vec<(String, String)>,
    path: String,
}

impl ParsedUrl {
    /// The Manager cache key: scheme, host, port, Engine.IO path and query.
    fn key(&self) -> String {
        let mut key = String::from(if self.secure { "https://" } else { "http://" });
        key.push_str(&self.host_port);
        key.push_str(&self.path);
        for (name, value) in &self.query {
            key.push('&');
            key.push_str(name);
            key.push('=');
            key.push_str(value);
        }
        key
    }
}

/// `io()`'s view of a URL: `[manager cache key, namespace]`.
#[wasm_bindgen(js_name = parseUrl)]
pub fn url_key(uri: &str, options: &JsValue) -> Result<Array, JsValue> {
    let url = parse_url(uri, options)?;
    Ok(Array::of2(&url.key().into(), &url.nsp.into()))
}

/// Parses `uri` as `io()` does: relative to the page (or the page's origin
/// when empty); `http(s)` or `ws(s)`. `options.path` and `options.query` join in.
pub(crate) fn parse_url(uri: &str, options: &JsValue) -> Result<ParsedUrl, JsValue> {
    let parts =
        glue::parse_url(uri).map_err(|_| type_error(&cat(&["invalid URL \"", uri, "\""])))?;
    let part = |i: u32| parts.get(i).as_string().unwrap_or_default();
    let protocol = part(0);
    let secure = match protocol.as_str() {
        "https:" | "wss:" => true,
        "http:" | "ws:" => false,
        other => {
            return Err(type_error(&cat(&[
                "unsupported protocol \"",
                other,
                "\" in \"",
                uri,
                "\" (use http, https, ws or wss)",
            ])))
        }
    };
    let mut query = Vec::new();
    let mut i = 3;
    while i + 1 < parts.length() {
        query.push((part(i), part(i + 1)));
        i += 2;
    }
    let extra = get(options, "query");
    if extra.is_object() {
        for key in js_sys::Object::keys(extra.unchecked_ref::<js_sys::Object>()).iter() {
            let name = key.as_string().unwrap_or_default();
            let value = Reflect::get(&extra, &key).unwrap_or(JsValue::UNDEFINED);
            let value = value.as_string().unwrap_or_else(|| {
                js_sys::JSON::stringify(&value)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_default()
            });
            query.retain(|(n, _)| n != &name);
            query.push((name, value));
        }
    }
    let path_option = get(options, "path");
    let path = path_option
        .as_string()
        .unwrap_or_else(|| String::from("/socket.io"));
    let nsp = match part(2).as_str() {
        "" => String::from("/"),
        p => String::from(p),
    };
    Ok(ParsedUrl {
        secure,
        host_port: part(1),
        nsp,
        query,
        path,
    })
}

/// The core's Manager configuration and `withCredentials`.
pub(crate) fn manager_config(
    url: &ParsedUrl,
    options: &JsValue,
) -> Result<(ManagerConfig, bool), JsValue> {
    let mut config = ManagerConfig::new(url.host_port.clone(), url.secure);
    config.path = url.path.clone();
    config.query = url.query.clone();
    let transports = get(options, "transports");
    if !transports.is_undefined() {
        let list: Array = transports
            .dyn_into()
            .map_err(|_| type_error("option \"transports\" must be an array"))?;
        let mut kinds = Vec::new();
        for name in list.iter() {
            match name.as_string().as_deref() {
                Some("polling") => kinds.push(TransportKind::Polling),
                Some("websocket") => kinds.push(TransportKind::WebSocket),
                // webtransport is not supported; skip it as a client without it would.
                Some("webtransport") => {}
                _ => {
                    return Err(type_error(
                        "option \"transports\" accepts \"polling\" and \"websocket\"",
                    ))
                }
            }
        }
        if kinds.is_empty() {
            return Err(type_error(
                "option \"transports\" names no usable transport",
            ));
        }
        config.transports = kinds;
    }
    config.upgrade = bool_option(options, "upgrade", true)?;
    config.remember_upgrade = bool_option(options, "rememberUpgrade", false)?;
    config.reconnection = bool_option(options, "reconnection", true)?;
    let timeout = get(options, "timeout");
    if timeout.as_bool() == Some(false) {
        config.timeout = None;
    } else if let Some(ms) = number_option(options, "timeout")? {
        config.timeout = Some(millis(ms));
    }
    if let Some(n) = number_option(options, "reconnectionAttempts")? {
        config.reconnection_attempts = attempts(n);
    }
    if let Some(ms) = number_option(options, "reconnectionDelay")? {
        config.reconnection_delay = millis(ms);
    }
    if let Some(ms) = number_option(options, "reconnectionDelayMax")? {
        config.reconnection_delay_max = millis(ms);
    }
    if let Some(f) = number_option(options, "randomizationFactor")? {
        config.randomization_factor = f.min(1.0);
    }
    let with_credentials = bool_option(options, "withCredentials", false)?;
    Ok((config, with_credentials))
}

/// The core's socket configuration (`auth` is handled by the caller).
pub(crate) fn socket_config(options: &JsValue) -> Result<SocketConfig, JsValue> {
    let mut config = SocketConfig::default();
    if let Some(ms) = number_option(options, "ackTimeout")? {
        config.ack_timeout = Some(millis(ms));
    }
    if let Some(n) = number_option(options, "retries")? {
        config.retries = n.min(u32::MAX as f64) as u32;
    }
    if let Some(n) = number_option(options, "maxBufferedPackets")? {
        config.max_buffered_packets = n as usize;
    }
    if let Some(n) = number_option(options, "maxPendingAcks")? {
        config.max_pending_acks = n as usize;
    }
    Ok(config)
}
