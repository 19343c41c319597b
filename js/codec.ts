// The bodies of events and acks: JSON arrays with binary placeholders
// (`{"_placeholder":true,"num":n}`), as Socket.IO carries them. The core
// (wasm) reads packet headers and decides what a packet is and where it goes;
// it never sees a body. What is done to one happens here, by the browser's
// own JSON, under the rules of the core's reference codec
// (src/proto/packet.rs `check_body`): tests/js/differential.test.ts runs both
// over the protocol vectors, the fuzz corpora and generated packets and
// requires the same answers.
import { BodyError } from "../pkg/socketio_wasm.js";

/** A binary value as it travels: an `ArrayBuffer` or a view of one. */
export type Binary = ArrayBuffer | ArrayBufferView;

export const isBinary = (v: unknown): v is Binary => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const isBlob = (v: unknown): v is Blob => typeof Blob !== "undefined" && v instanceof Blob;
const own = Object.prototype.hasOwnProperty;

/** A lone UTF-16 surrogate (Rust strings cannot hold one; the core refuses such names). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The arguments of a received body: `text` from index `start` on, parsed,
 * with `attachments` in place of their placeholders; or why it is refused.
 * `event`: an EVENT, whose first element must be a number or a string that
 * is not a reserved name (`reserved`). Any nesting depth parses (V8's
 * `JSON.parse` is iterative, and so is the placeholder walk).
 */
export function parseBody(
  text: string,
  start: number,
  event: boolean,
  attachments: ArrayBuffer[] | undefined,
  reserved: ReadonlySet<string>,
): unknown[] | BodyError {
  let args: unknown;
  try {
    args = JSON.parse(start === 0 ? text : text.slice(start));
  } catch {
    return BodyError.Json;
  }
  if (!Array.isArray(args)) return BodyError.InvalidPayload;
  if (event) {
    const name: unknown = args[0];
    if (typeof name === "string") {
      if (reserved.has(name)) return BodyError.ReservedEventName;
      if (LONE_SURROGATE.test(name)) return BodyError.BadEscape;
    } else if (typeof name !== "number") {
      return BodyError.InvalidPayload;
    }
  }
  if (attachments !== undefined && !place(args, attachments)) return BodyError.BadPlaceholder;
  return args;
}

/**
 * Replaces every placeholder under `root` by its attachment; false when one
 * names none (`num` not an integer index of `attachments`). Placeholders
 * nested in placeholders are checked too.
 */
function place(root: unknown[], attachments: ArrayBuffer[]): boolean {
  const stack: (Record<string, unknown> | unknown[])[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const keys: (string | number)[] = Array.isArray(node) ? [...node.keys()] : Object.keys(node);
    for (const key of keys) {
      const value = (node as Record<string | number, unknown>)[key];
      if (value === null || typeof value !== "object") continue;
      stack.push(value as Record<string, unknown>);
      if (Array.isArray(value) || (value as { _placeholder?: unknown })._placeholder !== true) continue;
      const num = (value as { num?: unknown }).num;
      if (typeof num !== "number" || !Number.isInteger(num) || num < 0 || num >= attachments.length) return false;
      (node as Record<string | number, unknown>)[key] = attachments[num];
    }
  }
  return true;
}

/** A string the core can hold (no lone surrogate), or undefined. */
const text = (v: unknown): string | undefined => (typeof v === "string" && !LONE_SURROGATE.test(v) ? v : undefined);

/** A non-negative integer JS holds exactly. */
const count = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The handshake of an Engine.IO OPEN packet (`packet`: `0` and its JSON):
 * `[sid, pingInterval, pingTimeout, maxPayload, ...upgrades]`, or undefined
 * when malformed. The rules of src/proto/engine_codec.rs `Handshake::from_json`.
 */
export function handshake(packet: string): (string | number)[] | undefined {
  let h: unknown;
  try {
    h = JSON.parse(packet.slice(1));
  } catch {
    return undefined;
  }
  if (!isObject(h)) return undefined;
  const { sid, upgrades = [], pingInterval, pingTimeout, maxPayload = 0 } = h;
  const names = Array.isArray(upgrades) ? upgrades.map(text) : [undefined];
  if (text(sid) === undefined || !count(pingInterval) || !count(pingTimeout) || !count(maxPayload)) return undefined;
  if (names.includes(undefined)) return undefined;
  return [sid as string, pingInterval, pingTimeout, maxPayload, ...(names as string[])];
}

/**
 * A server's CONNECT payload (`frame` from `start`): `[sid, pid]`, each a
 * string or undefined; or why it is refused (not a JSON object). The rules
 * of src/proto/packet.rs `parse_connect`.
 */
export function connectAck(frame: string, start: number): (string | undefined)[] | BodyError {
  let v: unknown;
  try {
    v = JSON.parse(frame.slice(start));
  } catch {
    return BodyError.Json;
  }
  if (!isObject(v)) return BodyError.InvalidPayload;
  return [text(v.sid), text(v.pid)];
}

/**
 * A CONNECT_ERROR payload (`frame` from `start`): `[message, data]`; or why
 * it is refused (neither a JSON object nor a string). The message is the
 * string itself, or the object's `message` (when not a string, its JSON
 * text; absent, empty). The rules of src/proto/packet.rs `parse_connect_error`.
 */
