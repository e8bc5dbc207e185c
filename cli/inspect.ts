/**
 * `gpulite inspect MODEL [--json]`: inputs and outputs, op histogram, custom ops, weight dtypes,
 * parameter bytes, and whether the engine supports each op yet.
 *
 * @module
 */

import { EXIT_USAGE, parseCommandArgs } from "./_args.ts";
import { type Model, opName } from "../core/ir.ts";
import { readModelFile } from "../format/tflite/reader.ts";
import type { Command, Io } from "./command.ts";
import { supportOf } from "../kernels/registry.ts";
import { type DtypeSupport, dtypeSupportText, supportByDtype } from "./inspect_support.ts";

export type { DtypeSupport };

/** Whether the engine runs an op: on the GPU, and with the CPU reference. */
export interface OpSupportInfo {
  /** A GPU kernel exists (for every dtype the file gives the op, when `dtypes` is present). */
  gpu: boolean;
  /** A CPU reference exists (likewise). */
  reference: boolean;
  /** The cpu backend has a fast kernel for every dtype the file gives the op. */
  cpu?: boolean;
  /** Support per activation dtype of the file's nodes of this op (the registry's own lookup). */
  dtypes?: DtypeSupport[];
}

/** Looks up the engine's support of an op (by builtin name or custom code); `undefined` when unknown. */
export type SupportLookup = (
  op: string,
) => OpSupportInfo | undefined | Promise<OpSupportInfo | undefined>;

/** Name, dtype and shape of a graph input or output. */
export interface TensorInfo {
  /** Tensor name. */
  name: string;
  /** Element type. */
  dtype: string;
  /** Shape (`-1` for dynamic dimensions). */
  shape: number[];
  /** The file leaves the rank open (shown as `[*]`): any shape may be given. */
  unranked?: boolean;
}

/** A named input or output of a signature. */
export interface SignatureTensorInfo extends TensorInfo {
  /** The name the signature gives it (`name` is the tensor's own). */
  signatureName: string;
}

/** A signature (entry point) of a model. */
export interface SignatureInfo {
  /** Signature key. */
  key: string;
  /** The subgraph it runs. */
  subgraph: number;
  /** Its inputs. */
  inputs: SignatureTensorInfo[];
  /** Its outputs. */
  outputs: SignatureTensorInfo[];
}

/** One subgraph of a model. */
export interface SubgraphInfo {
  /** Subgraph name (may be empty). */
  name: string;
  /** Number of nodes. */
  nodes: number;
  /** Its inputs. */
  inputs: TensorInfo[];
  /** Its outputs. */
  outputs: TensorInfo[];
}

/** What `inspect` reports about a model. */
export interface ModelSummary {
  /** Model description from the file. */
  description: string;
  /** Number of subgraphs. */
  subgraphs: number;
  /** Inputs of the main graph. */
  inputs: TensorInfo[];
  /** Outputs of the main graph. */
  outputs: TensorInfo[];
  /** Op counts over all subgraphs, most frequent first; custom ops as `custom:<code>`. */
  ops: Record<string, number>;
  /** Custom op codes, sorted. */
  customOps: string[];
  /** Number of constant tensors per dtype. */
  weightDtypes: Record<string, number>;
  /** Total bytes of constant data. */
  parameterBytes: number;
  /** Signature keys. */
  signatures: string[];
  /** Signatures with their subgraph and named inputs and outputs. */
  signatureDefs: SignatureInfo[];
  /** Every subgraph (the first is the main graph). */
  graphs: SubgraphInfo[];
  /** Support per op key of `ops`, or `"unknown"` when the kernel registry cannot say. */
  support: Record<string, OpSupportInfo | "unknown">;
  /** Problems the reader accepted (e.g. tensors no node produces). */
  warnings: string[];
}

/** Options of {@linkcode inspectModel}. */
export interface InspectOptions {
  /** Support lookup (default: `supportOf` of `kernels/registry.ts`). */
  supportLookup?: SupportLookup;
  /** Reader warnings to include in the summary. */
  warnings?: string[];
}

function registryLookup(): SupportLookup {
  return (op) => {
    const s = supportOf(op.startsWith("custom:") ? op.slice(7) : op);
    return { gpu: s.gpu, reference: s.reference };
  };
}

