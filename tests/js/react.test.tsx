// @vitest-environment happy-dom
//
// The React layer against a real socket.io server (a private instance of the
// fixture, see react/fixture.ts) and the real package, under <StrictMode>.
import { StrictMode, useEffect, useState, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import {
  SocketProvider,
  useEmitWithAck,
  useSocket,
  useSocketEvent,
  useSocketMessage,
  useSocketStatus,
  type SocketState,
} from "../../dist/react/index.js";
import { io, type Socket } from "../../dist/index.js";
import { fixtureForFile } from "./react/fixture.js";

// Count the WebSockets the runtime opens.
const BaseWebSocket = globalThis.WebSocket;
let webSockets = 0;
class CountingWebSocket extends BaseWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    webSockets += 1;
  }
}
globalThis.WebSocket = CountingWebSocket;

const fixture = fixtureForFile();

const FAST = {
  transports: ["websocket" as const],
  reconnectionDelay: 100,
  reconnectionDelayMax: 300,
  randomizationFactor: 0,
};

function App({
  children,
  url,
  closeDelay = 200,
  options = FAST,
}: {
  children: ReactNode;
  url: string;
  closeDelay?: number;
  options?: typeof FAST & { path?: string };
}) {
  return (
    <StrictMode>
      <SocketProvider url={url} options={options} closeDelay={closeDelay}>
        {children}
      </SocketProvider>
    </StrictMode>
  );
}

function Status({ namespace, onChange }: { namespace?: string; onChange?: (state: SocketState) => void }) {
  const state = useSocketStatus(namespace);
  useEffect(() => {
    onChange?.(state);
  }, [state, onChange]);
  return (
    <p>
      <span data-testid={`status${namespace ?? ""}`}>{state.status}</span>
      <span data-testid={`id${namespace ?? ""}`}>{state.id ?? ""}</span>
    </p>
  );
}

const expectStatus = (status: string, namespace = "") =>
  waitFor(() => expect(screen.getByTestId(`status${namespace}`).textContent).toBe(status), { timeout: 10_000 });

/** Captures the shared socket for assertions from outside React. */
function Grab({ into, namespace }: { into: { socket?: Socket }; namespace?: string }) {
  into.socket = useSocket(namespace);
  return null;
}

function Subscriber({ index, seen }: { index: number; seen: number[] }) {
  useSocket();
  useSocketEvent("news", (n: number) => seen.push(index * 1000 + n));
  return null;
}

describe("one connection per app", () => {
  it("20 components with useSocket + useSocketEvent share one engine connection and one WebSocket", async () => {
    const before = webSockets;
    const seen: number[] = [];
    const grab: { socket?: Socket } = {};
    render(
      <App url={fixture.url}>
        <Status />
        <Grab into={grab} />
        {Array.from({ length: 20 }, (_, i) => (
          <Subscriber key={i} index={i} seen={seen} />
        ))}
      </App>,
    );
    await expectStatus("connected");
    expect(webSockets - before).toBe(1);
    const stats = await fixture.stats();
    expect(stats.engineClients).toBe(1);
    expect(stats.sockets["/"]).toBe(1);
    // StrictMode mounted every effect twice: still exactly one listener each.
    expect(grab.socket!.listeners("news")).toHaveLength(20);
    await fixture.control("broadcast?event=news&count=2");
    await waitFor(() => expect(seen).toHaveLength(40));
    expect(seen.filter((n) => n % 1000 === 1)).toHaveLength(20);
  });

  it("closes the connection after the last provider unmounts, not during the grace period", async () => {
    // The previous test's provider is gone: its connection closes after its
    // grace period (200 ms).
    await waitFor(async () => expect((await fixture.stats()).engineClients).toBe(0), { timeout: 5000 });

    const before = webSockets;
    const view = render(
      <App url={fixture.url} closeDelay={500}>
        <Status />
      </App>,
    );
    await expectStatus("connected");
    expect(webSockets - before).toBe(1);
    // A route change: unmount, mount again within the grace period.
    view.unmount();
    render(
      <App url={fixture.url} closeDelay={500}>
        <Status />
      </App>,
    );
    await expectStatus("connected");
    await new Promise((r) => setTimeout(r, 700));
    expect(webSockets - before).toBe(1);
    expect((await fixture.stats()).engineClients).toBe(1);
    cleanup();
    await waitFor(async () => expect((await fixture.stats()).engineClients).toBe(0), { timeout: 5000 });
    expect(webSockets - before).toBe(1);
  });

  it("multiplexes namespaces on the provider's connection", async () => {
    const root: { socket?: Socket } = {};
    const chat: { socket?: Socket } = {};
    render(
      <App url={fixture.url}>
        <Status />
        <Status namespace="/chat" />
        <Grab into={root} />
        <Grab into={chat} namespace="/chat" />
      </App>,
    );
    await expectStatus("connected");
    await expectStatus("connected", "/chat");
    expect(chat.socket!.io).toBe(root.socket!.io);
    expect(chat.socket!.nsp).toBe("/chat");
    const stats = await fixture.stats();
    expect(stats.engineClients).toBe(1);
    expect(stats.sockets["/chat"]).toBe(1);
  });
});

