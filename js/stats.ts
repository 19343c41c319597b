// Connection stats: the snapshot types, the ack round-trip window, and the
// snapshot built from what the core counts (`Core.stats`) and what the
// runtime counts (frames and bytes, which only it sees).

/** Acknowledgement round trips, in ms, over the last {@link RTT_WINDOW} answered acks (0 without a sample). */
export interface RttStats {
  /** Answers in the window (at most {@link RTT_WINDOW}). */
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

/** The heartbeat the server asked for in its handshake. */
export interface HeartbeatStats {
  /** ms between the server's pings (0 while no session is open). */
  pingInterval: number;
  /** ms the server waits for the pong (0 while no session is open). */
  pingTimeout: number;
  /** ms since the last ping of the current session; null before the first. */
  sinceLastPing: number | null;
}

/** What a Manager's connection is doing: a plain object, safe to serialize. */
export interface ConnectionStats {
  /** When the snapshot was taken (`Date.now()` clock). */
  takenAt: number;
  /** The Engine.IO transport; null while no session exists. */
  transport: "websocket" | "polling" | null;
  /** The Engine.IO session id, once the handshake is done. */
  id: string | null;
  state: "connected" | "connecting" | "reconnecting" | "disconnected";
  /** The reconnection attempt (from 1) while reconnecting, else 0. */
  attempt: number;
  /** When the current Engine.IO session opened (`Date.now()` clock); null while none is open. */
  connectedSince: number | null;
  /** Successful reconnections since the Manager was made. */
  reconnections: number;
  /** Every connected namespace recovered its state (connection state recovery) on its last connection. */
  recovered: boolean;
  /** The last connection error (`message`, and `type` as engine.io-client's errors say it, else the error's name). */
  lastError: { message: string; type: string } | null;
  heartbeat: HeartbeatStats;
  /** Engine.IO packets received and sent (pings and pongs included; a polling payload counts its packets). */
  framesIn: number;
  framesOut: number;
  /**
   * Bytes of those packets: text by its UTF-8 length, binary by
   * `byteLength` (over long-polling, as base64 text). Counted from the
   * first `stats()` or `onStats()` call on the Manager: measuring text
   * costs a pass over it, which an app that never asks does not pay.
   */
  bytesIn: number;
  bytesOut: number;
  /** Server events delivered to the app, all namespaces. */
  eventsIn: number;
  /** EVENT packets written to the transport (an offline emit counts when flushed, a retried one at each try). */
  eventsOut: number;
  /** Emits waiting for their acknowledgement. */
  pendingAcks: number;
  /** Emits waiting in the offline send buffers. */
  buffered: number;
  /** Volatile emits dropped because the transport was not writable. */
  droppedVolatile: number;
  rtt: RttStats;
}

/** One namespace's part of {@link ConnectionStats}. */
export interface SocketStats {
  namespace: string;
  connected: boolean;
  /** The last connection recovered its state. */
  recovered: boolean;
  eventsIn: number;
  eventsOut: number;
  pendingAcks: number;
  buffered: number;
  droppedVolatile: number;
}

/** How many answered acks the round-trip percentiles cover. */
export const RTT_WINDOW = 256;

/** The last {@link RTT_WINDOW} ack round trips (ms), in a ring. */
export class RttWindow {
  readonly #ring = new Float64Array(RTT_WINDOW);
  #count = 0;

  add(ms: number): void {
    this.#ring[this.#count % RTT_WINDOW] = ms;
    this.#count++;
  }

  /** Changes with every sample: for "did anything change". */
  get version(): number {
    return this.#count;
  }

