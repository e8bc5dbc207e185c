/**
 * Comparisons of 8-bit models between gpulite's backends and independent implementations (TFLite's
 * builtin kernels, TFLite with XNNPack, LiteRT.js), for `scripts/quant_vs_tflite.ts` and its test:
 * per output the largest difference in LSB, the elements that differ and argmax agreement; the
 * first node where gpulite's reference and TFLite's builtin kernels part; every node alone.
 *
 * @module
 */
import type { Graph } from "../core/ir.ts";
import { opName } from "../core/ir.ts";
import type { HostTensor } from "../core/kernel.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import { kernelFor } from "../kernels/registry.ts";
import { readModel, writeModel } from "../format/tflite/mod.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { createSession, type SessionOptions } from "../engine/session.ts";
import type { GpuProvider } from "../engine/backends/gpu/device.ts";
import { type InterpreterData, runTfliteInterpreter } from "../peers/tflite_interpreter.ts";
import { type LitertInput, runLitertIsolated } from "../peers/litert.ts";
import { argmaxRows, lsbOf, seededInputs, withOutputShapes } from "./quant_vs_litert.ts";
import { withSingleRoundingConv } from "./_single_rounding_conv.ts";

/** Which gpulite backend gave an output. */
export type Side = "reference" | "reference, ruy conv" | "cpu" | "gpu f32" | "gpu f16";
/** Which independent implementation it is compared with. */
export type Peer = "tflite builtin" | "tflite xnnpack" | "litert.js" | "gpulite reference";

/** One output of one model, one side against one peer, over all seeds. */
export interface Agreement {
  /** Model. */
  model: string;
  /** Output index and name. */
  output: string;
  /** gpulite's side. */
  side: Side;
  /** The peer. */
  peer: Peer;
  /** `LSB` for 8-bit outputs and DEQUANTIZE of them, else `abs`. */
  unit: "LSB" | "abs";
  /** Elements compared, over all seeds. */
  elements: number;
  /** Largest difference. */
  maxDiff: number;
  /** Elements that differ at all. */
  differing: number;
  /** Sum of the absolute differences (in the same unit), for the mean. */
  sumDiff: number;
  /** Rows of the last axis compared for argmax (8-bit outputs with rows longer than one). */
  rows: number;
  /** Rows whose argmax agrees. */
  rowsAgree: number;
  /** Why the peer gave no result. */
  error?: string;
}

/** A model to compare. */
export interface Case {
  /** Name. */
  name: string;
  /** The `.tflite` file. */
  bytes: Uint8Array;
  /** Also run LiteRT.js on it (whole networks; one-op models are in `quant_vs_litert.ts`). */
  litert?: boolean;
}

type Outputs = ArrayLike<number>[];

function toInterpreter(inputs: HostTensor[]): InterpreterData[] {
  return inputs.map((x) => x.data as InterpreterData);
}

/**
 * The differences of one pair of runs, added into `acc`.
 *
 * @param acc The running agreement of this output.
 * @param ours gpulite's values.
 * @param theirs The peer's values.
 * @param options `lsb`: scale of one LSB for float outputs (absent: absolute differences); `row`:
 * length of the last axis; `quantized`: the output is 8-bit or a DEQUANTIZE of one (argmax rows
 * are counted).
 */
function accumulate(
  acc: Agreement,
  ours: ArrayLike<number>,
  theirs: ArrayLike<number>,
  options: { lsb?: number; row: number; quantized: boolean },
): void {
  const n = Math.min(ours.length, theirs.length);
  const unit = options.lsb ?? 1;
  if (ours.length !== theirs.length) acc.maxDiff = Infinity;
  for (let i = 0; i < n; i++) {
    const d = Math.round((Math.abs(Number(ours[i]) - Number(theirs[i])) / unit) * 1e4) / 1e4;
    if (d > 0) acc.differing++;
    acc.sumDiff += d;
    if (d > acc.maxDiff || Number.isNaN(d)) acc.maxDiff = d;
  }
  acc.elements += n;
  if (options.quantized && options.row > 1) {
    const a = argmaxRows(ours, options.row), b = argmaxRows(theirs, options.row);
    acc.rows += a.length;
    acc.rowsAgree += a.filter((v, i) => v === b[i]).length;
  }
}

