// The browser runtime of one connection: it owns the WebSocket, the
// long-polling requests and the one timer, feeds what they report to the
// core (wasm `Core`), carries out what the core asks (its `Host` calls) and
// queues the core's events for the app. It makes no protocol decision; the
// body codec it lends the core is js/codec.ts.
import { Core, Input, Output, State, protocolConstants } from "../pkg/socketio_wasm.js";
import {
  connectAck,
  connectError,
  fromBase64,
  handshake,
  offsetOf,
  parseBody,
  toBase64,
  utf8Length,
  type Binary,
} from "./codec.js";
import { debugEnabled } from "./debug.js";
import type { Traffic } from "./stats.js";

/**
 * The event names an app may not emit, and the server may not send: the
 * core's list, read when the first Runtime is made (bundlers may run this
 * module before the wasm is instantiated; no Runtime exists before).
 */
export let RESERVED: ReadonlySet<string> = new Set();
let SEPARATOR = "";

const perf = globalThis.performance;
/** The core's clock: monotonic ms. */
export const now: () => number = perf.now.bind(perf);

/** Reports an exception the way an uncaught one would be, and goes on. */
export function report(error: unknown): void {
  try {
    reportError(error);
  } catch {
    console.error(error);
  }
}

/** The Manager's options as the core takes them (js/index.ts validates them). */
export interface CoreOptions {
  secure: boolean;
  hostPort: string;
  path: string;
  /** Names and values, alternating, each ended by a NUL. */
  query: string;
  /** Digits, in order: 1 polling, 2 WebSocket (`12`: polling then WebSocket). */
  transports: number;
  upgrade: boolean;
  rememberUpgrade: boolean;
  /** ms; negative: none. */
  timeout: number;
  reconnection: boolean;
  reconnectionAttempts: number;
  reconnectionDelay: number;
  reconnectionDelayMax: number;
  randomizationFactor: number;
  withCredentials: boolean;
  /** Bits: 1 `tryAllTransports`, 2 `addTrailingSlash`; from bit 2, `timestampRequests` (0 default, 1 on, 2 off). */
  engine: number;
  timestampParam: string;
}

/**
 * What the runtime reads at each request, live (the Manager's `opts`:
 * socket.io-client's engine takes them anew at each connection).
 */
export interface RequestOptions {
  /**
   * Headers of the long-polling requests. A browser cannot set WebSocket
   * headers: with `transports: ["websocket"]` they are refused with a TypeError.
   */
  extraHeaders?: Record<string, string>;
  /** Per transport: `extraHeaders` (polling), `query` (added over `query`), `protocols` (WebSocket). */
  transportOptions?: {
    polling?: { extraHeaders?: Record<string, string>; query?: Record<string, string> };
    websocket?: { query?: Record<string, string>; protocols?: string | string[] };
  };
  /** WebSocket sub-protocols. */
  protocols?: string | string[];
  /** ms a long-polling request may take before it counts as failed. Default none. */
  requestTimeout?: number;
}

/**
 * A transport failure, as engine.io-client reports it (to `connect_error`,
 * the Manager's `error` and `reconnect_error`, and as the `disconnect`
 * description of a `"transport error"`): `message` `"xhr poll error"`,
 * `"xhr post error"` or `"websocket error"`; `description` the HTTP status
 * (0 without a response) or the WebSocket's error event; `context` the
 * fetch `Response` or the fetch's error.
 */
export class TransportError extends Error {
  readonly type = "TransportError";
  readonly description: unknown;
  readonly context: unknown;
  constructor(reason: string, description: unknown, context?: unknown) {
    super(reason);
    this.description = description;
    this.context = context;
  }
}

/** Why a transport closed, as engine.io-client says it: the `disconnect` description of a `"transport close"`. */
export interface CloseDetails {
  description: string;
  context?: unknown;
}

/** What the browser said about a failure or a close, beyond the core's text. */
interface Detail {
  description?: unknown;
  context?: unknown;
}

/**
 * The part of the browser's `WebSocket` the runtime uses. `shareAcrossTabs`
 * puts another one in its place: a connection to the tab that holds the real
 * one.
 */
export interface SocketLike {
  binaryType: BinaryType;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(): void;
}

/** Opens a `SocketLike` for `url` (the browser's `WebSocket` by default). */
export type OpenSocket = (url: string, protocols?: string | string[]) => SocketLike;

