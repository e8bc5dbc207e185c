/**
 * `report.md`: the header, a summary table (one row per network), failures, then one section per
 * network with backends, GPU time by op, memory per strategy and peers.
 *
 * @module
 */
import type { Report } from "./report.ts";
import type { BackendResult, NetworkResult, OutputDiff, PeerResult } from "./measure.ts";
import { formatBytes, formatMs, formatStats, type Stats } from "../core/stats.ts";
import type { LeversResult } from "./memory_levers.ts";
import { HOST_PHASES } from "../engine/backends/gpu/timeline.ts";

function leversSection(l: LeversResult): string {
  const vs = (bytes: number) => {
    const d = (100 * (bytes - l.fixedOrderBound)) / (l.fixedOrderBound || 1);
    return `${d > 0 ? "+" : ""}${d.toFixed(1)}%`;
  };
  const base = l.rows.find((r) => r.key === "best")?.latency?.median;
  const head =
    `\nMemory levers on the GPU (offsets plans; lower bounds: model order ${
      formatBytes(l.fixedOrderBound)
    }, model order with concatenations in place ${formatBytes(l.concatBound)}, any order with ` +
    `in-place ${
      formatBytes(l.anyOrderBound)
    }, any order with in-place and concatenations in place ${
      formatBytes(l.anyOrderConcatBound)
    }):\n`;
  return `${head}\n` + table(
    [
      "choice",
      "bytes",
      "vs model-order bound",
      "strategy",
      "in-place / concat nodes",
      "GPU ms median",
      "vs best",
      "outputs",
    ],
    l.rows.map((r) => [
      `${r.label}${r.reordered ? " (reordered)" : ""}`,
      formatBytes(r.bytes),
      vs(r.bytes),
      r.strategy,
      `${r.inPlacePairs} / ${r.concatNodes}`,
      r.error ? `failed: ${r.error}` : r.latency ? formatMs(r.latency.median) : "—",
      r.latency && base ? `${(r.latency.median / base).toFixed(3)}×` : "—",
      r.identical === undefined ? "—" : r.identical ? "identical" : "DIFFER",
    ]),
  );
}

function table(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  return [
    `| ${head.map(esc).join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

function stats(s: Stats | undefined): string {
  return s ? formatStats(s) : "—";
}

function diff(d: OutputDiff | undefined): string {
  if (!d) return "—";
  return `${d.maxAbs.toExponential(2)} / ${d.rel.toExponential(2)} (vs ${d.against})`;
}

function ok(r: NetworkResult, id: string): BackendResult | undefined {
  return r.backends.find((b) => b.id === id && b.status === "ok");
}

/** The CPU baseline of a network: the fast backend at 1 thread, else the reference. */
function cpuCells(r: NetworkResult, threads: number[]): string[] {
  return threads.map((t) => {
    const b = ok(r, `cpu/${t}t`);
    if (b) return stats(b.latency);
    const ref = ok(r, "reference");
    return t === threads[0] && ref ? `${stats(ref.latency)} (reference)` : "—";
  });
}

function peerCell(p: PeerResult | undefined): string {
  if (!p) return "—";
  if (p.status !== "ok") return "failed";
  return `${stats(p.latency)}${p.fullyAccelerated === false ? " (partly Wasm)" : ""}`;
}

function bestMemory(r: NetworkResult): string {
  const m = r.memory;
  if (!m) return "—";
  const best = m.strategies.filter((s) => s.bytes !== undefined)
    .sort((a, b) => a.bytes! - b.bytes!)[0];
  if (!best) return "—";
  return `${formatBytes(best.bytes!)} / ${formatBytes(Math.min(...Object.values(m.lowerBounds)))}`;
}

function speedupCell(r: NetworkResult): string {
  const parts = r.speedups.filter((s) => !s.over.startsWith("litert"))
    .map((s) => `${s.value.toFixed(2)}× ${s.of.replace("gpu/", "")} vs ${s.over}`);
  return parts.length ? parts.join(", ") : "—";
}

function headerSection(report: Report): string {
  const h = report.header;
  const o = h.options;
  const rows: string[][] = [
    ["date", h.date],
    ["gpulite", h.gpulite],
    ["Deno", `${h.deno} (V8 ${h.v8}), ${h.os}`],
    ["CPU", `${h.cpuModel}, ${h.cpuThreads} threads`],
    ...h.gpus.map((g) => [
      `GPU (${g.provider})`,
      g.error
        ? `none: ${g.error}`
        : `${g.adapterName}${g.isFallback ? " — software fallback" : ""}; features ${
          g.features?.join(", ") || "none"
        }`,
    ]),
    ["peer", `${h.peer.package} (${h.peer.license}): ${h.peer.status}`],
    [
      "method",
      `median (p10–p90) of ${o.runs} timed runs after ${o.warmup} warm-up${
        o.warmBurstMs
          ? ` and, on the GPU, ${o.warmBurstMs / 1000} s back to back (its clock rises)`
          : ""
      } (fewer when a configuration passes ${
        o.budgetMs / 1000
      } s); input upload and output readback included (the GPU writes into output arrays kept across runs; the zero-copy columns time the same runs with the outputs handed out as views of the mapped readback, \`run(inputs, { zeroCopy: true })\`); GPU span from timestamps around each timed inference's submissions; GPU exec (per node) from timestamp queries in a separate profiled pass of ${o.profileRuns} runs; first run = session creation + first inference, cold`,
    ],
    ["wall time", `${(h.wallMs / 1000).toFixed(1)} s`],
  ];
  const fallback = h.gpus.some((g) => g.isFallback)
    ? "\n\n> The GPU adapter is a software fallback (a CPU Vulkan driver): GPU numbers here say the code runs, not how fast a GPU is.\n"
    : "\n";
  return `# gpulite benchmark report\n\n${table(["", ""], rows)}${fallback}`;
}

