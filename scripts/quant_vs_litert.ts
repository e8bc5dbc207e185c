/**
 * Runs 8-bit models on gpulite's integer reference and on LiteRT.js Wasm (XNNPack) with the same
 * seeded inputs, and reports per output the largest difference in quantized units (LSB), how many
 * elements differ, and whether the argmax agrees. The models: every `.tflite` in
 * `../shared/models/quantized/` and the one-op models of `scripts/_quant_models.ts`.
 *
 * ```sh
 * deno run -A scripts/quant_vs_litert.ts [--out docs/results/quant]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { opName } from "../core/ir.ts";
import type { Graph } from "../core/ir.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import { kernelFor } from "../kernels/registry.ts";
import { readModel, writeModel } from "../format/tflite/mod.ts";
import { runQuantGraph } from "../kernels/_shared/quant_graph_testing.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import {
  type LitertInput,
  type LitertOutput,
  runLitert,
  runLitertIsolated,
} from "../peers/litert.ts";
import { quantOpModels } from "./_quant_models.ts";

/** The comparison of one output. */
export interface OutputDiff {
  /** Model. */
  model: string;
  /** Output index and name. */
  output: string;
  /** Its dtype. */
  dtype: string;
  /** Unit of `maxDiff`: quantized steps (`LSB`, for 8-bit outputs and DEQUANTIZE of them) or `abs`. */
  unit: "LSB" | "abs";
  /** Elements compared. */
  elements: number;
  /** Largest difference: in LSB for 8-bit outputs, absolute for float ones. */
  maxDiff: number;
  /** Elements that differ at all. */
  differing: number;
  /** Share of rows of the last axis whose argmax agrees (8-bit outputs of rows longer than one). */
  argmaxAgreement?: number;
  /** Why LiteRT.js gave no result. */
  error?: string;
}

/**
 * Seeded inputs for a graph's inputs: 8-bit over the full range; a float input that a QUANTIZE
 * reads holds exact dequantized values a little past the 8-bit range (so that some saturate);
 * other floats lie in `[-1, 1)`.
 */
export function seededInputs(g: Graph, seed: number): HostTensor[] {
  const r = seededRandom(seed);
  return g.inputs.map((t) => {
    const s = g.tensors[t];
    const n = s.shape.reduce((a, b) => a * b, 1);
    const reader = g.nodes.find((node) => node.inputs.includes(t));
    const q = reader && opName(reader) === "QUANTIZE"
      ? g.tensors[reader.outputs[0]].quantization
      : undefined;
    const data = s.dtype === "uint8"
      ? Uint8Array.from({ length: n }, () => Math.floor(r() * 256))
      : s.dtype === "int8"
      ? Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128)
      : q
      ? Float32Array.from(
        { length: n },
        () =>
          q.scale[0] *
          (Math.floor(r() * 280) - 140 - q.zeroPoint[0] + (q.zeroPoint[0] > 0 ? 128 : 0)),
      )
      : Float32Array.from({ length: n }, () => r() * 2 - 1);
    return { dtype: s.dtype, shape: s.shape, quantization: s.quantization, data };
  });
}

/** The scale of one LSB of a graph output: its own, or that of the 8-bit tensor a DEQUANTIZE reads. */
export function lsbOf(g: Graph, t: number): number | undefined {
  const own = g.tensors[t].quantization?.scale[0];
  if (own) return own;
  const producer = g.nodes.find((node) => node.outputs.includes(t));
  return producer && opName(producer) === "DEQUANTIZE"
    ? g.tensors[producer.inputs[0]].quantization?.scale[0]
    : undefined;
}

/**
 * The network before its detection post-processing: the graph's outputs become the post-processing
 * node's non-constant inputs (box encodings and class scores, in quantized units), so the two
 * runtimes' networks compare element by element.
 */
export function beforePostprocess(bytes: Uint8Array): Uint8Array | undefined {
  const model = readModel(bytes);
  const g = model.subgraphs[0];
  const k = g.nodes.findIndex((n) => opName(n) === "TFLite_Detection_PostProcess");
  if (k < 0) return undefined;
  g.outputs = g.nodes[k].inputs.filter((t) => t >= 0 && !g.tensors[t].data?.length);
  g.nodes.splice(k, 1);
  return writeModel(model);
}

/** The model with the output shapes gpulite infers written in, for files that leave them empty. */
export function withOutputShapes(bytes: Uint8Array): Uint8Array {
  const model = readModel(bytes);
  const g = model.subgraphs[0];
  if (g.outputs.every((t) => g.tensors[t].shape.length > 0)) return bytes;
  const exec = buildExecGraph(g, kernelFor);
  for (const t of g.outputs) g.tensors[t].shape = [...exec.tensors[t].shape];
  return writeModel(model);
}

