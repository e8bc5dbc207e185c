/**
 * TFLite's optimized int8 per-channel CONV_2D as its Wasm build runs it (ruy's requantization:
 * `(acc * multiplier + 2^(30 - shift)) >> (31 - shift)`, one rounding) in place of gpulite's
 * reference CONV_2D (TFLite's reference kernel: a rounding doubling high multiply, then a rounding
 * right shift, two roundings), for the length of a call. With it, whole int8 networks on gpulite's
 * reference can be compared bit for bit with TFLite's builtin kernels: any other difference is
 * gpulite's. Only for scripts and tests: it swaps the registry's kernel while the call runs.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../core/kernel.ts";
import type { ConvOptions } from "../kernels/_shared/conv_common.ts";
import {
  allocQuant,
  convRealMultiplier,
  outputRange,
  quantizeMultiplier,
} from "../kernels/_shared/quant_math.ts";
import { kernelFor } from "../kernels/registry.ts";

function padBefore(a: { padding: string; out: number; stride: number; k: number; size: number }) {
  return a.padding === "SAME"
    ? Math.floor(Math.max(0, (a.out - 1) * a.stride + a.k - a.size) / 2)
    : 0;
}

/** int8 CONV_2D (one group) with one rounding per requantization. */
function singleRoundingConv(a: {
  x: HostTensor;
  w: HostTensor;
  bias?: HostTensor;
  out: HostTensor | Parameters<typeof allocQuant>[0];
  options: ConvOptions;
}): HostTensor {
  const { x, w, options: o } = a;
  const [N, H, W, C] = x.shape, [O, KH, KW] = w.shape;
  const [, OH, OW] = a.out.shape;
  const q = (t: { quantization?: { scale: number[]; zeroPoint: number[] } }, c: number) => {
    const s = t.quantization!;
    return {
      scale: s.scale[s.scale.length > 1 ? c : 0],
      zero: s.zeroPoint[s.zeroPoint.length > 1 ? c : 0] ?? 0,
    };
  };
  const sx = q(x, 0), sy = q(a.out, 0);
  const mult = Array.from({ length: O }, (_, c) =>
    quantizeMultiplier(convRealMultiplier({
      op: "CONV_2D",
      dtype: "int8",
      perChannel: w.quantization!.scale.length > 1,
      sx: sx.scale,
      sw: q(w, c).scale,
      sy: sy.scale,
    })));
  const [lo, hi] = outputRange("CONV_2D", o.activation, a.out);
  const pt = padBefore({
    padding: o.padding,
    out: OH,
    stride: o.strideH,
    k: (KH - 1) * o.dilationH + 1,
    size: H,
  });
  const pl = padBefore({
    padding: o.padding,
    out: OW,
    stride: o.strideW,
    k: (KW - 1) * o.dilationW + 1,
    size: W,
  });
  const y = allocQuant({ ...a.out, shape: [N, OH, OW, O] });
  const xd = x.data as Int8Array, wd = w.data as Int8Array;
  let i = 0;
  for (let b = 0; b < N; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let c = 0; c < O; c++) {
          let acc = a.bias ? Number(a.bias.data[c]) : 0;
          const zw = q(w, c).zero;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * o.strideH - pt + ky * o.dilationH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * o.strideW - pl + kx * o.dilationW;
              if (ix < 0 || ix >= W) continue;
              const xb = ((b * H + iy) * W + ix) * C, wb = ((c * KH + ky) * KW + kx) * C;
              for (let ci = 0; ci < C; ci++) acc += (xd[xb + ci] - sx.zero) * (wd[wb + ci] - zw);
            }
          }
          const m = mult[c];
          const v = Number(
            (BigInt(acc) * BigInt(m.multiplier) + (1n << BigInt(30 - m.shift))) >>
              BigInt(31 - m.shift),
          ) + sy.zero;
          y.data[i++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
  return y;
}

/**
 * Runs `fn` with gpulite's reference int8 CONV_2D (single group) requantizing as TFLite's optimized
 * kernel does; other dtypes and grouped convolutions keep the reference kernel.
 *
 * @example
 * ```ts ignore
 * const rows = await withSingleRoundingConv(() => compareCase(c, [1], { peers: ["tflite builtin"] }));
 * ```
 *
 * @param fn The work.
 * @returns What `fn` returns.
 */
export async function withSingleRoundingConv<T>(fn: () => Promise<T>): Promise<T> {
  const def = kernelFor("CONV_2D") as { quant: QuantKernelDef<ConvOptions> };
  const reference = def.quant.reference;
  def.quant.reference = (args) => {
    const [x, w, bias] = args.inputs;
    if (x!.dtype !== "int8" || w!.shape[3] !== x!.shape[3]) return reference(args);
    return [
      singleRoundingConv({ x: x!, w: w!, bias, out: args.outputs[0], options: args.options }),
    ];
  };
  try {
    return await fn();
  } finally {
    def.quant.reference = reference;
  }
}
