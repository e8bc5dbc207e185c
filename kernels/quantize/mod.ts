/**
 * QUANTIZE: float32 to int8/uint8/int16 as `clamp(round(x / scale) + zeroPoint)`, rounding halves
 * away from zero (`TfLiteRound`), with per-tensor or per-channel parameters.
 *
 * The output dtype and quantization are the declared output tensor's (the model states them; they
 * do not follow from the input). Integer outputs do not live on the GPU, so QUANTIZE has no GPU
 * kernel: it runs on the CPU reference, usually as the last node of a float network feeding an
 * integer consumer.
 *
 * @module
 */
import type { DType, Quantization } from "../../core/ir.ts";
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber, stridesOf } from "../_shared/tensor.ts";
import { quantizeInteger } from "./quant.ts";
import { quantizeFloat } from "./cpu.ts";

/** Parsed options of QUANTIZE (it has none; the parameters come with the output). */
export type QuantizeOptions = Record<string, never>;

/** Integer ranges of the output dtypes. */
const RANGES: Readonly<Partial<Record<DType, [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};

function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/**
 * The QUANTIZE kernel (CPU reference only).
 *
 * @example
 * ```ts
 * import { quantize } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [3], data: new Float32Array([0.5, -0.25, 100]) };
 * const q = { scale: [0.25], zeroPoint: [10], quantizedDimension: 0 };
 * const [y] = quantize.reference({ inputs: [x], options: {}, outputs: [{ dtype: "int8", shape: [3], quantization: q }] });
 * if (y.data[0] !== 12 || y.data[1] !== 9 || y.data[2] !== 127) throw new Error("wrong");
 * ```
 */
export const quantize: KernelDef<QuantizeOptions> = {
  name: "QUANTIZE",
  quant: quantizeInteger,
  optionsType: "QuantizeOptions",
  parse({ inputs }) {
    if (inputs.length < 1 || !inputs[0]) throw new OpError("QUANTIZE needs 1 input");
    const requantize = ["uint8", "int8", "int16"].includes(inputs[0].dtype) &&
      inputs[0].quantization;
    if (inputs[0].dtype !== "float32" && !requantize) {
      throw new OpError(
        `QUANTIZE: input dtype ${
          inputs[0].dtype
        } is not supported (float32, or quantized 8-bit or int16)`,
      );
    }
    return {};
  },
  infer({ inputs, outputs }): TensorSpec[] {
    const out = outputs?.[0];
    if (!out) {
      throw new OpError(
        "QUANTIZE: the output dtype and quantization are unknown (no declared output)",
      );
    }
    if (!RANGES[out.dtype]) {
      throw new OpError(
        `QUANTIZE: output dtype ${out.dtype} is not supported (int8, uint8, int16)`,
      );
    }
    const q = out.quantization;
    if (!q || q.scale.length === 0 || q.scale.some((s) => !(s > 0))) {
      throw new OpError("QUANTIZE: the output needs positive quantization scales");
    }
    const shape = [...inputs[0]!.shape];
    if (q.scale.length > 1 && shape[q.quantizedDimension] !== q.scale.length) {
      throw new OpError(
        `QUANTIZE: ${q.scale.length} per-channel scales do not match dimension ${q.quantizedDimension} of shape [${shape}]`,
      );
    }
    return [{ dtype: out.dtype, shape, quantization: q }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const spec = outputs[0];
    const q = spec.quantization as Quantization;
    const [lo, hi] = RANGES[spec.dtype]!;
    const out = allocTensor(spec.dtype, spec.shape);
    out.quantization = q;
    const d = q.quantizedDimension;
    const stride = q.scale.length > 1 ? stridesOf(spec.shape)[d] : 1;
    for (let i = 0; i < out.data.length; i++) {
      const c = q.scale.length > 1 ? Math.floor(i / stride) % spec.shape[d] : 0;
      const zp = q.zeroPoint[q.zeroPoint.length > 1 ? c : 0] ?? 0;
      const v = roundHalfAway(readNumber(x, i) / q.scale[c]) + zp;
      out.data[i] = Math.min(hi, Math.max(lo, Number.isNaN(v) ? zp : v));
    }
    return [out];
  },
  f16: false,
  cases(): OpCase[] {
    // No GPU kernel: the conformance harness compares GPU runs, so the reference is unit-tested instead.
    return [];
  },
  traits: { cheap: true },
  cpu: { float: quantizeFloat },
};
