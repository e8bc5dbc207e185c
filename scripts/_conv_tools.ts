/**
 * Pieces of `scripts/conv_tflops.ts`: a time limit per step, quantiles, the adapter probe (features,
 * info and limits under each way of creating the adapter), and the tile sweep of one conv node
 * (the node alone, repeated in one submission, timed per dispatch with timestamp queries).
 *
 * @module
 */
import { type GpuProvider, importDawn } from "../engine/backends/gpu/device.ts";
import type { GpuContext } from "../engine/backends/gpu/device.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { caseGraph, materializeInputs } from "../conformance/harness.ts";
import type { GpuPlanArgs, GpuProgram, OpCase } from "../core/kernel.ts";
import type { ExecGraph } from "../core/exec_graph.ts";
import { conv2d, type Conv2DOptions, conv2dPrograms } from "../kernels/conv_2d/mod.ts";
import { convTile, tileCandidates } from "../kernels/conv_2d/tiled.ts";

/**
 * Rejects when `p` takes longer than `ms`, naming the step.
 *
 * @example
 * ```ts ignore
 * await within(session.run(inputs), 10_000, "first run");
 * ```
 *
 * @param p The step.
 * @param ms Its time limit.
 * @param what Its name, for the error.
 * @returns What `p` resolves to.
 */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A quantile with linear interpolation (`NaN` for no values).
 *
 * @example
 * ```ts ignore
 * quantile([3, 1, 2], 0.5); // 2
 * ```
 *
 * @param xs Values.
 * @param q Quantile in `[0, 1]`.
 * @returns The quantile.
 */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}

/** One way of creating an adapter and what it reported. */
export interface ProbeRow {
  /** How the adapter was created. */
  way: string;
  /** Adapter name. */
  adapter?: string;
  /** Its features, sorted. */
  features?: string[];
  /** `GPUAdapterInfo` fields (vendor, architecture, subgroup sizes...). */
  info?: Record<string, unknown>;
  /** Workgroup and subgroup limits. */
  limits?: Record<string, number>;
  /** Why there is no adapter. */
  error?: string;
}

/** Dawn's ways: its npm package's `create()` flags (Dawn toggles). */
export const DAWN_WAYS: readonly [string, string[]][] = [
  ["dawn create([])", []],
  ["dawn vulkan_enable_f16_on_nvidia", ["enable-dawn-features=vulkan_enable_f16_on_nvidia"]],
  ["dawn allow_unsafe_apis", ["enable-dawn-features=allow_unsafe_apis"]],
  [
    "dawn allow_unsafe_apis + vulkan_enable_f16_on_nvidia",
    ["enable-dawn-features=allow_unsafe_apis,vulkan_enable_f16_on_nvidia"],
  ],
];
const INFO_KEYS = [
  "vendor",
  "architecture",
  "device",
  "description",
  "subgroupMinSize",
  "subgroupMaxSize",
  "isFallbackAdapter",
];
const LIMIT_KEYS = [
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxStorageBufferBindingSize",
  "minSubgroupSize",
  "maxSubgroupSize",
];
// Dawn instances must outlive their adapters.
const keepAlive: unknown[] = [];

function describeAdapter(way: string, adapter: GPUAdapter | null): ProbeRow {
  if (!adapter) return { way, error: "no adapter" };
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info as unknown as
    | Record<string, unknown>
    | undefined;
  const infoRec: Record<string, unknown> = {};
  for (const k of INFO_KEYS) {
    const v = info?.[k];
    if (v !== undefined && v !== "") infoRec[k] = v;
  }
  const lim = adapter.limits as unknown as Record<string, number>;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) if (typeof lim[k] === "number") limits[k] = lim[k];
  return {
    way,
    adapter: String(infoRec.description ?? infoRec.device ?? "?"),
    features: [...(adapter.features as unknown as Iterable<string>)].sort(),
    info: infoRec,
    limits,
  };
}

/**
 * The adapter under each way a provider can create it: Deno's `navigator.gpu`, or Dawn with each
 * of {@linkcode DAWN_WAYS}.
 *
 * @example
 * ```ts ignore
 * for (const row of await probeAdapters("dawn")) console.log(row.way, row.features);
 * ```
 *
 * @param provider The provider.
 * @returns One row per way.
 */
export async function probeAdapters(provider: GpuProvider): Promise<ProbeRow[]> {
  if (provider === "deno") {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    const a = gpu ? await gpu.requestAdapter({ powerPreference: "high-performance" }) : null;
    return [describeAdapter("deno navigator.gpu", a)];
  }
  const dawn = await importDawn();
  const rows: ProbeRow[] = [];
  for (const [way, flags] of DAWN_WAYS) {
    try {
      const inst = dawn.create(flags);
      keepAlive.push(inst);
      const a = await within(
        inst.requestAdapter({ powerPreference: "high-performance" }),
        30_000,
        way,
      );
      rows.push(describeAdapter(way, a));
    } catch (e) {
      rows.push({ way, error: (e as Error).message.split("\n")[0] });
    }
  }
  return rows;
}

/** Copies of the node in one sweep submission. */
export const SWEEP_REPEAT = 10;

