/**
 * Windowed 2-D pooling as TensorFlow Lite does it: output sizes and padding for SAME/VALID, the
 * `Pool2DOptions` parser, and a factory for AVERAGE_POOL_2D and MAX_POOL_2D (averages count only
 * in-bounds elements; max starts from the lowest float and takes strictly greater values). Small
 * windows run one thread per output vec4; large ones (global pools), and middling ones with few
 * outputs, one workgroup per output vec4 with a tree reduction ({@linkcode groupPool}).
 *
 * @module
 */
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { activationOption, applyActivation, enumOption, intOption } from "./options.ts";
import { allocTensor, readNumber } from "./tensor.ts";
import {
  activationWgsl,
  decompose,
  dispatch1d,
  type FusedActivation,
  main1d,
} from "../_gpu/wgsl.ts";
import {
  combineFns,
  GROUP_WG,
  groupDispatch,
  groupMain,
  groupReduceFn,
  REDUCERS,
} from "./pool_wgsl.ts";

/** TFLite padding schemes. */
export type Padding = "SAME" | "VALID";

/** Parsed window parameters of a 2-D pool. */
export interface PoolParams {
  /** Padding scheme. */
  padding: Padding;
  /** Horizontal stride. */
  strideW: number;
  /** Vertical stride. */
  strideH: number;
  /** Window width. */
  filterW: number;
  /** Window height. */
  filterH: number;
  /** Fused activation. */
  activation: FusedActivation;
}

/** Output size and leading padding along one spatial axis. */
export interface WindowAxis {
  /** Output size. */
  out: number;
  /** Padding before the first element (elements the first window starts before 0). */
  pad: number;
}

/**
 * Output size and padding of a window along one axis, as TensorFlow Lite computes them:
 * SAME gives `ceil(in / stride)`, VALID `floor((in - filter) / stride) + 1`; the padding is
 * `max(((out - 1) * stride + filter - in) / 2, 0)` rounded toward zero.
 *
 * @example
 * ```ts
 * import { windowAxis } from "./pool_window.ts";
 * const a = windowAxis({ padding: "SAME", size: 7, filter: 3, stride: 2 });
 * if (a.out !== 4 || a.pad !== 1) throw new Error("wrong");
 * ```
 *
 * @param args Padding scheme, input size, window size and stride.
 * @returns Output size and leading padding.
 */
export function windowAxis(
  args: { padding: Padding; size: number; filter: number; stride: number },
): WindowAxis {
  const { padding, size, filter, stride } = args;
  const out = padding === "SAME"
    ? Math.floor((size + stride - 1) / stride)
    : Math.floor((size - filter + stride) / stride);
  const pad = Math.max(Math.trunc(((out - 1) * stride + filter - size) / 2), 0);
  return { out, pad };
}

/**
 * Parses `Pool2DOptions` (strides and filter sizes must be at least 1).
 *
 * @example
 * ```ts
 * import { parsePool2DOptions } from "./pool_window.ts";
 * const p = parsePool2DOptions("MAX_POOL_2D", { strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 });
 * if (p.padding !== "SAME" || p.activation !== "NONE") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @returns The window parameters.
 */
export function parsePool2DOptions(op: string, options: NodeOptions): PoolParams {
  return {
    padding: enumOption(op, options, "padding", ["SAME", "VALID"], "SAME"),
    strideW: intOption(op, options, "strideW", 0, 1),
    strideH: intOption(op, options, "strideH", 0, 1),
    filterW: intOption(op, options, "filterWidth", 0, 1),
    filterH: intOption(op, options, "filterHeight", 0, 1),
    activation: activationOption(op, options),
  };
}

/** The geometry of one pooling node. */
export interface PoolGeometry {
  /** Input `[b, h, w, c]`. */
  input: [number, number, number, number];
  /** Rows of the output and top padding. */
  y: WindowAxis;
  /** Columns of the output and left padding. */
  x: WindowAxis;
}

/**
 * Checks a 4-D float input against the window and returns the geometry.
 *
 * @example
 * ```ts
 * import { poolGeometry } from "./pool_window.ts";
 * const p = { padding: "VALID" as const, strideW: 2, strideH: 2, filterW: 2, filterH: 2, activation: "NONE" as const };
 * if (poolGeometry("MAX_POOL_2D", [1, 8, 8, 3], p).y.out !== 4) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param shape Input shape.
 * @param p Window parameters.
 * @returns The geometry.
 */
