// Structured logs: one JSON object per line on stdout, so that `jq`, a log
// shipper or a test can read them. Never log message texts, passwords or tokens.
export function createLogger(base = {}) {
  const write = (level, event, fields = {}) => {
    const entry = { time: new Date().toISOString(), level, event, ...base, ...fields };
    process.stdout.write(JSON.stringify(entry) + "\n");
  };
  return {
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (more) => createLogger({ ...base, ...more }),
  };
}
