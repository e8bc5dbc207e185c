/**
 * Checks of what a caller hands the session API, with one-line {@linkcode UsageError}s:
 * {@linkcode validateSessionOptions} for `createSession`'s options and {@linkcode normalizeInputs}
 * for the values given to `run`. Both are pure apart from reading the machine's core count.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { findStrategy } from "./memory/strategies.ts";

/** Backends a session can use. */
export const BACKENDS: readonly string[] = ["gpu", "cpu", "reference", "cooperative"];
/** WebGPU providers. */
export const PROVIDERS: readonly string[] = ["deno", "dawn"];
/** Float precisions a session accepts. */
export const PRECISIONS: readonly string[] = ["f32", "f16"];

/**
 * The most threads a `cpu` session accepts: four per core (more only adds spinning workers that
 * compete for the same cores).
 *
 * @example
 * ```ts
 * import { maxThreads } from "./options.ts";
 * if (maxThreads() < 4) throw new Error("wrong");
 * ```
 *
 * @returns The bound.
 */
export function maxThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return 4 * (Number.isInteger(cores) && cores > 0 ? cores : 4);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return (v as object).constructor?.name ?? "an object";
  return String(v);
}

function oneOf(name: string, allowed: readonly string[]) {
  return (v: unknown) => {
    if (typeof v !== "string" || !allowed.includes(v)) {
      throw new UsageError(`Unknown ${name} ${describe(v)}; use ${allowed.join(", ")}`);
    }
  };
}

function boolean(name: string) {
  return (v: unknown) => {
    if (typeof v !== "boolean") {
      throw new UsageError(`${name} must be true or false, got ${describe(v)}`);
    }
  };
}

function indexList(name: string) {
  return (v: unknown) => {
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new UsageError(`${name} must be an array of non-negative integers, got ${describe(v)}`);
    }
  };
}

/** One check per option, keyed by option name; an absent (undefined) option is not checked. */
const OPTION_CHECKS: Record<string, (v: unknown) => void> = {
  backend: oneOf("backend", BACKENDS),
  provider: oneOf("provider", PROVIDERS),
  precision: oneOf("precision", PRECISIONS),
  weightPrecision: oneOf("weightPrecision", PRECISIONS),
  strategy(v) {
    if (typeof v !== "string") {
      throw new UsageError(`strategy must be a string, got ${describe(v)}`);
    }
    try {
      findStrategy(v);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e), { cause: e });
    }
  },
  threads(v) {
    const max = maxThreads();
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
      throw new UsageError(`threads must be an integer from 1 to ${max}, got ${describe(v)}`);
    }
  },
  maxTensorBytes(v) {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new UsageError(`maxTensorBytes must be a positive number of bytes, got ${describe(v)}`);
    }
  },
  profile: boolean("profile"),
  rejectNaN: boolean("rejectNaN"),
  inPlace: boolean("inPlace"),
  reorder: boolean("reorder"),
  concatInPlace: boolean("concatInPlace"),
  autotune(v) {
    const ok = typeof v === "boolean" ||
      (typeof v === "object" && v !== null &&
        typeof (v as { cacheFile?: unknown }).cacheFile === "string");
    if (!ok) {
      throw new UsageError(
        `autotune must be true, false or { cacheFile: string }, got ${describe(v)}`,
      );
    }
  },
  variants(v) {
    const ok = typeof v === "object" && v !== null && !Array.isArray(v) &&
      Object.values(v).every((x) => typeof x === "string");
    if (!ok) {
      throw new UsageError(`variants must be an object of variant names by op, got ${describe(v)}`);
    }
  },
  passes(v) {
    if (typeof v === "boolean") return;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      throw new UsageError(
        `passes must be true, false or an array of pass names, got ${describe(v)}`,
      );
    }
  },
  inspect: indexList("inspect"),
  cpuNodes: indexList("cpuNodes"),
  inputShapes(v) {
    if (typeof v !== "object" || v === null) {
      throw new UsageError(
        `inputShapes must be an array or an object of shapes by input name, got ${describe(v)}`,
      );
    }
    for (const [k, shape] of Object.entries(v)) {
      const ok = shape === undefined ||
        (Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0));
      if (!ok) {
        throw new UsageError(
          `inputShapes[${JSON.stringify(k)}] must be an array of non-negative integers, got ${
            describe(shape)
          }`,
        );
      }
    }
  },
  signature(v) {
    if (typeof v !== "string") {
      throw new UsageError(`signature must be a string, got ${describe(v)}`);
    }
  },
  device(v) {
    if (typeof v !== "object" || v === null || !("device" in v)) {
      throw new UsageError(`device must be a context from acquireDevice(), got ${describe(v)}`);
    }
  },
};

