import { ok } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { checkUnaryErrors } from "../_shared/elementwise_testing.ts";
import { sinh } from "./mod.ts";

Deno.test("Sinh is odd and matches (e^x - e^-x) / 2", () => {
  const x = { dtype: "float32" as const, shape: [3], data: new Float32Array([0, 2, -2]) };
  const [y] = sinh.reference({ inputs: [x], options: {}, outputs: [x] });
  const s2 = (Math.exp(2) - Math.exp(-2)) / 2;
  ok(
    y.data[0] === 0 && Math.abs(Number(y.data[1]) - s2) < 1e-5 && y.data[2] === -Number(y.data[1]),
  );
});

Deno.test("Sinh is a custom op", () => {
  ok(sinh.custom && sinh.name === "Sinh");
});

Deno.test("Sinh conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(sinh);
});

Deno.test("Sinh rejects bad inputs with errors naming the op", () => {
  checkUnaryErrors(sinh);
});
