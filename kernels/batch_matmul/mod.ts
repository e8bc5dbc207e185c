/**
 * BATCH_MATMUL: `x @ y` over the last two dimensions (`adjX`/`adjY` transpose them first) with NumPy
 * broadcasting of the leading batch dimensions.
 *
 * GPU (ranks up to 4): each thread computes four consecutive output columns (one vec4) of one row,
 * walking K four at a time: a vec4 of `x` along K (four scalars when `adjX`), times four rows of `y`
 * (or, with `adjY`, four dot products with rows of `y`).
 *
 * @module
 */
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { boolOption } from "../_shared/options.ts";
import { allocTensor, broadcastIndex, broadcastShapes, readNumber } from "../_shared/tensor.ts";
import { convWorkgroup, groupsFor, type Workgroup } from "../_gpu/workgroup.ts";
import { batchMatMulInteger } from "./quant.ts";

const OP = "BATCH_MATMUL";

/** Parsed BATCH_MATMUL options. */
export interface BatchMatMulOptions {
  /** Transpose the last two dimensions of `x`. */
  adjX: boolean;
  /** Transpose the last two dimensions of `y`. */
  adjY: boolean;
}

function dims(shape: number[], adj: boolean): [number, number] {
  const r = shape[shape.length - 2];
  const c = shape[shape.length - 1];
  return adj ? [c, r] : [r, c];
}

function batchIndex(t: GpuTensorInfo, out: GpuTensorInfo, d: 0 | 1): string {
  return t.shape4[d] === out.shape4[d] ? (d === 0 ? "bb" : "bh") : "0";
}

/** `[x shape, y shape, adjX, adjY]` per case. */
const CASES: [number[], number[], boolean, boolean][] = [
  [[2, 3], [3, 4], false, false],
  [[2, 5, 7], [2, 7, 6], false, false],
  [[2, 7, 5], [2, 7, 6], true, false],
  [[3, 5, 7], [3, 6, 7], false, true],
  [[1, 2, 7, 5], [1, 2, 6, 7], true, true],
  [[2, 1, 4, 5], [3, 5, 9], false, false],
  [[5, 33], [33, 17], false, false],
  [[1, 64, 32], [32, 48], false, false],
  [[4, 1], [1, 6], false, false],
];

/** The BATCH_MATMUL kernel. */
export const batchMatMul: KernelDef<BatchMatMulOptions> = {
  name: OP,
  optionsType: "BatchMatMulOptions",
  quant: batchMatMulInteger,
  parse({ options, inputs }) {
    if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
      throw new OpError(`${OP} needs 2 inputs, got ${inputs.length}`);
    }
    return {
      adjX: boolOption(OP, options, "adjX", false),
      adjY: boolOption(OP, options, "adjY", false),
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const [x, y] = inputs as TensorSpec[];
    for (const [t, what] of [[x, "x"], [y, "y"]] as const) {
      if (t.dtype !== "float32") {
        throw new OpError(`${OP}: ${what} must be float32, got ${t.dtype}`);
      }
      if (t.shape.length < 2) {
        throw new OpError(`${OP}: ${what} must have rank >= 2, got shape [${t.shape}]`);
      }
    }
    const [m, k] = dims(x.shape, options.adjX);
    const [k2, n] = dims(y.shape, options.adjY);
    if (k !== k2) {
      throw new OpError(
        `${OP}: inner dimensions differ (x gives ${k}, y gives ${k2}) for shapes [${x.shape}] and [${y.shape}]`,
      );
    }
    const batch = broadcastShapes(OP, x.shape.slice(0, -2), y.shape.slice(0, -2));
    return [{ dtype: "float32", shape: [...batch, m, n] }];
  },
  reference({ inputs, options, outputs }) {
    const [x, y] = inputs as HostTensor[];
    const out = allocTensor("float32", outputs[0].shape);
    const [M, K] = dims(x.shape, options.adjX);
    const [, N] = dims(y.shape, options.adjY);
    const batch = outputs[0].shape.slice(0, -2);
    const nb = batch.reduce((a, b) => a * b, 1);
    const xr = x.shape[x.shape.length - 1];
    const yr = y.shape[y.shape.length - 1];
    for (let bi = 0; bi < nb; bi++) {
      const xb = broadcastIndex(bi, batch, x.shape.slice(0, -2)) * M * K;
      const yb = broadcastIndex(bi, batch, y.shape.slice(0, -2)) * K * N;
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let acc = 0;
          for (let k = 0; k < K; k++) {
            const xi = options.adjX ? k * xr + m : m * xr + k;
            const yi = options.adjY ? n * yr + k : k * yr + n;
            acc += readNumber(x, xb + xi) * readNumber(y, yb + yi);
          }
          out.data[(bi * M + m) * N + n] = acc;
        }
      }
    }
    return [out];
  },
  gpu: {
    plan({ inputs, outputs, options, limits }) {
      const [x, y] = inputs as GpuTensorInfo[];
      const out = outputs[0];
      const [OB, OH, M, N] = out.shape4;
      const [, K] = dims(x.shape, options.adjX);
      const NS = out.slices;
      const KS = Math.ceil(K / 4);
      const xb = batchIndex(x, out, 0);
      const xh = batchIndex(x, out, 1);
      const yb = batchIndex(y, out, 0);
      const yh = batchIndex(y, out, 1);
      const xv = options.adjX
        ? `vec4<f32>(${
          [0, 1, 2, 3].map((l) =>
            `select(0.0, lhs_at(${xb}, ${xh}, min(k0 + ${l}, ${K - 1}), m), k0 + ${l} < ${K})`
          ).join(", ")
        })`
        : `lhs_vec(${xb}, ${xh}, m, ks)`;
      const step = options.adjY
        ? `    acc += vec4<f32>(${
          [0, 1, 2, 3].map((l) => `dot(xv, rhs_vec(${yb}, ${yh}, min(n0 + ${l}, ${N - 1}), ks))`)
            .join(", ")
        });\n`
        : [0, 1, 2, 3].map((l) =>
          `    acc += xv[${l}] * rhs_vec(${yb}, ${yh}, min(k0 + ${l}, ${K - 1}), ns);\n`
        ).join("");
      const grid: Workgroup = [NS, M, OB * OH];
      const wg = convWorkgroup([NS, M, 1], limits);
      const code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ns = i32(gid.x);
  let m = i32(gid.y);
  let bz = i32(gid.z);
  if (ns >= ${NS} || m >= ${M}) { return; }
  let bb = bz / ${OH};
  let bh = bz % ${OH};
  let n0 = ns * 4;
  var acc = vec4<f32>(0.0);
  for (var ks = 0; ks < ${KS}; ks++) {
    let k0 = ks * 4;
    let xv = ${xv};
${step}  }
  out_store(out_idx(bb, bh, m, ns), acc);
}
`;
      return [{
        label: `batch matmul${options.adjX ? " adjX" : ""}${options.adjY ? " adjY" : ""}`,
        code,
        bindings: [
          { kind: "input", index: 0, name: "lhs" },
          { kind: "input", index: 1, name: "rhs" },
          { kind: "output", index: 0, name: "out" },
        ],
        dispatch: groupsFor(grid, [wg[0], wg[1], 1]),
      }];
    },
  },
  cases(): OpCase[] {
    return CASES.map(([x, y, adjX, adjY]) => ({
      name: `[${x}] x [${y}]${adjX ? " adjX" : ""}${adjY ? " adjY" : ""}`,
      inputs: [{ dtype: "float32", shape: x }, { dtype: "float32", shape: y }],
      options: { adjX, adjY },
    }));
  },
};
