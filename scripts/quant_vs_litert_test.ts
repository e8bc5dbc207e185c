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

Deno.test("the 8-bit MobileNet v2 on the integer reference has LiteRT.js's top-1, within 4 LSB", async () => {
  const bytes = await Deno.readFile(
    new URL("../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite", import.meta.url),
  );
  const [d] = await compareModel("mobilenet_v2", bytes, { isolated: false });
  ok(!d.error, d.error);
  ok(d.elements === 1001, `${d.elements} elements`);
  ok(d.argmaxAgreement === 1, "top-1 differs");
  // One-step rounding differences (fp32 vs Q31 requantization) accumulate over 65 layers: 3 here.
  ok(d.maxDiff <= 4, `${d.maxDiff} LSB`);
});
