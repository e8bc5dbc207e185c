import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { graphOf, randomFloats, runReference } from "../../passes/_test_util.ts";
import type { ExecGraph } from "../../../core/exec_graph.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { splitByOutputChannels, splitLayers, splitPoint } from "./split.ts";

const f32 = "float32" as const;

function relErr(a: HostTensor[], b: HostTensor[]): number {
  let num = 0, den = 0;
  a.forEach((t, i) => {
    strictEqual(t.data.length, b[i].data.length);
    deepStrictEqual(t.shape, b[i].shape);
    for (let j = 0; j < t.data.length; j++) {
      num = Math.max(num, Math.abs(Number(t.data[j]) - Number(b[i].data[j])));
      den = Math.max(den, Math.abs(Number(t.data[j])));
    }
  });
  return num / Math.max(den, 1e-30);
}

function conv(k: number, cin: number, cout: number, act = "RELU") {
  return graphOf((b) => {
    const x = b.input("x", f32, [1, 7, 7, cin]);
    const w = b.constant("w", f32, [cout, k, k, cin], randomFloats(cout * k * k * cin, 2));
    const bias = b.constant("b", f32, [cout], randomFloats(cout, 3));
    const [y] = b.op("CONV_2D", [x, w, bias], [{ dtype: f32, shape: [1, 7, 7, cout] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: act },
    });
    b.output(y);
  });
}

function depthwise(c: number, mult = 1) {
  return graphOf((b) => {
    const x = b.input("x", f32, [1, 9, 9, c]);
    const w = b.constant("w", f32, [1, 3, 3, c * mult], randomFloats(9 * c * mult, 4));
    const bias = b.constant("b", f32, [c * mult], randomFloats(c * mult, 5));
    const [y] = b.op("DEPTHWISE_CONV_2D", [x, w, bias], [{
      dtype: f32,
      shape: [1, 5, 5, c * mult],
    }], {
      options: {
        padding: "SAME",
        strideW: 2,
        strideH: 2,
        depthMultiplier: mult,
        fusedActivationFunction: "RELU6",
      },
    });
    b.output(y);
  });
}

function fc(i: number, o: number, bias = true) {
  return graphOf((b) => {
    const x = b.input("x", f32, [3, i]);
    const w = b.constant("w", f32, [o, i], randomFloats(o * i, 6));
    const bi = bias ? b.constant("b", f32, [o], randomFloats(o, 7)) : -1;
    const [y] = b.op("FULLY_CONNECTED", [x, w, bi], [{ dtype: f32, shape: [3, o] }]);
    b.output(y);
  });
}

function pool(op: string, c: number) {
  return graphOf((b) => {
    const x = b.input("x", f32, [1, 8, 8, c]);
    const [y] = b.op(op, [x], [{ dtype: f32, shape: [1, 4, 4, c] }], {
      options: { padding: "VALID", strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
    });
    b.output(y);
  });
}

function checkSplit(g: ExecGraph, ratio: number, nodes: number): void {
  const r = splitByOutputChannels(g, 0, ratio);
  strictEqual(r.report.applied, 1, r.report.details.join("; "));
  strictEqual(r.graph.nodes.length, nodes);
  strictEqual(r.graph.nodes.at(-1)!.op, "CONCATENATION");
  const err = relErr(runReference(g), runReference(r.graph));
  ok(err < 1e-6, `relative error ${err}`);
  strictEqual(g.nodes.length, 1, "the input graph is left unchanged");
}

Deno.test("splitPoint() rounds to whole slices of 4 and refuses empty parts", () => {
  strictEqual(splitPoint(64, 0.5), 32);
  strictEqual(splitPoint(64, 0.3), 20);
  strictEqual(splitPoint(13, 0.5), 8);
  strictEqual(splitPoint(13, 0.99), 12);
  strictEqual(splitPoint(13, 0.01), 4);
  strictEqual(splitPoint(4, 0.5), 0);
  strictEqual(splitPoint(64, 0), 0);
  strictEqual(splitPoint(64, 1), 0);
  strictEqual(splitPoint(24, 0.5, 12), 12);
});

Deno.test("splitByOutputChannels() keeps a 3x3 conv's outputs, odd channel counts included", () => {
  checkSplit(conv(3, 5, 13), 0.5, 3);
  checkSplit(conv(3, 8, 16, "RELU6"), 0.25, 3);
  checkSplit(conv(3, 3, 10, "NONE"), 0.75, 3);
});

Deno.test("splitByOutputChannels() keeps a 1x1 conv's outputs", () => {
  checkSplit(conv(1, 7, 9), 0.5, 3);
  checkSplit(conv(1, 16, 32), 0.75, 3);
});

Deno.test("splitByOutputChannels() keeps a depthwise conv's outputs (multiplier 1 and 2)", () => {
  checkSplit(depthwise(13), 0.5, 5);
  checkSplit(depthwise(8), 0.5, 5);
  checkSplit(depthwise(6, 2), 0.5, 5);
});

Deno.test("splitByOutputChannels() keeps a fully connected layer's outputs", () => {
  checkSplit(fc(20, 11), 0.5, 3);
  checkSplit(fc(9, 30, false), 0.25, 3);
});

Deno.test("splitByOutputChannels() splits pools by input channels", () => {
  checkSplit(pool("MAX_POOL_2D", 10), 0.5, 5);
  checkSplit(pool("AVERAGE_POOL_2D", 9), 0.5, 5);
});

Deno.test("splitLayers() declines what it cannot split and reports positions", () => {
  const g = conv(3, 4, 4);
  const r = splitLayers(g, [{ node: 0, ratio: 0.5 }]);
  strictEqual(r.report.applied, 0);
  ok(r.report.details[0].startsWith("declined CONV_2D#0"));
  const g2 = graphOf((b) => {
    const x = b.input("x", f32, [1, 4, 4, 8]);
    const w = b.constant("w", f32, [8, 1, 1, 8], randomFloats(64, 2));
    const [y] = b.op("CONV_2D", [x, w, -1], [{ dtype: f32, shape: [1, 4, 4, 8] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    const [z] = b.op("RELU", [y], [{ dtype: f32, shape: [1, 4, 4, 8] }]);
    const [u] = b.op("CONV_2D", [z, w, -1], [{ dtype: f32, shape: [1, 4, 4, 8] }], {
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    });
    b.output(u);
  });
  const r2 = splitLayers(g2, [{ node: 0, ratio: 0.5 }, { node: 1, ratio: 0.5 }, {
    node: 2,
    ratio: 0.5,
  }]);
  strictEqual(r2.report.applied, 2);
  deepStrictEqual(r2.splits.map((s) => [s.first, s.second, s.concat]), [
    [[0], [1], 2],
    [[4], [5], 6],
  ]);
  deepStrictEqual(r2.graph.nodes.map((n) => n.op), [
    "CONV_2D",
    "CONV_2D",
    "CONCATENATION",
    "RELU",
    "CONV_2D",
    "CONV_2D",
    "CONCATENATION",
  ]);
  ok(relErr(runReference(g2), runReference(r2.graph)) < 1e-6);
});
