// Durable delivery, the client half (socketio-wasm/server is the other):
// every emit of a `durable` socket gets a message id, is written to
// IndexedDB before it is sent, is sent again on every connection until the
// server acknowledges it, and is resent after a reload, in its order, with
// its id. Server events numbered by the helper's log are handed over once:
// a repeat is dropped, a gap asks for a replay, and the last number per
// stream is kept (in IndexedDB too) and reported in the handshake.
//
// Several tabs (or sockets) with one outbox name share its rows: each row
// names the outbox that wrote it, whose Web Lock is held while it lives;
// only that outbox sends it, and once the lock is free (its tab went) the
// first other outbox to get the lock takes the rows over and sends them.
//
// No protocol decision is made here: this is an application-level contract
// (the `$durable` markers) carried in ordinary events and acks. The module
// is loaded only by a socket made with `durable` (a chunk of its own, which
// imports nothing: what it shares with the entry comes through its host).

/** The key of the marker object, in both directions (socketio-wasm/server's `MARK`). */
export const MARK = "$durable";
/** The event that asks the server for a stream's entries after a number. */
export const REPLAY_EVENT = "$durable:replay";

/** The shape of what this version writes; entries of another are discarded, with an error event. */
const FORMAT = 1;
const DATABASE = "socketio-wasm";
const OUTBOX = "outbox";
const STREAMS = "streams";
/**
 * How long opening IndexedDB may take before this page gives up on it: an
 * open waits, without any event, behind another tab's upgrade or delete
 * that a third connection blocks, and the socket's handshake waits for it.
 */
export const OPEN_TIMEOUT = 3000;
/** Lock names: this prefix, the outbox's owner id (36 characters), ":", the outbox's name. */
const LOCK = "socketio-wasm:durable:";
/** Where an outbox says it exists, for the others of its name to watch its lock. */
const CHANNEL = "socketio-wasm:durable";

export interface DurableOptions {
  /**
   * Whose outbox this is, besides the server and namespace: give the user's
   * id, so that two users of one browser profile never resend each other's
   * messages. Default "".
   */
  key?: string;
  /** Emits kept at most (default 1,000): one more is an `Error`. */
  maxEntries?: number;
  /** Bytes of arguments kept at most (default 5 MB; JSON text length, binary by `byteLength`). */
  maxBytes?: number;
  /** ms an emit waits for its acknowledgement before it is sent again on the same connection (default 10,000). */
  ackTimeout?: number;
}

/** An emit waiting for its acknowledgement (what `pending()` lists). */
export interface DurableEntry {
  readonly id: string;
  readonly event: string;
  readonly args: readonly unknown[];
  /** `Date.now()` when it was emitted. */
  readonly createdAt: number;
}

/** What the outbox tells the app. */
export interface DurableEvents {
  /** The server acknowledged message `id` with `response` (its ack arguments). */
  delivered: (id: string, response: unknown[]) => void;
  /** The server answered message `id` with an error-shaped first argument (`isErrorAck`: `{ error }`, `{ ok: false }`, `{ status: "error" }`): handled, and refused. */
  failed: (id: string, error: unknown) => void;
  /** Storage failed (unavailable, blocked, quota, a corrupt or older entry): what it means is in the message; nothing is lost silently. */
  error: (error: Error) => void;
}

/** What the outbox needs of its socket. */
export interface DurableHost {
  /** Sends `list`; with `ack`, an error-first acknowledgement that fails after `timeout` ms (or on disconnect). */
  send(list: unknown[], ack?: (error: Error | null, ...response: unknown[]) => void, timeout?: number): void;
  notify<Ev extends keyof DurableEvents>(event: Ev, args: Parameters<DurableEvents[Ev]>): void;
  /** Whether an answer is error-shaped (`isErrorAck`): the emit `failed`. */
  isError(answer: unknown): boolean;
  /** The server's id of the socket, while connected: the tabs of a shareAcrossTabs group have the leader's. */
  id?(): string | undefined;
}

interface Entry extends DurableEntry {
  /** Its key's second half, once written: rows of one name are numbered by write order, whichever tab wrote them. */
  order: number;
  bytes: number;
  /** Written (or given up writing, with an error event): it may be sent. */
  stored: boolean;
  /** Its row is in the store, at [box, order]. */
  keyed: boolean;
  /** The app's live callback, for this page only. */
  ack: ((response: unknown[]) => void) | undefined;
}

