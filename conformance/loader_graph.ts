/**
 * Builds a case's one-node model through the real loader: the case is written as a `.tflite` with
 * the writer, read back with the validating reader, and bound to kernels like any model.
 *
 * @module
 */
import type { AnyKernelDef, HostTensor, OpCase } from "../core/kernel.ts";
import { GraphBuilder, readModel, writeModel } from "../format/tflite/mod.ts";
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import { caseGraph } from "./harness.ts";

function bytesOf(t: HostTensor): ArrayBufferView {
  return t.data;
}

/**
 * The exec graph of a case, made by writing and reading a one-op `.tflite` file.
 *
 * @example
 * ```ts
 * import { loaderGraph } from "./loader_graph.ts";
 * import { materializeInputs } from "./harness.ts";
 * import { add } from "../kernels/add/mod.ts";
 * const c = add.cases()[0];
 * const g = loaderGraph(add, c, materializeInputs(c, 1));
 * if (g.nodes[0].op !== "ADD") throw new Error("wrong");
 * ```
 *
 * @param kernel The op.
 * @param c The case.
 * @param values Input values (constants are embedded in the file).
 * @returns The graph; its inputs are the case's non-constant inputs, in order.
 */
export function loaderGraph(
  kernel: AnyKernelDef,
  c: OpCase,
  values: (HostTensor | undefined)[],
): ExecGraph {
  // Output specs come from the direct graph (same parse + infer the loader will run).
  const direct = caseGraph(kernel, c, values);
  const b = new GraphBuilder({ name: `${kernel.name} ${c.name}` });
  const ids = c.inputs.map((inp, i) => {
    if (!inp) return -1;
    const q = inp.quantization ? { quantization: inp.quantization } : undefined;
    return inp.constant
      ? b.constant(`in${i}`, inp.dtype, inp.shape, bytesOf(values[i]!), q)
      : b.input(`in${i}`, inp.dtype, inp.shape, q);
  });
  const outSpecs = direct.nodes[0].outputs.map((t, k) => ({
    name: `out${k}`,
    dtype: direct.tensors[t].dtype,
    shape: direct.tensors[t].shape,
    quantization: direct.tensors[t].quantization,
  }));
  const outs = b.op(kernel.custom ? "CUSTOM" : kernel.name, ids, outSpecs, {
    options: c.options ?? {},
    optionsType: kernel.optionsType,
    customCode: kernel.custom ? kernel.name : undefined,
    customOptions: c.customOptions,
  });
  b.output(...outs);
  const model = readModel(writeModel(b.build()));
  return buildExecGraph(model.subgraphs[0], (name) => (name === kernel.name ? kernel : undefined));
}
