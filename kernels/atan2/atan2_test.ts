import { ok } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { checkBinaryErrors } from "../_shared/elementwise_testing.ts";
import { atan2 } from "./mod.ts";

const t = (v: number[]) => ({
  dtype: "float32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("ATAN2 gives the angle in every quadrant and on the axes", () => {
  const [y] = atan2.reference({
    inputs: [t([1, 1, -1, -1, 1, 0]), t([1, -1, -1, 1, 0, 1])],
    options: { activation: "NONE" },
    outputs: [t([0, 0, 0, 0, 0, 0])],
  });
  const want = [Math.PI / 4, 3 * Math.PI / 4, -3 * Math.PI / 4, -Math.PI / 4, Math.PI / 2, 0];
  want.forEach((w, i) =>
    ok(Math.abs(Number(y.data[i]) - w) < 1e-6, `element ${i}: ${y.data[i]} != ${w}`)
  );
});

Deno.test("ATAN2 conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(atan2);
});

Deno.test("ATAN2 rejects bad inputs with errors naming the op", () => {
  checkBinaryErrors(atan2, { activation: false });
});
