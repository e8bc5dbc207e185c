/**
 * Options shared by the commands that create sessions (`run`, `compare`), their parsing and
 * validation, and seeded random inputs.
 *
 * @module
 */
import type { HostTensor } from "../core/kernel.ts";
import type { TensorInfo } from "../engine/session.ts";
import { allocTensor } from "../kernels/_shared/tensor.ts";
import { seededRandom } from "../conformance/rng.ts";
import { UsageError } from "../core/errors.ts";
import { parseInputShapes } from "./_args.ts";
import { STRATEGIES } from "../engine/memory/mod.ts";

/**
 * parseArgs option specs of session flags. They have no parser defaults, so that a flag the chosen
 * backend would ignore can be told apart and refused; {@linkcode sessionFlags} fills the defaults.
 */
export const SESSION_FLAGS = {
  backend: { type: "string" },
  provider: { type: "string" },
  precision: { type: "string" },
  strategy: { type: "string" },
  threads: { type: "string" },
  seed: { type: "string" },
  "input-shape": { type: "string", multiple: true },
  "in-place": { type: "boolean" },
  reorder: { type: "boolean" },
  "concat-in-place": { type: "boolean" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Flags that only one backend uses; given with another backend they are refused. */
const BACKEND_ONLY: Readonly<Record<string, readonly Backend[]>> = {
  provider: ["gpu", "cooperative"],
  precision: ["gpu", "cooperative"],
  strategy: ["gpu", "cpu"],
  "in-place": ["gpu", "cpu"],
  reorder: ["gpu", "cpu"],
  "concat-in-place": ["gpu", "cpu"],
  profile: ["gpu", "cpu"],
  threads: ["cpu", "cooperative"],
};

/** Backends the command line runs. */
type Backend = "gpu" | "cpu" | "reference" | "cooperative";

/** Validated session flags. */
export interface SessionFlags {
  /** Backend. */
  backend: Backend;
  /** Elementwise ops write over inputs that die there (`--in-place`). */
  inPlace: boolean;
  /** Branches reordered for a lower memory peak (`--reorder`). */
  reorder: boolean;
  /** Concatenations write their inputs in place (`--concat-in-place`). */
  concatInPlace: boolean;
  /** GPU provider. */
  provider: "deno" | "dawn";
  /** Precision. */
  precision: "f32" | "f16";
  /** Memory strategy. */
  strategy: string;
  /** CPU threads. */
  threads?: number;
  /** Seed of random inputs. */
  seed: number;
  /** Input shapes from `--input-shape NAME=1x64x64x3`, by input name or position. */
  inputShapes?: Record<string, number[]>;
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(
      `--${flag} must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`,
    );
  }
  return v as T;
}

/**
 * Validates parsed session flags and fills their defaults; flags the chosen backend ignores are
 * refused with a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { sessionFlags } from "./_session_args.ts";
 * const f = sessionFlags({ backend: "gpu", provider: "deno", precision: "f16", strategy: "naive", seed: "3" });
 * if (f.seed !== 3 || f.strategy !== "NAIVE") throw new Error("wrong");
 * let refused = false;
 * try {
 *   sessionFlags({ backend: "cpu", provider: "dawn" });
 * } catch {
 *   refused = true;
 * }
 * if (!refused) throw new Error("--provider with the cpu backend was accepted");
 * ```
 *
 * @param v Values from parseArgs.
 * @returns The flags.
 */
export function sessionFlags(
  v: Record<string, string | boolean | string[] | undefined>,
): SessionFlags {
  const backend = oneOf(
    "backend",
    String(v.backend ?? "gpu"),
    ["gpu", "cpu", "reference", "cooperative"] as const,
  );
  for (const [flag, only] of Object.entries(BACKEND_ONLY)) {
    if (v[flag] !== undefined && v[flag] !== false && !(only as string[]).includes(backend)) {
      throw new UsageError(
        `--${flag} applies only to --backend ${only.join(" or ")}, not ${backend}`,
      );
    }
  }
  const strategy = String(v.strategy ?? "GREEDY_BEST").toUpperCase();
  if (!STRATEGIES.some((s) => s.name === strategy)) {
    throw new UsageError(
      `--strategy must be one of ${STRATEGIES.map((s) => s.name).join(", ")}, got ${
        JSON.stringify(v.strategy)
      }`,
    );
  }
  const seed = Number(v.seed ?? 1);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${v.seed}`);
  let threads: number | undefined;
  if (v.threads !== undefined) {
    threads = Number(v.threads);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new UsageError(`--threads must be a positive integer, got ${v.threads}`);
    }
  }
  const shapes = v["input-shape"] as unknown as string[] | undefined;
  return {
    ...(shapes && shapes.length > 0 ? { inputShapes: parseInputShapes(shapes) } : {}),
    backend,
    provider: oneOf("provider", String(v.provider ?? "deno"), ["deno", "dawn"] as const),
    precision: oneOf("precision", String(v.precision ?? "f32"), ["f32", "f16"] as const),
    strategy,
    threads,
    seed,
    inPlace: v["in-place"] === true,
    reorder: v.reorder === true,
    concatInPlace: v["concat-in-place"] === true,
  };
}

/**
 * Seeded random inputs for a model: floats uniform in [-1, 1), integers in [0, 10).
 *
 * @example
 * ```ts
 * import { randomInputs } from "./_session_args.ts";
 * const [x] = randomInputs([{ name: "x", dtype: "float32", shape: [2, 2] }], 1);
 * if (x.data.length !== 4) throw new Error("wrong");
 * ```
 *
 * @param inputs The model's inputs.
 * @param seed Seed.
 * @returns One tensor per input.
 */
export function randomInputs(inputs: TensorInfo[], seed: number): HostTensor[] {
  const rnd = seededRandom(seed);
  return inputs.map((info) => {
    const t = allocTensor(info.dtype as HostTensor["dtype"], info.shape);
    for (let i = 0; i < t.data.length; i++) {
      const v = info.dtype === "float32" ? rnd() * 2 - 1 : Math.floor(rnd() * 10);
      if (t.data instanceof BigInt64Array) t.data[i] = BigInt(v);
      else t.data[i] = v;
    }
    return t;
  });
}
