/**
 * `compare` on 8-bit models: inputs over the whole 8-bit range, and each 8-bit output's difference
 * from the integer reference in quantized units (LSB) and as dequantized values.
 *
 * @module
 */
import type { Quantization } from "../core/ir.ts";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";

/** An 8-bit output's difference from the reference. */
export interface QuantDifference {
  /** Largest difference in quantized units. */
  lsb: number;
  /** Largest difference of the dequantized values, `scale * (got - ref)`. */
  dequantized: number;
  /** Whether both have their largest element at the same place (the top-1 class). */
  top1: boolean;
}

/**
 * Whether a tensor is an 8-bit quantized one.
 *
 * @example
 * ```ts
 * import { isQuant8 } from "./compare_quant.ts";
 * const q = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
 * if (!isQuant8({ dtype: "uint8", quantization: q }) || isQuant8({ dtype: "float32" })) throw new Error("wrong");
 * ```
 *
 * @param t A tensor spec.
 * @returns `true` for int8/uint8 with a scale.
 */
export function isQuant8(t: { dtype: string; quantization?: Quantization }): boolean {
  return (t.dtype === "uint8" || t.dtype === "int8") && Boolean(t.quantization?.scale.length);
}

function argmax(a: ArrayLike<number>): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
}

/**
 * The difference of an 8-bit output from the reference's, per element in quantized units and as
 * dequantized values (per-channel scales along the quantized dimension).
 *
 * @example
 * ```ts
 * import { quantDifference } from "./compare_quant.ts";
 * const q = { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 };
 * const d = quantDifference(
 *   { dtype: "uint8", shape: [3], data: Uint8Array.of(4, 9, 1) },
 *   { dtype: "uint8", shape: [3], data: Uint8Array.of(6, 9, 1) },
 *   q,
 * );
 * if (d.lsb !== 2 || d.dequantized !== 1 || !d.top1) throw new Error("wrong");
 * ```
 *
 * @param got The backend's output.
 * @param ref The reference's output.
 * @param quantization The output's quantization.
 * @returns LSB and dequantized differences, and top-1 agreement.
 */
export function quantDifference(
  got: HostTensor,
  ref: HostTensor,
  quantization: Quantization,
): QuantDifference {
  const { scale, quantizedDimension } = quantization;
  const inner = got.shape.slice(quantizedDimension + 1).reduce((a, b) => a * b, 1);
  const channels = got.shape[quantizedDimension] ?? 1;
  let lsb = 0;
  let dequantized = 0;
  for (let i = 0; i < got.data.length; i++) {
    const d = Math.abs(Number(got.data[i]) - Number(ref.data[i]));
    const s = scale.length > 1 ? scale[Math.floor(i / inner) % channels] : scale[0];
    lsb = Math.max(lsb, d);
    dequantized = Math.max(dequantized, d * s);
  }
  const top1 = argmax(got.data as ArrayLike<number>) === argmax(ref.data as ArrayLike<number>);
  return { lsb, dequantized, top1 };
}

/**
 * Seeded inputs that cover the whole range of 8-bit inputs (the shared random inputs draw small
 * integers): other tensors are kept as given.
 *
 * @example
 * ```ts
 * import { fullRangeInputs } from "./compare_quant.ts";
 * const [x] = fullRangeInputs([{ dtype: "uint8", shape: [1000], data: new Uint8Array(1000) }], 1);
 * if (Math.max(...x.data as Uint8Array) < 200) throw new Error("wrong");
 * ```
 *
 * @param inputs Inputs.
 * @param seed Seed.
 * @returns The inputs, 8-bit ones refilled.
 */
export function fullRangeInputs(inputs: HostTensor[], seed: number): HostTensor[] {
  const rnd = seededRandom(seed ^ 0x5eed);
  return inputs.map((t) => {
    if (t.dtype !== "uint8" && t.dtype !== "int8") return t;
    const lo = t.dtype === "uint8" ? 0 : -128;
    const data = t.dtype === "uint8"
      ? Uint8Array.from(t.data as Uint8Array, () => lo + Math.floor(rnd() * 256))
      : Int8Array.from(t.data as Int8Array, () => lo + Math.floor(rnd() * 256));
    return { ...t, data };
  });
}