/** A `SocketLike` whose socket is still being made (a module to load, a tab election): it opens when that one does. */
export class LateSocket implements SocketLike {
  binaryType: BinaryType = "arraybuffer";
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #socket: SocketLike | undefined;
  #closed = false;

  constructor(socket: Promise<SocketLike>) {
    socket.then(
      (s) => {
        if (this.#closed) return s.close();
        s.binaryType = this.binaryType;
        s.onopen = (e) => this.onopen?.(e);
        s.onmessage = (e) => this.onmessage?.(e);
        s.onclose = (e) => this.onclose?.(e);
        s.onerror = (e) => this.onerror?.(e);
        this.#socket = s;
      },
      (error: unknown) => {
        report(error);
        this.onerror?.(new Event("error"));
        this.onclose?.(new CloseEvent("close", { code: 1006 }));
      },
    );
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    // The runtime sends only once the socket is open.
    this.#socket?.send(data);
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
  }
}

/** Receives the core's events (see `Output` in src/bindings/mod.rs for what the arguments carry). */
export type Deliver = (kind: Output, socket: number, number: number, text: string | undefined, value: unknown) => void;

/** A long-polling channel: one GET and one POST in flight at most (the core sees to it). */
interface Polling {
  get: AbortController | undefined;
  posts: number;
  /** Released by the core: abort the GET once no POST is in flight. */
  released: boolean;
}

const MAX_DELAY = 0x7fffffff;

const isPolling = (t: SocketLike | Polling): t is Polling => "posts" in t;

/** Engine.IO's packet types, by their digit. */
const PACKET_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"] as const;
export type EnginePacketType = (typeof PACKET_TYPES)[number];

/**
 * Receives the Engine.IO packets of the current transport, for
 * `engine.on("packet" | "packetCreate" | "drain")`. Only set once one of
 * those is listened to: nothing is decoded for it otherwise.
 */
export interface EngineTap {
  packet(created: boolean, type: EnginePacketType, data: string | Binary | undefined): void;
  drain(): void;
}

/**
 * In the event queue: a frame (or polling payload) sent during a core call,
 * for the tap; looked at once the core has returned (it cannot be asked
 * which transport is current while it runs).
 */
const CREATED = -1;

/** `url` with `query`'s parameters set over its own (a transport's `transportOptions` query). */
function withQuery(url: string, query: Record<string, string> | undefined): string {
  if (query === undefined) return url;
  const u = new URL(url);
  for (const [name, value] of Object.entries(query)) u.searchParams.set(name, value);
  return u.href;
}

/** A debug line for an event: its kind and, for a server event, its name; never its arguments. */
function describe(kind: Output, socket: number, value: unknown): string {
  const what = kind === Output.Event ? `event "${String((value as unknown[])[0])}"` : Output[kind].toLowerCase();
  return `${what} on socket ${socket}`;
}

/**
 * Runtimes with a transport, told when the browser goes offline (one
 * listener for all, as engine.io-client's: a Service Worker must add its
 * `offline` listener while the script is first evaluated).
 */
const ONLINE = new Set<Runtime>();
globalThis.addEventListener?.("offline", () => {
  for (const runtime of [...ONLINE]) runtime.offline();
});

export class Runtime {
  readonly core: Core;
  readonly #deliver: Deliver;
  readonly #credentials: RequestCredentials;
  readonly #transports = new Map<number, SocketLike | Polling>();
  /** How WebSockets are made: the browser's, unless the tabs share one connection. */
  openSocket: OpenSocket = (url, protocols) => new WebSocket(url, protocols);
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Events queued by the core, five slots each (see `Deliver`). */
  #queue: unknown[] = [];
  #dispatching = false;
  /** How much of each received text the core reads. */
  #head: number;
  readonly #debug: boolean;

  tap: EngineTap | undefined;
  /** Frames and bytes on this connection's transports (probes included). */
  readonly traffic: Traffic = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  /** Bytes are counted from the first `stats()` on (measuring text is a pass over it). */
  measureBytes = false;
  /**
   * For the tap: the transport the connection runs on. The first one
   * opened while none is; after an upgrade, the WebSocket. Kept after it
   * closes, for what was sent on it last.
   */
  #currentTransport = -1;
  #currentPolls = false;
  #drainScheduled = false;

