// socketio-wasm/react: a thin React adapter over the vanilla API.
//
// <SocketProvider> names the server; the hooks take the shared socket of a
// namespace from ./connection.ts (one Manager per server, reference-counted
// namespaces, a status store per namespace) and wire React's lifecycle to it:
// an effect counts the component as a user, another registers its listener
// and removes it on cleanup. Nothing here knows the protocol.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactElement,
  type ReactNode,
} from "react";
import type {
  DefaultEventsMap,
  EventNames,
  EventsMap,
  SocketReservedEvents,
  Socket,
} from "../index.js";
import {
  Connection,
  DEFAULT_CLOSE_DELAY,
  INITIAL_STATE,
  type ConnectionOptions,
  type NamespaceStats,
  type SocketState,
  type SocketStatus,
  type StatsStore,
  type StatusStore,
} from "./connection.js";
import { isErrorAck, statsInterval } from "../index.js";

export { isErrorAck };

export {
  Connection,
  DEFAULT_CLOSE_DELAY,
  type ConnectionOptions,
  type NamespaceStats,
  type SocketState,
  type SocketStatus,
  type StatsStore,
  type StatusStore,
};

// ---------------------------------------------------------------- types ----

/** Events a client can listen to: the server's, plus `connect`, `disconnect`, `connect_error`. */
export type ListenEventNames<L extends EventsMap> = EventNames<L> | keyof SocketReservedEvents;

/** The listener signature of `event`. */
export type ListenerOf<L extends EventsMap, Ev extends ListenEventNames<L>> = Ev extends keyof SocketReservedEvents
  ? SocketReservedEvents[Ev]
  : L[Ev & keyof L];

type Params<F> = F extends (...args: infer A) => unknown ? A : never;
/** True for a map with an index signature (DefaultEventsMap): nothing is known of its events. */
type IsUntyped<M extends EventsMap> = string extends EventNames<M> ? true : false;
type LastOf<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;
type InitOf<T extends readonly unknown[]> = T extends readonly [...infer H, unknown] ? H : never;

/** The first argument of `event`'s listener: what `useSocketMessage` keeps. */
export type MessageOf<L extends EventsMap, Ev extends ListenEventNames<L>> =
  Ev extends keyof SocketReservedEvents
    ? Params<SocketReservedEvents[Ev]>[0]
    : IsUntyped<L> extends true
      ? unknown
      : Params<L[Ev & keyof L]>[0];

/** Events of `E` whose last parameter is an acknowledgement callback. */
export type AckEventNames<E extends EventsMap> =
  IsUntyped<E> extends true
    ? string
    : { [K in EventNames<E>]: LastOf<Params<E[K]>> extends (...args: never[]) => unknown ? K : never }[EventNames<E>];

/** The arguments sent with `event` (all but the acknowledgement). */
export type AckEmitArgs<E extends EventsMap, Ev extends AckEventNames<E>> =
  IsUntyped<E> extends true ? unknown[] : InitOf<Params<E[Ev & keyof E]>>;

type AckCallbackArgs<E extends EventsMap, Ev extends AckEventNames<E>> = Params<LastOf<Params<E[Ev & keyof E]>>>;

/**
 * What the acknowledgement carries. An ack declared with two parameters is
 * error-first, `(err, res)`: the data is `res`. With one, it is that one.
 */
export type AckData<E extends EventsMap, Ev extends AckEventNames<E>> =
  IsUntyped<E> extends true
    ? unknown
    : AckCallbackArgs<E, Ev> extends readonly []
      ? undefined
      : AckCallbackArgs<E, Ev> extends readonly [unknown?]
        ? AckCallbackArgs<E, Ev>[0]
        : AckCallbackArgs<E, Ev>[1];

/** The error part of an error-first acknowledgement (`unknown` when the ack is not error-first). */
export type AckErrorData<E extends EventsMap, Ev extends AckEventNames<E>> =
  IsUntyped<E> extends true
    ? unknown
    : AckCallbackArgs<E, Ev> extends readonly [unknown?]
      ? unknown
      : NonNullable<AckCallbackArgs<E, Ev>[0]>;

/**
 * The server answered the acknowledgement with an error: either error-first,
 * `(err, res)` with a non-null `err`, or one value that `isError` (default:
 * `isErrorAck`) calls an error, such as `{ error: "..." }`, `{ ok: false }` or
 * `{ status: "error" }`. `data` is what the server sent (`err`, or that value);
 * `message` is its `error` when that is a string, else its `message`, else a
 * generic text.
 */
export class AckError<T = unknown> extends Error {
  override readonly name = "AckError";
  readonly data: T;
  constructor(data: T) {
    super(ackErrorMessage(data));
    this.data = data;
  }
}

