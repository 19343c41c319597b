// A fresh Vite + React app that uses the packed tarball like any user would:
// no bundler plugin for the wasm, no init() call.
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { io } from "socketio-wasm";
import { createSocketHooks } from "socketio-wasm/react";

interface ServerToClientEvents {
  hello: (text: string) => void;
}
interface ClientToServerEvents {
  echo: (text: string, ack: (reply: string) => void) => void;
}

const { SocketProvider, useSocketStatus, useSocketMessage, useEmitWithAck } = createSocketHooks<
  ServerToClientEvents,
  ClientToServerEvents
>();

function App() {
  const { status, id } = useSocketStatus();
  const { lastMessage } = useSocketMessage("hello");
  const { emit, data } = useEmitWithAck("echo", { timeout: 5000 });
  useEffect(() => {
    if (status === "connected") void emit("ping from the app");
  }, [status, emit]);
  return (
    <main>
      <p role="status">{status}</p>
      <p id="socket-id">{id ?? ""}</p>
      <p id="hello">{lastMessage ?? ""}</p>
      <p id="echo">{data ?? ""}</p>
      <p id="io">{typeof io}</p>
    </main>
  );
}

// The socket.io server: this page's origin, or ?server=URL (the dev server).
const server = new URLSearchParams(location.search).get("server") ?? undefined;

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <SocketProvider url={server}>
      <App />
    </SocketProvider>
  </StrictMode>,
);
