import { ok, rejects } from "node:assert";
import { readModel } from "../format/tflite/reader.ts";
import { createSession, loadModel } from "../engine/session.ts";
import { UnsupportedError } from "./errors.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);

Deno.test("string models are read, and refused with one clear error when a session is created", async () => {
  const files = [...Deno.readDirSync(OPS)].map((e) => e.name).filter((n) => n.endsWith(".tflite"));
  let strings = 0;
  for (const file of files) {
    const model = readModel(Deno.readFileSync(new URL(file, OPS)), { allowDangling: true });
    if (!model.subgraphs[0]?.tensors.some((t) => t.dtype === "string")) continue;
    strings++;
    await rejects(
      async () =>
        createSession(await loadModel(new URL(file, OPS), { allowDangling: true }), {
          backend: "reference",
        }),
      (e: unknown) => e instanceof UnsupportedError && /holds strings/.test(e.message),
      file,
    );
  }
  ok(strings >= 5, `only ${strings} string models found`);
});