describe("one connection with io()", () => {
  it("an io() socket for another namespace rides on the provider's connection, and one for its namespace does not", async () => {
    // A connection no other test has made yet: the same Engine.IO path
    // spelled with its trailing slash is another Manager's key (the query
    // is not part of it, as in socket.io-client).
    const own = { ...FAST, path: "/socket.io/" };
    const url = `${fixture.url}/`;
    const engines = async () => (await fixture.stats()).engineClients;
    await waitFor(async () => expect(await engines()).toBe(0), { timeout: 5_000 });
    const root: { socket?: Socket } = {};
    render(
      <App url={url} options={own}>
        <Status />
        <Grab into={root} />
      </App>,
    );
    await expectStatus("connected");
    const connected = (socket: Socket) =>
      new Promise((resolve) => (socket.connected ? resolve(0) : socket.once("connect", () => resolve(0))));
    // Another namespace: the provider's Manager, no new connection.
    const other = io(`${fixture.url}/chat`, own);
    await connected(other);
    expect(other.io).toBe(root.socket!.io);
    expect(await engines()).toBe(1);
    // The provider's namespace: a connection of its own, as a second io()
    // for a namespace in use gives with socket.io-client.
    const again = io(url, own);
    await connected(again);
    expect(again).not.toBe(root.socket);
    expect(again.io).not.toBe(root.socket!.io);
    expect(await engines()).toBe(2);
    other.disconnect();
    again.disconnect();
    // The provider's socket kept its connection.
    expect(root.socket!.connected).toBe(true);
    await waitFor(async () => expect(await engines()).toBe(1), { timeout: 5_000 });
  });
});

describe("one Manager cache", () => {
  it("providers with forceNew share one Manager of their own, apart from the one io() and other providers share", async () => {
    const own = { ...FAST, forceNew: true };
    const first: { socket?: Socket } = {};
    const second: { socket?: Socket } = {};
    const shared: { socket?: Socket } = {};
    render(
      <>
        <App url={fixture.url} options={own}>
          <Grab into={first} />
        </App>
        <App url={`${fixture.url}/chat`} options={own}>
          <Grab into={second} />
        </App>
        <App url={`${fixture.url}/chat`}>
          <Grab into={shared} />
        </App>
      </>,
    );
    await waitFor(() => expect([first, second, shared].every((g) => g.socket?.connected)).toBe(true), { timeout: 5_000 });
    expect(second.socket!.io).toBe(first.socket!.io);
    expect(shared.socket!.io).not.toBe(first.socket!.io);
    // io() for another namespace of that server rides on the shared one.
    const other = io(`${fixture.url}/admin`, { ...FAST, autoConnect: false });
    expect(other.io).toBe(shared.socket!.io);
  });
});

