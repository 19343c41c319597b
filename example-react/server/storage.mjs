// Persistence behind a small interface, so the rest of the server never sees
// SQL. The seed's architecture uses MongoDB, which cannot be installed here;
// SQLite (better-sqlite3) in WAL mode is one file that several server
// processes on one machine can share. A multi-machine deployment would put
// another implementation of the same interface (PostgreSQL, MongoDB) here.
//
// interface Storage {
//   createUser({ name, passwordHash }) -> User | null (null: name taken)
//   findUserByName(name) -> (User & { passwordHash }) | null
//   findUserById(id) -> User | null
//   saveMessage({ room, userId, text, clientId }) -> { message, created, logged }
//       idempotent on (userId, clientId): a retried send returns the stored
//       message with created = false; logged: its broadcast is in the
//       durable log (markLogged), so a retry must not broadcast it again
//   markLogged(messageId, seq)
//   history(room, limit, before?) -> Message[] (oldest first): the last
//       `limit` messages of the room, or the last ones older than id `before`
//   addNotification({ userId, kind, text, room, fromName }) -> Notification
//   notifications(userId, limit) -> { items: Notification[], unread }
//   markRead(userId) -> number
//   markOneRead(userId, id) -> { found, unread } (found: the user has a
//       notification `id`, read before or now)
//   db: the better-sqlite3 handle, shared with the durable store
//       (./durable-store.mjs) so that both live in one file
//   close()
// }
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  id         INTEGER PRIMARY KEY,
  room       TEXT NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  client_id  TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  log_seq    INTEGER,
  UNIQUE (user_id, client_id)
);
CREATE INDEX IF NOT EXISTS messages_by_room ON messages(room, id);
CREATE TABLE IF NOT EXISTS notifications (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT NOT NULL,
  text       TEXT NOT NULL,
  room       TEXT,
  from_name  TEXT,
  read       INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_by_user ON notifications(user_id, id);
`;

const toMessage = (row) =>
  row && {
    id: row.id,
    clientId: row.client_id,
    room: row.room,
    user: row.user_name,
    text: row.text,
    createdAt: row.created_at,
  };

const toNotification = (row) =>
  row && {
    id: row.id,
    kind: row.kind,
    text: row.text,
    room: row.room,
    from: row.from_name,
    read: row.read === 1,
    createdAt: row.created_at,
  };

/** The SQLite implementation of the storage interface. `file` may be ":memory:". */
export function openSqliteStorage(file) {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers never block the writer, and two server processes can share
  // the file; busy_timeout makes a writer wait for the other's lock instead
  // of failing with SQLITE_BUSY.
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.exec(SCHEMA);
  // Databases made before the durable log lack the column.
  if (!db.prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'log_seq'").get()) {
    db.exec("ALTER TABLE messages ADD COLUMN log_seq INTEGER");
  }

  const q = {
    insertUser: db.prepare("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING"),
    userByName: db.prepare("SELECT id, name, password_hash FROM users WHERE name = ?"),
    userById: db.prepare("SELECT id, name FROM users WHERE id = ?"),
    insertMessage: db.prepare(
      "INSERT INTO messages (room, user_id, client_id, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, client_id) DO NOTHING",
    ),
    messageByClientId: db.prepare(
      "SELECT m.*, u.name AS user_name FROM messages m JOIN users u ON u.id = m.user_id WHERE m.user_id = ? AND m.client_id = ?",
    ),
    history: db.prepare(
      "SELECT * FROM (SELECT m.*, u.name AS user_name FROM messages m JOIN users u ON u.id = m.user_id WHERE m.room = ? ORDER BY m.id DESC LIMIT ?) ORDER BY id",
    ),
    insertNotification: db.prepare(
      "INSERT INTO notifications (user_id, kind, text, room, from_name, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
    ),
    historyBefore: db.prepare(
      "SELECT * FROM (SELECT m.*, u.name AS user_name FROM messages m JOIN users u ON u.id = m.user_id WHERE m.room = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?) ORDER BY id",
    ),
    notifications: db.prepare("SELECT * FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ?"),
    unread: db.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read = 0"),
    markRead: db.prepare("UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0"),
    markOneRead: db.prepare("UPDATE notifications SET read = 1 WHERE user_id = ? AND id = ?"),
    markLogged: db.prepare("UPDATE messages SET log_seq = ? WHERE id = ?"),
  };

  const saveMessage = db.transaction(({ room, userId, text, clientId }) => {
    const { changes } = q.insertMessage.run(room, userId, clientId, text, Date.now());
    const row = q.messageByClientId.get(userId, clientId);
    return { message: toMessage(row), created: changes === 1, logged: row.log_seq !== null };
  });

  return {
    createUser({ name, passwordHash }) {
      const { changes, lastInsertRowid } = q.insertUser.run(name, passwordHash, Date.now());
      return changes === 1 ? { id: Number(lastInsertRowid), name } : null;
    },
    findUserByName(name) {
      const row = q.userByName.get(name);
      return row ? { id: row.id, name: row.name, passwordHash: row.password_hash } : null;
    },
    findUserById(id) {
      return q.userById.get(id) ?? null;
    },
    saveMessage,
    markLogged(messageId, seq) {
      q.markLogged.run(seq, messageId);
    },
    history(room, limit = 50, before = undefined) {
      const rows = before === undefined ? q.history.all(room, limit) : q.historyBefore.all(room, before, limit);
      return rows.map(toMessage);
    },
    addNotification({ userId, kind, text, room = null, fromName = null }) {
      return toNotification(q.insertNotification.get(userId, kind, text, room, fromName, Date.now()));
    },
    notifications(userId, limit = 20) {
      return { items: q.notifications.all(userId, limit).map(toNotification), unread: q.unread.get(userId).n };
    },
    markRead(userId) {
      return q.markRead.run(userId).changes;
    },
    markOneRead(userId, id) {
      const found = q.markOneRead.run(userId, id).changes === 1;
      return { found, unread: q.unread.get(userId).n };
    },
    db,
    close() {
      db.close();
    },
  };
}
