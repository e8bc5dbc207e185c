// The report's 8-bit networks: a plain (tiny) report lists the catalogue's 8-bit twins beside their
// float network, and measureNetwork() runs one on the CPU backend and the reference like any other
// network, the CPU equal to the integer reference.

import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { benchNetworks } from "./networks.ts";
import { measureNetwork } from "./measure.ts";

Deno.test("a tiny report lists the uint8 and int8 twins right after mobilenet_v2_tiny", () => {
  const ids = benchNetworks({ size: "tiny" }).map((n) => n.id);
  const at = ids.indexOf("mobilenet_v2_tiny");
  ok(at >= 0, ids.join(", "));
  deepStrictEqual(ids.slice(at, at + 3), [
    "mobilenet_v2_tiny",
    "mobilenet_v2_tiny_uint8",
    "mobilenet_v2_tiny_int8",
  ]);
});

Deno.test("measureNetwork() runs an 8-bit twin on the cpu backend, equal to the integer reference", async () => {
  const [net] = benchNetworks({ names: ["mobilenet_v2_tiny_uint8"] });
  const r = await measureNetwork(net, {
    runs: 2,
    backends: ["cpu", "reference"],
    gpus: [],
    cpuThreads: [1],
    peers: [],
  });
  strictEqual(r.status, "ok", r.error);
  ok((r.ops?.QUANTIZE ?? 0) === 1 && (r.ops?.CONV_2D ?? 0) > 30, JSON.stringify(r.ops));
  const cpu = r.backends.find((b) => b.id === "cpu/1t");
  strictEqual(cpu?.status, "ok", cpu?.error);
  ok(cpu!.latency!.median > 0);
  strictEqual(cpu!.diff?.against, "reference");
  strictEqual(cpu!.diff?.maxAbs, 0);
});
