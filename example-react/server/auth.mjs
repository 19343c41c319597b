// Passwords: scrypt (a memory-hard KDF) from node:crypto, run asynchronously
// on libuv's thread pool so that hashing never blocks the event loop (the
// seed's "blocking operations" pitfall). Tokens: HS256 JWTs (jsonwebtoken).
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import jwt from "jsonwebtoken";

const scrypt = promisify(scryptCb);
const KEY_LENGTH = 64;
// N = 2^15, r = 8: about 32 MiB and a few tens of ms per hash.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** `scrypt$N$r$p$salt$hash`, base64url parts: the parameters travel with the hash. */
export async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(password, stored) {
  const [kind, N, r, p, salt, hash] = String(stored).split("$");
  if (kind !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

export function createTokens(secret, { expiresIn = "12h" } = {}) {
  return {
    sign: (user) => jwt.sign({ sub: String(user.id), name: user.name }, secret, { algorithm: "HS256", expiresIn }),
    /** The user of a valid token; throws a JsonWebTokenError/TokenExpiredError otherwise. */
    verify(token) {
      const claims = jwt.verify(token, secret, { algorithms: ["HS256"] });
      const id = Number(claims.sub);
      if (!Number.isSafeInteger(id) || typeof claims.name !== "string") throw new jwt.JsonWebTokenError("malformed token");
      return { id, name: claims.name };
    },
  };
}
