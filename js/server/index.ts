// socketio-wasm/server: exactly-once delivery for a socket.io 4.x server, the
// server half of the package's durable delivery. Plain TypeScript: nothing
// here loads the wasm module, and socket.io itself is only a type.
//
// Client → server: a durable emit carries its message id as a last argument
// `{ $durable: "<id>" }` (before the ack). `durable()` takes it out before
// the app's handler runs, runs the handler once per id, and answers a
// repeated id with the first answer, without running the handler again.
//
// Server → client: `durable(nsp).emit(...)` (or `.to(room).emit(...)`)
// numbers each event in its stream (the namespace, or a room) and keeps it in
// a log; the event carries `{ $durable: [stream, seq, epoch] }` as its last
// argument (a replay that starts past what the log still holds adds the
// number the client reported: `[stream, seq, epoch, after]`, so that the
// client skips what is gone instead of asking for it forever). A client that comes back without its session recovered reports
// the last number it handled per stream (`auth.$durable`) and gets what came
// after, from `replay()`; on a gap it asks with `$durable:replay`.
import type { Namespace, Server, Socket } from "socket.io";

/** The key of the marker object, in both directions. */
export const MARK = "$durable";
/** The event a client sends to ask for a stream's entries after a number: `(stream, after)`. */
export const REPLAY_EVENT = "$durable:replay";
/** The longest message id taken (a UUID is 36 characters, a ULID 26). */
export const MAX_ID_LENGTH = 128;

/** What the store knows of a message id. */
export type Outcome = { state: "running" } | { state: "done"; response: unknown[] };

/** One event of a stream's log. */
export interface LogEntry {
  seq: number;
  event: string;
  args: unknown[];
}

/**
 * Where `durable()` keeps message ids and logs. `MemoryStore` is the
 * default; a store shared by several servers (SQLite for one host, Redis or
 * MongoDB for a cluster) makes the promise hold across them and across
 * restarts. Every method may return a promise.
 */
export interface DurableStore {
  /**
   * Names the store's lifetime: a client that saw another epoch starts its
   * streams over (a memory store forgets its logs on restart; a database
   * keeps one epoch for good).
   */
  readonly epoch: string;
  /** Claims message `key`: `undefined` when it is new (it is now running), else what is known of it. */
  claim(key: string): Outcome | undefined | Promise<Outcome | undefined>;
  /** The handler answered `key` with `response` (`[]`: it ran, and the message asked for no answer). */
  complete(key: string, response: unknown[]): void | Promise<void>;
  /** The handler failed before answering: a retry of `key` runs it again. */
  release(key: string): void | Promise<void>;
  /** Appends an event to `stream`'s log; returns its number (1, 2, 3, … per stream). */
  append(stream: string, event: string, args: unknown[]): number | Promise<number>;
  /** The entries of `stream` after number `after`, in order, at most `limit`. */
  since(stream: string, after: number, limit: number): LogEntry[] | Promise<LogEntry[]>;
}

export interface MemoryStoreOptions {
  /** Message ids remembered (the oldest are forgotten first). Default 10,000. */
  maxIds?: number;
  /** Entries kept per stream log. Default 1,000. */
  maxLog?: number;
}

/** A store in this process's memory: bounded, and gone on restart (its epoch says so). */
export class MemoryStore implements DurableStore {
  readonly epoch = randomEpoch();
  readonly #ids = new Map<string, Outcome>();
  readonly #logs = new Map<string, { next: number; entries: LogEntry[] }>();
  readonly #maxIds: number;
  readonly #maxLog: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxIds = positive(options.maxIds, 10_000, "maxIds");
    this.#maxLog = positive(options.maxLog, 1_000, "maxLog");
  }

  claim(key: string): Outcome | undefined {
    const known = this.#ids.get(key);
    if (known) return known;
    this.#ids.set(key, { state: "running" });
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.#ids.size > this.#maxIds) this.#ids.delete(this.#ids.keys().next().value as string);
    return undefined;
  }

  complete(key: string, response: unknown[]): void {
    this.#ids.set(key, { state: "done", response });
  }

  release(key: string): void {
    this.#ids.delete(key);
  }

  append(stream: string, event: string, args: unknown[]): number {
    let log = this.#logs.get(stream);
    if (!log) {
      log = { next: 1, entries: [] };
      this.#logs.set(stream, log);
    }
    const seq = log.next++;
    log.entries.push({ seq, event, args });
    if (log.entries.length > this.#maxLog) log.entries.shift();
    return seq;
  }

  since(stream: string, after: number, limit: number): LogEntry[] {
    const entries = this.#logs.get(stream)?.entries ?? [];
    return entries.filter((e) => e.seq > after).slice(0, limit);
  }
}

export interface DurableOptions {
  /** Default: a new `MemoryStore`. */
  store?: DurableStore;
  /**
   * Whose message ids these are: ids are scoped by namespace and by this
   * (for example the authenticated user's id), so that one client cannot
   * answer for another's. Default: one scope per namespace.
   */
  scope?: (socket: Socket) => string;
  /** The most entries one replay sends. Default 1,000. */
  maxReplay?: number;
  /** Told of what `durable()` refused or could not do (a malformed marker, a store failure). Default: `console.error`. */
  onError?: (error: Error, socket: Socket) => void;
}

/** Emits that are numbered and logged, to a namespace or to some of its rooms. */
export interface DurableEmitter {
  /** Logs the event, then sends it; resolves with its number in the stream. */
  emit(event: string, ...args: unknown[]): Promise<number>;
}

