import { copyProbe, jsReadProbe, wasmReadProbe } from '../src/lib/probe.js';
const B = 256 * 2 ** 20;
const w = wasmReadProbe(B)!;
const j = jsReadProbe(B);
const c = copyProbe(B);
for (let r = 0; r < 5; r++) {
  for (const [name, p] of [['wasm', w], ['js', j], ['copy', c]] as const) {
    const t = performance.now();
    p.run();
    const ms = performance.now() - t;
    console.log(name, (p.bytes / ms / 1e6).toFixed(2), 'GB/s');
  }
}
