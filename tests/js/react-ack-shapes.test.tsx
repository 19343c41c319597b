// @vitest-environment happy-dom
//
// useEmitWithAck and the shapes in which servers answer a failure (issue 13):
// `{ error }`, `{ ok: false }`, `{ status: "error" }`, Node-style `(err, res)`,
// and `callback(new Error())`, which socket.io sends as `{}`. Against the real
// socket.io fixture (its `ackShape` event answers each shape) and the built
// package, under <StrictMode>.
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import {
  AckError,
  isErrorAck,
  SocketProvider,
  useEmitWithAck,
  useSocketStatus,
  type EmitWithAck,
  type EmitWithAckOptions,
} from "../../dist/react/index.js";
import { fixtureForFile } from "./react/fixture.js";

const fixture = fixtureForFile();

type Shape =
  | "data"
  | "error"
  | "errorObject"
  | "okFalse"
  | "statusError"
  | "custom"
  | "errorInstance"
  | "errorFirstOne"
  | "errorFirstOk"
  | "errorFirstShaped";

interface Emits {
  ackShape: (shape: Shape, ack: (reply: unknown) => void) => void;
}

type Hook = EmitWithAck<Emits, "ackShape">;

function Probe({ into, options }: { into: { hook?: Hook }; options?: EmitWithAckOptions }) {
  const hook = useEmitWithAck<Emits, "ackShape">("ackShape", { timeout: 5000, ...options });
  const { connected } = useSocketStatus();
  into.hook = hook;
  const { pending, error, data } = hook;
  return (
    <>
      <span data-testid="connected">{String(connected)}</span>
      <span data-testid="state">
        {pending
          ? "pending"
          : error
            ? `error:${error.name}:${error.message}`
            : data === undefined
              ? "idle"
              : `data:${JSON.stringify(data)}`}
      </span>
    </>
  );
}

function App({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <SocketProvider url={fixture.url} options={{ transports: ["websocket"] }} closeDelay={100}>
        {children}
      </SocketProvider>
    </StrictMode>
  );
}

async function mount(options?: EmitWithAckOptions) {
  const into: { hook?: Hook } = {};
  const view = render(
    <App>
      <Probe into={into} options={options} />
    </App>,
  );
  await waitFor(() => expect(screen.getByTestId("connected").textContent).toBe("true"), { timeout: 10_000 });
  return { into, view };
}

/** Emits `shape`; the settled promise's outcome (`data` or the rejection). */
async function emit(into: { hook?: Hook }, shape: Shape): Promise<{ data?: unknown; error?: unknown }> {
  let outcome: { data?: unknown; error?: unknown } = {};
  await act(async () => {
    outcome = await into.hook!.emit(shape).then(
      (data) => ({ data }),
      (error: unknown) => ({ error }),
    );
  });
  return outcome;
}

const state = () => screen.getByTestId("state").textContent;
const GENERIC = "the server answered the acknowledgement with an error";

describe("isErrorAck (the default isError)", () => {
  it("calls an error a truthy `error`, `ok: false` or `status: \"error\"`, and nothing else", () => {
    for (const value of [
      { error: "Room not found" },
      { error: { code: "NOPE" } },
      { error: true },
      { ok: false },
      { ok: false, message: "Not allowed" },
      { status: "error" },
      { status: "error", message: "Quota exceeded" },
    ]) {
      expect(isErrorAck(value), JSON.stringify(value)).toBe(true);
    }
    for (const value of [
      undefined,
      null,
      0,
      7,
      "",
      "error",
      true,
      false,
      [],
      [{ error: "inside an array" }],
      {},
      { error: null },
      { error: false },
      { error: "" },
      { ok: true },
      { ok: 0 },
      { status: "ok" },
      { status: "Error" },
      { message: "a message alone is data" },
      { id: 7, text: "hi" },
    ]) {
      expect(isErrorAck(value), JSON.stringify(value)).toBe(false);
    }
  });
});

