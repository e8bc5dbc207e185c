import { strictEqual } from "node:assert";
import { withSupportTable } from "./support_table.ts";

/** Ignores the column padding `deno fmt` adds to markdown tables. */
function normalize(text: string): string {
  return text.replace(/ +/g, " ").replace(/-{3,}/g, "---");
}

Deno.test("the README's op-support table matches the kernel registry", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  strictEqual(
    normalize(readme),
    normalize(withSupportTable(readme)),
    "README is stale: run deno run -A conformance/support_table.ts --write && deno fmt README.md",
  );
});

Deno.test("every op in the shared single-op models is registered or listed as refused with a reason", async () => {
  const { readModel } = await import("../format/tflite/reader.ts");
  const { opName } = await import("../core/ir.ts");
  const { kernelFor } = await import("../kernels/registry.ts");
  const { REFUSED_OPS } = await import("../kernels/refused.ts");
  const dir = new URL("../../shared/models/ops/", import.meta.url);
  const unknown = new Set<string>();
  for (const e of Deno.readDirSync(dir)) {
    if (!e.name.endsWith(".tflite")) continue;
    const model = readModel(Deno.readFileSync(new URL(e.name, dir)), { allowDangling: true });
    for (const g of model.subgraphs) {
      for (const node of g.nodes) {
        const op = opName(node);
        const refused = op in REFUSED_OPS || (op.startsWith("Flex") && "Flex*" in REFUSED_OPS);
        if (!kernelFor(op) && !refused) unknown.add(op);
      }
    }
  }
  strictEqual(
    [...unknown].sort().join(", "),
    "",
    "ops neither registered nor in kernels/refused.ts",
  );
});
