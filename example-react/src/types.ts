// The events of the two namespaces, as the server (server/app.mjs) sends and
// takes them. Acknowledgements are error-first: (err, res).

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

export interface Joined {
  room: string;
  history: Message[];
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
}

/** /notifications: server → client */
export interface NotificationEvents {
  notification: (notification: Notification) => void;
  read: (state: { unread: number }) => void;
}

/** /notifications: client → server */
export interface NotificationCommands {
  list: (ack: (err: AckErr | null, res?: { items: Notification[]; unread: number }) => void) => void;
  markRead: (ack: (err: AckErr | null, res?: { unread: number }) => void) => void;
}

export const MAX_MESSAGE_LENGTH = 5000;
export const ROOMS = ["general", "random", "help"] as const;