/** Runs a model on some inputs: one value array per graph output. */
type Runner = (inputs: HostTensor[]) => Promise<Outputs>;

function sessionRunner(
  bytes: Uint8Array,
  options: SessionOptions,
): { run: Runner; close(): void } {
  const session = createSession(readModel(bytes), options);
  return {
    run: async (inputs) => {
      const s = await session;
      const ys = await s.run(inputs.map((x) => ({ dtype: x.dtype, shape: x.shape, data: x.data })));
      return ys.map((y) => y.data as ArrayLike<number>);
    },
    close: () => void session.then((s) => s.dispose(), () => {}),
  };
}

function referenceRunner(g: Graph): Runner {
  const exec = buildExecGraph(g, kernelFor);
  return (inputs) =>
    Promise.resolve(
      new ReferenceExecutor(exec).run(inputs).map((y) => y.data as ArrayLike<number>),
    );
}

function peerRunner(peer: Peer, bytes: Uint8Array): Runner {
  if (peer === "litert.js") {
    return async (inputs) => {
      const r = await runLitertIsolated(
        withOutputShapes(bytes),
        inputs.map((x): LitertInput => ({ data: x.data as LitertInput["data"], shape: x.shape })),
        { accelerator: "wasm", runs: 1, warmup: 0 },
      );
      return r.outputs.map((o) => o.data as ArrayLike<number>);
    };
  }
  return async (inputs) =>
    (await runTfliteInterpreter(bytes, toInterpreter(inputs), {
      xnnpack: peer === "tflite xnnpack",
    })).map((o) => o.data);
}

/**
 * Runs every side and every peer on each seed's inputs and compares each side with each peer.
 *
 * @param c The model.
 * @param seeds Seeds of the inputs.
 * @param sides gpulite's runs.
 * @param peers The runs compared with.
 * @returns One entry per output, side and peer.
 */
async function compareRuns(
  c: Case,
  seeds: readonly number[],
  sides: [Side, Runner][],
  peers: [Peer, Runner][],
): Promise<Agreement[]> {
  const g = readModel(c.bytes).subgraphs[0];
  const acc = new Map<string, Agreement>();
  const entry = (i: number, side: Side, peer: Peer, unit: "LSB" | "abs") => {
    const key = `${i} ${side} ${peer}`;
    if (!acc.has(key)) {
      acc.set(key, {
        model: c.name,
        output: `${i} ${g.tensors[g.outputs[i]].name}`,
        side,
        peer,
        unit,
        elements: 0,
        maxDiff: 0,
        differing: 0,
        sumDiff: 0,
        rows: 0,
        rowsAgree: 0,
      });
    }
    return acc.get(key)!;
  };
  const message = (e: unknown) =>
    String((e as Error).message).split("\n").filter((l) => l.trim()).at(-1) ?? String(e);
  for (const seed of seeds) {
    const inputs = seededInputs(g, seed);
    const ours: [Side, Outputs | string][] = [];
    for (const [side, run] of sides) ours.push([side, await run(inputs).catch(message) as Outputs]);
    for (const [peer, run] of peers) {
      const theirs = await run(inputs).catch(message);
      g.outputs.forEach((t, i) => {
        const s = g.tensors[t];
        const lsb = s.dtype === "float32" ? lsbOf(g, t) : undefined;
        const quantized = s.dtype !== "float32" || lsb !== undefined;
        const unit = s.dtype === "float32" && lsb === undefined ? "abs" : "LSB";
        for (const [side, mine] of ours) {
          const a = entry(i, side, peer, unit);
          if (typeof theirs === "string" || typeof mine === "string") {
            a.error = typeof theirs === "string" ? theirs : `${side}: ${mine}`;
            continue;
          }
          accumulate(a, mine[i], theirs[i], { lsb, row: s.shape.at(-1) ?? 1, quantized });
        }
      });
    }
  }
  return [...acc.values()];
}

