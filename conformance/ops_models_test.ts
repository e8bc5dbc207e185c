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
import { GpuliteError, ValueNeededError } from "../core/errors.ts";
import { opName } from "../core/ir.ts";
import type { HostTensor } from "../core/kernel.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);

/**
 * Inputs that random values would make invalid, fed as TensorFlow Lite's own tests feed them (by
 * model file and input name): indices within the output, values that decide shapes.
 */
const FEEDS: Record<string, Record<string, number[]>> = {
  // SCATTER_ND indices [2, 4] into an output of shape [1, 128, 4, 128]: component k below dim k.
  "litert_test__simple_scatter_nd_op.tflite": {
    arg0: [0, 5, 1, 100, 0, 127, 3, 0],
  },
  // The Java tests' values: z = 1 keeps one row of y; the multiples tile the last axis twice.
  "tflite_testdata__dynamic_shapes.tflite": { z: [1] },
  "java_testdata__tile_with_bool_input.tflite": { multiplier: [1, 1, 2] },
};

/** Input shapes for inputs of unknown rank (`tensor<*xf32>`), which the file cannot give. */
const SHAPES: Record<string, number[][]> = {
  // SQUEEZE with squeeze_dims [1]: any shape whose axis 1 has size 1.
  "litert_test__simple_squeeze.tflite": [[3, 1, 2]],
};

/**
 * Models TensorFlow Lite's interpreter itself refuses (its own tests expect the failure, or its
 * kernels reject them), with the reason: gpulite must refuse them too, never run them.
 */
const TFLITE_REFUSES: Record<string, string> = {
  // lite/model_test.cc (TestHandleMalformedModelReuseTensor): AllocateTensors fails.
  "tflite_testdata__add_shared_tensors.tflite": "node 0 writes the graph input it reads",
  // transpose.cc: the permutation must be 1-D; this quantizer test model gives a float scalar.
  "quant_testdata__transpose.tflite": "TRANSPOSE's perm is a float32 scalar",
  // A blockwise-quantization test of LiteRT's model API: the int8 constant has no data and the
  // int8 ADD's tensors carry no quantization scale.
  "litert_test__blockwise_quantized.tflite": "ADD reads a tensor nothing writes",
};

function feed(file: string, infos: { name: string }[], inputs: HostTensor[]): HostTensor[] {
  infos.forEach((info, i) => {
    const values = FEEDS[file]?.[info.name];
    if (values) (inputs[i].data as Float32Array | Int32Array).set(values);
  });
  return inputs;
}

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
      const inputShapes = SHAPES[file] ??
        main.inputs.map((t) => main.tensors[t].shape.map((d) => d < 0 ? 1 : d));
      try {
        session = await createSession(model, { backend: "gpu", inputShapes });
      } catch (e) {
        // Inputs whose values decide shapes: the session is built for the values the run feeds.
        if (!(e instanceof ValueNeededError) || e.inputs.length === 0) throw e;
        const infos = main.inputs.map((t, k) => ({ ...main.tensors[t], shape: inputShapes[k] }));
        const values = feed(file, infos, randomInputs(infos, 2));
        const inputValues = values.map((v, k) => e.inputs.includes(k) ? v : undefined);
        session = await createSession(model, { backend: "gpu", inputShapes, inputValues });
      }
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
        inputs = feed(file, session.inputs, randomInputs(session.inputs, 2));
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
  for (const [file, why] of Object.entries(TFLITE_REFUSES)) {
    ok(skipped.some((s) => s.startsWith(`${file}: `)), `${file} ran, but ${why}`);
  }
  ok(ran.length >= 131, `only ${ran.length} op models ran`);
});
