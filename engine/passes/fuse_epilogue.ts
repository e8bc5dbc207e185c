/**
 * Epilogue fusion: an elementwise node (ADD/SUB/MUL/PRELU of a same-shape or per-channel operand,
 * or a unary activation) that is the only reader of another node's single output is appended to
 * that node as an epilogue step: the producing shader applies it before storing, and the
 * intermediate tensor disappears. The operand must exist before the producer runs.
 *
 * @module
 */
import type { EpilogueStep, ExecGraph, ExecNode } from "../../core/exec_graph.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";
import { activationWgsl, type FusedActivation } from "../../kernels/_gpu/wgsl.ts";
import { applyActivation } from "../../kernels/_shared/options.ts";

interface BinaryRule {
  wgsl: (v: string, e: string) => string;
  apply: (v: number, e: number) => number;
  /** Whether the operand may be on the left only when the op commutes. */
  commutes: boolean;
}

const BINARY: Readonly<Record<string, BinaryRule>> = {
  ADD: { wgsl: (v, e) => `(${v} + ${e})`, apply: (v, e) => v + e, commutes: true },
  MUL: { wgsl: (v, e) => `(${v} * ${e})`, apply: (v, e) => v * e, commutes: true },
  SUB: { wgsl: (v, e) => `(${v} - ${e})`, apply: (v, e) => v - e, commutes: false },
  PRELU: {
    wgsl: (v, e) => `select(${v} * ${e}, ${v}, ${v} >= vec4<f32>(0.0))`,
    apply: (v, e) => (v >= 0 ? v : v * e),
    commutes: false,
  },
};

interface UnaryRule {
  wgsl: (v: string) => string;
  apply: (v: number) => number;
}

const UNARY: Readonly<Record<string, UnaryRule>> = {
  RELU: { wgsl: (v) => `max(${v}, vec4<f32>(0.0))`, apply: (v) => Math.max(v, 0) },
  RELU6: {
    wgsl: (v) => `clamp(${v}, vec4<f32>(0.0), vec4<f32>(6.0))`,
    apply: (v) => Math.min(Math.max(v, 0), 6),
  },
  LOGISTIC: {
    wgsl: (v) => `(1.0 / (1.0 + exp(-clamp(${v}, vec4<f32>(-80.0), vec4<f32>(80.0)))))`,
    apply: (v) => 1 / (1 + Math.exp(-v)),
  },
  HARD_SWISH: {
    wgsl: (v) => `(${v} * clamp(${v} + 3.0, vec4<f32>(0.0), vec4<f32>(6.0)) / 6.0)`,
    apply: (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6,
  },
};

/**
 * An epilogue step made from a source node by this pass: it also records that node's fused
 * activation (`NONE` for unary steps), so that a backend can lower the step to the source op's own
 * kernel on its output, in place, with the step's `extra` operand as the op's second input.
 */
export interface SourceStep extends EpilogueStep {
  /** The source node's fused activation. */
  activation: FusedActivation;
}

/**
 * The source node's fused activation of an epilogue step this pass made, `undefined` for other
 * steps (e.g. fake quantization), which only `apply` describes.
 *
 * @example
 * ```ts
 * import { sourceActivation } from "./fuse_epilogue.ts";
 * const step = { op: "RELU", wgsl: "", extra: [], apply: (v: number) => v };
 * if (sourceActivation(step) !== undefined) throw new Error("wrong");
 * ```
 *
 * @param step The step.
 * @returns Its activation, when the step came from a source node.
 */
export function sourceActivation(step: EpilogueStep): FusedActivation | undefined {
  return (step as Partial<SourceStep>).activation;
}

function isFloat(g: ExecGraph, t: number): boolean {
  return g.tensors[t].dtype === "float32";
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function operandMode(g: ExecGraph, operand: number, out: number): "same" | "channel" | undefined {
  const os = g.tensors[out].shape;
  const es = g.tensors[operand].shape;
  if (sameShape(os, es)) return "same";
  const c = os.at(-1);
  if (
    os.length >= 1 && es.length >= 1 && es.at(-1) === c && es.slice(0, -1).every((d) => d === 1)
  ) {
    return "channel";
  }
  return undefined;
}

function stepFor(
  g: ExecGraph,
  node: ExecNode,
  src: number,
  producerPos: number,
  prod: Map<number, number>,
): SourceStep | undefined {
  const act = (node.raw.options.fusedActivationFunction ?? "NONE") as FusedActivation;
  const unary = UNARY[node.op];
  if (unary) {
    return {
      op: node.op,
      wgsl: unary.wgsl("v"),
      extra: [],
      apply: (v) => unary.apply(v),
      activation: "NONE",
    };
  }
  const rule = BINARY[node.op];
  if (!rule || node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs;
  if (a === b) return undefined;
  const srcFirst = a === src;
  if (!srcFirst && !rule.commutes) return undefined;
  const operand = srcFirst ? b : a;
  if (!isFloat(g, operand)) return undefined;
  const p = prod.get(operand);
  if (p !== undefined && p >= producerPos) return undefined;
  const mode = operandMode(g, operand, node.outputs[0]);
  if (!mode || !sameShape(g.tensors[node.outputs[0]].shape, g.tensors[src].shape)) return undefined;
  return {
    op: node.op,
    wgsl: activationWgsl(act, rule.wgsl("v", "e0")),
    extra: [{ tensor: operand, mode }],
    apply: (v, e) => applyActivation(act, rule.apply(v, e[0])),
    activation: act,
  };
}

/**
 * Appends single-consumer elementwise nodes to their producers as epilogue steps.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = fuseEpilogues(g);
 * ```
 *
 * @param graph The graph.
 * @returns The new graph and a report.
 */
export function fuseEpilogues(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const details: string[] = [];
  let applied = 0;
  for (let changed = true; changed;) {
    changed = false;
    const uses = useCounts(g);
    const prod = producerIndex(g);
    for (let k = 0; k < g.nodes.length; k++) {
      const node = g.nodes[k];
      if (!(node.op in BINARY) && !(node.op in UNARY)) continue;
      if (node.outputs.length !== 1 || !isFloat(g, node.outputs[0])) continue;
      for (const src of node.inputs) {
        if (src < 0 || uses[src] !== 1 || g.outputs.includes(src) || !isFloat(g, src)) continue;
        const p = prod.get(src);
        if (p === undefined) continue;
        const producer = g.nodes[p];
        if (producer.outputs.length !== 1 || !producer.kernel.gpu) continue;
        if (producer.epilogue.length >= 4) continue;
        const step = stepFor(g, node, src, p, prod);
        if (!step) continue;
        g.nodes[p] = {
          ...producer,
          outputs: [node.outputs[0]],
          epilogue: [...producer.epilogue, step],
          fused: [...producer.fused, ...node.fused],
        };
        g.nodes.splice(k, 1);
        details.push(`${node.op}#${node.index}->${producer.op}#${producer.index}`);
        applied++;
        changed = true;
        break;
      }
      if (changed) break;
    }
  }
  return { graph: g, report: { pass: "fuse-epilogues", applied, details: details.slice(0, 20) } };
}
