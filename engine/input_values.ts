/**
 * Values of inputs that decide shapes (`SessionOptions.inputValues`, see `core/value_inputs.ts`): a
 * session binds one plan per set of input shapes and of these values, and a run whose values differ
 * switches to (or builds) the plan for them.
 *
 * @module
 */
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { UsageError } from "../core/errors.ts";
import { type InputSpec, orderInputShapes, shapeKey } from "./options.ts";
import type { SessionOptions } from "./session_types.ts";

/** The `inputValues` option: values by input position, or by input or signature name. */
export type InputValues = NonNullable<SessionOptions["inputValues"]>;

/**
 * The given values in input order, each as a host tensor (a bare typed array takes the input's
 * dtype and the shape it binds with).
 *
 * @example
 * ```ts
 * import { orderInputValues } from "./input_values.ts";
 * const specs = [{ name: "x", dtype: "float32" }, { name: "k", dtype: "int32" }];
 * const v = orderInputValues({ k: Int32Array.of(3) }, { specs, shapes: [[1, 8], []] });
 * if (v[0] !== undefined || v[1]!.data[0] !== 3 || v[1]!.dtype !== "int32") throw new Error("wrong");
 * ```
 *
 * @param given The option.
 * @param model The inputs' specs and the shapes they bind with.
 * @returns One value or `undefined` per input.
 * @throws {UsageError} For an unknown name, a position out of range or a value that is not a tensor.
 */
export function orderInputValues(
  given: InputValues,
  model: { specs: readonly InputSpec[]; shapes: readonly (readonly number[])[] },
): (HostTensor | undefined)[] {
  const { specs, shapes } = model;
  const entries: [number, HostTensor | TensorData | undefined][] = Array.isArray(given)
    ? given.map((v, i) => [i, v])
    : Object.entries(given).map(([key, v]) => [
      orderInputShapes({ [key]: [] }, specs).findIndex((s) => s !== undefined),
      v,
    ]);
  const out: (HostTensor | undefined)[] = specs.map(() => undefined);
  for (const [i, v] of entries) {
    if (v === undefined) continue;
    if (i >= specs.length) {
      throw new UsageError(`inputValues gives input ${i}; the model has ${specs.length} inputs`);
    }
    if (ArrayBuffer.isView(v)) {
      out[i] = { dtype: specs[i].dtype as HostTensor["dtype"], shape: [...shapes[i]], data: v };
    } else if (typeof v === "object" && v !== null && ArrayBuffer.isView(v.data)) {
      out[i] = v;
    } else {
      throw new UsageError(
        `inputValues: input ${i} ${JSON.stringify(specs[i].name)} must be a tensor or typed array`,
      );
    }
  }
  return out;
}

/**
 * The key of a plan: the input shapes, and the values of the inputs that decide shapes.
 *
 * @example
 * ```ts
 * import { variantKey } from "./input_values.ts";
 * const k = { dtype: "int32" as const, shape: [], data: Int32Array.of(3) };
 * if (variantKey([[1, 8], []], [undefined, k]) !== "1x8,|1=3") throw new Error("wrong");
 * ```
 *
 * @param shapes One shape per input.
 * @param values The values of the inputs that decide shapes (`undefined` elsewhere).
 * @returns The key.
 */
export function variantKey(
  shapes: readonly (readonly number[])[],
  values: readonly ((HostTensor | TensorData) | undefined)[],
): string {
  const pinned = values.flatMap((v, i) => {
    if (v === undefined) return [];
    const data = ArrayBuffer.isView(v) ? v : v.data;
    return [`${i}=${Array.from(data as ArrayLike<number | bigint>).join(" ")}`];
  });
  return pinned.length === 0 ? shapeKey(shapes) : `${shapeKey(shapes)}|${pinned.join(",")}`;
}
