/**
 * Dawn (the npm package `webgpu`, ~131 MB) stays out of every user's download: the module graph of
 * `mod.ts` does not reach it, and no lockfile lists it (Deno installs every package of the lockfile
 * on a fresh clone's first run, and Dawn's ignored build scripts print a warning).
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

Deno.test("no lockfile can record Dawn (a fresh clone's first run would install it)", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../../deno.json", import.meta.url)),
  );
  // Any run that loads Dawn would write it into a lockfile, and Deno installs every package of the
  // lockfile on a fresh clone's first run; the npm versions in deno.json are exact instead.
  ok(config.lock === false, 'deno.json must say "lock": false');
  for (const spec of Object.values(config.imports ?? {}) as string[]) {
    // `npm:pkg@1.2.3`, or `npm:/pkg@1.2.3-pre/` for a package's files by path: one exact version.
    ok(
      /^npm:\/?(@[^/]+\/)?[^@/]+@\d+\.\d+\.\d+(-[\w.]+)?\/?$/.test(spec),
      `${spec} is not pinned to one version`,
    );
  }
});
