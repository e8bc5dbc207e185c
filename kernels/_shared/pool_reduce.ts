/**
 * A factory for the reductions over constant axes (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD):
 * any set of axes (negative axes count from the end, duplicates are ignored, an empty set copies the
 * input), with or without `keepDims`. On the GPU every axis set of a rank <= 4 tensor runs through
 * index math over PHWC4: when the channel axis is kept each thread reduces whole vec4s; when it is
 * reduced each output lane reduces masked slices. Long reductions (global pools) use one workgroup
 * per output vec4.
 *
 * @module
 */
import type {
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  ParseArgs,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { boolOption } from "./options.ts";
import { allocTensor, constantInts, readNumber, stridesOf } from "./tensor.ts";
import { decompose, dispatch1d, f32Lit, main1d } from "../_gpu/wgsl.ts";
import {
  combineFns,
  GROUP_WG,
  groupDispatch,
  groupMain,
  groupReduceFn,
  outputAxisSources,
  type ReduceKind,
  REDUCERS,
} from "./pool_wgsl.ts";

/** Parsed options of a reduction. */
export interface ReduceOptions {
  /** Reduced axes, non-negative, sorted, without duplicates. */
  axes: number[];
  /** Whether reduced axes stay as size-1 axes. */
  keepDims: boolean;
}

/** How to build one reduction. */
export interface ReduceSpec {
  /** Builtin op name. */
  name: string;
  /** How values combine. */
  kind: ReduceKind;
  /** Whether the result is divided by the number of reduced elements (MEAN). */
  mean?: boolean;
  /** Range of random case inputs (default `[-1, 1]`). */
  range?: [number, number];
  /** Largest number of reduced elements in a case (products overflow). */
  maxCount?: number;
}

/**
 * Normalises constant axes against a rank: negative axes count from the end; duplicates collapse.
 *
 * @example
 * ```ts
 * import { normalizeAxes } from "./pool_reduce.ts";
 * if (normalizeAxes("MEAN", [-1, 1, 3], 4).join() !== "1,3") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param axes Axes as given.
 * @param rank Rank of the input.
 * @returns Sorted distinct axes in `[0, rank)`.
 */
export function normalizeAxes(op: string, axes: readonly number[], rank: number): number[] {
  const out = new Set<number>();
  for (const a of axes) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new OpError(`${op}: axis ${a} is out of range for rank ${rank}`);
    }
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Output shape of a reduction.
 *
 * @example
 * ```ts
 * import { reducedShape } from "./pool_reduce.ts";
 * if (reducedShape([2, 3, 4], { axes: [1], keepDims: true }).join() !== "2,1,4") throw new Error("wrong");
 * ```
 *
 * @param shape Input shape.
 * @param options Axes and keepDims.
 * @returns The output shape.
 */
export function reducedShape(shape: readonly number[], options: ReduceOptions): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!options.axes.includes(i)) out.push(d);
    else if (options.keepDims) out.push(1);
  });
  return out;
}