interface StoredEntry {
  v: number;
  box: string;
  order: number;
  /** The outbox that sends it (rows written before this field are anybody's). */
  tab?: string;
  id: string;
  event: string;
  args: unknown[];
  createdAt: number;
}

interface StoredStreams {
  v: number;
  box: string;
  epoch: string;
  streams: Record<string, number>;
}

/** The client's last number per stream of one server epoch, as the handshake reports it. */
export interface StreamPositions {
  epoch: string;
  streams: Record<string, number>;
}


const positive = (value: unknown, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0)) throw new TypeError(`durable.${name} must be a positive number, got ${String(value)}`);
  return value;
};

function newId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The size an emit's arguments count for against `maxBytes`. */
function sizeOf(args: unknown[]): number {
  let binary = 0;
  const text = JSON.stringify(args, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      binary += (value as ArrayBuffer).byteLength;
      return null;
    }
    if (typeof Blob !== "undefined" && value instanceof Blob) {
      binary += value.size;
      return null;
    }
    return value;
  });
  return (text?.length ?? 0) + binary;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB request failed"));
  });
}

function done(t: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error ?? new Error("IndexedDB transaction failed"));
    t.onabort = () => reject(t.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/** An IndexedDB error for a message: Chromium's QuotaExceededError has an empty message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!error.message) return error.name;
  return error.message.startsWith(error.name) || error.name === "Error" ? error.message : `${error.name}: ${error.message}`;
}

let database: Promise<IDBDatabase> | undefined;
/** What the outboxes of this page do when another tab needs the database closed (an upgrade, a delete). */
const closing = new Set<() => void>();

/** The package's database, opened once per page; it gives up after OPEN_TIMEOUT ms. */
function openDatabase(): Promise<IDBDatabase> {
  database ??= new Promise<IDBDatabase>((resolve, reject) => {
    const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!idb) throw new Error("IndexedDB is not available");
    const open = idb.open(DATABASE, FORMAT);
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT} ms (another tab's upgrade or delete of it is blocked)`)),
      OPEN_TIMEOUT,
    );
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: ["box", "order"] });
      if (!db.objectStoreNames.contains(STREAMS)) db.createObjectStore(STREAMS, { keyPath: "box" });
    };
    open.onsuccess = () => {
      const db = open.result;
      // Given up on: a connection nobody uses would block the next upgrade.
      if (settled) return db.close();
      settled = true;
      clearTimeout(timer);
      // A newer version (or a delete) in another tab must not wait for this page to close.
      db.onversionchange = () => {
        db.close();
        database = undefined;
        for (const close of closing) close();
      };
      resolve(db);
    };
    open.onerror = () => fail(open.error ?? new Error("IndexedDB could not be opened"));
    open.onblocked = () => fail(new Error("IndexedDB is blocked by another tab holding an older version open"));
  });
  // A failure is not kept: a later socket tries again.
  database.catch(() => (database = undefined));
  return database;
}

/** The outbox and stream positions of one socket (`box`: server, namespace and `key`). */
export class Outbox {
  readonly #host: DurableHost;
  readonly #box: string;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #ackTimeout: number;
  /** Pending emits in send order: those read back from the store first. */
  readonly #entries: Entry[] = [];
  #bytes = 0;
  /** Orders of what is kept in memory only (rows take theirs from the store). */
  #nextOrder = 0;
  #db: IDBDatabase | undefined;
  /** This outbox's id in the rows it owns, and in its lock. */
  readonly #owner = newId();
  /** Web Locks, once this outbox holds its own: without them every row read back is taken. */
  #locks: LockManager | undefined;
  /** The other owners of this name whose lock is waited for. */
  readonly #watched = new Set<string>();
  /** Where the outboxes of this name say they exist, and where they are in the server's streams. */
  #channel: BroadcastChannel | undefined;
  #loaded = false;
  #connected = false;
  readonly #inFlight = new Set<string>();
  #positions: StreamPositions | undefined;
  #positionsDirty = false;
  #saveScheduled = false;
  /** When a replay of each stream was asked for (one at a time). */
  readonly #replaying = new Map<string, number>();
  /** Writes under way. */
  readonly #writes = new Set<Promise<unknown>>();
  /** Settles once what the store held is read (or the store is known unusable). */
  readonly ready: Promise<void>;

  constructor(host: DurableHost, box: string, options: DurableOptions) {
    this.#host = host;
    this.#box = box;
    this.#maxEntries = positive(options.maxEntries, 1000, "maxEntries");
    this.#maxBytes = positive(options.maxBytes, 5_000_000, "maxBytes");
    this.#ackTimeout = positive(options.ackTimeout, 10_000, "ackTimeout");
    this.ready = this.#load();
  }

