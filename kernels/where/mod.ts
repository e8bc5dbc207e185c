/**
 * WHERE (one input): the coordinates of the true elements of a bool tensor, as an int64
 * `[count, rank]` tensor in row-major order. The count is the output's first dimension, so the
 * condition's value decides the output shape: it must be known when the graph is bound (a constant,
 * or a graph input given as `inputValues`). Runs on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, OpInput, TensorSpec } from "../../core/kernel.ts";
import { OpError, ValueNeededError } from "../../core/errors.ts";
import { allocTensor } from "../_shared/tensor.ts";

const OP = "WHERE";

function condition(inputs: readonly (OpInput | undefined)[]): OpInput {
  if (inputs.length !== 1 || !inputs[0]) {
    throw new OpError(`${OP} takes one input (the condition), got ${inputs.length}`);
  }
  if (inputs[0].dtype !== "bool") {
    throw new OpError(`${OP}: the condition must be bool, got ${inputs[0].dtype}`);
  }
  return inputs[0];
}

function trueCount(c: HostTensor): number {
  let n = 0;
  for (let i = 0; i < c.data.length; i++) if (c.data[i]) n++;
  return n;
}

/**
 * The WHERE kernel.
 *
 * @example
 * ```ts
 * import { where } from "./mod.ts";
 * const c = { dtype: "bool" as const, shape: [2, 2], data: Uint8Array.of(0, 1, 1, 0) };
 * const outputs = where.infer({ inputs: [{ ...c, value: c }], options: {} });
 * const [y] = where.reference({ inputs: [c], options: {}, outputs });
 * if (y.shape.join() !== "2,2" || y.data.join() !== "0,1,1,0") throw new Error("wrong");
 * ```
 */
export const where: KernelDef<Record<string, never>> = {
  name: OP,
  parse({ inputs }) {
    condition(inputs);
    return {};
  },
  infer({ inputs }): TensorSpec[] {
    const c = condition(inputs);
    if (!c.value) {
      throw new ValueNeededError(
        `${OP}: input 0 must be a constant tensor (its value decides shapes)`,
        { operand: 0 },
      );
    }
    return [{ dtype: "int64", shape: [trueCount(c.value), c.shape.length] }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const c = inputs[0]!;
    const rank = c.shape.length;
    const out = allocTensor("int64", outputs[0].shape);
    if (out.shape[0] !== trueCount(c)) {
      throw new OpError(
        `${OP}: the condition holds ${trueCount(c)} true values; the graph was bound for ${
          out.shape[0]
        }`,
      );
    }
    const coords = new Array<number>(rank).fill(0);
    let k = 0;
    for (let i = 0; i < c.data.length; i++) {
      if (c.data[i]) {
        for (let d = 0; d < rank; d++) out.data[k++] = BigInt(coords[d]);
      }
      for (let d = rank - 1; d >= 0; d--) {
        if (++coords[d] < c.shape[d]) break;
        coords[d] = 0;
      }
    }
    return [out];
  },
  cases(): OpCase[] {
    const shapes = [[4], [3, 4], [2, 3, 5], [1, 1]];
    return shapes.map((shape, i) => ({
      name: `bool [${shape}]`,
      inputs: [{
        dtype: "bool",
        shape,
        data: Array.from(
          { length: shape.reduce((a, b) => a * b, 1) },
          (_, j) => (j * 7 + i) % 3 === 0 ? 1 : 0,
        ),
        constant: true,
      }],
    }));
  },
};