function reduceReference(spec: ReduceSpec, x: HostTensor, o: ReduceOptions): HostTensor {
  const red = REDUCERS[spec.kind];
  const outShape = reducedShape(x.shape, o);
  const out = allocTensor("float32", outShape);
  const acc = new Float64Array(out.data.length).fill(red.identity);
  const keptShape = x.shape.map((d, i) => (o.axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptShape);
  const inStrides = stridesOf(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    let oi = 0;
    for (let d = 0; d < x.shape.length; d++) {
      const coord = Math.floor(i / inStrides[d]) % x.shape[d];
      if (!o.axes.includes(d)) oi += coord * keptStrides[d];
    }
    acc[oi] = red.fn(acc[oi], readNumber(x, i));
  }
  const count = o.axes.reduce((n, a) => n * x.shape[a], 1);
  for (let i = 0; i < acc.length; i++) out.data[i] = spec.mean ? acc[i] / count : acc[i];
  return out;
}

/** Reductions of at least this many loads per output vec4 run one workgroup per output vec4. */
export const GROUP_REDUCE = 128;

function reducePlan(
  spec: ReduceSpec,
  x: GpuTensorInfo,
  out: GpuTensorInfo,
  o: ReduceOptions,
  maxPerDim: number,
): GpuProgram[] {
  const rank = x.shape.length;
  const off = 4 - rank;
  const reduced4 = o.axes.map((a) => a + off);
  const src = outputAxisSources(x.shape.map((_, d) => !o.axes.includes(d)), o.keepDims);
  const channelReduced = reduced4.includes(3);
  const S = x.slices;
  const C = x.shape4[3];
  const loops = reduced4.filter((a) => a < 3);
  const cntBhw = loops.reduce((n, a) => n * x.shape4[a], 1);
  const cnt = cntBhw * (channelReduced ? S : 1);
  const count = o.axes.reduce((n, a) => n * x.shape[a], 1);
  const red = REDUCERS[spec.kind];
  const ident = `vec4<f32>(${red.wgslIdentity})`;
  const outCoord = ["b", "h", "w", channelReduced ? "c" : "s"];
  const coord = (a: number): string => {
    if (loops.includes(a)) return `r${a}`;
    const j = src.indexOf(a);
    return j < 0 ? "0" : outCoord[j];
  };
  let split = `    var r = k;\n`;
  if (channelReduced) split += `    let sl = r % ${S};\n    r = r / ${S};\n`;
  for (const a of [...loops].reverse()) {
    split += `    let r${a} = r % ${x.shape4[a]};\n    r = r / ${x.shape4[a]};\n`;
  }
  let load = `x_vec(${coord(0)}, ${coord(1)}, ${coord(2)}, ${channelReduced ? "sl" : "s"})`;
  if (channelReduced && C % 4 !== 0) {
    load = `select(${ident}, ${load}, vec4<i32>(0, 1, 2, 3) + sl * 4 < vec4<i32>(${C}))`;
  }
  const group = cnt >= GROUP_REDUCE;
  const loop = group
    ? `for (var k = i32(lid); k < ${cnt}; k += ${GROUP_WG})`
    : `for (var k = 0; k < ${cnt}; k++)`;
  const accumulate = `    var acc = ${ident};
    ${loop} {
${split}      acc = comb4(acc, ${load});
    }
`;
  let body = decompose(out);
  if (channelReduced) {
    body += `  var res = ${ident};
  for (var l = 0; l < 4; l++) {
    let c = s * 4 + l;
    if (c >= ${out.shape4[3]}) { continue; }
${accumulate}    res[l] = fold4(acc);
  }
`;
  } else {
    body += `  var res = ${ident};\n  {\n${accumulate}    res = acc;\n  }\n`;
  }
  if (group) body += `  res = group_reduce(lid, res);\n`;
  const value = spec.mean ? `res / ${f32Lit(count)}` : "res";
  body += group ? `  if (lid == 0u) { y_store(i, ${value}); }` : `  y_store(i, ${value});`;
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const head = combineFns(spec.kind);
  return [{
    label: `${spec.name}${group ? " (workgroup)" : ""}`,
    code: group
      ? head + groupReduceFn("group_reduce", "comb4") + groupMain(n, body)
      : head + main1d(n, body),
    bindings: [{ kind: "input", index: 0, name: "x" }, { kind: "output", index: 0, name: "y" }],
    dispatch: group ? groupDispatch(n, maxPerDim) : dispatch1d(n, undefined, maxPerDim),
  }];
}

/** Conformance cases: `[shape, axes, keepDims]`; axes `null` means a scalar axis `2`. */
const REDUCE_CASES: [number[], number[] | null, boolean][] = [
  [[1, 8, 8, 5], [1, 2], true],
  [[1, 64, 64, 7], [1, 2], false],
  [[2, 16, 16, 3], [2, 1], true],
  [[2, 3, 4, 5], [-1], false],
  [[3, 999], [1], false],
  [[2, 3, 4, 5], [0, 1, 2, 3], false],
  [[2, 3, 4, 5], [0, 2], true],
  [[2, 3, 4, 5], [1, -1], false],
  [[4, 6, 7], [0], false],
  [[7], [0], true],
  [[2, 3, 4, 5], [], false],
  [[2, 3, 4, 6], [-3, 1, 3], true],
  [[1, 9, 6, 3], null, false],
  [[5, 1, 1, 9], [3], true],
];

/**
 * Options of a reduction (`REDUCE_*`, `MEAN`, `SUM`, `REDUCE_ANY/ALL`): constant axes (scalar or
 * vector, negative counted from the end) and `keepDims`.
 *
 * @example
 * ```ts
 * import { parseReduceOptions } from "./pool_reduce.ts";
 * const o = parseReduceOptions("SUM", {
 *   options: { keepDims: true },
 *   inputs: [
 *     { dtype: "float32", shape: [2, 3] },
 *     { dtype: "int32", shape: [1], value: { dtype: "int32", shape: [1], data: new Int32Array([-1]) } },
 *   ],
 * });
 * if (o.axes[0] !== 1 || !o.keepDims) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param args The node's options and inputs.
 * @returns Axes and keepDims.
 * @throws {OpError} For a wrong number of inputs, non-constant or out-of-range axes.
 */
export function parseReduceOptions(op: string, args: ParseArgs): ReduceOptions {
  const { options, inputs } = args;
  if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
    throw new OpError(`${op} needs 2 inputs (tensor, axes), got ${inputs.length}`);
  }
  if (inputs[1].shape.length > 1) {
    throw new OpError(`${op}: axes must be a scalar or a vector, got shape [${inputs[1].shape}]`);
  }
  return {
    axes: normalizeAxes(op, constantInts(op, inputs[1], 1), inputs[0].shape.length),
    keepDims: boolOption(op, options, "keepDims", false),
  };
}

