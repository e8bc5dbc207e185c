/**
 * A factory for ARG_MAX and ARG_MIN along one constant axis. Ties go to the smallest index, as in
 * TensorFlow Lite (a later element wins only when it compares strictly better). Int32 results run on
 * the GPU (stored as `vec4<i32>`); int64 results are computed by the reference only.
 *
 * @module
 */
import type {
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
} from "../../core/kernel.ts";
import type { DType, NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, constantInts, readNumber, stridesOf } from "./tensor.ts";
import { decompose, dispatch1d, main1d } from "../_gpu/wgsl.ts";
import { outputAxisSources } from "./pool_wgsl.ts";
import { normalizeAxes } from "./pool_reduce.ts";

/** Parsed options of ARG_MAX / ARG_MIN. */
export interface ArgOptions {
  /** The axis, non-negative. */
  axis: number;
  /** Dtype of the indices. */
  outputType: "int32" | "int64";
}

/** How to build one arg reduction. */
export interface ArgSpec {
  /** Builtin op name. */
  name: string;
  /** Options table name. */
  optionsType: string;
  /** Host comparison: whether `v` beats the current best `best`. */
  better: (v: number, best: number) => boolean;
  /** WGSL comparison operator of `v` against the best (`>` or `<`). */
  wgslOp: ">" | "<";
}

const OUTPUT_TYPES: Readonly<Record<string, "int32" | "int64">> = {
  INT32: "int32",
  int32: "int32",
  INT64: "int64",
  int64: "int64",
};

const INPUT_DTYPES: readonly DType[] = ["float32", "int32", "uint8", "int8"];

/**
 * Reads `outputType` (`INT32` or `INT64`, either spelling of the dtype). An absent field means
 * `INT64`, TensorFlow's default; the schema's literal default (FLOAT32) is rejected as TensorFlow
 * Lite rejects it.
 *
 * @example
 * ```ts
 * import { argOutputType } from "./pool_arg.ts";
 * if (argOutputType("ARG_MAX", { outputType: "INT32" }) !== "int32") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @returns The index dtype.
 */
export function argOutputType(op: string, options: NodeOptions): "int32" | "int64" {
  const v = options.outputType ?? "INT64";
  const t = typeof v === "string" ? OUTPUT_TYPES[v] : undefined;
  if (!t) {
    throw new OpError(`${op}: option outputType must be INT32 or INT64, got ${JSON.stringify(v)}`);
  }
  return t;
}

function argReference(spec: ArgSpec, x: HostTensor, o: ArgOptions, shape: number[]): HostTensor {
  const out = allocTensor(o.outputType, shape);
  const len = x.shape[o.axis];
  const inner = stridesOf(x.shape)[o.axis];
  const outer = x.data.length / (len * inner);
  for (let a = 0; a < outer; a++) {
    for (let k = 0; k < inner; k++) {
      let best = readNumber(x, a * len * inner + k);
      let bi = 0;
      for (let t = 1; t < len; t++) {
        const v = readNumber(x, (a * len + t) * inner + k);
        if (spec.better(v, best)) {
          best = v;
          bi = t;
        }
      }
      if (out.data instanceof BigInt64Array) out.data[a * inner + k] = BigInt(bi);
      else out.data[a * inner + k] = bi;
    }
  }
  return out;
}

function argPlan(spec: ArgSpec, x: GpuTensorInfo, out: GpuTensorInfo, o: ArgOptions): GpuProgram[] {
  const r = x.shape.length;
  const A = o.axis + 4 - r;
  const src = outputAxisSources(x.shape.map((_, d) => d !== o.axis), false);
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const cmp = spec.wgslOp;
  let body = decompose(out);
  if (A !== 3) {
    const coord = (a: number, t: string) => {
      if (a === A) return t;
      const j = src.indexOf(a);
      return j < 0 ? "0" : ["b", "h", "w"][j];
    };
    const at = (t: string) => `x_vec(${coord(0, t)}, ${coord(1, t)}, ${coord(2, t)}, s)`;
    body += `  var best = ${at("0")};
  var idx = vec4<i32>(0);
  for (var t = 1; t < ${x.shape4[A]}; t++) {
    let v = ${at("t")};
    let better = v ${cmp} best;
    best = select(best, v, better);
    idx = select(idx, vec4<i32>(t), better);
  }
  y_store(i, idx);`;
  } else {
    const coord = (a: number) => {
      const j = src.indexOf(a);
      return j < 0 ? "0" : ["b", "h", "w", "c"][j];
    };
    const at = (t: string) => `x_at(${coord(0)}, ${coord(1)}, ${coord(2)}, ${t})`;
    body += `  var res = vec4<i32>(0);
  for (var l = 0; l < 4; l++) {
    let c = s * 4 + l;
    if (c >= ${out.shape4[3]}) { continue; }
    var best = ${at("0")};
    var bi = 0;
    for (var t = 1; t < ${x.shape4[3]}; t++) {
      let v = ${at("t")};
      if (v ${cmp} best) { best = v; bi = t; }
    }
    res[l] = bi;
  }
  y_store(i, res);`;
  }
  return [{
    label: spec.name,
    code: main1d(n, body),
    bindings: [{ kind: "input", index: 0, name: "x" }, { kind: "output", index: 0, name: "y" }],
    dispatch: dispatch1d(n),
  }];
}