  /** Runs before the core acts on its timer (what the app changed meanwhile reaches it first). */
  readonly #beforeTimer: () => void;

  readonly #requests: RequestOptions;
  /** Going offline closes the connection at once (engine.io-client: unless the host is `localhost`). */
  readonly #closesOffline: boolean;

  /** The failure or close the core is being told of: what its events are about. */
  #cause: TransportError | CloseDetails | undefined;

  constructor(options: CoreOptions, requests: RequestOptions, deliver: Deliver, beforeTimer: () => void) {
    this.#beforeTimer = beforeTimer;
    this.#requests = requests;
    if (SEPARATOR === "") {
      const constants = protocolConstants();
      SEPARATOR = constants.charAt(0);
      RESERVED = new Set(constants.slice(1, -1).split(","));
    }
    this.#deliver = deliver;
    this.#credentials = options.withCredentials ? "include" : "same-origin";
    this.#closesOffline = options.hostPort.replace(/:\d+$/, "") !== "localhost";
    let patterns: string | null = null;
    try {
      patterns = (globalThis as { localStorage?: Storage }).localStorage?.getItem("debug") ?? null;
    } catch {
      // storage blocked
    }
    this.#debug = patterns !== null && debugEnabled(patterns, "socketio-wasm:runtime");
    this.core = new Core(
      this,
      options.secure,
      options.hostPort,
      options.path,
      options.query,
      options.transports,
      options.upgrade,
      options.rememberUpgrade,
      options.timeout,
      options.reconnection,
      options.reconnectionAttempts,
      options.reconnectionDelay,
      options.reconnectionDelayMax,
      options.randomizationFactor,
      options.engine,
      options.timestampParam,
      Math.random() * 2 ** 52,
    );
    this.#head = this.core.state(State.HeadLength, 0);
  }

  /** Transports open plus the armed timer: 0 when nothing of this connection runs in the browser. */
  get liveResources(): number {
    return this.#transports.size + (this.#timer === undefined ? 0 : 1);
  }

  /** The socket of `nsp` on the core. */
  socket(nsp: string, ackTimeout: number, retries: number, maxBuffered: number, maxPending: number): number {
    const id = this.core.socket(nsp, ackTimeout, retries, maxBuffered, maxPending);
    this.#head = this.core.state(State.HeadLength, 0);
    return id;
  }

  // ------------------------------------------------------- the app's events

  /**
   * Delivers the queued events, in order. Called after every call into the
   * core; a listener that calls in again adds to the queue this loop drains.
   */
  drain(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    const queue = this.#queue;
    try {
      for (let i = 0; i < queue.length; i += 5) {
        if (queue[i] === Output.Upgrade) {
          for (const [id, t] of this.#transports) {
            if (!isPolling(t)) {
              this.#currentTransport = id;
              this.#currentPolls = false;
            }
          }
        }
        if (queue[i] === CREATED) {
          this.#created(queue[i + 1] as number, queue[i + 4] as string | Binary);
          continue;
        }
        if (this.#debug) this.#log(describe(queue[i] as Output, queue[i + 1] as number, queue[i + 4]));
        this.#deliver(
          queue[i] as Output,
          queue[i + 1] as number,
          queue[i + 2] as number,
          queue[i + 3] as string | undefined,
          queue[i + 4],
        );
      }
    } finally {
      queue.length = 0;
      this.#dispatching = false;
    }
  }

  /** Host: an event for the app. */
  event(kind: Output, socket: number, number: number, text: string | undefined, value: unknown): void {
    this.#queue.push(kind, socket, number, text, this.#detailed(kind, text, value));
  }

  /**
   * An event's value with socket.io-client's objects: the `TransportError`
   * of the failure being reported, `{ description, context }` for a close.
   */
  #detailed(kind: Output, text: string | undefined, value: unknown): unknown {
    const cause = this.#cause;
    switch (kind) {
      case Output.Error:
      case Output.ReconnectError:
      case Output.ConnectError:
        return value === undefined && cause instanceof TransportError && text === cause.message ? cause : value;
      case Output.Close:
      case Output.Disconnect:
        if (typeof value !== "string") return value;
        if (text === "transport error") return cause instanceof TransportError ? cause : new TransportError(value, undefined);
        if (text === "parse error") return new Error(value);
        return cause !== undefined && !(cause instanceof TransportError) && cause.description === value
          ? cause
          : { description: value };
      default:
        return value;
    }
  }

