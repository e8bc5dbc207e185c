/**
 * ASSIGN_VARIABLE: stores input 1 in the resource variable whose handle is input 0 (no outputs;
 * see `kernels/_shared/variables.ts`).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { handleIn, variableState, writeVariable } from "../_shared/variables.ts";

/** The ASSIGN_VARIABLE kernel. */
export const assignVariable: KernelDef<Record<string, never>> = {
  name: "ASSIGN_VARIABLE",
  optionsType: "AssignVariableOptions",
  parse({ inputs }) {
    if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
      throw new OpError("ASSIGN_VARIABLE: needs a handle and a value");
    }
    return {};
  },
  infer: () => [],
  reference({ inputs, state }) {
    const s = variableState("ASSIGN_VARIABLE", state);
    writeVariable(s, handleIn("ASSIGN_VARIABLE", inputs[0]), inputs[1]!);
    return [];
  },
  cases: () => [],
  traits: { stateful: true },
};
