// The body codec exists twice: js/codec.ts parses bodies in the browser
// build, the core's Rust reference (src/proto/packet.rs, json.rs,
// engine_codec.rs, through `JsonText`) in the Rust build and the Rust tests.
// This runs both over the same inputs (the protocol vectors, the fuzz
// corpora and generated packets) and requires the same answers: accepted or
// refused alike (the refusal's kind may differ: which rule a malformed body
// breaks first is not specified), and when accepted, the same values. The
// Rust side runs as one process (examples/reference.rs), all cases at once.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { connectAck, connectError, handshake, offsetOf, parseBody } from "../../js/codec.js";
import { readHeader, writePacket } from "../../js/share-hub.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** `packet::RESERVED_EVENTS` (the runtime gets it from the wasm; this test needs no wasm). */
const RESERVED_NAMES = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];
const RESERVED: ReadonlySet<string> = new Set(RESERVED_NAMES);
// Fixed, so that a failure reproduces; DIFFERENTIAL_SEED / DIFFERENTIAL_CASES
// explore further (e.g. DIFFERENTIAL_CASES=100000 when changing either codec).
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 0x5eed);
const GENERATED = Number(process.env.DIFFERENTIAL_CASES ?? 4000);
/** A file to write every disagreement to, in full (the assertion shows the first few, cut). */
const REPORT = process.env.DIFFERENTIAL_REPORT;

interface Case {
  source: string;
  kind: "packet" | "handshake";
  /** A Socket.IO packet (no Engine.IO `4`), or an OPEN packet (`0{...}`). */
  text: string;
  /** Attachments given to the body (default: the header's count). */
  attachments?: number;
}

/** What examples/reference.rs answers (one of its shapes; see there). */
interface Refusal {
  ok: false;
  error: string;
}
interface RustBody {
  ok: true;
  text: string;
  offset: string | null;
  name?: string;
  name_number?: boolean;
}
interface RustPacket {
  input_error?: string;
  header_error?: string;
  header?: { kind: number; nsp: string | null; id: string | null; attachments: number; start: number };
  present?: boolean;
  delivered?: number;
  body?: RustBody | Refusal;
  connect?: { ok: true; sid: string | null; pid: string | null } | Refusal;
  connect_error?: { ok: true; message: string; message_raw: boolean; data: string | null } | Refusal;
}
interface RustHandshake {
  input_error?: string;
  ok: boolean;
  error?: string;
  sid: string;
  upgrades: string[];
  ping_interval: number;
  ping_timeout: number;
  max_payload: number;
}

// ------------------------------------------------------------------ inputs

