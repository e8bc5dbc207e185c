import { ok } from "node:assert";
import { compareModel } from "./quant_vs_litert.ts";
import { quantOpModels } from "./_quant_models.ts";

Deno.test("every one-op 8-bit model agrees with LiteRT.js Wasm within 1 LSB per element", async () => {
  const worst: string[] = [];
  for (const m of quantOpModels()) {
    for (const d of await compareModel(m.name, m.bytes, { isolated: false })) {
      ok(!d.error, `${m.name}: ${d.error}`);
      ok(d.elements > 0, `${m.name}: nothing compared`);
      const limit = d.unit === "LSB" ? 1 : 1e-6;
      if (!(d.maxDiff <= limit)) worst.push(`${m.name} ${d.output}: ${d.maxDiff} ${d.unit}`);
      if (d.argmaxAgreement !== undefined && d.maxDiff === 0) ok(d.argmaxAgreement === 1);
    }
  }
  ok(worst.length === 0, worst.join("\n"));
});
