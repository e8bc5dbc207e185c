/**
 * LiteRtMaxUnpooling2D (custom op): TensorFlow Lite's max unpooling (`MAX_UNPOOLING2D` of its
 * perception ops, registered by LiteRT under this custom code). Each input value is written to the
 * output at its index, a flat offset `(y * outW + x) * C + c` within its batch (the convention of
 * TensorFlow's `MaxPoolWithArgmax`); the rest of the output is zero. The output is `in * stride`
 * with SAME padding and `(in - 1) * stride + filter` with VALID. The custom options are the bytes of
 * `TfLitePoolParams`, as for MediaPipe's MaxUnpooling2D, whose index convention and output size
 * differ. Runs on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { parsePoolParamsBytes, poolParamsBytes } from "../_shared/pool_custom.ts";
import type { PoolParams } from "../_shared/pool_window.ts";

const OP = "LiteRtMaxUnpooling2D";

function outShape(shape: readonly number[], p: PoolParams): number[] {
  const [b, h, w, c] = shape;
  return p.padding === "SAME"
    ? [b, h * p.strideH, w * p.strideW, c]
    : [b, (h - 1) * p.strideH + p.filterH, (w - 1) * p.strideW + p.filterW, c];
}

/** Indices a max pool with these parameters could give: one window position per input element. */
function windowIndices(shape: number[], p: PoolParams): number[] {
  const [b, h, w, c] = shape;
  const [, , ow] = outShape(shape, p);
  const out: number[] = [];
  for (let n = 0; n < b; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          const dy = (y * 7 + x * 3 + k + n) % p.filterH;
          const dx = (y + x * 5 + k * 2) % p.filterW;
          out.push(((y * p.strideH + dy) * ow + x * p.strideW + dx) * c + k);
        }
      }
    }
  }
  return out;
}

const CASES: [number[], PoolParams][] = [
  [[1, 2, 3, 2], {
    padding: "SAME",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }],
  [[2, 2, 4, 2], {
    padding: "VALID",
    strideW: 3,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }],
  [[1, 3, 3, 5], {
    padding: "VALID",
    strideW: 1,
    strideH: 1,
    filterW: 3,
    filterH: 2,
    activation: "NONE",
  }],
];

/**
 * The LiteRtMaxUnpooling2D kernel.
 *
 * @example
 * ```ts
 * import { litertMaxUnpooling2d } from "./mod.ts";
 * const o = { padding: "SAME" as const, strideW: 2, strideH: 2, filterW: 2, filterH: 2, activation: "NONE" as const };
 * const v = { dtype: "float32" as const, shape: [1, 1, 1, 1], data: new Float32Array([5]) };
 * const i = { dtype: "int32" as const, shape: [1, 1, 1, 1], data: new Int32Array([3]) };
 * const [y] = litertMaxUnpooling2d.reference({ inputs: [v, i], options: o, outputs: [{ dtype: "float32", shape: [1, 2, 2, 1] }] });
 * if (y.data.join() !== "0,0,0,5") throw new Error("wrong");
 * ```
 */
export const litertMaxUnpooling2d: KernelDef<PoolParams> = {
  name: OP,
  custom: true,
  parse({ customOptions, inputs }) {
    if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
      throw new OpError(`${OP} needs 2 inputs (values, indices), got ${inputs.length}`);
    }
    return parsePoolParamsBytes(OP, customOptions);
  },
  infer({ inputs, options }): TensorSpec[] {
    const [v, ind] = inputs as TensorSpec[];
    if (v.dtype !== "float32") throw new OpError(`${OP}: dtype ${v.dtype} is not supported`);
    if (ind.dtype !== "int32") throw new OpError(`${OP}: indices must be int32, got ${ind.dtype}`);
    if (v.shape.length !== 4 || v.shape.join() !== ind.shape.join()) {
      throw new OpError(
        `${OP}: values and indices must share one 4-D shape, got [${v.shape}] and [${ind.shape}]`,
      );
    }
    return [{ dtype: "float32", shape: outShape(v.shape, options) }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const [v, ind] = inputs as HostTensor[];
    const out = allocTensor("float32", outputs[0].shape);
    const batch = out.data.length / out.shape[0];
    const per = v.data.length / v.shape[0];
    for (let i = 0; i < v.data.length; i++) {
      const idx = readNumber(ind, i);
      if (!(idx >= 0 && idx < batch)) {
        throw new OpError(
          `${OP}: index ${idx} is outside the output's ${batch} elements per batch`,
        );
      }
      out.data[Math.floor(i / per) * batch + idx] = v.data[i];
    }
    return [out];
  },
  cases(): OpCase[] {
    return CASES.map(([shape, p]) => ({
      name:
        `[${shape}] ${p.padding} stride ${p.strideH}x${p.strideW} filter ${p.filterH}x${p.filterW}`,
      inputs: [
        { dtype: "float32", shape },
        { dtype: "int32", shape, data: windowIndices(shape, p) },
      ],
      customOptions: poolParamsBytes(p),
    }));
  },
};
