// Times the two ways a typed event crosses the boundary (bench/serde/run.sh).
const m = require(process.argv[2]);
const N = 20000;
function time(name, f) { f(2000); const runs = []; for (let r = 0; r < 7; r++) { const t = process.hrtime.bigint(); f(N); runs.push(Number(process.hrtime.bigint() - t) / N); } runs.sort((a,b)=>a-b); console.log(name, (runs[3]/1000).toFixed(2), "µs/event (median of 7)"); }
time("emit  serde_json -> text      ", m.out_json);
time("emit  serde-wasm-bindgen -> JsValue (+JSON.stringify)", m.out_swb);
time("listen text -> serde_json     ", m.in_json);
time("listen JsValue -> serde-wasm-bindgen", m.in_swb);