describe("useEmitWithAck: error-shaped acknowledgements", () => {
  it("{ error: string } rejects with an AckError whose message is the error and data the value", async () => {
    const { into } = await mount();
    const { error } = await emit(into, "error");
    expect(error).toBeInstanceOf(AckError);
    expect(error).toBeInstanceOf(Error);
    expect((error as AckError).name).toBe("AckError");
    expect((error as AckError).message).toBe("Room not found");
    expect((error as AckError).data).toEqual({ error: "Room not found" });
    expect(state()).toBe("error:AckError:Room not found");
    expect(into.hook!.error).toBe(error);
    expect(into.hook!.data).toBeUndefined();
  });

  it("{ error: object } without a message gets the generic message", async () => {
    const { into } = await mount();
    const { error } = await emit(into, "errorObject");
    expect((error as AckError).message).toBe(GENERIC);
    expect((error as AckError).data).toEqual({ error: { code: "NOPE" } });
    expect(state()).toBe(`error:AckError:${GENERIC}`);
  });

  it("{ ok: false } rejects, with the value's message", async () => {
    const { into } = await mount();
    const { error } = await emit(into, "okFalse");
    expect(error).toBeInstanceOf(AckError);
    expect((error as AckError).message).toBe("Not allowed");
    expect((error as AckError).data).toEqual({ ok: false, message: "Not allowed" });
    expect(state()).toBe("error:AckError:Not allowed");
  });

  it('{ status: "error" } rejects, with the value\'s message and its other fields in data', async () => {
    const { into } = await mount();
    const { error } = await emit(into, "statusError");
    expect(error).toBeInstanceOf(AckError);
    expect((error as AckError).message).toBe("Quota exceeded");
    expect((error as AckError<{ code: string }>).data.code).toBe("QUOTA");
    expect(state()).toBe("error:AckError:Quota exceeded");
  });

  it("plain data resolves and is the hook's data", async () => {
    const { into } = await mount();
    const { data, error } = await emit(into, "data");
    expect(error).toBeUndefined();
    expect(data).toEqual({ id: 7, text: "hi" });
    expect(state()).toBe('data:{"id":7,"text":"hi"}');
    expect(into.hook!.error).toBeNull();
  });

  it("callback(new Error()) arrives as {}: data, as an empty answer would be (unless isError says otherwise)", async () => {
    const { into } = await mount();
    const { data, error } = await emit(into, "errorInstance");
    expect(error).toBeUndefined();
    expect(data).toEqual({});
    expect(state()).toBe("data:{}");
    cleanup();

    const empty = (value: unknown) => typeof value === "object" && value !== null && Object.keys(value).length === 0;
    const strict = await mount({ isError: (value) => isErrorAck(value) || empty(value) });
    const refused = await emit(strict.into, "errorInstance");
    expect(refused.error).toBeInstanceOf(AckError);
    expect((refused.error as AckError).message).toBe(GENERIC);
    expect((refused.error as AckError).data).toEqual({});
    expect(state()).toBe(`error:AckError:${GENERIC}`);
  });

  it("a success after an error clears `error`; an error after a success clears `data`", async () => {
    const { into } = await mount();
    await emit(into, "error");
    expect(state()).toBe("error:AckError:Room not found");
    await emit(into, "data");
    expect(state()).toBe('data:{"id":7,"text":"hi"}');
    expect(into.hook!.error).toBeNull();
    await emit(into, "statusError");
    expect(state()).toBe("error:AckError:Quota exceeded");
    expect(into.hook!.data).toBeUndefined();
    await emit(into, "okFalse");
    expect(state()).toBe("error:AckError:Not allowed");
    await emit(into, "errorInstance");
    expect(state()).toBe("data:{}");
    expect(into.hook!.error).toBeNull();
  });
});

describe("useEmitWithAck: (err, res) with errorFirst", () => {
  it("errorFirst: true reads callback(err) as an AckError and callback(null, res) as data", async () => {
    const { into } = await mount({ errorFirst: true });
    const failed = await emit(into, "errorFirstOne");
    expect(failed.error).toBeInstanceOf(AckError);
    expect((failed.error as AckError).message).toBe("Message text required");
    expect((failed.error as AckError).data).toEqual({ message: "Message text required" });
    expect(state()).toBe("error:AckError:Message text required");
    const ok = await emit(into, "errorFirstOk");
    expect(ok.data).toEqual({ id: 8 });
    expect(state()).toBe('data:{"id":8}');
  });

  it("without errorFirst, a one-argument { message } is data, and two arguments are still (err, res)", async () => {
    const { into } = await mount();
    const one = await emit(into, "errorFirstOne");
    expect(one.data).toEqual({ message: "Message text required" });
    const two = await emit(into, "errorFirstOk");
    expect(two.data).toEqual({ id: 8 });
  });

  it("an error-shaped `res` of (null, res) is an error too", async () => {
    const { into } = await mount({ errorFirst: true });
    const { error } = await emit(into, "errorFirstShaped");
    expect(error).toBeInstanceOf(AckError);
    expect((error as AckError).message).toBe("Shaped in res");
    expect((error as AckError).data).toEqual({ ok: false, message: "Shaped in res" });
  });
});

