// The browser calls of the Rust runtime (src/web, the Rust API), each one JS
// function so that an event crosses the wasm boundary as few times as
// possible. No protocol decision is made here: this file only moves data
// between the browser's objects and the Rust runtime. (The npm package's
// runtime is js/runtime.ts; this file is not part of it.)

// ---- clock ------------------------------------------------------------------

const perf = globalThis.performance;
export const now = perf.now.bind(perf);

// ---- event arguments -------------------------------------------------------

const encoder = new TextEncoder();

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
