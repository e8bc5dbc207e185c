import assert from "node:assert/strict";
import { readModel } from "../format/tflite/reader.ts";
import { parseArgs, writeAll } from "./write_all.ts";

Deno.test("parseArgs() reads --out, --out= and --tiny and rejects the rest", () => {
  assert.deepStrictEqual(parseArgs([]), { out: "out/models", tinyOnly: false });
  assert.deepStrictEqual(parseArgs(["--out", "d", "--tiny"]), { out: "d", tinyOnly: true });
  assert.equal(parseArgs(["--out=e"]).out, "e");
  assert.throws(() => parseArgs(["--fast"]), /Unknown argument --fast/);
});

Deno.test("writeAll() writes readable .tflite files of the tiny networks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const paths = await writeAll({ out: `${dir}/nets`, tinyOnly: true });
    assert.ok(paths.some((p) => p.endsWith("/googlenet_tiny.tflite")));
    for (const p of paths) {
      assert.ok(readModel(await Deno.readFile(p)).subgraphs[0].nodes.length > 0, p);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