/**
 * Checks `createSession`'s options: known backend, provider and precisions; a strategy named in
 * `engine/memory/strategies.ts` (any case); `threads` an integer from 1 to {@linkcode maxThreads};
 * booleans that are booleans; index lists of non-negative integers. Options it does not know are
 * left to the session.
 *
 * @example
 * ```ts
 * import { validateSessionOptions } from "./options.ts";
 * validateSessionOptions({ backend: "cpu", threads: 2, strategy: "greedy_best" });
 * let message = "";
 * try {
 *   validateSessionOptions({ precision: "f64" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (message !== 'Unknown precision "f64"; use f32, f16') throw new Error(message);
 * ```
 *
 * @param options The options as passed (`undefined` means defaults).
 * @throws {UsageError} Naming the first bad option and what it accepts.
 */
export function validateSessionOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new UsageError(`Session options must be an object, got ${describe(options)}`);
  }
  for (const [key, check] of Object.entries(OPTION_CHECKS)) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined) check(v);
  }
}

/**
 * Checks that a model was given to `createSession`: an object with subgraphs.
 *
 * @example
 * ```ts
 * import { validateModelArgument } from "./options.ts";
 * let message = "";
 * try {
 *   validateModelArgument(null);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith("createSession() needs a model")) throw new Error(message);
 * ```
 *
 * @param model The argument.
 * @throws {UsageError} When it is not a model.
 */
export function validateModelArgument(model: unknown): void {
  const subgraphs = (model as { subgraphs?: unknown } | null)?.subgraphs;
  if (typeof model !== "object" || model === null || !Array.isArray(subgraphs)) {
    throw new UsageError(
      `createSession() needs a model from loadModel(), got ${describe(model)}`,
    );
  }
}

/** Name and dtype of a model input, as {@linkcode normalizeInputs} needs them. */
export interface InputSpec {
  /** Input name. */
  name: string;
  /** Element type. */
  dtype: string;
  /** Other names the input answers to (its signature name). */
  aliases?: readonly string[];
}

/**
 * Position of the model input or output a key names (its tensor name or signature name), or a
 * `UsageError` that lists the names there are.
 *
 * @example
 * ```ts
 * import { namedPosition } from "./options.ts";
 * const specs = [{ name: "a" }, { name: "b", aliases: ["image"] }];
 * if (namedPosition(specs, "image", "input") !== 1) throw new Error("wrong");
 * ```
 *
 * @param specs The inputs or outputs, in order, with their aliases.
 * @param key The name given.
 * @param kind `input` or `output`, for the error.
 * @returns The position.
 */
export function namedPosition(
  specs: readonly { name: string; aliases?: readonly string[] }[],
  key: string,
  kind: "input" | "output",
): number {
  const i = specs.findIndex((s) => s.name === key || (s.aliases ?? []).includes(key));
  if (i >= 0) return i;
  const names = specs.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
  throw new UsageError(
    `Unknown ${kind} name ${JSON.stringify(key)}; the model's ${kind}s are ${
      [...new Set(names)].map((n) => JSON.stringify(n)).join(", ")
    }`,
  );
}

/**
 * The shapes given for a model's inputs, in input order: from an array (by position) or an object
 * keyed by input name, signature name or position.
 *
 * @example
 * ```ts
 * import { orderInputShapes } from "./options.ts";
 * const specs = [{ name: "a", dtype: "float32" }, { name: "b", dtype: "float32", aliases: ["image"] }];
 * const shapes = orderInputShapes({ image: [1, 8, 8, 3] }, specs);
 * if (shapes[0] !== undefined || shapes[1]!.join() !== "1,8,8,3") throw new Error("wrong");
 * ```
 *
 * @param given The `inputShapes` option.
 * @param specs The model's inputs, in order.
 * @returns One shape or `undefined` per input.
 * @throws {UsageError} For an unknown name or position.
 */
export function orderInputShapes(
  given: readonly (readonly number[] | undefined)[] | Readonly<Record<string, readonly number[]>>,
  specs: readonly InputSpec[],
): (number[] | undefined)[] {
  const out: (number[] | undefined)[] = specs.map(() => undefined);
  if (Array.isArray(given)) {
    if (given.length > specs.length) {
      throw new UsageError(
        `inputShapes gives ${given.length} shapes; the model has ${specs.length} inputs`,
      );
    }
    given.forEach((s, i) => out[i] = s ? [...s] : undefined);
    return out;
  }
  for (const [key, shape] of Object.entries(given) as [string, readonly number[]][]) {
    const i = /^\d+$/.test(key) && Number(key) < specs.length
      ? Number(key)
      : namedPosition(specs, key, "input");
    out[i] = [...shape];
  }
  return out;
}

function checkValue(v: unknown, spec: InputSpec, i: number): HostTensor | TensorData {
  const where = `Input ${i} ${JSON.stringify(spec.name)}`;
  if (v === undefined || v === null) throw new UsageError(`${where} is missing`);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as TensorData;
  if (Array.isArray(v)) {
    throw new UsageError(
      `${where} is a plain array; pass a typed array (dtype ${spec.dtype}) or a tensor`,
    );
  }
  if (typeof v !== "object") {
    throw new UsageError(`${where} must be a typed array or a tensor, got ${describe(v)}`);
  }
  const t = v as Partial<HostTensor>;
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new UsageError(`${where} is a tensor without a valid shape (got ${describe(t.shape)})`);
  }
  if (!ArrayBuffer.isView(t.data) || t.data instanceof DataView) {
    throw new UsageError(`${where} is a tensor without typed-array data (got ${describe(t.data)})`);
  }
  return v as HostTensor;
}

