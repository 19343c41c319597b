// The vanilla half of the React layer (no React import here): one shared
// connection per server, reference-counted namespaces, and a status store per
// namespace that any UI library can subscribe to. The hooks in index.tsx are a
// thin adapter over it, the way zustand's react.ts adapts its vanilla.ts.
//
// No protocol or reconnection decision is taken here: connecting, backing off
// and reconnecting are the Manager's job. This file only counts who uses a
// namespace (connect on the first user, disconnect after a grace period once
// the last one is gone; the Manager closes itself when no socket is active)
// and reads the core's state (connected, active, recovered, reconnecting and
// its attempt) into a snapshot when an event says it may have changed. The
// Managers are io()'s cache (`sharedManager`); a Connection hangs off one.
import {
  connectionKey,
  Manager,
  sharedManager,
  statsVersion,
  type ConnectionStats,
  type ListenerHandle,
  type SocketStats,
  type ExtendedError,
  type ManagerOptions,
  type Socket,
  type SocketOptions,
} from "../index.js";

export type ConnectionOptions = Partial<ManagerOptions & SocketOptions>;

export type SocketStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

/** What `useSocketStatus()` returns; a new object only when a field changed. */
export interface SocketState {
  readonly status: SocketStatus;
  /** `status === "connected"`. */
  readonly connected: boolean;
  /** The socket id while connected. */
  readonly id: string | undefined;
  /** The last `connect_error` / `reconnect_error`; cleared on connect. */
  readonly error: ExtendedError | null;
  /** True when the last reconnection recovered the session (connection state recovery). */
  readonly recovered: boolean;
  /** The current reconnection attempt (0 when connected or on the first connection). */
  readonly attempt: number;
}

/** A `subscribe`/`getSnapshot` pair, the shape `useSyncExternalStore` takes. */
export interface StatusStore {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): SocketState;
}

/** The snapshot before anything is known (and on the server). */
export const INITIAL_STATE: SocketState = Object.freeze({
  status: "disconnected",
  connected: false,
  id: undefined,
  error: null,
  recovered: false,
  attempt: 0,
});

/** Grace period before an unused namespace disconnects (StrictMode, route changes). */
export const DEFAULT_CLOSE_DELAY = 1000;

/** The Connection of each Manager of the cache. */
const connections = new WeakMap<Manager, Connection>();

/**
 * `url` made absolute: against the page, or on the server (no page; the
 * objects made there are never connected) against any base. No URL means the
 * page's origin and the main namespace, as for io().
 */
function absolute(url: string | undefined): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return new URL(url || "/", base ?? "http://localhost/").href;
}

class Namespace implements StatusStore {
  readonly socket: Socket;
  refs = 0;
  timer: ReturnType<typeof setTimeout> | undefined;
  #state: SocketState = INITIAL_STATE;
  /** The last connect_error / reconnect_error: the one thing events tell that the core's state does not. */
  #error: SocketState["error"] = null;
  readonly #listeners = new Set<() => void>();

  constructor(socket: Socket) {
    this.socket = socket;
    // One set of listeners per namespace for its whole life: bounded, and the
    // snapshot knows the attempt and the error even before anyone subscribes.
    const refresh = () => this.refresh();
    const failed = (error: ExtendedError) => {
      this.#error = error;
      refresh();
    };
    socket.on("connect", () => {
      this.#error = null;
      refresh();
    });
    socket.on("disconnect", refresh);
    socket.on("connect_error", failed);
    const manager = socket.io;
    manager.on("reconnect_attempt", refresh);
    manager.on("reconnect_error", failed);
    manager.on("reconnect_failed", refresh);
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    return () => {
      this.#listeners.delete(onChange);
    };
  };

  readonly getSnapshot = (): SocketState => {
    this.#update();
    return this.#state;
  };

