// The app: a login screen, then the chat and the notifications under one
// <SocketProvider>: one connection for the whole app (the seed's pitfall 1),
// with /chat and /notifications multiplexed on it.
import { useCallback, useMemo, useState } from "react";
import { ChatComponent } from "./components/ChatComponent";
import { ConnectionBanner } from "./components/ConnectionBanner";
import { ConnectionPanel } from "./components/ConnectionPanel";
import { LoginScreen } from "./components/LoginScreen";
import { NotificationComponent } from "./components/NotificationComponent";
import { currentRoom, currentToken, loadSession, saveSession, type Session } from "./session";
import { CHAT, NOTIFICATIONS, chat, notifications } from "./socket";

// Read once, when the connection is created: `auth` is a function, asked on
// every (re)connection, that reads the current token (and the room shown,
// see session.ts); the socket adds its stream positions (`$durable`) to
// what it answers. `durable` keeps every emit in IndexedDB until the server
// answers it, resent on every connection and after a reload with the same
// message id, which socketio-wasm/server answers once: no ackTimeout or
// retries here, the outbox does that. Its `key` is the user's: another user
// of this browser never resends these messages. The options apply to both
// namespaces of the connection (/chat and /notifications).
function socketOptions(userId: number) {
  return {
    auth: (callback: (data: Record<string, unknown>) => void) => callback({ token: currentToken(), room: currentRoom() }),
    durable: { key: String(userId) },
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
  };
}

const STATS_PANEL = "connection-stats";

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const onLogin = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
  }, []);
  const onLogout = useCallback(() => {
    saveSession(null);
    setSession(null);
    // The connection is shared for the page's life and its options (the
    // outbox's key) are read once: the next user gets a page, and a
    // connection, of their own.
    window.location.reload();
  }, []);
  const userId = session?.user.id;
  const options = useMemo(() => (userId === undefined ? undefined : socketOptions(userId)), [userId]);

  if (!session || !options) return <LoginScreen onLogin={onLogin} />;
  return (
    <chat.SocketProvider url={CHAT} options={options} closeDelay={0}>
      <Main session={session} onLogout={onLogout} />
    </chat.SocketProvider>
  );
}

function Main({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const socket = chat.useSocket();
  const notificationSocket = notifications.useSocket(NOTIFICATIONS);
  const [statsShown, setStatsShown] = useState(false);
  const logout = () => {
    // Close this user's connection now: the next login connects afresh
    // with the new token.
    notificationSocket.disconnect();
    socket.disconnect();
    onLogout();
  };
  return (
    <div className="app">
      <header className="top">
        <h1>socketio-wasm chat</h1>
        <p className="me">
          Signed in as <strong>{session.user.name}</strong>
        </p>
        <button
          type="button"
          className="toggle"
          aria-expanded={statsShown}
          aria-controls={STATS_PANEL}
          onClick={() => setStatsShown((shown) => !shown)}
        >
          Connection stats
        </button>
        <button type="button" onClick={logout}>
          Log out
        </button>
      </header>
      <ConnectionBanner onLogout={logout} />
      {/* After the banner: the panel's status is in the DOM even while hidden,
          and the banner's must stay the page's first [role="status"]
          (example-cluster.test.ts logs that one). */}
      <ConnectionPanel id={STATS_PANEL} hidden={!statsShown} />
      <div className="columns">
        <ChatComponent me={session.user.name} />
        <NotificationComponent />
      </div>
    </div>
  );
}
