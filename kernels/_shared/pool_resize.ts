/**
 * A factory for RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR with TensorFlow Lite's coordinate rules.
 * Scales are float32: `in / out`, or `(in - 1) / (out - 1)` with `alignCorners` (when `out > 1`).
 * Bilinear maps output `v` to `(v + 0.5) * scale - 0.5` with `halfPixelCenters` (else `v * scale`),
 * takes `lo = max(floor, 0)`, `hi = min(ceil, in - 1)` and weights by the distance to `lo` (so a
 * negative source coordinate extrapolates from a clamped pair, exactly as the reference does).
 * Nearest takes `floor((v + offset) * scale)` (`round`, half away from zero, with `alignCorners`),
 * clamped to `in - 1` (and to 0 with `halfPixelCenters`). Host and GPU both work in float32.
 *
 * @module
 */
import type {
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { boolOption } from "./options.ts";
import { allocTensor, constantInts, readNumber } from "./tensor.ts";
import { decompose, dispatch1d, f32Lit, main1d } from "../_gpu/wgsl.ts";

/** Parsed options of a resize. */
export interface ResizeOptions {
  /** Whether corner pixels of input and output align. */
  alignCorners: boolean;
  /** Whether pixels are sampled at their centres. */
  halfPixelCenters: boolean;
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
}

/** Which interpolation. */
export type ResizeMode = "bilinear" | "nearest";

/** How to build one resize. */
export interface ResizeSpec {
  /** Builtin op name. */
  name: string;
  /** Options table name. */
  optionsType: string;
  /** Interpolation. */
  mode: ResizeMode;
}

const f = Math.fround;

/**
 * The float32 scale TensorFlow Lite uses along one axis.
 *
 * @example
 * ```ts
 * import { resizeScale } from "./pool_resize.ts";
 * if (resizeScale({ size: 4, out: 8, alignCorners: false }) !== 0.5) throw new Error("wrong");
 * ```
 *
 * @param args Input size, output size and `alignCorners`.
 * @returns The scale (a float32 value).
 */
export function resizeScale(args: { size: number; out: number; alignCorners: boolean }): number {
  const { size, out, alignCorners } = args;
  return alignCorners && out > 1 ? f((size - 1) / (out - 1)) : f(size / out);
}

interface AxisSample {
  lo: number;
  hi: number;
  /** Weight of `hi` (distance of the source coordinate from `lo`). */
  t: number;
}

function bilinearAxis(v: number, scale: number, half: boolean, size: number): AxisSample {
  const src = half ? f(f((v + 0.5) * scale) - 0.5) : f(v * scale);
  const lo = Math.max(Math.floor(src), 0);
  const hi = Math.min(Math.ceil(src), size - 1);
  return { lo, hi, t: f(src - lo) };
}

function nearestAxis(
  v: number,
  scale: number,
  o: Pick<ResizeOptions, "alignCorners" | "halfPixelCenters">,
  size: number,
): number {
  const src = f((v + (o.halfPixelCenters ? 0.5 : 0)) * scale);
  let i = Math.min(o.alignCorners ? Math.round(src) : Math.floor(src), size - 1);
  if (o.halfPixelCenters) i = Math.max(0, i);
  return i;
}

/**
 * The float32 reference of a resize (any input dtype; values are read as numbers).
 *
 * @example
 * ```ts
 * import { resizeReference } from "./pool_resize.ts";
 * const x = { dtype: "float32" as const, shape: [1, 1, 2, 1], data: new Float32Array([0, 2]) };
 * const o = { alignCorners: false, halfPixelCenters: false, outH: 1, outW: 4 };
 * if (resizeReference("bilinear", x, o).data[1] !== 1) throw new Error("wrong");
 * ```
 *
 * @param mode `bilinear` or `nearest`.
 * @param x The NHWC input.
 * @param o The options.
 * @returns The float32 output.
 */
export function resizeReference(mode: ResizeMode, x: HostTensor, o: ResizeOptions): HostTensor {
  const [B, H, W, C] = x.shape;
  const out = allocTensor("float32", [B, o.outH, o.outW, C]);
  const sy = resizeScale({ size: H, out: o.outH, alignCorners: o.alignCorners });
  const sx = resizeScale({ size: W, out: o.outW, alignCorners: o.alignCorners });
  const at = (b: number, y: number, xx: number, c: number) =>
    readNumber(x, ((b * H + y) * W + xx) * C + c);
  let k = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < o.outH; y++) {
      for (let xx = 0; xx < o.outW; xx++) {
        for (let c = 0; c < C; c++) {
          if (mode === "nearest") {
            out.data[k++] = at(b, nearestAxis(y, sy, o, H), nearestAxis(xx, sx, o, W), c);
            continue;
          }
          const ay = bilinearAxis(y, sy, o.halfPixelCenters, H);
          const ax = bilinearAxis(xx, sx, o.halfPixelCenters, W);
          out.data[k++] = at(b, ay.lo, ax.lo, c) * (1 - ay.t) * (1 - ax.t) +
            at(b, ay.hi, ax.lo, c) * ay.t * (1 - ax.t) +
            at(b, ay.lo, ax.hi, c) * (1 - ay.t) * ax.t +
            at(b, ay.hi, ax.hi, c) * ay.t * ax.t;
        }
      }
    }
  }
  return out;
}