  /** Recomputes the snapshot and tells the subscribers when it changed. */
  refresh(): void {
    if (this.#update()) for (const onChange of [...this.#listeners]) onChange();
  }

  #update(): boolean {
    const socket = this.socket;
    const manager = socket.io;
    const connected = socket.connected;
    const attempt = connected ? 0 : manager.reconnectAttempt;
    // Active, not reconnecting and no connection opening or open: given up
    // (reconnection off, or its attempts spent).
    const status: SocketStatus = connected
      ? "connected"
      : !socket.active
        ? "disconnected"
        : attempt > 0
          ? "reconnecting"
          : manager.engine.readyState === "closed"
            ? "disconnected"
            : "connecting";
    const next: SocketState = {
      status,
      connected,
      id: connected ? socket.id : undefined,
      error: this.#error,
      recovered: connected && socket.recovered,
      attempt,
    };
    const prev = this.#state;
    if (
      prev.status === next.status &&
      prev.id === next.id &&
      prev.error === next.error &&
      prev.recovered === next.recovered &&
      prev.attempt === next.attempt
    ) {
      return false;
    }
    this.#state = Object.freeze(next);
    return true;
  }
}

/** The stats of no connection: what the server renders. */
const EMPTY_STATS: ConnectionStats = Object.freeze({
  takenAt: 0,
  transport: null,
  id: null,
  state: "disconnected",
  attempt: 0,
  connectedSince: null,
  reconnections: 0,
  recovered: false,
  lastError: null,
  heartbeat: Object.freeze({ pingInterval: 0, pingTimeout: 0, sinceLastPing: null }),
  framesIn: 0,
  framesOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  eventsIn: 0,
  eventsOut: 0,
  pendingAcks: 0,
  buffered: 0,
  droppedVolatile: 0,
  rtt: Object.freeze({ samples: 0, p50: 0, p95: 0, max: 0 }),
}) as ConnectionStats;

/** What `useSocketStats()` returns: the connection's stats and the namespace's own. */
export interface NamespaceStats extends ConnectionStats {
  readonly socket: SocketStats;
}

/** A `subscribe`/`getSnapshot` pair over a namespace's stats. */
export interface StatsStore {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): NamespaceStats;
  /** Zeros: no connection on the server. */
  getServerSnapshot(): NamespaceStats;
}

/**
 * The stats of a namespace, refreshed by `manager.onStats` while someone
 * subscribes (no timer otherwise); the snapshot is a new object only when
 * something besides the clocks changed.
 */
class NamespaceStatsStore implements StatsStore {
  readonly #socket: Socket;
  readonly #intervalMs: number;
  readonly #listeners = new Set<() => void>();
  #handle: ListenerHandle | undefined;
  #snapshot: NamespaceStats | undefined;
  #version = "";
  readonly #server: NamespaceStats;

