// socketio-wasm/server's `DurableStore` on the app's SQLite database: the
// message ids the helper has seen (so a message resent after a reload, a
// crash or a restart runs its handler once), the log of each stream (so a
// client that missed events gets them again), and the epoch that names this
// database. Everything is in the same file as the chat, so it survives a
// restart (SIGKILL included: every call is a committed transaction before
// it returns) and is shared by the two processes of the clustered mode.
//
// better-sqlite3 is synchronous: every method returns a plain value, which
// the interface allows, and no other event of this process runs in between.
//
// Bounds (options of openDurableStore):
//   maxIds          100,000 message ids, the most recently used kept
//   maxIdAgeMs      7 days: an id not seen for that long is forgotten
//   maxLog          10,000 entries per stream (a room), the newest kept
//   maxResponseBytes 64 KB: a larger answer is not kept (see complete())
//   leaseMs         5 s: how long another process's unfinished claim holds
// `namespace` names the namespace the store serves, when several share a
// database (streams are per namespace; ids carry it already).
// Ids and the log are pruned every `pruneEvery` writes and on open. A
// forgotten id is harmless for sends: the app's own idempotency on
// (user, clientId) stores the message once and does not broadcast it again.
import { randomBytes, randomUUID } from "node:crypto";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS durable_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS durable_ids (
  key        TEXT PRIMARY KEY,
  state      TEXT NOT NULL CHECK (state IN ('running', 'done')),
  response   TEXT,
  owner      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS durable_ids_by_time ON durable_ids(updated_at);
CREATE TABLE IF NOT EXISTS durable_streams (
  stream TEXT PRIMARY KEY,
  last   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS durable_log (
  stream     TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  event      TEXT NOT NULL,
  args       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (stream, seq)
) WITHOUT ROWID;
`;

const positive = (value, fallback, name) => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
};

/**
 * @param {import("better-sqlite3").Database} db the app's database (storage.db)
 * @param {object} [options] see the bounds above
 * @returns {import("socketio-wasm/server").DurableStore & { prune(): void, counts(): { ids: number, log: number } }}
 */
export function openDurableStore(db, options = {}) {
  const maxIds = positive(options.maxIds, 100_000, "maxIds");
  const maxIdAgeMs = positive(options.maxIdAgeMs, 7 * 24 * 3600 * 1000, "maxIdAgeMs");
  const maxLog = positive(options.maxLog, 10_000, "maxLog");
  const maxResponseBytes = positive(options.maxResponseBytes, 64 * 1024, "maxResponseBytes");
  const leaseMs = positive(options.leaseMs, 5000, "leaseMs");
  const pruneEvery = positive(options.pruneEvery, 1000, "pruneEvery");
  const now = options.now ?? Date.now;
  // The helper names streams within its namespace ("" is the namespace's
  // own): a store shared by namespaces keeps them apart.
  const prefix = options.namespace === undefined ? "" : `${options.namespace}\0`;
  // Who holds a claim: a claim left "running" by another process (one that
  // crashed while its handler ran) is taken over once its lease is over;
  // without that, a crash at the wrong moment would leave the id answered by
  // nobody, for good.
  const owner = randomUUID();

  db.exec(SCHEMA);
  // One epoch per database, for good: the numbers of its streams never start
  // over, so a client's reported positions stay valid across restarts.
  db.prepare("INSERT INTO durable_meta (key, value) VALUES ('epoch', ?) ON CONFLICT(key) DO NOTHING").run(
    randomBytes(8).toString("hex"),
  );
  const epoch = db.prepare("SELECT value FROM durable_meta WHERE key = 'epoch'").get().value;

  const q = {
    insertClaim: db.prepare(
      "INSERT INTO durable_ids (key, state, owner, updated_at) VALUES (?, 'running', ?, ?) ON CONFLICT(key) DO NOTHING",
    ),
    getClaim: db.prepare("SELECT state, response, owner, updated_at FROM durable_ids WHERE key = ?"),
    takeOver: db.prepare(
      "UPDATE durable_ids SET owner = ?, updated_at = ? WHERE key = ? AND state = 'running' AND owner = ? AND updated_at = ?",
    ),
    complete: db.prepare(
      `INSERT INTO durable_ids (key, state, response, owner, updated_at) VALUES (?, 'done', ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET state = 'done', response = excluded.response, updated_at = excluded.updated_at`,
    ),
    release: db.prepare("DELETE FROM durable_ids WHERE key = ?"),
    next: db.prepare(
      "INSERT INTO durable_streams (stream, last) VALUES (?, 1) ON CONFLICT(stream) DO UPDATE SET last = last + 1 RETURNING last",
    ),
    insertLog: db.prepare("INSERT INTO durable_log (stream, seq, event, args, created_at) VALUES (?, ?, ?, ?, ?)"),
    trimLog: db.prepare("DELETE FROM durable_log WHERE stream = ? AND seq <= ?"),
    since: db.prepare("SELECT seq, event, args FROM durable_log WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?"),
    pruneOld: db.prepare("DELETE FROM durable_ids WHERE updated_at < ?"),
    pruneMany: db.prepare(
      "DELETE FROM durable_ids WHERE key IN (SELECT key FROM durable_ids ORDER BY updated_at DESC LIMIT -1 OFFSET ?)",
    ),
    countIds: db.prepare("SELECT count(*) AS n FROM durable_ids"),
    countLog: db.prepare("SELECT count(*) AS n FROM durable_log"),
  };

  let writes = 0;
  const prune = () => {
    q.pruneOld.run(now() - maxIdAgeMs);
    q.pruneMany.run(maxIds);
  };
  const wrote = () => {
    writes += 1;
    if (writes % pruneEvery === 0) prune();
  };

  // IMMEDIATE: the write lock first, so that two processes never interleave
  // a read and a write of the same claim or counter.
  const claim = db.transaction((key) => {
    const at = now();
    if (q.insertClaim.run(key, owner, at).changes === 1) {
      wrote();
      return undefined;
    }
    const row = q.getClaim.get(key);
    if (row.state === "done") return { state: "done", response: JSON.parse(row.response) };
    if (row.owner !== owner && at - row.updated_at >= leaseMs) {
      if (q.takeOver.run(owner, at, key, row.owner, row.updated_at).changes === 1) return undefined;
    }
    return { state: "running" };
  });

  const append = db.transaction((stream, event, args) => {
    const { last: seq } = q.next.get(stream);
    q.insertLog.run(stream, seq, event, JSON.stringify(args), now());
    if (seq > maxLog) q.trimLog.run(stream, seq - maxLog);
    return seq;
  });

  prune();

  return {
    epoch,
    claim: (key) => claim.immediate(key),
    complete(key, response) {
      let json;
      try {
        json = JSON.stringify(response);
      } catch (error) {
        q.release.run(key);
        throw error;
      }
      // A large answer (a room's history on join) is not worth keeping: a
      // repeat of that id runs its handler again, which is fine for the
      // events that answer that much (join, history: they change nothing).
      if (json.length > maxResponseBytes) {
        q.release.run(key);
        return;
      }
      q.complete.run(key, json, owner, now());
      wrote();
    },
    release(key) {
      q.release.run(key);
    },
    append: (stream, event, args) => append.immediate(prefix + stream, event, args),
    since(stream, after, limit) {
      return q.since.all(prefix + stream, after, limit).map((row) => ({ seq: row.seq, event: row.event, args: JSON.parse(row.args) }));
    },
    prune,
    counts: () => ({ ids: q.countIds.get().n, log: q.countLog.get().n }),
  };
}
