/**
 * A small builder of benchmark networks as IR `Model`s: layers in, tensors, nodes and
 * deterministic seeded weights out. Weights follow He scaling (`N(0, gain² / fan_in)`, gain √2 before
 * ReLU/ReLU6 and 1 before a linear output) so activations stay of order one through deep networks;
 * batch norm is taken as folded into the weights and a small bias.
 *
 * @module
 */

import { UsageError } from "../core/errors.ts";
import { GraphStore } from "./_graph_store.ts";
import { convOutputSize, type Padding } from "./shapes.ts";

/** A fused activation, as TensorFlow Lite names it. */
export type Activation = "NONE" | "RELU" | "RELU6";

/** A conv layer: filters, square kernel (or `[kh, kw]`), stride, dilation, padding, activation. */
export interface ConvSpec {
  /** Output channels. */
  filters: number;
  /** Kernel size (default 1). */
  kernel?: number | [number, number];
  /** Stride (default 1). */
  stride?: number;
  /** Dilation factor (default 1). */
  dilation?: number;
  /** Padding (default `SAME`). */
  padding?: Padding;
  /** Fused activation (default `NONE`). */
  act?: Activation;
  /** Layer name inside the current scope (default `Conv2D`). */
  name?: string;
}

/** A depthwise conv layer. */
export interface DepthwiseSpec {
  /** Kernel size (default 3). */
  kernel?: number;
  /** Stride (default 1). */
  stride?: number;
  /** Dilation factor (default 1). */
  dilation?: number;
  /** Depth multiplier (default 1). */
  multiplier?: number;
  /** Padding (default `SAME`). */
  padding?: Padding;
  /** Fused activation (default `NONE`). */
  act?: Activation;
  /** Layer name inside the current scope (default `depthwise`). */
  name?: string;
}

/** A pooling layer. */
export interface PoolSpec {
  /** Window size, square or `[h, w]`. */
  kernel: number | [number, number];
  /** Stride (default the window size). */
  stride?: number;
  /** Padding (default `VALID`). */
  padding?: Padding;
  /** Layer name inside the current scope. */
  name?: string;
}

const GAIN: Record<Activation, number> = { NONE: 1, RELU: Math.SQRT2, RELU6: Math.SQRT2 };

