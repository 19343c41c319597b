// The leader tab's side of `shareAcrossTabs`: it answers the other tabs'
// Managers over the BroadcastChannel as a socket.io server would, and
// carries their namespaces on its own connection. A follower's CONNECT
// joins the leader's socket of that namespace (the follower gets its id);
// its EVENTs are emitted on it, their acks answered back; the server's
// events of that namespace go to every tab that joined it, and the first
// tab to answer a server's ack request answers it. When the leader's
// connection drops, the followers' connections to it close too, so every
// tab sees the same `disconnect` and reconnection.
//
// Frames here are read with `readHeader` (Socket.IO v5 packet headers), the
// one packet rule outside the core: tests/js/differential.test.ts holds it
// to the core's decoder over the vectors and the fuzz corpora.
// Types only: a value import would make the share chunk's entry a facade.
import type { ChannelMessage, HubSocket, Outbound, SharedManager } from "./share.js";

/** A Socket.IO packet's header. */
export interface Header {
  /** 0 CONNECT … 6 BINARY_ACK. */
  type: number;
  nsp: string;
  id: number | undefined;
  attachments: number;
  /** Where the JSON body starts. */
  start: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** The core's rules (`packet::decode_header`, `Limits`): at most 20 digits, ack ids that fit a u64, 1 to 10 attachments. */
const MAX_DIGITS = 20;
const MAX_ATTACHMENTS = 10;
const MAX_ID = (1n << 64n) - 1n;

/** Where the run of digits from `i` ends. */
function digits(text: string, i: number): number {
  let j = i;
  while (j < text.length && isDigit(text.charCodeAt(j))) j++;
  return j;
}

/** The header of Socket.IO packet `text` (no Engine.IO `4`), or `undefined` when the core would refuse it. */
export function readHeader(text: string): Header | undefined {
  const type = text.charCodeAt(0) - 48;
  if (!(type >= 0 && type <= 6)) return undefined;
  let i = 1;
  let attachments = 0;
  if (type === 5 || type === 6) {
    const j = digits(text, i);
    if (j === i || j - i > MAX_DIGITS || text[j] !== "-") return undefined;
    attachments = Number(text.slice(i, j));
    if (attachments === 0 || attachments > MAX_ATTACHMENTS) return undefined;
    i = j + 1;
  }
  let nsp = "/";
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    const end = comma < 0 ? text.length : comma;
    nsp = text.slice(i, end);
    i = comma < 0 ? end : comma + 1;
  }
  const j = digits(text, i);
  if (j - i > MAX_DIGITS || (j - i > 15 && BigInt(text.slice(i, j)) > MAX_ID)) return undefined;
  const id = j > i ? Number(text.slice(i, j)) : undefined;
  return { type, nsp, id, attachments, start: j };
}

/** The Engine.IO message (`4…`) of a Socket.IO packet: its header, then `body`. */
export function writePacket(type: number, nsp: string, id: number | undefined, attachments: number, body: string): string {
  const binary = attachments > 0 ? `${attachments}-` : "";
  return `4${type}${binary}${nsp === "/" ? "" : `${nsp},`}${id ?? ""}${body}`;
}

/** The body codec the hub borrows from the entry (js/codec.ts), so that this chunk imports nothing. */
export interface ShareCodec {
  parseBody(text: string, start: number, event: boolean, attachments: ArrayBuffer[] | undefined): unknown[] | number;
  /** JSON text of `args`, binary values replaced by placeholders and pushed to `attachments`. */
  encodeBody(args: unknown[], attachments: ArrayBuffer[]): string;
}

/** The share group, as the hub sees it (js/share.ts's `Group`). */
export interface HubGroup {
  readonly channel: BroadcastChannel;
  readonly managers: Set<SharedManager>;
  /** The hub's frames to the other tabs, batched per task. */
  readonly downstream: Outbound;
}

