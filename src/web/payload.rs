//! An event's JSON text and attachments as a JS array (`EventData::js_array`,
//! for Rust apps that hand arguments to JS): the browser's own `JSON.parse`,
//! `ArrayBuffer`s in place of the placeholders.
use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::glue;

/// The JS array for JSON text and attachments (`ArrayBuffer`s in place of the
/// placeholders); `null` if the text does not parse (the core has validated
/// it, so only an engine limit can cause that).
pub(crate) fn decode(json: &str, attachments: &[Vec<u8>]) -> JsValue {
    glue::decode_args(json, buffers(attachments))
}

fn buffers(attachments: &[Vec<u8>]) -> Option<js_sys::Array> {
    if attachments.is_empty() {
        return None;
    }
    let buffers = js_sys::Array::new();
    for bytes in attachments {
        buffers.push(&js_sys::Uint8Array::from(bytes.as_slice()));
    }
    Some(buffers)
}