/**
 * Compares gpulite's reference and CPU backend (one thread) with TFLite's builtin kernels, TFLite
 * with XNNPack and (where `c.litert`) LiteRT.js, over `seeds` seeded inputs.
 *
 * @param c The model.
 * @param seeds Seeds of the inputs.
 * @param options `peers`: the peers to run (default: all that apply); `ruyConv`: also the
 * reference with TFLite's optimized int8 CONV_2D rounding (`withSingleRoundingConv`), side
 * `reference, ruy conv`.
 * @returns One entry per output, side and peer.
 */
export async function compareCase(
  c: Case,
  seeds: readonly number[],
  options: { peers?: Peer[]; ruyConv?: boolean } = {},
): Promise<Agreement[]> {
  const cpu = sessionRunner(c.bytes, { backend: "cpu", threads: 1 });
  const g = readModel(c.bytes).subgraphs[0];
  const peers = options.peers ??
    ["tflite builtin", "tflite xnnpack", ...(c.litert ? ["litert.js" as const] : [])];
  try {
    return await compareRuns(
      c,
      seeds,
      [
        ["reference", referenceRunner(g)],
        ...(options.ruyConv
          ? [[
            "reference, ruy conv",
            (inputs: HostTensor[]) => withSingleRoundingConv(() => referenceRunner(g)(inputs)),
          ] as [Side, Runner]]
          : []),
        ["cpu", cpu.run],
      ],
      peers.map((p) => [p, peerRunner(p, c.bytes)]),
    );
  } finally {
    cpu.close();
  }
}

/**
 * Compares gpulite's GPU backend (the float path: weights dequantized, activations in f32 or f16,
 * the model's own input and output dtypes) with gpulite's integer reference.
 *
 * @param c The model.
 * @param seeds Seeds of the inputs.
 * @param options Storage precision and WebGPU provider.
 * @returns One entry per output.
 */
export async function compareGpu(
  c: Case,
  seeds: readonly number[],
  options: { precision: "f32" | "f16"; provider?: GpuProvider },
): Promise<Agreement[]> {
  const gpu = sessionRunner(c.bytes, { backend: "gpu", ...options });
  try {
    return await compareRuns(
      c,
      seeds,
      [[`gpu ${options.precision}`, gpu.run]],
      [["gpulite reference", referenceRunner(readModel(c.bytes).subgraphs[0])]],
    );
  } finally {
    gpu.close();
  }
}

/** Every node of a model run alone on TFLite's builtin kernels from gpulite's reference inputs. */
export interface NodeSweep {
  /** Model. */
  model: string;
  /** Nodes compared. */
  nodes: number;
  /** Largest difference over all nodes' 8-bit outputs, in LSB. */
  maxLsb: number;
  /** Output elements that differ. */
  differing: number;
  /** Output elements compared. */
  elements: number;
  /** Largest difference per op. */
  byOp: Record<string, number>;
}

/**
 * Runs every node of a model alone on TFLite's builtin kernels, from the inputs gpulite's
 * reference gave that node in a whole-model run, and compares the node's outputs: differences do
 * not propagate from node to node here.
 *
 * @param c The model.
 * @param seed Seed of the input.
 * @returns The sweep.
 */
