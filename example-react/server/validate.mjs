// Input validation for HTTP bodies and socket events. Each check returns an
// error object `{ code, message }` (what error-first acknowledgements carry)
// or null.
export const MAX_MESSAGE_LENGTH = 5000;
export const USERNAME = /^[A-Za-z0-9_]{3,20}$/;
export const ROOM = /^[a-z0-9][a-z0-9-]{0,31}$/;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export const fail = (code, message) => ({ code, message });

/** A database id: a positive safe integer. */
export const isId = (value) => Number.isSafeInteger(value) && value > 0;

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

export function checkCredentials(body) {
  if (!isObject(body)) return fail("BAD_REQUEST", "Send a JSON object with username and password");
  const { username, password } = body;
  if (typeof username !== "string" || !USERNAME.test(username)) {
    return fail("BAD_USERNAME", "Username: 3 to 20 letters, digits or underscores");
  }
  if (typeof password !== "string" || password.length < 8 || password.length > 128) {
    return fail("BAD_PASSWORD", "Password: 8 to 128 characters");
  }
  return null;
}

export function checkRoom(payload) {
  if (!isObject(payload)) return fail("BAD_REQUEST", "Expected an object: { room }");
  const { room } = payload;
  if (typeof room !== "string" || !ROOM.test(room)) {
    return fail("BAD_ROOM", "Room names are 1 to 32 lowercase letters, digits or dashes");
  }
  return null;
}

/** Length in characters (code points), the way a person counts them. */
export const length = (text) => {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
};

export function checkMessage(payload) {
  const roomError = checkRoom(payload);
  if (roomError) return roomError;
  const { text, clientId } = payload;
  if (text === undefined || text === null) return fail("TEXT_REQUIRED", "Message text required");
  if (typeof text !== "string") return fail("BAD_TEXT", "Message text must be a string");
  if (text.trim() === "") return fail("TEXT_REQUIRED", "Message text required");
  const n = length(text);
  if (n > MAX_MESSAGE_LENGTH) {
    return fail("TOO_LONG", `Message too long: ${n.toLocaleString("en")} characters, at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")}`);
  }
  if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) {
    return fail("BAD_CLIENT_ID", "clientId: 8 to 64 letters, digits, - or _ (a UUID)");
  }
  return null;
}

/** `@name` mentions in a text, each name once. */
export function mentions(text) {
  const names = new Set();
  for (const [, name] of text.matchAll(/(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{3,20})\b/g)) names.add(name.toLowerCase());
  return [...names];
}
