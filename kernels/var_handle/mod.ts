/**
 * VAR_HANDLE: the handle of a resource variable named by `container` and `sharedName`, as an int32
 * scalar (see `kernels/_shared/variables.ts`).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { handleOf, variableState } from "../_shared/variables.ts";

/** Parsed options of VAR_HANDLE. */
export interface VarHandleOptions {
  /** `container/sharedName`. */
  name: string;
}

/** The VAR_HANDLE kernel. */
export const varHandle: KernelDef<VarHandleOptions> = {
  name: "VAR_HANDLE",
  optionsType: "VarHandleOptions",
  parse({ inputs, options }) {
    if (inputs.length > 0) throw new OpError(`VAR_HANDLE: takes no inputs, got ${inputs.length}`);
    return { name: `${options.container ?? ""}/${options.sharedName ?? ""}` };
  },
  infer: () => [{ dtype: "int32", shape: [] }],
  reference({ options, state }) {
    const handle = handleOf(variableState("VAR_HANDLE", state), options.name);
    return [{ dtype: "int32", shape: [], data: new Int32Array([handle]) }];
  },
  cases: () => [],
  traits: { stateful: true },
};
