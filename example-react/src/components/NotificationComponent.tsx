// Notifications (mentions, joins) on their own namespace, multiplexed on the
// chat's connection: no second WebSocket.
import { useEffect, useState } from "react";
import { AckError } from "socketio-wasm/react";
import { NOTIFICATIONS, notifications } from "../socket";
import type { DismissFailure, Notification } from "../types";

const ns = { namespace: NOTIFICATIONS };

export function NotificationComponent() {
  const { status, id } = notifications.useSocketStatus(NOTIFICATIONS);
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const list = notifications.useEmitWithAck("list", { ...ns, errorFirst: true });
  const markRead = notifications.useEmitWithAck("markRead", { ...ns, errorFirst: true });
  // `dismiss` answers `{ ok: true, ... }` or `{ ok: false, code, message }`:
  // the default isError rejects the second, its value in `error.data`.
  const dismiss = notifications.useEmitWithAck("dismiss", ns);

  // The list on every new session (a recovered one got what it missed).
  useEffect(() => {
    if (status !== "connected") return;
    let cancelled = false;
    list.emit().then((res) => {
      if (cancelled || !res) return;
      setItems(res.items);
      setUnread(res.unread);
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, id]);

  notifications.useSocketEvent(
    "notification",
    (notification) => {
      setItems((all) => (all.some((n) => n.id === notification.id) ? all : [notification, ...all].slice(0, 20)));
      setUnread((n) => n + 1);
    },
    NOTIFICATIONS,
  );
  notifications.useSocketEvent(
    "read",
    (state) => {
      setUnread(state.unread);
      setItems((all) => all.map((n) => (state.id === undefined || n.id === state.id ? { ...n, read: true } : n)));
    },
    NOTIFICATIONS,
  );

  function markOneRead(id: number) {
    dismiss.emit({ id }).then(
      (res) => {
        setUnread(res.unread);
        setItems((all) => all.map((n) => (n.id === id ? { ...n, read: true } : n)));
      },
      (error: Error) => {
        // Gone on the server (another tab's account, a wiped database): drop it here too.
        if (error instanceof AckError && (error.data as DismissFailure).code === "NOT_FOUND") {
          setItems((all) => all.filter((n) => n.id !== id));
        }
      },
    );
  }

  const error = list.error ?? markRead.error ?? dismiss.error;

  return (
    <aside className="notifications" aria-labelledby="notifications-title">
      <h2 id="notifications-title">
        Notifications{" "}
        <span className="badge" aria-label={`${unread} unread`}>
          {unread}
        </span>
      </h2>
      <button type="button" onClick={() => void markRead.emit()} disabled={unread === 0 || markRead.pending}>
        Mark all read
      </button>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {items.length === 0 ? (
        <p className="empty">Nothing yet. Mentions (@name) and people joining your room show up here.</p>
      ) : (
        <ul role="list" aria-label="Notifications">
          {items.map((n) => (
            <li role="listitem" key={n.id} data-read={n.read}>
              <span>{n.text}</span>{" "}
              <time dateTime={new Date(n.createdAt).toISOString()}>
                {new Date(n.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
              </time>
              {!n.read && (
                <button
                  type="button"
                  className="dismiss"
                  aria-label={`Mark read: ${n.text}`}
                  onClick={() => markOneRead(n.id)}
                  disabled={dismiss.pending}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
