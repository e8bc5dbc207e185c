/**
 * MaxUnpooling2D (MediaPipe custom op): the inverse of MaxPoolingWithArgmax2D. The output is
 * `[b, h * filterHeight, w * filterWidth, c]`, zero except where an input value lands: index `k`
 * (truncated toward zero) of input `(y, x)` means row `y * strideH - padTop + k / filterWidth` and
 * column `x * strideW - padLeft + k % filterWidth`; the padding is TensorFlow Lite's for a window
 * pooling the output back to the input. Destinations outside the output are skipped; when two land
 * on one element the later input (row-major) wins. Options are raw `TfLitePoolParams` bytes (the
 * padding scheme and activation are ignored, as MediaPipe does).
 *
 * The GPU gathers: each output element scans the inputs whose window covers it, so indices outside
 * `[0, filterHeight * filterWidth)` (which MaxPoolingWithArgmax2D never produces) are dropped there.
 *
 * @module
 */
import type { GpuTensorInfo, HostTensor, KernelDef, OpCase } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { decompose, dispatch1d, main1d } from "../_gpu/wgsl.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { parsePoolParamsBytes, poolParamsBytes } from "../_shared/pool_custom.ts";
import { unpoolBuilder } from "./cpu.ts";

const OP = "MaxUnpooling2D";

/**
 * Leading padding along one axis: TensorFlow Lite's `ComputePadding` for a window of `filter` and
 * `stride` that pools `out` elements down to `size`.
 *
 * @example
 * ```ts
 * import { unpoolPad } from "./mod.ts";
 * if (unpoolPad({ size: 4, out: 8, filter: 2, stride: 2 }) !== 0) throw new Error("wrong");
 * ```
 *
 * @param args Input size, output size, window and stride.
 * @returns The padding.
 */
export function unpoolPad(
  args: { size: number; out: number; filter: number; stride: number },
): number {
  const { size, out, filter, stride } = args;
  return Math.max(Math.trunc(((size - 1) * stride + filter - out) / 2), 0);
}

function geometry(shape: readonly number[], p: PoolParams) {
  const [B, H, W, C] = shape;
  const outH = H * p.filterH;
  const outW = W * p.filterW;
  return {
    B,
    H,
    W,
    C,
    outH,
    outW,
    padH: unpoolPad({ size: H, out: outH, filter: p.filterH, stride: p.strideH }),
    padW: unpoolPad({ size: W, out: outW, filter: p.filterW, stride: p.strideW }),
  };
}

function reference(values: HostTensor, indices: HostTensor, p: PoolParams): HostTensor {
  const g = geometry(values.shape, p);
  const out = allocTensor("float32", [g.B, g.outH, g.outW, g.C]);
  let k = 0;
  for (let b = 0; b < g.B; b++) {
    for (let y = 0; y < g.H; y++) {
      for (let x = 0; x < g.W; x++) {
        for (let c = 0; c < g.C; c++, k++) {
          const idx = Math.trunc(readNumber(indices, k));
          const oy = y * p.strideH - g.padH + Math.trunc(idx / p.filterW);
          const ox = x * p.strideW - g.padW + (idx % p.filterW);
          if (oy >= 0 && oy < g.outH && ox >= 0 && ox < g.outW) {
            out.data[((b * g.outH + oy) * g.outW + ox) * g.C + c] = readNumber(values, k);
          }
        }
      }
    }
  }
  return out;
}

