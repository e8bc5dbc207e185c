/**
 * The integer convolution loop TFLite's 8-bit CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share
 * (`reference_ops::Conv`, `reference_integer_ops::ConvPerChannel`, `DepthwiseConvPerChannel`): int32
 * accumulation of `(x - zx) * (w - zw)`, an int32 bias, one fixed-point multiplier per output
 * channel (`input_scale * filter_scale / output_scale`), the output zero point, and the fused
 * activation as a clamp in the quantized domain.
 *
 * @module
 */
import type { HostTensor, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { convAxes, type ConvOptions } from "./conv_common.ts";
import {
  allocQuant,
  channelQuant,
  convRealMultiplier,
  multiplyByQuantizedMultiplier,
  outputRange,
  type QuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "./quant_math.ts";

/** What {@linkcode quantConv} computes. */
export interface QuantConvArgs {
  /** Op name, for errors. */
  op: string;
  /** 8-bit NHWC input. */
  x: HostTensor;
  /** 8-bit weights: OHWI (`[O, KH, KW, I]`), or `[1, KH, KW, O]` when `depthwise`. */
  w: HostTensor;
  /** int32 bias of `O` elements. */
  bias?: HostTensor;
  /** Output spec `[N, OH, OW, O]` with its quantization. */
  out: TensorSpec;
  /** Padding, strides, dilations and fused activation. */
  options: ConvOptions;
  /** Depthwise: output channel `o` reads input channel `floor(o / (O / I))`. */
  depthwise?: boolean;
}

function channelMultipliers(
  op: string,
  o: { x: TensorSpec; w: HostTensor; out: TensorSpec; channels: number },
): QuantizedMultiplier[] {
  const sx = tensorQuant(op, o.x).scale, sy = tensorQuant(op, o.out).scale;
  const wq = o.w.quantization;
  if (!wq || wq.scale.length === 0) throw new OpError(`${op}: the weights are not quantized`);
  if (wq.scale.length > 1 && wq.scale.length !== o.channels) {
    throw new OpError(
      `${op}: ${wq.scale.length} weight scales for ${o.channels} output channels`,
    );
  }
  return Array.from(
    { length: o.channels },
    (_, c) =>
      quantizeMultiplier(convRealMultiplier({
        op,
        dtype: o.x.dtype,
        perChannel: wq.scale.length > 1,
        sx,
        sw: channelQuant(wq, c).scale,
        sy,
      })),
  );
}

/**
 * Integer 2-D convolution (plain or depthwise) in TFLite's arithmetic.
 *
 * @example
 * ```ts
 * import { quantConv } from "./quant_conv.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "uint8" as const, shape: [1, 1, 1, 2], quantization: q(0.5, 10), data: new Uint8Array([12, 14]) };
 * const w = { dtype: "uint8" as const, shape: [1, 1, 1, 2], quantization: q(0.25, 128), data: new Uint8Array([132, 124]) };
 * const out = { dtype: "uint8" as const, shape: [1, 1, 1, 1], quantization: q(0.125, 100) };
 * const options = { padding: "VALID" as const, strideW: 1, strideH: 1, dilationW: 1, dilationH: 1, activation: "NONE" as const };
 * // (2 * 4 + 4 * -4) * 0.5 * 0.25 / 0.125 = -8
 * if (quantConv({ op: "CONV_2D", x, w, out, options }).data[0] !== 92) throw new Error("wrong");
 * ```
 *
 * @param a Input, weights, bias, output spec, options.
 * @returns The 8-bit output.
 */
export function quantConv(a: QuantConvArgs): HostTensor {
  const { op, x, w, options: o } = a;
  const [N, H, W, C] = x.shape;
  const [, KH, KW, WI] = a.w.shape;
  const O = a.depthwise ? w.shape[3] : w.shape[0];
  const [, OH, OW] = a.out.shape;
  const groupIn = a.depthwise ? 1 : WI;
  const perGroup = a.depthwise ? O / C : O / (C / WI);
  if (!Number.isInteger(perGroup) || perGroup < 1) {
    throw new OpError(`${op}: ${O} output channels do not divide over ${C} input channels`);
  }
  const { oh: { before: py }, ow: { before: px } } = convAxes(o, [H, W], [KH, KW]);
  const zx = tensorQuant(op, x).zeroPoint, zy = tensorQuant(op, a.out).zeroPoint;
  const mult = channelMultipliers(op, { x, w, out: a.out, channels: O });
  const [lo, hi] = outputRange(op, o.activation, a.out);
  const xi = Int32Array.from(x.data as ArrayLike<number>, (v) => v - zx);
  const wi = new Int32Array(w.data.length);
  const wq = w.quantization!;
  for (let i = 0; i < wi.length; i++) {
    const oc = a.depthwise ? i % O : Math.floor(i / (KH * KW * WI));
    wi[i] = Number(w.data[i]) - channelQuant(wq, oc).zeroPoint;
  }
  const bias = a.bias ? Int32Array.from(a.bias.data as ArrayLike<number>) : new Int32Array(O);
  const y = allocQuant(a.out);
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < O; oc++) {
          const c0 = Math.floor(oc / perGroup) * groupIn;
          let acc = bias[oc];
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * o.strideH - py + ky * o.dilationH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * o.strideW - px + kx * o.dilationW;
              if (ix < 0 || ix >= W) continue;
              const xb = ((n * H + iy) * W + ix) * C + c0;
              if (a.depthwise) {
                acc += xi[xb] * wi[(ky * KW + kx) * O + oc];
              } else {
                const wb = ((oc * KH + ky) * KW + kx) * WI;
                for (let c = 0; c < WI; c++) acc += xi[xb + c] * wi[wb + c];
              }
            }
          }
          const v = multiplyByQuantizedMultiplier(acc | 0, mult[oc]) + zy;
          y.data[k++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
  return y;
}

/**
 * Integer FULLY_CONNECTED: rows of the input (its last dimension is the weights' input size) times
 * `[O, I]` weights, as a 1x1 convolution.
 *
 * @example
 * ```ts
 * import { quantFullyConnected } from "./quant_conv.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "int8" as const, shape: [1, 2], quantization: q(1, 0), data: new Int8Array([3, 4]) };
 * const w = { dtype: "int8" as const, shape: [1, 2], quantization: q(1, 0), data: new Int8Array([1, 2]) };
 * const out = { dtype: "int8" as const, shape: [1, 1], quantization: q(1, -5) };
 * if (quantFullyConnected({ x, w, out, activation: "NONE" }).data[0] !== 6) throw new Error("wrong");
 * ```
 *
 * @param a Input, `[O, I]` weights, bias, output spec, fused activation.
 * @returns The 8-bit output (shape of `out`).
 */
export function quantFullyConnected(
  a: {
    x: HostTensor;
    w: HostTensor;
    bias?: HostTensor;
    out: TensorSpec;
    activation: FusedActivation;
  },
): HostTensor {
  const [O, I] = a.w.shape;
  const rows = a.x.data.length / I;
  if (!Number.isInteger(rows)) {
    throw new OpError(`FULLY_CONNECTED: input [${a.x.shape}] does not split into rows of ${I}`);
  }
  const y = quantConv({
    op: "FULLY_CONNECTED",
    x: { ...a.x, shape: [1, 1, rows, I] },
    w: { ...a.w, shape: [O, 1, 1, I] },
    bias: a.bias,
    out: { ...a.out, shape: [1, 1, rows, O] },
    options: {
      padding: "VALID",
      strideW: 1,
      strideH: 1,
      dilationW: 1,
      dilationH: 1,
      activation: a.activation,
    },
  });
  return { ...y, shape: [...a.out.shape] };
}