export interface DurableNamespace extends DurableEmitter {
  readonly namespace: Namespace;
  readonly store: DurableStore;
  /** Emits to a room: its own stream, `room:<name>`. */
  to(room: string): DurableEmitter;
  /**
   * Sends `socket` what `stream` logged after `after` (default: what the
   * client reported in `auth.$durable` for that stream; nothing when it
   * reported nothing). The namespace's own stream is replayed on connection
   * by itself; call this for a room's after the socket joined it.
   */
  replay(socket: Socket, stream: string, after?: number): Promise<number>;
}

/** The stream of a room. */
export const roomStream = (room: string): string => `room:${room}`;

/**
 * Installs exactly-once delivery on `target` (a `Namespace`, or a `Server`
 * for its main namespace): handlers see the original arguments and run once
 * per message id; `emit` numbers and logs what the server sends.
 */
export function durable(target: Namespace | Server, options: DurableOptions = {}): DurableNamespace {
  const nsp: Namespace = "of" in target ? target.of("/") : target;
  const store = options.store ?? new MemoryStore();
  const scope = options.scope ?? (() => "");
  const maxReplay = positive(options.maxReplay, 1_000, "maxReplay");
  const onError = options.onError ?? ((error: Error) => console.error("socketio-wasm/server:", error.message));
  /** Answers waiting for a message that is running here (a retry that came before the first answer). */
  const waiting = new Map<string, ((...response: unknown[]) => void)[]>();
  /** Appends happen one after the other: numbers go out in the order they were given. */
  let order: Promise<unknown> = Promise.resolve();

  const send = (room: string | undefined, stream: string, event: string, args: unknown[]): Promise<number> => {
    const sent = order.then(async () => {
      const seq = await store.append(stream, event, args);
      const to = room === undefined ? nsp : nsp.to(room);
      to.emit(event, ...args, { [MARK]: [stream, seq, store.epoch] });
      return seq;
    });
    order = sent.catch(() => undefined);
    return sent;
  };

  const replay = async (socket: Socket, stream: string, after?: number): Promise<number> => {
    const from = after ?? reported(socket, stream, store.epoch);
    if (from === undefined) return 0;
    const entries = await store.since(stream, from, maxReplay);
    entries.forEach((e, i) => {
      // The log no longer holds what came right after `from`: the first
      // entry says which number it follows, so the client takes it (and
      // tells the app what it missed) instead of asking for it again.
      const mark = i === 0 && e.seq > from + 1 ? [stream, e.seq, store.epoch, from] : [stream, e.seq, store.epoch];
      socket.emit(e.event, ...e.args, { [MARK]: mark });
    });
    return entries.length;
  };

  nsp.on("connection", (socket: Socket) => {
    socket.use((packet, next) => {
      const at = markIndex(packet);
      if (at < 0) return next();
      const id = (packet[at] as Record<string, unknown>)[MARK];
      if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
        onError(new Error(`a durable message id must be a string of 1 to ${MAX_ID_LENGTH} characters`), socket);
        return;
      }
      packet.splice(at, 1);
      const key = `${nsp.name}\0${scope(socket)}\0${id}`;
      const last = packet.at(-1);
      const ack = typeof last === "function" ? (last as (...response: unknown[]) => void) : undefined;
      Promise.resolve(store.claim(key)).then(
        (outcome) => {
          if (outcome === undefined) {
            if (ack) {
              packet[packet.length - 1] = (...response: unknown[]) => {
                for (const other of waiting.get(key) ?? []) other(...response);
                waiting.delete(key);
                Promise.resolve(store.complete(key, response)).catch((error: Error) => onError(error, socket));
                ack(...response);
              };
            }
            // socket.io runs the handler on the next tick: a message without
            // an ack counts as handled once it is handed over.
            next();
            if (!ack) Promise.resolve(store.complete(key, [])).catch((error: Error) => onError(error, socket));
          } else if (outcome.state === "done") {
            ack?.(...outcome.response);
          } else if (ack) {
            // Running (here, or on another server): answered with the first.
            const list = waiting.get(key) ?? [];
            list.push(ack);
            waiting.set(key, list);
          }
        },
        (error: Error) => {
          onError(error, socket);
          next(error);
        },
      );
    });
    socket.on(REPLAY_EVENT, (stream: unknown, after: unknown) => {
      if (typeof stream !== "string" || typeof after !== "number" || !Number.isInteger(after) || after < 0) return;
      // A room's stream only for a socket in that room.
      if (stream.startsWith("room:") && !socket.rooms.has(stream.slice(5))) return;
      if (stream !== "" && !stream.startsWith("room:")) return;
      replay(socket, stream, after).catch((error: Error) => onError(error, socket));
    });
    replay(socket, "").catch((error: Error) => onError(error, socket));
  });

  return {
    namespace: nsp,
    store,
    emit: (event, ...args) => send(undefined, "", event, args),
    to: (room) => ({ emit: (event, ...args) => send(room, roomStream(room), event, args) }),
    replay,
  };
}

/** Where the marker is in `[event, ...args, ack?]`: the last argument before the ack; -1 without one. */
function markIndex(packet: unknown[]): number {
  let at = packet.length - 1;
  if (typeof packet[at] === "function") at--;
  if (at < 1) return -1;
  const value = packet[at];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return -1;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === MARK ? at : -1;
}

/** The number the client reported for `stream` in its handshake (`auth.$durable`), for this epoch. */
function reported(socket: Socket, stream: string, epoch: string): number | undefined {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  const mark = auth?.[MARK] as { epoch?: unknown; streams?: Record<string, unknown> } | undefined;
  if (!mark || typeof mark !== "object") return undefined;
  // Another epoch: the client's numbers name entries this store never had.
  const value = mark.epoch === epoch ? mark.streams?.[stream] : 0;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function randomEpoch(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}
