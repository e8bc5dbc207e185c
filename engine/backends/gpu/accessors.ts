/**
 * Generates the WGSL preamble of a program: precision alias, binding declarations and the tensor
 * accessors kernels use (`x_load`, `x_vec`, `x_at`, `x_idx`, `y_store`). Accessors hide where a tensor
 * lives: its own buffer (shared-objects plans) or an arena at an offset (offsets plans), and apply the
 * node's fused epilogue on store.
 *
 * @module
 */
import type { GpuTensorInfo, Precision } from "../../../core/kernel.ts";

/** Where a tensor binding's data lives. */
export interface TensorPlacement {
  /** WGSL name of the storage variable holding the tensor. */
  variable: string;
  /** Offset of the tensor in that variable, in vec4 elements. */
  offset: number;
  /** Element type of the variable (`vec4<T>` unless the tensor keeps f32 or i32 storage). */
  elem?: "vec4<T>" | "vec4<f32>" | "vec4<i32>";
}

/** An epilogue operand as the preamble sees it. */
export interface EpilogueOperand {
  /** Placement of the operand tensor. */
  placement: TensorPlacement;
  /** `same`: same shape as the output; `channel`: a `[C]` vector broadcast over b, h, w. */
  mode: "same" | "channel";
}

/** A fused epilogue for one output. */
export interface EpilogueCode {
  /** WGSL statements/expressions, in order: each is an expression of `v` and `e0`, `e1`... */
  steps: { wgsl: string; operands: number[] }[];
  /** Operands the steps read. */
  operands: EpilogueOperand[];
}

/**
 * Accessor functions for one tensor of a program.
 *
 * @example
 * ```ts
 * import { accessorsFor } from "./accessors.ts";
 * const t = { dtype: "float32" as const, shape: [1, 2, 2, 5], shape4: [1, 2, 2, 5] as [number, number, number, number], slices: 2 };
 * const code = accessorsFor({ name: "x", tensor: t, placement: { variable: "b0", offset: 0 }, output: false });
 * if (!code.includes("fn x_vec")) throw new Error("wrong");
 * ```
 *
 * @param args Name, tensor, placement, whether it is an output, and the epilogue of an output.
 * @returns WGSL source.
 */
export function accessorsFor(args: {
  name: string;
  tensor: GpuTensorInfo;
  placement: TensorPlacement;
  output: boolean;
  epilogue?: EpilogueCode;
}): string {
  const { name, tensor: t, placement: p, output } = args;
  const [, H, W, C] = t.shape4;
  const S = t.slices;
  const isInt = t.dtype === "int32";
  const sc = isInt ? "i32" : "f32";
  const off = p.offset ? ` + ${p.offset}` : "";
  let code = `fn ${name}_idx(b: i32, h: i32, w: i32, s: i32) -> i32 {
  return ((b * ${S} + s) * ${H} + h) * ${W} + w;
}
`;
  if (!output) {
    code += `fn ${name}_load(i: i32) -> vec4<${sc}> {
  return vec4<${sc}>(${p.variable}[i${off}]);
}
fn ${name}_vec(b: i32, h: i32, w: i32, s: i32) -> vec4<${sc}> {
  return ${name}_load(${name}_idx(b, h, w, s));
}
fn ${name}_at(b: i32, h: i32, w: i32, c: i32) -> ${sc} {
  let v = ${name}_vec(b, h, w, c / 4);
  return v[c % 4];
}
`;
    return code;
  }
  const ep = args.epilogue;
  let body = "  var r = v;\n";
  if (ep && ep.steps.length > 0 && !isInt) {
    ep.operands.forEach((o, k) => {
      const oo = o.placement.offset ? ` + ${o.placement.offset}` : "";
      const idx = o.mode === "same" ? `i${oo}` : `((i / ${H * W}) % ${S})${oo}`;
      body += `  let e${k} = vec4<f32>(${o.placement.variable}[${idx}]);\n`;
    });
    for (const st of ep.steps) {
      body += `  r = ${st.wgsl.replaceAll(/\bv\b/g, "r")};\n`;
    }
  }
  if (C % 4 !== 0) {
    body += `  let lane = vec4<i32>(0, 1, 2, 3) + ((i / ${H * W}) % ${S}) * 4;
  r = select(vec4<${sc}>(0), r, lane < vec4<i32>(${C}));
`;
  }
  const storeT = p.elem ?? (p.variable.startsWith("arena_i") || isInt ? "vec4<i32>" : "vec4<T>");
  code += `fn ${name}_store(i: i32, v: vec4<${sc}>) {
${body}  ${p.variable}[i${off}] = ${storeT}(r);
}
`;
  return code;
}

/**
 * The storage declaration of one binding.
 *
 * @example
 * ```ts
 * import { declareBinding } from "./accessors.ts";
 * if (!declareBinding(0, "w", "vec4<T>", true).includes("read>")) throw new Error("wrong");
 * ```
 *
 * @param slot Binding number in group 0.
 * @param variable Variable name.
 * @param elem Array element type.
 * @param readOnly Whether the binding is read-only.
 * @returns One WGSL declaration.
 */
export function declareBinding(
  slot: number,
  variable: string,
  elem: string,
  readOnly: boolean,
): string {
  return `@group(0) @binding(${slot}) var<storage, ${
    readOnly ? "read" : "read_write"
  }> ${variable}: array<${elem}>;\n`;
}

/**
 * Head of every program: `enable f16;` when needed and the `T` alias.
 *
 * @example
 * ```ts
 * import { precisionHeader } from "./accessors.ts";
 * if (!precisionHeader("f16").startsWith("enable f16;")) throw new Error("wrong");
 * ```
 *
 * @param precision Storage precision.
 * @returns WGSL source.
 */
export function precisionHeader(precision: Precision): string {
  return precision === "f16" ? "enable f16;\nalias T = f16;\n" : "alias T = f32;\n";
}
