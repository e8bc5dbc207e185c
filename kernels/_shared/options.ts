/**
 * Readers for raw node options: each checks the type and range and names the op and field on error.
 *
 * @module
 */
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";

/**
 * An integer option, with a default when absent.
 *
 * @example
 * ```ts
 * import { intOption } from "./options.ts";
 * if (intOption("CONV_2D", { strideW: 2 }, "strideW", 1) !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @param field Field name.
 * @param fallback Value when absent.
 * @param min Smallest allowed value.
 * @returns The value.
 */
export function intOption(
  op: string,
  options: NodeOptions,
  field: string,
  fallback: number,
  min = -Infinity,
): number {
  const v = options[field] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new OpError(
      `${op}: option ${field} must be an integer >= ${min}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * A float option, with a default when absent.
 *
 * @example
 * ```ts
 * import { floatOption } from "./options.ts";
 * if (floatOption("SOFTMAX", {}, "beta", 1) !== 1) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @param field Field name.
 * @param fallback Value when absent.
 * @returns The value.
 */
export function floatOption(
  op: string,
  options: NodeOptions,
  field: string,
  fallback: number,
): number {
  const v = options[field] ?? fallback;
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new OpError(
      `${op}: option ${field} must be a number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * A boolean option, with a default when absent.
 *
 * @example
 * ```ts
 * import { boolOption } from "./options.ts";
 * if (boolOption("RESIZE_BILINEAR", {}, "alignCorners", false)) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @param field Field name.
 * @param fallback Value when absent.
 * @returns The value.
 */
export function boolOption(
  op: string,
  options: NodeOptions,
  field: string,
  fallback: boolean,
): boolean {
  const v = options[field] ?? fallback;
  if (typeof v !== "boolean") {
    throw new OpError(
      `${op}: option ${field} must be a boolean, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * An enum option (its name), checked against the allowed names.
 *
 * @example
 * ```ts
 * import { enumOption } from "./options.ts";
 * if (enumOption("CONV_2D", {}, "padding", ["SAME", "VALID"], "SAME") !== "SAME") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @param field Field name.
 * @param allowed Allowed names.
 * @param fallback Value when absent.
 * @returns The value.
 */
export function enumOption<E extends string>(
  op: string,
  options: NodeOptions,
  field: string,
  allowed: readonly E[],
  fallback: E,
): E {
  const v = options[field] ?? fallback;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new OpError(
      `${op}: option ${field} must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`,
    );
  }
  return v as E;
}

/** Fused activations the engine implements. */
export const FUSED_ACTIVATIONS: readonly FusedActivation[] = [
  "NONE",
  "RELU",
  "RELU_N1_TO_1",
  "RELU6",
  "TANH",
  "SIGN_BIT",
];

/**
 * The `fusedActivationFunction` option.
 *
 * @example
 * ```ts
 * import { activationOption } from "./options.ts";
 * if (activationOption("ADD", { fusedActivationFunction: "RELU" }) !== "RELU") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @returns The activation.
 */
export function activationOption(
  op: string,
  options: NodeOptions,
): FusedActivation {
  return enumOption(
    op,
    options,
    "fusedActivationFunction",
    FUSED_ACTIVATIONS,
    "NONE",
  );
}

const SCALAR_ACTIVATIONS: Readonly<
  Record<FusedActivation, (x: number) => number>
> = {
  NONE: (x) => x,
  RELU: (x) => (x < 0 ? 0 : x),
  RELU_N1_TO_1: (x) => Math.min(1, Math.max(-1, x)),
  RELU6: (x) => Math.min(6, Math.max(0, x)),
  TANH: (x) => Math.tanh(x),
  SIGN_BIT: (x) => (x < 0 ? 1 : 0),
};

/**
 * Applies a fused activation to one value (CPU reference semantics; NaN propagates).
 *
 * @example
 * ```ts
 * import { applyActivation } from "./options.ts";
 * if (applyActivation("RELU6", 7) !== 6) throw new Error("wrong");
 * ```
 *
 * @param act The activation.
 * @param x The value.
 * @returns The activated value.
 */
export function applyActivation(act: FusedActivation, x: number): number {
  return Number.isNaN(x) ? x : SCALAR_ACTIVATIONS[act](x);
}
