/**
 * Image pixels to model input: uint8 RGBA/RGB/grey pixels (a decoded image, a canvas's `ImageData`
 * or any `{ data, width, height }`) become a float32 NHWC tensor `[1, height, width, channels]`,
 * optionally resized (bilinear) to the model's input size, with channels dropped or added and
 * values normalised by mean/std or to a range. Pure: no Deno or browser APIs.
 *
 * @module
 */
import type { HostTensor } from "../core/kernel.ts";
import { UsageError } from "../core/errors.ts";

/** Pixels in row-major order, `channels` bytes each (an `ImageData` has 4: RGBA). */
export interface ImageLike {
  /** The pixel bytes, row by row. */
  data: ArrayLike<number>;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Bytes per pixel: 1 (grey), 3 (RGB) or 4 (RGBA); by default `data.length / (width * height)`. */
  channels?: number;
}

/** Options of {@linkcode imageToTensor}. */
export interface ImageToTensorOptions {
  /**
   * The model input's NHWC shape, e.g. `session.inputs[0].shape`: its height and width set the
   * output size (the image is resized bilinearly when they differ) and its last dimension the
   * channels. Dimensions of -1 or 0 keep the image's own.
   */
  shape?: readonly number[];
  /** Output channels when `shape` does not give them (default: 3 from RGB/RGBA, 1 from grey). */
  channels?: 1 | 3 | 4;
  /** Per-channel mean subtracted from the 0–255 values (one number for every channel). */
  mean?: number | readonly number[];
  /** Per-channel divisor after the mean (one number for every channel). */
  std?: number | readonly number[];
  /** Maps 0–255 linearly onto `[low, high]`, e.g. `[0, 1]` or `[-1, 1]`; not with mean/std. */
  range?: readonly [number, number];
}

const LUMA = [0.299, 0.587, 0.114];

function perChannel(
  name: string,
  v: number | readonly number[] | undefined,
  channels: number,
  fallback: number,
): number[] {
  if (v === undefined) return new Array(channels).fill(fallback);
  if (typeof v === "number") return new Array(channels).fill(v);
  if (v.length !== channels) {
    throw new UsageError(`${name} has ${v.length} values for ${channels} channels`);
  }
  return [...v];
}

/** Reads channel `c` of the output from a source pixel at byte offset `p`. */
function channelReader(
  from: number,
  to: number,
): (src: ArrayLike<number>, p: number, c: number) => number {
  if (from === to || (from === 4 && to === 3)) return (src, p, c) => src[p + c];
  if (to === 4) {
    return from === 1
      ? (src, p, c) => (c === 3 ? 255 : src[p])
      : (src, p, c) => (c === 3 ? 255 : src[p + c]);
  }
  if (to === 3) return (src, p) => src[p];
  // to === 1: luminance of the colour channels.
  return (src, p) => LUMA[0] * src[p] + LUMA[1] * src[p + 1] + LUMA[2] * src[p + 2];
}

/**
 * Turns uint8 image pixels into a float32 NHWC tensor for a float model.
 *
 * Resizing samples pixel centres (`half_pixel_centers`, as TensorFlow's `tf.image.resize` and PIL
 * do) with bilinear weights. Channels: RGBA to RGB drops alpha; RGB or grey to RGBA adds an opaque
 * alpha; grey to RGB repeats it; RGB(A) to grey takes the luminance (0.299 R + 0.587 G + 0.114 B).
 * Values: `(v - mean) / std` per channel, or `v` mapped from 0–255 onto `range`, or the raw 0–255
 * values when neither is given.
 *
 * @example Feeding a canvas's pixels to a 224 × 224 RGB model that expects values in [-1, 1]
 * ```ts
 * import { imageToTensor } from "./image.ts";
 *
 * const image = { data: new Uint8ClampedArray(4 * 4 * 4).fill(255), width: 4, height: 4 };
 * const x = imageToTensor(image, { shape: [1, 224, 224, 3], range: [-1, 1] });
 * if (x.shape.join() !== "1,224,224,3" || x.data[0] !== 1) throw new Error("wrong");
 * ```
 *
 * @example ImageNet normalisation of an RGB image, keeping its size
 * ```ts
 * import { imageToTensor } from "./image.ts";
 *
 * const rgb = { data: new Uint8Array([124, 116, 104]), width: 1, height: 1, channels: 3 };
 * const x = imageToTensor(rgb, { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] });
 * if (Math.abs(x.data[0] as number) > 0.01) throw new Error("wrong");
 * ```
 *
 * @param image The pixels.
 * @param options Output shape, channels and normalisation.
 * @returns A float32 tensor `[1, height, width, channels]`.
 * @throws {UsageError} When the pixels do not match the size, or the options contradict each other.
 */
export function imageToTensor(image: ImageLike, options: ImageToTensorOptions = {}): HostTensor {
  const { width: sw, height: sh, data } = image;
  if (!Number.isInteger(sw) || !Number.isInteger(sh) || sw < 1 || sh < 1) {
    throw new UsageError(`The image size must be positive integers, got ${sw} x ${sh}`);
  }
  const from = image.channels ?? data.length / (sw * sh);
  if (![1, 3, 4].includes(from) || data.length !== sw * sh * from) {
    throw new UsageError(
      `The image has ${data.length} bytes, not ${sw} x ${sh} pixels of 1, 3 or 4 channels`,
    );
  }
  const shape = options.shape;
  if (shape !== undefined && shape.length !== 4) {
    throw new UsageError(`shape must be NHWC (4 dimensions), got [${shape}]`);
  }
  const dim = (d: number | undefined, own: number) => (d !== undefined && d > 0 ? d : own);
  const h = dim(shape?.[1], sh);
  const w = dim(shape?.[2], sw);
  const to = dim(shape?.[3], options.channels ?? (from === 1 ? 1 : 3));
  if (![1, 3, 4].includes(to)) {
    throw new UsageError(`The output must have 1, 3 or 4 channels, not ${to}`);
  }
  if (
    options.channels !== undefined && shape?.[3] !== undefined && shape[3] > 0 &&
    shape[3] !== options.channels
  ) {
    throw new UsageError(`channels ${options.channels} contradicts the shape's ${shape[3]}`);
  }
  if (options.range && (options.mean !== undefined || options.std !== undefined)) {
    throw new UsageError("Give either range or mean/std, not both");
  }
  let scale: number[];
  let offset: number[];
  if (options.range) {
    const [lo, hi] = options.range;
    scale = new Array(to).fill((hi - lo) / 255);
    offset = new Array(to).fill(lo);
  } else {
    const mean = perChannel("mean", options.mean, to, 0);
    const std = perChannel("std", options.std, to, 1);
    if (std.some((s) => s === 0)) throw new UsageError("std must not be 0");
    scale = std.map((s) => 1 / s);
    offset = mean.map((m, c) => -m / std[c]);
  }
  const read = channelReader(from, to);
  const out = new Float32Array(h * w * to);
  const sy = sh / h;
  const sx = sw / w;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const p00 = (y0 * sw + x0) * from;
      const p01 = (y0 * sw + x1) * from;
      const p10 = (y1 * sw + x0) * from;
      const p11 = (y1 * sw + x1) * from;
      const o = (y * w + x) * to;
      for (let c = 0; c < to; c++) {
        const top = read(data, p00, c) * (1 - wx) + read(data, p01, c) * wx;
        const bottom = read(data, p10, c) * (1 - wx) + read(data, p11, c) * wx;
        out[o + c] = (top * (1 - wy) + bottom * wy) * scale[c] + offset[c];
      }
    }
  }
  return { dtype: "float32", shape: [1, h, w, to], data: out };
}
