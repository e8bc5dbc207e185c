/**
 * Dawn (the npm package `webgpu`, ~131 MB) stays out of every user's download: the module graph of
 * `mod.ts` does not reach it, and `deno.lock` does not list it (Deno installs every package of the
 * lock on a fresh clone's first run, and Dawn's ignored build scripts print a warning).
 */
import { ok } from "node:assert";

Deno.test("the module graph of mod.ts holds no webgpu package", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("../../../mod.ts", import.meta.url).href],
    stdout: "piped",
    stderr: "null",
  }).output();
  ok(out.success, "deno info failed");
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const npm = Object.keys(info.npmPackages ?? {});
  ok(npm.length > 0, "deno info listed no npm packages at all (flatbuffers is expected)");
  ok(!npm.some((p) => p.startsWith("webgpu@")), `mod.ts reaches ${npm.join(", ")}`);
});

Deno.test("deno.lock lists no webgpu package (running --provider dawn adds it: do not commit that)", async () => {
  const lock = await Deno.readTextFile(new URL("../../../deno.lock", import.meta.url));
  ok(!/"(npm:)?webgpu@/.test(lock), "deno.lock names webgpu; drop its entries before committing");
});
