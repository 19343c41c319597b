// `shareAcrossTabs`: one connection for all the tabs of an app. The tabs of
// one share group elect a leader with a Web Lock (held until the tab closes
// or crashes, then granted to the next one at once); the leader's Manager
// holds the real WebSocket, and serves the others over a BroadcastChannel
// (./share-hub.ts). A follower's Manager is an ordinary one whose WebSocket
// is a `TabSocket`: its core speaks Engine.IO / Socket.IO to the leader's hub
// as to a server, so every API (acks, timeouts, buffers, recovery of its own
// emits, the React hooks) works in every tab unchanged. When the leader goes,
// the next tab takes the lock, says so on the channel, and every tab's
// Manager reconnects at once: to the server (the new leader) or to it.
//
// Loaded on demand by a Manager made with `shareAcrossTabs` (a chunk of its
// own). Without Web Locks or BroadcastChannel every tab is its own leader.
import type { SocketLike } from "./runtime.js";
import type { ShareCodec } from "./share-hub.js";

/** What the share group needs of the Manager that asked (js/index.ts's). */
export interface SharedManager {
  /** Makes a reconnection attempt now (during a reconnection delay). */
  open(): void;
  /** The socket of a namespace, for the hub (the leader serves the other tabs through it). */
  socket(nsp: string): HubSocket;
  /** The namespaces this tab has sockets for. */
  namespaces(): string[];
  /** The entry's body codec, lent to the hub. */
  readonly codec: ShareCodec;
  /** Told which part this tab plays, at each connection. */
  role(leader: boolean): void;
}

/** The part of a Socket the hub uses. */
export interface HubSocket {
  readonly id: string | undefined;
  readonly connected: boolean;
  /** Connection state recovery's session id and last offset, once the server gave one. */
  readonly recovery: { pid: string; offset: string | undefined } | undefined;
  readonly active: boolean;
  connect(): unknown;
  /** Another tab's emit (`[event, ...args]`), past this tab's ack timeout, retries and durable outbox: that tab has its own. */
  relay(list: unknown[], answer: ((response: unknown[]) => void) | undefined): void;
  onAny(listener: (...args: unknown[]) => void): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** Messages on the channel (everything else is dropped). */
export type ChannelMessage =
  | { t: "open"; conn: string }
  /** The frames of one task, in order (one message each would cost a structured clone and a post each). */
  | { t: "frames"; conn: string; up: boolean; data: (string | ArrayBuffer)[] }
  | { t: "close"; conn: string; up: boolean }
  | { t: "leader"; tab: string };

/** The largest frame taken from the channel (a Socket.IO server's default `maxHttpBufferSize`). */
export const MAX_FRAME = 1_000_000;
/** Frames in one message, and their bytes, at most. */
const MAX_BATCH = 10_000;
const MAX_BATCH_BYTES = 16_000_000;
const MAX_ID = 64;

/** A message from the channel, if it has one of the shapes above (any script of the origin can post). */
export function channelMessage(value: unknown): ChannelMessage | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const m = value as Record<string, unknown>;
  const id = (x: unknown) => typeof x === "string" && x.length > 0 && x.length <= MAX_ID;
  switch (m.t) {
    case "open":
      return id(m.conn) ? (m as ChannelMessage) : undefined;
    case "close":
      return id(m.conn) && typeof m.up === "boolean" ? (m as ChannelMessage) : undefined;
    case "leader":
      return id(m.tab) ? (m as ChannelMessage) : undefined;
    case "frames": {
      const d = m.data;
      if (!id(m.conn) || typeof m.up !== "boolean" || !Array.isArray(d) || d.length === 0 || d.length > MAX_BATCH) return undefined;
      let total = 0;
      for (const f of d) {
        const size = typeof f === "string" ? f.length : f instanceof ArrayBuffer ? f.byteLength : -1;
        if (size < 0 || size > MAX_FRAME) return undefined;
        total += size;
      }
      return total <= MAX_BATCH_BYTES ? (m as ChannelMessage) : undefined;
    }
    default:
      return undefined;
  }
}

const randomId = () => Math.random().toString(36).slice(2, 12) + Date.now().toString(36);

/** One share group in this page: its channel, its role, its sockets to the leader. */
class Group {
  readonly name: string;
  readonly tab = randomId();
  readonly channel: BroadcastChannel;
  /** This tab's frames to the leader's hub, and (when it leads) the hub's to the other tabs. */
  readonly outbound: Outbound;
  readonly downstream: Outbound;
  #leader = false;
  /** Settles once this tab knows whether it leads. */
  readonly elected: Promise<void>;
  readonly managers = new Set<SharedManager>();
  /** This tab's connections to the leader's hub. */
  readonly followers = new Map<string, TabSocket>();
  #hub: Promise<{ receive(message: ChannelMessage): void }> | undefined;

