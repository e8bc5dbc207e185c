/**
 * Helpers for pass tests: build small exec graphs with the writer's builder, and run graphs on the
 * reference to compare a pass's output with the original.
 *
 * @module
 */
import { GraphBuilder, readModel, writeModel } from "../../format/tflite/mod.ts";
import { buildExecGraph, type ExecGraph } from "../../core/exec_graph.ts";
import { ReferenceExecutor } from "../backends/reference/executor.ts";
import { kernelFor } from "../../kernels/registry.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { seededRandom } from "../../conformance/rng.ts";

/**
 * An exec graph from a builder callback (through the real writer and reader).
 *
 * @param build Fills the builder.
 * @returns The exec graph.
 */
export function graphOf(build: (b: GraphBuilder) => void): ExecGraph {
  const b = new GraphBuilder();
  build(b);
  return buildExecGraph(readModel(writeModel(b.build())).subgraphs[0], kernelFor);
}

/**
 * Seeded random float32 values.
 *
 * @param n Count.
 * @param seed Seed.
 * @returns The values.
 */
export function randomFloats(n: number, seed = 1): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/**
 * Runs a graph on the reference with seeded inputs.
 *
 * @param g The graph.
 * @param seed Seed.
 * @returns The outputs.
 */
export function runReference(g: ExecGraph, seed = 7): HostTensor[] {
  const inputs = g.inputs.map((t, i) => ({
    dtype: "float32" as const,
    shape: g.tensors[t].shape,
    data: randomFloats(g.tensors[t].shape.reduce((a, b) => a * b, 1), seed + i),
  }));
  return new ReferenceExecutor(g).run(inputs);
}

/**
 * Largest absolute difference between two output lists.
 *
 * @param a First.
 * @param b Second.
 * @returns The difference.
 */
export function maxDiff(a: HostTensor[], b: HostTensor[]): number {
  let m = 0;
  a.forEach((t, i) => {
    for (let j = 0; j < t.data.length; j++) {
      m = Math.max(m, Math.abs(Number(t.data[j]) - Number(b[i].data[j])));
    }
  });
  return m;
}
