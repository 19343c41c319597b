// The events of the two namespaces, as the server (server/app.mjs) sends and
// takes them. Most acknowledgements are error-first, (err, res), read with
// `errorFirst: true`. Two answer one value instead, as many servers do:
// `history` the data or `{ error, code }`, `dismiss` `{ ok: true, ... }` or
// `{ ok: false, code, message }`. useEmitWithAck's default `isError` turns
// those failures into an `AckError` (its `data` is the failure), so their
// acks are typed with the success only: that is all `data` can be.

export interface AckErr {
  code: string;
  message: string;
}

export interface Message {
  id: number;
  clientId: string;
  room: string;
  user: string;
  text: string;
  createdAt: number;
}

/** `history`'s failure: `{ error, code }` (the `AckError`'s `data`). */
export interface HistoryFailure {
  error: string;
  code: string;
}

/** `dismiss`'s failure: `{ ok: false, code, message }` (the `AckError`'s `data`). */
export interface DismissFailure {
  ok: false;
  code: string;
  message: string;
}

export interface Joined {
  room: string;
  /** The last messages, oldest first. */
  history: Message[];
  /** There are earlier messages: `history` pages through them. */
  more: boolean;
  /** The server process that answered (the cluster has two). */
  node: string;
}

export interface Notification {
  id: number;
  kind: "mention" | "join";
  text: string;
  room: string | null;
  from: string | null;
  read: boolean;
  createdAt: number;
}

/** /chat: server → client */
export interface ChatEvents {
  message: (message: Message) => void;
  /** Who is in the room (on every node): after each join, leave and disconnect. */
  presence: (presence: { room: string; users: string[] }) => void;
  typing: (typing: { room: string; user: string; typing: boolean }) => void;
  /** Sent on every connection: the server process, and whether the session was recovered. */
  session: (session: { node: string; recovered: boolean }) => void;
}

/** /chat: client → server */
export interface ChatCommands {
  join: (payload: { room: string; rejoin?: boolean }, ack: (err: AckErr | null, res?: Joined) => void) => void;
  leave: (payload: { room: string }, ack: (err: AckErr | null, res?: { room: string }) => void) => void;
  message: (
    payload: { room: string; text: string; clientId: string },
    ack: (err: AckErr | null, res?: Message) => void,
  ) => void;
  typing: (payload: { room: string; typing: boolean }) => void;
  /** The messages before id `before` (a page); a failure is `HistoryFailure`. */
  history: (
    payload: { room: string; before: number },
    ack: (res: { room: string; messages: Message[]; more: boolean }) => void,
  ) => void;
}

/** /notifications: server → client */
export interface NotificationEvents {
  notification: (notification: Notification) => void;
  /** Notifications were read in some tab: all of them, or the one `id`. */
  read: (state: { unread: number; id?: number }) => void;
}

/** /notifications: client → server */
export interface NotificationCommands {
  list: (ack: (err: AckErr | null, res?: { items: Notification[]; unread: number }) => void) => void;
  markRead: (ack: (err: AckErr | null, res?: { unread: number }) => void) => void;
  /** Marks notification `id` read; a failure is `DismissFailure`. */
  dismiss: (payload: { id: number }, ack: (res: { ok: true; id: number; unread: number }) => void) => void;
}

export const MAX_MESSAGE_LENGTH = 5000;
export const ROOMS = ["general", "random", "help"] as const;