/**
 * Summarises a model.
 *
 * @example
 * ```ts
 * import { inspectModel } from "./inspect.ts";
 * import { GraphBuilder } from "../format/tflite/mod.ts";
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4]);
 * const w = g.constant("w", "float32", [4], new Float32Array(4));
 * g.output(g.op("ADD", [x, w], [{ dtype: "float32", shape: [1, 4] }])[0]);
 * const s = await inspectModel(g.build(), { supportLookup: () => ({ gpu: true, reference: true }) });
 * if (s.ops.ADD !== 1 || s.parameterBytes !== 16 || s.weightDtypes.float32 !== 1) throw new Error("wrong");
 * ```
 *
 * @param model The model.
 * @param options Support lookup and reader warnings.
 * @returns The summary.
 */
export async function inspectModel(
  model: Model,
  options: InspectOptions = {},
): Promise<ModelSummary> {
  const lookup = options.supportLookup ?? registryLookup();
  const byDtype = options.supportLookup ? undefined : supportByDtype(model);
  const main = model.subgraphs[0];
  const infoIn = (g: number, i: number): TensorInfo => {
    const t = model.subgraphs[g]?.tensors[i];
    return t
      ? { name: t.name, dtype: t.dtype, shape: t.shape, ...(t.unranked ? { unranked: true } : {}) }
      : { name: "?", dtype: "?", shape: [] };
  };
  const info = (i: number): TensorInfo => infoIn(0, i);
  const named = (g: number) => (x: { name: string; tensor: number }): SignatureTensorInfo => ({
    signatureName: x.name,
    ...infoIn(g, x.tensor),
  });
  const counts = new Map<string, number>();
  const lookupName = new Map<string, string>();
  const custom = new Set<string>();
  const weightDtypes: Record<string, number> = {};
  let parameterBytes = 0;
  for (const g of model.subgraphs) {
    for (const node of g.nodes) {
      const name = opName(node);
      const key = node.op === "CUSTOM" ? `custom:${name}` : name;
      if (node.op === "CUSTOM") custom.add(name);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      lookupName.set(key, name);
    }
    for (const t of g.tensors) {
      if (t.data === undefined || t.data.byteLength === 0) continue;
      weightDtypes[t.dtype] = (weightDtypes[t.dtype] ?? 0) + 1;
      parameterBytes += t.data.byteLength;
    }
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const support: Record<string, OpSupportInfo | "unknown"> = {};
  for (const [key] of sorted) {
    const dtypes = byDtype?.[key];
    support[key] = dtypes
      ? {
        gpu: dtypes.every((d) => d.gpu),
        reference: dtypes.every((d) => d.reference),
        cpu: dtypes.every((d) => d.cpu),
        dtypes,
      }
      : (await lookup(lookupName.get(key)!)) ?? "unknown";
  }
  return {
    description: model.description,
    subgraphs: model.subgraphs.length,
    inputs: main.inputs.map(info),
    outputs: main.outputs.map(info),
    ops: Object.fromEntries(sorted),
    customOps: [...custom].sort(),
    weightDtypes,
    parameterBytes,
    signatures: model.signatures.map((s) => s.key),
    signatureDefs: model.signatures.map((s) => ({
      key: s.key,
      subgraph: s.subgraph,
      inputs: s.inputs.map(named(s.subgraph)),
      outputs: s.outputs.map(named(s.subgraph)),
    })),
    graphs: model.subgraphs.map((g, k) => ({
      name: g.name,
      nodes: g.nodes.length,
      inputs: g.inputs.map((t) => infoIn(k, t)),
      outputs: g.outputs.map((t) => infoIn(k, t)),
    })),
    support,
    warnings: options.warnings ?? [],
  };
}

function tensorText(t: TensorInfo): string {
  return `${t.name || "(unnamed)"}  ${t.dtype}[${t.unranked ? "*" : t.shape.join(",")}]`;
}

function supportText(s: OpSupportInfo | "unknown"): string {
  if (s === "unknown") return "support unknown";
  if (s.dtypes) return dtypeSupportText(s.dtypes);
  if (s.gpu) return "gpu";
  return s.reference ? "reference only" : "unsupported";
}

/**
 * Formats a summary for people.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./inspect.ts";
 * const text = formatSummary("m.tflite", {
 *   description: "", subgraphs: 1, inputs: [], outputs: [], ops: { ADD: 2 }, customOps: [],
 *   weightDtypes: {}, parameterBytes: 0, signatures: [], signatureDefs: [], graphs: [],
 *   support: { ADD: "unknown" }, warnings: [],
 * });
 * if (!text.includes("ADD")) throw new Error("wrong");
 * ```
 *
 * @param path Model path, for the heading.
 * @param s The summary.
 * @returns Lines of text.
 */
export function formatSummary(path: string, s: ModelSummary): string {
  const lines = [`${path}: ${s.subgraphs} subgraph${s.subgraphs === 1 ? "" : "s"}`];
  if (s.description) lines.push(`description: ${s.description}`);
  lines.push("inputs:", ...s.inputs.map((t) => `  ${tensorText(t)}`));
  lines.push("outputs:", ...s.outputs.map((t) => `  ${tensorText(t)}`));
  const total = Object.values(s.ops).reduce((a, b) => a + b, 0);
  lines.push(`ops (${total}):`);
  const width = Math.max(0, ...Object.keys(s.ops).map((k) => k.length));
  for (const [op, n] of Object.entries(s.ops)) {
    lines.push(`  ${op.padEnd(width)}  ${String(n).padStart(4)}  ${supportText(s.support[op])}`);
  }
  if (s.customOps.length > 0) lines.push(`custom ops: ${s.customOps.join(", ")}`);
  const dtypes = Object.entries(s.weightDtypes).map(([d, n]) => `${d} x${n}`).join(", ");
  lines.push(`weights: ${dtypes || "none"}; ${s.parameterBytes} parameter bytes`);
  if (s.signatureDefs.length > 0) lines.push("signatures:");
  for (const sig of s.signatureDefs) {
    const list = (ts: SignatureTensorInfo[]) =>
      ts.map((t) => `${t.signatureName} = ${tensorText(t)}`).join("; ") || "none";
    lines.push(`  ${sig.key || "(no key)"} (subgraph ${sig.subgraph})`);
    lines.push(`    inputs: ${list(sig.inputs)}`, `    outputs: ${list(sig.outputs)}`);
  }
  if (s.graphs.length > 1) {
    lines.push("subgraphs:");
    s.graphs.forEach((g, k) => {
      const list = (ts: TensorInfo[]) =>
        ts.map((t) => `${t.dtype}[${t.shape.join(",")}]`).join(" ");
      lines.push(
        `  ${k} ${g.name || "(unnamed)"}: ${g.nodes} node${g.nodes === 1 ? "" : "s"}, ${
          list(g.inputs) || "no inputs"
        } -> ${list(g.outputs) || "no outputs"}`,
      );
    });
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}

const HELP = `Usage: gpulite inspect MODEL [--json]

Summarises a .tflite model: inputs and outputs (name, dtype, shape), op histogram (all subgraphs),
custom ops, constant (weight) dtypes, total parameter bytes, and which backends run each op for the
dtypes the file gives it (8-bit nodes: the integer reference, the cpu backend's 8-bit kernels, the GPU
through dequantization).

Options:
  --json      Print one JSON object instead of text
  -h, --help  Show this help`;

/**
 * The `inspect` command.
 *
 * @example
 * ```ts
 * import { inspectCommand } from "./inspect.ts";
 * const out: string[] = [];
 * const code = await inspectCommand.run(["--help"], { out: (l) => out.push(l), err: (l) => out.push(l) });
 * if (code !== 0 || !out[0].startsWith("Usage: gpulite inspect")) throw new Error("wrong");
 * ```
 */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "Summarise a .tflite model: I/O, ops, weights, engine support",
  help: HELP,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("gpulite inspect", {
      args,
      options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      io.err(
        `error: inspect takes one MODEL path (got ${positionals.length}); see gpulite inspect --help`,
      );
      return 2;
    }
    const path = positionals[0];
    if (!(await Deno.stat(path).catch(() => undefined))?.isFile) {
      io.err(`error: MODEL ${path}: no such file`);
      return EXIT_USAGE;
    }
    const warnings: string[] = [];
    const model = await readModelFile(path, {
      allowDangling: true,
      onWarning: (m) => warnings.push(m),
    });
    const summary = await inspectModel(model, { warnings });
    io.out(values.json ? JSON.stringify(summary) : formatSummary(path, summary));
    return 0;
  },
};