  /** The emits not acknowledged yet, in send order. */
  pending(): DurableEntry[] {
    return this.#entries.map(({ id, event, args, createdAt }) => ({ id, event, args, createdAt }));
  }

  /** Settles once every emit made so far is written (or known unwritable, with an error event). */
  async written(): Promise<void> {
    await this.ready;
    await Promise.all([...this.#writes]);
  }

  /** What the handshake reports (`auth.$durable`), once a numbered event was seen. */
  get positions(): StreamPositions | undefined {
    return this.#positions;
  }

  /** An emit: kept, written, then sent (on this connection or the next). Returns its id. */
  emit(event: string, args: unknown[], ack: ((response: unknown[]) => void) | undefined): string {
    if (this.#entries.length >= this.#maxEntries) {
      throw new Error(`emit("${event}"): the durable outbox is full (${this.#maxEntries} emits wait for their acknowledgement)`);
    }
    const bytes = sizeOf(args);
    if (this.#bytes + bytes > this.#maxBytes) {
      throw new Error(`emit("${event}"): the durable outbox is full (${this.#maxBytes} bytes wait for their acknowledgement)`);
    }
    const entry: Entry = { id: newId(), event, args, createdAt: Date.now(), order: 0, bytes, stored: false, keyed: false, ack };
    this.#entries.push(entry);
    this.#bytes += bytes;
    if (this.#loaded) this.#store(entry);
    return entry.id;
  }

  connected(): void {
    this.#connected = true;
    this.#inFlight.clear();
    this.#pump();
  }

  disconnected(): void {
    this.#connected = false;
    this.#inFlight.clear();
  }

  /**
   * A server event's arguments (`[event, ...args]`): without a valid marker
   * as they are; with one, stripped of it, or `undefined` for a repeat (and
   * for the first after a gap, which the replay it asks for brings again).
   */
  incoming(args: unknown[]): unknown[] | undefined {
    // Last, or before the offset string that connection state recovery appends.
    const at = typeof args[args.length - 1] === "string" ? args.length - 2 : args.length - 1;
    const found = args[at];
    if (at < 1 || found === null || typeof found !== "object") return args;
    const keys = Object.keys(found);
    if (keys.length !== 1 || keys[0] !== MARK) return args;
    const mark = (found as Record<string, unknown>)[MARK];
    if (!Array.isArray(mark) || (mark.length !== 3 && mark.length !== 4)) return args;
    const [stream, seq, epoch, follows] = mark as unknown[];
    if (typeof stream !== "string" || typeof epoch !== "string" || typeof seq !== "number" || !Number.isInteger(seq) || seq < 1) {
      return args;
    }
    if (follows !== undefined && (typeof follows !== "number" || !Number.isInteger(follows) || follows < 0 || follows >= seq)) {
      return args;
    }
    const event = args.slice();
    event.splice(at, 1);
    let positions = this.#positions;
    if (positions === undefined || positions.epoch !== epoch) {
      // Another store lifetime: its numbers start over.
      positions = { epoch, streams: {} };
      this.#positions = positions;
    }
    const seen = positions.streams[stream];
    if (seen !== undefined && seq <= seen) return undefined;
    if (seen !== undefined && seq > seen + 1) {
      if (typeof follows === "number" && follows >= seen) {
        // The server's log lost what came between: take this one, and say so.
        this.#host.notify("error", [
          new Error(`durable: ${seq - seen - 1} events of stream "${stream}" were no longer in the server's log (after ${seen}, before ${seq})`),
        ]);
      } else {
        // One replay request per stream at a time: what it brings fills the gap.
        const asked = this.#replaying.get(stream);
        if (asked === undefined || Date.now() - asked > this.#ackTimeout) {
          this.#replaying.set(stream, Date.now());
          this.#host.send([REPLAY_EVENT, stream, seen]);
        }
        return undefined;
      }
    }
    this.#replaying.delete(stream);
    positions.streams[stream] = seq;
    this.#savePositions();
    return event;
  }

  async #load(): Promise<void> {
    const others = new Set<string>();
    const restored: Entry[] = [];
    try {
      const db = await openDatabase();
      closing.add(() => this.#closed());
      await this.#hold();
      const locks = this.#locks;
      if (locks) {
        // The outboxes of this name alive now, whether or not they wrote
        // anything yet; asked before the rows are read, so that one that
        // writes and goes in between is among them, or its rows are read.
        const { held = [] } = await locks.query();
        for (const lock of held) {
          const owner = this.#ownerOf(lock.name);
          if (owner !== undefined) others.add(owner);
        }
      }
      const t = db.transaction([OUTBOX, STREAMS], "readwrite");
      const cursor = t.objectStore(OUTBOX).openCursor(this.#range());
      const read = new Promise<void>((resolve, reject) => {
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (!c) return resolve();
          const row = c.value as Partial<StoredEntry>;
          const entry = this.#restore(row);
          if (!entry) c.delete();
          else if (locks && typeof row.tab === "string") others.add(row.tab);
          else {
            // Written before rows had owners, or no locks to tell who is alive: this outbox's now.
            c.update({ ...row, tab: this.#owner });
            restored.push(entry);
          }
          c.continue();
        };
        cursor.onerror = () => reject(cursor.error ?? new Error("IndexedDB read failed"));
      });
      const [, streams] = await Promise.all([read, request(t.objectStore(STREAMS).get(this.#box) as IDBRequest<unknown>)]);
      const s = streams as Partial<StoredStreams> | undefined;
      if (s && s.v === FORMAT && typeof s.epoch === "string" && s.streams && typeof s.streams === "object") {
        this.#positions ??= { epoch: s.epoch, streams: { ...s.streams } };
      }
      await done(t);
      this.#db = db;
      if (locks) {
        others.delete(this.#owner);
        // Those gone already: their rows are read back now, before `ready`, as this page's own would be.
        for (const owner of others) {
          // Heard of on the channel meanwhile: its watcher takes the rows.
          if (this.#watched.has(owner)) continue;
          await locks.request(this.#lockName(owner), { ifAvailable: true }, async (lock) => {
            if (!lock) return;
            others.delete(owner);
            this.#watched.add(owner);
            restored.push(...(await this.#take(owner)));
          });
        }
      }
    } catch (error) {
      this.#db = undefined;
      this.#host.notify("error", [
        new Error(`durable: IndexedDB cannot be used (${describe(error)}); emits are kept in this page's memory only`),
      ]);
    }
    // What the store held goes first, then what was emitted meanwhile (what
    // was read before a failure too: a repeat is answered again, a loss is not).
    restored.sort((a, b) => a.order - b.order);
    this.#merge(restored);
    this.#loaded = true;
    for (const e of this.#entries) if (!e.stored) this.#store(e);
    if (this.#positionsDirty) this.#writePositions();
    for (const owner of others) this.#watch(owner);
  }

  #range(): IDBKeyRange {
    return IDBKeyRange.bound([this.#box, -Infinity], [this.#box, Infinity]);
  }

  #lockName(owner: string): string {
    return `${LOCK}${owner}:${this.#box}`;
  }

  /** The owner a lock name gives, when it is one of this outbox's name. */
  #ownerOf(name: string | undefined): string | undefined {
    if (!name?.startsWith(LOCK)) return undefined;
    const owner = name.slice(LOCK.length, LOCK.length + 36);
    return name.slice(LOCK.length + 36) === `:${this.#box}` && !owner.includes(":") ? owner : undefined;
  }

  /**
   * Takes this outbox's lock, held for the page's life (the browser frees
   * it when the tab goes), before any row names this outbox: a row's owner
   * whose lock is free is gone for good. Then says so on the channel, for
   * the outboxes of this name that were there first.
   */
  async #hold(): Promise<void> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (typeof locks?.request !== "function") return;
    try {
      await new Promise<void>((held, failed) => {
        locks.request(this.#lockName(this.#owner), () => {
          held();
          return new Promise<never>(() => {});
        }).catch(failed);
      });
    } catch {
      // Locks refused (an opaque origin): every row read back is taken, as without them.
      return;
    }
    this.#locks = locks;
    if (typeof BroadcastChannel !== "function") return;
    const channel = new BroadcastChannel(CHANNEL);
    this.#channel = channel;
    channel.onmessage = (event: MessageEvent) => {
      // Any script of the origin can post here: only well-formed messages are heard.
      const m = event.data as { box?: unknown; owner?: unknown; sid?: unknown; positions?: unknown } | null;
      if (!m || m.box !== this.#box || typeof m.owner !== "string" || m.owner.length !== 36) return;
      this.#watch(m.owner);
      const sid = this.#host.id?.();
      if (sid !== undefined && m.sid === sid) this.#mirror(m.positions);
    };
    channel.postMessage({ box: this.#box, owner: this.#owner });
  }

  /**
   * The stream positions of the tab that holds this socket's connection
   * (shareAcrossTabs: the hub hands the other tabs its events without their
   * numbers), taken as this tab's: when this tab leads next, its handshake
   * reports them and its dedupe starts from them, instead of from what it
   * read at load (the server replayed all that came since to every tab).
   */
  #mirror(value: unknown): void {
    const p = value as Partial<StreamPositions> | null;
    if (!p || typeof p.epoch !== "string" || !p.streams || typeof p.streams !== "object") return;
    const streams: Record<string, number> = {};
    for (const [stream, seq] of Object.entries(p.streams)) {
      if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) return;
      streams[stream] = seq;
    }
    this.#positions = { epoch: p.epoch, streams };
  }

  /** Waits for `owner`'s lock: granted once its tab is gone, then its rows are taken and sent. */
  #watch(owner: string): void {
    const locks = this.#locks;
    if (!locks || owner === this.#owner || this.#watched.has(owner)) return;
    this.#watched.add(owner);
    locks
      .request(this.#lockName(owner), async () => {
        // Granted during this outbox's load (its tab went at once): after it.
        await this.ready;
        const taken = await this.#take(owner);
        this.#merge(taken);
        this.#pump();
      })
      .catch((error: unknown) => this.#host.notify("error", [new Error(`durable: the rows of a closed tab could not be taken over (${describe(error)})`)]));
  }

  /**
   * The rows `owner` left, renamed to this outbox in one transaction (while
   * its lock is held here: whoever gets it next finds none), in order.
   */
  async #take(owner: string): Promise<Entry[]> {
    const db = this.#db;
    if (!db) return [];
    const taken: Entry[] = [];
    const t = db.transaction(OUTBOX, "readwrite");
    const cursor = t.objectStore(OUTBOX).openCursor(this.#range());
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return;
      const row = c.value as Partial<StoredEntry>;
      if (row.tab === owner) {
        const entry = this.#restore(row);
        if (entry) {
          c.update({ ...row, tab: this.#owner });
          taken.push(entry);
        } else c.delete();
      }
      c.continue();
    };
    try {
      await done(t);
    } catch (error) {
      // Sent all the same: a loss is worse than a repeat, which the server answers again.
      this.#host.notify("error", [new Error(`durable: the rows of a closed tab could not be renamed (${describe(error)}); another tab may send them too`)]);
    }
    return taken;
  }

  /** Adds entries read from the store (in order) before every later row, and before what is not written yet. */
  #merge(rows: Entry[]): void {
    let at = 0;
    for (const e of rows) {
      while (at < this.#entries.length && this.#entries[at]!.keyed && this.#entries[at]!.order < e.order) at++;
      this.#entries.splice(at++, 0, e);
      this.#bytes += e.bytes;
    }
  }

  /** Another tab upgrades or deletes the database: this page's connection is closed, and memory is what is left. */
  #closed(): void {
    if (!this.#db) return;
    this.#db = undefined;
    this.#host.notify("error", [
      new Error("durable: IndexedDB was closed for another tab (a newer version, or a delete); emits are kept in this page's memory only from now"),
    ]);
  }

  /** A stored row as an entry, or `undefined` (with an error event) when it is not one this version wrote. */
  #restore(row: unknown): Entry | undefined {
    const r = row as Partial<StoredEntry>;
    if (r.v !== FORMAT) {
      this.#host.notify("error", [new Error(`durable: an outbox entry of another format (${String(r.v)}) was discarded`)]);
      return undefined;
    }
    if (typeof r.id !== "string" || typeof r.event !== "string" || !Array.isArray(r.args) || typeof r.order !== "number") {
      this.#host.notify("error", [new Error("durable: a corrupt outbox entry was discarded")]);
      return undefined;
    }
    const createdAt = typeof r.createdAt === "number" ? r.createdAt : 0;
    return { id: r.id, event: r.event, args: r.args, createdAt, order: r.order, bytes: sizeOf(r.args), stored: true, keyed: true, ack: undefined };
  }

  /**
   * Writes `entry` after the last row of its name (one transaction: tabs
   * writing at once get distinct keys), then lets it (and what waited
   * behind it) go out.
   */
  #store(entry: Entry): void {
    const db = this.#db;
    if (!db) {
      entry.order = this.#nextOrder++;
      entry.stored = true;
      return this.#pump();
    }
    let failure: Error | undefined;
    let t: IDBTransaction;
    try {
      t = db.transaction(OUTBOX, "readwrite");
      const store = t.objectStore(OUTBOX);
      const last = store.openKeyCursor(this.#range(), "prev");
      last.onsuccess = () => {
        const key = last.result?.key as [string, number] | undefined;
        entry.order = key ? key[1] + 1 : 0;
        const row: StoredEntry = {
          v: FORMAT,
          box: this.#box,
          order: entry.order,
          tab: this.#owner,
          id: entry.id,
          event: entry.event,
          args: entry.args as unknown[],
          createdAt: entry.createdAt,
        };
        try {
          store.put(row);
        } catch (error) {
          // A value IndexedDB cannot clone: said as it is, not as the abort it causes.
          failure = error as Error;
          t.abort();
        }
      };
    } catch (error) {
      return this.#unstored(entry, error as Error);
    }
    const write = done(t).then(
      () => {
        entry.keyed = true;
        entry.stored = true;
        this.#pump();
      },
      (error: Error) => this.#unstored(entry, failure ?? error),
    );
    this.#writes.add(write);
    write.finally(() => this.#writes.delete(write));
  }

  /** Writing failed (quota, a value IndexedDB cannot clone): sent from memory, and the app is told. */
  #unstored(entry: Entry, error: Error): void {
    this.#host.notify("error", [
      new Error(`durable: emit ${entry.id} ("${entry.event}") could not be written (${describe(error)}); it is kept in this page's memory only`),
    ]);
    entry.stored = true;
    this.#pump();
  }

  /** Sends, in order, what is written and not in flight; stops at the first not written yet. */
  #pump(): void {
    if (!this.#connected) return;
    for (const entry of this.#entries) {
      if (!entry.stored) return;
      if (this.#inFlight.has(entry.id)) continue;
      this.#inFlight.add(entry.id);
      this.#host.send([entry.event, ...entry.args, { [MARK]: entry.id }], (error, ...response) => this.#answered(entry, error, response), this.#ackTimeout);
    }
  }

  #answered(entry: Entry, error: Error | null, response: unknown[]): void {
    this.#inFlight.delete(entry.id);
    if (error) {
      // Timed out on a live connection: again. Disconnected: on the next one.
      if (this.#connected) this.#pump();
      return;
    }
    const at = this.#entries.indexOf(entry);
    // Answered twice (sent again after a timeout): the first answer counts.
    if (at < 0) return;
    this.#entries.splice(at, 1);
    this.#bytes -= entry.bytes;
    const db = this.#db;
    if (db && entry.keyed) {
      try {
        const t = db.transaction(OUTBOX, "readwrite");
        const row = t.objectStore(OUTBOX).openCursor([this.#box, entry.order]);
        // Its own row only: the key may have been given again since, in a fallback without locks.
        row.onsuccess = () => {
          if ((row.result?.value as Partial<StoredEntry> | undefined)?.id === entry.id) row.result!.delete();
        };
        done(t).catch((e: Error) => this.#host.notify("error", [new Error(`durable: a delivered emit could not be removed (${describe(e)}); it will be sent again after a reload and the server answers it again`)]));
      } catch {
        // The database closed (the page is going): the server dedupes the resend.
      }
    }
    if (this.#host.isError(response[0])) this.#host.notify("failed", [entry.id, response[0]]);
    else this.#host.notify("delivered", [entry.id, response]);
    entry.ack?.(response);
  }

  /** Writes the stream positions once per task, however many events it handled. */
  #savePositions(): void {
    if (this.#saveScheduled) return;
    this.#saveScheduled = true;
    queueMicrotask(() => {
      this.#saveScheduled = false;
      const sid = this.#host.id?.();
      if (sid !== undefined) this.#channel?.postMessage({ box: this.#box, owner: this.#owner, sid, positions: this.#positions });
      this.#writePositions();
    });
  }

  #writePositions(): void {
    const db = this.#db;
    const positions = this.#positions;
    if (!this.#loaded || !db || !positions) {
      this.#positionsDirty = true;
      return;
    }
    this.#positionsDirty = false;
    const row: StoredStreams = { v: FORMAT, box: this.#box, epoch: positions.epoch, streams: positions.streams };
    try {
      const t = db.transaction(STREAMS, "readwrite");
      t.objectStore(STREAMS).put(row);
      done(t).catch((e: Error) => this.#host.notify("error", [new Error(`durable: stream positions could not be written (${describe(e)})`)]));
    } catch {
      // Closing: the next page asks from the last position written.
    }
  }
}