/** The generic message of an `AckError` whose data names no error. */
const ACK_ERROR_MESSAGE = "the server answered the acknowledgement with an error";

function ackErrorMessage(data: unknown): string {
  if (typeof data === "string" && data !== "") return data;
  if (typeof data === "object" && data !== null) {
    const { error, message } = data as { error?: unknown; message?: unknown };
    if (typeof error === "string" && error !== "") return error;
    if (typeof message === "string" && message !== "") return message;
  }
  return ACK_ERROR_MESSAGE;
}


// ---------------------------------------------------------------- context --

interface Context {
  connection: Connection;
  nsp: string;
  closeDelay: number;
}

const SocketContext = createContext<Context | null>(null);
SocketContext.displayName = "SocketContext";

// useLayoutEffect warns during server rendering in React 18; the latest
// handler only matters in the browser.
const useIsomorphicLayoutEffect = typeof document !== "undefined" ? useLayoutEffect : useEffect;

export interface SocketProviderProps {
  /**
   * The server, as for `io()`: `"https://chat.example.com"`, with a path for
   * a namespace (`".../admin"`); the page's origin when omitted. Providers and
   * hooks naming the same server share one connection.
   */
  url?: string;
  /**
   * `io()`'s options (`auth`, `transports`, `reconnectionDelay`, ...), read
   * when the connection is created: the first provider for a server sets
   * them. `autoConnect: false` leaves connecting to you (`socket.connect()`).
   */
  options?: ConnectionOptions;
  /**
   * Milliseconds an unused namespace stays connected after its last user
   * unmounts (default 1000), so StrictMode and route changes don't reconnect.
   */
  closeDelay?: number;
  children?: ReactNode;
}

/**
 * Makes the connection to `url` available to the hooks below it, and keeps
 * it open while mounted. `L`/`E`: the server-to-client and client-to-server
 * event maps (they type nothing at run time; use `createSocketHooks<L, E>()`
 * for hooks that know them).
 */
export function SocketProvider<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
  props: SocketProviderProps,
): ReactElement {
  const { url, options, closeDelay = DEFAULT_CLOSE_DELAY, children } = props;
  const path = options?.path;
  // Options are read once per connection: a new object on every render must
  // not reconnect anything, so only the URL and the path are dependencies.
  const value = useMemo<Context>(() => {
    const { connection, nsp } = Connection.for(url, options);
    return { connection, nsp, closeDelay };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, path, closeDelay]);
  useEffect(() => value.connection.acquire(value.nsp, value.closeDelay), [value]);
  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>;
}

function useSocketContext(hook: string): Context {
  const context = useContext(SocketContext);
  if (!context) throw new Error(`${hook}() must be used inside a <SocketProvider>`);
  return context;
}

/** The namespace's store and socket; counts the component as a user while mounted. */
function useNamespace(
  hook: string,
  namespace: string | undefined,
): { socket: Socket; store: StatusStore; connection: Connection; nsp: string } {
  const { connection, nsp: defaultNsp, closeDelay } = useSocketContext(hook);
  const nsp = namespace ?? defaultNsp;
  useEffect(() => connection.acquire(nsp, closeDelay), [connection, nsp, closeDelay]);
  return { socket: connection.socket(nsp), store: connection.status(nsp), connection, nsp };
}

// ---------------------------------------------------------------- hooks ----

/**
 * The shared socket of `namespace` (default: the provider's), multiplexed on
 * the provider's connection. Stable across renders. Emit with it; listen with
 * `useSocketEvent`, which removes its listener for you.
 */
export function useSocket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
  namespace?: string,
): Socket<L, E> {
  return useNamespace("useSocket", namespace).socket as unknown as Socket<L, E>;
}

/**
 * `{ status, connected, id, error, recovered, attempt }` of `namespace`,
 * through `useSyncExternalStore`: re-renders only when one of them changes.
 * `status` is `"connecting"`, `"connected"`, `"reconnecting"` (the Manager is
 * retrying, `attempt` counts) or `"disconnected"` (by the client, by the
 * server, or after the last reconnection attempt failed).
 */
export function useSocketStatus(namespace?: string): SocketState {
  const { store } = useNamespace("useSocketStatus", namespace);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, getServerSnapshot);
}

function getServerSnapshot(): SocketState {
  return INITIAL_STATE;
}

/**
 * The connection's stats (`manager.stats()`) with `namespace`'s own under
 * `socket`, through `useSyncExternalStore`: re-renders at most every
 * `intervalMs` (default 1000) and only when something besides the clocks
 * changed; no timer runs once no component uses it. Zeros on the server.
 */
export function useSocketStats(namespace?: string, options: { intervalMs?: number } = {}): NamespaceStats {
  const { connection, nsp } = useNamespace("useSocketStats", namespace);
  const store: StatsStore = connection.stats(nsp, statsInterval(options.intervalMs, "useSocketStats"));
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
}

