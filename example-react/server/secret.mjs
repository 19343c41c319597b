// The JWT signing secret: `JWT_SECRET` when set, else one generated once and
// kept in example-react/data (mode 0600), so that tokens survive a restart of
// `npm start` and every node of the cluster signs with the same one.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILE = join(fileURLToPath(new URL("..", import.meta.url)), "data/jwt-secret");

export function jwtSecret(env = process.env) {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (existsSync(FILE)) return readFileSync(FILE, "utf8").trim();
  mkdirSync(dirname(FILE), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(FILE, secret + "\n", { mode: 0o600 });
  return secret;
}