describe("listeners", () => {
  it("10,000 mount/unmount cycles leave the listener count at its baseline and no ack pending", async () => {
    const grab: { socket?: Socket } = {};
    const acks: Promise<unknown>[] = [];

    function Cycled({ n }: { n: number }) {
      useSocketEvent("echo", () => {});
      const { emit } = useEmitWithAck("echo", { timeout: 10_000 });
      useEffect(() => {
        acks.push(emit(n));
      }, [emit, n]);
      return null;
    }
    function Harness({ n }: { n: number }) {
      return (
        <App url={fixture.url}>
          <Status />
          <Grab into={grab} />
          {n >= 0 && <Cycled key={n} n={n} />}
        </App>
      );
    }

    const view = render(<Harness n={-1} />);
    await expectStatus("connected");
    const socket = grab.socket!;
    const baseline = socket.listeners("echo").length;
    const cycles = 10_000;
    for (let n = 0; n < cycles; n++) {
      view.rerender(<Harness n={n} />); // unmounts the previous Cycled, mounts a new one
      if (n % 100 === 99) await new Promise((r) => setTimeout(r, 0)); // let acks arrive
    }
    view.rerender(<Harness n={-1} />);
    expect(socket.listeners("echo").length).toBe(baseline);
    // Every ack the cycles asked for settles (StrictMode ran each effect twice).
    const results = await Promise.allSettled(acks);
    expect(results.length).toBeGreaterThanOrEqual(cycles);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  }, 180_000);

  it("a new handler on every render is registered once, and the latest one is called", async () => {
    const grab: { socket?: Socket } = {};
    const calls: string[] = [];
    let rerender!: (label: string) => void;

    function Changing() {
      const [label, setLabel] = useState("first");
      rerender = setLabel;
      useSocketEvent("news", (n: number) => calls.push(`${label}:${n}`));
      return <span data-testid="label">{label}</span>;
    }

    const view = render(
      <App url={fixture.url}>
        <Status />
        <Grab into={grab} />
      </App>,
    );
    await expectStatus("connected");
    const socket = grab.socket!;
    const on = vi.spyOn(socket, "subscribe");
    const baseline = socket.listeners("news").length;
    view.rerender(
      <App url={fixture.url}>
        <Status />
        <Grab into={grab} />
        <Changing />
      </App>,
    );
    const mounted = on.mock.calls.filter(([event]) => event === "news").length;
    for (let i = 0; i < 50; i++) act(() => rerender(`render${i}`));
    expect(screen.getByTestId("label").textContent).toBe("render49");
    expect(on.mock.calls.filter(([event]) => event === "news").length).toBe(mounted);
    expect(socket.listeners("news").length).toBe(baseline + 1);
    await fixture.control("broadcast?event=news&count=1");
    await waitFor(() => expect(calls).toEqual(["render49:0"]));
    on.mockRestore();
  });

  it("without StrictMode a changing handler means exactly one registration in total", async () => {
    const grab: { socket?: Socket } = {};
    let bump!: () => void;
    function Changing() {
      const [n, setN] = useState(0);
      bump = () => setN((x) => x + 1);
      useSocketEvent("news", () => void n);
      return null;
    }
    const tree = (child: ReactNode) => (
      <SocketProvider url={fixture.url} options={FAST} closeDelay={200}>
        <Grab into={grab} />
        {child}
      </SocketProvider>
    );
    const view = render(tree(null));
    const socket = grab.socket!;
    const on = vi.spyOn(socket, "subscribe");
    view.rerender(tree(<Changing />));
    for (let i = 0; i < 20; i++) act(() => bump());
    expect(on.mock.calls.filter(([event]) => event === "news")).toHaveLength(1);
    on.mockRestore();
  });

  it("moves the listener when the event changes and removes it on unmount", async () => {
    const grab: { socket?: Socket } = {};
    function Listener({ event }: { event: string }) {
      useSocketEvent(event, () => {});
      return null;
    }
    const tree = (event: string | null) => (
      <App url={fixture.url}>
        <Grab into={grab} />
        {event && <Listener event={event} />}
      </App>
    );
    const view = render(tree("a"));
    const socket = grab.socket!;
    const [a, b] = [socket.listeners("a").length, socket.listeners("b").length];
    expect(a).toBe(1);
    view.rerender(tree("b"));
    expect(socket.listeners("a").length).toBe(0);
    expect(socket.listeners("b").length).toBe(b + 1);
    view.rerender(tree(null));
    expect(socket.listeners("b").length).toBe(0);
  });

  it("useSocketMessage renders the latest message", async () => {
    function Latest() {
      const { lastMessage } = useSocketMessage("price");
      return <span data-testid="price">{lastMessage === undefined ? "none" : String(lastMessage)}</span>;
    }
    render(
      <App url={fixture.url}>
        <Status />
        <Latest />
      </App>,
    );
    await expectStatus("connected");
    expect(screen.getByTestId("price").textContent).toBe("none");
    await fixture.control("broadcast?event=price&count=3");
    await waitFor(() => expect(screen.getByTestId("price").textContent).toBe("2"));
  });
});

