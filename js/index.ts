// socketio-wasm: socket.io-client's API over a Rust/wasm core.
//
// This file adapts calling conventions (variadic arguments, trailing ack
// callbacks, flags, `using`), keeps the listeners, and types. Every protocol
// decision is the core's (wasm); the browser resources are js/runtime.ts's;
// bodies are encoded and parsed by js/codec.ts.
import { ready, wasmMemoryBytes } from "./wasm.js";
import { Info, Output, Setting, State, version } from "../pkg/socketio_wasm.js";
import { content, Content, encodeBody, parseBody, readBlobs, type Binary } from "./codec.js";
import {
  LateSocket,
  now,
  report,
  RESERVED,
  Runtime,
  TransportError,
  type CloseDetails,
  type CoreOptions,
  type EnginePacketType,
  type RequestOptions,
} from "./runtime.js";
import type { DurableEntry, DurableEvents, DurableOptions, Outbox } from "./durable.js";
import {
  connectionStats,
  RttWindow,
  socketStats,
  statsInterval,
  statsVersion,
  type ConnectionStats,
  type SocketStats,
} from "./stats.js";

export { ready, version, wasmMemoryBytes, TransportError, type CloseDetails, type RequestOptions };
export { isErrorAck } from "./ack-shape.js";
import { isErrorAck } from "./ack-shape.js";
export type { DurableEntry, DurableEvents, DurableOptions } from "./durable.js";
export {
  RTT_WINDOW,
  statsInterval,
  statsVersion,
  type ConnectionStats,
  type HeartbeatStats,
  type RttStats,
  type SocketStats,
} from "./stats.js";


// ---------------------------------------------------------------- types ----

/**
 * A map from event names to listener signatures, as in socket.io's types.
 * The `any` is what lets an `interface ServerToClientEvents { ... }` (which
 * has no index signature) satisfy the constraint; values are still read as
 * functions through `EventParams`.
 */
export interface EventsMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [event: string]: any;
}

/** The default: any event, any arguments. */
export interface DefaultEventsMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [event: string]: (...args: any[]) => void;
}

export type EventNames<Map extends EventsMap> = keyof Map & string;
export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

type Last<T extends unknown[]> = T extends [...unknown[], infer L] ? L : never;
type AllButLast<T extends unknown[]> = T extends [...infer H, unknown] ? H : T;
/** The first argument the server's acknowledgement passes to the ack callback. */
/**
 * What `emitWithAck` resolves with: the ack callback's first argument, or
 * its second for a callback that `timeout()` decorated, `(err: Error, value)`.
 */
type AckResult<F> = F extends (...args: infer A) => unknown ? (A extends [Error, infer V, ...unknown[]] ? V : A[0]) : never;

/** Disconnect reasons, exactly socket.io-client's. */
export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error"
  | "forced close";

/**
 * A `connect_error`: a refusal by the server's middleware carries its `data`
 * (`next(err)` with `err.data`); a transport failure is a `TransportError`,
 * with `type`, `description` and `context`.
 */
export interface ExtendedError extends Error {
  data?: unknown;
  type?: string;
  description?: unknown;
  context?: unknown;
}

/**
 * The second argument of `disconnect` and of the Manager's `close`, as
 * socket.io-client's: the `TransportError` of a `"transport error"`, the
 * decoder's `Error` of a `"parse error"`, `{ description, context }` (the
 * `CloseEvent`) of a `"transport close"`; none for the other reasons.
 */
export type DisconnectDescription = Error | CloseDetails;

export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (error: ExtendedError) => void;
  disconnect: (reason: DisconnectReason, description?: DisconnectDescription) => void;
}
/** The former name of `SocketReservedEvents`. */
export type ReservedSocketEvents = SocketReservedEvents;

type PrependTimeoutError<T extends unknown[]> = {
  [K in keyof T]: T[K] extends (...args: infer P) => infer R ? (err: Error, ...args: P) => R : T[K];
};

/**
 * The events of `socket.timeout(ms)`: each acknowledgement callback gets
 * the timeout error first, `(err, ...answer)`, as in socket.io-client.
 */
export type DecorateAcknowledgements<E> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R ? (...args: PrependTimeoutError<P>) => R : E[K];
};

export interface ManagerReservedEvents {
  open: () => void;
  close: (reason: DisconnectReason, description?: DisconnectDescription) => void;
  error: (error: Error) => void;
  ping: () => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect: (attempt: number) => void;
  reconnect_error: (error: Error) => void;
  reconnect_failed: () => void;
}

/** The Manager's options; those the runtime reads at each request are `RequestOptions`'s. */
export interface ManagerOptions extends RequestOptions {
  /** Engine.IO path on the server. Default `"/socket.io"`. */
  path?: string;
  /**
   * One connection for all the tabs of this origin that use this server
   * (and this `shareKey`): the tab that holds it serves the others over a
   * BroadcastChannel, and another takes over when it goes. It is a
   * WebSocket (`transports` is `["websocket"]`). Ignored with `forceNew`.
   */
  shareAcrossTabs?: boolean;
  /**
   * Which tabs share (with `shareAcrossTabs`): tabs with other keys never
   * do. Default: a hash of the `auth` object, or of the first answer of an
   * `auth` function, so that two users in one browser never share.
   */
  shareKey?: string;
  /**
   * Query parameters sent with every request. (A string, `"a=1&b=2"`, is
   * taken too, as engine.io-client does; typed as an object so that
   * `{ ...opts.query, n }` compiles.)
   */
  query?: Record<string, string>;
  /** Without a URI: the server's host name (default: the page's), `port`, and `secure` (https). */
  hostname?: string;
  /** engine.io-client's former name of `hostname`. */
  host?: string;
  port?: string | number;
  secure?: boolean;
  /**
   * Transports, in order. Default `["polling", "websocket"]`.
   * `"webtransport"` is skipped (not supported).
   */
  transports?: ("polling" | "websocket" | "webtransport")[];
  /** When the first transport fails before the connection opens, try the other. Default false. */
  tryAllTransports?: boolean;
  /** Upgrade polling to WebSocket. Default true. */
  upgrade?: boolean;
  /** Start with WebSocket when it worked before. Default false. */
  rememberUpgrade?: boolean;
  /** Connection timeout in ms, or false. Default 20000. */
  timeout?: number | false;
  /** Connect on creation. Default true. */
  autoConnect?: boolean;
  /** A new connection even when one to the same server exists. */
  forceNew?: boolean;
  /** Share one connection per server. Default true. */
  multiplex?: boolean;
  reconnection?: boolean;
  reconnectionAttempts?: number;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  randomizationFactor?: number;
  /** Send cookies with cross-origin polling requests. Default false. */
  withCredentials?: boolean;
  /** End `path` with a `/`. Default true. */
  addTrailingSlash?: boolean;
  /** A random parameter on every request (default: on polling requests only). */
  timestampRequests?: boolean;
  /** Its name. Default `"t"`. */
  timestampParam?: string;
  /**
   * On `beforeunload`, close the transports without telling the app (no
   * `disconnect` while the page goes); if the page stays, it reconnects.
   * Default false.
   */
  closeOnBeforeunload?: boolean;
  /** Only `false`: binary goes as binary (a `true` throws). */
  forceBase64?: false;
}

export interface SocketOptions {
  /** The CONNECT payload, or a function that supplies it on every (re)connection. */
  auth?: object | ((callback: (data: object) => void) => void);
  /** Default acknowledgement timeout in ms (acks become error-first). */
  ackTimeout?: number;
  /** Retries of an unacknowledged emit (needs `ackTimeout`). */
  retries?: number;
  /** Bound of the offline send buffer (default 1000). */
  maxBufferedPackets?: number;
  /** Bound of the emits waiting for an ack (default 1000). */
  maxPendingAcks?: number;
  /**
   * Every emit is kept in IndexedDB until the server acknowledges it, and
   * sent again (with its message id, which `socketio-wasm/server` dedupes)
   * on every connection and after a reload; numbered server events are
   * handed over once. See `socket.durable`.
   */
  durable?: boolean | DurableOptions;
}

// ------------------------------------------------------------ listeners ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => void;

/** One listener registration. */
interface Registration {
  readonly fn: AnyFn;
  readonly once: boolean;
}

/** The listeners of one emitter: named ones, and the two catch-all lists. */
class Listeners {
  readonly named = new Map<string, Registration[]>();
  readonly any: Registration[] = [];
  readonly outgoing: Registration[] = [];

  list(event: string): Registration[] {
    let list = this.named.get(event);
    if (list === undefined) {
      list = [];
      this.named.set(event, list);
    }
    return list;
  }

  /** Adds `fn` to `list` (front when `prepend`); the handle removes exactly it. */
  add(list: Registration[], fn: unknown, once: boolean, prepend: boolean, event: string): ListenerHandle {
    if (typeof fn !== "function") {
      throw new TypeError(`the listener of "${event}" must be a function, got ${typeof fn}`);
    }
    const registration: Registration = { fn: fn as AnyFn, once };
    if (prepend) list.unshift(registration);
    else list.push(registration);
    return new ListenerHandle(list, registration);
  }