/**
 * Checks the inputs given to `run` and returns them as a list in the model's input order: an
 * array (one value per input) or an object keyed by input name, each value a typed array or a
 * tensor with a shape and typed-array data. Dtype, shape and length against the model are the
 * session's checks.
 *
 * @example
 * ```ts
 * import { normalizeInputs } from "./options.ts";
 * const specs = [{ name: "x", dtype: "float32" }];
 * const [x] = normalizeInputs({ x: new Float32Array(4) }, specs);
 * if (!(x instanceof Float32Array)) throw new Error("wrong");
 * let message = "";
 * try {
 *   normalizeInputs([[1, 2, 3, 4]], specs);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith('Input 0 "x" is a plain array')) throw new Error(message);
 * ```
 *
 * @param inputs What the caller passed.
 * @param specs The model's inputs, in order.
 * @returns One value per input, in order.
 * @throws {UsageError} Naming the first bad input.
 */
export function normalizeInputs(
  inputs: unknown,
  specs: readonly InputSpec[],
): (HostTensor | TensorData)[] {
  if (typeof inputs !== "object" || inputs === null || ArrayBuffer.isView(inputs)) {
    throw new UsageError(
      `Inputs must be an array with one value per model input or an object keyed by input name, got ${
        describe(inputs)
      }`,
    );
  }
  let list: unknown[];
  if (Array.isArray(inputs)) {
    list = inputs;
  } else {
    const record = inputs as Record<string, unknown>;
    list = specs.map(() => undefined);
    for (const [key, v] of Object.entries(record)) list[namedPosition(specs, key, "input")] = v;
  }
  if (list.length !== specs.length) {
    throw new UsageError(`The model takes ${specs.length} inputs, got ${list.length}`);
  }
  return list.map((v, i) => checkValue(v, specs[i], i));
}

/**
 * A key of one set of input shapes (plans are cached by it).
 *
 * @example
 * ```ts
 * import { shapeKey } from "./options.ts";
 * if (shapeKey([[1, 8], []]) !== "1x8,") throw new Error("wrong");
 * ```
 *
 * @param shapes One shape per input.
 * @returns The key.
 */
export function shapeKey(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => s.join("x")).join(",");
}

/**
 * The shapes a run asks for: a tensor's own shape where it fits the declared one (`-1` matching
 * any size), else the current plan's (bare typed arrays, and misfits the session then refuses).
 *
 * @example
 * ```ts
 * import { runShapes } from "./options.ts";
 * const x = { dtype: "float32" as const, shape: [2, 5], data: new Float32Array(10) };
 * const s = runShapes([x, new Float32Array(3)], { declared: [[-1, 5], [3]], current: [[1, 5], [3]] });
 * if (s[0].join() !== "2,5" || s[1].join() !== "3") throw new Error("wrong");
 * ```
 *
 * @param list The run's values, in input order.
 * @param shapes The declared shapes and the current plan's.
 * @returns One shape per input.
 */
export function runShapes(
  list: readonly (HostTensor | TensorData)[],
  shapes: { declared: readonly (readonly number[])[]; current: readonly (readonly number[])[] },
): number[][] {
  return list.map((v, i) => {
    const declared = shapes.declared[i];
    const current = [...shapes.current[i]];
    if (ArrayBuffer.isView(v)) return current;
    const shape = (v as HostTensor).shape;
    const fits = shape.length === declared.length &&
      shape.every((d, k) => declared[k] < 0 || declared[k] === d);
    return fits ? [...shape] : current;
  });
}

/**
 * The input specs of a graph, each with its signature name as an alias.
 *
 * @example
 * ```ts
 * import { inputSpecs } from "./options.ts";
 * const g = { tensors: [{ name: "x:0", dtype: "float32" }], inputs: [0] };
 * if (inputSpecs(g, ["x"])[0].aliases?.[0] !== "x") throw new Error("wrong");
 * ```
 *
 * @param graph The graph (tensors and inputs).
 * @param names Signature name of each input (`undefined`: none).
 * @returns One spec per input.
 */
export function inputSpecs(
  graph: { tensors: readonly { name: string; dtype: string }[]; inputs: readonly number[] },
  names: readonly (string | undefined)[],
): InputSpec[] {
  return graph.inputs.map((t, k) => ({
    name: graph.tensors[t].name,
    dtype: graph.tensors[t].dtype,
    aliases: names[k] === undefined ? [] : [names[k]!],
  }));
}

/**
 * The given values in input order, each as a host tensor (a bare typed array takes the input's
 * dtype and the shape it binds with).
 *
 * @example
 * ```ts
 * import { orderInputValues } from "./options.ts";
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
  given:
    | readonly (HostTensor | TensorData | undefined)[]
    | Readonly<Record<string, HostTensor | TensorData>>,
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
 * import { variantKey } from "./options.ts";
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
