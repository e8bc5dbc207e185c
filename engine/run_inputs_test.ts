import { ok, throws } from "node:assert";
import { rejectNaN } from "./run_inputs.ts";
import { UsageError } from "../core/errors.ts";

Deno.test("rejectNaN() names the first NaN wherever it sits, block or tail", () => {
  for (let n = 1; n <= 11; n++) {
    const check = (data: Float32Array) => {
      rejectNaN({ dtype: "float32", shape: [n], data }, 0, "x");
      return true;
    };
    ok(check(new Float32Array(n).fill(Infinity)), `${n} finite values pass`);
    for (let p = 0; p < n; p++) {
      const data = new Float32Array(n);
      data[p] = NaN;
      if (p + 2 < n) data[p + 2] = NaN;
      throws(
        () => check(data),
        (e: Error) => e instanceof UsageError && e.message.endsWith(`NaN at element ${p}`),
        `n ${n}, NaN at ${p}`,
      );
    }
  }
});
