/**
 * Test helpers of the shape-group ops: constant operands and option-error assertions.
 *
 * @module
 */
import { throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import type { AnyKernelDef, HostTensor, OpInput } from "../../core/kernel.ts";
import type { NodeOptions } from "../../core/ir.ts";

/**
 * A constant int32 operand as parse/infer see it.
 *
 * @example
 * ```ts
 * import { constInt } from "./_shape_testing.ts";
 * if (constInt([1, 2]).value!.data[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param values The values.
 * @param shape Shape (default `[values.length]`).
 * @returns The input.
 */
export function constInt(values: number[], shape: number[] = [values.length]): OpInput {
  return {
    dtype: "int32",
    shape,
    value: { dtype: "int32", shape, data: new Int32Array(values) },
  };
}

/**
 * Asserts that `fn` throws an `OpError` whose message matches `pattern`.
 *
 * @example
 * ```ts
 * import { throwsOp } from "./_shape_testing.ts";
 * import { OpError } from "../../core/errors.ts";
 * throwsOp(() => { throw new OpError("X: bad axis"); }, /axis/);
 * ```
 *
 * @param fn The call.
 * @param pattern What the message must contain.
 */
export function throwsOp(fn: () => unknown, pattern: RegExp = /./): void {
  throws(fn, (e: unknown) => e instanceof OpError && pattern.test(e.message));
}

/**
 * Parses, infers and runs the reference of a kernel on host tensors; inputs listed in `constants`
 * are passed to parse as constants (with `value`).
 *
 * @example
 * ```ts
 * import { runReference } from "./_shape_testing.ts";
 * import { transpose } from "../transpose/mod.ts";
 * const x = { dtype: "int32" as const, shape: [1, 2], data: new Int32Array([1, 2]) };
 * const perm = { dtype: "int32" as const, shape: [2], data: new Int32Array([1, 0]) };
 * const [y] = runReference(transpose, { inputs: [x, perm], constants: [1] });
 * if (y.shape.join() !== "2,1") throw new Error("wrong");
 * ```
 *
 * @param kernel The op.
 * @param args Host inputs, raw options and which inputs are constants.
 * @returns The outputs.
 */
export function runReference(
  kernel: AnyKernelDef,
  args: { inputs: HostTensor[]; options?: NodeOptions; constants?: number[] },
): HostTensor[] {
  const ops: OpInput[] = args.inputs.map((t, i) => ({
    dtype: t.dtype,
    shape: t.shape,
    value: args.constants?.includes(i) ? t : undefined,
  }));
  const options = kernel.parse({ options: args.options ?? {}, inputs: ops });
  const outputs = kernel.infer({ inputs: ops, options });
  return kernel.reference({ inputs: args.inputs, options, outputs });
}
