// The app: a login screen, then the chat and the notifications under one
// <SocketProvider>: one connection for the whole app (the seed's pitfall 1),
// with /chat and /notifications multiplexed on it.
import { useCallback, useState } from "react";
import { ChatComponent } from "./components/ChatComponent";
import { ConnectionBanner } from "./components/ConnectionBanner";
import { ConnectionPanel } from "./components/ConnectionPanel";
import { LoginScreen } from "./components/LoginScreen";
import { NotificationComponent } from "./components/NotificationComponent";
import { currentRoom, currentToken, loadSession, saveSession, type Session } from "./session";
import { CHAT, NOTIFICATIONS, chat, notifications } from "./socket";

// Read when the connection is created, so they live outside the component:
// `auth` is a function, asked on every (re)connection, that reads the current
// token (and the room shown, see session.ts). `ackTimeout` + `retries` make sends at-least-once (a send waits while
// offline and is retried until acknowledged); the server's idempotency on the
// message's clientId makes that exactly-once.
const OPTIONS = {
  auth: (callback: (data: Record<string, unknown>) => void) => callback({ token: currentToken(), room: currentRoom() }),
  ackTimeout: 4000,
  retries: 10,
  reconnectionDelay: 500,
  reconnectionDelayMax: 2000,
};

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
  }, []);

  if (!session) return <LoginScreen onLogin={onLogin} />;
  return (
    <chat.SocketProvider url={CHAT} options={OPTIONS} closeDelay={0}>
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
