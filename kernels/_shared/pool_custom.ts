/**
 * The custom options of MediaPipe's pooling ops (MaxPoolingWithArgmax2D, MaxUnpooling2D): the raw
 * bytes of TensorFlow Lite's `TfLitePoolParams` C struct, little-endian int32 fields `padding`
 * (0 unknown, 1 SAME, 2 VALID), `stride_width`, `stride_height`, `filter_width`, `filter_height`,
 * `activation` (TfLiteFusedActivation), then computed padding the ops recompute and ignore (files in
 * the wild carry 2 or 4 of those ints).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import type { Padding, PoolParams } from "./pool_window.ts";

const PADDINGS: Readonly<Record<number, Padding>> = { 1: "SAME", 2: "VALID" };

/** `TfLiteFusedActivation` values (6, sigmoid, is not a fused activation of pools). */
const ACTIVATIONS: readonly FusedActivation[] = [
  "NONE",
  "RELU",
  "RELU_N1_TO_1",
  "RELU6",
  "TANH",
  "SIGN_BIT",
];

/** Bytes of the fields the ops read (6 int32). */
export const POOL_PARAMS_BYTES = 24;

/**
 * Decodes `TfLitePoolParams` custom options.
 *
 * @example
 * ```ts
 * import { parsePoolParamsBytes } from "./pool_custom.ts";
 * const bytes = new Uint8Array(new Int32Array([1, 2, 2, 2, 2, 0, -1, -1]).buffer);
 * const p = parsePoolParamsBytes("MaxPoolingWithArgmax2D", bytes);
 * if (p.padding !== "SAME" || p.filterW !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param bytes Raw custom options.
 * @returns The window parameters.
 */
export function parsePoolParamsBytes(op: string, bytes: Uint8Array | undefined): PoolParams {
  if (!bytes || bytes.byteLength < POOL_PARAMS_BYTES) {
    throw new OpError(
      `${op}: custom options must hold TfLitePoolParams (at least ${POOL_PARAMS_BYTES} bytes), got ${
        bytes?.byteLength ?? 0
      }`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const field = (k: number) => view.getInt32(k * 4, true);
  const padding = PADDINGS[field(0)];
  if (!padding) throw new OpError(`${op}: padding ${field(0)} is not SAME (1) or VALID (2)`);
  const ints = { strideW: field(1), strideH: field(2), filterW: field(3), filterH: field(4) };
  for (const [name, v] of Object.entries(ints)) {
    if (v < 1) throw new OpError(`${op}: ${name} must be at least 1, got ${v}`);
  }
  const activation = ACTIVATIONS[field(5)];
  if (!activation) throw new OpError(`${op}: fused activation ${field(5)} is not supported`);
  return { padding, ...ints, activation };
}

/**
 * Encodes `TfLitePoolParams` custom options (for cases and tests), with two computed-padding ints.
 *
 * @example
 * ```ts
 * import { poolParamsBytes } from "./pool_custom.ts";
 * const b = poolParamsBytes({ padding: "VALID", strideW: 2, strideH: 2, filterW: 2, filterH: 2, activation: "NONE" });
 * if (b.byteLength !== 32) throw new Error("wrong");
 * ```
 *
 * @param p The window parameters.
 * @returns The bytes.
 */
export function poolParamsBytes(p: PoolParams): Uint8Array {
  const pad = p.padding === "SAME" ? 1 : 2;
  const act = ACTIVATIONS.indexOf(p.activation);
  const ints = new Int32Array([pad, p.strideW, p.strideH, p.filterW, p.filterH, act, 0, 0]);
  const bytes = new Uint8Array(ints.byteLength);
  const view = new DataView(bytes.buffer);
  ints.forEach((v, k) => view.setInt32(k * 4, v, true));
  return bytes;
}