describe("useEmitWithAck: a custom isError", () => {
  it("replaces the default detection", async () => {
    const hasCode = (value: unknown) => typeof value === "object" && value !== null && "code" in value;
    const { into } = await mount({ isError: hasCode });
    const custom = await emit(into, "custom");
    expect(custom.error).toBeInstanceOf(AckError);
    expect((custom.error as AckError).message).toBe(GENERIC);
    expect((custom.error as AckError).data).toEqual({ code: "E42", reason: "custom failure" });
    expect(state()).toBe(`error:AckError:${GENERIC}`);
    // The default shapes are data now: the predicate replaced them.
    const shaped = await emit(into, "error");
    expect(shaped.data).toEqual({ error: "Room not found" });
    expect(state()).toBe('data:{"error":"Room not found"}');
    // { status: "error", code } has a code: an error by this predicate.
    const status = await emit(into, "statusError");
    expect((status.error as AckError).message).toBe("Quota exceeded");
  });

  it("isError: () => false turns detection off", async () => {
    const { into } = await mount({ isError: () => false });
    for (const shape of ["error", "okFalse", "statusError"] as const) {
      const { data, error } = await emit(into, shape);
      expect(error, shape).toBeUndefined();
      expect(data, shape).toBeTypeOf("object");
    }
    expect(state()).toBe('data:{"status":"error","message":"Quota exceeded","code":"QUOTA"}');
    // errorFirst still reads (err, res).
    cleanup();
    const errorFirst = await mount({ isError: () => false, errorFirst: true });
    expect((await emit(errorFirst.into, "errorFirstOne")).error).toBeInstanceOf(AckError);
  });

  it("a new predicate on every render keeps `emit` stable and the latest one is used", async () => {
    const into: { hook?: Hook } = {};
    const seen: string[] = [];
    const predicate = (label: string) => (value: unknown) => {
      seen.push(label);
      return isErrorAck(value);
    };
    const view = render(
      <App>
        <Probe into={into} options={{ isError: predicate("first") }} />
      </App>,
    );
    await waitFor(() => expect(screen.getByTestId("connected").textContent).toBe("true"), { timeout: 10_000 });
    const emitBefore = into.hook!.emit;
    view.rerender(
      <App>
        <Probe into={into} options={{ isError: predicate("second") }} />
      </App>,
    );
    expect(into.hook!.emit).toBe(emitBefore);
    await emit(into, "error");
    expect(seen).toEqual(["second"]);
    expect(state()).toBe("error:AckError:Room not found");
  });

  it("a predicate that throws rejects with what it threw", async () => {
    const { into } = await mount({
      isError: () => {
        throw new TypeError("predicate broke");
      },
    });
    const { error } = await emit(into, "data");
    expect(error).toBeInstanceOf(TypeError);
    expect(state()).toBe("error:TypeError:predicate broke");
  });
});

// Type checks only (tsc --noEmit; never called): isError takes the raw value
// as `unknown` and must return a boolean; AckError's data is not `any`.
export function typeChecks(hook: Hook): void {
  const ok: EmitWithAckOptions = { isError: (value) => isErrorAck(value) || typeof value === "string" };
  // @ts-expect-error the predicate returns a boolean
  const notBoolean: EmitWithAckOptions = { isError: () => "yes" };
  // @ts-expect-error the value is unknown: narrow it before reading a field
  const unnarrowed: EmitWithAckOptions = { isError: (value) => value.error === true };
  const error = new AckError({ error: "x" });
  const data: { error: string } = error.data;
  // @ts-expect-error data keeps its type (not any)
  const wrong: number = error.data;
  const state: Error | null = hook.error;
  void [ok, notBoolean, unnarrowed, data, wrong, state];
}
