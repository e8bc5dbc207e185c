/**
 * The single-op models of `../shared/models/ops/` whose ops the engine implements load and run through
 * the engine with results equal to the reference. Models the engine cannot run (dynamic shapes,
 * strings, control flow, ops outside the list) are named with the reason.
 */
import { deepStrictEqual, ok } from "node:assert";
import { createSession, loadModel, sessionInternals } from "../engine/session.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { compareTensors } from "./compare.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { GpuliteError } from "../core/errors.ts";
import { opName } from "../core/ir.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);

Deno.test("single-op models from LiteRT's test data run on the GPU and match the reference", async () => {
  const files = [...Deno.readDirSync(OPS)].map((e) => e.name).filter((n) => n.endsWith(".tflite"))
    .sort();
  const ran: string[] = [];
  const skipped: string[] = [];
  const mismatched: string[] = [];
  for (const file of files) {
    let session;
    // The grid step of each output that is a DEQUANTIZE of a quantized tensor (see below).
    let steps: number[] = [];
    try {
      const model = await loadModel(new URL(file, OPS), { allowDangling: true });
      // Dynamic (-1) dimensions run at size 1, as TensorFlow Lite's interpreter starts them.
      const main = model.subgraphs[0];
      steps = main.outputs.map((t) => {
        const producer = main.nodes.find((n) => n.outputs.includes(t));
        const q = producer && opName(producer) === "DEQUANTIZE"
          ? main.tensors[producer.inputs[0]].quantization
          : undefined;
        return q ? Math.max(...q.scale) : 0;
      });
      const inputShapes = main.inputs.map((t) => main.tensors[t].shape.map((d) => d < 0 ? 1 : d));
      session = await createSession(model, { backend: "gpu", inputShapes });
    } catch (e) {
      if (!(e instanceof GpuliteError)) throw e;
      skipped.push(`${file}: ${e.message.split("\n")[0]}`);
      continue;
    }
    try {
      if (session.inputs.some((i) => i.shape.reduce((a, b) => a * b, 1) > 1 << 22)) {
        skipped.push(`${file}: input too large for a CPU-only CI machine`);
        continue;
      }
      let inputs, got;
      try {
        inputs = randomInputs(session.inputs, 2);
        got = await session.run(inputs);
      } catch (e) {
        // Refusals at run time (strings, random indices out of range) are listed, not failures.
        if (!(e instanceof GpuliteError)) throw e;
        skipped.push(`${file}: refused at run time: ${e.message.split("\n")[0]}`);
        continue;
      }
      const ref = new ReferenceExecutor(sessionInternals(session).graph).run(inputs);
      // Quantized outputs: the GPU computes 8-bit ops in float (dequantized) and rounds to the
      // output's grid, so a value at a rounding boundary may land one step away: 1 LSB is the
      // stated bound of that path (the integer reference itself is exact on the CPU backend).
      // The same holds for float outputs that dequantize such a tensor: one step of its scale.
      const quantized = (t: { dtype: string }) => ["int8", "uint8", "int16"].includes(t.dtype);
      const bad = got.map((g, i) => ({
        i,
        d: compareTensors(g, ref[i]),
        step: quantized(g) ? 1 : steps[i] * (1 + 1e-6),
      })).filter(({ d, step }) => !(d.rel < 1e-5 || d.maxAbs < 1e-6 || d.maxAbs <= step));
      if (bad.length) {
        mismatched.push(
          bad.map(({ i, d }) => `${file} output ${i}: relative error ${d.rel}`).join("; "),
        );
      } else ran.push(file);
    } finally {
      session.dispose();
    }
  }
  console.log(
    `ran ${ran.length} of ${files.length} op models; not runnable:\n  ${skipped.join("\n  ")}`,
  );
  deepStrictEqual(mismatched, [], "models whose GPU results differ from the reference");
  ok(ran.length >= 100, `only ${ran.length} op models ran`);
});