/** f16-exact values with repeats, so both precisions see the same ties. */
function tieData(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (((i * 37) % 101) - 50) / 8);
}

/** Conformance cases: `[shape, axis, axis as a scalar, input dtype]`. */
const ARG_CASES: [number[], number, boolean, "float32" | "int32"][] = [
  [[1, 8, 8, 21], 3, false, "float32"],
  [[2, 1001], 1, true, "float32"],
  [[2, 5, 6, 7], 1, false, "float32"],
  [[2, 5, 6, 7], -4, false, "float32"],
  [[3, 4, 5], -2, true, "float32"],
  [[10], 0, false, "float32"],
  [[4, 9], 1, false, "int32"],
  [[2, 3, 4, 5], 2, true, "int32"],
  [[1, 3, 3, 3], -1, false, "float32"],
];

/**
 * Builds ARG_MAX or ARG_MIN.
 *
 * @example
 * ```ts
 * import { argKernel } from "./pool_arg.ts";
 * const k = argKernel({ name: "ARG_MAX", optionsType: "ArgMaxOptions", better: (v, b) => v > b, wgslOp: ">" });
 * if (k.name !== "ARG_MAX") throw new Error("wrong");
 * ```
 *
 * @param spec The op's comparison.
 * @returns The kernel.
 */
export function argKernel(spec: ArgSpec): KernelDef<ArgOptions> {
  const op = spec.name;
  return {
    name: op,
    optionsType: spec.optionsType,
    parse({ options, inputs }) {
      if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
        throw new OpError(`${op} needs 2 inputs (tensor, axis), got ${inputs.length}`);
      }
      const axes = constantInts(op, inputs[1], 1);
      if (axes.length !== 1) {
        throw new OpError(`${op}: axis must hold exactly one value, got ${axes.length}`);
      }
      return {
        axis: normalizeAxes(op, axes, inputs[0].shape.length)[0],
        outputType: argOutputType(op, options),
      };
    },
    infer({ inputs, options }) {
      const x = inputs[0]!;
      if (!INPUT_DTYPES.includes(x.dtype)) {
        throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      }
      if (x.shape[options.axis] < 1) throw new OpError(`${op}: the reduced axis is empty`);
      return [{ dtype: options.outputType, shape: x.shape.filter((_, d) => d !== options.axis) }];
    },
    reference({ inputs, options, outputs }) {
      return [argReference(spec, inputs[0]!, options, outputs[0].shape)];
    },
    gpu: {
      unsupported({ inputs, options }) {
        if (options.outputType !== "int32") {
          return `${op}: ${options.outputType} indices do not live on the GPU (only int32)`;
        }
        const dt = inputs[0]!.dtype;
        return dt === "float32" || dt === "int32"
          ? undefined
          : `${op}: ${dt} input does not live on the GPU`;
      },
      plan({ inputs, outputs, options }) {
        return argPlan(spec, inputs[0]!, outputs[0], options);
      },
    },
    cases(): OpCase[] {
      return ARG_CASES.map(([shape, axis, scalar, dtype]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        return {
          name: `[${shape}] ${dtype} axis ${axis}${scalar ? " (scalar)" : ""}`,
          inputs: [
            dtype === "float32"
              ? { dtype, shape, data: tieData(size) }
              : { dtype, shape, range: [0, 5] },
            { dtype: "int32", shape: scalar ? [] : [1], data: [axis], constant: true },
          ],
          // The TFLite reader decodes TensorType enums as the IR's dtype names; parse takes both.
          options: { outputType: "int32" },
        };
      });
    },
  };
}
