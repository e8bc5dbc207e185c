/**
 * Digests of every real network's outputs on every backend and, on the GPU, under every memory
 * strategy: a before/after check for refactors that must not change a single output bit.
 *
 * ```sh
 * deno run -A scripts/output_digest.ts [--out digests.json] [--networks a,b] [--fast]
 * deno run -A scripts/output_digest.ts --compare before.json after.json
 * ```
 *
 * Inputs are seeded (the same on every run); each output's bytes are hashed with SHA-256.
 * `--fast` runs the GPU only under the default strategy and a few others.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { createSession, loadModel, STRATEGY_NAMES } from "../mod.ts";
import { seededRandom } from "../core/random.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string" },
    networks: { type: "string" },
    compare: { type: "boolean", default: false },
    fast: { type: "boolean", default: false },
  },
  allowPositionals: true,
});

if (args.values.compare) {
  const [a, b] = args.positionals.map((p) => JSON.parse(Deno.readTextFileSync(p)));
  let same = 0;
  const diff: string[] = [];
  for (const k of Object.keys(a)) {
    if (!(k in b)) diff.push(`${k}: missing after`);
    else if (a[k] !== b[k]) diff.push(`${k}: ${a[k]} -> ${b[k]}`);
    else same++;
  }
  for (const k of Object.keys(b)) if (!(k in a)) diff.push(`${k}: new`);
  console.log(`${same} identical, ${diff.length} different`);
  for (const d of diff) console.log(`  ${d}`);
  Deno.exit(diff.length ? 1 : 0);
}

const dir = new URL("../../shared/models/networks/", import.meta.url);
const names = args.values.networks?.split(",") ??
  [...Deno.readDirSync(dir)].map((e) => e.name.replace(/\.tflite$/, "")).sort();

function digest(outs: { data: ArrayBufferView }[]): string {
  const h = createHash("sha256");
  for (const o of outs) {
    h.update(new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
  }
  return h.digest("hex").slice(0, 16);
}

const result: Record<string, string> = {};
const fastStrategies = ["GREEDY_BEST", "NAIVE", "GREEDY_BY_SIZE_OFFSETS", "MIN_COST_FLOW"];
for (const name of names) {
  const model = await loadModel(new URL(`${name}.tflite`, dir));
  const runs: { key: string; options: Record<string, unknown> }[] = [
    { key: "reference", options: { backend: "reference" } },
    { key: "cpu", options: { backend: "cpu", threads: 2 } },
  ];
  for (const s of STRATEGY_NAMES) {
    if (args.values.fast && !fastStrategies.includes(s)) continue;
    runs.push({ key: `gpu/${s}`, options: { backend: "gpu", strategy: s } });
  }
  for (const { key, options } of runs) {
    const session = await createSession(model, options);
    const r = seededRandom(7);
    const inputs = session.inputs.map((i) => {
      const n = i.shape.reduce((a, b) => a * b, 1);
      return Float32Array.from({ length: n }, () => r() * 2 - 1);
    });
    const outs = await session.run(inputs);
    result[`${name} ${key}`] = digest(outs);
    session.dispose();
    console.error(`${name} ${key} ${result[`${name} ${key}`]}`);
  }
}
const text = JSON.stringify(result, null, 1) + "\n";
if (args.values.out) Deno.writeTextFileSync(args.values.out, text);
else console.log(text);
