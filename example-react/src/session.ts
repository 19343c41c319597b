// The logged-in user: a JWT from the server, kept in localStorage so that a
// reload stays logged in. The socket's `auth` option is a function that reads
// it on every (re)connection.
import { ROOMS } from "./types";

export interface Session {
  token: string;
  user: { id: number; name: string };
}

const KEY = "socketio-wasm-example:session";

export function loadSession(): Session | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "null") as Session | null;
    return value && typeof value.token === "string" && typeof value.user?.name === "string" ? value : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
}

export function currentToken(): string {
  return loadSession()?.token ?? "";
}

/** POST /api/signup or /api/login. Throws an Error with the server's message. */
export async function authenticate(kind: "signup" | "login", username: string, password: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch(`/api/${kind}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new Error("The server cannot be reached");
  }
  const body = (await response.json().catch(() => null)) as (Session & { message?: string }) | null;
  if (!response.ok || !body?.token) throw new Error(body?.message ?? `The server answered ${response.status}`);
  return { token: body.token, user: body.user };
}

// The room the chat shows, sent with the token on every (re)connection: a
// new session is put back into its room by the server before it handles any
// message, so messages queued while offline are accepted even when the
// session could not be recovered (a server restart). Kept for the tab
// (sessionStorage): after a reload the page opens the same room, where the
// messages its outbox resends were typed.
const ROOM_KEY = "socketio-wasm-example:room";

function storedRoom(): string {
  try {
    const value = sessionStorage.getItem(ROOM_KEY);
    return value !== null && (ROOMS as readonly string[]).includes(value) ? value : ROOMS[0];
  } catch {
    return ROOMS[0];
  }
}

let room = storedRoom();
export const currentRoom = (): string => room;
export function setCurrentRoom(next: string): void {
  room = next;
  try {
    sessionStorage.setItem(ROOM_KEY, next);
  } catch {
    // Storage denied: the room is kept for this page only.
  }
}
