/**
 * DEQUANTIZE: float16 to float32, or int8/uint8/int16 to float32 as `(q - zeroPoint) * scale`, with
 * per-tensor or per-channel (along `quantizedDimension`) parameters from the input's quantization.
 *
 * On the GPU: a constant input (the usual case: fp16 or int8 weights) is dequantized once on the
 * host into a `const` binding that the shader copies into PHWC4; a non-constant float16 input is a
 * plain copy (float16 tensors live on the GPU in the run's precision). A non-constant integer input
 * does not live on the GPU, so that node runs on the CPU.
 *
 * @module
 */
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  OpInput,
  TensorSpec,
} from "../../core/kernel.ts";
import type { Quantization } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { halvesToFloat32, numberToF16Bits, stridesOf } from "../_shared/tensor.ts";
import { decompose, dispatch1d, main1d } from "../_gpu/wgsl.ts";
import { gridValues } from "../_shared/elementwise_cases.ts";
import { dequantizeInteger } from "./quant.ts";
import { dequantizeCpuQuant } from "./cpu.ts";

/** Parsed options of DEQUANTIZE (it has none; the parameters come with the input). */
export type DequantizeOptions = Record<string, never>;

const INTEGER_TYPES = new Set(["int8", "uint8", "int16"]);

function checkInput(x: OpInput): void {
  if (x.dtype === "float16") return;
  if (!INTEGER_TYPES.has(x.dtype)) {
    throw new OpError(`DEQUANTIZE: input dtype ${x.dtype} is not supported`);
  }
  const q = x.quantization;
  if (!q || q.scale.length === 0) {
    throw new OpError(`DEQUANTIZE: the ${x.dtype} input has no quantization parameters`);
  }
  if (q.zeroPoint.length !== q.scale.length && q.zeroPoint.length > 1) {
    throw new OpError(
      `DEQUANTIZE: ${q.scale.length} scales but ${q.zeroPoint.length} zero points`,
    );
  }
  if (q.scale.length > 1) {
    const d = q.quantizedDimension;
    if (d < 0 || d >= x.shape.length || x.shape[d] !== q.scale.length) {
      throw new OpError(
        `DEQUANTIZE: ${q.scale.length} per-channel scales do not match dimension ${d} of shape [${x.shape}]`,
      );
    }
  }
}

/**
 * Dequantized values of a host tensor, row-major, as float32 (each computed in float64, then
 * rounded once).
 *
 * @example
 * ```ts
 * import { dequantizeValues } from "./mod.ts";
 * const q = { scale: [0.5], zeroPoint: [2], quantizedDimension: 0 };
 * const v = dequantizeValues({ dtype: "int8", shape: [2], data: new Int8Array([4, 0]), quantization: q });
 * if (v[0] !== 1 || v[1] !== -1) throw new Error("wrong");
 * ```
 *
 * @param x A float16 tensor, or an integer tensor with quantization.
 * @returns The float values.
 */
export function dequantizeValues(x: HostTensor): Float32Array {
  const n = x.data.length;
  if (x.dtype === "float16") return halvesToFloat32(x.data as Uint16Array);
  const q = x.quantization as Quantization;
  const out = new Float32Array(n);
  const data = x.data as ArrayLike<number>;
  if (q.scale.length <= 1) {
    const scale = q.scale[0], zp = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < n; i++) out[i] = scale * (data[i] - zp);
    return out;
  }
  const d = q.quantizedDimension;
  const stride = stridesOf(x.shape)[d];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / stride) % x.shape[d];
    const zp = q.zeroPoint[q.zeroPoint.length > 1 ? c : 0] ?? 0;
    out[i] = q.scale[c] * (data[i] - zp);
  }
  return out;
}

/**
 * The DEQUANTIZE kernel.
 *
 * @example
 * ```ts
 * import { dequantize } from "./mod.ts";
 * const x = { dtype: "uint8" as const, shape: [2], data: new Uint8Array([130, 126]),
 *   quantization: { scale: [0.25], zeroPoint: [128], quantizedDimension: 0 } };
 * const [y] = dequantize.reference({ inputs: [x], options: {}, outputs: [{ dtype: "float32", shape: [2] }] });
 * if (y.data[0] !== 0.5 || y.data[1] !== -0.5) throw new Error("wrong");
 * ```
 */
