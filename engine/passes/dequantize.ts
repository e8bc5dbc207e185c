/**
 * Turns an 8-bit graph into a float graph, the TFLite GPU delegate's way of running quantized
 * models: constant 8-bit weights and int32 biases of 8-bit nodes become float32 constants
 * (`scale * (q - zero_point)`, per channel too), 8-bit activations are carried as float32, a
 * DEQUANTIZE follows each 8-bit graph input and a QUANTIZE precedes each 8-bit graph output, so
 * callers still see the model's own dtypes. Every other 8-bit output is fake-quantized in float
 * (clamped to what its dtype holds, rounded to its grid: an epilogue step), as the integer kernels'
 * saturation does. QUANTIZE nodes keep their 8-bit outputs, followed by a DEQUANTIZE; DEQUANTIZE
 * nodes of converted tensors are removed; a CAST of an 8-bit tensor reads a QUANTIZE of it (it casts
 * the raw integers).
 *
 * @module
 */
import {
  bindNode,
  type EpilogueStep,
  type ExecGraph,
  type ExecNode,
  type ExecTensor,
} from "../../core/exec_graph.ts";
import { channelQuant, dtypeRange } from "../../kernels/_shared/quant_math.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { dequantizeTensor } from "../../kernels/dequantize/quant.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";

const QUANTIZED_DTYPES = new Set(["int8", "uint8", "int16", "int32"]);

function is8Bit(dtype: string): boolean {
  return dtype === "int8" || dtype === "uint8";
}

function isQuantized(t: ExecTensor): boolean {
  return Boolean(
    t.quantization && t.quantization.scale.length > 0 && QUANTIZED_DTYPES.has(t.dtype),
  );
}

function toFloat(t: ExecTensor): ExecTensor {
  const f: ExecTensor = { name: t.name, dtype: "float32", shape: [...t.shape] };
  if (t.value) f.value = dequantizeTensor(t.value);
  return f;
}

