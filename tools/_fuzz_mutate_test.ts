import { ok, strictEqual } from "node:assert";
import { seededRandom } from "../core/random.ts";
import { GpuliteError } from "../core/errors.ts";
import { readModel } from "../format/tflite/mod.ts";
import { MODELS_DIR } from "../format/tflite/_test_models.ts";
import { mutate, MUTATIONS, parseForMutation } from "./_fuzz_mutate.ts";

const bytes = Deno.readFileSync(`${MODELS_DIR}networks/facedetector_front.tflite`);
const model = parseForMutation(bytes);

Deno.test("mutate() is reproducible from its seed and reaches every mutation kind", () => {
  const a = seededRandom(5), b = seededRandom(5);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const x = mutate(bytes, model, a), y = mutate(bytes, model, b);
    strictEqual(x.detail, y.detail);
    strictEqual(x.bytes.join(), y.bytes.join());
    seen.add(x.kind);
  }
  strictEqual([...seen].sort().join(), [...MUTATIONS].sort().join());
});

Deno.test("every mutant of a real network reads as a model or a gpulite error", () => {
  const rng = seededRandom(9);
  for (let i = 0; i < 60; i++) {
    const m = mutate(bytes, model, rng);
    try {
      readModel(m.bytes);
    } catch (e) {
      ok(e instanceof GpuliteError, `${m.kind} (${m.detail}): ${e}`);
    }
  }
});