  /** The registrations to call for one event, once-listeners removed first. */
  static take(list: Registration[] | undefined): Registration[] | undefined {
    if (list === undefined || list.length === 0) return undefined;
    const calls = list.slice();
    for (const r of calls) if (r.once) remove(list, r);
    return calls;
  }
}

function remove(list: Registration[], registration: Registration): boolean {
  const at = list.indexOf(registration);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

/** `off(event, fn)`: the first registration of `fn`, as socket.io-client; `off(event)`: all. */
function removeFunction(list: Registration[] | undefined, fn: AnyFn | undefined): void {
  if (list === undefined) return;
  if (fn === undefined) {
    list.length = 0;
    return;
  }
  const at = list.findIndex((r) => r.fn === fn);
  if (at >= 0) list.splice(at, 1);
}

/** Calls the registrations of `list` (once-listeners removed first) with `self` as `this`; false when there were none. */
function fire(list: Registration[] | undefined, self: unknown, args: unknown[]): boolean {
  const calls = Listeners.take(list);
  if (calls) for (const r of calls) call(r.fn, self, args);
  return calls !== undefined;
}

/** Calls `fn` with `args` as `self`; an exception is reported as an uncaught one would be, and delivery goes on. */
function call(fn: AnyFn, self: unknown, args: unknown[]): void {
  try {
    if (args.length === 1) fn.call(self, args[0]);
    else fn.apply(self, args);
  } catch (error) {
    report(error);
  }
}

/**
 * A listener registration; `off()` removes exactly it. Works with `using`.
 */
export class ListenerHandle {
  readonly #list: Registration[];
  readonly #registration: Registration;
  /** Stops what feeds the listener (a timer), when there is such a thing. */
  readonly #stop: (() => void) | undefined;
  /** @internal */
  constructor(list: Registration[], registration: Registration, stop?: () => void) {
    this.#list = list;
    this.#registration = registration;
    this.#stop = stop;
  }
  /** Removes the listener; true the first time, false after. */
  off(): boolean {
    const removed = remove(this.#list, this.#registration);
    if (removed) this.#stop?.();
    return removed;
  }
  [Symbol.dispose](): void {
    this.off();
  }
}

// ---------------------------------------------------------------- options --

/** The parts of an `io()` URL. */
interface ParsedUri {
  secure: boolean;
  hostPort: string;
  nsp: string;
  /** The URL's own query parameters. */
  query: [string, string][];
  path: string;
}

/**
 * The query a request carries, for the core: the URL's parameters, then
 * `extra`'s (`opts.query`, which win), names and values each ended by a NUL.
 */
function encodeQuery(url: [string, string][], extra: unknown): string {
  const query = new Map<string, string>(url);
  // A string query ("a=1&b=2"), as engine.io-client takes it.
  if (typeof extra === "string") extra = Object.fromEntries(new URLSearchParams(extra));
  if (extra !== null && typeof extra === "object") {
    for (const [name, value] of Object.entries(extra)) {
      query.delete(name);
      query.set(name, typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
    }
  }
  let out = "";
  for (const [name, value] of query) {
    if (name.includes("\0") || value.includes("\0")) {
      throw new TypeError(`query parameter "${name}" holds a NUL character`);
    }
    out += `${name}\0${value}\0`;
  }
  return out;
}

function parseUri(uri: string, options: Partial<ManagerOptions>): ParsedUri {
  const location = (globalThis as { location?: Location }).location;
  // socket.io-client's rules: the page's origin by default; `//host` takes
  // the page's protocol, `/nsp` the page's host; a URI without a scheme
  // (`localhost:3000`, `example.com/chat`) the page's protocol (https
  // without a page).
  const protocol = location?.protocol ?? "https:";
  if (!uri) {
    // No URI: engine.io-client's `hostname` (or `host`), `port`, `secure`, over the page's.
    const o = options as Record<string, unknown>;
    const host = o.hostname ?? o.host;
    const secure = o.secure === undefined ? location?.protocol === "https:" : o.secure === true;
    const port = o.port ?? (host === undefined ? location?.port : undefined);
    uri = `${secure ? "https" : "http"}://${String(host ?? location?.hostname ?? "localhost")}${port ? `:${String(port)}` : ""}`;
  }
  else if (uri.startsWith("//")) uri = protocol + uri;
  else if (uri.startsWith("/") && location) uri = location.host + uri;
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(uri)) uri = `${protocol}//${uri}`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TypeError(`invalid URL "${uri}"`);
  }
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  if (!secure && url.protocol !== "http:" && url.protocol !== "ws:") {
    throw new TypeError(`unsupported protocol "${url.protocol}" in "${uri}" (use http, https, ws or wss)`);
  }
  return {
    secure,
    hostPort: url.host,
    nsp: url.pathname || "/",
    query: [...url.searchParams],
    path: typeof options.path === "string" ? options.path : "/socket.io",
  };
}

/** The key of a connection: scheme, host, port and Engine.IO path (the query does not count, as in socket.io-client). */
function keyOf(parsed: ParsedUri): string {
  return `${parsed.secure ? "https" : "http"}://${parsed.hostPort}${parsed.path}`;
}

function bool(options: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`option "${name}" must be a boolean`);
  return value;
}

/** A non-negative number option, or `fallback` when absent. */
function number(options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0)) {
    throw new TypeError(`option "${name}" must be a non-negative number`);
  }
  return value;
}

/**
 * `transports` as the core takes it: digits in order, 1 polling, 2 WebSocket,
 * each name once (a repeat changes neither which comes first nor which are
 * there, all the core asks; so the core has four lists to know, no digits to loop over).
 */
function transportDigits(transports: unknown): number {
  if (transports === undefined) return 12;
  if (!Array.isArray(transports)) throw new TypeError('option "transports" must be an array');
  let digits = 0;
  for (const name of transports as unknown[]) {
    if (name === "polling" || name === "websocket") {
      const digit = name === "polling" ? 1 : 2;
      if (digits !== digit && digits < 10) digits = digits * 10 + digit;
    }
    // webtransport is not supported; skipped as a client without it would.
    else if (name !== "webtransport") {
      throw new TypeError('option "transports" accepts "polling", "websocket" (and skips "webtransport")');
    }
  }
  if (digits === 0) throw new TypeError('option "transports" names no usable transport');
  return digits;
}

/** A `Record<string, string>` option (headers, a query), or undefined. */
function stringRecord(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Object.values(value).some((v) => typeof v !== "string")) {
    throw new TypeError(`option "${name}" must be an object of strings`);
  }
  return value as Record<string, string>;
}

/** Checks the options the runtime reads at each request (js/runtime.ts `RequestOptions`). */
/** What `transportOptions` may set per transport (the rest are the Manager's, set at the top level). */
const TRANSPORT_SETTINGS = { polling: ["extraHeaders", "query"], websocket: ["query", "protocols"], webtransport: [] } as const;

function checkRequestOptions(o: Partial<ManagerOptions>, transports: number): void {
  const polling = o.transportOptions?.polling;
  const headers = stringRecord(o.extraHeaders, "extraHeaders") ?? stringRecord(polling?.extraHeaders, "transportOptions.polling.extraHeaders");
  if (headers !== undefined && Object.keys(headers).length > 0 && transports === 2) {
    throw new TypeError(
      'option "extraHeaders": a browser cannot set WebSocket headers, and transports ["websocket"] has no polling request to carry them (send them in `auth` or `query`)',
    );
  }
  for (const [transport, settings] of Object.entries(o.transportOptions ?? {})) {
    const known = (TRANSPORT_SETTINGS as Record<string, readonly string[]>)[transport];
    for (const key of Object.keys(settings ?? {})) {
      if (!known?.includes(key)) {
        throw new TypeError(`option "transportOptions.${transport}.${key}": not supported (set it at the top level)`);
      }
    }
  }
  stringRecord(polling?.query, "transportOptions.polling.query");
  stringRecord(o.transportOptions?.websocket?.query, "transportOptions.websocket.query");
  for (const [name, protocols] of [
    ["protocols", o.protocols],
    ["transportOptions.websocket.protocols", o.transportOptions?.websocket?.protocols],
  ] as const) {
    if (protocols !== undefined && typeof protocols !== "string" && !(Array.isArray(protocols) && protocols.every((p) => typeof p === "string"))) {
      throw new TypeError(`option "${name}" must be a string or an array of strings`);
    }
  }
  number(o as Record<string, unknown>, "requestTimeout", 0);
  const r = o as Record<string, unknown>;
  if (r.forceBase64 === true) {
    throw new TypeError('option "forceBase64": not supported (binary goes as binary on both transports)');
  }
  // The wire codecs are the core's: a custom parser would silently not be spoken.
  if (r.parser !== undefined) throw new TypeError('option "parser": not supported (the core speaks the default Socket.IO parser)');
  if (r.transportImplementations !== undefined) {
    throw new TypeError('option "transportImplementations": not supported (the runtime owns the transports)');
  }
}

