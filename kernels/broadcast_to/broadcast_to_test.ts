import { deepStrictEqual } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { constInt, throwsOp } from "../_shared/_shape_testing.ts";
import { values } from "../_shared/host_op_testing.ts";
import { broadcastTo } from "./mod.ts";

Deno.test("BROADCAST_TO conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(broadcastTo);
});

Deno.test("BROADCAST_TO repeats size-1 axes and adds leading ones", () => {
  const x = { dtype: "float32" as const, shape: [2, 1], data: new Float32Array([1, 2]) };
  const options = broadcastTo.parse({ options: {}, inputs: [x, constInt([2, 2, 3])] });
  const outputs = broadcastTo.infer({ inputs: [x], options });
  deepStrictEqual(outputs[0].shape, [2, 2, 3]);
  const [y] = broadcastTo.reference({ inputs: [x], options, outputs });
  deepStrictEqual(values(y), [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
});

Deno.test("BROADCAST_TO refuses shapes that do not fit", () => {
  const x = { dtype: "float32" as const, shape: [2, 3] };
  throwsOp(
    () => broadcastTo.parse({ options: {}, inputs: [x, constInt([4, 3])] }),
    /cannot be broadcast/,
  );
  throwsOp(
    () => broadcastTo.parse({ options: {}, inputs: [x, constInt([3])] }),
    /cannot be broadcast/,
  );
});
