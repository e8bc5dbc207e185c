/**
 * RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR of 8-bit tensors: the output keeps the input's scale
 * and zero point; nearest copies values. Bilinear on uint8 follows TFLite's builtin uint8 kernel
 * (`ResizeBilinearGenericSmallChannel`): float32 source coordinates, the four weights formed
 * first, the weighted sum plus 0.5 truncated, every step rounded to float32 (TFLite's
 * `reference_ops` form multiplies in another order and differs from it on rare elements); on int8
 * it follows TFLite's `ResizeBilinearInteger`: source coordinates and weights in 10-bit fixed
 * point, the four products summed in 20 fractional bits and rounded half away from zero.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef, TensorSpec } from "../../core/kernel.ts";
import { type ResizeMode, type ResizeOptions, resizeReference } from "./pool_resize.ts";
import { allocQuant, dtypeRange, roundHalfAway } from "./quant_math.ts";

/**
 * The 8-bit half of a resize.
 *
 * @example
 * ```ts
 * import { quantResize } from "./quant_resize.ts";
 * const q = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [1, 1, 2, 1], quantization: q, data: new Uint8Array([0, 3]) };
 * const o = { alignCorners: false, halfPixelCenters: false, outH: 1, outW: 4 };
 * const [y] = quantResize("bilinear").reference({ inputs: [x], options: o, outputs: [{ ...x, shape: [1, 1, 4, 1] }] });
 * if (y.data[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param mode `bilinear` or `nearest`.
 * @returns The 8-bit kernel half.
 */
export function quantResize(mode: ResizeMode): QuantKernelDef<ResizeOptions> {
  return {
    reference({ inputs, options, outputs }): HostTensor[] {
      const x = inputs[0]!;
      if (mode === "bilinear" && (x.dtype === "int8" || x.dtype === "uint8")) {
        const out = { ...outputs[0], quantization: outputs[0].quantization ?? x.quantization };
        return [(x.dtype === "int8" ? resizeBilinearInt8 : resizeBilinearUint8)(x, out, options)];
      }
      const f = resizeReference(mode, x, options);
      const y = allocQuant({
        ...outputs[0],
        quantization: outputs[0].quantization ?? x.quantization,
      });
      const [lo, hi] = dtypeRange(y.dtype);
      for (let i = 0; i < y.data.length; i++) {
        const v = roundHalfAway(Number(f.data[i]));
        y.data[i] = v < lo ? lo : v > hi ? hi : v;
      }
      return [y];
    },
  };
}

/** TFLite's 10-bit source coordinate of output index `v` and its two neighbours. */
function sourceInteger(
  v: number,
  a: { scale10: number; halfPixelCenters: boolean; size: number },
): [number, number, number] {
  const scaled = a.halfPixelCenters
    ? v * a.scale10 + Math.trunc(a.scale10 / 2) - (1 << 9)
    : v * a.scale10;
  return [
    scaled,
    Math.max(Math.trunc(scaled / 1024), 0),
    Math.min(Math.trunc((scaled + 1023) / 1024), a.size - 1),
  ];
}

/** TFLite's 10-bit scale of one axis. */
function scale10(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1
    ? Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1))
    : Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
}

/** TFLite's `ResizeBilinearInteger` on an int8 NHWC tensor. */
function resizeBilinearInt8(x: HostTensor, out: TensorSpec, o: ResizeOptions): HostTensor {
  const [N, H, W, C] = x.shape;
  const [, OH, OW] = out.shape;
  const y = allocQuant(out);
  const xd = x.data as Int8Array;
  const sy = scale10(H, OH, o.alignCorners), sx = scale10(W, OW, o.alignCorners);
  let i = 0;
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const [iy, y0, y1] = sourceInteger(oy, {
        scale10: sy,
        halfPixelCenters: o.halfPixelCenters,
        size: H,
      });
      const fy = iy - 1024 * y0;
      for (let ox = 0; ox < OW; ox++) {
        const [ix, x0, x1] = sourceInteger(ox, {
          scale10: sx,
          halfPixelCenters: o.halfPixelCenters,
          size: W,
        });
        const fx = ix - 1024 * x0;
        const r0 = (b * H + y0) * W, r1 = (b * H + y1) * W;
        for (let c = 0; c < C; c++) {
          const sum = xd[(r0 + x0) * C + c] * (1024 - fy) * (1024 - fx) +
            xd[(r1 + x0) * C + c] * fy * (1024 - fx) +
            xd[(r0 + x1) * C + c] * (1024 - fy) * fx +
            xd[(r1 + x1) * C + c] * fy * fx;
          y.data[i++] = Math.trunc((sum + (sum > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20));
        }
      }
    }
  }
  return y;
}

/** TFLite's float32 source coordinate of output index `v` and its two neighbours. */
function sourceFloat(
  v: number,
  a: { scale: number; halfPixelCenters: boolean; size: number },
): [number, number, number] {
  const f = Math.fround;
  const scaled = a.halfPixelCenters ? f(f(f(v + 0.5) * a.scale) - 0.5) : f(v * a.scale);
  return [scaled, Math.max(Math.floor(scaled), 0), Math.min(Math.ceil(scaled), a.size - 1)];
}

/** TFLite's builtin uint8 bilinear resize on an NHWC tensor, in float32 steps. */
function resizeBilinearUint8(x: HostTensor, out: TensorSpec, o: ResizeOptions): HostTensor {
  const f = Math.fround;
  const [N, H, W, C] = x.shape;
  const [, OH, OW] = out.shape;
  const y = allocQuant(out);
  const xd = x.data as Uint8Array;
  const ratio = (i: number, n: number) =>
    o.alignCorners && n > 1 ? f(f(i - 1) / (n - 1)) : f(f(i) / n);
  const hs = ratio(H, OH), ws = ratio(W, OW);
  let i = 0;
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const [iy, y0, y1] = sourceFloat(oy, {
        scale: hs,
        halfPixelCenters: o.halfPixelCenters,
        size: H,
      });
      const dy = f(iy - y0), ny = f(1 - dy);
      for (let ox = 0; ox < OW; ox++) {
        const [ix, x0, x1] = sourceFloat(ox, {
          scale: ws,
          halfPixelCenters: o.halfPixelCenters,
          size: W,
        });
        const dx = f(ix - x0), nx = f(1 - dx);
        const w00 = f(ny * nx), w01 = f(ny * dx), w10 = f(dy * nx), w11 = f(dy * dx);
        const r0 = (b * H + y0) * W, r1 = (b * H + y1) * W;
        for (let c = 0; c < C; c++) {
          let sum = f(xd[(r0 + x0) * C + c] * w00);
          sum = f(sum + f(xd[(r0 + x1) * C + c] * w01));
          sum = f(sum + f(xd[(r1 + x0) * C + c] * w10));
          sum = f(sum + f(xd[(r1 + x1) * C + c] * w11));
          y.data[i++] = Math.trunc(f(sum + 0.5));
        }
      }
    }
  }
  return y;
}
