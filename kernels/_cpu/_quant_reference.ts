/**
 * The oracle of the fast 8-bit CPU tests: a whole 8-bit graph run node by node on each op's integer
 * reference (`kernel.quant.reference`, TFLite's arithmetic; see `kernels/<op>/quant.ts`), or on the
 * plain reference for dtype-generic ops without an 8-bit half.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { UsageError } from "../../core/errors.ts";

/**
 * Runs an 8-bit graph on the integer references.
 *
 * @example
 * ```ts ignore
 * const [y] = runQuantReference(graph, [x]);
 * ```
 *
 * @param g The exec graph.
 * @param inputs Graph inputs.
 * @returns Graph outputs.
 */
export function runQuantReference(g: ExecGraph, inputs: HostTensor[]): HostTensor[] {
  const v = new Map<number, HostTensor>();
  g.inputs.forEach((t, i) => v.set(t, { ...inputs[i], quantization: g.tensors[t].quantization }));
  const value = (t: number): HostTensor => {
    const x = v.get(t) ?? g.tensors[t].value;
    if (!x) throw new UsageError(`Tensor ${t} "${g.tensors[t].name}" was never computed`);
    return x;
  };
  for (const node of g.nodes) {
    const half = node.kernel.quant ?? node.kernel;
    const outs = half.reference({
      inputs: node.inputs.map((t) => (t < 0 ? undefined : value(t))),
      options: node.options,
      outputs: node.outputs.map((t) => g.tensors[t]),
    });
    node.outputs.forEach((t, i) => v.set(t, outs[i]));
  }
  return g.outputs.map(value);
}
