import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `socketio-wasm` comes from its packed tarball (scripts/example-setup.sh):
// no alias, no plugin and no optimizeDeps entry are needed for its wasm.
// `npx vite` (the dev server) proxies the API and socket.io to the example
// server on :3000; start that with ALLOWED_ORIGINS=http://localhost:5173.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": "http://127.0.0.1:3000",
      "/socket.io": { target: "ws://127.0.0.1:3000", ws: true },
    },
  },
});
