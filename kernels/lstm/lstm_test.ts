import { ok, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { assertHostCasesConform } from "../_shared/host_op_testing.ts";
import { lstm } from "./mod.ts";

const f = (shape: number[], v: number[]): HostTensor => ({
  dtype: "float32",
  shape,
  data: new Float32Array(v),
});
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** One cell, one input: every gate reads w * x + r * h + b. */
function oneCell(extra: { h: number; c: number }): (HostTensor | undefined)[] {
  const ins: (HostTensor | undefined)[] = new Array(24).fill(undefined);
  [0.5, -0.25, 0.75, 1].forEach((w, k) => (ins[1 + k] = f([1, 1], [w])));
  [0.1, 0.2, -0.3, 0.4].forEach((r, k) => (ins[5 + k] = f([1, 1], [r])));
  [0, 1, 0, -0.5].forEach((b, k) => (ins[12 + k] = f([1], [b])));
  ins[0] = f([1, 1], [2]);
  ins[18] = f([1, 1], [extra.h]);
  ins[19] = f([1, 1], [extra.c]);
  return ins;
}

Deno.test("LSTM computes one step of the cell by the textbook equations", () => {
  const inputs = oneCell({ h: 0.5, c: -1 });
  const options = lstm.parse({ options: { fusedActivationFunction: "TANH" }, inputs });
  const outputs = lstm.infer({ inputs, options });
  const [y] = lstm.reference({ inputs, options, outputs });
  const x = 2, h = 0.5, c0 = -1;
  const i = sig(0.5 * x + 0.1 * h + 0);
  const fg = sig(-0.25 * x + 0.2 * h + 1);
  const g = Math.tanh(0.75 * x - 0.3 * h + 0);
  const o = sig(1 * x + 0.4 * h - 0.5);
  const c = fg * c0 + i * g;
  const want = o * Math.tanh(c);
  ok(Math.abs(Number(y.data[0]) - want) < 1e-6, `${y.data[0]} != ${want}`);
});

Deno.test("LSTM clips the cell state", () => {
  const inputs = oneCell({ h: 0, c: 50 });
  const options = lstm.parse({
    options: { fusedActivationFunction: "TANH", cellClip: 0.25 },
    inputs,
  });
  const [y] = lstm.reference({ inputs, options, outputs: lstm.infer({ inputs, options }) });
  const o = sig(1 * 2 - 0.5);
  ok(Math.abs(Number(y.data[0]) - o * Math.tanh(0.25)) < 1e-6);
});

Deno.test("LSTM refuses quantized weights, missing required inputs and the basic kernel", () => {
  const inputs = oneCell({ h: 0, c: 0 });
  throws(() => lstm.parse({ options: { kernelType: "BASIC" }, inputs }), OpError);
  const noForget = [...inputs];
  noForget[2] = undefined;
  throws(() => lstm.parse({ options: {}, inputs: noForget }), /forget|wf/);
  const q = [...inputs];
  q[1] = { dtype: "int8", shape: [1, 1], data: new Int8Array(1) };
  throws(() => lstm.parse({ options: {}, inputs: q }), /float32/);
});

Deno.test("LSTM cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(lstm);
});