/**
 * Calls `handler` for every `event` of `namespace`. Subscribes once per event
 * (a new handler on every render does not resubscribe: the latest one is
 * called), and removes the listener on unmount or when `event` changes.
 */
export function useSocketEvent<L extends EventsMap = DefaultEventsMap, Ev extends ListenEventNames<L> = ListenEventNames<L>>(
  event: Ev,
  handler: ListenerOf<L, Ev>,
  namespace?: string,
): void {
  const { socket } = useNamespace("useSocketEvent", namespace);
  const latest = useRef(handler);
  useIsomorphicLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const listener = (...args: unknown[]) => (latest.current as (...args: unknown[]) => void)(...args);
    const handle = socket.subscribe(event as string, listener);
    return () => {
      handle.off();
    };
  }, [socket, event]);
}

/**
 * The last `event` received (its first argument), for components that only
 * render the latest value: `const { lastMessage } = useSocketMessage("price")`.
 * `undefined` until the first one; reset when `event` or `namespace` changes.
 */
export function useSocketMessage<L extends EventsMap = DefaultEventsMap, Ev extends ListenEventNames<L> = ListenEventNames<L>>(
  event: Ev,
  namespace?: string,
): { lastMessage: MessageOf<L, Ev> | undefined } {
  const socket = useSocket(namespace);
  const [last, setLast] = useState<{ socket: Socket; event: string; message: MessageOf<L, Ev> } | null>(null);
  const onMessage = ((message: MessageOf<L, Ev>) => setLast({ socket, event, message })) as unknown as ListenerOf<L, Ev>;
  useSocketEvent<L, Ev>(event, onMessage, namespace);
  return { lastMessage: last && last.socket === socket && last.event === event ? last.message : undefined };
}

export interface EmitWithAckOptions {
  /**
   * Milliseconds to wait for the acknowledgement before `error` becomes a
   * timeout error. Default: the provider's `ackTimeout` option, else 10000;
   * an acknowledgement is never left pending forever.
   */
  timeout?: number;
  /**
   * How to read the acknowledgement. `true`: error-first, `(err, res)`, also
   * when the server answers a failure with one argument (`callback(err)`).
   * `false`: the first argument is the data. Default: error-first when the
   * server answers with two or more arguments, else data.
   */
  errorFirst?: boolean;
  /**
   * Whether the acknowledgement's data is an error answer: the one value of
   * a one-argument ack, or `res` of an `(err, res)` one. True: the emit
   * rejects with an `AckError` carrying the value as `data`, and `error` is
   * set. It replaces the default, `isErrorAck` (a truthy `error` field,
   * `ok: false` or `status: "error"`); `() => false` turns detection off.
   * Read when the acknowledgement arrives: a new function on every render
   * changes nothing else.
   */
  isError?: (value: unknown) => boolean;
  /** The namespace (default: the provider's). */
  namespace?: string;
}

export interface EmitWithAckState<Data> {
  /**
   * Sends the event; resolves with the acknowledgement's data, rejects with
   * its error. The state below follows the latest call; the promise needs no
   * `catch` (its rejection is also in `error`).
   */
  emit: (...args: never[]) => Promise<Data>;
  /** True while an emit waits for its acknowledgement. */
  pending: boolean;
  /**
   * The latest call's error: an `AckError` (the server answered `(err, res)`
   * with an error, or with a value `isError` calls an error: `data` is what it
   * sent), a timeout or a disconnection. Cleared by the next call that succeeds.
   */
  error: Error | null;
  /** The latest call's acknowledgement data. */
  data: Data | undefined;
}

/** `EmitWithAckState` with `emit` typed by the event map. */
export type EmitWithAck<E extends EventsMap, Ev extends AckEventNames<E>> = Omit<
  EmitWithAckState<AckData<E, Ev>>,
  "emit"
> & {
  emit: (...args: AckEmitArgs<E, Ev>) => Promise<AckData<E, Ev>>;
};

/** Default acknowledgement timeout of `useEmitWithAck`. */
export const DEFAULT_ACK_TIMEOUT = 10_000;

const ignore = () => {};

/**
 * Emits `event` and tracks its acknowledgement: `{ emit, pending, error, data }`.
 * An acknowledgement answered with two or more arguments (or any, with
 * `errorFirst: true`) is read error-first, `(err, res)`: a non-null `err`
 * becomes an `AckError`. The data (the one value, or `res`) is an error when
 * `isError` says so (default `isErrorAck`: `{ error }`, `{ ok: false }`,
 * `{ status: "error" }`): an `AckError` too. No state update happens after
 * unmount.
 */