function coreOptions(parsed: ParsedUri, options: Partial<ManagerOptions>): CoreOptions {
  const o = options as Record<string, unknown>;
  const transports = transportDigits(o.transports);
  checkRequestOptions(options, transports);
  const stamps = o.timestampRequests;
  if (stamps !== undefined) bool(o, "timestampRequests", false);
  const param = o.timestampParam ?? "t";
  if (typeof param !== "string" || param === "") throw new TypeError('option "timestampParam" must be a non-empty string');
  return {
    secure: parsed.secure,
    hostPort: parsed.hostPort,
    path: parsed.path,
    query: encodeQuery(parsed.query, options.query),
    transports,
    upgrade: bool(o, "upgrade", true),
    rememberUpgrade: bool(o, "rememberUpgrade", false),
    timeout: o.timeout === false ? -1 : number(o, "timeout", 20_000),
    reconnection: bool(o, "reconnection", true),
    // As socket.io-client's constructor: 0 stands for the default.
    reconnectionAttempts: number(o, "reconnectionAttempts", Infinity) || Infinity,
    reconnectionDelay: number(o, "reconnectionDelay", 1000) || 1000,
    reconnectionDelayMax: number(o, "reconnectionDelayMax", 5000) || 5000,
    randomizationFactor: Math.min(number(o, "randomizationFactor", 0.5), 1),
    withCredentials: bool(o, "withCredentials", false),
    engine:
      (bool(o, "tryAllTransports", false) ? 1 : 0) |
      (bool(o, "addTrailingSlash", true) ? 2 : 0) |
      ((stamps === undefined ? 0 : stamps ? 1 : 2) << 2),
    timestampParam: param,
  };
}

// ----------------------------------------------------------------- engine --

/** The Engine.IO events `engine.on()` takes: engine.io-client's, but `handshake`, `upgrading`, `flush`, `data` and `message`. */
export interface EngineEvents {
  open: () => void;
  close: (reason: DisconnectReason, description?: DisconnectDescription) => void;
  error: (error: Error) => void;
  ping: () => void;
  upgrade: (transport: { name: "polling" | "websocket" }) => void;
  upgradeError: (error: Error) => void;
  /** An Engine.IO packet received on the current transport. */
  packet: (packet: EnginePacket) => void;
  /** An Engine.IO packet sent on the current transport. */
  packetCreate: (packet: EnginePacket) => void;
  /** Everything written so far has gone out (a POST answered, a WebSocket send done). */
  drain: () => void;
  /** Right after `ping`: the pong is on its way. */
  pong: () => void;
  /** A packet arrived: the server is alive. */
  heartbeat: () => void;
}

export type { EnginePacketType };

/** An Engine.IO packet, as engine.io-client reports it: `data` is the Socket.IO packet of a `message`. */
export interface EnginePacket {
  type: EnginePacketType;
  data?: string | ArrayBuffer | ArrayBufferView;
}

const ENGINE_EVENTS: ReadonlySet<string> = new Set([
  "open",
  "close",
  "error",
  "ping",
  "upgrade",
  "upgradeError",
  "packet",
  "packetCreate",
  "drain",
  "pong",
  "heartbeat",
]);
const MANAGER_EVENTS: ReadonlySet<string> = new Set([
  "open",
  "close",
  "error",
  "ping",
  "reconnect_attempt",
  "reconnect",
  "reconnect_error",
  "reconnect_failed",
]);

/**
 * `event`, when `emitter` reports it: an event that would never fire is
 * refused, not silently ignored (the Manager's `packet`, engine.io-client's
 * `heartbeat`, ...).
 */
function checkEvent<Ev extends string>(emitter: string, event: Ev, known: ReadonlySet<string>): Ev {
  if (!known.has(event)) {
    throw new TypeError(`${emitter}.on("${event}"): not reported by socketio-wasm (it reports ${[...known].join(", ")})`);
  }
  return event;
}

/** Events that make the runtime report packets (it decodes nothing for them otherwise). */
const TAPPED_EVENTS: ReadonlySet<string> = new Set(["packet", "packetCreate", "drain", "heartbeat"]);

/**
 * The Engine.IO connection under a Manager (socket.io-client's
 * `manager.engine`): its session id, transport, state and events.
 */
export class Engine {
  readonly #runtime: Runtime;
  readonly #manager: Manager;
  readonly #listeners = new Listeners();
  #transport: "polling" | "websocket" = "polling";

  /** @internal created by the Manager */
  constructor(runtime: Runtime, manager: Manager) {
    this.#runtime = runtime;
    this.#manager = manager;
  }

  /** The Engine.IO protocol revision (engine.io-client's `Socket.protocol`). */
  static readonly protocol = 4;
  /** Binary arrives as `ArrayBuffer`s. */
  get binaryType(): "arraybuffer" {
    return "arraybuffer";
  }

