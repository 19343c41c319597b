// A plain production config: nothing wasm-specific.
const path = require("node:path");

module.exports = {
  mode: "production",
  entry: path.join(__dirname, "entry.js"),
  output: { path: path.join(process.cwd(), "dist-webpack"), clean: true },
  performance: { hints: false },
};
