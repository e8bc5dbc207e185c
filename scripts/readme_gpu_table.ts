/**
 * The README's GPU results table, from a committed report: per network, gpulite on Dawn and on
 * Deno's WebGPU, the cooperative backend, gpulite's CPU at 1 and 16 threads, LiteRT.js WebGPU and
 * Wasm, and the GPU's speedup over the best CPU path (gpulite CPU or LiteRT.js Wasm).
 *
 * ```sh
 * deno run -A scripts/readme_gpu_table.ts docs/results/h100_final/report.json
 * ```
 *
 * @module
 */
interface Backend {
  id: string;
  status: string;
  latency?: { median: number };
}
interface Network {
  name: string;
  status: string;
  backends: Backend[];
  peers: Backend[];
}

const path = Deno.args[0] ?? "docs/results/h100_final/report.json";
const report = JSON.parse(Deno.readTextFileSync(path)) as { networks: Network[] };
const ms = (v: number | undefined) =>
  v === undefined ? "—" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const rows: string[][] = [];
for (const n of report.networks) {
  const at = (id: string) =>
    [...n.backends, ...n.peers].find((b) => b.id === id && b.status === "ok")?.latency?.median;
  const dawn = at("gpu/dawn");
  if (dawn === undefined && at("gpu/deno") === undefined) continue;
  const cpus = [at("cpu/1t"), at("cpu/16t"), at("litert/wasm")].filter((v) => v !== undefined);
  const best = cpus.length ? Math.min(...cpus as number[]) : undefined;
  rows.push([
    n.name.replace(/\.tflite$/, ""),
    ms(dawn),
    ms(at("gpu/deno")),
    ms(at("cooperative/deno")),
    ms(at("cpu/1t")),
    ms(at("cpu/16t")),
    ms(at("litert/webgpu")),
    ms(at("litert/wasm")),
    dawn !== undefined && best !== undefined ? `${(best / dawn).toFixed(1)}×` : "—",
  ]);
}
const header = [
  "network",
  "GPU Dawn",
  "GPU Deno",
  "cooperative (Deno)",
  "CPU 1 thread",
  "CPU 16 threads",
  "LiteRT.js WebGPU",
  "LiteRT.js Wasm",
  "Dawn vs best CPU",
];
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map((_, i) => i === 0 ? "---" : "---:").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