/** The Engine.IO session the hub gives a follower: short, so that a crashed tab is let go soon. */
const PING_INTERVAL = 5000;
const PING_TIMEOUT = 5000;
/** Server ack requests waiting for a tab's answer, at most. */
const MAX_PENDING_ANSWERS = 1000;
/** Server events a namespace keeps for the tabs that come back (connection state recovery), at most. */
const RECENT = 1000;

/** What a tab's CONNECT asks to recover (its core sends the session id and last offset it has). */
interface Resume {
  pid?: string;
  offset?: string;
}

type Answer = (...response: unknown[]) => void;

export class Hub {
  readonly #group: HubGroup;
  readonly #sessions = new Map<string, Session>();
  readonly #namespaces = new Map<string, Namespace>();
  /** The server's ack requests forwarded to the tabs, by the id the hub gave them. */
  readonly #answers = new Map<number, Answer>();
  #nextAnswer = 0;

  constructor(group: HubGroup) {
    this.#group = group;
    setInterval(() => this.#heartbeat(), PING_INTERVAL);
    // Listening before this tab's own connection comes back: what the
    // server replays to it is what the other tabs missed too.
    for (const manager of group.managers) for (const nsp of manager.namespaces()) this.namespace(nsp);
  }

  receive(message: ChannelMessage): void {
    if (message.t === "open") {
      if (this.#sessions.has(message.conn)) return;
      const session = new Session(this, message.conn);
      this.#sessions.set(message.conn, session);
      session.send(`0${JSON.stringify({ sid: message.conn, upgrades: [], pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, maxPayload: 1_000_000 })}`);
      return;
    }
    if (message.t === "leader") return;
    const session = this.#sessions.get(message.conn);
    if (!session) return;
    if (message.t === "close") this.end(session, false);
    else if (message.t === "frames") {
      for (const data of message.data) {
        // A frame may end the session (a malformed one): the rest is not its.
        if (!this.#sessions.has(message.conn)) return;
        session.frame(data);
      }
    }
  }

  #heartbeat(): void {
    const now = Date.now();
    for (const session of [...this.#sessions.values()]) {
      if (now - session.seen > PING_INTERVAL + PING_TIMEOUT) this.end(session, false);
      else session.send("2");
    }
  }

  post(conn: string, data: string | ArrayBuffer): void {
    this.#group.downstream.push(conn, data);
  }

  /** Ends `session` (`tell`: the follower hears its connection closed). */
  end(session: Session, tell: boolean): void {
    if (!this.#sessions.delete(session.conn)) return;
    for (const ns of this.#namespaces.values()) ns.leave(session);
    if (tell) {
      this.#group.downstream.flush();
      this.#group.channel.postMessage({ t: "close", conn: session.conn, up: false });
    }
  }

  /** The codec of the Managers of this tab (all the entry's). */
  get codec(): ShareCodec {
    const manager = this.#group.managers.values().next().value;
    if (!manager) throw new Error("shareAcrossTabs: no Manager in this tab");
    return manager.codec;
  }

  namespace(nsp: string): Namespace | undefined {
    let ns = this.#namespaces.get(nsp);
    if (!ns) {
      const manager = this.#group.managers.values().next().value;
      if (!manager) return undefined;
      ns = new Namespace(this, nsp, manager.socket(nsp));
      this.#namespaces.set(nsp, ns);
    }
    return ns;
  }

  /** Keeps a server ack request for the tabs; returns the id they answer to. */
  expectAnswer(answer: Answer): number | undefined {
    if (this.#answers.size >= MAX_PENDING_ANSWERS) return undefined;
    const id = this.#nextAnswer++;
    this.#answers.set(id, answer);
    return id;
  }

  answer(id: number, response: unknown[]): void {
    const answer = this.#answers.get(id);
    if (!answer) return;
    this.#answers.delete(id);
    answer(...response);
  }
}

/** One namespace of the leader's connection and the sessions that joined it. */
class Namespace {
  readonly #hub: Hub;
  readonly #nsp: string;
  readonly #socket: HubSocket;
  readonly #joined = new Set<Session>();
  /** CONNECTs waiting for the leader's socket to connect, with what they ask to recover. */
  readonly #waiting = new Map<Session, Resume>();
  /**
   * With connection state recovery on: the server events of this namespace,
   * by their offset (the last argument), the first entry the offset this
   * tab's socket had when the hub started (what the server recovers from).
   */
  readonly #recent: { offset: string; list: unknown[] | undefined }[] = [];

  constructor(hub: Hub, nsp: string, socket: HubSocket) {
    this.#hub = hub;
    this.#nsp = nsp;
    this.#socket = socket;
    const from = socket.recovery?.offset;
    if (from !== undefined) this.#recent.push({ offset: from, list: undefined });
    socket.onAny((...args: unknown[]) => this.#forward(args));
    socket.on("connect", () => {
      for (const [session, resume] of this.#waiting) this.#accept(session, resume);
      this.#waiting.clear();
    });
    socket.on("connect_error", (error: Error & { data?: unknown }) => {
      // A failed attempt of the leader's connection: it tries again, and
      // the tabs keep waiting. Only a refusal (the socket gives up) is theirs.
      if (socket.active) return;
      const body = JSON.stringify(error.data === undefined ? { message: error.message } : { message: error.message, data: error.data });
      for (const session of this.#waiting.keys()) session.send(writePacket(4, nsp, undefined, 0, body));
      this.#waiting.clear();
    });
    socket.on("disconnect", (reason: string) => {
      if (reason === "io server disconnect") {
        for (const session of this.#joined) session.send(writePacket(1, nsp, undefined, 0, ""));
        this.#joined.clear();
        return;
      }
      // The connection dropped: every tab on this namespace sees it drop.
      for (const session of [...this.#joined]) hub.end(session, true);
    });
  }

  join(session: Session, resume: Resume): void {
    if (this.#socket.connected) return this.#accept(session, resume);
    this.#waiting.set(session, resume);
    if (!this.#socket.active) this.#socket.connect();
  }

  /**
   * Answers a tab's CONNECT as the server would: the socket's id, and with
   * recovery on its session id; a tab that comes back with the session id
   * and an offset this hub has seen gets what came after it, and hears it
   * recovered. One whose offset is not here hears another session id: not
   * recovered, as after a server that forgot it.
   */
  #accept(session: Session, resume: Resume): void {
    this.#joined.add(session);
    const pid = this.#socket.recovery?.pid;
    let missed: unknown[][] | undefined;
    if (pid !== undefined && resume.pid === pid && resume.offset !== undefined) {
      const at = this.#recent.findIndex((e) => e.offset === resume.offset);
      if (at >= 0) missed = this.#recent.slice(at + 1).flatMap((e) => (e.list ? [e.list] : []));
    }
    const answered = pid === undefined ? undefined : resume.pid === undefined || missed ? pid : `${pid}~`;
    session.send(writePacket(0, this.#nsp, undefined, 0, JSON.stringify(answered === undefined ? { sid: this.#socket.id } : { sid: this.#socket.id, pid: answered })));
    for (const list of missed ?? []) this.#send(session, 2, undefined, list);
  }

  leave(session: Session): void {
    this.#joined.delete(session);
    this.#waiting.delete(session);
  }

  /** Keeps a server event by its recovery offset, for the tabs that come back. */
  #remember(list: unknown[]): void {
    const offset = list[list.length - 1];
    if (typeof offset !== "string" || this.#socket.recovery === undefined) return;
    this.#recent.push({ offset, list });
    if (this.#recent.length > RECENT) this.#recent.shift();
  }

  has(session: Session): boolean {
    return this.#joined.has(session);
  }

  /** A follower's event: emitted on the leader's socket, its ack (if asked) sent back. */
  emit(session: Session, id: number | undefined, args: unknown[]): void {
    // Not `emit`: the answer must reach the tab as the server gave it, once (see `relay`).
    this.#socket.relay(args, id === undefined ? undefined : (response) => this.#send(session, 3, id, response));
  }

  /** A server event: to every session of this namespace, with an ack id when the server asked for an answer. */
  #forward(args: unknown[]): void {
    const last = args[args.length - 1];
    let id: number | undefined;
    let list = args;
    if (typeof last === "function") {
      list = args.slice(0, -1);
    } else {
      // Events asking for an ack are not kept: the answer would have no one to go to.
      this.#remember(list);
    }
    if (this.#joined.size === 0) return;
    if (typeof last === "function") id = this.#hub.expectAnswer(last as Answer);
    for (const session of this.#joined) this.#send(session, 2, id, list);
  }

  /** An EVENT (2) or ACK (3), binary ones with their attachments after. */
  #send(session: Session, type: number, id: number | undefined, list: unknown[]): void {
    const attachments: ArrayBuffer[] = [];
    const body = this.#hub.codec.encodeBody(list, attachments);
    session.send(writePacket(attachments.length > 0 ? type + 3 : type, this.#nsp, id, attachments.length, body));
    for (const a of attachments) session.send(a);
  }
}

/** The `pid` and `offset` of a CONNECT payload (JSON), if it has them. */
function resumeOf(body: string): Resume {
  if (body === "") return {};
  try {
    const { pid, offset } = JSON.parse(body) as { pid?: unknown; offset?: unknown };
    return { ...(typeof pid === "string" ? { pid } : {}), ...(typeof offset === "string" ? { offset } : {}) };
  } catch {
    return {};
  }
}

/** A follower tab's Engine.IO session with the hub. */
class Session {
  readonly #hub: Hub;
  readonly conn: string;
  seen = Date.now();
  /** A binary packet waiting for its attachments. */
  #binary: { header: Header; text: string; attachments: ArrayBuffer[] } | undefined;

  constructor(hub: Hub, conn: string) {
    this.#hub = hub;
    this.conn = conn;
  }

  send(data: string | ArrayBuffer): void {
    this.#hub.post(this.conn, data);
  }

  frame(data: string | ArrayBuffer): void {
    this.seen = Date.now();
    if (typeof data !== "string") {
      const pending = this.#binary;
      if (!pending) return this.#refuse();
      pending.attachments.push(data);
      if (pending.attachments.length === pending.header.attachments) {
        this.#binary = undefined;
        this.#packet(pending.header, pending.text, pending.attachments);
      }
      return;
    }
    switch (data[0]) {
      case "3": // pong
        return;
      case "1":
        return this.#hub.end(this, false);
      case "4": {
        const text = data.slice(1);
        const header = readHeader(text);
        if (!header || this.#binary) return this.#refuse();
        if (header.attachments > 0) {
          this.#binary = { header, text, attachments: [] };
          return;
        }
        return this.#packet(header, text, undefined);
      }
      default:
        return;
    }
  }

  #packet(header: Header, text: string, attachments: ArrayBuffer[] | undefined): void {
    const ns = this.#hub.namespace(header.nsp);
    if (!ns) return this.#refuse();
    switch (header.type) {
      case 0:
        return ns.join(this, resumeOf(text.slice(header.start)));
      case 1:
        return ns.leave(this);
      case 2:
      case 5:
      case 3:
      case 6: {
        if (!ns.has(this)) return;
        const event = header.type === 2 || header.type === 5;
        const args = this.#hub.codec.parseBody(text, header.start, event, attachments);
        if (typeof args === "number") return this.#refuse();
        if (event) ns.emit(this, header.id, args);
        else if (header.id !== undefined) this.#hub.answer(header.id, args);
        return;
      }
      default:
        return this.#refuse();
    }
  }

  /** A frame no client of ours sends: the session ends (the follower reconnects). */
  #refuse(): void {
    console.warn("socketio-wasm: a malformed frame from another tab; its connection is closed");
    this.#hub.end(this, true);
  }
}