export function poolGeometry(op: string, shape: readonly number[], p: PoolParams): PoolGeometry {
  if (shape.length !== 4) {
    throw new OpError(`${op}: input must be 4-D (NHWC), got shape [${shape}]`);
  }
  const [b, h, w, c] = shape;
  const y = windowAxis({ padding: p.padding, size: h, filter: p.filterH, stride: p.strideH });
  const x = windowAxis({ padding: p.padding, size: w, filter: p.filterW, stride: p.strideW });
  if (y.out < 1 || x.out < 1) {
    throw new OpError(
      `${op}: a ${p.filterH}x${p.filterW} VALID window does not fit input [${shape}]`,
    );
  }
  return { input: [b, h, w, c], y, x };
}

/** Windows of at least this many elements run one workgroup per output vec4. */
export const GROUP_WINDOW = 64;

/**
 * Below this many output vec4s a pool has too few threads to fill a large GPU (an H100 keeps ~2000
 * threads per SM in flight), and windows of at least {@linkcode GROUP_FEW_WINDOW} elements also run
 * one workgroup per output vec4: one thread walking MobileNet's 7x7 global pool (256 outputs) waited
 * on 49 loads one after another (0.019-0.023 ms on an H100, its slowest node).
 */
export const GROUP_FEW_OUTPUTS = 4096;

/** Smallest window that runs one workgroup per output when the outputs are few. */
export const GROUP_FEW_WINDOW = 16;

/**
 * Whether a pool runs one workgroup per output vec4 (its window's elements spread over the group's
 * threads and reduced in workgroup memory) rather than one thread per output vec4.
 *
 * @example
 * ```ts
 * import { groupPool } from "./pool_window.ts";
 * if (!groupPool(49, 256)) throw new Error("a 7x7 global pool over 1024 channels: workgroups");
 * if (groupPool(9, 256) || groupPool(49, 100_000)) throw new Error("small window or many outputs");
 * ```
 *
 * @param window Elements of the full window (`filterH * filterW`).
 * @param outputs Output vec4s (positions x slices).
 * @returns `true` for the workgroup form.
 */
export function groupPool(window: number, outputs: number): boolean {
  return window >= GROUP_WINDOW || (window >= GROUP_FEW_WINDOW && outputs < GROUP_FEW_OUTPUTS);
}

/** Which pool. */
export type PoolMode = "avg" | "max";

/** How to build one windowed pool. */
export interface PoolSpec {
  /** Builtin op name. */
  name: string;
  /** Average or max. */
  mode: PoolMode;
}

function poolReference(
  mode: PoolMode,
  x: HostTensor,
  p: PoolParams,
  g: PoolGeometry,
): HostTensor {
  const [B, H, W, C] = g.input;
  const out = allocTensor("float32", [B, g.y.out, g.x.out, C]);
  const red = REDUCERS[mode === "avg" ? "sum" : "max"];
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < g.y.out; oy++) {
      const y0 = oy * p.strideH - g.y.pad;
      const ys = Math.max(y0, 0);
      const ye = Math.min(y0 + p.filterH, H);
      for (let ox = 0; ox < g.x.out; ox++) {
        const x0 = ox * p.strideW - g.x.pad;
        const xs = Math.max(x0, 0);
        const xe = Math.min(x0 + p.filterW, W);
        for (let c = 0; c < C; c++) {
          let acc = red.identity;
          for (let y = ys; y < ye; y++) {
            for (let xx = xs; xx < xe; xx++) {
              acc = red.fn(acc, readNumber(x, ((b * H + y) * W + xx) * C + c));
            }
          }
          if (mode === "avg") acc /= (ye - ys) * (xe - xs);
          out.data[o++] = applyActivation(p.activation, acc);
        }
      }
    }
  }
  return out;
}

/** WGSL computing the clipped window `ys..ye`, `xs..xe` of output `(h, w)`. */
function windowWgsl(p: PoolParams, g: PoolGeometry): string {
  return `  let y0 = h * ${p.strideH} - ${g.y.pad};
  let x0 = w * ${p.strideW} - ${g.x.pad};
  let ys = max(y0, 0);
  let ye = min(y0 + ${p.filterH}, ${g.input[1]});
  let xs = max(x0, 0);
  let xe = min(x0 + ${p.filterW}, ${g.input[2]});
`;
}