  /** The Engine.IO session id (what the server knows this connection by), once open. */
  get id(): string | undefined {
    return this.#runtime.core.info(Info.EngineId, 0);
  }
  /** The current transport (the last one, when closed). */
  get transport(): { readonly name: "polling" | "websocket" } {
    this.observe();
    return { name: this.#transport };
  }
  /** @internal notes the transport while open (the Manager calls it on open and upgrade), so that it outlives the close. */
  observe(): void {
    const state = this.#runtime.core.state(State.Engine, 0);
    if ((state & 3) === 2) this.#transport = state & 4 ? "websocket" : "polling";
  }
  get readyState(): "opening" | "open" | "closed" {
    const ready = this.#runtime.core.state(State.Engine, 0) & 3;
    return ready === 2 ? "open" : ready === 1 ? "opening" : "closed";
  }
  /**
   * Closes the connection, as `manager.disconnect()` does: without
   * reconnecting (socket.io-client's Manager reconnects after its engine
   * closes; `manager.open()` does it here).
   */
  close(): this {
    this.#manager.disconnect();
    return this;
  }

  on<Ev extends keyof EngineEvents>(event: Ev, listener: EngineEvents[Ev]): this {
    this.#check(event);
    this.#listeners.add(this.#listeners.list(event), listener, false, false, event);
    return this;
  }
  once<Ev extends keyof EngineEvents>(event: Ev, listener: EngineEvents[Ev]): this {
    this.#check(event);
    this.#listeners.add(this.#listeners.list(event), listener, true, false, event);
    return this;
  }
  off<Ev extends keyof EngineEvents>(event?: Ev, listener?: EngineEvents[Ev]): this {
    if (event === undefined) this.#listeners.named.clear();
    else removeFunction(this.#listeners.named.get(event), listener as AnyFn | undefined);
    return this;
  }

  removeListener<Ev extends keyof EngineEvents>(event?: Ev, listener?: EngineEvents[Ev]): this {
    return this.off(event, listener);
  }
  removeAllListeners<Ev extends keyof EngineEvents>(event?: Ev): this {
    return this.off(event);
  }
  listeners<Ev extends keyof EngineEvents>(event: Ev): EngineEvents[Ev][] {
    return (this.#listeners.named.get(event) ?? []).map((r) => r.fn as EngineEvents[Ev]);
  }
  hasListeners<Ev extends keyof EngineEvents>(event: Ev): boolean {
    return (this.#listeners.named.get(event)?.length ?? 0) > 0;
  }

  /** Events that would never fire are refused, not silently ignored. */
  #check(event: string): void {
    checkEvent("engine", event, ENGINE_EVENTS);
    if (TAPPED_EVENTS.has(event) && this.#runtime.tap === undefined) {
      this.#runtime.tap = {
        packet: (created, type, data) => {
          this.emitLocal(created ? "packetCreate" : "packet", [data === undefined ? { type } : { type, data }]);
          if (!created) this.emitLocal("heartbeat", []);
        },
        drain: () => this.emitLocal("drain", []),
      };
    }
  }

  /** @internal */
  emitLocal(event: string, args: unknown[]): void {
    fire(this.#listeners.named.get(event), this, args);
  }
}

// ---------------------------------------------------------------- Manager --

/** An emit waiting for its acknowledgement. */
interface PendingAck {
  readonly fn: AnyFn;
  /** Called `(null, ...answer)`. */
  readonly errorFirst: boolean;
  /** When it went out (the core's clock), for the round trip; NaN when it was buffered. */
  readonly sentAt: number;
}

/** `onStats`'s options. */
export interface StatsOptions {
  /** At most one call per this many ms (default 1000). */
  intervalMs?: number;
}

/** `L`, `E`: the event maps of the sockets it makes by default (types only, as socket.io-client's). */
export class Manager<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L> {
  readonly #runtime: Runtime;
  readonly #options: Partial<ManagerOptions & SocketOptions>;
  readonly #sockets = new Map<string, Socket>();
  /** By the core's socket index. */
  readonly #byIndex: Socket[] = [];
  readonly #listeners = new Listeners();
  /** Emits waiting for an acknowledgement, by the core's request. */
  readonly #acks = new Map<number, PendingAck>();
  readonly #rtt = new RttWindow();
  #lastError: ConnectionStats["lastError"] = null;
  readonly autoConnect: boolean;
  /** The Engine.IO connection (socket.io-client's `manager.engine`). */
  readonly engine: Engine;
  /**
   * The options, live as socket.io-client's: a `query` set here (or changed
   * in a `reconnect_attempt` listener) is what the next request sends.
   */
  readonly opts: Partial<ManagerOptions & SocketOptions>;
  /** The URL's own query parameters, under `opts.query`'s. */
  readonly #urlQuery: [string, string][];
  /** @internal the server this Manager connects to (scheme, host, port, path), which names durable outboxes. */
  readonly serverKey: string;
  /** What the core was last told the query is. */
  #query: string;
  /** What the core was last told the transports are. */
  #transports: number;
  /** `shareAcrossTabs`: this Manager's WebSocket may be another tab's. */
  readonly #shared: boolean;
  #tabRole: "leader" | "follower" | undefined;

  /**
   * With `shareAcrossTabs`: `"leader"` when this tab holds the connection
   * the tabs share, `"follower"` when another tab does (set at each
   * connection, so read it on `connect`); `undefined` before the first
   * election, and without the option.
   */
  get tabRole(): "leader" | "follower" | undefined {
    return this.#tabRole;
  }

  /** Gives the runtime the share group's WebSockets (js/share.ts, loaded now). */
  #share(options: Partial<ManagerOptions & SocketOptions>): void {
    const manager = {
      open: () => {
        this.open();
      },
      socket: (nsp: string) => this.socket(nsp),
      namespaces: () => [...this.#sockets.keys()],
      role: (leader: boolean) => {
        this.#tabRole = leader ? "leader" : "follower";
      },
      codec: {
        parseBody: (text: string, start: number, event: boolean, attachments: ArrayBuffer[] | undefined) =>
          parseBody(text, start, event, attachments, RESERVED),
        encodeBody: (args: unknown[], attachments: ArrayBuffer[]) =>
          encodeBody(args, content(args, true) === Content.Binary, attachments as Binary[]),
      },
    };
    const name = shareKey(options).then((key) => `${this.serverKey}|${key}`);
    this.#runtime.openSocket = (url, protocols) =>
      new LateSocket(Promise.all([import("./share.js"), name]).then(([share, group]) => share.open(group, manager, url, protocols)));
  }

  constructor(
    uri?: string | Partial<ManagerOptions & SocketOptions>,
    options: Partial<ManagerOptions & SocketOptions> = {},
  ) {
    if (typeof uri === "object") {
      options = uri;
      uri = undefined;
    }
    this.#options = options;
    this.opts = options;
    const parsed = parseUri(uri ?? "", options);
    this.serverKey = `${parsed.secure ? "https" : "http"}://${parsed.hostPort}${parsed.path}`;
    this.#urlQuery = parsed.query;
    const core = coreOptions(parsed, options);
    this.#shared = options.shareAcrossTabs === true && options.forceNew !== true;
    if (this.#shared) core.transports = 2;
    this.#query = core.query;
    this.#transports = core.transports;
    this.#runtime = new Runtime(
      core,
      options,
      (kind, socket, n, text, value) => this.#deliver(kind, socket, n, text, value),
      () => this.syncOptions(),
    );
    this.engine = new Engine(this.#runtime, this);
    if (this.#shared) this.#share(options);
    if (bool(options as Record<string, unknown>, "closeOnBeforeunload", false)) {
      globalThis.addEventListener?.("beforeunload", () => this.#runtime.unload());
    }
    this.autoConnect = options.autoConnect !== false;
    if (this.autoConnect) this.open();
  }

  /** The socket of namespace `nsp` (one per namespace on this Manager). */
  socket<SL extends EventsMap = L, SE extends EventsMap = E>(nsp: string, options: SocketOptions = {}): Socket<SL, SE> {
    let socket = this.#sockets.get(nsp);
    if (!socket) {
      const o = { ...this.#options, ...options } as Record<string, unknown>;
      const ackTimeout = o.ackTimeout === undefined ? -1 : number(o, "ackTimeout", 0);
      const index = this.#runtime.socket(
        nsp,
        ackTimeout,
        number(o, "retries", 0),
        number(o, "maxBufferedPackets", 1000),
        number(o, "maxPendingAcks", 1000),
      );
      socket = new Socket(this, this.#runtime, index, nsp, o as SocketOptions, ackTimeout >= 0);
      this.#sockets.set(nsp, socket);
      this.#byIndex[index] = socket;
    } else if (this.autoConnect && !socket.active) {
      socket.connect();
    }
    return socket as unknown as Socket<SL, SE>;
  }

  /**
   * Transports open plus the armed timer: 0 once every socket of this
   * Manager has disconnected (nothing left running). For tests and debugging.
   */
  get liveResources(): number {
    return this.#runtime.liveResources;
  }

  /**
   * @internal The core's reconnection: the attempt number (from 1) while a
   * reconnection is scheduled or under way, else 0.
   */
  get reconnectAttempt(): number {
    return this.#runtime.core.state(State.Engine, 0) >> 3;
  }

  /** @internal used by io() to decide whether a namespace is already taken. */
  hasSocket(nsp: string): boolean {
    return this.#sockets.has(nsp);
  }

  open(callback?: (error?: Error) => void): this {
    // Already open: nothing happens, `callback` is not called (socket.io-client).
    if (callback && this.engine.readyState !== "open") {
      const l = this.#listeners;
      const opened = l.add(l.list("open"), () => {
        failed.off();
        callback();
      }, true, false, "open");
      const failed = l.add(l.list("error"), (error: Error) => {
        opened.off();
        callback(error);
      }, true, false, "error");
    }
    this.syncOptions();
    this.#runtime.core.open(now(), callback ? 2 : 1);
    this.#runtime.drain();
    return this;
  }

  /** @internal hands what the app changed in `opts` to the core, before it may open a connection. */
  syncOptions(): void {
    let query: string;
    try {
      query = encodeQuery(this.#urlQuery, this.opts.query);
    } catch (error) {
      report(error);
      return;
    }
    if (query !== this.#query) {
      this.#query = query;
      this.#runtime.core.setQuery(query);
    }
    let transports: number;
    try {
      transports = this.#shared ? 2 : transportDigits(this.opts.transports);
    } catch (error) {
      report(error);
      return;
    }
    if (transports !== this.#transports) {
      this.#transports = transports;
      this.#runtime.core.option(Setting.Transports, transports);
    }
  }
  connect(callback?: (error?: Error) => void): this {
    return this.open(callback);
  }
  /** Closes the connection ("forced close"); the sockets stay active and reconnect on `open()`, as socket.io-client's. */
  disconnect(): void {
    this.#runtime.core.open(now(), 0);
    this.#runtime.drain();
  }

  on<Ev extends keyof ManagerReservedEvents>(event: Ev, listener: ManagerReservedEvents[Ev]): this {
    this.subscribe(event, listener);
    return this;
  }
  once<Ev extends keyof ManagerReservedEvents>(event: Ev, listener: ManagerReservedEvents[Ev]): this {
    this.#listeners.add(this.#listeners.list(checkEvent("manager", event, MANAGER_EVENTS)), listener, true, false, event);
    return this;
  }
  /** As `on`, returning a handle that removes exactly this registration (`off()`, `using`). */
  subscribe<Ev extends keyof ManagerReservedEvents>(event: Ev, listener: ManagerReservedEvents[Ev]): ListenerHandle {
    return this.#listeners.add(this.#listeners.list(checkEvent("manager", event, MANAGER_EVENTS)), listener, false, false, event);
  }
  /** `off(event, fn)`: that listener (its first registration); `off(event)`: all of the event; `off()`: all. */
  off<Ev extends keyof ManagerReservedEvents>(event?: Ev, listener?: ManagerReservedEvents[Ev]): this {
    const named = this.#listeners.named;
    if (event === undefined) named.clear();
    else removeFunction(named.get(event), listener as AnyFn | undefined);
    return this;
  }
  removeListener<Ev extends keyof ManagerReservedEvents>(event?: Ev, listener?: ManagerReservedEvents[Ev]): this {
    return this.off(event, listener);
  }
  removeAllListeners<Ev extends keyof ManagerReservedEvents>(event?: Ev): this {
    return this.off(event);
  }
  listeners<Ev extends keyof ManagerReservedEvents>(event: Ev): ManagerReservedEvents[Ev][] {
    return (this.#listeners.named.get(event) ?? []).map((r) => r.fn as ManagerReservedEvents[Ev]);
  }
  hasListeners<Ev extends keyof ManagerReservedEvents>(event: Ev): boolean {
    return (this.#listeners.named.get(event)?.length ?? 0) > 0;
  }

  #setting(which: Setting, value: number): number {
    const out = this.#runtime.core.option(which, value);
    this.#runtime.drain();
    return out;
  }

  reconnection(): boolean;
  reconnection(value: boolean): this;
  reconnection(value?: boolean): boolean | this {
    if (value === undefined) return this.#setting(Setting.Reconnection, NaN) !== 0;
    this.#setting(Setting.Reconnection, value ? 1 : 0);
    return this;
  }
  reconnectionAttempts(): number;
  reconnectionAttempts(value: number): this;
  reconnectionAttempts(value?: number): number | this {
    if (value === undefined) return this.#setting(Setting.ReconnectionAttempts, NaN);
    this.#setting(Setting.ReconnectionAttempts, value);
    return this;
  }
  reconnectionDelay(): number;
  reconnectionDelay(value: number): this;
  reconnectionDelay(value?: number): number | this {
    if (value === undefined) return this.#setting(Setting.ReconnectionDelay, NaN);
    this.#setting(Setting.ReconnectionDelay, value);
    return this;
  }
  reconnectionDelayMax(): number;
  reconnectionDelayMax(value: number): this;
  reconnectionDelayMax(value?: number): number | this {
    if (value === undefined) return this.#setting(Setting.ReconnectionDelayMax, NaN);
    this.#setting(Setting.ReconnectionDelayMax, value);
    return this;
  }
  randomizationFactor(): number;
  randomizationFactor(value: number): this;
  randomizationFactor(value?: number): number | this {
    if (value === undefined) return this.#setting(Setting.RandomizationFactor, NaN);
    this.#setting(Setting.RandomizationFactor, value);
    return this;
  }
  timeout(): number | false;
  timeout(value: number | false): this;
  timeout(value?: number | false): number | false | this {
    if (value === undefined) {
      const ms = this.#setting(Setting.Timeout, NaN);
      return ms < 0 ? false : ms;
    }
    this.#setting(Setting.Timeout, value === false ? -1 : value);
    return this;
  }

  /** @internal an emit's acknowledgement callback, under the core's request. */
  expectAck(request: number, fn: AnyFn, errorFirst: boolean, sentAt: number): void {
    this.#acks.set(request, { fn, errorFirst, sentAt });
  }

  /**
   * What the connection is doing, as a plain object (README, "Connection
   * stats", says what each field counts). The first call also starts
   * counting bytes.
   */
  stats(): ConnectionStats {
    const runtime = this.#runtime;
    const core = runtime.core;
    runtime.measureBytes = true;
    const sockets = this.#byIndex.map((_, i) => ({ raw: core.stats(i), state: core.state(State.Socket, i) }));
    const parts = {
      sockets,
      connection: sockets[0]?.raw ?? core.stats(0),
      engineState: core.state(State.Engine, 0),
      id: core.info(Info.EngineId, 0) ?? null,
      traffic: runtime.traffic,
      lastError: this.#lastError,
      rtt: this.#rtt,
    };
    return connectionStats(parts, now(), performance.timeOrigin);
  }

  /**
   * Calls `listener` with {@link stats} at most every `intervalMs` (default
   * 1000), and only when something changed since its previous call (or,
   * for the first, since `onStats`). No timer runs once the handle is off.
   */
  onStats(listener: (stats: ConnectionStats) => void, options: StatsOptions = {}): ListenerHandle {
    if (typeof listener !== "function") throw new TypeError(`onStats: the listener must be a function, got ${typeof listener}`);
    const ms = statsInterval(options.intervalMs, "onStats");
    let seen = statsVersion(this.stats());
    const timer = setInterval(() => {
      const stats = this.stats();
      const version = statsVersion(stats);
      if (version === seen) return;
      seen = version;
      call(listener, this, [stats]);
    }, ms);
    const registration: Registration = { fn: listener as AnyFn, once: false };
    return new ListenerHandle([registration], registration, () => clearInterval(timer));
  }

  #emit(event: string, args: unknown[]): void {
    fire(this.#listeners.named.get(event), this, args);
  }

  /** What the core reports (see `Output` in src/bindings/mod.rs). */
  #deliver(kind: Output, index: number, n: number, text: string | undefined, value: unknown): void {
    switch (kind) {
      case Output.Open:
        this.engine.observe();
        this.engine.emitLocal("open", []);
        return this.#emit("open", []);
      case Output.Close: {
        const args = value === undefined ? [text] : [text, value];
        this.engine.emitLocal("close", args);
        return this.#emit("close", args);
      }
      case Output.Error: {
        const error = value instanceof Error ? value : new Error(text);
        const type = (error as { type?: unknown }).type;
        this.#lastError = { message: error.message, type: typeof type === "string" ? type : error.name };
        this.engine.emitLocal("error", [error]);
        return this.#emit("error", [error]);
      }
      case Output.Ping:
        this.engine.emitLocal("ping", []);
        // The core has answered it (engine.io-client: `ping`, the pong, `pong`).
        this.engine.emitLocal("pong", []);
        return this.#emit("ping", []);
      case Output.ReconnectAttempt:
        return this.#emit("reconnect_attempt", [n]);
      case Output.Reconnect:
        return this.#emit("reconnect", [n]);
      case Output.ReconnectError:
        return this.#emit("reconnect_error", [value instanceof Error ? value : new Error(text)]);
      case Output.ReconnectFailed:
        return this.#emit("reconnect_failed", []);
      case Output.Ack:
      case Output.AckTimeout:
      case Output.AckDisconnected:
      case Output.AckDropped: {
        // A timed-out emit leaves the send buffer: the socket's copy too.
        if (kind === Output.AckTimeout) this.#byIndex[index]?.[deliver](kind, n, text, value);
        const ack = this.#acks.get(n);
        if (ack === undefined) return;
        this.#acks.delete(n);
        // `this` is the socket, as socket.io-client calls acks.
        const socket = this.#byIndex[index];
        if (kind === Output.Ack) {
          if (!Number.isNaN(ack.sentAt)) this.#rtt.add(now() - ack.sentAt);
          const answer = value as unknown[];
          call(ack.fn, socket, ack.errorFirst ? [null, ...answer] : answer);
        } else if (kind !== Output.AckDropped) {
          call(ack.fn, socket, [new Error(text)]);
        }
        return;
      }
      case Output.Upgrade:
        this.engine.observe();
        return this.engine.emitLocal("upgrade", [{ name: text }]);
      case Output.UpgradeError:
        return this.engine.emitLocal("upgradeError", [new Error(text)]);
      default:
        this.#byIndex[index]?.[deliver](kind, n, text, value);
    }
  }
}

// ---------------------------------------------------------------- Socket ---

/** The key of Socket's delivery method (only the Manager calls it). */
const deliver = Symbol("deliver");

interface Flags {
  volatile: boolean;
  timeout: number | undefined;
}

/**
 * An emit in `socket.sendBuffer`, shaped as socket.io-client's packets
 * (which say `type` 2 and get `nsp` when flushed).
 */
export interface BufferedPacket {
  /** 2 EVENT, or 5 BINARY_EVENT when the arguments hold binary (or a Blob). */
  type: 2 | 5;
  /** `[event, ...args]`, without the ack callback. */
  data: unknown[];
  /** Always `compress: true` (compression is the browser's choice). */
  options: { compress: boolean };
  nsp: string;
  /** The ack id, when the emit waits for an acknowledgement. */
  id?: number;
}

/** An emit in the core's send buffer: its key there, its arguments, its packet. */
interface Unsent {
  readonly key: number;
  readonly args: unknown[];
  readonly packet: BufferedPacket;
}

/** An emit waiting behind a Blob being read. */
interface Waiting {
  args: unknown[] | undefined;
  readonly ack: AnyFn | undefined;
  readonly mode: number;
  readonly flags: Flags;
  readonly packet: BufferedPacket;
}

/** Per namespace: the socket's state. */
interface SocketState {
  readonly runtime: Runtime;
  readonly index: number;
  readonly listeners: Listeners;
  /** `ackTimeout` is set: plain ack callbacks are error-first. */
  readonly ackTimeout: boolean;
  auth: SocketOptions["auth"];
  /**
   * The emits of the core's send buffer, in its order (for `sendBuffer`,
   * and for the outgoing listeners, which hear them when they are flushed).
   * The core's list (`core.sendBuffer`) is the truth: an entry flushed or
   * timed out stays here until the core's event about it is delivered.
   */
  unsent: Unsent[];
  /** Emits waiting behind a Blob being read, in call order. */
  outbox: Waiting[];
  /** A durable socket's outbox (once its module is loaded). */
  durable: Outbox | undefined;
  /** A durable socket's emits made while its module loads, in call order. */
  durableEarly: [list: unknown[], ack: AnyFn | undefined, mode: number, flags: Flags][] | undefined;
}

const EMIT_ERRORS: Record<number, string> = {
  1: "send buffer full",
  2: "too many pending acknowledgements",
  3: "unknown socket",
};

/**
 * `socket.durable`, on a socket made with `durable`: its outbox (the emits
 * not acknowledged yet, kept in IndexedDB) and what it tells of them.
 */
export class Durable {
  readonly #outbox: Promise<Outbox>;
  #loaded: Outbox | undefined;
  readonly #listeners: Listeners;
  /** Settles once the emits kept by an earlier page are read back (they go first). */
  readonly ready: Promise<void>;
  /** @internal made by the socket */
  constructor(outbox: Promise<Outbox>, listeners: Listeners) {
    this.#outbox = outbox;
    this.#listeners = listeners;
    this.ready = outbox.then(async (o) => {
      await o.ready;
      this.#loaded = o;
    });
  }
  /** @internal `ready` has settled. */
  get loaded(): boolean {
    return this.#loaded !== undefined;
  }
  /** After `ready`: the emits waiting for their acknowledgement, in send order (an earlier page's first). */
  pending(): DurableEntry[] {
    return this.#loaded?.pending() ?? [];
  }
  /** Settles once every emit made so far is in IndexedDB (a page about to go can wait for it). */
  async written(): Promise<void> {
    await (await this.#outbox).written();
  }
  /** `delivered(id, response)`, `failed(id, error)`, `error(error)`; the handle removes exactly this listener. */
  on<Ev extends keyof DurableEvents>(event: Ev, listener: DurableEvents[Ev]): ListenerHandle {
    if (event !== "delivered" && event !== "failed" && event !== "error") {
      throw new TypeError(`durable.on("${String(event)}"): the events are "delivered", "failed" and "error"`);
    }
    const l = this.#listeners;
    return l.add(l.list(event), listener, false, false, event);
  }
}

/**
 * One namespace. `L`: events the server sends (listen); `E`: events this
 * client emits.
 */
export class Socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L> {
  readonly io: Manager;
  readonly nsp: string;
  readonly #state: SocketState;
  /** Set by `volatile` and `timeout()`, taken by the next emit (socket.io-client's `flags`). */
  #flags: Flags = { volatile: false, timeout: undefined };
  /** With the `durable` option: the outbox of this socket's emits. */
  readonly durable: Durable | undefined;

  /** @internal created by Manager.socket() */
  constructor(
    io: Manager,
    runtime: Runtime,
    index: number,
    nsp: string,
    options: SocketOptions,
    ackTimeout: boolean,
  ) {
    if (!(runtime instanceof Runtime)) throw new TypeError("new Socket(): use manager.socket(nsp) (or io())");
    this.io = io;
    this.nsp = nsp;
    this.#state = {
      runtime,
      index,
      listeners: new Listeners(),
      ackTimeout,
      auth: options.auth,
      unsent: [],
      outbox: [],
      durable: undefined,
      durableEarly: undefined,
    };
    const durable = options.durable;
    if (durable !== undefined && durable !== false) {
      if (durable !== true && (typeof durable !== "object" || durable === null)) {
        throw new TypeError(`option "durable" must be a boolean or an object, got ${typeof durable}`);
      }
      const settings: DurableOptions = durable === true ? {} : durable;
      const listeners = new Listeners();
      const state = this.#state;
      state.durableEarly = [];
      // Its own chunk: an app without durable sockets never loads it.
      const outbox = import("./durable.js").then(({ Outbox }) => {
        const box = new Outbox(
          {
            send: (list, ack, timeout) => {
              if (timeout !== undefined) this.#flags.timeout = timeout;
              this.#send(list, ack, ack ? 2 : 0, true);
            },
            notify: (event, args) => {
              if (!fire(listeners.named.get(event), this, args) && event === "error") report(args[0]);
            },
            isError: isErrorAck,
            id: () => this.id,
          },
          `${io.serverKey}|${nsp}|${settings.key ?? ""}`,
          settings,
        );
        state.durable = box;
        for (const [list, ack, mode, flags] of state.durableEarly?.splice(0) ?? []) {
          try {
            this.#sendDurable(box, list, ack, mode, flags);
          } catch (error) {
            // Past the outbox's bounds: thrown by `emit` had the module been loaded.
            report(error);
          }
        }
        state.durableEarly = undefined;
        return box;
      });
      this.durable = new Durable(outbox, listeners);
    }
    if (io.autoConnect) this.connect();
  }

  #core(): Runtime["core"] {
    return this.#state.runtime.core;
  }

  get id(): string | undefined {
    return this.#core().info(Info.Sid, this.#state.index);
  }
  get connected(): boolean {
    return (this.#core().state(State.Socket, this.#state.index) & 1) !== 0;
  }
  get disconnected(): boolean {
    return !this.connected;
  }
  get active(): boolean {
    return (this.#core().state(State.Socket, this.#state.index) & 2) !== 0;
  }
  get recovered(): boolean {
    return (this.#core().state(State.Socket, this.#state.index) & 4) !== 0;
  }
  /** @internal connection state recovery's session id and last offset (for the tabs' hub). */
  get recovery(): { pid: string; offset: string | undefined } | undefined {
    const joined = this.#core().info(Info.Recovery, this.#state.index);
    if (joined === undefined) return undefined;
    const at = joined.indexOf("\0");
    const offset = joined.slice(at + 1);
    return { pid: joined.slice(0, at), offset: offset === "" ? undefined : offset };
  }
  /** This namespace's events, acks and buffer (`manager.stats()` has the connection's). */
  stats(): SocketStats {
    const core = this.#core();
    const index = this.#state.index;
    return socketStats({ raw: core.stats(index), state: core.state(State.Socket, index) }, this.nsp);
  }
  get auth(): SocketOptions["auth"] {
    return this.#state.auth;
  }
  set auth(value: SocketOptions["auth"]) {
    this.#state.auth = value;
  }

  connect(): this {
    this.io.syncOptions();
    this.#core().connect(now(), this.#state.index, true);
    this.#state.runtime.drain();
    return this;
  }
  open(): this {
    return this.connect();
  }
  disconnect(): this {
    this.#core().connect(now(), this.#state.index, false);
    this.#state.runtime.drain();
    return this;
  }
  close(): this {
    return this.disconnect();
  }

  /** The next emit (of this socket, as in socket.io-client) is dropped instead of buffered while offline. */
  get volatile(): this {
    this.#flags.volatile = true;
    return this;
  }
  /** The next emit's ack fails with an error after `ms`: its callback is error-first, `(err, ...answer)`. */
  timeout(ms: number): Socket<L, DecorateAcknowledgements<E>> {
    this.#flags.timeout = ms;
    return this as unknown as Socket<L, DecorateAcknowledgements<E>>;
  }
  /** Accepted for compatibility: WebSocket compression is the browser's choice. */
  compress(_compress: boolean): this {
    return this;
  }

  /** Sends an event; a trailing function receives the server's acknowledgement. */
  emit<Ev extends EventNames<E>>(event: Ev, ...args: EventParams<E, Ev>): this {
    return this.#emit([event, ...args]);
  }

  /** `[event, ...args, ack?]`, a trailing function being the ack callback. */
  #emit(list: unknown[]): this {
    const last = list[list.length - 1];
    const ack = list.length > 1 && typeof last === "function" ? (list.pop() as AnyFn) : undefined;
    this.#send(list, ack, ack ? 1 : 0);
    return this;
  }

  /**
   * @internal For the tabs' hub (shareAcrossTabs): another tab's emit, sent
   * on this socket as it came, `answer` called with the server's answer.
   * That tab's own core times it out and retries it, so this socket's
   * `ackTimeout` and `retries` must not apply again: its retry queue would
   * make the answer error-first (the other tab would get `null` for it),
   * hold every tab's emits behind one another and send them a second time;
   * its durable outbox (with `durable`) would wrap them again. Volatile is
   * what skips that queue: the hub only relays while this socket is
   * connected on a WebSocket, which is always writable then.
   */
  relay(list: unknown[], answer: ((response: unknown[]) => void) | undefined): void {
    this.#flags = { volatile: true, timeout: undefined };
    // Error-first (mode 2) whatever the options, so that an answer is told
    // from this socket giving up (timed out, disconnected): the other tab
    // decides that on its own, by its own timeout.
    this.#send(list, answer && ((error: unknown, ...response: unknown[]) => error === null && answer(response)), answer ? 2 : 0, true);
  }

  /** `mode`: 0 no ack, 1 callback, 2 error-first; `raw`: the durable outbox's own sends. */
  #send(list: unknown[], ack: AnyFn | undefined, mode: number, raw = false): void {
    const name = list[0];
    if (typeof name !== "string") throw new TypeError("emit: the event name must be a string");
    if (RESERVED.has(name)) throw new TypeError(`"${name}" is a reserved event name`);
    const state = this.#state;
    const flags = this.#flags;
    this.#flags = { volatile: false, timeout: undefined };
    if (!raw && !flags.volatile) {
      if (state.durable) return this.#sendDurable(state.durable, list, ack, mode, flags);
      if (state.durableEarly) return void state.durableEarly.push([list, ack, mode, flags]);
    }
    const found = content(list, true);
    if (state.outbox.length === 0 && found !== Content.Blob) {
      this.#write(list, found, ack, mode, flags);
      return;
    }
    // A Blob is read first; this emit and every later one wait in the
    // outbox, so the server sees them in call order.
    const entry: Waiting = { args: undefined, ack, mode, flags, packet: this.#packet(list, found) };
    state.outbox.push(entry);
    if (found !== Content.Blob) {
      entry.args = list;
      return;
    }
    readBlobs(list).then(
      (args) => {
        entry.args = args as unknown[];
        this.#drainOutbox();
      },
      (error: unknown) => {
        report(error);
        entry.args = list;
        this.#drainOutbox();
      },
    );
  }

  #drainOutbox(): void {
    const outbox = this.#state.outbox;
    while (outbox.length > 0 && outbox[0]!.args !== undefined) {
      const { args, ack, mode, flags, packet } = outbox.shift()!;
      try {
        this.#write(args!, content(args, true), ack, mode, flags, packet);
      } catch (error) {
        report(error);
      }
    }
  }

  #packet(list: unknown[], found: Content): BufferedPacket {
    return { type: found === Content.Json ? 2 : 5, data: list, options: { compress: true }, nsp: this.nsp };
  }

  /** Encodes and hands an emit to the core; `found` is what `list` holds (no Blob any more). */
  #write(list: unknown[], found: Content, ack: AnyFn | undefined, mode: number, flags: Flags, packet?: BufferedPacket): void {
    const state = this.#state;
    const attachments: Binary[] = [];
    let json: string;
    try {
      json = encodeBody(list, found === Content.Binary, attachments);
    } catch (error) {
      throw new TypeError(
        `emit("${list[0] as string}"): the arguments cannot be serialized: ${(error as Error).message}`,
      );
    }
    const sentAt = now();
    const result = state.runtime.core.emit(
      sentAt,
      state.index,
      json,
      attachments.length > 0 ? attachments : undefined,
      mode,
      flags.timeout ?? -1,
      flags.volatile,
    );
    if (result < 0) {
      state.runtime.drain();
      throw new Error(`emit("${list[0] as string}"): ${EMIT_ERRORS[-result]}`);
    }
    // result = (request + 1) * 4 + status (2 buffered, 1 sent, 0 neither);
    // request: the ack's (-1: none), or the key in the send buffer.
    const request = Math.floor(result / 4) - 1;
    if (ack !== undefined && request >= 0) {
      this.io.expectAck(request, ack, this.#errorFirst(mode, flags), result % 4 === 1 ? sentAt : NaN);
    }
    if (result % 4 === 1) {
      const outgoing = Listeners.take(state.listeners.outgoing);
      state.runtime.drain();
      if (outgoing) for (const r of outgoing) call(r.fn, this, list);
      return;
    }
    if (result % 4 === 2) {
      packet ??= this.#packet(list, found);
      packet.data = list;
      state.unsent.push({ key: request, args: list, packet });
    }
    state.runtime.drain();
  }

  /**
   * A durable emit: into the outbox, which sends it until acknowledged. The
   * app's callback hears the answer in this page; with `timeout()`, an
   * error after that long, while delivery goes on (the `delivered` event
   * tells when it lands).
   */
  #sendDurable(outbox: Outbox, list: unknown[], ack: AnyFn | undefined, mode: number, flags: Flags): void {
    let settled = false;
    const errorFirst = ack !== undefined && this.#errorFirst(mode, flags);
    let timer: ReturnType<typeof setTimeout> | undefined;
    outbox.emit(list[0] as string, list.slice(1), ack && ((response) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      call(ack, this, mode === 2 ? [null, response[0]] : errorFirst ? [null, ...response] : response);
    }));
    if (ack && flags.timeout !== undefined) {
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        call(ack, this, [new Error("operation has timed out")]);
      }, flags.timeout);
    }
  }

  #errorFirst(mode: number, flags: Flags): boolean {
    return mode !== 1 || flags.timeout !== undefined || this.#state.ackTimeout;
  }

  /** The entries of `sendBuffer`: the core's buffer, in its order, then the emits reading a Blob. */
  #pending(): (Unsent | Waiting)[] {
    const state = this.#state;
    const list = state.runtime.core.sendBuffer(now(), state.index, undefined);
    const unsent = state.unsent;
    const out: (Unsent | Waiting)[] = [];
    for (let i = 0, j = 0; i < list.length; i += 2) {
      // The copy holds the core's entries in the same order, and maybe more.
      while (j < unsent.length && unsent[j]!.key !== list[i]) j++;
      const entry = unsent[j++];
      if (entry === undefined) break;
      if (list[i + 1]! >= 0) entry.packet.id = list[i + 1];
      out.push(entry);
    }
    return out.concat(state.outbox);
  }

  /**
   * The emits waiting to be sent (socket.io-client's `sendBuffer`): those
   * buffered while not connected, in send order, then those waiting for a
   * Blob to be read. A fresh array each time.
   */
  get sendBuffer(): BufferedPacket[] {
    return this.#pending().map((e) => e.packet);
  }

  /**
   * `[]` drops every emit waiting; an array of packets read from
   * `sendBuffer` keeps exactly those, sent in its order. The acks of the
   * dropped emits settle at once: error-first ones (emitWithAck,
   * `timeout()`, `ackTimeout`) with an Error "removed from the send
   * buffer", plain callbacks are dropped. Anything else throws a TypeError.
   */
  set sendBuffer(packets: readonly BufferedPacket[]) {
    const state = this.#state;
    if (!Array.isArray(packets)) throw new TypeError("sendBuffer: expected an array (of packets read from socket.sendBuffer)");
    const pending = this.#pending();
    const keep: (Unsent | Waiting)[] = [];
    for (const packet of packets as unknown[]) {
      const entry = pending.find((e) => e.packet === packet);
      const problem =
        entry === undefined
          ? "is not a packet of socket.sendBuffer (or was sent or removed since)"
          : keep.includes(entry)
            ? "is listed twice"
            : "key" in entry && keep.some((e) => !("key" in e))
              ? "cannot go before an emit still reading a Blob"
              : undefined;
      if (problem) throw new TypeError(`sendBuffer: entry ${keep.length} ${problem}`);
      keep.push(entry!);
    }
    const kept = keep.filter((e): e is Unsent => "key" in e);
    // Entries the core let go whose event is not delivered yet stay for it.
    state.unsent = state.unsent.filter((e) => !pending.includes(e)).concat(kept);
    const dropped = state.outbox.filter((e) => !keep.includes(e));
    state.outbox = keep.filter((e): e is Waiting => !("key" in e));
    state.runtime.core.sendBuffer(now(), state.index, new Float64Array(kept.map((e) => e.key)));
    state.runtime.drain();
    for (const e of dropped) {
      if (e.ack && this.#errorFirst(e.mode, e.flags)) call(e.ack, undefined, [new Error("removed from the send buffer")]);
    }
    this.#drainOutbox();
  }

  /**
   * The events received before `connect` (socket.io-client's
   * `receiveBuffer`), `[event, ...args]` each, frozen copies. The core
   * holds an event there only when it comes before its namespace's CONNECT
   * answer, which a socket.io server never does: so usually `[]`.
   */
  get receiveBuffer(): readonly (readonly unknown[])[] {
    const state = this.#state;
    return (state.runtime.core.receiveBuffer(state.index, false) as unknown[][]).map((args) => Object.freeze(args.slice()));
  }

  /** Only `[]`: drops the events received before `connect`. */
  set receiveBuffer(events: readonly unknown[][]) {
    if (!Array.isArray(events) || events.length > 0) {
      throw new TypeError("receiveBuffer: only [] can be assigned (it drops the events received before connect)");
    }
    this.#state.runtime.core.receiveBuffer(this.#state.index, true);
  }

  /** Sends an event and resolves with the acknowledgement's first argument. */
  emitWithAck<Ev extends EventNames<E>>(
    event: Ev,
    ...args: AllButLast<EventParams<E, Ev>>
  ): Promise<AckResult<Last<EventParams<E, Ev>>>> {
    return new Promise((resolve, reject) => {
      const ack = (error: Error | null, value: AckResult<Last<EventParams<E, Ev>>>) =>
        error ? reject(error) : resolve(value);
      this.#send([event, ...args], ack, 2);
    });
  }

  /** `emit("message", ...args)`. */
  send(...args: unknown[]): this {
    return this.#emit(["message", ...args]);
  }

  on<Ev extends EventNames<L> | keyof SocketReservedEvents>(
    event: Ev,
    listener: Ev extends keyof SocketReservedEvents ? SocketReservedEvents[Ev] : L[Ev & keyof L],
  ): this {
    this.subscribe(event, listener);
    return this;
  }
  once<Ev extends EventNames<L> | keyof SocketReservedEvents>(
    event: Ev,
    listener: Ev extends keyof SocketReservedEvents ? SocketReservedEvents[Ev] : L[Ev & keyof L],
  ): this {
    const l = this.#state.listeners;
    l.add(l.list(event), listener, true, false, event);
    return this;
  }
  /**
   * As `on`, returning a handle that removes exactly this registration
   * (`handle.off()`, or `using handle = socket.subscribe(...)`); what the
   * React hooks use.
   */
  subscribe<Ev extends EventNames<L> | keyof SocketReservedEvents>(
    event: Ev,
    listener: Ev extends keyof SocketReservedEvents ? SocketReservedEvents[Ev] : L[Ev & keyof L],
  ): ListenerHandle {
    const l = this.#state.listeners;
    return l.add(l.list(event), listener, false, false, event);
  }
  /** As `onAny`, returning a handle that removes exactly this registration. */
  subscribeAny(listener: (event: string, ...args: unknown[]) => void): ListenerHandle {
    const l = this.#state.listeners;
    return l.add(l.any, listener, false, false, "onAny");
  }

  /** `off(event, fn)`: that listener (its first registration); `off(event)`: all of the event; `off()`: all named ones. */
  off(event?: string, listener?: AnyFn): this {
    const named = this.#state.listeners.named;
    if (event === undefined) named.clear();
    else removeFunction(named.get(event), listener);
    return this;
  }
  removeListener(event?: string, listener?: AnyFn): this {
    return this.off(event, listener);
  }
  removeAllListeners(event?: string): this {
    return this.off(event);
  }
  listeners(event: string): AnyFn[] {
    return (this.#state.listeners.named.get(event) ?? []).map((r) => r.fn);
  }
  hasListeners(event: string): boolean {
    return (this.#state.listeners.named.get(event)?.length ?? 0) > 0;
  }

  #addAny(list: Registration[], listener: unknown, prepend: boolean): this {
    this.#state.listeners.add(list, listener, false, prepend, "onAny");
    return this;
  }
  onAny(listener: (event: string, ...args: unknown[]) => void): this {
    return this.#addAny(this.#state.listeners.any, listener, false);
  }
  prependAny(listener: (event: string, ...args: unknown[]) => void): this {
    return this.#addAny(this.#state.listeners.any, listener, true);
  }
  offAny(listener?: AnyFn): this {
    removeFunction(this.#state.listeners.any, listener);
    return this;
  }
  listenersAny(): AnyFn[] {
    return this.#state.listeners.any.map((r) => r.fn);
  }
  onAnyOutgoing(listener: (event: string, ...args: unknown[]) => void): this {
    return this.#addAny(this.#state.listeners.outgoing, listener, false);
  }
  prependAnyOutgoing(listener: (event: string, ...args: unknown[]) => void): this {
    return this.#addAny(this.#state.listeners.outgoing, listener, true);
  }
  offAnyOutgoing(listener?: AnyFn): this {
    removeFunction(this.#state.listeners.outgoing, listener);
    return this;
  }
  listenersAnyOutgoing(): AnyFn[] {
    return this.#state.listeners.outgoing.map((r) => r.fn);
  }

  #emitLocal(event: string, args: unknown[]): void {
    fire(this.#state.listeners.named.get(event), this, args);
  }

  /** Asks the app's `auth` (an object, or a function taking a callback) and hands it to the core. */
  #askAuth(): void {
    const state = this.#state;
    // The stream positions of an earlier page go in the first handshake.
    if (this.durable && !this.durable.loaded) {
      this.durable.ready.then(() => this.#askAuth());
      return;
    }
    const send = (given: unknown) => {
      const positions = state.durable?.positions;
      const value =
        positions === undefined ? given : { ...(given !== null && typeof given === "object" ? given : {}), $durable: positions };
      let json: string | undefined;
      try {
        json = value !== null && typeof value === "object" ? JSON.stringify(value) : undefined;
      } catch (error) {
        report(error);
      }
      state.runtime.core.auth(now(), state.index, json?.startsWith("{") ? json : undefined);
      state.runtime.drain();
    };
    const auth = state.auth;
    if (typeof auth !== "function") return send(auth);
    let answered = false;
    try {
      // `this` is the socket, as socket.io-client calls it.
      (auth as (this: Socket<L, E>, callback: (data: object) => void) => void).call(this, (data) => {
        if (answered) return;
        answered = true;
        send(data);
      });
    } catch (error) {
      report(error);
    }
  }

  /** @internal what the core reports for this socket. */
  [deliver](kind: Output, n: number, text: string | undefined, value: unknown): void {
    const state = this.#state;
    switch (kind) {
      case Output.NeedAuth:
        return this.#askAuth();
      case Output.Connect: {
        // The core flushed its send buffer: the outgoing listeners hear it
        // before `connect`, in send order.
        const unsent = state.unsent.splice(0);
        for (const { args } of unsent) {
          fire(state.listeners.outgoing, this, args);
        }
        // What waited in the durable outbox goes before what `connect` listeners emit.
        state.durable?.connected();
        return this.#emitLocal("connect", []);
      }
      case Output.ConnectError: {
        // A transport failure arrives as its TransportError; a refusal carries the server's data.
        if (value instanceof Error) return this.#emitLocal("connect_error", [value]);
        const error = new Error(text) as ExtendedError;
        if (value !== undefined) error.data = value;
        return this.#emitLocal("connect_error", [error]);
      }
      case Output.Disconnect:
        state.durable?.disconnected();
        return this.#emitLocal("disconnect", value === undefined ? [text] : [text, value]);
      case Output.AckTimeout: {
        const at = state.unsent.findIndex((e) => e.key === n);
        if (at >= 0) state.unsent.splice(at, 1);
        return;
      }
      case Output.Event: {
        let args = value as unknown[];
        if (state.durable) {
          const kept = state.durable.incoming(args);
          // A repeat of a numbered event: handed over once already.
          if (kept === undefined) return;
          args = kept;
        }
        if (n >= 0) args.push(this.#responder(n));
        fire(state.listeners.any, this, args);
        fire(state.listeners.named.get(args[0] as string), this, args.slice(1));
        return;
      }
    }
  }

  /** The function a listener calls to answer a server event's acknowledgement, once. */
  #responder(id: number): AnyFn {
    const state = this.#state;
    let used = false;
    return (...reply: unknown[]) => {
      if (used) return;
      used = true;
      const attachments: Binary[] = [];
      let json: string;
      try {
        json = encodeBody(reply, content(reply, true) === Content.Binary, attachments);
      } catch (error) {
        report(error);
        return;
      }
      state.runtime.core.ack(now(), state.index, id, json, attachments.length > 0 ? attachments : undefined);
      state.runtime.drain();
    };
  }
}

// ---------------------------------------------------------------- io() -----

/** Two 32-bit FNV-1a-style hashes (two primes), in base 36: short lock and channel names that do not show a token. */
function hash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(36) + (h2 >>> 0).toString(36));
}

/** The share key of a Manager's options: `shareKey`, or a hash of its `auth` (an object, or a function's first answer). */
function shareKey(options: Partial<ManagerOptions & SocketOptions>): Promise<string> {
  if (typeof options.shareKey === "string") return Promise.resolve(options.shareKey);
  const auth = options.auth;
  if (typeof auth !== "function") return Promise.resolve(hash(JSON.stringify(auth ?? null)));
  return new Promise((resolve) => {
    try {
      auth((data) => resolve(hash(JSON.stringify(data ?? null))));
    } catch (error) {
      report(error);
      resolve(hash("auth failed"));
    }
  });
}

/**
 * The one Manager cache: io()'s by connection key, which the React layer
 * shares; the React layer's private one (`forceNew`, `multiplex: false`)
 * under `new:` + key.
 */
const managers = new Map<string, Manager>();

/**
 * The socket for `uri`'s namespace. Sockets of one server share one
 * connection (a cached Manager) unless `forceNew` or `multiplex: false`;
 * as in socket.io-client, asking again for a namespace that is already in
 * use opens a new connection.
 */
export function io<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
  uri?: string | Partial<ManagerOptions & SocketOptions>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Socket<L, E> {
  if (typeof uri === "object") {
    options = uri;
    uri = undefined;
  }
  const [key, nsp] = connectionKey(uri ?? "", options);
  const cached = managers.get(key);
  const fresh =
    options.forceNew ||
    (options as Record<string, unknown>)["force new connection"] === true ||
    options.multiplex === false ||
    (cached?.hasSocket(nsp) ?? false);
  let manager: Manager;
  if (fresh || !cached) {
    manager = new Manager(uri, options);
    if (!fresh) managers.set(key, manager);
  } else {
    manager = cached;
  }
  const socket = manager.socket<L, E>(nsp, options);
  // A Manager that SocketProvider made is closed until a namespace connects:
  // a socket from io() connects as io() promises.
  if (options.autoConnect !== false && !socket.active) socket.connect();
  return socket;
}

/**
 * @internal For socketio-wasm/react: the key of `uri`'s connection (origin,
 * path and query, as io() shares Managers) and the namespace `uri` names.
 */
export function connectionKey(uri: string, options: Partial<ManagerOptions>): [key: string, nsp: string] {
  const parsed = parseUri(uri, options);
  return [keyOf(parsed), parsed.nsp];
}

/**
 * @internal For socketio-wasm/react: the Manager io() shares for `key`,
 * made closed (nothing opens before a namespace connects) when there is
 * none yet; with `forceNew` or `multiplex: false`, the React layer's own
 * one for `key` (apart from io()'s, shared by its providers).
 */
export function sharedManager(uri: string, key: string, options: Partial<ManagerOptions & SocketOptions>): Manager {
  const slot = options.forceNew || options.multiplex === false ? `new:${key}` : key;
  let manager = managers.get(slot);
  if (!manager) {
    manager = new Manager(uri, { ...options, autoConnect: false });
    managers.set(slot, manager);
  }
  return manager;
}

type Reason = DisconnectReason;
/** socket.io-client's `Socket.DisconnectReason`. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Socket {
  type DisconnectReason = Reason;
}

// socket.io-client's statics.
io.Manager = Manager;
io.Socket = Socket;
io.connect = io;
io.io = io;
/** The Socket.IO protocol revision spoken (socket.io-client's `protocol`). */
export const protocol = 5;

export { io as connect };
export default io;
