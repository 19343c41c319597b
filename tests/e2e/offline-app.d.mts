import type { BrowserContext } from "playwright-core";

/** See offline-app.mjs. */
export function serveAppWhenDown(context: BrowserContext): Promise<void>;
