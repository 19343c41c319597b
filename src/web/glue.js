// The browser calls of the runtime, each one JS function so that an event
// crosses the wasm boundary as few times as possible (and the wasm-bindgen
// glue stays small). No protocol decision is made here: this file only moves
// data between the browser's objects and the Rust runtime.

// ---- clock ------------------------------------------------------------------

const perf = globalThis.performance;
export const now = perf.now.bind(perf);

// ---- event arguments: JSON text + binary attachments ----------------------

const encoder = new TextEncoder();
const isBinary = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const isBlob = (v) => typeof Blob !== "undefined" && v instanceof Blob;
const toBytes = (v) =>
  v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const own = Object.prototype.hasOwnProperty;

// 0: plain JSON, 1: holds binary, 2: holds a Blob (to read first). With
// `follow`, what `toJSON()` returns is scanned instead of the object (a Blob
// there is not read, as JSON.stringify sees it). Depth is bounded: a deeper
// (or cyclic) value is left to JSON.stringify, which throws on cycles.
function scan(v, depth, follow) {
  if (v === null || typeof v !== "object") return 0;
  if (isBinary(v)) return 1;
  if (isBlob(v)) return 2;
  if (depth > 1000) return 0;
  if (follow && typeof v.toJSON === "function") return scan(v.toJSON(), depth + 1, follow) & 1;
  let found = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if ((found |= scan(v[i], depth + 1, follow)) & 2) return 2;
  } else {
    for (const k in v) if (own.call(v, k) && (found |= scan(v[k], depth + 1, follow)) & 2) return 2;
  }
  return found;
}

export function hasBlob(args) {
  return scan(args, 0, false) === 2;
}

// `args` as JSON text (a string), or `[json, ...attachments]` when it holds
// binary values (placeholders in their place), or null when it holds a Blob
// and `blobs` is set (read it first). Throws what JSON.stringify throws
// (cycles, BigInt), and null when `named` and the event name is not a string.
export function encodeArgs(args, blobs, named) {
  // An emit's event name must be a string: thrown as null, worded by the caller.
  if (named && typeof args[0] !== "string") throw null;
  const found = scan(args, 0, true);
  if (found === 0) return text(JSON.stringify(args));
  if (found === 2 && blobs) return null;
  const out = [null];
  out[0] = JSON.stringify(args, function (key, value) {
    const raw = this[key];
    if (raw && isBinary(raw)) {
      out.push(toBytes(raw));
      return { _placeholder: true, num: out.length - 2 };
    }
    return value;
  });
  out[0] = text(out[0]);
  return out;
}

// Long JSON text goes to wasm as UTF-8 bytes (native TextEncoder; wasm-bindgen's
// string copy is a JS loop over the characters).
const text = (json) => (json === undefined || json.length < 256 ? json : encoder.encode(json));

// `done(copy)` with a copy of `args` where every Blob is read into an
// ArrayBuffer, or `done(undefined, error)` when reading fails.
export function readBlobs(args, done) {
  resolveBlobs(args).then(done, (error) => done(undefined, error));
}

// A copy of `value` with every Blob read into an ArrayBuffer (arrays and
// plain objects are copied along the way; the app's objects stay untouched).
async function resolveBlobs(value) {
  if (isBlob(value)) return value.arrayBuffer();
  if (Array.isArray(value)) return Promise.all(value.map(resolveBlobs));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out = {};
    for (const key of Object.keys(value)) out[key] = await resolveBlobs(value[key]);
    return out;
  }
  return value;
}

// The JS array for JSON text and attachments (`buffers`: Uint8Arrays, or
// undefined); null when the text does not parse.
export function decodeArgs(json, buffers) {
  try {
    if (!buffers) return JSON.parse(json);
    return JSON.parse(json, (key, value) =>
      value !== null && typeof value === "object" && value._placeholder === true &&
      typeof value.num === "number" && value.num >= 0 && value.num < buffers.length
        ? buffers[value.num].buffer
        : value);
  } catch {
    return null;
  }
}

// ---- listeners --------------------------------------------------------------

export function report(error) {
  try {
    reportError(error);
  } catch {
    console.error(error);
  }
}

// Calls `fn` with `args` from index `from` on (plus `extra` when given), as
// `self`; an exception is reported as an uncaught one would be, and the run
// loop goes on.
export function callListener(fn, self, args, from, extra) {
  try {
    if (!Array.isArray(args)) args = [];
    const n = args.length - from;
    if (extra === undefined && n === 1) fn.call(self, args[from]);
    else if (extra === undefined && n === 0) fn.call(self);
    else {
      const list = args.slice(from);
      if (extra !== undefined) list.push(extra);
      fn.apply(self, list);
    }
  } catch (error) {
    report(error);
  }
}

// An acknowledgement's callback: `(...args) => f(args)`.
export function makeVariadic(f) {
  return (...args) => f(args);
}

// ---- WebSocket --------------------------------------------------------------

// Opens a WebSocket. Text frames go to `onText(string)`, or, when long, to
// `onBytes(0, utf8)` (TextEncoder is native; wasm-bindgen's string copy is a
// JS loop over the characters); binary frames to `onBytes(1, bytes)`; the
// rest to `onEvent(kind)`: 0 open, 1 close, 2 error. Returns the socket, or
// the constructor's error message.
export function openWs(url, onText, onBytes, onEvent) {
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    return String((e && e.message) || "websocket error");
  }
  ws.binaryType = "arraybuffer";
  ws.onopen = () => onEvent(0);
  ws.onmessage = (e) => {
    const data = e.data;
    if (typeof data !== "string") return onBytes(1, new Uint8Array(data));
    if (data.length < 256) onText(data);
    else onBytes(0, encoder.encode(data));
  };
  ws.onclose = () => onEvent(1);
  ws.onerror = () => onEvent(2);
  return ws;
}

// Sends a frame (a string or bytes); false when the browser refused it.
export function wsSend(ws, data) {
  try {
    ws.send(data);
    return true;
  } catch {
    return false;
  }
}

// Detaches the handlers (their closures are freed next) and closes.
export function wsClose(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  try {
    ws.close();
  } catch {
    // already closed
  }
}

// ---- long-polling -----------------------------------------------------------

// A fetch; `done(text)` once with the body of a 2xx response, or
// `done(undefined)` on any failure (network, abort, status). Returns the
// AbortController.
export function request(url, method, body, withCredentials, done) {
  const abort = new AbortController();
  const init = { method, credentials: withCredentials ? "include" : "same-origin", signal: abort.signal };
  if (body !== undefined) {
    init.body = body;
    init.headers = { "content-type": "text/plain;charset=UTF-8" };
  }
  fetch(url, init)
    .then((r) => (r.ok ? r.text() : undefined))
    .then(done, () => done(undefined));
  return abort;
}

// ---- URLs -------------------------------------------------------------------

// `[protocol, host, pathname, name1, value1, ...]` of `uri` resolved against
// the page (`io()` without a URL: the page's origin); throws on a bad URL.
export function parseUrl(uri) {
  const location = globalThis.location;
  const href = location && location.href;
  if (!uri && location) uri = location.origin;
  const url = href ? new URL(uri, href) : new URL(uri);
  const out = [url.protocol, url.host, url.pathname];
  for (const [name, value] of url.searchParams) out.push(name, value);
  return out;
}

// Calls an emit's acknowledgement callback with the server's answer
// (`errorFirst`: `(null, ...answer)`).
export function callAck(fn, args, errorFirst) {
  try {
    if (!Array.isArray(args)) args = [];
    if (errorFirst) fn(null, ...args);
    else fn(...args);
  } catch (error) {
    report(error);
  }
}