  constructor(socket: Socket, intervalMs: number) {
    this.#socket = socket;
    this.#intervalMs = intervalMs;
    this.#server = Object.freeze({
      ...EMPTY_STATS,
      socket: Object.freeze({
        namespace: socket.nsp,
        connected: false,
        recovered: false,
        eventsIn: 0,
        eventsOut: 0,
        pendingAcks: 0,
        buffered: 0,
        droppedVolatile: 0,
      }),
    });
  }

  /** Takes a snapshot (from `onStats`'s, when it gives one); true when it differs from the last one. */
  #take(stats: ConnectionStats = this.#socket.io.stats()): boolean {
    const socket = this.#socket.stats();
    const version = statsVersion(stats) + JSON.stringify(socket);
    if (this.#snapshot !== undefined && version === this.#version) return false;
    this.#version = version;
    this.#snapshot = Object.freeze({ ...stats, socket: Object.freeze(socket) });
    return true;
  }

  #notify(): void {
    for (const onChange of [...this.#listeners]) onChange();
  }

  readonly subscribe = (onChange: () => void): (() => void) => {
    this.#listeners.add(onChange);
    if (this.#handle === undefined) {
      this.#handle = this.#socket.io.onStats((stats) => this.#take(stats) && this.#notify(), { intervalMs: this.#intervalMs });
      // What changed between the render and now.
      if (this.#take()) this.#notify();
    }
    return () => {
      this.#listeners.delete(onChange);
      if (this.#listeners.size === 0) {
        this.#handle?.off();
        this.#handle = undefined;
      }
    };
  };

  readonly getSnapshot = (): NamespaceStats => {
    if (this.#snapshot === undefined) this.#take();
    return this.#snapshot as NamespaceStats;
  };

  readonly getServerSnapshot = (): NamespaceStats => this.#server;
}

/**
 * The app's connection to one server: one Manager, shared by every provider
 * and hook that names that server, with one socket per namespace.
 */
export class Connection {
  /** The Manager (one Engine.IO connection). */
  readonly manager: Manager;
  readonly options: ConnectionOptions;
  readonly #autoConnect: boolean;
  readonly #namespaces = new Map<string, Namespace>();
  /** By namespace and interval. */
  readonly #stats = new Map<string, NamespaceStatsStore>();

  /**
   * The connection to `url`'s server, and the namespace `url` names. Created
   * on first use (closed: nothing is opened before a namespace is acquired),
   * shared after; options are read when it is created.
   */
  static for(url: string | undefined, options: ConnectionOptions = {}): { connection: Connection; nsp: string } {
    const href = absolute(url);
    const [key, nsp] = connectionKey(href, options);
    // io()'s Manager for this server: an io() call elsewhere in the app for
    // another namespace rides on the same connection, and the other way round.
    const manager = sharedManager(href, key, options);
    let connection = connections.get(manager);
    if (!connection) {
      connection = new Connection(manager, href, options);
      connections.set(manager, connection);
    }
    return { connection, nsp };
  }

  readonly #href: string;
  /** For namespaces an io() socket already holds on the shared Manager. */
  #private: Manager | undefined;

  private constructor(manager: Manager, href: string, options: ConnectionOptions) {
    this.manager = manager;
    this.options = options;
    this.#href = href;
    this.#autoConnect = options.autoConnect !== false;
  }

  #entry(nsp: string): Namespace {
    let entry = this.#namespaces.get(nsp);
    if (!entry) {
      // A namespace an io() socket already holds gets its own connection, as
      // a second io() for it would: the provider connects and disconnects its
      // sockets, and must not do so to one the app holds.
      const manager = this.manager.hasSocket(nsp)
        ? (this.#private ??= new Manager(this.#href, { ...this.options, autoConnect: false }))
        : this.manager;
      entry = new Namespace(manager.socket(nsp));
      this.#namespaces.set(nsp, entry);
    }
    return entry;
  }

  /** The socket of `nsp` (created on first use; not connected by this call). */
  socket(nsp: string): Socket {
    return this.#entry(nsp).socket;
  }

  /** The status store of `nsp`. */
  status(nsp: string): StatusStore {
    return this.#entry(nsp);
  }

  /** The stats store of `nsp`, refreshed at most every `intervalMs` while subscribed. */
  stats(nsp: string, intervalMs: number): StatsStore {
    const key = `${intervalMs} ${nsp}`;
    let store = this.#stats.get(key);
    if (!store) {
      store = new NamespaceStatsStore(this.#entry(nsp).socket, intervalMs);
      this.#stats.set(key, store);
    }
    return store;
  }

  /**
   * Counts one user of `nsp`; the first one connects it (unless the options
   * say `autoConnect: false`). The returned function, called once, gives the
   * use back; `closeDelay` ms after the last one, the socket disconnects, and
   * the Manager closes the connection when no socket of it is active.
   */
  acquire(nsp: string, closeDelay: number = DEFAULT_CLOSE_DELAY): () => void {
    const entry = this.#entry(nsp);
    entry.refs += 1;
    if (entry.timer !== undefined) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    if (entry.refs === 1 && this.#autoConnect && !entry.socket.active) {
      entry.socket.connect();
      entry.refresh();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (entry.refs > 0) return;
        entry.socket.disconnect();
        entry.refresh();
      }, closeDelay);
    };
  }

  /** How many users `nsp` has now (for tests and devtools). */
  users(nsp: string): number {
    return this.#namespaces.get(nsp)?.refs ?? 0;
  }
}