function poolPrograms(
  mode: PoolMode,
  p: PoolParams,
  g: PoolGeometry,
  out: GpuTensorInfo,
  maxPerDim: number,
) {
  const kind = mode === "avg" ? "sum" : "max";
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const finish = (acc: string) =>
    activationWgsl(
      p.activation,
      mode === "avg" ? `(${acc} / f32((ye - ys) * (xe - xs)))` : acc,
    );
  const bindings = [
    { kind: "input" as const, index: 0, name: "x" },
    { kind: "output" as const, index: 0, name: "y" },
  ];
  const ident = `vec4<f32>(${REDUCERS[kind].wgslIdentity})`;
  if (!groupPool(p.filterH * p.filterW, n)) {
    const body = `${decompose(out)}${windowWgsl(p, g)}  var acc = ${ident};
  for (var yy = ys; yy < ye; yy++) {
    for (var xx = xs; xx < xe; xx++) { acc = comb4(acc, x_vec(b, yy, xx, s)); }
  }
  y_store(i, ${finish("acc")});`;
    return [{
      label: `${mode} pool`,
      code: combineFns(kind) + main1d(n, body),
      bindings,
      dispatch: dispatch1d(n, undefined, maxPerDim),
    }];
  }
  const body = `${decompose(out)}${windowWgsl(p, g)}  let wx = xe - xs;
  let cnt = (ye - ys) * wx;
  var acc = ${ident};
  for (var k = i32(lid); k < cnt; k += ${GROUP_WG}) {
    acc = comb4(acc, x_vec(b, ys + k / wx, xs + k % wx, s));
  }
  acc = group_reduce(lid, acc);
  if (lid == 0u) { y_store(i, ${finish("acc")}); }`;
  return [{
    label: `${mode} pool (workgroup)`,
    code: combineFns(kind) + groupReduceFn("group_reduce", "comb4") + groupMain(n, body),
    bindings,
    dispatch: groupDispatch(n, maxPerDim),
  }];
}

/** Conformance shapes and windows shared by the pools: `[shape, filterH, filterW, strideH, strideW, padding]`. */
const POOL_CASES: [number[], number, number, number, number, Padding][] = [
  [[1, 8, 8, 3], 2, 2, 2, 2, "VALID"],
  [[1, 9, 9, 5], 3, 3, 2, 2, "SAME"],
  [[2, 7, 6, 7], 3, 3, 1, 1, "SAME"],
  [[1, 10, 7, 4], 2, 2, 1, 1, "VALID"],
  [[1, 5, 5, 3], 3, 3, 3, 3, "SAME"],
  [[2, 12, 12, 16], 2, 2, 2, 2, "SAME"],
  [[1, 9, 11, 5], 2, 3, 2, 1, "SAME"],
  [[1, 4, 4, 3], 7, 7, 1, 1, "SAME"],
  [[1, 20, 20, 3], 9, 9, 4, 4, "SAME"],
  [[1, 16, 16, 8], 16, 16, 16, 16, "VALID"],
  [[2, 16, 16, 5], 16, 16, 1, 1, "VALID"],
  [[1, 128, 128, 5], 128, 128, 1, 1, "VALID"],
  [[1, 1, 1, 1], 1, 1, 1, 1, "VALID"],
];

const CASE_ACTIVATIONS: FusedActivation[] = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"];

/**
 * Builds AVERAGE_POOL_2D or MAX_POOL_2D.
 *
 * @example
 * ```ts
 * import { poolKernel } from "./pool_window.ts";
 * const k = poolKernel({ name: "MAX_POOL_2D", mode: "max" });
 * if (k.optionsType !== "Pool2DOptions") throw new Error("wrong");
 * ```
 *
 * @param spec Op name and mode.
 * @returns The kernel.
 */
export function poolKernel(spec: PoolSpec): KernelDef<PoolParams> {
  const op = spec.name;
  return {
    name: op,
    optionsType: "Pool2DOptions",
    parse({ options, inputs }) {
      if (inputs.length !== 1 || !inputs[0]) {
        throw new OpError(`${op} needs 1 input, got ${inputs.length}`);
      }
      return parsePool2DOptions(op, options);
    },
    infer({ inputs, options }): TensorSpec[] {
      const x = inputs[0]!;
      if (x.dtype !== "float32") throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      const g = poolGeometry(op, x.shape, options);
      return [{ dtype: "float32", shape: [g.input[0], g.y.out, g.x.out, g.input[3]] }];
    },
    reference({ inputs, options }) {
      const x = inputs[0]!;
      return [poolReference(spec.mode, x, options, poolGeometry(op, x.shape, options))];
    },
    gpu: {
      plan({ inputs, outputs, options, limits }) {
        const g = poolGeometry(op, inputs[0]!.shape, options);
        return poolPrograms(spec.mode, options, g, outputs[0], limits.maxWorkgroupsPerDimension);
      },
    },
    cases(): OpCase[] {
      return POOL_CASES.map(([shape, fh, fw, sh, sw, padding], i) => {
        const act = CASE_ACTIVATIONS[i % CASE_ACTIVATIONS.length];
        return {
          name: `[${shape}] ${fh}x${fw} /${sh}x${sw} ${padding} ${act}`,
          inputs: [{ dtype: "float32", shape, range: [-3, 3] }],
          options: {
            padding,
            filterHeight: fh,
            filterWidth: fw,
            strideH: sh,
            strideW: sw,
            fusedActivationFunction: act,
          },
        };
      });
    },
  };
}