/**
 * Builds a reduction kernel.
 *
 * @example
 * ```ts
 * import { reduceKernel } from "./pool_reduce.ts";
 * const sum = reduceKernel({ name: "SUM", kind: "sum" });
 * if (sum.optionsType !== "ReducerOptions") throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function reduceKernel(spec: ReduceSpec): KernelDef<ReduceOptions> {
  const op = spec.name;
  return {
    name: op,
    optionsType: "ReducerOptions",
    parse: (args) => parseReduceOptions(op, args),
    infer({ inputs, options }) {
      const x = inputs[0]!;
      if (x.dtype !== "float32") throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      return [{ dtype: "float32", shape: reducedShape(x.shape, options) }];
    },
    reference({ inputs, options }) {
      return [reduceReference(spec, inputs[0]!, options)];
    },
    gpu: {
      plan({ inputs, outputs, options, limits }) {
        return reducePlan(spec, inputs[0]!, outputs[0], options, limits.maxWorkgroupsPerDimension);
      },
    },
    cases(): OpCase[] {
      const cases: OpCase[] = [];
      for (const [shape, axes, keepDims] of REDUCE_CASES) {
        const ax = axes ?? [2];
        const norm = ax.map((a) => (a < 0 ? a + shape.length : a));
        const count = [...new Set(norm)].reduce((n, a) => n * shape[a], 1);
        if (spec.maxCount !== undefined && count > spec.maxCount) continue;
        cases.push({
          name: `[${shape}] axes ${axes ? `[${axes}]` : "2 (scalar)"} keepDims ${keepDims}`,
          inputs: [
            { dtype: "float32", shape, range: spec.range },
            { dtype: "int32", shape: axes ? [axes.length] : [], data: ax, constant: true },
          ],
          options: { keepDims },
        });
      }
      return cases;
    },
  };
}