function stripAnsi(s: string): string {
  const esc = String.fromCharCode(27);
  return s.split(esc).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ""))).join("");
}

/** The argmax of each row of `row` elements. */
export function argmaxRows(d: ArrayLike<number>, row: number): number[] {
  const out: number[] = [];
  for (let r = 0; r + row <= d.length; r += row) {
    let best = 0;
    for (let j = 1; j < row; j++) if (d[r + j] > d[r + best]) best = j;
    out.push(best);
  }
  return out;
}

/**
 * Compares one model.
 *
 * @param name Model name.
 * @param bytes The `.tflite` file.
 * @param options `isolated: false` runs LiteRT.js in this process (default: a child process, which
 * survives crashes of the peer).
 * @returns One entry per output.
 */
export async function compareModel(
  name: string,
  bytes: Uint8Array,
  options: { isolated?: boolean } = {},
): Promise<OutputDiff[]> {
  const g = readModel(bytes).subgraphs[0];
  const inputs = seededInputs(g, 1234);
  const ours = runQuantGraph(g, inputs);
  let litert;
  try {
    litert = await (options.isolated === false ? runLitert : runLitertIsolated)(
      withOutputShapes(bytes),
      inputs.map((x): LitertInput => ({ data: x.data as LitertInput["data"], shape: x.shape })),
      { accelerator: "wasm", runs: 1, warmup: 0 },
    );
  } catch (e) {
    const error = String((e as Error).message).split("\n").filter((l) => l.trim()).slice(-2).join(
      " ",
    );
    return ours.map((y, i) => ({
      ...empty(name, y, `${i}`),
      error: stripAnsi(error),
    }));
  }
  return ours.map((y, i) => diffOutput(name, y, litert.outputs[i], lsbOf(g, g.outputs[i])));
}

function empty(model: string, y: HostTensor, output: string): OutputDiff {
  return { model, output, dtype: y.dtype, unit: "LSB", elements: 0, maxDiff: NaN, differing: 0 };
}

function diffOutput(
  model: string,
  y: HostTensor,
  theirs: LitertOutput,
  lsb: number | undefined,
): OutputDiff {
  const a = y.data as ArrayLike<number>, b = theirs.data as ArrayLike<number>;
  const n = Math.min(a.length, b.length);
  const unit = y.dtype === "float32" && lsb ? lsb : 1;
  let maxDiff = 0, differing = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.round((Math.abs(Number(a[i]) - Number(b[i])) / unit) * 1e4) / 1e4;
    if (d > 0) differing++;
    if (d > maxDiff || Number.isNaN(d)) maxDiff = d;
  }
  const row = y.shape.at(-1) ?? 1;
  const result: OutputDiff = {
    model,
    output: theirs.name,
    dtype: y.dtype,
    unit: unit === 1 && y.dtype === "float32" ? "abs" : "LSB",
    elements: n,
    maxDiff: a.length === b.length ? maxDiff : Infinity,
    differing,
  };
  if (row > 1 && result.unit === "LSB") {
    const ra = argmaxRows(a, row), rb = argmaxRows(b, row);
    result.argmaxAgreement = ra.filter((v, i) => v === rb[i]).length / ra.length;
  }
  return result;
}

/** The worst node of a real model, each node run alone on both runtimes from the same inputs. */
export interface NodeSweep {
  /** Model. */
  model: string;
  /** Nodes compared. */
  nodes: number;
  /** Largest difference over all nodes' outputs, in LSB. */
  maxLsb: number;
  /** Output elements that differ, over all nodes. */
  differing: number;
  /** Output elements compared. */
  elements: number;
  /** The first node with the largest difference. */
  worst: string;
}

/**
 * Runs every node of a model alone on LiteRT.js, with the inputs gpulite's integer reference gave
 * that node in a whole-model run, and compares the node's outputs: differences do not accumulate
 * from layer to layer here, so this checks each real layer's arithmetic.
 *
 * @param name Model name.
 * @param bytes The `.tflite` file.
 * @returns The sweep's summary.
 */
