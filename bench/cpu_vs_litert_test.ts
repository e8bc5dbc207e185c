import { deepStrictEqual, ok } from "node:assert";
import { locateNpmFile } from "../models/npm_models.ts";
import { cpuVsLitertMarkdown, networkSources, NPM_NETWORKS } from "./cpu_vs_litert.ts";

Deno.test("networkSources() lists the shared networks, then every npm network with a path or the reason it is skipped", async () => {
  const sources = await networkSources();
  const shared = [...Deno.readDirSync(new URL("../../shared/models/networks/", import.meta.url))]
    .filter((e) => e.name.endsWith(".tflite")).map((e) => e.name.replace(/\.tflite$/, "")).sort();
  deepStrictEqual(sources.slice(0, shared.length).map((s) => s.network), shared);
  const npm = sources.slice(shared.length);
  deepStrictEqual(
    npm.map((s) => s.network),
    NPM_NETWORKS.map((n) => n.file.replace(/\.tflite$/, "")),
  );
  NPM_NETWORKS.forEach(({ pkg, file }, i) => {
    const s = npm[i];
    if (!locateNpmFile(pkg, file)) {
      ok("skipped" in s && s.skipped.includes("not on this machine"), s.network);
    } else if (shared.includes(s.network)) {
      // pose_landmark_lite ships in @mediapipe/pose and in shared/models/networks alike.
      ok("skipped" in s && s.skipped.includes("the same bytes as"), s.network);
    } else ok("path" in s, s.network);
  });
});

Deno.test("cpuVsLitertMarkdown() takes the geometric mean of the before ratios over the rows that have one", () => {
  const s = { n: 1, median: 2, p10: 2, p90: 2, min: 2, max: 2, mean: 2 };
  const row = { litert: { ...s, median: 4 }, gpulite: s, paired: 0.5, agreement: 0, load: 1 };
  const md = cpuVsLitertMarkdown([
    { network: "a", ...row, before: { ...s, median: 8 } },
    { network: "b", ...row },
  ]);
  ok(md.includes("| 2.00 (1 of 2) |"), md);
  ok(md.includes("| b | 4.00 (2.0–2.0) | - | - |"), md);
});