export async function nodeSweep(c: Case, seed: number): Promise<NodeSweep> {
  const g = readModel(c.bytes).subgraphs[0];
  const exec = buildExecGraph(g, kernelFor);
  const values = new ReferenceExecutor(exec).run(seededInputs(g, seed), { keep: true }).allValues!;
  const sweep: NodeSweep = {
    model: c.name,
    nodes: 0,
    maxLsb: 0,
    differing: 0,
    elements: 0,
    byOp: {},
  };
  for (const [k, node] of g.nodes.entries()) {
    const one = readModel(c.bytes);
    const sg = one.subgraphs[0];
    one.signatures = [];
    sg.nodes = [sg.nodes[k]];
    sg.inputs = node.inputs.filter((t) => t >= 0 && !g.tensors[t].data?.length);
    sg.outputs = [...node.outputs];
    if (sg.inputs.length === 0) continue;
    for (const t of [...sg.inputs, ...sg.outputs]) sg.tensors[t].shape = [...exec.tensors[t].shape];
    const theirs = await runTfliteInterpreter(
      writeModel(one),
      toInterpreter(sg.inputs.map((t) => values.get(t)!)),
      { xnnpack: false },
    );
    node.outputs.forEach((t, i) => {
      const lsb = g.tensors[t].dtype === "float32" ? lsbOf(g, t) : 1;
      if (lsb === undefined) return;
      const a: Agreement = {
        model: c.name,
        output: "",
        side: "reference",
        peer: "tflite builtin",
        unit: "LSB",
        elements: 0,
        maxDiff: 0,
        differing: 0,
        sumDiff: 0,
        rows: 0,
        rowsAgree: 0,
      };
      accumulate(a, values.get(t)!.data as ArrayLike<number>, theirs[i].data, {
        lsb,
        row: 1,
        quantized: true,
      });
      const op = opName(node);
      sweep.byOp[op] = Math.max(sweep.byOp[op] ?? 0, a.maxDiff);
      sweep.maxLsb = Math.max(sweep.maxLsb, a.maxDiff);
      sweep.differing += a.differing;
      sweep.elements += a.elements;
    });
    sweep.nodes++;
  }
  return sweep;
}

/** Where gpulite's reference and TFLite's builtin kernels first part. */
export interface FirstDifference {
  /** Model. */
  model: string;
  /** Seed of the input. */
  seed: number;
  /** Nodes whose outputs were compared (in execution order). */
  nodes: number;
  /** The first node with a differing output, or `""` when none differs. */
  node: string;
  /** Its largest difference in LSB (float outputs: absolute). */
  maxDiff: number;
}

/**
 * Runs a model with every non-constant tensor made a graph output, on gpulite's reference and on
 * TFLite's builtin kernels, and names the first node (in the file's order) whose output differs.
 *
 * @param c The model.
 * @param seed Seed of the input.
 * @returns The first differing node.
 */
export async function firstDifference(c: Case, seed: number): Promise<FirstDifference> {
  const model = readModel(c.bytes);
  model.signatures = [];
  const g: Graph = model.subgraphs[0];
  const produced = g.nodes.flatMap((n) => n.outputs.filter((t) => t >= 0));
  const inputs = seededInputs(g, seed);
  const values = new ReferenceExecutor(buildExecGraph(g, kernelFor)).run(inputs, { keep: true })
    .allValues!;
  const outputs = produced.filter((t) => !g.outputs.includes(t) && values.has(t));
  g.outputs = [...g.outputs, ...outputs];
  const theirs = await runTfliteInterpreter(writeModel(model), toInterpreter(inputs), {
    xnnpack: false,
  });
  const at = new Map(g.outputs.map((t, i) => [t, theirs[i].data]));
  let nodes = 0;
  for (const [k, node] of g.nodes.entries()) {
    nodes++;
    for (const t of node.outputs) {
      const ours = values.get(t), other = at.get(t);
      if (!ours || !other) continue;
      let m = 0;
      for (let i = 0; i < other.length; i++) {
        m = Math.max(m, Math.abs(Number((ours.data as ArrayLike<number>)[i]) - other[i]));
      }
      if (m > 0) return { model: c.name, seed, nodes, node: `${opName(node)}#${k}`, maxDiff: m };
    }
  }
  return { model: c.name, seed, nodes, node: "", maxDiff: 0 };
}
