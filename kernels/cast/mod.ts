/**
 * CAST: converts elements to another dtype, like C `static_cast` as TensorFlow Lite does: float to
 * integer truncates toward zero, anything to bool is `x != 0`, bool is 0 or 1.
 *
 * The output dtype is the declared output tensor's (what TensorFlow Lite uses), else the option
 * `outDataType` of CastOptions. float32 <-> int32 (and the identities) run on the GPU; other dtypes do
 * not live on the GPU and run on the CPU reference.
 *
 * @module
 */
import type { DType } from "../../core/ir.ts";
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, numberToF16Bits, readNumber } from "../_shared/tensor.ts";
import { dispatch1d, main1d } from "../_gpu/wgsl.ts";
import { gridValues } from "../_shared/elementwise_cases.ts";

/** Parsed options of CAST. */
export interface CastOptions {
  /** The `outDataType` option, when the node has CastOptions. */
  outDataType?: DType;
}

/** How a number is written into a host tensor of each dtype CAST produces. */
const WRITERS: Readonly<Partial<Record<DType, (x: number) => number | bigint>>> = {
  float32: (x) => x,
  float64: (x) => x,
  float16: (x) => numberToF16Bits(x),
  int32: (x) => Math.trunc(x),
  int16: (x) => Math.trunc(x),
  int8: (x) => Math.trunc(x),
  uint32: (x) => Math.trunc(x),
  uint16: (x) => Math.trunc(x),
  uint8: (x) => Math.trunc(x),
  int64: (x) => (Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n),
  bool: (x) => (x !== 0 ? 1 : 0),
};

/** Dtypes that live on the GPU, with the WGSL vec4 type of their values. */
const GPU_TYPES: Readonly<Partial<Record<DType, string>>> = {
  float32: "vec4<f32>",
  int32: "vec4<i32>",
};

function isCastable(dtype: string): dtype is DType {
  return dtype in WRITERS;
}

/**
 * The CAST kernel.
 *
 * @example
 * ```ts
 * import { cast } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2.7, 3.9]) };
 * const [y] = cast.reference({ inputs: [x], options: {}, outputs: [{ dtype: "int32", shape: [2] }] });
 * if (y.data[0] !== -2 || y.data[1] !== 3) throw new Error("wrong");
 * ```
 */
export const cast: KernelDef<CastOptions> = {
  name: "CAST",
  optionsType: "CastOptions",
  parse({ options, inputs }) {
    if (inputs.length < 1 || !inputs[0]) throw new OpError("CAST needs 1 input");
    const out = options.outDataType;
    if (out === undefined) return {};
    if (typeof out !== "string" || !isCastable(out)) {
      throw new OpError(`CAST: option outDataType ${JSON.stringify(out)} is not supported`);
    }
    return { outDataType: out };
  },
  infer({ inputs, options, outputs }): TensorSpec[] {
    const x = inputs[0]!;
    if (!isCastable(x.dtype)) {
      throw new OpError(`CAST: input dtype ${x.dtype} is not supported`);
    }
    const dtype = outputs?.[0]?.dtype ?? options.outDataType;
    if (dtype === undefined) {
      throw new OpError(
        "CAST: the output dtype is unknown (no declared output tensor and no outDataType option)",
      );
    }
    if (!isCastable(dtype)) {
      throw new OpError(`CAST: output dtype ${dtype} is not supported`);
    }
    return [{ dtype, shape: [...x.shape] }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const out = allocTensor(outputs[0].dtype, outputs[0].shape);
    const write = WRITERS[outputs[0].dtype]!;
    for (let i = 0; i < out.data.length; i++) {
      out.data[i] = write(readNumber(x, i)) as never;
    }
    return [out];
  },
  gpu: {
    unsupported({ inputs, outputs }) {
      const from = inputs[0]!.dtype;
      const to = outputs[0].dtype;
      return GPU_TYPES[from] && GPU_TYPES[to]
        ? undefined
        : `CAST from ${from} to ${to} runs on the CPU: only float32 and int32 live on the GPU`;
    },
    plan({ outputs, inputs }) {
      const out: GpuTensorInfo = outputs[0];
      const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
      const to = GPU_TYPES[out.dtype]!;
      const same = to === GPU_TYPES[inputs[0]!.dtype];
      return [{
        label: "CAST",
        code: main1d(n, `  y_store(i, ${same ? "x_load(i)" : `${to}(x_load(i))`});`),
        bindings: [
          { kind: "input", index: 0, name: "x" },
          { kind: "output", index: 0, name: "y" },
        ],
        dispatch: dispatch1d(n),
      }];
    },
  },
  cases(): OpCase[] {
    const grid = (shape: number[], seed: number) =>
      gridValues({ shape, range: [-100, 100], step: 0.125, seed });
    return [
      {
        name: "float32 -> int32 [1,8,8,5]",
        inputs: [{ dtype: "float32", shape: [1, 8, 8, 5], data: grid([1, 8, 8, 5], 1) }],
        options: { outDataType: "int32" },
      },
      {
        name: "float32 -> int32 [37], declared output",
        inputs: [{ dtype: "float32", shape: [37], data: grid([37], 2) }],
        outputs: [{ dtype: "int32", shape: [37] }],
      },
      {
        name: "float32 -> int32 edges",
        inputs: [{
          dtype: "float32",
          shape: [8],
          data: [0, -0, 0.5, -0.5, 2.75, -2.75, 1e6, -1e6],
        }],
        options: { outDataType: "int32" },
        f16: false,
      },
      {
        name: "int32 -> float32 [2,5,5,3]",
        inputs: [{ dtype: "int32", shape: [2, 5, 5, 3], range: [-1000, 1000] }],
        options: { outDataType: "float32" },
      },
      {
        name: "int32 -> float32 [9]",
        inputs: [{ dtype: "int32", shape: [9], data: [0, 1, -1, 2047, -2048, 5, 7, -9, 100] }],
        outputs: [{ dtype: "float32", shape: [9] }],
      },
      {
        name: "float32 -> float32 [3,7]",
        inputs: [{ dtype: "float32", shape: [3, 7] }],
        options: { outDataType: "float32" },
      },
      {
        name: "int32 -> int32 [1,4,4,6]",
        inputs: [{ dtype: "int32", shape: [1, 4, 4, 6], range: [-50, 50] }],
        options: { outDataType: "int32" },
      },
    ];
  },
  traits: { cheap: true },
};