function summarySection(report: Report): string {
  const providers = report.header.options.backends.includes("gpu")
    ? report.header.options.providers
    : [];
  const threads = report.header.options.cpuThreads;
  const head = [
    "network",
    "size",
    ...providers.map((p) => `GPU end-to-end ms (${p})`),
    ...providers.map((p) => `GPU span ms (${p})`),
    ...providers.map((p) => `GPU end-to-end ms, zero-copy outputs (${p})`),
    "end-to-end ≤ 1.3 × span + 0.3 ms",
    ...providers.map((p) => `GPU exec ms (${p}, timestamps)`),
    ...threads.map((t) => `CPU ms ${t}t`),
    "speedup",
    ...providers.map((p) => `first run ms (${p})`),
    "ops on GPU",
    "peak intermediates (best / lower bound)",
    "LiteRT.js WebGPU ms",
    "LiteRT.js Wasm ms",
  ];
  const rows = report.networks.map((r) => {
    const gpu = r.backends.find((b) => b.backend === "gpu" && b.status === "ok");
    return [
      r.id,
      r.size,
      ...providers.map((p) => stats(ok(r, `gpu/${p}`)?.latency)),
      ...providers.map((p) => stats(ok(r, `gpu/${p}`)?.gpuSpan)),
      ...providers.map((p) => stats(ok(r, `gpu/${p}`)?.zeroCopy?.latency)),
      overheadCell(r, providers),
      ...providers.map((p) => stats(ok(r, `gpu/${p}`)?.gpuTime)),
      ...cpuCells(r, threads),
      speedupCell(r),
      ...providers.map((p) => {
        const b = ok(r, `gpu/${p}`);
        return b ? formatMs((b.createMs ?? 0) + (b.firstRunMs ?? 0)) : "—";
      }),
      gpu?.placement
        ? `${
          (gpu.placement.fraction * 100).toFixed(0)
        }% (${gpu.placement.gpuNodes}/${gpu.placement.nodes})`
        : "—",
      bestMemory(r),
      peerCell(r.peers.find((p) => p.accelerator === "webgpu")),
      peerCell(r.peers.find((p) => p.accelerator === "wasm")),
    ];
  });
  const t = table(head, rows);
  return `## Summary\n\nLatency cells: median (p10–p90) in ms.\n\n${t}\n`;
}

/**
 * Per provider, whether the median end-to-end latency is within 1.3 times the median GPU span plus
 * 0.3 ms (the host's share of an inference kept small), with both numbers; then the same for the
 * zero-copy runs.
 */
function overheadCell(r: NetworkResult, providers: readonly string[]): string {
  const check = (name: string, latency?: Stats, span?: Stats) => {
    if (!latency || !span) return [];
    const bound = 1.3 * span.median + 0.3;
    const e2e = latency.median;
    return [`${name} ${e2e <= bound ? "yes" : "no"} (${formatMs(e2e)} vs ${formatMs(bound)})`];
  };
  const cells = providers.flatMap((p) => {
    const b = ok(r, `gpu/${p}`);
    return [
      ...check(p, b?.latency, b?.gpuSpan),
      ...check(`${p} zero-copy`, b?.zeroCopy?.latency, b?.zeroCopy?.gpuSpan),
    ];
  });
  return cells.length ? cells.join("; ") : "—";
}

