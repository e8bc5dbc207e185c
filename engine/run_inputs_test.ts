import { ok, throws } from "node:assert";
import { checkRunInput } from "./run_inputs.ts";
import { UsageError } from "../core/errors.ts";

Deno.test("checkRunInput() names the first NaN wherever it sits, block or tail", () => {
  for (let n = 1; n <= 11; n++) {
    const spec = { name: "x", dtype: "float32" as const, shape: [n] };
    const args = { index: 0, spec, declared: [n], rejectNaN: true };
    ok(checkRunInput(new Float32Array(n).fill(Infinity), args), `${n} finite values pass`);
    for (let p = 0; p < n; p++) {
      const data = new Float32Array(n);
      data[p] = NaN;
      if (p + 2 < n) data[p + 2] = NaN;
      throws(
        () => checkRunInput(data, args),
        (e: Error) => e instanceof UsageError && e.message.endsWith(`NaN at element ${p}`),
        `n ${n}, NaN at ${p}`,
      );
    }
  }
});