  constructor(name: string) {
    this.name = name;
    this.channel = new BroadcastChannel(`socketio-wasm:${name}`);
    this.outbound = new Outbound(this.channel, true);
    this.downstream = new Outbound(this.channel, false);
    this.channel.onmessage = (event: MessageEvent) => {
      const message = channelMessage(event.data);
      if (message) this.#receive(message);
      else console.warn("socketio-wasm: a malformed message on the tabs' channel was dropped");
    };
    this.elected = new Promise<void>((elected) => {
      const lock = `socketio-wasm:${name}`;
      // Held for the tab's life: the browser releases it when the tab goes.
      const hold = () =>
        new Promise<never>(() => {
          this.#promote();
          elected();
        });
      navigator.locks
        .request(lock, { ifAvailable: true }, (granted) => (granted ? hold() : undefined))
        .then(() => {
          if (this.#leader) return;
          elected();
          // Next in line: granted when the leader's tab goes.
          void navigator.locks.request(lock, () => hold());
        });
    });
  }

  get leader(): boolean {
    return this.#leader;
  }

  #promote(): void {
    this.#leader = true;
    this.#hub = import("./share-hub.js").then(({ Hub }) => new Hub(this));
    this.channel.postMessage({ t: "leader", tab: this.tab });
    // The hub first: it must hear what the server replays to this tab's
    // recovered session, for the tabs that come back after it.
    this.#hub.then(
      () => this.#reconnect(),
      (error: unknown) => {
        console.error("socketio-wasm: the tabs' hub could not start", error);
        this.#reconnect();
      },
    );
  }

  /** Drops the connections to the old leader: every Manager of this group reconnects now. */
  #reconnect(): void {
    for (const socket of [...this.followers.values()]) socket.drop();
    // After the close reaches the core (a task), skip its reconnection delay.
    setTimeout(() => {
      for (const manager of this.managers) manager.open();
    }, 0);
  }

  #receive(message: ChannelMessage): void {
    if (message.t === "leader") {
      if (message.tab !== this.tab) this.#reconnect();
      return;
    }
    if (message.t === "open" || message.up) {
      void this.#hub?.then((hub) => hub.receive(message));
      return;
    }
    this.followers.get(message.conn)?.receive(message);
  }
}

const groups = new Map<string, Group>();

/** The group `name` of this page (one BroadcastChannel and one lock for all its Managers). */
export function group(name: string): Group {
  let g = groups.get(name);
  if (!g) {
    g = new Group(name);
    groups.set(name, g);
  }
  return g;
}

/** Whether this browser can share (otherwise every tab connects by itself, as without the option). */
export const canShare = (): boolean =>
  typeof BroadcastChannel === "function" && typeof (globalThis.navigator as Navigator | undefined)?.locks?.request === "function";

/**
 * The WebSocket of `manager` in share group `name`: the real one in the
 * leader's tab, a `TabSocket` to the leader's hub elsewhere.
 */
export async function open(name: string, manager: SharedManager, url: string, protocols?: string | string[]): Promise<SocketLike> {
  if (!canShare()) {
    manager.role(true);
    return new WebSocket(url, protocols);
  }
  const g = group(name);
  g.managers.add(manager);
  await g.elected;
  manager.role(g.leader);
  return g.leader ? new WebSocket(url, protocols) : new TabSocket(g);
}

/** How long a follower waits for the hub's handshake before its connection counts as failed. */
const HUB_TIMEOUT = 2000;

/**
 * Frames to post on a channel, batched per task: one message per
 * connection and direction, in order.
 */
export class Outbound {
  readonly #channel: BroadcastChannel;
  readonly #up: boolean;
  readonly #pending = new Map<string, (string | ArrayBuffer)[]>();
  #scheduled = false;

  constructor(channel: BroadcastChannel, up: boolean) {
    this.#channel = channel;
    this.#up = up;
  }

  push(conn: string, frame: string | ArrayBuffer): void {
    let list = this.#pending.get(conn);
    if (!list) {
      list = [];
      this.#pending.set(conn, list);
    }
    list.push(frame);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Posts what waits (before a close, so that the frames go first). */
  flush(): void {
    this.#scheduled = false;
    for (const [conn, data] of this.#pending) {
      for (let at = 0; at < data.length; at += MAX_BATCH) {
        this.#channel.postMessage({ t: "frames", conn, up: this.#up, data: data.slice(at, at + MAX_BATCH) });
      }
    }
    this.#pending.clear();
  }
}

/**
 * A follower's connection to the leader's hub, as a WebSocket would be. Its
 * handler slots repeat LateSocket's on purpose: a base class shared with
 * runtime.ts would be a value import, and the bundler then splits the
 * runtime into a chunk of its own, one more request for every page.
 */
export class TabSocket implements SocketLike {
  binaryType: BinaryType = "arraybuffer";
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly #group: Group;
  readonly #conn = randomId();
  #open = false;
  #closed = false;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(g: Group) {
    this.#group = g;
    g.followers.set(this.#conn, this);
    g.channel.postMessage({ t: "open", conn: this.#conn });
    this.#timer = setTimeout(() => this.#fail(), HUB_TIMEOUT);
  }

  receive(message: ChannelMessage): void {
    if (this.#closed) return;
    if (message.t === "close") return this.#fail();
    if (message.t !== "frames") return;
    if (!this.#open) {
      this.#open = true;
      clearTimeout(this.#timer);
      this.onopen?.(new Event("open"));
    }
    for (const data of message.data) {
      // A frame may close it (a parse error): the rest is not for it.
      if (this.#closed) return;
      this.onmessage?.(new MessageEvent("message", { data }));
    }
  }

  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    if (this.#closed) return;
    let frame: string | ArrayBuffer;
    if (typeof data === "string") frame = data;
    else if (data instanceof ArrayBuffer) frame = data;
    else if (ArrayBuffer.isView(data)) frame = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    else throw new TypeError("shareAcrossTabs: a Blob frame cannot be sent to the leader tab");
    this.#group.outbound.push(this.#conn, frame);
  }

  close(): void {
    if (this.#closed) return;
    this.#group.outbound.flush();
    this.#group.channel.postMessage({ t: "close", conn: this.#conn, up: true });
    this.#end();
  }

  /** The leader changed: closed as a lost connection. */
  drop(): void {
    this.#fail();
  }

  #fail(): void {
    if (this.#closed) return;
    const wasOpen = this.#open;
    this.#end();
    if (!wasOpen) this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code: 1006, reason: "leader tab gone" }));
  }

  #end(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#group.followers.delete(this.#conn);
  }
}