function wgslFloat(x: number): string {
  const s = String(Math.fround(x));
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/**
 * The fake quantization of an 8-bit tensor in float: clamp to the values its dtype can hold, then
 * round to its grid (what the integer kernels' saturation and rounding do).
 *
 * @example
 * ```ts
 * import { fakeQuantStep } from "./dequantize.ts";
 * const st = fakeQuantStep({ name: "y", dtype: "uint8", shape: [1], quantization: { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 } });
 * if (st.apply(-9, []) !== -5 || st.apply(1.2, []) !== 1) throw new Error("wrong");
 * ```
 *
 * @param t The 8-bit tensor (before conversion).
 * @returns The epilogue step.
 */
export function fakeQuantStep(t: ExecTensor): EpilogueStep {
  const { scale, zeroPoint } = channelQuant(t.quantization!, 0);
  const [qmin, qmax] = dtypeRange(t.dtype);
  const lo = scale * (qmin - zeroPoint), hi = scale * (qmax - zeroPoint);
  const [l, h, sc] = [lo, hi, scale].map(wgslFloat);
  return {
    op: "FAKE_QUANT",
    wgsl: `(round((clamp(v, vec4<f32>(${l}), vec4<f32>(${h})) - ${l}) / ${sc}) * ${sc} + ${l})`,
    extra: [],
    apply: (v) => Math.round((Math.min(hi, Math.max(lo, v)) - lo) / scale) * scale + lo,
  };
}

/**
 * Whether a node computes on 8-bit activations: bound in 8-bit mode, or a dtype-generic op (PAD,
 * TRANSPOSE, GATHER...) bound in float mode over 8-bit tensors. Float QUANTIZE nodes are not.
 */
function isEightBitNode(g: ExecGraph, n: ExecNode): boolean {
  if (n.quant) return true;
  // CAST reads raw integers: it keeps 8-bit inputs (re-quantized copies where needed).
  if (n.op === "QUANTIZE" || n.op === "CAST") return false;
  return n.inputs.some((t) =>
    t >= 0 && !g.tensors[t].value && isQuantized(g.tensors[t]) &&
    is8Bit(g.tensors[t].dtype)
  );
}

function bind(
  g: ExecGraph,
  node: ExecNode,
  op: string,
  io: { inputs: number[]; outputs: number[] },
) {
  return bindNode(g.tensors, {
    index: node.index,
    op,
    kernel: kernelFor(op),
    inputs: io.inputs,
    outputs: io.outputs,
    declared: io.outputs.map((t) => g.tensors[t]),
    options: op === node.op ? node.raw.options : {},
    customOptions: op === node.op ? node.raw.customOptions : undefined,
  });
}

/**
 * Rewrites the 8-bit nodes of a graph into float nodes (see the module documentation). A graph
 * without 8-bit nodes comes back unchanged.
 *
 * @example
 * ```ts ignore
 * import { dequantizeGraph } from "./dequantize.ts";
 * const { graph: floatGraph } = dequantizeGraph(buildExecGraph(model.subgraphs[0], kernelFor));
 * ```
 *
 * @param graph The exec graph, 8-bit nodes bound in 8-bit mode (`quant: true`).
 * @returns The float graph and a report (`applied`: nodes rewritten).
 */
export function dequantizeGraph(graph: ExecGraph): PassResult {
  const eight = new Set(graph.nodes.filter((n) => isEightBitNode(graph, n)));
  const quantNodes = [...eight];
  if (quantNodes.length === 0) {
    return { graph, report: { pass: "dequantize", applied: 0, details: [] } };
  }
  const g = cloneGraph(graph);
  const touched = new Set<number>();
  for (const [k, n] of g.nodes.entries()) {
    if (!eight.has(graph.nodes[k])) continue;
    for (const t of [...n.inputs, ...n.outputs]) {
      if (t >= 0 && isQuantized(g.tensors[t])) touched.add(t);
    }
  }
  // 8-bit tensors that stay 8-bit: graph inputs and QUANTIZE outputs. A DEQUANTIZE follows each.
  const quantizeOutputs = new Set(
    g.nodes.filter((n) => n.op === "QUANTIZE").map((n) => n.outputs[0]),
  );
  const sources = new Set(
    [...touched].filter((t) => g.inputs.includes(t) || quantizeOutputs.has(t)),
  );
  const edge = (t: number, name: string): number => {
    g.tensors.push({
      name: `${g.tensors[t].name}/${name}`,
      dtype: "float32",
      shape: [...g.tensors[t].shape],
    });
    return g.tensors.length - 1;
  };
  const renamed = new Map<number, number>();
  const dequantizeAfter = (t: number, at: ExecNode): ExecNode[] => {
    if (!sources.has(t)) return [];
    const f = edge(t, "dequantized");
    renamed.set(t, f);
    return [bind(g, at, "DEQUANTIZE", { inputs: [t], outputs: [f] }).node];
  };
  const head = g.inputs.flatMap((t) => dequantizeAfter(t, g.nodes[0]));
  const outputs = new Map<number, number>();
  for (const t of g.outputs) {
    if (touched.has(t) && !sources.has(t)) outputs.set(t, edge(t, "float"));
  }
  for (const t of touched) {
    if (!sources.has(t) && !outputs.has(t)) g.tensors[t] = toFloat(g.tensors[t]);
  }
  const alias = new Map<number, number>();
  const resolve = (t: number) => alias.get(t) ?? renamed.get(t) ?? t;
  const body: ExecNode[] = [];
  const details: string[] = [];
  for (const [k, n] of g.nodes.entries()) {
    n.inputs = n.inputs.map((t) => (t < 0 ? t : resolve(t)));
    const outs = n.outputs.map((t) => outputs.get(t) ?? t);
    const original = graph.nodes[k];
    if (n.op === "DEQUANTIZE" && n.quant && g.tensors[n.inputs[0]].dtype === "float32") {
      // Its input is already float (and fake-quantized by its producer).
      alias.set(outs[0], n.inputs[0]);
      details.push(`${n.op}#${n.index} removed`);
      continue;
    }
    if (!eight.has(original)) {
      // A reader that needs the 8-bit values of a tensor now carried as float gets a QUANTIZE copy.
      const requantize: ExecNode[] = [];
      n.inputs = n.inputs.map((t, i) => {
        const was = graph.tensors[original.inputs[i]];
        if (t < 0 || was.value || g.tensors[t].dtype === was.dtype || !is8Bit(was.dtype)) return t;
        g.tensors.push({
          name: `${was.name}/requantized`,
          dtype: was.dtype,
          shape: [...was.shape],
        });
        const c = g.tensors.length - 1;
        g.tensors[c].quantization = was.quantization;
        requantize.push(bind(g, n, "QUANTIZE", { inputs: [t], outputs: [c] }).node);
        return c;
      });
      body.push(...requantize, n, ...dequantizeAfter(n.outputs[0], n));
      continue;
    }
    const before = graph.tensors[n.outputs[0]];
    const { node, outputs: specs } = bind(g, n, n.op, { inputs: n.inputs, outputs: outs });
    const clamp = n.op !== "QUANTIZE" && isQuantized(before) && is8Bit(before.dtype) &&
      !n.kernel.traits?.dataMovement;
    node.epilogue = clamp ? [fakeQuantStep(before), ...n.epilogue] : n.epilogue;
    outs.forEach((t, k) => {
      g.tensors[t] = { ...g.tensors[t], dtype: specs[k].dtype, shape: [...specs[k].shape] };
    });
    body.push({ ...node, index: n.index, fused: n.fused }, ...dequantizeAfter(n.outputs[0], n));
    details.push(`${n.op}#${n.index}`);
  }
  const tail = [...outputs].map(([t, f]) =>
    bind(g, quantNodes.at(-1)!, "QUANTIZE", { inputs: [resolve(f)], outputs: [t] }).node
  );
  g.nodes = [...head, ...body, ...tail];
  // A removed DEQUANTIZE that wrote a float graph output hands the output to its input.
  g.outputs = g.outputs.map((t) => alias.get(t) ?? t);
  return {
    graph: g,
    report: { pass: "dequantize", applied: quantNodes.length, details: details.slice(0, 8) },
  };
}
