// Serves a browser context's app files (not /api, not /socket.io) from what
// it loaded before whenever the server is down, as a service worker or a
// CDN would: a page can then be reloaded while the server is away. Plain
// JS: the soak (tests/soak/example-soak.mjs, run by node) uses it too.

/** @param {import("playwright-core").BrowserContext} context */
export async function serveAppWhenDown(context) {
  /** @type {Map<string, { status: number, headers: Record<string, string>, body: Buffer }>} */
  const cache = new Map();
  const appFile = (/** @type {URL} */ url) => !url.pathname.startsWith("/api/") && !url.pathname.startsWith("/socket.io/");
  await context.route(appFile, async (route) => {
    const url = route.request().url();
    try {
      const response = await route.fetch();
      const saved = { status: response.status(), headers: response.headers(), body: await response.body() };
      cache.set(url, saved);
      await route.fulfill(saved);
    } catch {
      const saved = cache.get(url);
      // The page may be gone meanwhile (a reload, a close): nothing to answer.
      await (saved ? route.fulfill(saved) : route.abort("connectionrefused")).catch(() => {});
    }
  });
}
