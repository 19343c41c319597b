//! Event arguments between JS values and the core's JSON text. The browser's
//! own `JSON.stringify`/`JSON.parse` do the work (fast, and free in bundle
//! size); binary values become `{"_placeholder":true,"num":n}` attachments.
//! The JS side is `glue.js`: one call each way per event.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::glue;

/// Whether `args` holds a `Blob` anywhere (it must be read before sending).
pub(crate) fn has_blob(args: &JsValue) -> bool {
    glue::has_blob(args)
}

/// Calls `done` with `args` where every `Blob` is read into an
/// `ArrayBuffer`, or with the reading error.
pub(crate) fn read_blobs(
    args: &js_sys::Array,
    done: impl FnOnce(Result<js_sys::Array, JsValue>) + 'static,
) {
    let callback = Closure::once_into_js(move |copy: JsValue, error: JsValue| {
        done(match copy.is_undefined() {
            true => Err(error),
            false => Ok(js_sys::Array::from(&copy)),
        })
    });
    glue::read_blobs(args, callback);
}

/// JSON text from `encodeArgs`: a string, or long text as UTF-8 bytes.
fn json_text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| {
        String::from_utf8(value.unchecked_ref::<js_sys::Uint8Array>().to_vec()).unwrap_or_default()
    })
}

/// JSON text and binary attachments, as the core carries event arguments.
pub(crate) type Encoded = (String, Vec<Vec<u8>>);

/// `args` (a JS array) as JSON text plus binary attachments. Fails with the
/// engine's own error for what JSON cannot carry (cycles, BigInt). A `Blob`
/// (see [`has_blob`]) is serialized as JSON sees it.
pub(crate) fn encode(args: &JsValue) -> Result<Encoded, JsValue> {
    encode_unless_blob(args, false).map(|encoded| encoded.unwrap_or_default())
}

/// As [`encode`], or `None` when `args` holds a `Blob` and `blobs` is set
/// (an emit: then a first element that is not a string fails with `null`).
pub(crate) fn encode_unless_blob(args: &JsValue, blobs: bool) -> Result<Option<Encoded>, JsValue> {
    let encoded = glue::encode_args(args, blobs, blobs)?;
    if let Some(json) = encoded.as_string() {
        return Ok(Some((json, Vec::new())));
    }
    if encoded.is_null() {
        return Ok(None);
    }
    if !js_sys::Array::is_array(&encoded) {
        return Ok(Some((json_text(&encoded), Vec::new())));
    }
    let parts = js_sys::Array::from(&encoded);
    let json = json_text(&parts.get(0));
    let attachments = parts
        .iter()
        .skip(1)
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .collect();
    Ok(Some((json, attachments)))
}

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