describe("status", () => {
  it("useSocketStatus re-renders only when the status changes", async () => {
    let renders = 0;
    function Counted() {
      useSocketStatus();
      renders += 1;
      return null;
    }
    const grab: { socket?: Socket } = {};
    render(
      <App url={fixture.url}>
        <Status />
        <Grab into={grab} />
        <Counted />
      </App>,
    );
    await expectStatus("connected");
    const settled = renders;
    await fixture.control("broadcast?event=news&count=50");
    for (let i = 0; i < 20; i++) await grab.socket!.emitWithAck("echo", i);
    await new Promise((r) => setTimeout(r, 100));
    expect(renders).toBe(settled);
  });
});

describe("disconnections", () => {
  it("a server restart shows connected → reconnecting → connected", async () => {
    const seen: SocketState[] = [];
    const onChange = (state: SocketState) => seen.push(state);
    render(
      <App url={fixture.url}>
        <Status onChange={onChange} />
      </App>,
    );
    await expectStatus("connected");
    const firstId = screen.getByTestId("id").textContent;
    await fixture.control("restart?down=500");
    await expectStatus("reconnecting");
    await expectStatus("connected");
    const statuses = seen.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
    const from = statuses.indexOf("connected");
    expect(statuses.slice(from, from + 3)).toEqual(["connected", "reconnecting", "connected"]);
    expect(seen.some((s) => s.status === "reconnecting" && s.attempt >= 1)).toBe(true);
    const last = seen.at(-1)!;
    expect(last.attempt).toBe(0);
    expect(last.error).toBeNull();
    expect(screen.getByTestId("id").textContent).not.toBe(firstId); // a new server: a new session
  });

  it("a network loss reconnects and recovers the session", async () => {
    const seen: SocketState[] = [];
    render(
      <App url={fixture.url}>
        <Status onChange={(s) => seen.push(s)} />
      </App>,
    );
    await expectStatus("connected");
    const firstId = screen.getByTestId("id").textContent;
    // Recovery needs an offset: the client must have received an event.
    await fixture.control("broadcast?event=news&count=1");
    await new Promise((r) => setTimeout(r, 100));
    await fixture.control("drop");
    await waitFor(() => expect(seen.some((s) => s.status === "reconnecting")).toBe(true), { timeout: 10_000 });
    await expectStatus("connected");
    const last = seen.at(-1)!;
    expect(last.recovered).toBe(true);
    expect(last.id).toBe(firstId);
  });

  it("a server-side disconnect shows disconnected (no automatic reconnection)", async () => {
    render(
      <App url={fixture.url}>
        <Status />
      </App>,
    );
    await expectStatus("connected");
    await fixture.control("kick?nsp=/");
    await expectStatus("disconnected");
  });

  it("a refused namespace surfaces its connect_error", async () => {
    function AdminStatus() {
      const { status, error } = useSocketStatus("/admin");
      return <span data-testid="admin">{`${status}:${error?.message ?? ""}`}</span>;
    }
    render(
      <App url={fixture.url}>
        <AdminStatus />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId("admin").textContent).toBe("disconnected:unauthorized"), {
      timeout: 10_000,
    });
  });
});

