// Per-node time of a model, GPU (timestamp queries) or the fast CPU backend (wall clock, the
// minimum over the runs): the slowest nodes with their shapes and the achieved GFLOP/s, to find
// kernels worth tuning. Dynamic dimensions run at 1. On the GPU the session first runs back to back
// for --warmup-ms (a GPU lowers its clock under sparse work: an idle H100 runs at a sixth of its
// clock), each node's time is its fastest of --runs, and where nvidia-smi exists the SM clock right
// after the runs is printed beside them.
// deno run -A scripts/profile_nodes.ts MODEL_OR_CATALOG_NAME... [--provider deno|dawn] [--top N]
//   [--runs N] [--warmup-ms MS] [--dawn-toggle NAME]...   (Dawn toggles: for experiments)
// deno run -A scripts/profile_nodes.ts MODEL --backend cpu [--threads 1] [--runs 12]
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel } from "../mod.ts";
import { sessionInternals } from "../engine/session.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { buildNetwork } from "../models/catalog.ts";
import { smClockMhz } from "../bench/gpu_clock.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "deno" },
    top: { type: "string", default: "12" },
    backend: { type: "string", default: "gpu" },
    threads: { type: "string", default: "1" },
    runs: { type: "string", default: "5" },
    "warmup-ms": { type: "string", default: "1000" },
    "dawn-toggle": { type: "string", multiple: true, default: [] },
  },
});
const device = values.backend === "gpu"
  ? await acquireDevice({
    provider: values.provider as "deno" | "dawn",
    dawnToggles: values["dawn-toggle"],
  })
  : undefined;
for (const name of positionals) {
  const model = name.endsWith(".tflite") ? await loadModel(name) : buildNetwork(name);
  const g0 = model.subgraphs[0];
  const s = await createSession(model, {
    backend: values.backend as "gpu" | "cpu",
    device,
    ...(values.backend === "cpu" ? { threads: Number(values.threads) } : {}),
    inputShapes: g0.inputs.map((i) => g0.tensors[i].shape.map((d) => d < 0 ? 1 : d)),
    profile: true,
  });
  const inputs = randomInputs(s.inputs, 1);
  if (s.gpu) {
    const until = performance.now() + Number(values["warmup-ms"]);
    while (performance.now() < until) await s.run(inputs);
  }
  // Per node, the fastest of the runs.
  const best = new Map<number, number>();
  for (let i = 0; i < Number(values.runs); i++) {
    await s.run(inputs);
    for (const x of s.timings!) best.set(x.node, Math.min(best.get(x.node) ?? Infinity, x.ms));
  }
  const clock = s.gpu ? await smClockMhz() : undefined;
  const t = s.timings!.map((x) => ({ ...x, ms: best.get(x.node)! }));
  const g = sessionInternals(s).graph;
  const rows = t.map((x) => {
    const n = g.nodes[x.node];
    const out = g.tensors[n.outputs[0]].shape;
    const w = n.inputs[1] >= 0 ? g.tensors[n.inputs[1]]?.shape : undefined;
    const inS = g.tensors[n.inputs[0]]?.shape;
    let flops = 0;
    if (n.op === "CONV_2D" && w) flops = 2 * out.reduce((a, b) => a * b, 1) * w[1] * w[2] * w[3];
    if (n.op === "DEPTHWISE_CONV_2D" && w) flops = 2 * out.reduce((a, b) => a * b, 1) * w[1] * w[2];
    if (n.op === "FULLY_CONNECTED" && w) flops = 2 * out.reduce((a, b) => a * b, 1) * w[1];
    return {
      ...x,
      desc: `${n.op} in[${inS}] w[${w ?? ""}] out[${out}] ${
        JSON.stringify(n.raw.options).slice(0, 80)
      }`,
      gflops: flops / x.ms / 1e6,
    };
  });
  const total = rows.reduce((a, r) => a + r.ms, 0);
  const where = s.gpu
    ? `${s.gpu.summary}, per-node minima of ${values.runs} runs after ${
      values["warmup-ms"]
    } ms back to back${clock ? `, SM clock ${clock} MHz after them` : ""}`
    : `cpu, ${values.threads} thread(s), per-node minima`;
  console.log(`${name} (${where}): ${rows.length} nodes, ${total.toFixed(3)} ms`);
  for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, Number(values.top))) {
    console.log(
      `  ${r.ms.toFixed(3)} ms ${r.gflops.toFixed(0).padStart(5)} GFLOP/s  #${r.node} ${r.desc}`,
    );
  }
  // Per op: nodes, total and slowest node, so ops outside the top rows still show.
  const byOp = new Map<string, { n: number; ms: number; max: number }>();
  for (const r of rows) {
    const op = g.nodes[r.node].op;
    const e = byOp.get(op) ?? { n: 0, ms: 0, max: 0 };
    byOp.set(op, { n: e.n + 1, ms: e.ms + r.ms, max: Math.max(e.max, r.ms) });
  }
  for (const [op, e] of [...byOp].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  by op: ${op} ${e.n}x ${e.ms.toFixed(3)} ms (slowest ${e.max.toFixed(3)})`);
  }
  s.dispose();
}
device?.device.destroy();
