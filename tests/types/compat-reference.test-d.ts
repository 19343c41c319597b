// compat-ours.test-d.ts below the marker, against socket.io-client's types.
import { io, Manager, Socket, type DisconnectDescription } from "socket.io-client";
// --- app ---
interface ServerToClientEvents {
  noArg: () => void;
  basicEmit: (a: number, b: string, c: ArrayBuffer) => void;
  withAck: (d: string, callback: (e: number) => void) => void;
}

interface ClientToServerEvents {
  hello: () => void;
  update: (data: { id: number; title: string }, callback: (res: { status: "ok" | "error" }) => void) => void;
  join: (room: string, callback: (err: Error | null, members?: string[]) => void) => void;
}

interface AuthPayload {
  token: string;
}
const auth: AuthPayload = { token: "abc" };

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000", {
  auth,
  transports: ["websocket", "polling"],
  reconnectionDelayMax: 10_000,
  ackTimeout: 10_000,
  retries: 3,
  query: { "my-key": "my-value" },
});
const other: Socket<ServerToClientEvents, ClientToServerEvents> = io({ autoConnect: false, auth: (cb) => cb({ token: "abc" }) });
other.connect();

socket.emit("hello");
socket.on("noArg", () => {});
socket.on("basicEmit", (a, b, c) => {
  const sum: number = a + b.length + c.byteLength;
  return sum;
});
socket.on("withAck", (d, callback) => {
  callback(d.length);
});
socket.on("connect", () => {
  const id: string | undefined = socket.id;
  return id;
});
socket.on("connect_error", (err) => {
  const message: string = err.message;
  const data: unknown = err.data;
  if (!socket.active) socket.connect();
  return [message, data];
});
socket.on("disconnect", (reason, details) => {
  if (reason === "io server disconnect") socket.connect();
  const why: Socket.DisconnectReason = reason;
  const detail: DisconnectDescription | undefined = details;
  if (detail instanceof Error) return [why, detail.message];
  return [why, detail?.description, detail?.context];
});

// Acknowledgements: callback, timeout + error-first, promise.
socket.emit("update", { id: 1, title: "a" }, (res) => res.status);
socket.timeout(5_000).emit("update", { id: 1, title: "a" }, (err, res) => {
  if (err) return err.message;
  return res.status;
});
socket.emit("join", "room", (err, members) => (err ? err.message : members?.join()));
export async function acks(): Promise<string> {
  const res = await socket.emitWithAck("update", { id: 2, title: "b" });
  const later = await socket.timeout(1_000).emitWithAck("update", { id: 3, title: "c" });
  return res.status + later.status;
}
socket.volatile.emit("hello");
socket.compress(false).emit("hello");

// Chained listeners, catch-alls, removal.
const onBasic = (a: number, b: string) => [a, b];
socket.on("basicEmit", onBasic).on("noArg", () => {});
socket.off("basicEmit", onBasic);
socket.onAny((event, ...args) => [event, args]);
socket.onAnyOutgoing((event) => event);
socket.removeAllListeners("noArg");
const count: number = socket.listeners("withAck").length;

// The Manager.
const manager = socket.io;
manager.on("reconnect_attempt", (attempt) => {
  manager.opts.query = { attempt: String(attempt) };
});
manager.on("reconnect", (attempt) => attempt);
manager.on("error", (error) => error.message);
manager.on("close", (reason, description) => [reason, description]);
manager.reconnectionAttempts(5).reconnectionDelay(500);
const attempts: number = manager.reconnectionAttempts();
const engine = manager.engine;
engine.on("upgrade", (transport) => transport.name);
engine.on("packet", ({ type, data }) => [type, data]);
const transportName: string = engine.transport.name;

const standalone = new Manager("http://localhost:3000", { reconnectionDelayMax: 10_000 });
const admin = standalone.socket("/admin", { auth: { token: "abc" } });
admin.on("connect", () => admin.emit("ready"));
const second = io("http://localhost:3000/admin", { forceNew: true });
second.disconnect();

export const used = [other, count, attempts, transportName];
