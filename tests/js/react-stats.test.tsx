// @vitest-environment happy-dom
//
// useSocketStats under <StrictMode> against a real socket.io server (a
// private fixture): live figures, no re-render while nothing changes, and no
// timer left once the last component using it unmounts.
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SocketProvider, useSocket, useSocketStats } from "../../dist/react/index.js";
import type { Socket } from "../../dist/index.js";
import { startFixture, type PrivateFixture } from "./react/fixture.js";

let fixture: PrivateFixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(async () => {
  await fixture?.stop();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const OPTIONS = { transports: ["websocket" as const], reconnectionDelay: 100, randomizationFactor: 0 };

function App({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <SocketProvider url={fixture.url} options={OPTIONS} closeDelay={0}>
        {children}
      </SocketProvider>
    </StrictMode>
  );
}

function Panel({ renders, grab }: { renders: { count: number }; grab: { socket?: Socket } }) {
  const stats = useSocketStats(undefined, { intervalMs: 40 });
  grab.socket = useSocket();
  renders.count += 1;
  return (
    <dl>
      <dd data-testid="state">{stats.state}</dd>
      <dd data-testid="transport">{String(stats.transport)}</dd>
      <dd data-testid="acks">{stats.rtt.samples}</dd>
      <dd data-testid="p50">{stats.rtt.p50}</dd>
      <dd data-testid="socket">{`${stats.socket.namespace} ${stats.socket.eventsOut}`}</dd>
    </dl>
  );
}

const text = (id: string) => screen.getByTestId(id).textContent;
const sleep = (ms: number) => act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));

describe("useSocketStats", () => {
  it("shows live figures, re-renders only on change, and stops its timer on unmount", async () => {
    const renders = { count: 0 };
    const grab: { socket?: Socket } = {};
    const { unmount } = render(
      <App>
        <Panel renders={renders} grab={grab} />
      </App>,
    );
    await waitFor(() => expect(text("state")).toBe("connected"), { timeout: 10_000 });
    expect(text("transport")).toBe("websocket");

    // Idle (the fixture pings every 25 s): no new render.
    await sleep(100);
    const idle = renders.count;
    await sleep(300);
    expect(renders.count).toBe(idle);

    await act(async () => {
      await grab.socket!.emitWithAck("echo", "hi");
      await grab.socket!.emitWithAck("echo", "there");
    });
    await waitFor(() => expect(text("acks")).toBe("2"));
    expect(Number(text("p50"))).toBeGreaterThan(0);
    expect(text("socket")).toBe("/ 2");

    const stats = vi.spyOn(grab.socket!.io, "stats");
    unmount();
    await sleep(200);
    expect(stats).not.toHaveBeenCalled();
  });

  it("refuses a bad interval with a TypeError", () => {
    const Bad = () => {
      useSocketStats(undefined, { intervalMs: -1 });
      return null;
    };
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() =>
      render(
        <App>
          <Bad />
        </App>,
      ),
    ).toThrow(/useSocketStats: intervalMs must be a positive number/);
  });
});
