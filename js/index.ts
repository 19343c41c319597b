// socketio-wasm: socket.io-client's API over a Rust/wasm core.
//
// This file only adapts calling conventions (variadic arguments, trailing ack
// callbacks, flags, `using`) and types; every protocol decision, listener
// table and timer lives in the wasm module.
import init, { initSync, parseUrl, RawManager, RawSocket, version } from "../pkg/socketio_wasm.js";

const wasmUrl = new URL("../pkg/socketio_wasm_bg.wasm", import.meta.url);

async function load(): Promise<void> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node && wasmUrl.protocol === "file:") {
    // Node (SSR, tests, also under a DOM emulation such as happy-dom or
    // jsdom): no fetch of file: URLs; read the module from disk.
    const fs = "node:fs/promises";
    const { readFile } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fs)) as {
      readFile(path: URL): Promise<Uint8Array>;
    };
    initSync({ module: await readFile(wasmUrl) });
    return;
  }
  await init({ module_or_path: wasmUrl });
}

/** Resolves once the wasm module is instantiated (the import already waits for it). */
export const ready: Promise<void> = load();
await ready;

export { version };

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
type AckResult<F> = F extends (...args: infer A) => unknown ? A[0] : never;

/** Disconnect reasons, exactly socket.io-client's. */
export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error"
  | "forced close";

export interface ReservedSocketEvents {
  connect: () => void;
  connect_error: (error: Error & { data?: unknown }) => void;
  disconnect: (reason: DisconnectReason, description?: string) => void;
}

export interface ManagerReservedEvents {
  open: () => void;
  close: (reason: DisconnectReason, description?: string) => void;
  error: (error: Error) => void;
  ping: () => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect: (attempt: number) => void;
  reconnect_error: (error: Error) => void;
  reconnect_failed: () => void;
}

export interface ManagerOptions {
  /** Engine.IO path on the server. Default `"/socket.io"`. */
  path?: string;
  /** Query parameters sent with every request. */
  query?: Record<string, string>;
  /** Transports, in order. Default `["polling", "websocket"]`. */
  transports?: ("polling" | "websocket")[];
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
}

export interface SocketOptions {
  /** The CONNECT payload, or a function that supplies it on every (re)connection. */
  auth?: Record<string, unknown> | ((callback: (data: Record<string, unknown>) => void) => void);
  /** Default acknowledgement timeout in ms (acks become error-first). */
  ackTimeout?: number;
  /** Retries of an unacknowledged emit (needs `ackTimeout`). */
  retries?: number;
  /** Bound of the offline send buffer (default 1000). */
  maxBufferedPackets?: number;
  /** Bound of the emits waiting for an ack (default 1000). */
  maxPendingAcks?: number;
}

/**
 * A listener registration; `off()` removes exactly it. Works with `using`.
 * It holds only the registration's id: no wasm memory, nothing to free.
 */
export class ListenerHandle {
  readonly #raw: RawManager;
  readonly #id: number;
  /** @internal */
  constructor(raw: RawManager, id: number) {
    this.#raw = raw;
    this.#id = id;
  }
  /** Removes the listener; true the first time, false after. */
  off(): boolean {
    return this.#raw.offId(this.#id);
  }
  [Symbol.dispose](): void {
    this.#raw.offId(this.#id);
  }
}

// ---------------------------------------------------------------- Manager --

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => void;

export class Manager {
  readonly #raw: RawManager;
  readonly #uri: string;
  readonly #options: ManagerOptions & SocketOptions;
  readonly #sockets = new Map<string, Socket>();
  readonly autoConnect: boolean;

  constructor(uri?: string, options: Partial<ManagerOptions & SocketOptions> = {}) {
    this.#uri = uri ?? "";
    this.#options = options;
    this.#raw = new RawManager(this.#uri, options);
    this.autoConnect = options.autoConnect !== false;
    if (this.autoConnect) this.open();
  }