/** Per network: each memory choice's peak and GPU latency, and where a lever beat the bound. */
function memoryLeversSection(report: Report): string {
  const withLevers = report.networks.filter((r) => r.memory?.levers);
  if (withLevers.length === 0) return "";
  const keys = ["best", "inPlace", "reorderInPlace", "concat", "all"] as const;
  const cell = (l: LeversResult, key: (typeof keys)[number]) => {
    const r = l.rows.find((x) => x.key === key);
    if (!r) return "—";
    const ms = r.error ? "failed" : r.latency ? formatMs(r.latency.median) : "—";
    return `${formatBytes(r.bytes)} · ${ms}${r.identical === false ? " · DIFFER" : ""}`;
  };
  const rows = withLevers.map((r) => {
    const l = r.memory!.levers!;
    return [r.id, formatBytes(l.fixedOrderBound), ...keys.map((k) => cell(l, k))];
  });
  const below = withLevers.flatMap((r) => {
    const l = r.memory!.levers!;
    const least = Math.min(...l.rows.map((x) => x.bytes));
    if (least >= l.fixedOrderBound) return [];
    const cut = (100 * (l.fixedOrderBound - least)) / (l.fixedOrderBound || 1);
    return [`${r.id} (${formatBytes(least)}, −${cut.toFixed(1)}%)`];
  });
  return [
    "## Memory levers\n",
    "Peak intermediate memory of each choice on the GPU (offsets plans) and the median latency of",
    "its session: `bytes · ms`. The model-order bound is the lowest any plan can reach in the",
    "file's order without the levers.\n",
    table(
      [
        "network",
        "model-order bound",
        "best, model order",
        "in-place",
        "reordered + in-place",
        "concat in place",
        "all levers",
      ],
      rows,
    ),
    `\nStrictly below the model-order bound: ${below.length ? below.join(", ") : "none"}.\n`,
  ].join("\n");
}

function failuresSection(report: Report): string {
  const lines: string[] = [];
  for (const r of report.networks) {
    if (r.status === "failed") lines.push(`- **${r.id}**: could not load: ${r.error}`);
    for (const b of r.backends) {
      if (b.status !== "ok") lines.push(`- **${r.id}** ${b.id} ${b.status}: ${b.error}`);
      if (b.profileNote) lines.push(`- **${r.id}** ${b.id} GPU time: ${b.profileNote}`);
    }
    for (const p of r.peers) {
      if (p.status !== "ok") lines.push(`- **${r.id}** ${p.id} ${p.status}: ${p.error}`);
    }
  }
  return `## Failures and skips\n\n${lines.length ? lines.join("\n") : "None."}\n`;
}

