import assert from "node:assert/strict";
import { ModelFormatError } from "../../core/errors.ts";
import { readModel } from "./reader.ts";
import { brokenCorpus, prng } from "./testdata/make_broken.ts";
import { modelFiles, MODELS_DIR } from "./_test_models.ts";

Deno.test("readModel() rejects every broken file with a specific ModelFormatError", () => {
  const cases = brokenCorpus();
  assert.ok(cases.length >= 25);
  for (const c of cases) {
    assert.throws(
      () => readModel(c.bytes),
      (e) => {
        assert.ok(e instanceof ModelFormatError, `${c.name}: ${e}`);
        assert.match(e.message, c.message, c.name);
        assert.ok(!e.message.includes("\n"), c.name);
        return true;
      },
      c.name,
    );
  }
});

Deno.test("brokenCorpus() is deterministic", () => {
  const a = brokenCorpus();
  const b = brokenCorpus();
  assert.deepEqual(a.map((c) => c.bytes), b.map((c) => c.bytes));
});

Deno.test("readModel() on mutated real networks gives a Model or a ModelFormatError, nothing else", () => {
  const random = prng(20240601);
  const files = modelFiles(["networks"]).map((rel) => Deno.readFileSync(MODELS_DIR + rel));
  const deadline = performance.now() + 8000;
  let runs = 0;
  let rejected = 0;
  while (performance.now() < deadline) {
    const original = files[runs % files.length];
    const bytes = original.slice();
    const mode = random();
    if (mode < 0.1) {
      const cut = Math.floor(random() * bytes.length);
      check(bytes.subarray(0, cut));
    } else {
      // Aim most mutations at the FlatBuffer structure near the start and end of the file.
      const edits = 1 + Math.floor(random() * 8);
      for (let k = 0; k < edits; k++) {
        const r = random();
        const span = Math.min(65536, bytes.length);
        const at = r < 0.4
          ? Math.floor(random() * span)
          : r < 0.8
          ? bytes.length - 1 - Math.floor(random() * span)
          : Math.floor(random() * bytes.length);
        bytes[at] = random() < 0.5
          ? Math.floor(random() * 256)
          : bytes[at] ^ (1 << Math.floor(random() * 8));
      }
      check(bytes);
    }
    runs++;
  }
  function check(bytes: Uint8Array): void {
    try {
      const m = readModel(bytes);
      assert.ok(Array.isArray(m.subgraphs));
    } catch (e) {
      if (!(e instanceof ModelFormatError)) throw new Error(`Run ${runs}: ${e}`, { cause: e });
      rejected++;
    }
  }
  assert.ok(runs > 50, `only ${runs} runs`);
  assert.ok(rejected > 0);
});