function resizePlan(mode: ResizeMode, x: GpuTensorInfo, out: GpuTensorInfo, o: ResizeOptions) {
  const [, H, W] = x.shape4;
  const sy = f32Lit(resizeScale({ size: H, out: o.outH, alignCorners: o.alignCorners }));
  const sx = f32Lit(resizeScale({ size: W, out: o.outW, alignCorners: o.alignCorners }));
  let body = decompose(out);
  if (mode === "bilinear") {
    const src = (v: string, s: string) =>
      o.halfPixelCenters ? `(f32(${v}) + 0.5) * ${s} - 0.5` : `f32(${v}) * ${s}`;
    body += `  let fy = ${src("h", sy)};
  let fx = ${src("w", sx)};
  let y0 = max(i32(floor(fy)), 0);
  let y1 = min(i32(ceil(fy)), ${H - 1});
  let x0 = max(i32(floor(fx)), 0);
  let x1 = min(i32(ceil(fx)), ${W - 1});
  let ty = fy - f32(y0);
  let tx = fx - f32(x0);
  y_store(i, x_vec(b, y0, x0, s) * (1.0 - ty) * (1.0 - tx) + x_vec(b, y1, x0, s) * ty * (1.0 - tx) +
    x_vec(b, y0, x1, s) * (1.0 - ty) * tx + x_vec(b, y1, x1, s) * ty * tx);`;
  } else {
    const off = o.halfPixelCenters ? " + 0.5" : "";
    const idx = (v: string, s: string, size: number) => {
      const src = `(f32(${v})${off}) * ${s}`;
      const r = o.alignCorners
        ? `i32(select(floor(${src}), floor(${src}) + 1.0, ${src} - floor(${src}) >= 0.5))`
        : `i32(floor(${src}))`;
      const top = `min(${r}, ${size - 1})`;
      return o.halfPixelCenters ? `max(${top}, 0)` : top;
    };
    body += `  y_store(i, x_vec(b, ${idx("h", sy, H)}, ${idx("w", sx, W)}, s));`;
  }
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  return [{
    label: `resize ${mode}`,
    code: main1d(n, body),
    bindings: [{ kind: "input", index: 0, name: "x" }, { kind: "output", index: 0, name: "y" }],
    dispatch: dispatch1d(n),
  }] as GpuProgram[];
}

/** Conformance shapes: `[input shape, [outH, outW]]`. */
const RESIZE_CASES: [number[], [number, number]][] = [
  [[1, 4, 4, 3], [8, 8]],
  [[1, 8, 8, 5], [4, 4]],
  [[2, 5, 7, 7], [11, 3]],
  [[1, 3, 3, 3], [7, 10]],
  [[1, 16, 16, 4], [33, 33]],
  [[1, 1, 1, 3], [4, 4]],
  [[1, 6, 6, 2], [1, 1]],
  [[1, 33, 33, 21], [129, 129]],
];

const FLAG_SETS: { alignCorners: boolean; halfPixelCenters: boolean }[] = [
  { alignCorners: false, halfPixelCenters: false },
  { alignCorners: true, halfPixelCenters: false },
  { alignCorners: false, halfPixelCenters: true },
];

/**
 * Builds RESIZE_BILINEAR or RESIZE_NEAREST_NEIGHBOR.
 *
 * @example
 * ```ts
 * import { resizeKernel } from "./pool_resize.ts";
 * const k = resizeKernel({ name: "RESIZE_BILINEAR", optionsType: "ResizeBilinearOptions", mode: "bilinear" });
 * if (k.name !== "RESIZE_BILINEAR") throw new Error("wrong");
 * ```
 *
 * @param spec Op name and interpolation.
 * @returns The kernel.
 */
export function resizeKernel(spec: ResizeSpec): KernelDef<ResizeOptions> {
  const op = spec.name;
  return {
    name: op,
    optionsType: spec.optionsType,
    parse({ options, inputs }) {
      if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
        throw new OpError(`${op} needs 2 inputs (images, size), got ${inputs.length}`);
      }
      const size = constantInts(op, inputs[1], 1);
      if (size.length !== 2 || size.some((d) => !(d >= 1))) {
        throw new OpError(`${op}: size must be two positive values, got [${size}]`);
      }
      const alignCorners = boolOption(op, options, "alignCorners", false);
      const halfPixelCenters = boolOption(op, options, "halfPixelCenters", false);
      if (alignCorners && halfPixelCenters) {
        throw new OpError(`${op}: alignCorners and halfPixelCenters cannot both be true`);
      }
      return { alignCorners, halfPixelCenters, outH: size[0], outW: size[1] };
    },
    infer({ inputs, options }) {
      const x = inputs[0]!;
      if (x.dtype !== "float32") throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      if (x.shape.length !== 4) {
        throw new OpError(`${op}: input must be 4-D (NHWC), got shape [${x.shape}]`);
      }
      return [{ dtype: "float32", shape: [x.shape[0], options.outH, options.outW, x.shape[3]] }];
    },
    reference({ inputs, options }) {
      return [resizeReference(spec.mode, inputs[0]!, options)];
    },
    gpu: {
      plan({ inputs, outputs, options }) {
        return resizePlan(spec.mode, inputs[0]!, outputs[0], options);
      },
    },
    cases(): OpCase[] {
      const cases: OpCase[] = [];
      for (const [shape, size] of RESIZE_CASES) {
        for (const flags of FLAG_SETS) {
          cases.push({
            name: `[${shape}] -> [${size}] ${flags.alignCorners ? "align" : ""}${
              flags.halfPixelCenters ? "half" : ""
            }`,
            inputs: [
              { dtype: "float32", shape, range: [-2, 2] },
              { dtype: "int32", shape: [2], data: size, constant: true },
            ],
            options: flags,
          });
        }
      }
      return cases;
    },
  };
}
