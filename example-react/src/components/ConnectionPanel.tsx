// The connection at a glance: the Manager's stats (useSocketStats), drawn
// rather than listed. The panel stays mounted while hidden, so that the RTT
// sparkline already holds the last minute when someone opens it.
import { useEffect, useState } from "react";
import type { ConnectionStats } from "socketio-wasm";
import { useSocketStats } from "socketio-wasm/react";
import { CHAT } from "../socket";

const INTERVAL_MS = 1000;
const WINDOW_MS = 60_000;
// The hook hands over a snapshot only when something changed: a quiet
// connection sends none, and the last rates would stay on screen forever.
// After this long without one, nothing moved: the rates are 0 and the
// sparkline goes on with the same p50.
const IDLE_AFTER_MS = 2.5 * INTERVAL_MS;

const SPARK_WIDTH = 240;
const SPARK_HEIGHT = 40;
const SPARK_PAD = 3;

/** What the trend needs from one snapshot (a real one, or a quiet second). */
interface Reading {
  at: number;
  eventsIn: number;
  eventsOut: number;
  /** null before the first answered ack: no point rather than a false 0 ms. */
  p50: number | null;
}

interface Sample {
  at: number;
  p50: number;
}

interface Trend {
  /** The hook's last snapshot taken in (its takenAt). */
  snapshotAt: number;
  last: Reading | null;
  /** Events per second between the last two readings; null before the second. */
  rates: { in: number; out: number } | null;
  /** RTT p50 of the last WINDOW_MS, oldest first. */
  samples: Sample[];
}

const NO_TREND: Trend = { snapshotAt: 0, last: null, rates: null, samples: [] };

function readingOf(stats: ConnectionStats, at: number): Reading {
  return {
    at,
    eventsIn: stats.eventsIn,
    eventsOut: stats.eventsOut,
    p50: stats.rtt.samples > 0 ? stats.rtt.p50 : null,
  };
}

function advance(trend: Trend, reading: Reading): Trend {
  const { last } = trend;
  // An older or equal reading (a quiet tick racing a snapshot) adds nothing.
  if (last && reading.at <= last.at) return trend;
  const seconds = last ? (reading.at - last.at) / 1000 : 0;
  // The contract does not promise that the counters never restart: one that
  // went down gives 0 rather than a negative rate.
  const rates = last
    ? {
        in: Math.max(0, reading.eventsIn - last.eventsIn) / seconds,
        out: Math.max(0, reading.eventsOut - last.eventsOut) / seconds,
      }
    : null;
  const samples = trend.samples.filter((s) => s.at > reading.at - WINDOW_MS);
  if (reading.p50 !== null) samples.push({ at: reading.at, p50: reading.p50 });
  return { ...trend, last: reading, rates, samples };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const perSecond = (value: number) => value.toFixed(1);

export function ConnectionPanel({ id, hidden }: { id: string; hidden: boolean }) {
  const stats = useSocketStats(CHAT, { intervalMs: INTERVAL_MS });
  const [trend, setTrend] = useState<Trend>(NO_TREND);

  // Taken in while rendering (React's "state from the previous render"
  // pattern): an effect would paint the old trend first, then render again.
  // takenAt 0 is the server-side snapshot of zeros, not a reading.
  if (stats.takenAt > 0 && stats.takenAt !== trend.snapshotAt) {
    setTrend({ ...advance(trend, readingOf(stats, stats.takenAt)), snapshotAt: stats.takenAt });
  }

  useEffect(() => {
    if (stats.takenAt === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - stats.takenAt >= IDLE_AFTER_MS) setTrend((t) => advance(t, readingOf(stats, now)));
    }, INTERVAL_MS);
    return () => clearInterval(timer);
  }, [stats]);

  const { rtt } = stats;
  return (
    <section id={id} className="stats" aria-label="Connection stats" hidden={hidden}>
      <dl className="metrics">
        <div className="metric" data-metric="state" data-state={stats.state}>
          <dt>State</dt>
          <dd>
            <span className="dot" aria-hidden="true" />
            <span role="status" aria-label="Connection state">
              {stats.state}
            </span>
            {stats.state === "reconnecting" && stats.attempt > 0 && <small> attempt {stats.attempt}</small>}
          </dd>
        </div>
        <div className="metric" data-metric="transport">
          <dt>Transport</dt>
          <dd>{stats.transport ?? "—"}</dd>
        </div>
        <div className="metric rtt" data-metric="rtt">
          <dt>RTT p50</dt>
          <dd>
            <span className="value">{rtt.samples > 0 ? ms(rtt.p50) : "—"}</span>
            <Sparkline samples={trend.samples} now={trend.last?.at ?? 0} />
            <small>{rtt.samples > 0 ? `p95 ${ms(rtt.p95)} · ${rtt.samples} acks` : "no ack answered yet"}</small>
          </dd>
        </div>
        <div className="metric" data-metric="events">
          <dt>Events/s</dt>
          <dd>
            <span data-metric="events-in">
              <span className="unit">in</span> {trend.rates ? perSecond(trend.rates.in) : "—"}
            </span>
            <span data-metric="events-out">
              <span className="unit">out</span> {trend.rates ? perSecond(trend.rates.out) : "—"}
            </span>
          </dd>
        </div>
        <div className="metric" data-metric="reconnections">
          <dt>Reconnections</dt>
          <dd>{stats.reconnections}</dd>
        </div>
        <div className="metric" data-metric="buffered">
          <dt>Buffered</dt>
          <dd>{stats.buffered}</dd>
        </div>
        <div className="metric" data-metric="pending">
          <dt>Pending acks</dt>
          <dd>{stats.pendingAcks}</dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * RTT p50 over the last minute, time on x (now at the right edge) and 0 ms at
 * the bottom: scaled from 0 rather than from the minimum, so that a fraction of
 * a millisecond of jitter does not look like a spike.
 */
function Sparkline({ samples, now }: { samples: Sample[]; now: number }) {
  const values = samples.map((s) => s.p50);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const label =
    samples.length > 0
      ? `RTT p50 over the last 60 s: min ${ms(min)}, max ${ms(max)}`
      : "RTT p50 over the last 60 s: no sample yet";
  const scale = max > 0 ? max : 1;
  const points = samples.map((s) => {
    const x = SPARK_WIDTH - ((now - s.at) / WINDOW_MS) * SPARK_WIDTH;
    const y = SPARK_HEIGHT - SPARK_PAD - (s.p50 / scale) * (SPARK_HEIGHT - 2 * SPARK_PAD);
    return [x, y] as const;
  });
  const latest = points.at(-1);
  const first = points[0];
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const baseline = SPARK_HEIGHT - SPARK_PAD;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}`}
      width={SPARK_WIDTH}
      height={SPARK_HEIGHT}
    >
      <line className="axis" x1={0} y1={baseline} x2={SPARK_WIDTH} y2={baseline} />
      {first && latest && (
        <polygon className="area" points={`${first[0].toFixed(1)},${baseline} ${line} ${latest[0].toFixed(1)},${baseline}`} />
      )}
      <polyline points={line} />
      {/* One sample is no line: the dot shows it, and the current value after. */}
      {latest && <circle cx={latest[0]} cy={latest[1]} r={2.5} />}
    </svg>
  );
}
