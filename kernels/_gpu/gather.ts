/**
 * The one GPU program of the data-movement ops: one thread per output vec4, each lane computed
 * separately by a WGSL function `gather_at(o: vec4<i32>) -> S` that maps the output coordinate
 * `o = (b, h, w, c)` (of the shape padded on the left to rank 4) to a value, usually read from an
 * input with `x_at`, or a pad value. `S` is `f32`, or `i32` for int32 outputs. Lanes past the
 * channel count are left zero (and zeroed again by `y_store`).
 *
 * Ops describe only their coordinate map; the helpers below build the common pieces of it.
 *
 * @module
 */
import type { GpuBinding, GpuProgram, GpuTensorInfo } from "../../core/kernel.ts";
import { activationWgsl, decompose, dispatch1d, type FusedActivation, main1d } from "./wgsl.ts";

/** What {@linkcode gatherProgram} builds. */
export interface GatherProgramSpec {
  /** Program label. */
  label: string;
  /** The output tensor (its geometry sets the threads). */
  output: GpuTensorInfo;
  /** Index of the output among the node's outputs (default 0). */
  outputIndex?: number;
  /** Input bindings: node input index and accessor name. */
  inputs: { index: number; name: string }[];
  /** Extra `const` bindings (e.g. constant indices). */
  consts?: Extract<GpuBinding, { kind: "const" }>[];
  /** WGSL statements, the body of `fn gather_at(o: vec4<i32>) -> S`. */
  body: string;
  /** Extra WGSL functions the body calls. */
  helpers?: string;
  /** Fused activation applied to the vec4 before it is stored (float only). */
  activation?: FusedActivation;
}

/**
 * WGSL scalar type of a tensor's values as accessors return them.
 *
 * @example
 * ```ts
 * import { scalarOf } from "./gather.ts";
 * if (scalarOf("int32") !== "i32") throw new Error("wrong");
 * ```
 *
 * @param dtype The dtype.
 * @returns `i32` or `f32`.
 */
export function scalarOf(dtype: string): "i32" | "f32" {
  return dtype === "int32" ? "i32" : "f32";
}

/**
 * A `vec4<i32>` literal.
 *
 * @example
 * ```ts
 * import { ivec4 } from "./gather.ts";
 * if (ivec4([1, 2, 3, 4]) !== "vec4<i32>(1, 2, 3, 4)") throw new Error("wrong");
 * ```
 *
 * @param v Four integers (or WGSL expressions).
 * @returns The literal.
 */
export function ivec4(v: readonly (number | string)[]): string {
  return `vec4<i32>(${v.join(", ")})`;
}

/**
 * Pads per-axis values of a rank-`r` tensor on the left to rank 4.
 *
 * @example
 * ```ts
 * import { pad4 } from "./gather.ts";
 * if (pad4([5, 6], 0).join() !== "0,0,5,6") throw new Error("wrong");
 * ```
 *
 * @param values One value per logical axis (at most 4).
 * @param fill Value of the added leading axes.
 * @returns Four values.
 */
export function pad4<T>(values: readonly T[], fill: T): T[] {
  return [...new Array<T>(4 - values.length).fill(fill), ...values];
}

/**
 * WGSL expressions of the logical output coordinates, from `o` (padded to rank 4).
 *
 * @example
 * ```ts
 * import { logicalCoords } from "./gather.ts";
 * if (logicalCoords(2).join() !== "o[2],o[3]") throw new Error("wrong");
 * ```
 *
 * @param rank Logical rank of the output.
 * @param v Name of the padded coordinate vector.
 * @returns One expression per logical axis.
 */
export function logicalCoords(rank: number, v = "o"): string[] {
  return Array.from({ length: rank }, (_, k) => `${v}[${k + 4 - rank}]`);
}

/**
 * WGSL statements that read input `name` at logical coordinates `coords` (one expression per axis of
 * the input's rank), returning `pad` instead when any coordinate is outside the input's shape (omit
 * `pad` when the map never leaves it).
 *
 * @example
 * ```ts
 * import { readInput } from "./gather.ts";
 * const code = readInput({ name: "x", shape: [3, 5], coords: ["o[2]", "o[3] - 1"], pad: "0.0" });
 * if (!code.includes("x_at")) throw new Error("wrong");
 * ```
 *
 * @param args Accessor name, the input's logical shape, coordinate expressions, pad expression.
 * @returns WGSL statements ending in `return`.
 */
export function readInput(args: {
  name: string;
  shape: readonly number[];
  coords: readonly string[];
  pad?: string;
}): string {
  const q = pad4(args.coords, "0");
  let code = `  let q_${args.name} = ${ivec4(q)};\n`;
  if (args.pad !== undefined) {
    const dims = pad4(args.shape, 1);
    code += `  if (any(q_${args.name} < vec4<i32>(0)) || any(q_${args.name} >= ${
      ivec4(dims)
    })) { return ${args.pad}; }\n`;
  }
  const n = `q_${args.name}`;
  code += `  return ${args.name}_at(${n}.x, ${n}.y, ${n}.z, ${n}.w);\n`;
  return code;
}

