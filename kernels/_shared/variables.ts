/**
 * Resource variables on the host: VAR_HANDLE gives a variable's handle (an int32 scalar naming it
 * in the executor's state), ASSIGN_VARIABLE stores a value under it, READ_VARIABLE reads it back.
 * Values live in the state of the executor (`ReferenceArgs.state`), so they persist from run to
 * run of one session as TensorFlow Lite's do, and each session has its own.
 *
 * @module
 */
import type { HostTensor } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";

/**
 * The state a variable op needs, or an `OpError` naming the op when there is none.
 *
 * @example
 * ```ts
 * import { variableState } from "./variables.ts";
 * const state = new Map<string, unknown>();
 * if (variableState("VAR_HANDLE", state) !== state) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param state The executor's state, if any.
 * @returns The state.
 */
export function variableState(
  op: string,
  state: Map<string, unknown> | undefined,
): Map<string, unknown> {
  if (!state) throw new OpError(`${op}: resource variables need an executor's state`);
  return state;
}

/**
 * The handle of a variable: its position in the state's list of variable names, made on first use.
 *
 * @example
 * ```ts
 * import { handleOf } from "./variables.ts";
 * const state = new Map<string, unknown>();
 * if (handleOf(state, "a") !== 0 || handleOf(state, "b") !== 1 || handleOf(state, "a") !== 0) throw new Error("wrong");
 * ```
 *
 * @param state The executor's state.
 * @param name `container/sharedName`.
 * @returns The handle.
 */
export function handleOf(state: Map<string, unknown>, name: string): number {
  let names = state.get("variables") as string[] | undefined;
  if (!names) state.set("variables", names = []);
  const i = names.indexOf(name);
  return i >= 0 ? i : names.push(name) - 1;
}

/**
 * The value stored under a handle.
 *
 * @example
 * ```ts
 * import { readVariable, writeVariable } from "./variables.ts";
 * const state = new Map<string, unknown>();
 * writeVariable(state, 0, { dtype: "float32", shape: [1], data: new Float32Array([2]) });
 * if (readVariable("READ_VARIABLE", state, 0).data[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param state The executor's state.
 * @param handle The handle.
 * @returns The value.
 */
export function readVariable(op: string, state: Map<string, unknown>, handle: number): HostTensor {
  const v = state.get(`variable:${handle}`) as HostTensor | undefined;
  if (!v) throw new OpError(`${op}: variable ${handle} is read before anything was assigned to it`);
  return v;
}

/**
 * Stores a copy of a value under a handle.
 *
 * @example
 * ```ts ignore
 * writeVariable(state, handle, value);
 * ```
 *
 * @param state The executor's state.
 * @param handle The handle.
 * @param value The value.
 */
export function writeVariable(
  state: Map<string, unknown>,
  handle: number,
  value: HostTensor,
): void {
  state.set(`variable:${handle}`, { ...value, shape: [...value.shape], data: value.data.slice() });
}

/**
 * The handle an input tensor holds.
 *
 * @example
 * ```ts
 * import { handleIn } from "./variables.ts";
 * if (handleIn("READ_VARIABLE", { dtype: "int32", shape: [], data: new Int32Array([3]) }) !== 3) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param t The input.
 * @returns The handle.
 */
export function handleIn(op: string, t: HostTensor | undefined): number {
  if (!t || t.data.length !== 1) throw new OpError(`${op}: input 0 must be a variable handle`);
  return Number(t.data[0]);
}