  // ------------------------------------------------------------ transports

  /** Host: opens a WebSocket or issues a long-polling GET. */
  open(transport: number, url: string, websocket: boolean): void {
    if (this.#debug) this.#log(`#${transport}: ${websocket ? "open websocket" : "poll GET"}`);
    ONLINE.add(this);
    if (!this.#transports.has(this.#currentTransport)) {
      this.#currentTransport = transport;
      this.#currentPolls = !websocket;
    }
    if (!websocket) {
      this.#get(transport, url);
      return;
    }
    let ws: SocketLike;
    const r = this.#requests;
    try {
      ws = this.openSocket(withQuery(url, r.transportOptions?.websocket?.query), r.protocols ?? r.transportOptions?.websocket?.protocols);
    } catch (error) {
      // A bad URL or blocked port: reported as a failure, after this call.
      this.#later(transport, Input.Error, "websocket error", { description: error });
      return;
    }
    ws.binaryType = "arraybuffer";
    ws.onopen = () => this.#input(transport, Input.Opened);
    ws.onmessage = (e: MessageEvent) => this.#message(transport, e.data as string | ArrayBuffer);
    ws.onclose = (event) => this.#input(transport, Input.Closed, "websocket connection closed", { context: event });
    ws.onerror = (event) => this.#input(transport, Input.Error, "websocket error", { description: event });
    this.#transports.set(transport, ws);
  }

  #message(transport: number, data: string | ArrayBuffer): void {
    if (this.tap !== undefined && this.#current(transport)) this.#tapPacket(false, data);
    this.traffic.framesIn++;
    if (this.measureBytes) this.traffic.bytesIn += typeof data === "string" ? utf8Length(data) : data.byteLength;
    if (typeof data === "string") {
      if (this.#debug) this.#log(`#${transport}: text (${data.length} chars)`);
      const n = this.#head;
      const whole = data.length <= n;
      this.core.text(now(), transport, whole ? data : data.slice(0, n), whole, data);
    } else {
      if (this.#debug) this.#log(`#${transport}: binary (${data.byteLength} bytes)`);
      this.core.binary(now(), transport, data);
    }
    this.drain();
  }

  #input(transport: number, input: Input, description?: string, detail?: Detail): void {
    if (this.#debug) this.#log(`#${transport}: ${Input[input]}${description ? `: ${description}` : ""}`);
    if (description !== undefined) {
      this.#cause =
        input === Input.Error
          ? new TransportError(description, detail?.description, detail?.context)
          : { description, context: detail?.context };
    }
    try {
      this.core.input(now(), transport, input, description);
    } finally {
      this.#cause = undefined;
    }
    this.drain();
  }

  /** `transport` is the connection's (not a probe, not one left behind). */
  #current(transport: number): boolean {
    return transport === this.#currentTransport;
  }

  /** What was sent on `transport`, to the tap: `packetCreate`s, then `drain`. */
  #created(transport: number, sent: string | Binary): void {
    if (this.tap === undefined || !this.#current(transport)) return;
    if (!this.#currentPolls) {
      this.#tapPacket(true, sent);
      if (this.#transports.has(transport)) this.#drained();
    } else {
      for (const packet of (sent as string).split(SEPARATOR)) this.#tapPacket(true, packet);
    }
  }

  /** One Engine.IO packet (a polling one with its `b` binary prefix) to the tap. */
  #tapPacket(created: boolean, packet: string | Binary): void {
    let type: EnginePacketType = "message";
    let data: string | Binary | undefined = packet;
    if (typeof packet === "string") {
      if (packet.charCodeAt(0) === 98 /* b */) {
        data = fromBase64(packet.slice(1));
      } else {
        const t = PACKET_TYPES[packet.charCodeAt(0) - 48];
        if (t === undefined) return;
        type = t;
        data = packet.length > 1 ? packet.slice(1) : undefined;
      }
    }
    // The upgrade packet ends the probe: engine.io-client does not report it.
    if (created && type === "upgrade") return;
    this.tap?.packet(created, type, data);
  }

  /** The write buffer is flushed: `drain`, once per batch. */
  #drained(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setTimeout(() => {
      this.#drainScheduled = false;
      this.tap?.drain();
    }, 0);
  }

  #later(transport: number, input: Input, description: string, detail?: Detail): void {
    setTimeout(() => this.#input(transport, input, description, detail), 0);
  }

  /** Host: sends a frame: `head`, `digits` (unless negative) and `body` (text), or `body` (binary). */
  send(transport: number, head: string | undefined, digits: number, body: string | Binary | undefined): void {
    const ws = this.#transports.get(transport);
    if (ws === undefined || isPolling(ws)) return;
    if (digits >= 0) head += String(digits);
    const frame = head === undefined ? (body as Binary) : body === undefined ? head : head + (body as string);
    if (this.#debug) this.#log(`#${transport}: send ${typeof frame === "string" ? `text (${frame.length} chars)` : `binary (${frame.byteLength} bytes)`}`);
    try {
      ws.send(frame);
    } catch (error) {
      this.#later(transport, Input.Error, "websocket error", { description: error });
      return;
    }
    this.traffic.framesOut++;
    if (this.measureBytes) this.traffic.bytesOut += typeof frame === "string" ? utf8Length(frame) : frame.byteLength;
    if (this.tap !== undefined) this.#queue.push(CREATED, transport, 0, undefined, frame);
  }

  #get(transport: number, url: string): void {
    let poll = this.#transports.get(transport) as Polling | undefined;
    if (poll === undefined) {
      poll = { get: undefined, posts: 0, released: false };
      this.#transports.set(transport, poll);
    }
    const channel = poll;
    const abort = new AbortController();
    poll.get = abort;
    fetch(this.#pollUrl(url), { credentials: this.#credentials, signal: this.#signal(abort.signal), headers: this.#headers() })
      .then<string | Response>((r) => (r.ok ? r.text() : r))
      .then(
        (body) => {
          // Released: nothing more is reported (its abort included).
          if (channel.released) return;
          if (typeof body !== "string") {
            return this.#input(transport, Input.Error, "xhr poll error", { description: body.status, context: body });
          }
          if (this.#debug) this.#log(`#${transport}: poll response (${body.length} chars)`);
          const n = this.#head;
          const tap = this.tap !== undefined && this.#current(transport);
          const packets = body.split(SEPARATOR);
          this.#countPayload(true, body, packets.length);
          for (const packet of packets) {
            if (tap) this.#tapPacket(false, packet);
            const whole = packet.length <= n;
            this.core.pollPacket(whole ? packet : packet.slice(0, n), whole, packet);
          }
          this.#input(transport, Input.PollEnd);
        },
        (error: unknown) =>
          channel.released || this.#input(transport, Input.Error, "xhr poll error", { description: 0, context: error }),
      );
  }

  /** Host: a long-polling POST. */
  post(transport: number, url: string, body: string): void {
    const poll = this.#transports.get(transport) as Polling | undefined;
    if (poll === undefined || !isPolling(poll)) return;
    if (this.#debug) this.#log(`#${transport}: poll POST (${body.length} chars)`);
    if (this.tap !== undefined) this.#queue.push(CREATED, transport, 0, undefined, body);
    this.#countPayload(false, body, body.split(SEPARATOR).length);
    poll.posts += 1;
    fetch(this.#pollUrl(url), {
      method: "POST",
      body,
      headers: { ...this.#headers(), "content-type": "text/plain;charset=UTF-8" },
      credentials: this.#credentials,
      signal: this.#signal(),
    })
      .then(
        (r) => this.#posted(transport, poll, r.ok ? undefined : { description: r.status, context: r }),
        (error: unknown) => this.#posted(transport, poll, { description: 0, context: error }),
      );
  }

  /** A POST answered: `failure` unless it succeeded. */
  #posted(transport: number, poll: Polling, failure: Detail | undefined): void {
    const ok = failure === undefined;
    poll.posts -= 1;
    // The pending GET goes once no POST is in flight: one may carry the
    // close packet, and the server takes a poll that vanishes first for a
    // lost connection (and answers the close with a 400).
    if (poll.released) {
      if (poll.posts === 0) poll.get?.abort();
      return;
    }
    if (ok && this.tap !== undefined && this.#current(transport)) this.#drained();
    if (ok) this.#input(transport, Input.PostDone);
    else this.#input(transport, Input.Error, "xhr post error", failure);
  }

  /** A long-polling payload of `packets` packets, received or sent: its bytes are the HTTP body's. */
  #countPayload(received: boolean, body: string, packets: number): void {
    const bytes = this.measureBytes ? utf8Length(body) : 0;
    const t = this.traffic;
    if (received) {
      t.framesIn += packets;
      t.bytesIn += bytes;
    } else {
      t.framesOut += packets;
      t.bytesOut += bytes;
    }
  }

  #pollUrl(url: string): string {
    return withQuery(url, this.#requests.transportOptions?.polling?.query);
  }

  /** A long-polling request's headers: `extraHeaders`, under the polling transport's own. */
  #headers(): Record<string, string> | undefined {
    const r = this.#requests;
    const own = r.transportOptions?.polling?.extraHeaders;
    return r.extraHeaders === undefined ? own : own === undefined ? r.extraHeaders : { ...r.extraHeaders, ...own };
  }

  /** `abort`, and `requestTimeout` when set. */
  #signal(abort?: AbortSignal): AbortSignal | undefined {
    const ms = this.#requests.requestTimeout;
    if (!(typeof ms === "number" && ms > 0)) return abort;
    const timeout = AbortSignal.timeout(ms);
    return abort === undefined ? timeout : AbortSignal.any([abort, timeout]);
  }

  /**
   * `closeOnBeforeunload`: the transports go without a word to the app;
   * the core learns it after the event, so a page that stays reconnects.
   */
  unload(): void {
    for (const transport of [...this.#transports.keys()]) {
      this.close(transport);
      this.#later(transport, Input.Closed, "page unload");
    }
  }

  /** The browser went offline: the transports close now ("transport close", "network connection lost"), not at the ping timeout. */
  offline(): void {
    if (!this.#closesOffline) return;
    for (const transport of [...this.#transports.keys()]) {
      this.close(transport);
      this.#input(transport, Input.Closed, "network connection lost");
    }
  }

  /** Host: releases a transport; nothing more is reported about it. */
  close(transport: number): void {
    const t = this.#transports.get(transport);
    if (t === undefined) return;
    if (this.#debug) this.#log(`#${transport}: close`);
    this.#transports.delete(transport);
    if (this.#transports.size === 0) ONLINE.delete(this);
    if (!isPolling(t)) {
      t.onopen = t.onmessage = t.onclose = t.onerror = null;
      try {
        t.close();
      } catch {
        // already closed
      }
    } else {
      t.released = true;
      if (t.posts === 0) t.get?.abort();
    }
  }

  /** Host: arms the one timer for `at` (the core's clock), or disarms it (NaN). */
  timer(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (Number.isNaN(at)) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#beforeTimer();
        this.core.timeout(now());
        this.drain();
      },
      Math.min(Math.max(0, at - now()), MAX_DELAY),
    );
  }

  // ------------------------------------------------- the codec, for the core

  /** Host: the arguments of a received body, or a `BodyError`. */
  parse(frame: string, start: number, event: boolean, attachments: ArrayBuffer[] | undefined): unknown[] | number {
    return parseBody(frame, start, event, attachments, RESERVED);
  }

  /** Host: the recovery offset of an event's arguments. */
  offset(args: unknown[]): string | undefined {
    return offsetOf(args);
  }

  /** Host: the handshake of an OPEN packet. */
  handshake(packet: string): (string | number)[] | undefined {
    return handshake(packet);
  }

  /** Host: a CONNECT payload. */
  connect(frame: string, start: number): (string | undefined)[] | number {
    return connectAck(frame, start);
  }

  /** Host: a CONNECT_ERROR payload. */
  connectError(frame: string, start: number): unknown[] | number {
    return connectError(frame, start);
  }

  /** Host: the UTF-8 length of an outgoing text. */
  textLength(text: string): number {
    return utf8Length(text);
  }

  /** Host: the byte length of a binary. */
  byteLength(binary: Binary): number {
    return binary.byteLength;
  }

  /** Host: the bytes of a polling payload's `b<base64>` packet. */
  fromBase64(frame: string, from: number): ArrayBuffer | undefined {
    return fromBase64(frame.slice(from));
  }

  /** Host: a polling payload from its parts (binaries base64-encoded). */
  join(parts: (string | Binary)[]): string {
    let out = "";
    for (const part of parts) out += typeof part === "string" ? part : toBase64(part);
    return out;
  }

  #log(message: string): void {
    console.debug("socketio-wasm:runtime", message);
  }
}
