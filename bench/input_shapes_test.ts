import { deepStrictEqual, throws } from "node:assert";
import { fileNetworks } from "./model_files.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { UsageError } from "../core/errors.ts";

async function dynamicFile(): Promise<string> {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [-1, -1, 3]);
  const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [-1, -1, 3] }]);
  g.output(y);
  const path = `${await Deno.makeTempDir()}/dyn.tflite`;
  await Deno.writeFile(path, writeModel(g.build()));
  return path;
}

Deno.test("fileNetworks() runs dynamic inputs at the --input-shape given, by name or position", async () => {
  const path = await dynamicFile();
  deepStrictEqual(fileNetworks([path], { x: [2, 7, 3] })[0].inputShapes, [[2, 7, 3]]);
  deepStrictEqual(fileNetworks([path], { "0": [4, 1, 3] })[0].inputShapes, [[4, 1, 3]]);
  deepStrictEqual(fileNetworks([path])[0].inputShapes, [[1, 1, 3]]);
  const [net] = fileNetworks([path], { x: [2, 7, 3] });
  const { model } = await net.load();
  deepStrictEqual(model.subgraphs[0].tensors[model.subgraphs[0].inputs[0]].shape, [2, 7, 3]);
  throws(() => fileNetworks([path], { x: [2, 7, 4] }), UsageError);
  await Deno.remove(path.replace("/dyn.tflite", ""), { recursive: true });
});