  stats(): RttStats {
    const samples = Math.min(this.#count, RTT_WINDOW);
    if (samples === 0) return { samples, p50: 0, p95: 0, max: 0 };
    const sorted = this.#ring.slice(0, samples).sort();
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const rank = (p: number) => sorted[Math.min(samples - 1, Math.ceil(p * samples) - 1)] ?? 0;
    return { samples, p50: rank(0.5), p95: rank(0.95), max: rank(1) };
  }
}

/** What the runtime counts of its transports. */
export interface Traffic {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** A socket's `Core.stats(index)` (src/bindings/mod.rs) with its `Core.state(State.Socket, index)`. */
export interface RawSocketStats {
  raw: Float64Array;
  state: number;
}

/** The stats of one socket. */
export function socketStats({ raw, state }: RawSocketStats, namespace: string): SocketStats {
  // The socket's five counters come first.
  const [eventsIn = 0, eventsOut = 0, droppedVolatile = 0, pendingAcks = 0, buffered = 0] = raw;
  return { namespace, connected: (state & 1) !== 0, recovered: (state & 4) !== 0, eventsIn, eventsOut, pendingAcks, buffered, droppedVolatile };
}

/** What a connection snapshot is made of, besides the clocks. */
export interface StatsParts {
  /** Every socket of the Manager. */
  sockets: RawSocketStats[];
  /** `Core.stats` of any socket index: its tail is the connection's. */
  connection: Float64Array;
  /** `Core.state(State.Engine, 0)`. */
  engineState: number;
  id: string | null;
  traffic: Traffic;
  lastError: { message: string; type: string } | null;
  rtt: RttWindow;
}

/**
 * A snapshot from its parts, at `monotonic` (the core's clock:
 * `performance.now()`, which counts from `origin`, a `Date.now()` time).
 */
export function connectionStats(p: StatsParts, monotonic: number, origin: number): ConnectionStats {
  const { engineState, traffic } = p;
  // After a socket's five counters: the connection's (`Core::stats`).
  const [reconnections = 0, openedAt = -1, lastPingAt = -1, pingInterval = 0, pingTimeout = 0] = p.connection.subarray(5);
  const ready = engineState & 3;
  const attempt = engineState >> 3;
  const totals = { eventsIn: 0, eventsOut: 0, pendingAcks: 0, buffered: 0, droppedVolatile: 0 };
  let connected = 0;
  let recovered = 0;
  for (const raw of p.sockets) {
    const one = socketStats(raw, "");
    totals.eventsIn += one.eventsIn;
    totals.eventsOut += one.eventsOut;
    totals.pendingAcks += one.pendingAcks;
    totals.buffered += one.buffered;
    totals.droppedVolatile += one.droppedVolatile;
    if (one.connected) connected++;
    if (one.connected && one.recovered) recovered++;
  }
  return {
    takenAt: Math.round(origin + monotonic),
    transport: ready === 0 ? null : engineState & 4 ? "websocket" : "polling",
    id: p.id,
    state: attempt > 0 ? "reconnecting" : ready === 2 ? "connected" : ready === 1 ? "connecting" : "disconnected",
    attempt,
    // From the one clock: a snapshot's clocks must not drift against each other.
    connectedSince: openedAt < 0 ? null : Math.round(origin + openedAt),
    reconnections,
    recovered: connected > 0 && recovered === connected,
    lastError: p.lastError,
    heartbeat: { pingInterval, pingTimeout, sinceLastPing: lastPingAt < 0 ? null : monotonic - lastPingAt },
    framesIn: traffic.framesIn,
    framesOut: traffic.framesOut,
    bytesIn: traffic.bytesIn,
    bytesOut: traffic.bytesOut,
    ...totals,
    rtt: p.rtt.stats(),
  };
}

/**
 * Equal for two snapshots that differ only by the clocks (`takenAt`, and
 * `sinceLastPing`, which moves all the time: a new ping shows in `framesIn`).
 */
export function statsVersion(stats: ConnectionStats): string {
  return JSON.stringify(stats, (key, value: unknown) => (key === "takenAt" || key === "sinceLastPing" ? undefined : value));
}

/** `intervalMs` as `onStats` and `useSocketStats` take it: a positive, finite number of ms (default 1000). */
export function statsInterval(ms: unknown, who: string): number {
  if (ms === undefined) return 1000;
  if (typeof ms !== "number" || !(ms > 0) || !Number.isFinite(ms)) {
    throw new TypeError(`${who}: intervalMs must be a positive number of ms, got ${String(ms)}`);
  }
  return ms;
}