describe("useEmitWithAck", () => {
  interface Emits {
    echo: (text: string, ack: (reply: string) => void) => void;
    ackError: (text: string, ack: (err: { message: string } | null, res: string | null) => void) => void;
    noAck: (ack: (reply: string) => void) => void;
    slowAck: (ms: number, ack: (reply: string) => void) => void;
  }

  function Emitter<Ev extends "echo" | "ackError" | "slowAck">({
    event,
    arg,
    timeout,
  }: {
    event: Ev;
    arg: Parameters<Emits[Ev]>[0];
    timeout?: number;
  }) {
    const { emit, pending, error, data } = useEmitWithAck<Emits, Ev>(event, { timeout });
    const status = useSocketStatus();
    useEffect(() => {
      if (status.connected) void (emit as (arg: unknown) => Promise<unknown>)(arg);
    }, [status.connected, emit, arg]);
    return (
      <span data-testid="ack">
        {pending ? "pending" : error ? `error:${error.name}:${error.message}` : data === undefined ? "idle" : `data:${data}`}
      </span>
    );
  }

  it("resolves with the acknowledgement", async () => {
    render(
      <App url={fixture.url}>
        <Emitter event="echo" arg="hello" />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId("ack").textContent).toBe("data:hello"));
  });

  it("surfaces the server's error-first answer as an AckError", async () => {
    render(
      <App url={fixture.url}>
        <Emitter event="ackError" arg="not allowed" />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId("ack").textContent).toBe("error:AckError:not allowed"));
  });

  it("errorFirst: true reads a one-argument failure as an error, as the seed's callback(err)", async () => {
    const results: string[] = [];
    function Seed() {
      const { emit, error, data } = useEmitWithAck("echo", { errorFirst: true });
      const status = useSocketStatus();
      useEffect(() => {
        if (!status.connected) return;
        // The fixture's echo answers with the arguments it got.
        emit({ message: "Message text required" }).catch((e: Error) => results.push(`${e.name}:${e.message}`));
        void emit(null, { id: 7 }).then((m) => results.push(`ok:${JSON.stringify(m)}`));
      }, [status.connected, emit]);
      return <span data-testid="ack">{error ? `error:${error.message}` : JSON.stringify(data)}</span>;
    }
    render(
      <App url={fixture.url}>
        <Seed />
      </App>,
    );
    await waitFor(() => expect(results).toHaveLength(2));
    expect(results).toContain("AckError:Message text required");
    expect(results).toContain('ok:{"id":7}');
    // The state follows the latest call.
    expect(screen.getByTestId("ack").textContent).toBe('{"id":7}');
  });

  it("times out when the server never answers", async () => {
    function NoAck() {
      const { emit, pending, error } = useEmitWithAck<Emits, "noAck">("noAck", { timeout: 200 });
      const [result, setResult] = useState("");
      return (
        <>
          <button onClick={() => emit().catch((e: Error) => setResult(`rejected:${e.message}`))}>send</button>
          <span data-testid="ack">{pending ? "pending" : (error?.message ?? "idle")}</span>
          <span data-testid="result">{result}</span>
        </>
      );
    }
    render(
      <App url={fixture.url}>
        <Status />
        <NoAck />
      </App>,
    );
    await expectStatus("connected");
    act(() => screen.getByRole("button").click());
    expect(screen.getByTestId("ack").textContent).toBe("pending");
    await waitFor(() => expect(screen.getByTestId("ack").textContent).toMatch(/timed out/));
    expect(screen.getByTestId("result").textContent).toMatch(/^rejected:.*timed out/);
  });

  it("does not update state after unmount, and the promise still settles", async () => {
    let promise: Promise<string> | undefined;
    const errors = vi.spyOn(console, "error");
    function Slow() {
      const { emit } = useEmitWithAck<Emits, "slowAck">("slowAck", { timeout: 5000 });
      const status = useSocketStatus();
      useEffect(() => {
        if (status.connected && !promise) promise = emit(200);
      }, [status.connected, emit]);
      return null;
    }
    const view = render(
      <App url={fixture.url}>
        <Status />
        <Slow />
      </App>,
    );
    await expectStatus("connected");
    await waitFor(() => expect(promise).toBeDefined());
    view.rerender(
      <App url={fixture.url}>
        <Status />
      </App>,
    );
    await expect(promise).resolves.toBe("late");
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});

