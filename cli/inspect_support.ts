/**
 * What `inspect` says about each op for the dtypes the file gives it: every node is bound to its
 * kernel as a session would bind it (8-bit activations bind in 8-bit mode where the kernel has an
 * integer half), then each backend's support is read from the kernel the node got. An 8-bit node
 * runs on the reference through the op's integer reference (or as a dtype-generic op over raw
 * values), on the cpu backend through its 8-bit kernel where there is one (the reference otherwise),
 * and on the GPU through dequantization: as the op's float kernel.
 *
 * @module
 */
import type { Graph, Model } from "../core/ir.ts";
import { opName } from "../core/ir.ts";
import { bindNode, decodeConstant, type ExecTensor } from "../core/exec_graph.ts";
import { UnsupportedError } from "../core/errors.ts";
import type { AnyKernelDef } from "../core/kernel.ts";
import { kernelFor } from "../kernels/registry.ts";

/** Support of an op's nodes of one activation dtype. */
export interface DtypeSupport {
  /** The dtype of the nodes' activation (non-constant) inputs: `float32`, `uint8`, `int8`... */
  dtype: string;
  /** Nodes of the op with this dtype. */
  nodes: number;
  /** The reference backend runs them (8-bit: in TFLite's integer arithmetic). */
  reference: boolean;
  /** The cpu backend has a fast kernel for them (else it runs them on the reference). */
  cpu: boolean;
  /** The GPU runs them (8-bit: dequantized, activations in float). */
  gpu: boolean;
  /** Why a node is not supported, when one is not. */
  reason?: string;
}

const EIGHT_BIT = new Set(["int8", "uint8"]);

/** The dtype a node computes in: its first non-constant input's, or its first output's. */
function activationDtype(g: Graph, inputs: readonly number[], outputs: readonly number[]): string {
  const act = inputs.find((t) => t >= 0 && g.tensors[t] && !g.tensors[t].data?.byteLength);
  return g.tensors[act ?? outputs[0]]?.dtype ?? "?";
}

function execTensors(g: Graph): ExecTensor[] {
  return g.tensors.map((t) => {
    const e: ExecTensor = { name: t.name, dtype: t.dtype, shape: [...t.shape] };
    if (t.quantization) e.quantization = t.quantization;
    if (t.data?.byteLength) {
      try {
        e.value = decodeConstant(t);
      } catch { /* a malformed constant is the reader's warning, not a support question */ }
    }
    return e;
  });
}

/** One node's support, from the kernel it binds to. */
function nodeSupport(
  kernel: AnyKernelDef | undefined,
  bound: { quant: boolean } | { error: string } | undefined,
): Omit<DtypeSupport, "dtype" | "nodes"> {
  if (!kernel) return { reference: false, cpu: false, gpu: false, reason: "no kernel" };
  if (bound && "error" in bound) {
    return { reference: false, cpu: false, gpu: false, reason: bound.error };
  }
  if (bound?.quant) {
    return {
      reference: Boolean(kernel.quant),
      cpu: Boolean(kernel.cpu?.quant),
      gpu: Boolean(kernel.gpu),
      ...(kernel.quant ? {} : { reason: "no 8-bit integer reference" }),
    };
  }
  return { reference: true, cpu: Boolean(kernel.cpu?.float), gpu: Boolean(kernel.gpu) };
}

/**
 * Support per op (keys as in `inspect`'s histogram: custom ops as `custom:<code>`) and per
 * activation dtype, over every subgraph of a model.
 *
 * @example
 * ```ts
 * import { supportByDtype } from "./inspect_support.ts";
 * import { GraphBuilder } from "../format/tflite/mod.ts";
 * const q = { scale: [0.1], zeroPoint: [128], quantizedDimension: 0 };
 * const g = new GraphBuilder();
 * const x = g.input("x", "uint8", [1, 4], { quantization: q });
 * g.output(g.op("LOGISTIC", [x], [{ dtype: "uint8", shape: [1, 4], quantization: { ...q, scale: [1 / 256], zeroPoint: [0] } }])[0]);
 * const [s] = supportByDtype(g.build()).LOGISTIC;
 * if (s.dtype !== "uint8" || !s.reference || !s.gpu || s.cpu) throw new Error("wrong");
 * ```
 *
 * @param model The model.
 * @returns Per op key, one entry per activation dtype.
 */
export function supportByDtype(model: Model): Record<string, DtypeSupport[]> {
  const out: Record<string, Map<string, DtypeSupport>> = {};
  for (const g of model.subgraphs) {
    const tensors = execTensors(g);
    g.nodes.forEach((n, index) => {
      const name = opName(n);
      const key = n.op === "CUSTOM" ? `custom:${name}` : name;
      const kernel = kernelFor(name);
      const dtype = activationDtype(g, n.inputs, n.outputs);
      let bound: { quant: boolean } | { error: string } | undefined;
      if (kernel) {
        try {
          const { node } = bindNode(tensors, {
            index,
            op: name,
            kernel,
            inputs: n.inputs,
            outputs: n.outputs,
            options: n.options,
            customOptions: n.customOptions,
          });
          bound = { quant: Boolean(node.quant) };
        } catch (e) {
          // Only a refusal is an answer; other binding failures (shapes a session resolves at
          // run time) leave the kernel's own halves to say.
          if (e instanceof UnsupportedError) bound = { error: e.message };
          else if (EIGHT_BIT.has(dtype)) {
            bound = { quant: Boolean(kernel.quant || kernel.cpu?.quant) };
          }
        }
      }
      const s = nodeSupport(kernel, bound);
      const byDtype = out[key] ??= new Map();
      const prev = byDtype.get(dtype);
      if (!prev) byDtype.set(dtype, { dtype, nodes: 1, ...s });
      else {
        prev.nodes++;
        prev.reference &&= s.reference;
        prev.cpu &&= s.cpu;
        prev.gpu &&= s.gpu;
        prev.reason ??= s.reason;
      }
    });
  }
  return Object.fromEntries(Object.entries(out).map(([k, m]) => [k, [...m.values()]]));
}

/**
 * One line of support for people: per dtype, the backends that run the op's nodes.
 *
 * @example
 * ```ts
 * import { dtypeSupportText } from "./inspect_support.ts";
 * const t = dtypeSupportText([{ dtype: "uint8", nodes: 2, reference: true, cpu: true, gpu: true }]);
 * if (t !== "uint8: gpu (dequantized), cpu, reference") throw new Error(t);
 * ```
 *
 * @param list The op's entries from {@linkcode supportByDtype}.
 * @returns The text.
 */
export function dtypeSupportText(list: readonly DtypeSupport[]): string {
  return list.map((s) => {
    if (!s.reference && !s.gpu) return `${s.dtype}: unsupported${s.reason ? ` (${s.reason})` : ""}`;
    const where = [
      s.gpu ? (EIGHT_BIT.has(s.dtype) ? "gpu (dequantized)" : "gpu") : "",
      s.cpu ? "cpu" : s.reference ? "cpu (reference)" : "",
      s.reference ? "reference" : "",
    ].filter(Boolean);
    return `${s.dtype}: ${where.join(", ")}`;
  }).join("; ");
}
