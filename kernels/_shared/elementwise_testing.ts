/**
 * Shared unit checks of the elementwise ops' option parsing and shape rules, for their `_test.ts`
 * files: every error must be an `OpError` whose message names the op.
 *
 * @module
 */
import { throws } from "node:assert";
import type { AnyKernelDef, OpInput } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import type { NodeOptions } from "../../core/ir.ts";

/**
 * A float32 (or other dtype) input spec, for unit tests.
 *
 * @example
 * ```ts
 * import { spec } from "./elementwise_testing.ts";
 * if (spec([2, 3]).dtype !== "float32") throw new Error("wrong");
 * ```
 *
 * @param shape The shape.
 * @param dtype The dtype (default float32).
 * @returns The input.
 */
export function spec(shape: number[], dtype: OpInput["dtype"] = "float32"): OpInput {
  return { dtype, shape };
}

function rejects(
  kernel: AnyKernelDef,
  args: { inputs: (OpInput | undefined)[]; options?: NodeOptions },
  match: RegExp,
): void {
  throws(
    () => {
      const options = kernel.parse({ options: args.options ?? {}, inputs: args.inputs });
      kernel.infer({ inputs: args.inputs, options });
    },
    (e: unknown) =>
      e instanceof OpError && e.message.startsWith(kernel.name) && match.test(e.message),
  );
}

/**
 * Asserts that a binary op rejects a missing input, shapes that do not broadcast, mixed dtypes,
 * unsupported dtypes and (when it has one) an unknown fused activation.
 *
 * @example
 * ```ts
 * import { checkBinaryErrors } from "./elementwise_testing.ts";
 * import { add } from "../add/mod.ts";
 * checkBinaryErrors(add, { activation: true });
 * ```
 *
 * @param kernel The op.
 * @param options Whether the op has `fusedActivationFunction`.
 */
export function checkBinaryErrors(kernel: AnyKernelDef, options: { activation: boolean }): void {
  rejects(kernel, { inputs: [spec([2])] }, /needs 2 inputs/);
  rejects(kernel, { inputs: [spec([2, 3]), spec([4])] }, /cannot be broadcast/);
  rejects(kernel, { inputs: [spec([2]), spec([2], "int32")] }, /dtypes differ/);
  rejects(kernel, { inputs: [spec([2], "uint8"), spec([2], "uint8")] }, /not supported/);
  if (options.activation) {
    rejects(
      kernel,
      { inputs: [spec([2]), spec([2])], options: { fusedActivationFunction: "SWISH" } },
      /fusedActivationFunction/,
    );
  }
}

/**
 * Asserts that a unary op rejects a missing input and an unsupported dtype.
 *
 * @example
 * ```ts
 * import { checkUnaryErrors } from "./elementwise_testing.ts";
 * import { relu } from "../relu/mod.ts";
 * checkUnaryErrors(relu);
 * ```
 *
 * @param kernel The op.
 */
export function checkUnaryErrors(kernel: AnyKernelDef): void {
  rejects(kernel, { inputs: [] }, /needs 1 input/);
  rejects(kernel, { inputs: [spec([2], "bool")] }, /not supported/);
}

/**
 * Asserts that an op rejects the given options with an error naming the op and `field`.
 *
 * @example
 * ```ts
 * import { checkOptionError } from "./elementwise_testing.ts";
 * import { add } from "../add/mod.ts";
 * checkOptionError(add, { fusedActivationFunction: 3 }, "fusedActivationFunction");
 * ```
 *
 * @param kernel The op.
 * @param options The bad raw options.
 * @param field The field the message must name.
 */
export function checkOptionError(
  kernel: AnyKernelDef,
  options: NodeOptions,
  field: string,
): void {
  rejects(kernel, { inputs: [spec([2]), spec([2])], options }, new RegExp(field));
}
