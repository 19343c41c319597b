//! Event arguments between JS values and the core's JSON text. The browser's
//! own `JSON.stringify`/`JSON.parse` do the work (fast, and free in bundle
//! size); binary values become `{"_placeholder":true,"num":n}` attachments.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const isBinary = (v) =>
  v instanceof ArrayBuffer || ArrayBuffer.isView(v);

const toBytes = (v) =>
  v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

function hasBinary(root) {
  const stack = [root];
  const seen = new Set();
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== "object" || seen.has(v)) continue;
    if (isBinary(v)) return true;
    seen.add(v);
    if (typeof v.toJSON === "function") {
      stack.push(v.toJSON());
      continue;
    }
    for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) stack.push(v[k]);
  }
  return false;
}

export function encodeArgs(args) {
  if (!hasBinary(args)) return [JSON.stringify(args), []];
  const buffers = [];
  const json = JSON.stringify(args, function (key, value) {
    const raw = this[key];
    if (raw && isBinary(raw)) {
      buffers.push(toBytes(raw));
      return { _placeholder: true, num: buffers.length - 1 };
    }
    return value;
  });
  return [json, buffers];
}

const isBlob = (v) => typeof Blob !== "undefined" && v instanceof Blob;

export function hasBlob(root) {
  const stack = [root];
  const seen = new Set();
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== "object" || seen.has(v)) continue;
    if (isBlob(v)) return true;
    if (isBinary(v)) continue;
    seen.add(v);
    for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) stack.push(v[k]);
  }
  return false;
}

// A copy of `value` with every Blob read into an ArrayBuffer (arrays and
// plain objects are copied along the way; the app's objects stay untouched).
export async function resolveBlobs(value) {
  if (isBlob(value)) return value.arrayBuffer();
  if (Array.isArray(value)) return Promise.all(value.map(resolveBlobs));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const key of Object.keys(value)) out[key] = await resolveBlobs(value[key]);
    return out;
  }
  return value;
}

export function decodeArgs(json, buffers) {
  try {
    if (buffers.length === 0) return JSON.parse(json);
    return JSON.parse(json, (key, value) =>
      value !== null && typeof value === "object" && value._placeholder === true &&
      typeof value.num === "number" && value.num >= 0 && value.num < buffers.length
        ? buffers[value.num].buffer
        : value);
  } catch {
    return null;
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = encodeArgs)]
    fn encode_args(args: &JsValue) -> Result<js_sys::Array, JsValue>;

    #[wasm_bindgen(js_name = decodeArgs)]
    fn decode_args(json: &str, buffers: &js_sys::Array) -> JsValue;

    #[wasm_bindgen(js_name = hasBlob)]
    fn has_blob_js(args: &JsValue) -> bool;

    #[wasm_bindgen(js_name = resolveBlobs)]
    fn resolve_blobs_js(args: &JsValue) -> js_sys::Promise;
}

/// Whether `args` holds a `Blob` anywhere (it must be read before sending).
pub(crate) fn has_blob(args: &JsValue) -> bool {
    has_blob_js(args)
}

/// `args` with every `Blob` read into an `ArrayBuffer`.
pub(crate) async fn resolve_blobs(args: &js_sys::Array) -> Result<js_sys::Array, JsValue> {
    let resolved = wasm_bindgen_futures::JsFuture::from(resolve_blobs_js(args)).await?;
    Ok(js_sys::Array::from(&resolved))
}

/// `args` (a JS array) as JSON text plus binary attachments. Fails with the
/// engine's own error for what JSON cannot carry (cycles, BigInt).
pub(crate) fn encode(args: &JsValue) -> Result<(String, Vec<Vec<u8>>), JsValue> {
    let pair = encode_args(args)?;
    let json = pair.get(0).as_string().unwrap_or_default();
    let buffers = js_sys::Array::from(&pair.get(1));
    let attachments = buffers
        .iter()
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .collect();
    Ok((json, attachments))
}

/// The JS array for JSON text and attachments (`ArrayBuffer`s in place of the
/// placeholders); `null` if the text does not parse (the core has validated
/// it, so only an engine limit can cause that).
pub(crate) fn decode(json: &str, attachments: &[Vec<u8>]) -> JsValue {
    let buffers = js_sys::Array::new();
    for bytes in attachments {
        buffers.push(&js_sys::Uint8Array::from(bytes.as_slice()));
    }
    decode_args(json, &buffers)
}
