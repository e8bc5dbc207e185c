import { deepStrictEqual, ok, throws } from "node:assert";
import { assertKernelConforms, testDevice } from "../../conformance/testing.ts";
import { caseGraph, materializeInputs } from "../../conformance/harness.ts";
import { OpError } from "../../core/errors.ts";
import { GpuExecutor } from "../../engine/backends/gpu/executor.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";
import type { ExecGraph } from "../../core/exec_graph.ts";
import { readModelFile } from "../../format/tflite/reader.ts";
import type { HostTensor, Precision } from "../../core/kernel.ts";
import { poolParamsBytes } from "../_shared/pool_custom.ts";
import { maxUnpooling2d } from "../max_unpooling_2d/mod.ts";
import { maxPoolingWithArgmax2d } from "./mod.ts";

async function precisions(): Promise<Precision[]> {
  const ctx = await testDevice();
  return ctx.device.features.has("shader-f16") ? ["f32", "f16"] : ["f32"];
}

function ints(t: HostTensor): number[] {
  return Array.from(t.data as Float32Array, Math.trunc);
}

Deno.test("MaxPoolingWithArgmax2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(maxPoolingWithArgmax2d);
});

Deno.test("MaxPoolingWithArgmax2D indices truncate to exactly the reference's on the GPU", async () => {
  const ctx = await testDevice();
  for (const precision of await precisions()) {
    for (const c of maxPoolingWithArgmax2d.cases()) {
      const values = materializeInputs(c, 1);
      const graph = caseGraph(maxPoolingWithArgmax2d, c, values);
      const ref = new ReferenceExecutor(graph).run([values[0]!]);
      const exec = await GpuExecutor.fromGraph(ctx, graph, { precision });
      try {
        const got = await exec.run([values[0]!]);
        deepStrictEqual(ints(got[1]), ints(ref[1]), `${precision} ${c.name}`);
      } finally {
        exec.dispose();
      }
    }
  }
});

Deno.test("MaxPoolingWithArgmax2D indices are window offsets as MediaPipe defines them", () => {
  const p = { padding: "SAME" as const, strideW: 2, strideH: 2, filterW: 2, filterH: 2 };
  const options = maxPoolingWithArgmax2d.parse({
    options: {},
    customOptions: poolParamsBytes({ ...p, activation: "NONE" }),
    inputs: [{ dtype: "float32", shape: [1, 3, 3, 1] }],
  });
  // SAME on 3 with stride 2 gives 2 outputs and no leading padding; the last window is clipped.
  const x = {
    dtype: "float32" as const,
    shape: [1, 3, 3, 1],
    data: new Float32Array([1, 5, 2, 7, 3, 9, 4, 8, 6]),
  };
  const [v, ind] = maxPoolingWithArgmax2d.reference({ inputs: [x], options, outputs: [] });
  deepStrictEqual(Array.from(v.data as Float32Array), [7, 9, 8, 6]);
  deepStrictEqual(ints(ind), [2, 2, 1, 0]);
});