export function connectError(frame: string, start: number): unknown[] | BodyError {
  let v: unknown;
  try {
    v = JSON.parse(frame.slice(start));
  } catch {
    return BodyError.Json;
  }
  if (typeof v === "string") return text(v) === undefined ? BodyError.BadEscape : [v, undefined];
  if (!isObject(v)) return BodyError.InvalidPayload;
  const message = v.message === undefined ? "" : (text(v.message) ?? JSON.stringify(v.message));
  return [message, v.data];
}

/** The connection state recovery offset of an event: its last argument after the name, when a string. */
export function offsetOf(args: unknown[]): string | undefined {
  const last = args[args.length - 1];
  return args.length > 1 ? text(last) : undefined;
}

/** 0: plain JSON, 1: holds binary values, 2: holds a Blob (to read first). */
export const enum Content {
  Json = 0,
  Binary = 1,
  Blob = 2,
}

/**
 * What `value` holds. With `follow`, what `toJSON()` returns is looked at
 * instead of the object (JSON.stringify sends that; a Blob there is not
 * read). Depth is bounded: deeper (or cyclic) values are left to
 * JSON.stringify, which throws on cycles.
 */
export function content(value: unknown, follow: boolean, depth = 0): Content {
  if (value === null || typeof value !== "object") return Content.Json;
  if (isBinary(value)) return Content.Binary;
  if (isBlob(value)) return Content.Blob;
  if (depth > 1000) return Content.Json;
  const v = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (follow && typeof v.toJSON === "function") return content(v.toJSON(), follow, depth + 1) & Content.Binary;
  let found: Content = Content.Json;
  if (Array.isArray(v)) {
    for (const item of v) if ((found |= content(item, follow, depth + 1)) & Content.Blob) return Content.Blob;
  } else {
    for (const k in v) if (own.call(v, k) && (found |= content(v[k], follow, depth + 1)) & Content.Blob) return Content.Blob;
  }
  return found;
}

/**
 * `args` as JSON text, binary values replaced by placeholders and pushed to
 * `attachments` in their order. Throws what JSON.stringify throws (cycles,
 * BigInt).
 */
export function encodeBody(args: unknown[], binary: boolean, attachments: Binary[]): string {
  if (!binary) return JSON.stringify(args);
  return JSON.stringify(args, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (isBinary(raw)) {
      attachments.push(raw);
      return { _placeholder: true, num: attachments.length - 1 };
    }
    return value;
  });
}

/** A copy of `value` with every Blob read into an `ArrayBuffer` (arrays and plain objects copied on the way). */
export async function readBlobs(value: unknown): Promise<unknown> {
  if (isBlob(value)) return value.arrayBuffer();
  if (Array.isArray(value)) return Promise.all(value.map(readBlobs));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = await readBlobs((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** A character that takes more than one byte in UTF-8. */
const NON_ASCII = /[^\x00-\x7f]/;
/** Characters per `encodeInto` call: the scratch buffer holds 3 bytes for each. */
const CHUNK = 16_384;
let encoder: TextEncoder | undefined;
let scratch: Uint8Array | undefined;

/**
 * The UTF-8 length of `text` (the polling `maxPayload` cut, `bytesIn` and
 * `bytesOut`). Measured in Chromium: below a kilobyte, a regular
 * expression that finds the text ASCII (most frames are) is fastest, about
 * a nanosecond per character; above, the browser's encoder into a fixed
 * scratch buffer, about half that (its call costs some 400 ns). A lone
 * surrogate counts as U+FFFD (3 bytes), as the wire carries it.
 */
export function utf8Length(text: string): number {
  if (text.length >= 1024) return encodedLength(text);
  let n = text.length;
  if (!NON_ASCII.test(text)) return n;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 4 bytes for 2 units
      i++;
    } else n += 2; // 3 bytes (a lone surrogate becomes U+FFFD)
  }
  return n;
}

function encodedLength(text: string): number {
  encoder ??= new TextEncoder();
  scratch ??= new Uint8Array(CHUNK * 3);
  let n = 0;
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + CHUNK);
    // A pair split between two chunks would count as two lone surrogates.
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    n += encoder.encodeInto(at === 0 && end === text.length ? text : text.slice(at, end), scratch).written;
    at = end;
  }
  return n;
}

const bytesOf = (b: Binary): Uint8Array =>
  b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

interface Base64Array {
  toBase64?: () => string;
}
interface Base64Constructor {
  fromBase64?: (text: string) => Uint8Array;
}

/** Standard base64 of `binary` (a polling payload's `b` packet). */
export function toBase64(binary: Binary): string {
  const bytes = bytesOf(binary);
  const native = (bytes as Base64Array).toBase64;
  if (native) return native.call(bytes);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** The bytes of base64 `text`, or undefined when malformed. */
export function fromBase64(text: string): ArrayBuffer | undefined {
  try {
    const native = (Uint8Array as Base64Constructor).fromBase64;
    if (native) return native(text).buffer as ArrayBuffer;
    const raw = atob(text);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  } catch {
    return undefined;
  }
}