/** The node's case: input, constant filter and bias, its raw options. */
function caseOf(graph: ExecGraph, node: number): OpCase {
  const n = graph.nodes[node];
  const spec = (t: number, constant: boolean) => ({
    dtype: "float32" as const,
    shape: [...graph.tensors[t].shape],
    constant,
  });
  return {
    name: `node ${node}`,
    inputs: [
      spec(n.inputs[0], false),
      spec(n.inputs[1], true),
      ...(n.inputs[2] >= 0 ? [spec(n.inputs[2], true)] : []),
    ],
    options: n.raw.options,
  };
}

type ConvPlan = (a: GpuPlanArgs<Conv2DOptions>) => GpuProgram[];

async function timeOneNode(
  gpu: GpuContext,
  c: OpCase,
  plan: ConvPlan,
): Promise<{ ms: number; label: string }> {
  const kernel = { ...conv2d, gpu: { ...conv2d.gpu!, plan } };
  const values = materializeInputs(c, 1);
  const g = caseGraph(kernel, c, values);
  const node = g.nodes[0];
  const outT = g.tensors[node.outputs[0]];
  const nodes = [node];
  for (let k = 1; k < SWEEP_REPEAT; k++) {
    g.tensors.push({ ...outT, name: `out_${k}` });
    nodes.push({ ...node, index: k, outputs: [g.tensors.length - 1] });
  }
  g.nodes = nodes;
  g.outputs = [nodes[nodes.length - 1].outputs[0]];
  const exec = await GpuExecutor.fromGraph(gpu, g, { precision: "f32", profile: true });
  try {
    const input = values[0]!;
    for (let i = 0; i < 2; i++) await exec.run([input]);
    const ms: number[] = [];
    for (let r = 0; r < 3; r++) {
      await exec.run([input]);
      for (const t of exec.timings ?? []) ms.push(t.ms);
    }
    const label = exec.plan.programs[0]?.map((p) => p.label).join(" + ") ?? "?";
    return { ms: quantile(ms, 0.5), label };
  } finally {
    exec.dispose();
  }
}

/**
 * What makes two conv nodes the same for the sweep: input and filter shapes, options.
 *
 * @example
 * ```ts ignore
 * const seen = new Set(nodes.map((k) => sweepKey(graph, k)));
 * ```
 *
 * @param graph The graph.
 * @param node A CONV_2D node.
 * @returns The key.
 */
export function sweepKey(graph: ExecGraph, node: number): string {
  const oc = caseOf(graph, node);
  return JSON.stringify([oc.inputs.map((i) => i?.shape), oc.options]);
}

/**
 * Times a conv node of a graph alone under the direct kernel, the heuristic's tile and its
 * neighbours.
 *
 * @example
 * ```ts ignore
 * const r = await sweepNode(gpu, graph, 12);
 * ```
 *
 * @param gpu The device.
 * @param graph The graph holding the node.
 * @param node The CONV_2D node.
 * @returns Median ms per node of the direct kernel, then the heuristic's tile, then its
 *   neighbours (`NaN`, the label saying why, for a candidate that failed).
 */
export async function sweepNode(
  gpu: GpuContext,
  graph: ExecGraph,
  node: number,
): Promise<{ label: string; ms: number }[]> {
  const oc = caseOf(graph, node);
  const n = graph.nodes[node];
  const xs = graph.tensors[n.inputs[0]].shape;
  const ys = graph.tensors[n.outputs[0]].shape;
  const ws = graph.tensors[n.inputs[1]].shape;
  const inSlices = Math.ceil(xs[3] / 4);
  const lim = gpu.device.limits;
  const planLimits = {
    maxInvocations: lim.maxComputeInvocationsPerWorkgroup,
    maxWorkgroupSize: [lim.maxComputeWorkgroupSizeX, lim.maxComputeWorkgroupSizeY, 64] as [
      number,
      number,
      number,
    ],
    maxWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
  };
  const base = convTile({
    m: ys[0] * ys[1] * ys[2],
    inSlices,
    outSlices: Math.ceil(ys[3] / 4),
    taps: ws[1] * ws[2],
  }, planLimits);
  // A pointwise conv over at most 2 positions (a classifier) keeps the GEMV kernel: no tiles.
  const gemv = ws[1] * ws[2] === 1 && ys[0] * ys[1] * ys[2] <= 2;
  const plans: [string, ConvPlan][] = [
    ["direct", (a) => conv2dPrograms(a, { kernel: "direct" })],
    ...(gemv
      ? []
      : tileCandidates(base, { kSlices: ws[1] * ws[2] * inSlices, limits: planLimits }).map((
        t,
      ): [string, ConvPlan] => [
        JSON.stringify(t),
        (a) => conv2dPrograms(a, { tile: t }),
      ])),
  ];
  const tiles: { label: string; ms: number }[] = [];
  for (const [what, plan] of plans) {
    try {
      tiles.push(await within(timeOneNode(gpu, oc, plan), 60_000, `sweep ${what}`));
    } catch (e) {
      tiles.push({ label: `${what}: ${(e as Error).message.split("\n")[0]}`, ms: NaN });
    }
  }
  return tiles;
}
