/**
 * The child process of `tools/fuzz.ts`: reads one case per stdin line (`{"id", "file",
 * "backends"}`), runs loadModel + createSession + run on each backend, and writes one result line
 * per backend to stdout, prefixed with `@@FUZZ `. A hang or crash here is seen by the parent,
 * which kills and restarts this process.
 *
 * @module
 */
import {
  createSession,
  GpuError,
  GpuliteError,
  loadModel,
  ModelFormatError,
  OpError,
  UnsupportedError,
  UsageError,
} from "../mod.ts";
import { numElements } from "../core/ir.ts";
import { arrayClassOf } from "../kernels/_shared/tensor.ts";

/** A case from the parent. */
interface Case {
  id: number;
  file: string;
  backends: string[];
}

/** Outcome names by error class, most specific first. */
const OUTCOMES: [new (...a: never[]) => Error, string][] = [
  [ModelFormatError, "model"],
  [UsageError, "usage"],
  [UnsupportedError, "unsupported"],
  [OpError, "op"],
  [GpuError, "gpu"],
  [GpuliteError, "gpulite"],
];

function outcomeOf(e: unknown): string {
  for (const [cls, name] of OUTCOMES) if (e instanceof cls) return name;
  return "foreign";
}

async function runOne(file: string, backend: string): Promise<void> {
  const model = await loadModel(file);
  // Each gpu session creates and destroys its own device, as a caller without `device` gets.
  const session = await createSession(model, { backend: backend as "gpu" | "cpu" | "reference" });
  try {
    const inputs = session.inputs.map((spec) => {
      const C = arrayClassOf(spec.dtype) ?? Float32Array;
      const data = new C(numElements(spec.shape));
      if (data instanceof Float32Array) {
        data.forEach((_, i) => (data[i] = ((i * 7919) % 256) / 128 - 1));
      }
      return { dtype: spec.dtype, shape: spec.shape, data } as never;
    });
    await session.run(inputs);
  } finally {
    session.dispose();
  }
}

/** Lines of a text stream. */
async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    pending += decoder.decode(bytes, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, nl);
      pending = pending.slice(nl + 1);
    }
  }
  if (pending) yield pending;
}

for await (const line of readLines(Deno.stdin.readable)) {
  if (!line.trim()) continue;
  const c = JSON.parse(line) as Case;
  for (const backend of c.backends) {
    const t0 = performance.now();
    let outcome = "ran", name = "", message = "";
    try {
      await runOne(c.file, backend);
    } catch (e) {
      outcome = outcomeOf(e);
      name = e instanceof Error ? e.name : typeof e;
      message = e instanceof Error ? e.message : String(e);
    }
    const ms = Math.round(performance.now() - t0);
    console.log(`@@FUZZ ${JSON.stringify({ id: c.id, backend, outcome, name, message, ms })}`);
  }
  console.log(`@@FUZZ ${JSON.stringify({ id: c.id, done: true })}`);
}
