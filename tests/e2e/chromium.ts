// Headless system Chromium for end-to-end tests (playwright-core never
// downloads a browser; scripts/bootstrap.sh installs Debian's chromium).
import { readFileSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * The flags every headless Chromium of the project starts with (e2e, soak,
 * bench): this machine's closed network refuses Chromium's background
 * connections, so they are switched off. One list, in tests/chromium-flags.json.
 */
export const CHROMIUM_ARGS: string[] = JSON.parse(
  readFileSync(new URL("../chromium-flags.json", import.meta.url), "utf8"),
) as string[];

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}
