/**
 * Builds an {@linkcode ExecGraph} for the CPU executor from a source graph, accepting 8-bit
 * quantized nodes whose kernels (float-only references) refuse them: their options are parsed with
 * the shared option readers and their outputs keep the file's shapes and quantization. Every other
 * node is bound exactly as `buildExecGraph` does.
 *
 * @module
 */
import type { Graph, NodeOptions } from "../../../core/ir.ts";
import { opName } from "../../../core/ir.ts";
import {
  buildExecGraph,
  type ExecGraph,
  type ExecNode,
  type KernelLookup,
} from "../../../core/exec_graph.ts";
import { UnsupportedError } from "../../../core/errors.ts";
import { parseConvOptions } from "../../../kernels/_shared/conv_common.ts";
import { parsePool2DOptions } from "../../../kernels/_shared/pool_window.ts";
import { activationOption, boolOption } from "../../../kernels/_shared/options.ts";

/** Option parsers of the 8-bit nodes the CPU backend runs, by op. */
const QUANT_PARSE: Readonly<Record<string, (o: NodeOptions) => unknown>> = {
  CONV_2D: (o) => parseConvOptions("CONV_2D", o),
  DEPTHWISE_CONV_2D: (o) => parseConvOptions("DEPTHWISE_CONV_2D", o),
  FULLY_CONNECTED: (o) => ({
    activation: activationOption("FULLY_CONNECTED", o),
    keepNumDims: boolOption("FULLY_CONNECTED", o, "keepNumDims", false),
  }),
  ADD: (o) => ({ activation: activationOption("ADD", o) }),
  AVERAGE_POOL_2D: (o) => parsePool2DOptions("AVERAGE_POOL_2D", o),
  RESHAPE: () => ({}),
  SQUEEZE: () => ({}),
};

function is8bit(g: Graph, t: number): boolean {
  const d = t >= 0 ? g.tensors[t].dtype : undefined;
  return d === "uint8" || d === "int8";
}

/**
 * The exec graph of a source graph for {@linkcode CpuExecutor}: like `buildExecGraph`, plus the
 * 8-bit quantized CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D and RESHAPE
 * nodes the CPU backend runs in integer arithmetic.
 *
 * @example
 * ```ts ignore
 * import { buildCpuGraph } from "./graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * const g = buildCpuGraph(model.subgraphs[0], kernelFor);
 * ```
 *
 * @param graph The source graph (static shapes).
 * @param lookup Kernel lookup.
 * @returns The exec graph.
 */
export function buildCpuGraph(graph: Graph, lookup: KernelLookup): ExecGraph {
  const quant = graph.nodes.map((n) => is8bit(graph, n.inputs[0]) && opName(n) in QUANT_PARSE);
  if (!quant.some(Boolean)) return buildExecGraph(graph, lookup);
  // Bind the float nodes with the kernels, the 8-bit ones here; shapes come from the file.
  const stub: Graph = { ...graph, nodes: [] };
  const exec = buildExecGraph(stub, lookup);
  exec.nodes = graph.nodes.map((node, index): ExecNode => {
    const op = opName(node);
    const kernel = lookup(op);
    if (!kernel) throw new UnsupportedError(`Node ${index} (${op}): op ${op} is not implemented`);
    let options: unknown;
    if (quant[index]) options = QUANT_PARSE[op](node.options);
    else {
      const inputs = node.inputs.map((t) => {
        if (t < 0) return undefined;
        const s = exec.tensors[t];
        return { dtype: s.dtype, shape: s.shape, quantization: s.quantization, value: s.value };
      });
      options = kernel.parse({ options: node.options, customOptions: node.customOptions, inputs });
      const declared = node.outputs.map((t) => ({
        dtype: exec.tensors[t].dtype,
        shape: exec.tensors[t].shape,
        quantization: exec.tensors[t].quantization,
      }));
      const specs = kernel.infer({ inputs, options, outputs: declared });
      node.outputs.forEach((t, k) => {
        exec.tensors[t].shape = [...specs[k].shape];
        exec.tensors[t].dtype = specs[k].dtype;
        if (specs[k].quantization) exec.tensors[t].quantization = specs[k].quantization;
      });
    }
    return {
      index,
      op,
      kernel,
      options,
      inputs: [...node.inputs],
      outputs: [...node.outputs],
      epilogue: [],
      fused: [index],
      raw: { options: node.options, customOptions: node.customOptions },
    };
  });
  return exec;
}