export async function compareNodes(name: string, bytes: Uint8Array): Promise<NodeSweep> {
  const g = readModel(bytes).subgraphs[0];
  const exec = buildExecGraph(g, kernelFor);
  const values = new ReferenceExecutor(exec).run(seededInputs(g, 1234), { keep: true }).allValues!;
  const sweep: NodeSweep = {
    model: name,
    nodes: 0,
    maxLsb: 0,
    differing: 0,
    elements: 0,
    worst: "",
  };
  for (const [k, node] of g.nodes.entries()) {
    if (opName(node) === "TFLite_Detection_PostProcess") continue;
    const one = readModel(bytes);
    const sg = one.subgraphs[0];
    one.signatures = [];
    sg.nodes = [sg.nodes[k]];
    sg.inputs = node.inputs.filter((t) => t >= 0 && !g.tensors[t].data?.length);
    sg.outputs = [...node.outputs];
    for (const t of [...sg.inputs, ...sg.outputs]) sg.tensors[t].shape = [...exec.tensors[t].shape];
    const r = await runLitert(
      writeModel(one),
      sg.inputs.map((t) => {
        const v = values.get(t)!;
        return { data: v.data as LitertInput["data"], shape: v.shape };
      }),
      { accelerator: "wasm", runs: 1, warmup: 0 },
    );
    node.outputs.forEach((t, i) => {
      const d = diffOutput(name, values.get(t)!, r.outputs[i], lsbOf(g, t));
      sweep.elements += d.elements;
      sweep.differing += d.differing;
      if (d.maxDiff > sweep.maxLsb || sweep.nodes === 0) {
        sweep.maxLsb = Math.max(sweep.maxLsb, d.maxDiff);
        if (d.maxDiff === sweep.maxLsb) sweep.worst = `${opName(node)}#${k}`;
      }
    });
    sweep.nodes++;
  }
  return sweep;
}

function table(rows: OutputDiff[]): string {
  const lines = [
    "| model | output | dtype | elements | max diff | unit | differing | rows with equal argmax |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.output} | ${r.dtype} | ${r.elements} | ${
        r.unit === "abs" ? r.maxDiff.toExponential(2) : r.maxDiff
      } | ${r.unit} | ${r.differing} | ${
        r.argmaxAgreement === undefined ? "" : `${(100 * r.argmaxAgreement).toFixed(1)}%`
      }${r.error ? ` LiteRT.js failed: ${r.error}` : ""} |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string", default: "docs/results/quant" } },
  });
  const dir = new URL("../../shared/models/quantized/", import.meta.url);
  const models: { name: string; bytes: Uint8Array }[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".tflite")) {
      models.push({ name: e.name, bytes: await Deno.readFile(new URL(e.name, dir)) });
    }
  }
  models.sort((a, b) => a.name.localeCompare(b.name));
  const realModels = models.length;
  for (const m of [...models]) {
    const cut = beforePostprocess(m.bytes);
    if (cut) models.push({ name: `${m.name} before TFLite_Detection_PostProcess`, bytes: cut });
  }
  models.push(...quantOpModels());
  const rows: OutputDiff[] = [];
  for (const m of models) {
    const t0 = performance.now();
    const r = await compareModel(m.name, m.bytes);
    rows.push(...r);
    console.log(`${m.name}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
  const sweeps: NodeSweep[] = [];
  for (const m of models.slice(0, realModels)) sweeps.push(await compareNodes(m.name, m.bytes));
  const md = table(rows) + "\n\n## Every node alone, from the same inputs\n\n" +
    "| model | nodes | max diff (LSB) | differing elements | elements | worst node |\n" +
    "|---|---|---|---|---|---|\n" +
    sweeps.map((s) =>
      `| ${s.model} | ${s.nodes} | ${s.maxLsb} | ${s.differing} | ${s.elements} | ${s.worst} |`
    ).join("\n");
  console.log(md);
  await Deno.mkdir(values.out!, { recursive: true });
  await Deno.writeTextFile(
    `${values.out}/quant_vs_litert.json`,
    JSON.stringify({ outputs: rows, nodes: sweeps }, null, 1),
  );
  await Deno.writeTextFile(
    `${values.out}/quant_vs_litert.md`,
    `# 8-bit integer reference vs LiteRT.js Wasm (XNNPack)\n\nSame seeded inputs (seed 1234) on ` +
      `gpulite's integer reference and on LiteRT.js ${"@litertjs/core@2.5.3"} (wasm). ` +
      `Command: \`deno run -A scripts/quant_vs_litert.ts\`.\n\n` +
      `XNNPack requantizes in fp32 (round to nearest even), TFLite's reference kernels, which ` +
      `gpulite follows, in Q31 fixed point (round half away from zero): the two differ by one ` +
      `step on some elements. Run alone from the same inputs, every node of both real models ` +
      `agrees within 1 LSB (last table); through a whole network those one-step differences ` +
      `propagate, so whole-model outputs differ by a few LSB, and the detector's ranking of ` +
      `near-equal random-input scores can change. int8 one-op models have float32 inputs and ` +
      `outputs (QUANTIZE/DEQUANTIZE at the edges: LiteRT.js takes no int8 tensors); their ` +
      `differences are in steps of the int8 tensor.\n\n${md}\n`,
  );
}