export function useEmitWithAck<E extends EventsMap = DefaultEventsMap, Ev extends AckEventNames<E> = AckEventNames<E>>(
  event: Ev,
  options: EmitWithAckOptions = {},
): EmitWithAck<E, Ev> {
  const { connection } = useSocketContext("useEmitWithAck");
  const socket = useSocket(options.namespace);
  const timeout = options.timeout ?? connection.options.ackTimeout ?? DEFAULT_ACK_TIMEOUT;
  const errorFirst = options.errorFirst;
  // Read when an ack arrives, so that an inline predicate does not change `emit`.
  const isError = useRef(options.isError);
  useIsomorphicLayoutEffect(() => {
    isError.current = options.isError;
  });
  const [state, setState] = useState<{ pending: boolean; error: Error | null; data: AckData<E, Ev> | undefined }>({
    pending: false,
    error: null,
    data: undefined,
  });
  const mounted = useRef(false);
  const latestCall = useRef(0);
  const inFlight = useRef(0);
  // A layout effect: set before any child's passive effect can call emit().
  useIsomorphicLayoutEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const emit = useCallback(
    (...args: AckEmitArgs<E, Ev>): Promise<AckData<E, Ev>> => {
      const call = ++latestCall.current;
      inFlight.current += 1;
      if (mounted.current) setState((s) => (s.pending ? s : { ...s, pending: true }));
      const promise = new Promise<AckData<E, Ev>>((resolve, reject) => {
        const settle = (error: Error | null, data: AckData<E, Ev> | undefined) => {
          inFlight.current -= 1;
          if (error) reject(error);
          else resolve(data as AckData<E, Ev>);
          if (!mounted.current) return;
          const pending = inFlight.current > 0;
          if (call === latestCall.current) setState({ pending, error, data: error ? undefined : data });
          else setState((s) => (s.pending === pending ? s : { ...s, pending }));
        };
        const answer = (data: unknown) => {
          let failed: boolean;
          try {
            failed = (isError.current ?? isErrorAck)(data);
          } catch (error) {
            return settle(error instanceof Error ? error : new Error(String(error)), undefined);
          }
          if (failed) return settle(new AckError(data), undefined);
          settle(null, data as AckData<E, Ev>);
        };
        const ack = (error: Error | null, ...response: unknown[]) => {
          if (error) return settle(error, undefined);
          if (errorFirst ?? response.length >= 2) {
            const [serverError, data] = response;
            if (serverError !== null && serverError !== undefined) {
              return settle(serverError instanceof Error ? serverError : new AckError(serverError), undefined);
            }
            return answer(data);
          }
          answer(response[0]);
        };
        try {
          (socket.timeout(timeout) as unknown as Socket).emit(event as string, ...(args as unknown[]), ack);
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)), undefined);
        }
      });
      promise.catch(ignore);
      return promise;
    },
    [socket, event, timeout, errorFirst],
  );

  return { emit, pending: state.pending, error: state.error, data: state.data };
}

/**
 * The hooks with the event maps bound once, so that event names, payloads
 * and acknowledgements are checked and inferred everywhere:
 *
 * ```ts
 * export const { SocketProvider, useSocket, useSocketEvent, useEmitWithAck } =
 *   createSocketHooks<ServerToClientEvents, ClientToServerEvents>();
 * ```
 */
export function createSocketHooks<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(): {
  SocketProvider: (props: SocketProviderProps) => ReactElement;
  useSocket: (namespace?: string) => Socket<L, E>;
  useSocketStatus: (namespace?: string) => SocketState;
  useSocketStats: (namespace?: string, options?: { intervalMs?: number }) => NamespaceStats;
  useSocketEvent: <Ev extends ListenEventNames<L>>(event: Ev, handler: ListenerOf<L, Ev>, namespace?: string) => void;
  useSocketMessage: <Ev extends ListenEventNames<L>>(
    event: Ev,
    namespace?: string,
  ) => { lastMessage: MessageOf<L, Ev> | undefined };
  useEmitWithAck: <Ev extends AckEventNames<E>>(event: Ev, options?: EmitWithAckOptions) => EmitWithAck<E, Ev>;
} {
  return {
    SocketProvider: SocketProvider<L, E>,
    useSocket: useSocket<L, E>,
    useSocketStatus,
    useSocketStats,
    useSocketEvent: useSocketEvent as <Ev extends ListenEventNames<L>>(
      event: Ev,
      handler: ListenerOf<L, Ev>,
      namespace?: string,
    ) => void,
    useSocketMessage: useSocketMessage as <Ev extends ListenEventNames<L>>(
      event: Ev,
      namespace?: string,
    ) => { lastMessage: MessageOf<L, Ev> | undefined },
    useEmitWithAck: useEmitWithAck as <Ev extends AckEventNames<E>>(
      event: Ev,
      options?: EmitWithAckOptions,
    ) => EmitWithAck<E, Ev>,
  };
}