function pair(v: number | [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : v;
}

/**
 * Builds one float32 network layer by layer. Every layer method takes and returns tensor indices.
 *
 * @example
 * ```ts
 * import { NetBuilder } from "./_builder.ts";
 * const b = new NetBuilder({ seed: 3 });
 * let x = b.input("input", [1, 8, 8, 3]);
 * x = b.conv(x, { filters: 4, kernel: 3, stride: 2, act: "RELU6" });
 * b.output(x);
 * if (b.shape(x).join() !== "1,4,4,4") throw new Error("wrong");
 * ```
 */ export class NetBuilder extends GraphStore {
  /**
   * A conv layer (`CONV_2D`, OHWI weights, bias).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.conv(b.input("x", [1, 9, 9, 3]), { filters: 8, kernel: 3, stride: 2, padding: "VALID" });
   * if (b.shape(y).join() !== "1,4,4,8") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor (NHWC).
   * @param spec Filters, kernel, stride, dilation, padding, activation, name.
   * @returns The output tensor.
   */
  conv(x: number, spec: ConvSpec): number {
    const [n, h, w, c] = this.nhwc(x, "conv");
    const [kh, kw] = pair(spec.kernel ?? 1);
    const stride = spec.stride ?? 1;
    const dilation = spec.dilation ?? 1;
    const padding = spec.padding ?? "SAME";
    const act = spec.act ?? "NONE";
    const name = spec.name ?? "Conv2D";
    const fanIn = kh * kw * c;
    const weights = this.weights(
      `${name}/weights`,
      [spec.filters, kh, kw, c],
      GAIN[act] / Math.sqrt(fanIn),
    );
    const bias = this.bias(`${name}/bias`, spec.filters);
    const oh = convOutputSize({ size: h, kernel: kh, stride, dilation, padding });
    const ow = convOutputSize({ size: w, kernel: kw, stride, dilation, padding });
    return this.node("CONV_2D", [x, weights, bias], [n, oh, ow, spec.filters], {
      name: act === "NONE" ? `${name}/BiasAdd` : `${name}/${act === "RELU" ? "Relu" : "Relu6"}`,
      optionsType: "Conv2DOptions",
      options: {
        padding,
        strideW: stride,
        strideH: stride,
        fusedActivationFunction: act,
        dilationWFactor: dilation,
        dilationHFactor: dilation,
      },
    });
  }

  /**
   * A depthwise conv layer (`DEPTHWISE_CONV_2D`, `[1, kh, kw, c * multiplier]` weights, bias).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.depthwise(b.input("x", [1, 8, 8, 4]), { stride: 2, act: "RELU6" });
   * if (b.shape(y).join() !== "1,4,4,4") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor (NHWC).
   * @param spec Kernel, stride, dilation, multiplier, padding, activation, name.
   * @returns The output tensor.
   */
  depthwise(x: number, spec: DepthwiseSpec = {}): number {
    const [n, h, w, c] = this.nhwc(x, "depthwise conv");
    const k = spec.kernel ?? 3;
    const stride = spec.stride ?? 1;
    const dilation = spec.dilation ?? 1;
    const multiplier = spec.multiplier ?? 1;
    const padding = spec.padding ?? "SAME";
    const act = spec.act ?? "NONE";
    const name = spec.name ?? "depthwise";
    const channels = c * multiplier;
    const weights = this.weights(`${name}/depthwise_weights`, [1, k, k, channels], GAIN[act] / k);
    const bias = this.bias(`${name}/bias`, channels);
    const oh = convOutputSize({ size: h, kernel: k, stride, dilation, padding });
    const ow = convOutputSize({ size: w, kernel: k, stride, dilation, padding });
    return this.node("DEPTHWISE_CONV_2D", [x, weights, bias], [n, oh, ow, channels], {
      name: act === "NONE" ? `${name}/BiasAdd` : `${name}/${act === "RELU" ? "Relu" : "Relu6"}`,
      optionsType: "DepthwiseConv2DOptions",
      version: dilation > 1 ? 2 : 1,
      options: {
        padding,
        strideW: stride,
        strideH: stride,
        depthMultiplier: multiplier,
        fusedActivationFunction: act,
        dilationWFactor: dilation,
        dilationHFactor: dilation,
      },
    });
  }

  /**
   * An average pool (`AVERAGE_POOL_2D`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.avgPool(b.input("x", [1, 7, 7, 8]), { kernel: 7 });
   * if (b.shape(y).join() !== "1,1,1,8") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor (NHWC).
   * @param spec Window, stride, padding, name.
   * @returns The output tensor.
   */
  avgPool(x: number, spec: PoolSpec): number {
    return this.#pool("AVERAGE_POOL_2D", x, spec, "AvgPool");
  }

  /**
   * A max pool (`MAX_POOL_2D`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.maxPool(b.input("x", [1, 112, 112, 8]), { kernel: 3, stride: 2, padding: "SAME" });
   * if (b.shape(y).join() !== "1,56,56,8") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor (NHWC).
   * @param spec Window, stride, padding, name.
   * @returns The output tensor.
   */
  maxPool(x: number, spec: PoolSpec): number {
    return this.#pool("MAX_POOL_2D", x, spec, "MaxPool");
  }

  /**
   * Elementwise sum of two tensors of one shape (`ADD`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const x = b.input("x", [1, 2, 2, 3]);
   * if (b.shape(b.add(x, x)).join() !== "1,2,2,3") throw new Error("wrong");
   * ```
   *
   * @param a First tensor.
   * @param b Second tensor, same shape.
   * @param act Fused activation (default `NONE`).
   * @returns The sum.
   */
  add(a: number, b: number, act: Activation = "NONE"): number {
    if (this.shape(a).join() !== this.shape(b).join()) {
      throw new UsageError(
        `Cannot add tensors of shapes [${this.shape(a)}] and [${this.shape(b)}]`,
      );
    }
    return this.node("ADD", [a, b], this.shape(a), {
      name: "add",
      optionsType: "AddOptions",
      options: { fusedActivationFunction: act },
    });
  }

  /**
   * Concatenation along one axis (`CONCATENATION`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const x = b.input("x", [1, 2, 2, 3]);
   * if (b.shape(b.concat([x, x], 3)).join() !== "1,2,2,6") throw new Error("wrong");
   * ```
   *
   * @param xs Tensors, equal outside `axis`.
   * @param axis The axis (negative counts from the end).
   * @returns The concatenation.
   */
  concat(xs: number[], axis: number): number {
    const shapes = xs.map((x) => this.shape(x));
    const rank = shapes[0].length;
    const ax = (axis + rank) % rank;
    const out = [...shapes[0]];
    out[ax] = shapes.reduce((sum, s) => sum + s[ax], 0);
    return this.node("CONCATENATION", xs, out, {
      name: "concat",
      optionsType: "ConcatenationOptions",
      options: { axis: ax, fusedActivationFunction: "NONE" },
    });
  }

  /**
   * A reshape (`RESHAPE`, with the new shape both as an int32 constant input and as the option).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.reshape(b.input("x", [1, 1, 1, 10]), [1, 10]);
   * if (b.shape(y).join() !== "1,10") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor.
   * @param newShape The new shape, same element count.
   * @returns The reshaped tensor.
   */
  reshape(x: number, newShape: number[]): number {
    const count = this.shape(x).reduce((a, d) => a * d, 1);
    if (newShape.reduce((a, d) => a * d, 1) !== count) {
      throw new UsageError(`Cannot reshape [${this.shape(x)}] to [${newShape}]`);
    }
    const shape = this.int32Constant("shape", newShape);
    return this.node("RESHAPE", [x, shape], newShape, {
      name: "Reshape",
      optionsType: "ReshapeOptions",
      options: { newShape: [...newShape] },
    });
  }

  /**
   * Removes unit dimensions (`SQUEEZE`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.squeeze(b.input("x", [1, 1, 1, 10]), [1, 2]);
   * if (b.shape(y).join() !== "1,10") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor.
   * @param dims The dimensions to remove, each of size 1.
   * @returns The squeezed tensor.
   */
  squeeze(x: number, dims: number[]): number {
    const shape = this.shape(x);
    if (dims.some((d) => shape[d] !== 1)) {
      throw new UsageError(`Cannot squeeze dimensions [${dims}] of [${shape}]`);
    }
    return this.node("SQUEEZE", [x], shape.filter((_, i) => !dims.includes(i)), {
      name: "Squeeze",
      optionsType: "SqueezeOptions",
      options: { squeezeDims: [...dims] },
    });
  }

  /**
   * Softmax over the last axis (`SOFTMAX`, beta 1).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * if (b.shape(b.softmax(b.input("x", [1, 5]))).join() !== "1,5") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor.
   * @returns The probabilities.
   */
  softmax(x: number): number {
    return this.node("SOFTMAX", [x], this.shape(x), {
      name: "Softmax",
      optionsType: "SoftmaxOptions",
      options: { beta: 1 },
    });
  }

  /**
   * The logistic sigmoid (`LOGISTIC`).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * if (b.shape(b.logistic(b.input("x", [1, 5]))).join() !== "1,5") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor.
   * @returns The sigmoid of each element.
   */
  logistic(x: number): number {
    return this.node("LOGISTIC", [x], this.shape(x), { name: "Sigmoid" });
  }

  /**
   * Bilinear resize of the spatial dimensions (`RESIZE_BILINEAR`, size as an int32 constant).
   *
   * @example
   * ```ts
   * import { NetBuilder } from "./_builder.ts";
   * const b = new NetBuilder();
   * const y = b.resizeBilinear(b.input("x", [1, 1, 1, 4]), [33, 33], true);
   * if (b.shape(y).join() !== "1,33,33,4") throw new Error("wrong");
   * ```
   *
   * @param x Input tensor (NHWC).
   * @param size Output height and width.
   * @param alignCorners Whether corner pixels are aligned (default `true`, as in DeepLab).
   * @returns The resized tensor.
   */
  resizeBilinear(x: number, size: [number, number], alignCorners = true): number {
    const [n, , , c] = this.nhwc(x, "resize");
    const sizeTensor = this.int32Constant("size", size);
    return this.node("RESIZE_BILINEAR", [x, sizeTensor], [n, size[0], size[1], c], {
      name: "ResizeBilinear",
      optionsType: "ResizeBilinearOptions",
      options: { alignCorners, halfPixelCenters: false },
    });
  }

  #pool(op: string, x: number, spec: PoolSpec, base: string): number {
    const [n, h, w, c] = this.nhwc(x, "pool");
    const [kh, kw] = pair(spec.kernel);
    const stride = spec.stride ?? kh;
    const padding = spec.padding ?? "VALID";
    const oh = convOutputSize({ size: h, kernel: kh, stride, padding });
    const ow = convOutputSize({ size: w, kernel: kw, stride, padding });
    return this.node(op, [x], [n, oh, ow, c], {
      name: spec.name ?? base,
      optionsType: "Pool2DOptions",
      options: {
        padding,
        strideW: stride,
        strideH: stride,
        filterWidth: kw,
        filterHeight: kh,
        fusedActivationFunction: "NONE",
      },
    });
  }
}
