// The chat: a room, its history on join (and earlier pages on request), the
// people in it, who is typing, and messages that are shown at once as
// pending, delivered after a reconnection or a reload when sent offline, and
// marked with the server's error when refused.
//
// Sends go through the socket's durable outbox (the `durable` option, see
// App.tsx): kept in IndexedDB until the server answers, resent on every
// connection and by the next page after a reload. This page hears the answer
// to its own sends in their callbacks; the sends of an earlier page are read
// back from `socket.durable.pending()` and settled by its `delivered` and
// `failed` events.
import { useEffect, useReducer, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { currentRoom, setCurrentRoom } from "../session";
import { chat, newClientId } from "../socket";
import { MAX_MESSAGE_LENGTH, ROOMS, type AckErr, type Message } from "../types";

interface Item {
  /** `${user}/${clientId}`: the server stores a clientId once per user. */
  key: string;
  clientId: string;
  id: number | undefined;
  user: string;
  text: string;
  createdAt: number;
  status: "pending" | "sent" | "failed";
  error?: string;
}

type Action =
  | { type: "reset" }
  | { type: "merge"; messages: Message[] }
  | { type: "pending"; items: Item[] }
  | { type: "failed"; key: string; error: string }
  | { type: "retry"; key: string };

const keyOf = (user: string, clientId: string) => `${user}/${clientId}`;

interface Outgoing {
  room: string;
  text: string;
  clientId: string;
}

/** A `message` emit's payload, as the outbox gives it back (it was this app's, but IndexedDB is outside the type system). */
function outgoing(args: readonly unknown[]): Outgoing | undefined {
  const payload = args[0] as Partial<Outgoing> | null | undefined;
  if (typeof payload !== "object" || payload === null) return undefined;
  const { room, text, clientId } = payload;
  return typeof room === "string" && typeof text === "string" && typeof clientId === "string" ? { room, text, clientId } : undefined;
}

/** The message of an error the server answered with (`{ code, message }`), or of anything else. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as Partial<AckErr> | null)?.message;
  return typeof message === "string" ? message : JSON.stringify(error);
}

/** Stored messages in the server's order, then the ones not stored yet in the order they were typed. */
function order(items: Item[]): Item[] {
  return [...items].sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity) || a.createdAt - b.createdAt);
}

function reducer(items: Item[], action: Action): Item[] {
  switch (action.type) {
    case "reset":
      return [];
    case "merge": {
      // A message may arrive twice (the broadcast, the ack, the history after
      // a reconnection): it is shown once, keyed by its author and clientId.
      const byKey = new Map(items.map((item) => [item.key, item]));
      for (const m of action.messages) {
        const key = keyOf(m.user, m.clientId);
        byKey.set(key, { key, clientId: m.clientId, id: m.id, user: m.user, text: m.text, createdAt: m.createdAt, status: "sent" });
      }
      return order([...byKey.values()]);
    }
    case "pending": {
      const known = new Set(items.map((item) => item.key));
      return order([...items, ...action.items.filter((item) => !known.has(item.key))]);
    }
    case "failed":
      return items.map((item) => (item.key === action.key && item.status !== "sent" ? { ...item, status: "failed", error: action.error } : item));
    case "retry":
      return items.map((item) => (item.key === action.key ? { ...item, status: "pending", error: undefined } : item));
  }
}

const TYPING_SHOWN_MS = 4000;
const TYPING_SENT_EVERY_MS = 2000;