  /** The socket of namespace `nsp` (one per namespace on this Manager). */
  socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
    nsp: string,
    options: SocketOptions = {},
  ): Socket<L, E> {
    let socket = this.#sockets.get(nsp);
    if (!socket) {
      socket = new Socket(this, this.#raw, nsp, { ...this.#options, ...options });
      this.#sockets.set(nsp, socket);
    } else if (this.autoConnect && !socket.active) {
      socket.connect();
    }
    return socket as unknown as Socket<L, E>;
  }

  /**
   * Transports open plus the armed timer: 0 once every socket of this
   * Manager has disconnected (nothing left running). For tests and debugging.
   */
  get liveResources(): number {
    return this.#raw.liveResources();
  }

  /** @internal used by io() to decide whether a namespace is already taken. */
  hasSocket(nsp: string): boolean {
    return this.#sockets.has(nsp);
  }

  open(callback?: (error?: Error) => void): this {
    if (callback) {
      const opened = this.once("open", () => {
        failed.off();
        callback();
      });
      const failed = this.once("error", (error: Error) => {
        opened.off();
        callback(error);
      });
    }
    this.#raw.open(true);
    return this;
  }
  connect(callback?: (error?: Error) => void): this {
    return this.open(callback);
  }

  on<Ev extends keyof ManagerReservedEvents>(event: Ev, listener: ManagerReservedEvents[Ev]): ListenerHandle {
    return new ListenerHandle(this.#raw, this.#raw.on(event, listener, this));
  }
  once<Ev extends keyof ManagerReservedEvents>(event: Ev, listener: ManagerReservedEvents[Ev]): ListenerHandle {
    const handle: ListenerHandle = this.on(event, ((...args: unknown[]) => {
      handle.off();
      (listener as AnyFn).apply(this, args);
    }) as ManagerReservedEvents[Ev]);
    return handle;
  }

  reconnection(): boolean;
  reconnection(value: boolean): this;
  reconnection(value?: boolean): boolean | this {
    if (value === undefined) return this.#raw.option(0, NaN) !== 0;
    this.#raw.option(0, value ? 1 : 0);
    return this;
  }
  reconnectionAttempts(): number;
  reconnectionAttempts(value: number): this;
  reconnectionAttempts(value?: number): number | this {
    if (value === undefined) return this.#raw.option(1, NaN);
    this.#raw.option(1, value);
    return this;
  }
  reconnectionDelay(): number;
  reconnectionDelay(value: number): this;
  reconnectionDelay(value?: number): number | this {
    if (value === undefined) return this.#raw.option(2, NaN);
    this.#raw.option(2, value);
    return this;
  }
  reconnectionDelayMax(): number;
  reconnectionDelayMax(value: number): this;
  reconnectionDelayMax(value?: number): number | this {
    if (value === undefined) return this.#raw.option(3, NaN);
    this.#raw.option(3, value);
    return this;
  }
  randomizationFactor(): number;
  randomizationFactor(value: number): this;
  randomizationFactor(value?: number): number | this {
    if (value === undefined) return this.#raw.option(4, NaN);
    this.#raw.option(4, value);
    return this;
  }
  timeout(): number | false;
  timeout(value: number | false): this;
  timeout(value?: number | false): number | false | this {
    if (value === undefined) {
      const ms = this.#raw.option(5, NaN);
      return ms < 0 ? false : ms;
    }
    this.#raw.option(5, value === false ? -1 : value);
    return this;
  }
}

// ---------------------------------------------------------------- Socket ---

interface Flags {
  volatile: boolean;
  timeout: number | undefined;
}

/**
 * One namespace. `L`: events the server sends (listen); `E`: events this
 * client emits.
 */
export class Socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L> {
  readonly io: Manager;
  readonly nsp: string;
  readonly #raw: RawSocket;
  readonly #manager: RawManager;
  readonly #flags: Flags;

  /** @internal created by Manager.socket() */
  constructor(
    io: Manager,
    manager: RawManager,
    nsp: string,
    options: SocketOptions,
    flags?: Flags,
    raw?: RawSocket,
  ) {
    this.io = io;
    this.nsp = nsp;
    this.#manager = manager;
    this.#raw = raw ?? manager.socket(nsp, options, this);
    this.#flags = flags ?? { volatile: false, timeout: undefined };
    if (!flags && io.autoConnect) this.connect();
  }

  get id(): string | undefined {
    return this.#raw.id();
  }
  get connected(): boolean {
    return (this.#raw.state() & 1) !== 0;
  }
  get disconnected(): boolean {
    return !this.connected;
  }
  get active(): boolean {
    return (this.#raw.state() & 2) !== 0;
  }
  get recovered(): boolean {
    return (this.#raw.state() & 4) !== 0;
  }
  get auth(): SocketOptions["auth"] {
    return this.#raw.auth(false, undefined) as SocketOptions["auth"];
  }
  set auth(value: SocketOptions["auth"]) {
    this.#raw.auth(true, value);
  }

  connect(): this {
    this.#raw.connect(true);
    return this;
  }
  open(): this {
    return this.connect();
  }
  disconnect(): this {
    this.#raw.connect(false);
    return this;
  }
  close(): this {
    return this.disconnect();
  }

  #with(flags: Partial<Flags>): this {
    return new Socket(this.io, this.#manager, this.nsp, {}, { ...this.#flags, ...flags }, this.#raw) as this;
  }
  /** The next emit is dropped instead of buffered while offline. */
  get volatile(): this {
    return this.#with({ volatile: true });
  }
  /** The next emit's ack fails with an error after `ms`. */
  timeout(ms: number): this {
    return this.#with({ timeout: ms });
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
    return this.#send(list, ack, ack ? 1 : 0);
  }

  /** `mode`: 0 no ack, 1 callback, 2 error-first. */
  #send(list: unknown[], ack: AnyFn | undefined, mode: number): this {
    this.#raw.emit(list, ack, mode, this.#flags.timeout ?? -1, this.#flags.volatile);
    return this;
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

  on<Ev extends EventNames<L> | keyof ReservedSocketEvents>(
    event: Ev,
    listener: Ev extends keyof ReservedSocketEvents ? ReservedSocketEvents[Ev] : L[Ev & keyof L],
  ): ListenerHandle {
    return this.#on(0, event, listener, false, false);
  }
  once<Ev extends EventNames<L> | keyof ReservedSocketEvents>(
    event: Ev,
    listener: Ev extends keyof ReservedSocketEvents ? ReservedSocketEvents[Ev] : L[Ev & keyof L],
  ): ListenerHandle {
    return this.#on(0, event, listener, true, false);
  }
  /** `kind`: 0 a named event, 1 `onAny`, 2 `onAnyOutgoing`. */
  #on(kind: number, event: string, listener: unknown, once: boolean, prepend: boolean): ListenerHandle {
    return new ListenerHandle(this.#manager, this.#raw.on(kind, event, listener, once, prepend));
  }

  /** `off(event, fn)`: that listener; `off(event)`: all of the event; `off()`: all. */
  off(event?: string, listener?: AnyFn): this {
    this.#raw.off(0, event, listener);
    return this;
  }
  removeAllListeners(event?: string): this {
    this.#raw.off(0, event, undefined);
    return this;
  }
  listeners(event: string): AnyFn[] {
    return this.#raw.listeners(0, event) as AnyFn[];
  }
  hasListeners(event: string): boolean {
    return this.#raw.listeners(0, event).length > 0;
  }

  onAny(listener: (event: string, ...args: unknown[]) => void): ListenerHandle {
    return this.#on(1, "", listener, false, false);
  }
  prependAny(listener: (event: string, ...args: unknown[]) => void): ListenerHandle {
    return this.#on(1, "", listener, false, true);
  }
  offAny(listener?: AnyFn): this {
    this.#raw.off(1, undefined, listener);
    return this;
  }
  listenersAny(): AnyFn[] {
    return this.#raw.listeners(1, undefined) as AnyFn[];
  }
  onAnyOutgoing(listener: (event: string, ...args: unknown[]) => void): ListenerHandle {
    return this.#on(2, "", listener, false, false);
  }
  prependAnyOutgoing(listener: (event: string, ...args: unknown[]) => void): ListenerHandle {
    return this.#on(2, "", listener, false, true);
  }
  offAnyOutgoing(listener?: AnyFn): this {
    this.#raw.off(2, undefined, listener);
    return this;
  }
  listenersAnyOutgoing(): AnyFn[] {
    return this.#raw.listeners(2, undefined) as AnyFn[];
  }
}

// ---------------------------------------------------------------- io() -----

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
  const fresh = options.forceNew || options.multiplex === false || (cached?.hasSocket(nsp) ?? false);
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
  return parseUrl(uri, options) as [string, string];
}

/**
 * @internal For socketio-wasm/react: the Manager io() shares for `key`,
 * made closed (nothing opens before a namespace connects) when there is
 * none yet; a private one with `forceNew` or `multiplex: false`.
 */
export function sharedManager(uri: string, key: string, options: Partial<ManagerOptions & SocketOptions>): Manager {
  const closed = { ...options, autoConnect: false };
  if (options.forceNew || options.multiplex === false) return new Manager(uri, closed);
  let manager = managers.get(key);
  if (!manager) {
    manager = new Manager(uri, closed);
    managers.set(key, manager);
  }
  return manager;
}

export { io as connect };
export default io;