/** The `\\`, `\t`, `\n`, `\xNN` escapes of tests/vectors/*.txt (as tests/proto_vectors.rs reads them). */
function unescapeVector(s: string): string {
  return s.replace(/\\(\\|t|n|x([0-9a-fA-F]{2}))/g, (_, e: string, hex: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : e === "t" ? "\t" : e === "n" ? "\n" : "\\",
  );
}

/** The TAB-separated fields of a vector table's lines. */
function vectorRows(file: string): string[][] {
  return readFileSync(join(ROOT, "tests/vectors", file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/** An Engine.IO text packet as a case: its handshake, or its Socket.IO packet. */
function enginePacket(source: string, text: string): Case | undefined {
  if (text.startsWith("0")) return { source, kind: "handshake", text };
  if (text.startsWith("4")) return { source, kind: "packet", text: text.slice(1) };
  return undefined;
}

function vectorCases(): Case[] {
  const cases: Case[] = [];
  for (const row of vectorRows("socketio.txt")) {
    cases.push({ source: "vectors/socketio.txt", kind: "packet", text: unescapeVector(row[1] ?? "") });
  }
  for (const row of vectorRows("engine_ws.txt")) {
    const frame = row[1] ?? "";
    if (!frame.startsWith("text:")) continue;
    const c = enginePacket("vectors/engine_*.txt", unescapeVector(frame.slice(5)));
    if (c) cases.push(c);
  }
  for (const row of vectorRows("engine_payload.txt")) {
    for (const packet of unescapeVector(row[1] ?? "").split("\x1e")) {
      const c = enginePacket("vectors/engine_*.txt", packet);
      if (c) cases.push(c);
    }
  }
  return cases;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** The files of a fuzz corpus that are UTF-8 text, from byte `skip` on. */
function corpus(name: string, skip = 0): string[] {
  const dir = join(ROOT, "fuzz/corpus", name);
  const texts: string[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith(".")) continue; // libFuzzer's scratch files
    try {
      texts.push(utf8.decode(readFileSync(join(dir, file)).subarray(skip)));
    } catch {
      // not UTF-8: no text frame carries it
    }
  }
  return texts;
}

function corpusCases(): Case[] {
  const cases: Case[] = [];
  // The sio_packet target reads NUL-separated pieces, the first one the
  // packet: that piece, and the whole file as a packet with trailing data.
  for (const text of corpus("sio_packet")) {
    const first = text.split("\0")[0] ?? "";
    cases.push({ source: "fuzz/sio_packet", kind: "packet", text: first });
    if (first !== text) cases.push({ source: "fuzz/sio_packet", kind: "packet", text });
  }
  for (const text of corpus("engine_text")) {
    const c = enginePacket("fuzz/engine_text", text);
    if (c) cases.push(c);
  }
  // The json_scanner target's first byte is a depth: the rest is the JSON,
  // used as the body of every kind of packet and as a handshake.
  for (const body of corpus("json_scanner", 1)) {
    for (const header of ["2", "30", "51-", "61-0", "0", "4"]) {
      cases.push({ source: "fuzz/json_scanner", kind: "packet", text: header + body });
    }
    cases.push({ source: "fuzz/json_scanner", kind: "handshake", text: "0" + body });
  }
  return cases;
}

// ---------------------------------------------------------- generated cases

/** mulberry32: a small seeded PRNG (the cases must be the same every run). */
class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

const WHITESPACE = [" ", "\t", "\n", "\r\n", "  "];
const ws = (r: Rng): string => (r.chance(0.15) ? r.pick(WHITESPACE) : "");

/** Numbers in many spellings, integers and not, in and out of JS's exact range. */
const NUMBERS = [
  "0", "-0", "1", "7", "12", "-1", "0.0", "-0.0", "1.0", "1e0", "1E0", "1e+0", "10e-1", "0.1e1", "1.5", "0.5",
  "-0.5", "2.5e4", "25000", "25000.0", "250e2", "9007199254740991", "9007199254740992", "9007199254740993",
  "1e21", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0.99999999999999999999",
  "3.0000000000000001", "5e-324", "2E-0", "0e5",
];
const BAD_NUMBERS = [
  "01", "1.", "+1", ".5", "-", "1e", "0x10", "NaN", "Infinity", "-Infinity", "1e+", "--1", "00", "1_0",
];
const numberText = (r: Rng): string => (r.chance(0.3) ? String(r.int(1000)) : r.pick(NUMBERS));

/** Pieces of string content, as JSON text: plain, unicode, every escape. */
const STRING_PIECES = [
  "a", "b", "hello", " ", "é", "中文", "😀", "\u2028", "\u00ff", "~", "\x7f", "\\n", "\\t", '\\"', "\\\\", "\\/",
  "\\b", "\\f", "\\r", "\\u00e9", "\\u0041", "\\ud83d\\ude00", "\\uD83D\\uDE00", "\\u0000", "\\u001f", "\\uffff",
  "\\ufffd", "_placeholder", "connect",
];
/** Lone surrogates, as escapes (a text frame cannot carry a raw one). */
const LONE = ["\\ud800", "\\udc00", "\\uDBFF", "\\ud83dx", "\\ude00\\ud83d", "\\ud800\\u0041"];
/** What makes a string invalid JSON: bad escapes, raw control characters. */
const BAD_STRING = ["\\x", "\\u12", "\\u12g4", "\u0001", "\t", "\\", "\n", "\\U0041"];

function stringText(r: Rng): string {
  let s = '"';
  for (let n = r.int(4); n > 0; n--) s += r.chance(0.08) ? r.pick(LONE) : r.pick(STRING_PIECES);
  return s + '"';
}

const KEYS = [
  '"a"', '"b"', '"_placeholder"', '"num"', '"\\u005fplaceholder"', '"n\\u0075m"', '"__proto__"', '"constructor"',
  '"\\ud800"', '""', '"sid"', '"data"', '"message"', '"é"', '"toString"',
];
const keyText = (r: Rng): string => (r.chance(0.7) ? r.pick(KEYS) : stringText(r));

/** A key spelled `"name"`, or with one character escaped. */
function spelled(r: Rng, name: string): string {
  if (!r.chance(0.12)) return JSON.stringify(name);
  const i = r.int(name.length);
  const escaped = "\\u" + name.charCodeAt(i).toString(16).padStart(4, "0");
  return `"${name.slice(0, i)}${escaped}${name.slice(i + 1)}"`;
}

/** A placeholder's `num`: an index of `n` attachments or not, in many spellings. */
function numText(r: Rng, n: number): string {
  const k = r.int(Math.max(n, 1));
  return r.pick([
    String(k), String(k), String(k), `${k}.0`, `${k}e0`, `${k}0e-1`, String(n), String(n + 1), "-1", "0.0", "-0",
    "1e0", '"0"', "0.5", "1e400", "99999999999999999999999", "[0]", "null", "true", "{}", "-0.0", "1e-400",
  ]);
}

const FLAGS = ["true", "true", "true", "true", "false", '"true"', "1", "null", "[true]"];

function placeholderText(r: Rng, depth: number, n: number): string {
  const members: string[] = [];
  const flagKey = () => (r.chance(0.1) ? '"\\u005fplaceholder"' : '"_placeholder"');
  const numKey = () => (r.chance(0.1) ? '"n\\u0075m"' : '"num"');
  if (!r.chance(0.05)) members.push(`${flagKey()}:${ws(r)}${r.chance(0.85) ? "true" : r.pick(FLAGS)}`);
  if (!r.chance(0.08)) members.push(`${numKey()}:${ws(r)}${numText(r, n)}`);
  if (r.chance(0.1)) members.push(`${numKey()}:${numText(r, n)}`); // a duplicate: the last one counts
  if (r.chance(0.06)) members.push(`${flagKey()}:${r.pick(FLAGS)}`);
  if (depth < 5 && r.chance(0.1)) members.push(`${keyText(r)}:${valueText(r, depth + 1, n)}`);
  if (depth < 5 && r.chance(0.1)) members.push(`"inner":${placeholderText(r, depth + 1, n)}`);
  if (r.chance(0.3)) r.shuffle(members);
  return `{${ws(r)}${members.join(`${ws(r)},${ws(r)}`)}${ws(r)}}`;
}

function valueText(r: Rng, depth: number, n: number): string {
  switch (r.int(depth > 4 ? 6 : 10)) {
    case 0:
      return numberText(r);
    case 1:
    case 2:
      return stringText(r);
    case 3:
      return r.pick(["true", "false", "null"]);
    case 4:
      return n > 0 || r.chance(0.3) ? placeholderText(r, depth, n) : numberText(r);
    case 5:
      return r.pick(["[]", "{}", "[ ]", "{ }"]);
    case 6:
    case 7: {
      const items = Array.from({ length: 1 + r.int(4) }, () => valueText(r, depth + 1, n));
      return `[${ws(r)}${items.join(`${ws(r)},${ws(r)}`)}${ws(r)}]`;
    }
    default: {
      const member = () => `${keyText(r)}${ws(r)}:${ws(r)}${valueText(r, depth + 1, n)}`;
      const members = Array.from({ length: 1 + r.int(4) }, member);
      return `{${ws(r)}${members.join(`${ws(r)},${ws(r)}`)}${ws(r)}}`;
    }
  }
}

/** A value nested a few hundred levels deep (arrays, objects, or both). */
function deepText(r: Rng, n: number): string {
  const depth = 100 + r.int(400);
  const inner = r.chance(0.5) ? placeholderText(r, 9, n) : valueText(r, 9, n);
  let open = "";
  let close = "";
  const style = r.int(3);
  for (let i = 0; i < depth; i++) {
    const array = style === 0 || (style === 2 && i % 2 === 0);
    open += array ? "[" : '{"a":';
    close = (array ? "]" : "}") + close;
  }
  return open + inner + close;
}

const NAMES = [
  '"foo"', '"message"', '"connected"', '"Connect"', '"connect "', '" connect"', '"disconnected"', '"newlistener"',
  '""', '"é"', '"😀"', '"中文"', '"\\u0063onnect"', '"\\u0063onnect\\u005ferror"', '"connect\\u005ferror"',
  '"disconnect\\u0069ng"', '"\\u006eewListener"', '"\\u0072emoveListener"', '"connect\\u0000"', '"\\ud800"',
  '"\\ud800x"', '"a\\udc00"', '"\\ud83d\\ude00"', '"__proto__"', '"12"',
];
const NON_NAMES = ["null", "true", "false", "[]", "{}", '["connect"]', '{"a":1}', "[1]"];

function nameText(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return JSON.stringify(r.pick(RESERVED_NAMES));
    case 1:
    case 2:
      return r.pick(NAMES);
    case 3:
      return numberText(r);
    case 4:
      return r.chance(0.5) ? r.pick(NON_NAMES) : placeholderText(r, 4, 1);
    default:
      return stringText(r);
  }
}

const GARBAGE = ["x", "]", "}", ",", "  ", "\n", "1", "[]", "\0", '"', "\\", "{}", "\u00a0", "\ufeff", "null"];

/** A damaged copy of `text` (cut at code points: a text frame holds no lone surrogate). */
function mutate(r: Rng, text: string): string {
  const cps = Array.from(text);
  const at = r.int(cps.length + 1);
  switch (r.int(7)) {
    case 0:
      return cps.slice(0, at).join("");
    case 1:
      return text + r.pick(GARBAGE);
    case 2:
      return r.pick(GARBAGE) + text;
    case 3:
      return [...cps.slice(0, at), ...cps.slice(at + 1)].join("");
    case 4:
      return [...cps.slice(0, at), r.pick([..."[]{}\",:\\ 0tn-.e"]), ...cps.slice(at)].join("");
    case 5:
      return text.replace(/\d+(\.\d+)?/, r.pick(BAD_NUMBERS));
    default:
      return text.replace('"', '"' + r.pick(BAD_STRING));
  }
}

const NAMESPACES = ["", "", "", "", "/chat,", "/admin,", "/é,", "/😀,", "/a b,", "/,"];

/** The arguments of an EVENT (`event`) or ACK, with `n` attachments. */
function argsText(r: Rng, event: boolean, n: number): string {
  const items: string[] = [];
  if (event && !r.chance(0.03)) items.push(nameText(r));
  for (let k = r.int(5); k > 0; k--) items.push(valueText(r, 1, n));
  if (r.chance(0.05)) items.push(deepText(r, n));
  if (r.chance(0.2)) items.push(stringText(r)); // a recovery offset
  let text = `[${ws(r)}${items.join(`${ws(r)},${ws(r)}`)}${ws(r)}]`;
  if (r.chance(0.03)) text = r.pick(["{}", '"a"', "1", "null", '{"0":"a"}', "", " "]);
  text = ws(r) + text + ws(r);
  return r.chance(0.12) ? mutate(r, text) : text;
}

function eventCase(r: Rng): Case {
  const kind = r.pick([2, 2, 2, 3, 3, 5, 5, 5, 6, 6]);
  let header = String(kind);
  let n = 0;
  if (kind >= 5) {
    n = 1 + r.int(r.chance(0.9) ? 3 : 10);
    header += `${n}-`;
  }
  header += r.pick(NAMESPACES);
  if ((kind === 3 || kind === 6) !== r.chance(0.1)) {
    header += r.pick([String(r.int(100)), "0", String(r.int(1e9)), "18446744073709551615"]);
  }
  const text = header + argsText(r, kind === 2 || kind === 5, n);
  // Rarely, another attachment count than the header's: the body rules
  // alone, for counts (and non-binary kinds) the header does not give.
  if (r.chance(0.04)) return { source: "generated", kind: "packet", text, attachments: r.int(5) };
  return { source: "generated", kind: "packet", text };
}

const SIDS = [
  '"abc"', '"wZX3oN0bSVIhsaknAAAI"', '""', "1", "0", "null", "true", "{}", '["a"]', '"\\ud800"', '"a\\u0062c"',
  '"é😀"', '{"sid":"x"}', '"a\\udc00b"',
];

/** Members of an object, shuffled, with extras: unknown keys, lone surrogate keys, `__proto__`, deep values. */
function objectText(r: Rng, members: string[]): string {
  for (let k = r.chance(0.3) ? r.int(3) : 0; k > 0; k--) members.push(`${keyText(r)}:${valueText(r, 2, 0)}`);
  if (r.chance(0.08)) members.push('"\\ud800":1');
  if (r.chance(0.05)) members.push('"__proto__":{"sid":"p","message":"m","pingInterval":1}');
  if (r.chance(0.04)) members.push(`"deep":${deepText(r, 0)}`);
  r.shuffle(members);
  return `${ws(r)}{${ws(r)}${members.join(`${ws(r)},${ws(r)}`)}${ws(r)}}${ws(r)}`;
}

function connectCase(r: Rng): Case {
  let body: string;
  if (r.chance(0.08)) {
    body = r.pick(["[]", '"x"', "1", "null", "true", '[{"sid":"a"}]', ""]);
  } else {
    const members: string[] = [];
    const sid = () => (r.chance(0.8) ? r.pick(SIDS) : stringText(r));
    if (r.chance(0.85)) members.push(`${spelled(r, "sid")}:${r.chance(0.5) ? '"abc"' : sid()}`);
    if (r.chance(0.45)) members.push(`${spelled(r, "pid")}:${sid()}`);
    if (r.chance(0.12)) members.push(`${spelled(r, r.pick(["sid", "pid"]))}:${sid()}`);
    body = objectText(r, members);
  }
  if (r.chance(0.1)) body = mutate(r, body);
  return { source: "generated", kind: "packet", text: "0" + r.pick(NAMESPACES) + body };
}

const MESSAGES = [
  '"Not authorized"', '""', '"\\ud800"', '"a\\ud800b"', '"\\u0041"', '"é"', "42", "2.5e4", "-0", "1e400", "null",
  "true", "false", '{"a":1}', '{ "a" : [ 1 , 2 ] }', "[]", '[1,"x"]', "{}", '"\\"quoted\\""', '"\\uDBFF\\uDFFF"',
];

function connectErrorCase(r: Rng): Case {
  let body: string;
  const roll = r.int(20);
  if (roll < 3) {
    body = ws(r) + stringText(r) + ws(r);
  } else if (roll < 5) {
    body = r.pick(["[]", "1", "null", "true", '["message"]', "", "2.5"]);
  } else {
    const members: string[] = [];
    const message = () => (r.chance(0.7) ? r.pick(MESSAGES) : r.chance(0.5) ? stringText(r) : valueText(r, 2, 0));
    const data = () => (r.chance(0.05) ? deepText(r, 0) : valueText(r, 1, 0));
    if (r.chance(0.8)) members.push(`${spelled(r, "message")}:${message()}`);
    if (r.chance(0.5)) members.push(`${spelled(r, "data")}:${data()}`);
    if (r.chance(0.1)) members.push(`${spelled(r, "message")}:${message()}`);
    if (r.chance(0.1)) members.push(`${spelled(r, "data")}:${data()}`);
    body = objectText(r, members);
  }
  if (r.chance(0.1)) body = mutate(r, body);
  return { source: "generated", kind: "packet", text: "4" + r.pick(NAMESPACES) + body };
}

const GOOD_INTS = ["25000", "2.5e4", "25000.0", "250e2", "0", "-0", "1", "20000", "9007199254740991", "1e3", "0.0"];
const BAD_INTS = [
  "9007199254740992", "-1", "1.5", "1e400", '"25000"', "null", "true", "[25000]", "{}", "-1e-400", "1e21",
];
const UPGRADES = [
  '["websocket"]', "[]", '["websocket","polling"]', "[1]", '["a",null]', '"websocket"', "null", '[["x"]]',
  '["\\ud800"]', '["w\\u0065bsocket"]', "{}", '[ "websocket" , "webtransport" ]', '[""]', "[{}]",
];

function handshakeCase(r: Rng): Case {
  let body: string;
  if (r.chance(0.05)) {
    body = r.pick(["[]", '"sid"', "1", "null", "", '[{"sid":"a","pingInterval":1,"pingTimeout":1}]']);
  } else {
    const int = () => (r.chance(0.8) ? r.pick(GOOD_INTS) : r.pick(BAD_INTS));
    const sid = () => (r.chance(0.8) ? (r.chance(0.6) ? '"lv_VI97HAXpY6yYWAAAC"' : r.pick(SIDS)) : stringText(r));
    const field: Record<string, () => string> = {
      sid,
      upgrades: () => r.pick(UPGRADES),
      pingInterval: int,
      pingTimeout: int,
      maxPayload: int,
    };
    const members: string[] = [];
    for (const [name, value] of Object.entries(field)) {
      const wanted = name === "upgrades" || name === "maxPayload" ? 0.6 : 0.93;
      if (r.chance(wanted)) members.push(`${spelled(r, name)}:${ws(r)}${value()}`);
    }
    // Repeated keys, the last one in the text read last (JSON.parse's rule).
    for (let k = r.chance(0.2) ? 1 + r.int(2) : 0; k > 0; k--) {
      const name = r.pick(Object.keys(field));
      members.push(`${spelled(r, name)}:${(field[name] as () => string)()}`);
    }
    body = objectText(r, members);
  }
  if (r.chance(0.08)) body = mutate(r, body);
  return { source: "generated", kind: "handshake", text: "0" + body };
}

function generatedCases(count: number): Case[] {
  const r = new Rng(SEED);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r.int(20);
    if (roll < 11) cases.push(eventCase(r));
    else if (roll < 14) cases.push(connectCase(r));
    else if (roll < 17) cases.push(connectErrorCase(r));
    else cases.push(handshakeCase(r));
  }
  return cases;
}

// ------------------------------------------------------------------ checks

/** `data` with its placeholders replaced, as socket.io-parser's `reconstructPacket` does it. */
function reconstruct(data: unknown, buffers: ArrayBuffer[]): unknown {
  if (data === null || typeof data !== "object") return data;
  const node = data as Record<string, unknown>;
  if (!Array.isArray(data) && node._placeholder === true) {
    const num = node.num;
    const buffer = typeof num === "number" && num >= 0 && num < buffers.length ? buffers[num] : undefined;
    if (buffer === undefined) throw new Error(`illegal attachments: num ${JSON.stringify(num)}`);
    return buffer;
  }
  for (const key of Object.keys(node)) node[key] = reconstruct(node[key], buffers);
  return data;
}

/**
 * Where `a` and `b` differ, or undefined when deep-equal: numbers by
 * `Object.is` (-0 is not 0), attachments by identity (each must be the very
 * buffer the runtime was given for its index, which an `ArrayBuffer` of
 * another index but the same bytes would not be). Iterative: bodies nest
 * hundreds deep.
 */
function difference(a: unknown, b: unknown): string | undefined {
  const stack: [unknown, unknown, string][] = [[a, b, "$"]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [x, y, path] = top;
    if (Object.is(x, y)) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") {
      return `${path}: ${String(x)} vs ${String(y)}`;
    }
    if (x instanceof ArrayBuffer || y instanceof ArrayBuffer) return `${path}: not the same attachment`;
    if (Array.isArray(x) !== Array.isArray(y)) return `${path}: array vs object`;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length || kx.some((k) => !Object.prototype.hasOwnProperty.call(y, k))) {
      return `${path}: keys ${JSON.stringify(kx)} vs ${JSON.stringify(ky)}`;
    }
    for (const k of kx) {
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`]);
    }
  }
  return undefined;
}

/** `JSON.parse`, or a marker when it throws (so that two unparsable texts still differ from values). */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsable: text };
  }
}

/** How each kind of case went: [accepted, refused] (or, for the core's own decisions, just counted). */
type Tally = Record<string, [number, number]>;

interface Outcome {
  tally: Tally;
  disagreements: string[];
}

const show = (c: Case): string =>
  `${c.source} ${c.kind} ${JSON.stringify(REPORT || c.text.length <= 300 ? c.text : c.text.slice(0, 300) + "…")}` +
  (c.attachments !== undefined ? ` (${c.attachments} attachments)` : "");

function count(tally: Tally, kind: string, accepted: boolean): void {
  const t = (tally[kind] ??= [0, 0]);
  t[accepted ? 0 : 1]++;
}

/**
 * The tabs' hub reads the other tabs' packets with its own header reader
 * (js/share-hub.ts): the same header, or the same refusal, as the core's;
 * and what it writes back, the core reads as written.
 */
function compareHubHeader(c: Case, rust: RustPacket, tally: Tally): string | undefined {
  const js = readHeader(c.text);
  const h = rust.header;
  count(tally, "hub header", h !== undefined);
  if (h === undefined) return js === undefined ? undefined : `hub: Rust refuses the header (${rust.header_error}), JS reads ${JSON.stringify(js)}`;
  if (js === undefined) return `hub: Rust reads the header ${JSON.stringify(h)}, JS refuses`;
  const expected = { type: h.kind, nsp: h.nsp ?? "/", id: h.id === null ? undefined : Number(h.id), attachments: h.attachments, start: h.start };
  const diff = difference(js, expected);
  if (diff !== undefined) return `hub: header differs at ${diff}: ${JSON.stringify(js)} vs ${JSON.stringify(expected)}`;
  // The hub writes ids it numbered, or a tab's core did: safe integers.
  if (js.id !== undefined && !Number.isSafeInteger(js.id)) return undefined;
  const written = writePacket(js.type, js.nsp, js.id, js.attachments, c.text.slice(js.start)).slice(1);
  const again = readHeader(written);
  return difference(again, { ...js, start: again?.start ?? -1 }) === undefined ? undefined : `hub: ${JSON.stringify(written)} does not read back`;
}

function comparePacket(c: Case, rust: RustPacket, tally: Tally): string | undefined {
  const hub = compareHubHeader(c, rust, tally);
  if (hub !== undefined) return hub;
  const h = rust.header;
  if (h === undefined) {
    // decode_header is the core's, the same code in both builds.
    count(tally, "header refused", false);
    return undefined;
  }
  // The runtime gets the Engine.IO frame and the body's start in it.
  const frame = "4" + c.text;
  const start = 1 + h.start;
  if (rust.body !== undefined) {
    const n = rust.delivered ?? 0;
    const buffers = n > 0 ? Array.from({ length: n }, (_, i) => new Uint8Array([i]).buffer) : undefined;
    const event = h.kind === 2 || h.kind === 5;
    const js = parseBody(frame, start, event, buffers, RESERVED);
    const kind = event ? "event" : "ack";
    count(tally, kind, rust.body.ok);
    if (!rust.body.ok) return typeof js === "number" ? undefined : `Rust refuses (${rust.body.error}), JS accepts`;
    if (typeof js === "number") return `Rust accepts, JS refuses (BodyError ${js})`;
    const body = rust.body;
    if (body.text !== frame.slice(start)) return `body ${JSON.stringify(body.text)} does not start at the header's end`;
    let expected: unknown;
    try {
      expected = buffers ? reconstruct(JSON.parse(body.text), buffers) : JSON.parse(body.text);
    } catch (e) {
      return `the body Rust accepts does not reconstruct: ${String(e)}`;
    }
    const diff = difference(js, expected);
    if (diff !== undefined) return `args differ at ${diff}`;
    if (event) {
      const name = body.name_number ? Number(body.name) : body.name;
      if (!Object.is(js[0], name)) return `event name ${String(js[0])} vs ${String(body.name)}`;
      if (offsetOf(js) !== (body.offset ?? undefined)) return `offset ${offsetOf(js)} vs ${body.offset}`;
    }
    return undefined;
  }
  if (rust.connect !== undefined) {
    const js = connectAck(frame, start);
    const answer = rust.connect;
    count(tally, "connect", answer.ok);
    if (!answer.ok) return typeof js === "number" ? undefined : `Rust refuses (${answer.error}), JS accepts`;
    if (typeof js === "number") return `Rust accepts, JS refuses (BodyError ${js})`;
    // As src/bindings/host.rs reads the answer: no non-empty sid, no ack.
    const [sid, pid] = js;
    const ack = typeof sid === "string" && sid !== "" ? { sid, pid: pid ?? null } : { sid: null, pid: null };
    return difference(ack, { sid: answer.sid, pid: answer.sid === null ? null : answer.pid });
  }
  if (rust.connect_error !== undefined) {
    const js = connectError(frame, start);
    const e = rust.connect_error;
    count(tally, "connect_error", e.ok);
    if (!e.ok) return typeof js === "number" ? undefined : `Rust refuses (${e.error}), JS accepts`;
    if (typeof js === "number") return `Rust accepts, JS refuses (BodyError ${js})`;
    const [message, data] = js;
    if (typeof message !== "string") return `message ${String(message)} is not a string`;
    if (e.message_raw) {
      // The JSON text of a value that is no Rust string: as the peer spelled
      // it in Rust (the raw text), as JSON.stringify spells it in JS. A
      // deliberate difference (JS has no raw text after JSON.parse, Rust no
      // JS number formatting), so compared through JSON.stringify, which
      // also writes -0 as 0 and numbers beyond a double (1e400) as null.
      const rewritten = JSON.stringify(parse(e.message));
      if (message !== rewritten) return `message ${message} vs ${e.message} (${rewritten})`;
    } else if (message !== e.message) {
      return `message ${JSON.stringify(message)} vs ${JSON.stringify(e.message)}`;
    }
    if (e.data === null) return data === undefined ? undefined : `data ${JSON.stringify(data)} vs none`;
    const diff = difference(data, parse(e.data));
    return diff === undefined ? undefined : `data differs at ${diff}`;
  }
  // DISCONNECT, or a CONNECT / CONNECT_ERROR without a payload: the core's
  // decision, from the header alone.
  count(tally, "decided by the core", !(h.kind === 1 && rust.present) && !(h.kind === 4));
  return undefined;
}

function compareHandshake(c: Case, rust: RustHandshake, tally: Tally): string | undefined {
  const js = handshake(c.text);
  count(tally, "handshake", rust.ok);
  if (!rust.ok) return js === undefined ? undefined : `Rust refuses (${rust.error}), JS accepts`;
  if (js === undefined) return "Rust accepts, JS refuses";
  const [sid, interval, timeout, maxPayload, ...upgrades] = js;
  // Numbers as src/bindings/host.rs reads them (`as u64`: -0 is 0).
  const u64 = (n: unknown) => Number(n) || 0;
  return difference(
    { sid, interval: u64(interval), timeout: u64(timeout), maxPayload: u64(maxPayload), upgrades },
    {
      sid: rust.sid,
      interval: rust.ping_interval,
      timeout: rust.ping_timeout,
      maxPayload: rust.max_payload,
      upgrades: rust.upgrades,
    },
  );
}

/** The Rust reference's answers, one per case. */
function runReference(cases: Case[]): unknown[] {
  const input = cases.map((c) => JSON.stringify(c)).join("\n") + "\n";
  const run = spawnSync("cargo", ["run", "--quiet", "--example", "reference"], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    // The first run compiles the example (and the crate, in the dev profile).
    timeout: 600_000,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`cargo run --example reference: exit ${run.status}\n${run.stderr}`);
  const lines = run.stdout.split("\n").filter((l) => l !== "");
  if (lines.length !== cases.length) throw new Error(`${lines.length} answers for ${cases.length} cases`);
  return lines.map((l) => JSON.parse(l) as unknown);
}

// ------------------------------------------------------------------- tests

describe("js/codec.ts and the Rust reference codec agree", () => {
  const sources: [string, Case[]][] = [];
  let outcome: Outcome;

  beforeAll(() => {
    const cases = [...vectorCases(), ...corpusCases(), ...generatedCases(GENERATED)];
    const answers = runReference(cases);
    const tally: Tally = {};
    const disagreements: string[] = [];
    cases.forEach((c, i) => {
      const answer = answers[i] as RustPacket & RustHandshake;
      const why =
        answer.input_error !== undefined
          ? `the reference could not read it: ${answer.input_error}`
          : c.kind === "packet"
            ? comparePacket(c, answer, tally)
            : compareHandshake(c, answer, tally);
      if (why !== undefined) disagreements.push(`${show(c)}: ${why}`);
    });
    const bySource = new Map<string, Case[]>();
    for (const c of cases) {
      const list = bySource.get(c.source) ?? [];
      list.push(c);
      bySource.set(c.source, list);
    }
    sources.push(...bySource);
    outcome = { tally, disagreements };
    if (REPORT) writeFileSync(REPORT, disagreements.join("\n") + "\n");
    const kinds = Object.entries(tally).map(([k, [yes, no]]) => `${k} ${yes + no} (${yes} accepted, ${no} refused)`);
    const from = sources.map(([s, list]) => `${s} ${list.length}`);
    console.log(
      `differential: ${cases.length} cases [${from.join(", ")}]: ${kinds.join(", ")}; ` +
        `${disagreements.length} disagreements`,
    );
  }, 600_000);

  it("gives the same answer for every input", () => {
    // The first few (set DIFFERENTIAL_REPORT=file for all of them, uncut).
    expect(outcome.disagreements.slice(0, 20), `${outcome.disagreements.length} disagreements`).toEqual([]);
  });

  it("covers every source, and accepted and refused inputs of every kind", () => {
    expect(sources.map(([s]) => s).sort()).toEqual([
      "fuzz/engine_text",
      "fuzz/json_scanner",
      "fuzz/sio_packet",
      "generated",
      "vectors/engine_*.txt",
      "vectors/socketio.txt",
    ]);
    for (const kind of ["event", "ack", "connect", "connect_error", "handshake"]) {
      const [accepted, refused] = outcome.tally[kind] ?? [0, 0];
      expect(accepted, `${kind} accepted`).toBeGreaterThan(50);
      expect(refused, `${kind} refused`).toBeGreaterThan(50);
    }
  });
});
