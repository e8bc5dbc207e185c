/**
 * What the WGSL generators of the 2-D convolutions share: the static geometry of a node
 * (CONV_2D's direct and tiled kernels, DEPTHWISE_CONV_2D's column kernel), its sizes as the
 * generators name them, and the bindings of a program that reads packed weights and bias.
 *
 * @module
 */
import type { GpuBinding, GpuTensorInfo } from "../../core/kernel.ts";
import type { FusedActivation } from "./wgsl.ts";

/** Static geometry of one 2-D convolution node, as the generators need it. */
export interface ConvGeometry {
  /** Input tensor. */
  input: GpuTensorInfo;
  /** Output tensor. */
  output: GpuTensorInfo;
  /** Kernel height and width. */
  kernel: [number, number];
  /** Strides `[h, w]`. */
  stride: [number, number];
  /** Dilations `[h, w]`. */
  dilation: [number, number];
  /** Leading paddings `[top, left]`. */
  pad: [number, number];
  /** Fused activation. */
  activation: FusedActivation;
}

/** The sizes of a {@linkcode ConvGeometry} under the names the generators give them. */
export interface ConvDims {
  /** Input height. */
  IH: number;
  /** Input width. */
  IW: number;
  /** Input slices (`ceil(channels / 4)`). */
  IS: number;
  /** Batch (the output's). */
  B: number;
  /** Output height. */
  OH: number;
  /** Output width. */
  OW: number;
  /** Output slices. */
  OS: number;
  /** Kernel height. */
  KH: number;
  /** Kernel width. */
  KW: number;
  /** Stride along the height. */
  SH: number;
  /** Stride along the width. */
  SW: number;
  /** Dilation along the height. */
  DH: number;
  /** Dilation along the width. */
  DW: number;
  /** Leading padding at the top. */
  PT: number;
  /** Leading padding at the left. */
  PL: number;
}

/**
 * The sizes of a convolution's geometry, flattened for a generator to destructure.
 *
 * @example
 * ```ts
 * import { convDims } from "./conv.ts";
 * const t = (h: number, w: number, c: number) => ({
 *   dtype: "float32" as const, shape: [1, h, w, c], shape4: [1, h, w, c] as [number, number, number, number],
 *   slices: Math.ceil(c / 4),
 * });
 * const { OH, IS, KW, PT } = convDims({
 *   input: t(9, 9, 5), output: t(5, 5, 8), kernel: [3, 3], stride: [2, 2], dilation: [1, 1],
 *   pad: [1, 1], activation: "NONE",
 * });
 * if (OH !== 5 || IS !== 2 || KW !== 3 || PT !== 1) throw new Error("wrong");
 * ```
 *
 * @param g The geometry.
 * @returns Input and output sizes, kernel, strides, dilations and leading paddings.
 */
export function convDims(g: ConvGeometry): ConvDims {
  const [, IH, IW] = g.input.shape4;
  const [B, OH, OW] = g.output.shape4;
  const [KH, KW] = g.kernel;
  const [SH, SW] = g.stride;
  const [DH, DW] = g.dilation;
  const [PT, PL] = g.pad;
  return {
    IH,
    IW,
    IS: g.input.slices,
    B,
    OH,
    OW,
    OS: g.output.slices,
    KH,
    KW,
    SH,
    SW,
    DH,
    DW,
    PT,
    PL,
  };
}

/**
 * The bindings of a program that reads an input (default 0) as `x`, writes output 0 as `y` and
 * reads packed weights `w` and bias `bias` as `vec4<T>` constants.
 *
 * @example
 * ```ts
 * import { weightBindings } from "./conv.ts";
 * const b = weightBindings(new Float32Array(16), new Float32Array(4));
 * if (b.length !== 4 || b[2].name !== "w" || b[3].name !== "bias") throw new Error("wrong");
 * ```
 *
 * @param weights The packed weights.
 * @param bias The packed bias (`packBias`).
 * @param input Which node input is `x` (TRANSPOSE_CONV reads input 2).
 * @returns Input `x`, output `y`, const `w` and const `bias`, in that order.
 */
export function weightBindings(
  weights: Float32Array,
  bias: Float32Array,
  input = 0,
): GpuBinding[] {
  return [
    { kind: "input", index: input, name: "x" },
    { kind: "output", index: 0, name: "y" },
    { kind: "const", name: "w", elem: "vec4<T>", data: weights },
    { kind: "const", name: "bias", elem: "vec4<T>", data: bias },
  ];
}

/** Position tiles spread over the `x` and `z` workgroups of a dispatch. */
export interface TileSpread {
  /** Workgroups along `x`. */
  x: number;
  /** Workgroups along `z` (1 unless the tiles pass the device's limit along `x`). */
  z: number;
  /**
   * WGSL lines that declare `tile`, the workgroup's position tile (from `wid`, the
   * `workgroup_id` builtin), and return from the workgroups past the last tile.
   */
  wgsl: string;
}

/**
 * Spreads position tiles over workgroups: along `x` up to `maxWorkgroupsPerDimension`, the rest
 * spilling into `z`.
 *
 * @example
 * ```ts
 * import { spreadTiles } from "./conv.ts";
 * const s = spreadTiles(10, 4);
 * if (s.x !== 4 || s.z !== 3 || !s.wgsl.includes("if (tile >= 10)")) throw new Error("wrong");
 * if (spreadTiles(10).z !== 1) throw new Error("wrong");
 * ```
 *
 * @param tiles Position tiles.
 * @param maxWorkgroupsPerDimension The device's limit (default 65535, WebGPU's minimum).
 * @returns Workgroups along `x` and `z`, and the WGSL that finds a workgroup's tile.
 */
export function spreadTiles(tiles: number, maxWorkgroupsPerDimension = 65535): TileSpread {
  const x = Math.min(tiles, maxWorkgroupsPerDimension);
  const z = Math.ceil(tiles / maxWorkgroupsPerDimension);
  return {
    x,
    z,
    wgsl: `  let tile = i32(wid.x + wid.z * ${x}u);\n${
      z > 1 ? `  if (tile >= ${tiles}) { return; }\n` : ""
    }`,
  };
}
