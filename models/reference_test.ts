import assert from "node:assert/strict";
import { buildExecGraph } from "../core/exec_graph.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { kernelFor } from "../kernels/registry.ts";
import { evaluate } from "./_eval.ts";
import { Random } from "./_random.ts";
import { CATALOG } from "./catalog.ts";

Deno.test("tiny networks give the same outputs on the engine's ReferenceExecutor and the test evaluator", () => {
  for (const entry of CATALOG) {
    // 8-bit twins run integer kernels the float test evaluator does not have.
    if (entry.kind !== "built" || entry.size !== "tiny" || entry.quantized) continue;
    const g = entry.build().subgraphs[0];
    const random = new Random(11);
    const shape = entry.inputShapes[0];
    const x = Float32Array.from(
      { length: shape.reduce((a, d) => a * d, 1) },
      () => random.next() * 2 - 1,
    );
    const engine = new ReferenceExecutor(buildExecGraph(g, kernelFor)).run([{
      dtype: "float32",
      shape,
      data: x,
    }]);
    const ours = evaluate(g, [x]);
    g.outputs.forEach((t, i) => {
      const a = engine[i].data as Float32Array;
      const b = ours.get(t)!;
      assert.equal(a.length, b.length);
      let worst = 0;
      for (let k = 0; k < a.length; k++) {
        worst = Math.max(worst, Math.abs(a[k] - b[k]) / (1 + Math.abs(b[k])));
      }
      assert.ok(worst < 1e-4, `${entry.name} ${g.tensors[t].name} differs by ${worst}`);
    });
  }
});