/**
 * WGSL expression of the flat row-major index of logical coordinates in a shape.
 *
 * @example
 * ```ts
 * import { flatIndex } from "./gather.ts";
 * if (flatIndex(["a", "b"], [2, 3]) !== "(a) * 3 + (b)") throw new Error("wrong");
 * ```
 *
 * @param coords One expression per axis.
 * @param shape The shape.
 * @returns The expression (`0` for a scalar).
 */
export function flatIndex(coords: readonly string[], shape: readonly number[]): string {
  if (coords.length === 0) return "0";
  let stride = 1;
  const terms: string[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    terms.unshift(stride === 1 ? `(${coords[d]})` : `(${coords[d]}) * ${stride}`);
    stride *= shape[d];
  }
  return terms.join(" + ");
}

/**
 * WGSL expressions of the logical coordinates of flat index `f` (an `i32` expression) in a shape.
 *
 * @example
 * ```ts
 * import { unflatten } from "./gather.ts";
 * if (unflatten("f", [2, 3]).join() !== "((f) / 3) % 2,(f) % 3") throw new Error("wrong");
 * ```
 *
 * @param f Flat index expression.
 * @param shape The shape.
 * @returns One expression per axis.
 */
export function unflatten(f: string, shape: readonly number[]): string[] {
  const out: string[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(stride === 1 ? `(${f}) % ${shape[d]}` : `((${f}) / ${stride}) % ${shape[d]}`);
    stride *= shape[d];
  }
  return out;
}

/**
 * Why a data-movement node cannot run on the GPU (a tensor's dtype or rank), or `undefined`.
 *
 * @example
 * ```ts
 * import { gatherUnsupported } from "./gather.ts";
 * const t = { dtype: "bool" as const, shape: [2], shape4: [1, 1, 1, 2] as [number, number, number, number], slices: 1 };
 * if (!gatherUnsupported("TILE", [t])) throw new Error("wrong");
 * ```
 *
 * @param op Op name.
 * @param tensors The tensors the programs bind.
 * @returns The reason, or `undefined`.
 */
export function gatherUnsupported(
  op: string,
  tensors: readonly (GpuTensorInfo | undefined)[],
): string | undefined {
  for (const t of tensors) {
    if (!t) continue;
    if (t.dtype !== "float32" && t.dtype !== "int32") {
      return `${op} runs on the GPU for float32 and int32 data only, not ${t.dtype}`;
    }
    if (t.shape.length > 4) return `${op} runs on the GPU for rank <= 4 only`;
  }
  return undefined;
}

/**
 * Builds the program of a data-movement op from its coordinate map.
 *
 * @example
 * ```ts
 * import { gatherProgram } from "./gather.ts";
 * const y = { dtype: "float32" as const, shape: [2, 5], shape4: [1, 1, 2, 5] as [number, number, number, number], slices: 2 };
 * const p = gatherProgram({ label: "COPY", output: y, inputs: [{ index: 0, name: "x" }], body: "  return x_at(o.x, o.y, o.z, o.w);" });
 * if (!p.code.includes("fn gather_at")) throw new Error("wrong");
 * ```
 *
 * @param spec The program's pieces.
 * @returns The program.
 */
export function gatherProgram(spec: GatherProgramSpec): GpuProgram {
  const out = spec.output;
  const S = scalarOf(out.dtype);
  const C = out.shape4[3];
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const lanes = ["x", "y", "z", "w"];
  let body = `${decompose(out)}  var v = vec4<${S}>(${S}(0));\n`;
  for (let l = 0; l < 4; l++) {
    const set = `v.${lanes[l]} = gather_at(vec4<i32>(b, h, w, s * 4 + ${l}));`;
    body += C % 4 === 0 || l === 0 ? `  ${set}\n` : `  if (s * 4 + ${l} < ${C}) { ${set} }\n`;
  }
  const value = spec.activation && S === "f32" ? activationWgsl(spec.activation, "v") : "v";
  body += `  y_store(i, ${value});`;
  const code = `${spec.helpers ?? ""}fn gather_at(o: vec4<i32>) -> ${S} {
${spec.body}
}
${main1d(n, body)}`;
  const bindings: GpuBinding[] = [
    ...spec.inputs.map((x): GpuBinding => ({ kind: "input", index: x.index, name: x.name })),
    ...(spec.consts ?? []),
    { kind: "output", index: spec.outputIndex ?? 0, name: "y" },
  ];
  return { label: spec.label, code, bindings, dispatch: dispatch1d(n) };
}
