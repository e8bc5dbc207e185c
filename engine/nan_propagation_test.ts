/**
 * NaN and ±Inf through activations and pools: every backend must give what the reference gives
 * (NaN where the reference has NaN, the same infinities, close values elsewhere). Sessions run with
 * `rejectNaN: false`.
 */
import { ok } from "node:assert";
import { GraphBuilder } from "../format/tflite/mod.ts";
import type { Model, NodeOptions } from "../core/ir.ts";
import { createSession } from "./session.ts";
import { testDevice } from "../conformance/testing.ts";

const SHAPE = [1, 4, 4, 4];
/** Special values spread so that some pooling windows hold NaN, some ±Inf, some neither. */
const INPUT = Float32Array.from({ length: 64 }, (_, i) => {
  const special = [NaN, Infinity, -Infinity, -0];
  if (i % 11 === 0) return special[(i / 11) % 4];
  return ((i * 37) % 23) - 11 + (i % 3) * 0.25;
});

interface Case {
  op: string;
  options?: NodeOptions;
  out?: number[];
}

const pool = (act = "NONE"): NodeOptions => ({
  padding: "VALID",
  strideW: 2,
  strideH: 2,
  filterWidth: 2,
  filterHeight: 2,
  fusedActivationFunction: act,
});

/** The ops: unary activations, binary ops with fused activations, pools. */
const CASES: Case[] = [
  ...["RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "TANH", "LOGISTIC", "ELU", "HARD_SWISH"]
    .map((op) => ({ op })),
  { op: "LEAKY_RELU", options: { alpha: 0.2 } },
  ...["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"].map((act) => ({
    op: "ADD",
    options: { fusedActivationFunction: act },
  })),
  ...["MAX_POOL_2D", "AVERAGE_POOL_2D"].flatMap((op) =>
    ["NONE", "RELU", "RELU6"].map((act) => ({ op, options: pool(act), out: [1, 2, 2, 4] }))
  ),
];

/**
 * Known disagreements, by backend and op, each with its reason; their cases are skipped. The
 * reference follows TensorFlow Lite's `v > acc ? v : acc` for max pooling, which skips NaN.
 */
const KNOWN: Record<string, Record<string, string>> = {
  cpu: {},
};

function model(c: Case): Model {
  const b = new GraphBuilder();
  const x = b.input("x", "float32", SHAPE);
  const inputs = c.op === "ADD"
    ? [x, b.constant("half", "float32", [4], new Float32Array([0.5, -0.5, 1, 0]))]
    : [x];
  const [y] = b.op(c.op, inputs, [{ dtype: "float32", shape: c.out ?? SHAPE }], {
    options: c.options,
  });
  b.output(y);
  return b.build();
}

function describe(v: number): string {
  return Number.isNaN(v) ? "NaN" : String(v);
}

/** Mismatches between a backend's output and the reference's, as messages. */
function mismatches(ref: Float32Array, got: Float32Array): string[] {
  const bad: string[] = [];
  ref.forEach((r, i) => {
    const g = got[i];
    const same = Number.isNaN(r)
      ? Number.isNaN(g)
      : !Number.isFinite(r)
      ? g === r
      : Number.isFinite(g) && Math.abs(g - r) <= 1e-3 * Math.max(1, Math.abs(r));
    if (!same) bad.push(`element ${i}: ${describe(g)}, reference ${describe(r)}`);
  });
  return bad;
}

for (const backend of ["cpu", "gpu"] as const) {
  Deno.test(`${backend}: NaN and Inf propagate through activations and pools like the reference`, async () => {
    const device = backend === "gpu" ? await testDevice() : undefined;
    const failures: string[] = [];
    for (const c of CASES) {
      if (KNOWN[backend]?.[c.op]) continue;
      const m = model(c);
      const ref = await createSession(m, { backend: "reference", rejectNaN: false });
      const s = await createSession(m, { backend, device, rejectNaN: false, threads: 1 });
      try {
        const [want] = await ref.run([INPUT]);
        const [got] = await s.run([INPUT]);
        const bad = mismatches(want.data as Float32Array, got.data as Float32Array);
        const label = `${c.op}${
          c.options?.fusedActivationFunction ? `+${c.options.fusedActivationFunction}` : ""
        }`;
        if (bad.length > 0) {
          failures.push(`${label}: ${bad.slice(0, 3).join("; ")} (${bad.length} in all)`);
        }
      } finally {
        ref.dispose();
        s.dispose();
      }
    }
    ok(failures.length === 0, failures.join("\n"));
  });
}