function networkSection(r: NetworkResult): string {
  const out: string[] = [`### ${r.id}\n`, `${r.description}. Source: ${r.source}.`];
  if (r.status === "failed") {
    out.push(`\nCould not load: ${r.error}\n`);
    return out.join("\n");
  }
  out.push(
    `Nodes: ${r.nodes}; ops: ${
      Object.entries(r.ops ?? {}).map(([op, n]) => `${op}×${n}`).join(" ")
    }; inputs ${r.inputShapes.map((s) => `[${s}]`).join(" ")}.\n`,
  );
  out.push(table(
    [
      "backend",
      "status",
      "create ms",
      "first run ms",
      "latency ms median (p10–p90)",
      "min–max",
      "runs",
      "GPU exec ms",
      "ops on GPU",
      "max abs / rel diff",
    ],
    r.backends.map((b) => [
      b.id,
      b.status === "ok" ? "ok" : `${b.status}: ${b.error}`,
      b.createMs === undefined ? "—" : formatMs(b.createMs),
      b.firstRunMs === undefined ? "—" : formatMs(b.firstRunMs),
      stats(b.latency),
      b.latency ? `${formatMs(b.latency.min)}–${formatMs(b.latency.max)}` : "—",
      String(b.latency?.n ?? "—"),
      stats(b.gpuTime),
      b.placement
        ? `${b.placement.gpuNodes}/${b.placement.nodes}${
          b.placement.cpuOps.length
            ? `; CPU: ${
              b.placement.cpuOps.map((c) => `${c.op}×${c.count} (${c.reason})`).join(", ")
            }`
            : ""
        }`
        : "—",
      diff(b.diff),
    ]),
  ));
  const timed = r.backends.filter((b) => b.timeline);
  if (timed.length) {
    const phases = HOST_PHASES.filter((p) => timed.some((b) => b.timeline!.phases[p].median > 0));
    const cell = (x: { median: number } | undefined) => x ? formatMs(x.median) : "—";
    out.push(
      `\nWhere an inference's time goes (median ms of the timed runs, \`session.lastTimeline\`; GPU span: timestamps around its submissions):\n`,
    );
    const clocked = timed.some((b) => b.smClockMhz !== undefined);
    out.push(table(
      [
        "backend",
        "session.run",
        "executor",
        ...phases,
        "GPU span",
        "wait beyond GPU",
        ...(clocked ? ["SM clock after (MHz)"] : []),
      ],
      timed.map((b) => {
        const t = b.timeline!;
        return [
          b.id,
          cell(b.latency),
          cell(t.total),
          ...phases.map((p) => cell(t.phases[p])),
          cell(t.gpu),
          cell(t.waitBeyondGpu),
          ...(clocked ? [b.smClockMhz === undefined ? "—" : String(b.smClockMhz)] : []),
        ];
      }),
    ));
  }
  const profiled = r.backends.find((b) => b.opTimes?.length);
  if (profiled) {
    const total = profiled.opTimes!.reduce((a, o) => a + o.ms.median, 0);
    out.push(`\nGPU time by op (${profiled.id}, timestamp queries, median per run):\n`);
    out.push(table(
      ["op", "nodes", "ms median (p10–p90)", "share"],
      profiled.opTimes!.map((o) => [
        o.op,
        String(o.nodes),
        stats(o.ms),
        `${(100 * o.ms.median / (total || 1)).toFixed(1)}%`,
      ]),
    ));
  }
  if (r.memory) {
    const m = r.memory;
    out.push(
      `\nPeak intermediate memory (${m.tensors} tensors, ${m.source}); lower bounds: offsets ${
        formatBytes(m.lowerBounds.offsets)
      }, shared objects ${formatBytes(m.lowerBounds.objects)}:\n`,
    );
    out.push(table(
      ["strategy", "form", "bytes", "over its lower bound", "naive / plan", "plan ms"],
      m.strategies.map((s) => {
        const lb = s.form === "offsets" ? m.lowerBounds.offsets : m.lowerBounds.objects;
        return [
          s.name,
          s.form,
          s.bytes === undefined ? `failed: ${s.error}` : formatBytes(s.bytes),
          s.bytes === undefined ? "—" : `+${((100 * (s.bytes - lb)) / (lb || 1)).toFixed(1)}%`,
          s.bytes === undefined ? "—" : `${(m.naiveBytes / (s.bytes || 1)).toFixed(2)}×`,
          s.planMs === undefined ? "—" : s.planMs.toFixed(1),
        ];
      }),
    ));
    if (m.levers) out.push(leversSection(m.levers));
  }
  if (r.peers.length) {
    out.push(`\nPeers on the same file and input:\n`);
    out.push(table(
      [
        "peer",
        "status",
        "compile ms",
        "first run ms",
        "latency ms median (p10–p90)",
        "all on accelerator",
        "max abs / rel diff",
      ],
      r.peers.map((p) => [
        p.id,
        p.status === "ok" ? "ok" : `${p.status}: ${p.error}`,
        p.compileMs === undefined ? "—" : formatMs(p.compileMs),
        p.firstRunMs === undefined ? "—" : formatMs(p.firstRunMs),
        stats(p.latency),
        p.fullyAccelerated === undefined ? "—" : p.fullyAccelerated ? "yes" : "no (Wasm fallback)",
        diff(p.diff),
      ]),
    ));
  }
  return out.join("\n") + "\n";
}

/**
 * Renders the report as Markdown.
 *
 * @example
 * ```ts ignore
 * import { renderMarkdown } from "./render_md.ts";
 * await Deno.writeTextFile("report.md", renderMarkdown(report));
 * ```
 *
 * @param report The report.
 * @returns The Markdown text.
 */
export function renderMarkdown(report: Report): string {
  return [
    headerSection(report),
    summarySection(report),
    memoryLeversSection(report),
    failuresSection(report),
    "## Networks\n",
    ...report.networks.map(networkSection),
  ].join("\n");
}