Deno.test("MaxUnpooling2D puts the maxima of MaxPoolingWithArgmax2D back where they came from on the GPU", async () => {
  const ctx = await testDevice();
  const p = {
    padding: "SAME" as const,
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE" as const,
  };
  const customOptions = poolParamsBytes(p);
  const shape = [1, 8, 6, 5];
  const n = shape.reduce((a, b) => a * b, 1);
  const x: HostTensor = {
    dtype: "float32",
    shape,
    data: new Float32Array(Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 8)),
  };
  const pooledShape = [1, 4, 3, 5];
  const nodeOf = (
    k: number,
    kernel: typeof maxUnpooling2d,
    inputs: number[],
    outputs: number[],
  ) => ({
    index: k,
    op: kernel.name,
    kernel,
    options: kernel.parse({
      options: {},
      customOptions,
      inputs: inputs.map(() => ({ dtype: "float32" as const, shape: pooledShape })),
    }),
    inputs,
    outputs,
    epilogue: [],
    fused: [k],
    raw: { options: {}, customOptions },
  });
  const graph: ExecGraph = {
    tensors: [
      { name: "x", dtype: "float32", shape },
      { name: "max", dtype: "float32", shape: pooledShape },
      { name: "idx", dtype: "float32", shape: pooledShape },
      { name: "y", dtype: "float32", shape },
    ],
    nodes: [
      nodeOf(0, maxPoolingWithArgmax2d, [0], [1, 2]),
      nodeOf(1, maxUnpooling2d, [1, 2], [3]),
    ],
    inputs: [0],
    outputs: [3],
  };
  const [ref] = new ReferenceExecutor(graph).run([x]);
  const xs = x.data as Float32Array;
  const ys = ref.data as Float32Array;
  // Each 2x2 window's maximum is kept in place (first one on ties); everything else is zero.
  for (let y = 0; y < 8; y++) {
    for (let xx = 0; xx < 6; xx++) {
      for (let c = 0; c < 5; c++) {
        const at = (yy: number, xc: number) => xs[(yy * 6 + xc) * 5 + c];
        const wy = y & ~1;
        const wx = xx & ~1;
        const win = [[wy, wx], [wy, wx + 1], [wy + 1, wx], [wy + 1, wx + 1]];
        let best = 0;
        for (let k = 1; k < 4; k++) {
          if (at(win[k][0], win[k][1]) > at(win[best][0], win[best][1])) best = k;
        }
        const isMax = win[best][0] === y && win[best][1] === xx;
        ok(ys[(y * 6 + xx) * 5 + c] === (isMax ? at(y, xx) : 0), `at ${y},${xx},${c}`);
      }
    }
  }
  for (const precision of await precisions()) {
    const exec = await GpuExecutor.fromGraph(ctx, graph, { precision });
    try {
      ok(exec.placement.every((pl) => pl.backend === "gpu"));
      const [got] = await exec.run([x]);
      const gs = got.data as Float32Array;
      for (let i = 0; i < n; i++) ok((gs[i] === 0) === (ys[i] === 0), `${precision} element ${i}`);
    } finally {
      exec.dispose();
    }
  }
});

Deno.test("MaxPoolingWithArgmax2D reads the TfLitePoolParams of hair_segmentation.tflite", async () => {
  const model = await readModelFile(
    new URL("../../../shared/models/networks/hair_segmentation.tflite", import.meta.url),
  );
  const g = model.subgraphs[0];
  const nodes = g.nodes.filter((n) => n.customCode === "MaxPoolingWithArgmax2D");
  ok(nodes.length > 0);
  for (const node of nodes) {
    const inputs = node.inputs.map((t) => ({
      dtype: g.tensors[t].dtype,
      shape: g.tensors[t].shape,
    }));
    const options = maxPoolingWithArgmax2d.parse({
      options: {},
      customOptions: node.customOptions,
      inputs,
    });
    deepStrictEqual(options, {
      padding: "SAME",
      strideW: 2,
      strideH: 2,
      filterW: 2,
      filterH: 2,
      activation: "NONE",
    });
    const specs = maxPoolingWithArgmax2d.infer({ inputs, options });
    specs.forEach((s, k) => {
      const t = g.tensors[node.outputs[k]];
      deepStrictEqual([s.dtype, s.shape], [t.dtype, t.shape]);
    });
  }
});

Deno.test("MaxPoolingWithArgmax2D rejects short options, unknown padding and sigmoid", () => {
  const inputs = [{ dtype: "float32" as const, shape: [1, 4, 4, 1] }];
  const bytes = (v: number[]) => new Uint8Array(new Int32Array(v).buffer);
  throws(
    () => maxPoolingWithArgmax2d.parse({ options: {}, customOptions: bytes([1, 2]), inputs }),
    OpError,
  );
  throws(
    () =>
      maxPoolingWithArgmax2d.parse({
        options: {},
        customOptions: bytes([0, 2, 2, 2, 2, 0]),
        inputs,
      }),
    OpError,
  );
  throws(
    () =>
      maxPoolingWithArgmax2d.parse({
        options: {},
        customOptions: bytes([1, 2, 2, 2, 2, 6]),
        inputs,
      }),
    OpError,
  );
  throws(
    () =>
      maxPoolingWithArgmax2d.parse({
        options: {},
        customOptions: bytes([1, 0, 2, 2, 2, 0]),
        inputs,
      }),
    OpError,
  );
});
