import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { fuseDilatedConv } from "./dilated_conv.ts";
import { graphOf, maxDiff, randomFloats, runReference } from "./_test_util.ts";
import type { GraphBuilder } from "../../format/tflite/mod.ts";
import { createSession, sessionInternals } from "../session.ts";
import { buildDynamicDilatedModel } from "../dynamic_model_testing.ts";

/** x [1,h,w,4] -> SPACE_TO_BATCH_ND -> conv (VALID) -> BATCH_TO_SPACE_ND, as a converter writes it. */
function converterDilated(
  b: GraphBuilder,
  o: { h: number; w: number; rate: number; pads: number[]; crops: number[]; depthwise?: boolean },
): void {
  const c = 4;
  const x = b.input("x", "float32", [1, o.h, o.w, c]);
  const i32 = (name: string, v: number[], shape: number[]) =>
    b.constant(name, "int32", shape, new Int32Array(v));
  const ph = o.h + o.pads[0] + o.pads[1];
  const pw = o.w + o.pads[2] + o.pads[3];
  const n = o.rate * o.rate;
  const [s] = b.op("SPACE_TO_BATCH_ND", [
    x,
    i32("block", [o.rate, o.rate], [2]),
    i32("pads", o.pads, [2, 2]),
  ], [{ dtype: "float32", shape: [n, ph / o.rate, pw / o.rate, c] }]);
  const oh = ph / o.rate - 2;
  const ow = pw / o.rate - 2;
  const w = b.constant(
    "w",
    "float32",
    o.depthwise ? [1, 3, 3, c] : [c, 3, 3, c],
    randomFloats(9 * c * (o.depthwise ? 1 : c)),
  );
  const bias = b.constant("b", "float32", [c], randomFloats(c, 3));
  const [y] = b.op(o.depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D", [s, w, bias], [
    { dtype: "float32", shape: [n, oh, ow, c] },
  ], {
    options: o.depthwise
      ? {
        padding: "VALID",
        strideW: 1,
        strideH: 1,
        depthMultiplier: 1,
        fusedActivationFunction: "RELU",
      }
      : { padding: "VALID", strideW: 1, strideH: 1, fusedActivationFunction: "RELU" },
  });
  const [z] = b.op("BATCH_TO_SPACE_ND", [
    y,
    i32("block2", [o.rate, o.rate], [2]),
    i32("crops", o.crops, [2, 2]),
  ], [
    {
      dtype: "float32",
      shape: [1, oh * o.rate - o.crops[0] - o.crops[1], ow * o.rate - o.crops[2] - o.crops[3], c],
    },
  ]);
  b.output(z);
}

Deno.test("fuseDilatedConv() turns SPACE_TO_BATCH_ND, conv, BATCH_TO_SPACE_ND into one dilated conv", () => {
  for (const depthwise of [false, true]) {
    // 7x9 input, rate 2: SAME pads 2+2, plus 1 to make each side divisible, cropped again.
    const g = graphOf((b) =>
      converterDilated(b, {
        h: 7,
        w: 9,
        rate: 2,
        pads: [2, 3, 2, 3],
        crops: [0, 1, 0, 1],
        depthwise,
      })
    );
    const r = fuseDilatedConv(g);
    strictEqual(r.report.applied, 1);
    deepStrictEqual(r.graph.nodes.map((n) => n.op), [depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D"]);
    deepStrictEqual(r.graph.nodes[0].fused.length, 3);
    ok(maxDiff(runReference(g), runReference(r.graph)) < 1e-5, "the same values");
  }
});

Deno.test("fuseDilatedConv() leaves padding that is not SAME's alone", () => {
  const g = graphOf((b) =>
    converterDilated(b, { h: 8, w: 8, rate: 2, pads: [0, 0, 0, 0], crops: [0, 0, 0, 0] })
  );
  strictEqual(fuseDilatedConv(g).report.applied, 0);
});

Deno.test("the dynamic model's dilated convolution becomes one CONV_2D once its paddings fold", async () => {
  const s = await createSession(buildDynamicDilatedModel(), {
    backend: "reference",
    inputShapes: [[2, 7, 9, 3]],
  });
  deepStrictEqual(sessionInternals(s).graph.nodes.map((n) => n.op), ["CONV_2D", "RESHAPE"]);
  s.dispose();
});
