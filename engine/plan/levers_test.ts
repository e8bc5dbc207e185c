// The memory levers against their bounds: every plan at or above the bound that holds for it, and
// concatenation in place strictly below the fixed-order bound where a concatenation holds the peak.

import { ok, strictEqual } from "node:assert";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { applyPasses } from "../passes/mod.ts";
import { buildNetwork } from "../../models/catalog.ts";
import { memoryLevers } from "./levers.ts";

const levers = (name: string) =>
  memoryLevers(applyPasses(buildExecGraph(buildNetwork(name).subgraphs[0], kernelFor), {}).graph);

Deno.test("memoryLevers() puts deeplabv3_tiny's concatenation in place below the fixed-order bound", () => {
  const l = levers("deeplabv3_tiny");
  strictEqual(l.concat.concatNodes, 1);
  ok(l.concat.bytes < l.fixedOrderBound, `${l.concat.bytes} not below ${l.fixedOrderBound}`);
  ok(l.concatBound <= l.concat.bytes && l.concatBound < l.fixedOrderBound);
  ok(l.anyOrderConcatBound <= l.all.bytes && l.all.bytes <= l.concat.bytes);
});

Deno.test("memoryLevers() keeps every plan at or above the bound that holds for it", () => {
  for (const name of ["googlenet_tiny", "ssd_mobilenet_v2_tiny"]) {
    const l = levers(name);
    ok(l.concat.concatNodes > 0, `${name}: no concatenation in place`);
    ok(l.best.bytes >= l.fixedOrderBound, name);
    ok(l.concat.bytes >= l.concatBound && l.concatBound <= l.fixedOrderBound, name);
    ok(l.reorderInPlace.bytes >= l.anyOrderBound, name);
    ok(l.all.bytes >= l.anyOrderConcatBound && l.anyOrderConcatBound <= l.anyOrderBound, name);
  }
});