export const dequantize: KernelDef<DequantizeOptions> = {
  name: "DEQUANTIZE",
  quant: dequantizeInteger,
  optionsType: "DequantizeOptions",
  parse({ inputs }) {
    if (inputs.length < 1 || !inputs[0]) throw new OpError("DEQUANTIZE needs 1 input");
    checkInput(inputs[0]);
    return {};
  },
  infer({ inputs }): TensorSpec[] {
    return [{ dtype: "float32", shape: [...inputs[0]!.shape] }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    return [{ dtype: "float32", shape: [...outputs[0].shape], data: dequantizeValues(inputs[0]!) }];
  },
  gpu: {
    unsupported({ inputs }) {
      const x = inputs[0]!;
      return x.value || x.dtype === "float16"
        ? undefined
        : `DEQUANTIZE of a non-constant ${x.dtype} input runs on the CPU: ${x.dtype} tensors do not live on the GPU`;
    },
    plan({ inputs, outputs }) {
      const x = inputs[0]!;
      const out: GpuTensorInfo = outputs[0];
      const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
      const bindings = [{ kind: "output" as const, index: 0, name: "y" }];
      if (!x.value) {
        return [{
          label: "DEQUANTIZE copy",
          code: main1d(n, "  y_store(i, x_load(i));"),
          bindings: [{ kind: "input", index: 0, name: "x" }, ...bindings],
          dispatch: dispatch1d(n),
        }];
      }
      const [, H, W, C] = out.shape4;
      const body = `${decompose(out)}  var v = vec4<f32>(0.0);
  let base = ((b * ${H} + h) * ${W} + w) * ${C};
  for (var k = 0; k < 4; k++) {
    let c = s * 4 + k;
    if (c < ${C}) { v[k] = f32(deq[base + c]); }
  }
  y_store(i, v);`;
      return [{
        label: "DEQUANTIZE constant",
        code: main1d(n, body),
        bindings: [
          {
            kind: "const",
            name: "deq",
            elem: "T",
            data: dequantizeValues(x.value),
          },
          ...bindings,
        ],
        dispatch: dispatch1d(n),
      }];
    },
  },
  cases(): OpCase[] {
    const half = (shape: number[], seed: number) =>
      gridValues({ shape, range: [-2, 2], step: 1 / 512, seed }).map(numberToF16Bits);
    const quant = (scale: number[], zeroPoint: number[], quantizedDimension = 0) => ({
      scale,
      zeroPoint,
      quantizedDimension,
    });
    const scales = (n: number) => Array.from({ length: n }, (_, i) => 0.01 * (i + 1));
    return [
      {
        name: "float16 constant [8,3,3,5]",
        inputs: [{
          dtype: "float16",
          shape: [8, 3, 3, 5],
          data: half([8, 3, 3, 5], 1),
          constant: true,
        }],
      },
      {
        name: "float16 constant [37]",
        inputs: [{ dtype: "float16", shape: [37], data: half([37], 2), constant: true }],
      },
      {
        name: "float16 input [1,8,8,7]",
        inputs: [{ dtype: "float16", shape: [1, 8, 8, 7], data: half([1, 8, 8, 7], 3) }],
      },
      {
        name: "int8 per-tensor constant [16,5]",
        inputs: [{
          dtype: "int8",
          shape: [16, 5],
          range: [-128, 128],
          constant: true,
          quantization: quant([0.05], [-3]),
        }],
      },
      {
        name: "uint8 per-tensor constant [1,4,4,6]",
        inputs: [{
          dtype: "uint8",
          shape: [1, 4, 4, 6],
          range: [0, 256],
          constant: true,
          quantization: quant([0.1], [128]),
        }],
      },
      {
        name: "int8 per-channel (axis 0) constant [6,3,3,5]",
        inputs: [{
          dtype: "int8",
          shape: [6, 3, 3, 5],
          range: [-127, 128],
          constant: true,
          quantization: quant(scales(6), [0, 0, 0, 0, 0, 0], 0),
        }],
      },
      {
        name: "int8 per-channel (axis 3) constant [1,3,3,10]",
        inputs: [{
          dtype: "int8",
          shape: [1, 3, 3, 10],
          range: [-127, 128],
          constant: true,
          quantization: quant(scales(10), new Array(10).fill(0), 3),
        }],
      },
      {
        name: "int16 per-tensor constant [2,9]",
        inputs: [{
          dtype: "int16",
          shape: [2, 9],
          range: [-3000, 3000],
          constant: true,
          quantization: quant([0.001], [0]),
        }],
      },
    ];
  },
  traits: { cheap: true },
  cpu: { quant: dequantizeCpuQuant },
};