function plan(values: GpuTensorInfo, out: GpuTensorInfo, p: PoolParams) {
  const g = geometry(values.shape, p);
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const body = `${decompose(out)}  var res = vec4<f32>(0.0);
  let ylo = max(ceil_div(h + ${g.padH - p.filterH + 1}, ${p.strideH}), 0);
  let yhi = min((h + ${g.padH}) / ${p.strideH}, ${g.H - 1});
  let xlo = max(ceil_div(w + ${g.padW - p.filterW + 1}, ${p.strideW}), 0);
  let xhi = min((w + ${g.padW}) / ${p.strideW}, ${g.W - 1});
  for (var iy = ylo; iy <= yhi; iy++) {
    for (var ix = xlo; ix <= xhi; ix++) {
      let k = vec4<i32>(ind_vec(b, iy, ix, s));
      let hit = (vec4<i32>(iy * ${p.strideH} - ${g.padH}) + k / ${p.filterW} == vec4<i32>(h)) &
        (vec4<i32>(ix * ${p.strideW} - ${g.padW}) + k % ${p.filterW} == vec4<i32>(w));
      res = select(res, v_vec(b, iy, ix, s), hit);
    }
  }
  y_store(i, res);`;
  const helper = `fn ceil_div(a: i32, d: i32) -> i32 {
  return select(-((-a) / d), (a + d - 1) / d, a > 0);
}
`;
  return [{
    label: "max unpooling",
    code: helper + main1d(n, body),
    bindings: [
      { kind: "input" as const, index: 0, name: "v" },
      { kind: "input" as const, index: 1, name: "ind" },
      { kind: "output" as const, index: 0, name: "y" },
    ],
    dispatch: dispatch1d(n),
  }];
}

/** Conformance cases: `[shape, window, index dtype]`. */
const UNPOOL_CASES: [number[], PoolParams, "float32" | "int32"][] = [
  [[1, 4, 4, 3], {
    padding: "VALID",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }, "float32"],
  [[2, 5, 3, 5], {
    padding: "SAME",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }, "float32"],
  [[1, 3, 3, 7], {
    padding: "VALID",
    strideW: 2,
    strideH: 2,
    filterW: 3,
    filterH: 3,
    activation: "NONE",
  }, "float32"],
  [[1, 4, 4, 4], {
    padding: "VALID",
    strideW: 1,
    strideH: 1,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }, "float32"],
  [[1, 16, 16, 32], {
    padding: "VALID",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }, "float32"],
  [[1, 4, 4, 3], {
    padding: "VALID",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }, "int32"],
];

/** The MaxUnpooling2D kernel. */
export const maxUnpooling2d: KernelDef<PoolParams> = {
  name: OP,
  custom: true,
  parse({ customOptions, inputs }) {
    if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
      throw new OpError(`${OP} needs 2 inputs (values, indices), got ${inputs.length}`);
    }
    return parsePoolParamsBytes(OP, customOptions);
  },
  infer({ inputs, options }) {
    const [v, ind] = inputs as GpuTensorInfo[];
    if (v.dtype !== "float32") throw new OpError(`${OP}: dtype ${v.dtype} is not supported`);
    if (ind.dtype !== "float32" && ind.dtype !== "int32") {
      throw new OpError(`${OP}: indices must be float32 or int32, got ${ind.dtype}`);
    }
    if (v.shape.length !== 4 || v.shape.join() !== ind.shape.join()) {
      throw new OpError(
        `${OP}: values and indices must share one 4-D shape, got [${v.shape}] and [${ind.shape}]`,
      );
    }
    const g = geometry(v.shape, options);
    return [{ dtype: "float32", shape: [g.B, g.outH, g.outW, g.C] }];
  },
  reference({ inputs, options }) {
    return [reference(inputs[0]!, inputs[1]!, options)];
  },
  gpu: {
    plan({ inputs, outputs, options }) {
      return plan(inputs[0]!, outputs[0], options);
    },
  },
  cpu: { float: unpoolBuilder(geometry) },
  cases(): OpCase[] {
    return UNPOOL_CASES.map(([shape, p, dtype]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const window = p.filterH * p.filterW;
      const data = Array.from({ length: n }, (_, i) => ((i * 7 + 3) % window) + 0.1);
      return {
        name: `[${shape}] ${p.filterH}x${p.filterW} /${p.strideH} ${dtype} indices`,
        inputs: [
          { dtype: "float32", shape, range: [-2, 2] },
          dtype === "float32"
            ? { dtype, shape, data }
            : { dtype, shape, data: data.map(Math.trunc) },
        ],
        customOptions: poolParamsBytes(p),
      };
    });
  },
};