export function ChatComponent({ me }: { me: string }) {
  const socket = chat.useSocket();
  const { status, id } = chat.useSocketStatus();
  const [room, setRoom] = useState<string>(currentRoom);
  const [items, dispatch] = useReducer(reducer, []);
  const [users, setUsers] = useState<string[]>([]);
  const [node, setNode] = useState<string | null>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  /** The room has messages before the ones shown. */
  const [more, setMore] = useState(false);
  /** The room the last "Load earlier messages" was for (its error is shown there only). */
  const [earlierFor, setEarlierFor] = useState<string | null>(null);
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [text, setText] = useState("");
  const join = chat.useEmitWithAck("join", { errorFirst: true });
  /** The outbox's storage failed (IndexedDB unavailable, quota, a corrupt entry): the details, shown on hover. */
  const [storageProblem, setStorageProblem] = useState<string | null>(null);
  const [outboxReady, setOutboxReady] = useState(false);
  /** The outbox's message ids of the earlier page's sends shown here, to their items. */
  const earlierSends = useRef(new Map<string, string>());
  const roomShown = useRef(room);
  roomShown.current = room;
  // `history` answers one value, the page or `{ error, code }`: the hook's
  // default isError makes the failure its `error`, no option needed.
  const earlier = chat.useEmitWithAck("history", { timeout: 5000 });
  const joined = useRef<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const lastTypingSent = useRef(0);

  // Join on connect and on a room change. A recovered session is still in
  // its room and got the events it missed: nothing to do. A new session (a
  // server restart, a recovery window passed) joins again and merges the
  // history, so nothing sent meanwhile is missing.
  useEffect(() => {
    if (status !== "connected") return;
    if (joined.current === room && socket.recovered) return;
    let cancelled = false;
    const rejoin = joined.current === room;
    join
      .emit({ room, rejoin })
      .then((res) => {
        if (cancelled || !res) return;
        joined.current = room;
        setJoinError(null);
        setNode(res.node);
        setMore(res.more);
        dispatch({ type: "merge", messages: res.history });
      })
      .catch((error: Error) => !cancelled && setJoinError(error.message));
    return () => {
      cancelled = true;
    };
    // `id` changes with every new session (a recovered one keeps its id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [room, status, id]);

  // Leaving a room (a room change, unmount).
  useEffect(
    () => () => {
      if (joined.current === room) {
        joined.current = null;
        socket.emit("leave", { room }, () => {});
      }
    },
    [socket, room],
  );

  // The outbox: what an earlier page left in it, how it ends, and whether it
  // can store at all.
  useEffect(() => {
    const outbox = socket.durable;
    if (!outbox) return;
    let cancelled = false;
    const settle = (id: string, error: unknown, message: Message | undefined) => {
      const key = earlierSends.current.get(id);
      // Not shown from the outbox: a send of this page, settled by its callback.
      if (key === undefined) return;
      earlierSends.current.delete(id);
      if (error !== null && error !== undefined) dispatch({ type: "failed", key, error: errorText(error) });
      else if (message && message.room === roomShown.current) dispatch({ type: "merge", messages: [message] });
    };
    const handles = [
      // `message` answers error-first, `(err, res)`: a refusal arrives as
      // `delivered` with a non-null first value (it is not one of the
      // shapes `failed` is for).
      outbox.on("delivered", (id, response) => settle(id, response[0], response[1] as Message | undefined)),
      outbox.on("failed", (id, error) => settle(id, error ?? "refused", undefined)),
      outbox.on("error", (error) => setStorageProblem(error.message)),
    ];
    outbox.ready.then(() => !cancelled && setOutboxReady(true));
    return () => {
      cancelled = true;
      for (const handle of handles) handle.off();
    };
  }, [socket]);

  // The sends of this room still waiting in the outbox (an earlier page's
  // too) are shown as pending: on load, and when the room is shown again.
  useEffect(() => {
    const outbox = socket.durable;
    if (!outboxReady || !outbox) return;
    const waiting: Item[] = [];
    for (const entry of outbox.pending()) {
      const payload = entry.event === "message" ? outgoing(entry.args) : undefined;
      if (!payload || payload.room !== room) continue;
      const key = keyOf(me, payload.clientId);
      earlierSends.current.set(entry.id, key);
      waiting.push({ key, clientId: payload.clientId, id: undefined, user: me, text: payload.text, createdAt: entry.createdAt, status: "pending" });
    }
    if (waiting.length > 0) dispatch({ type: "pending", items: waiting });
  }, [socket, outboxReady, room, me]);

  chat.useSocketEvent("message", (message) => {
    if (message.room === room) dispatch({ type: "merge", messages: [message] });
  });
  chat.useSocketEvent("session", (session) => setNode(session.node));
  chat.useSocketEvent("presence", (presence) => {
    if (presence.room === room) setUsers(presence.users);
  });
  chat.useSocketEvent("typing", (event) => {
    if (event.room !== room || event.user === me) return;
    setTyping((all) => {
      const next = { ...all };
      if (event.typing) next[event.user] = Date.now() + TYPING_SHOWN_MS;
      else delete next[event.user];
      return next;
    });
  });

  // Keep the newest message in view.
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [items]);

  // Typing indicators expire.
  const typists = Object.keys(typing);
  useEffect(() => {
    if (typists.length === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setTyping((all) => {
        const live = Object.entries(all).filter(([, until]) => until > now);
        return live.length === Object.keys(all).length ? all : Object.fromEntries(live);
      });
    }, 500);
    return () => clearInterval(timer);
  }, [typists.length]);

  function changeRoom(next: string) {
    if (next === room) return;
    dispatch({ type: "reset" });
    setMore(false);
    setUsers([]);
    setTyping({});
    setCurrentRoom(next);
    setRoom(next);
  }

  function loadEarlier() {
    const oldest = items.reduce((min, item) => (item.id !== undefined && item.id < min ? item.id : min), Infinity);
    if (oldest === Infinity) return;
    setEarlierFor(room);
    earlier
      .emit({ room, before: oldest })
      .then((page) => {
        if (page.room !== joined.current) return; // the room changed meanwhile
        setMore(page.more);
        dispatch({ type: "merge", messages: page.messages });
      })
      .catch(() => {}); // shown from earlier.error
  }

  function deliver(item: Item) {
    // Into the outbox: written to IndexedDB, sent now or on the next
    // connection, again until answered. No timeout: the callback comes when
    // the server has answered, however long that takes (a Retry sends the
    // same clientId under a new message id; the server stores it once).
    try {
      socket.emit("message", { room, text: item.text, clientId: item.clientId }, (error: AckErr | null, message?: Message) => {
        if (error) dispatch({ type: "failed", key: item.key, error: errorText(error) });
        else if (message && message.room === roomShown.current) dispatch({ type: "merge", messages: [message] });
      });
    } catch (error) {
      // The outbox is full (1,000 sends waiting).
      dispatch({ type: "failed", key: item.key, error: errorText(error) });
    }
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (text.trim() === "") return;
    const clientId = newClientId();
    const item: Item = { key: keyOf(me, clientId), clientId, id: undefined, user: me, text, createdAt: Date.now(), status: "pending" };
    dispatch({ type: "pending", items: [item] });
    deliver(item);
    setText("");
    lastTypingSent.current = 0;
    socket.volatile.emit("typing", { room, typing: false });
  }

  function retry(item: Item) {
    dispatch({ type: "retry", key: item.key });
    deliver(item);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function onChange(value: string) {
    setText(value);
    const now = Date.now();
    if (value !== "" && now - lastTypingSent.current > TYPING_SENT_EVERY_MS) {
      lastTypingSent.current = now;
      // Volatile: a typing hint is worthless later, so it is not buffered offline.
      socket.volatile.emit("typing", { room, typing: true });
    }
  }

  const length = [...text].length;
  const offline = status !== "connected";
  return (
    <section className="chat" aria-labelledby="chat-title">
      <div className="chat-head">
        <h2 id="chat-title">#{room}</h2>
        <label htmlFor="room">Room</label>
        <select id="room" value={room} onChange={(e) => changeRoom(e.target.value)}>
          {ROOMS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {node && <span className="node">served by {node}</span>}
      </div>
      {storageProblem && (
        <p className="warning" title={storageProblem}>
          Storage problem: messages typed offline may not survive a reload.
        </p>
      )}
      {joinError && (
        <p role="alert" className="error">
          Cannot join #{room}: {joinError}
        </p>
      )}
      <div className="people">
        <h3 id="people-title">In this room</h3>
        <ul aria-labelledby="people-title" className="users">
          {users.map((user) => (
            <li key={user}>{user === me ? `${user} (you)` : user}</li>
          ))}
        </ul>
      </div>
      {more && (
        <button type="button" className="earlier" onClick={loadEarlier} disabled={earlier.pending}>
          {earlier.pending ? "Loading earlier messages…" : "Load earlier messages"}
        </button>
      )}
      {earlier.error && earlierFor === room && (
        <p role="alert" className="error">
          Cannot load earlier messages: {earlier.error.message}
        </p>
      )}
      <ul ref={list} role="list" aria-label="Conversation" className="messages">
        {items.map((item) => (
          <li role="listitem" key={item.key} data-status={item.status} className={item.user === me ? "mine" : undefined}>
            <span className="author">{item.user}</span>{" "}
            <time dateTime={new Date(item.createdAt).toISOString()}>
              {new Date(item.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
            </time>
            <p className="text">{item.text}</p>
            {item.status === "pending" && (
              <span className="state">{offline ? "Pending: will be sent when back online" : "Sending…"}</span>
            )}
            {item.status === "failed" && (
              <span role="alert" className="error">
                Not sent: {item.error}{" "}
                <button type="button" onClick={() => retry(item)}>
                  Retry
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <p className="typing" aria-live="polite">
        {typists.length === 1 ? `${typists[0]} is typing…` : typists.length > 1 ? `${typists.join(", ")} are typing…` : ""}
      </p>
      <form className="composer" onSubmit={submit}>
        <label htmlFor="message">Message</label>
        <textarea
          id="message"
          rows={2}
          value={text}
          placeholder={`Message #${room} (Enter sends, Shift+Enter for a new line, @name mentions)`}
          aria-describedby="message-length"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <span id="message-length" className={length > MAX_MESSAGE_LENGTH ? "count over" : "count"}>
          {length.toLocaleString("en")} / {MAX_MESSAGE_LENGTH.toLocaleString("en")}
        </span>
        <button type="submit" disabled={text.trim() === ""}>
          Send
        </button>
      </form>
    </section>
  );
}
