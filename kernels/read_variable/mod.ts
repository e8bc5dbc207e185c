/**
 * READ_VARIABLE: the value of the resource variable whose handle is input 0. Its dtype and shape
 * are the ones the model declares for the output (see `kernels/_shared/variables.ts`).
 *
 * @module
 */
import type { KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError, UnsupportedError } from "../../core/errors.ts";
import { handleIn, readVariable, variableState } from "../_shared/variables.ts";

/** The READ_VARIABLE kernel. */
export const readVariableKernel: KernelDef<Record<string, never>> = {
  name: "READ_VARIABLE",
  optionsType: "ReadVariableOptions",
  parse({ inputs }) {
    if (inputs.length !== 1 || !inputs[0]) throw new OpError("READ_VARIABLE: needs a handle");
    return {};
  },
  infer({ outputs }): TensorSpec[] {
    const d = outputs?.[0];
    if (!d || d.shape.some((x) => x < 0) || d.dtype === "resource") {
      throw new UnsupportedError(
        `READ_VARIABLE: the model declares no static output (${
          d ? `${d.dtype}[${d.shape}]` : "none"
        })`,
      );
    }
    return [{ dtype: d.dtype, shape: [...d.shape] }];
  },
  reference({ inputs, outputs, state }) {
    const v = readVariable(
      "READ_VARIABLE",
      variableState("READ_VARIABLE", state),
      handleIn("READ_VARIABLE", inputs[0]),
    );
    const want = outputs[0];
    if (v.dtype !== want.dtype || v.shape.join() !== want.shape.join()) {
      throw new OpError(
        `READ_VARIABLE: the variable holds ${v.dtype}[${v.shape}], the model reads ${want.dtype}[${want.shape}]`,
      );
    }
    return [{ ...v, shape: [...v.shape], data: v.data.slice() }];
  },
  cases: () => [],
  traits: { stateful: true },
};
