/**
 * Sparse constants read by ops other than DENSIFY. TensorFlow Lite stores some constants compressed
 * (traversal order, block map, dense and CSR dimensions); binding decodes such a constant to its
 * stored values, which a DENSIFY node expands. A constant that another op reads stands for its
 * dense tensor: it is expanded once, at binding, by the DENSIFY kernel itself.
 *
 * @module
 */
import type { Graph } from "./ir.ts";
import { opName } from "./ir.ts";
import type { HostTensor } from "./kernel.ts";
import { UnsupportedError } from "./errors.ts";
import type { ExecTensor, KernelLookup } from "./exec_graph.ts";

/**
 * Replaces, in `tensors`, the stored values of every sparse constant that an op other than DENSIFY
 * reads by its dense tensor (and drops its sparsity).
 *
 * @example
 * ```ts ignore
 * import { densifySparseConstants } from "./sparse_constants.ts";
 * import { kernelFor } from "../kernels/registry.ts";
 * densifySparseConstants(graph, { tensors, lookup: kernelFor });
 * ```
 *
 * @param graph The source graph (its nodes name the readers).
 * @param at The graph's exec tensors (changed in place) and the kernel lookup.
 * @throws {UnsupportedError} When no DENSIFY kernel is registered.
 */
export function densifySparseConstants(
  graph: Graph,
  at: { tensors: ExecTensor[]; lookup: KernelLookup },
): void {
  at.tensors.forEach((e, i) => {
    if (!e.sparsity || !e.value) return;
    const readers = graph.nodes.filter((n) => n.inputs.includes(i));
    if (readers.every((n) => opName(n) === "DENSIFY")) return;
    const kernel = at.lookup("DENSIFY");
    if (!kernel) {
      throw new UnsupportedError(
        `Constant ${i} "${e.name}" is stored sparse and DENSIFY is missing`,
      );
    }
    const input = { dtype: e.dtype, shape: e.shape, value: e.value, sparsity: e.sparsity };
    const options = kernel.parse({ options: {}, inputs: [input] });
    const outputs = kernel.infer({ inputs: [input], options });
    const [dense]: HostTensor[] = kernel.reference({ inputs: [e.value], options, outputs });
    if (e.quantization) dense.quantization = e.quantization;
    e.value = dense;
    delete e.sparsity;
  });
}
