/**
 * What every gpulite command line shares: strict option parsing whose mistakes become
 * {@linkcode UsageError}s, exit codes, one-line error messages and progress that redraws in place
 * only on a terminal.
 *
 * Exit codes: 0 success; 1 a check failed (outputs disagree, a conformance case failed) or the run
 * failed; 2 a usage error (unknown option or command, bad value, missing argument, a file or folder
 * named by an option that cannot be used, a GPU provider that has no adapter).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { GpuError, UsageError } from "../core/errors.ts";

/** Exit code of a success. */
export const EXIT_OK = 0;
/** Exit code of a failed check or a failed run. */
export const EXIT_FAILED = 1;
/** Exit code of a usage error. */
export const EXIT_USAGE = 2;

/** The exit codes as `--help` texts state them. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  a check failed (e.g. outputs disagree) or the run failed
  2  usage error: unknown command or option, bad value, unusable path, no such GPU provider/adapter`;

const PARSE_MESSAGES: Record<string, (m: string) => string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: (m) => `unknown option ${m.match(/'([^']+)'/)?.[1] ?? m}`,
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: (m) =>
    m.includes("argument missing")
      ? `option ${m.match(/'(--?[\w-]+)/)?.[1] ?? m} needs a value`
      : `option ${m.match(/'(--?[\w-]+)/)?.[1] ?? m} takes no value`,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: (m) =>
    `unexpected argument ${m.match(/'([^']+)'/)?.[1] ?? m}`,
};

/**
 * `parseArgs` of `node:util` (strict by default), its errors turned into one-line
 * {@linkcode UsageError}s that say where to look for help.
 *
 * @example
 * ```ts
 * import { parseCommandArgs } from "./_args.ts";
 * const { values } = parseCommandArgs("demo", { args: ["--n", "3"], options: { n: { type: "string" } } });
 * if (values.n !== "3") throw new Error("wrong");
 * let message = "";
 * try {
 *   parseCommandArgs("demo", { args: ["--m"], options: { n: { type: "string" } } });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (message !== "unknown option --m (see demo --help)") throw new Error(message);
 * ```
 *
 * @param command The command as users type it, e.g. `"gpulite run"`, for the hint.
 * @param config The parser configuration (strict unless it says otherwise).
 * @returns What `parseArgs` returns.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    const explain = PARSE_MESSAGES[code];
    if (!explain) throw e;
    throw new UsageError(`${explain((e as Error).message)} (see ${command} --help)`, { cause: e });
  }
}

/**
 * The exit code of an error: 2 for a {@linkcode UsageError}, a {@linkcode GpuError} (no adapter, or
 * the provider could not load) and a file that does not exist; 1 for everything else.
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "./_args.ts";
 * import { UsageError } from "../core/errors.ts";
 * if (exitCodeOf(new UsageError("bad")) !== 2 || exitCodeOf(new Error("x")) !== 1) throw new Error("wrong");
 * ```
 *
 * @param e What was thrown.
 * @returns The exit code.
 */
export function exitCodeOf(e: unknown): number {
  const usage = e instanceof UsageError || e instanceof GpuError ||
    e instanceof Deno.errors.NotFound;
  return usage ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * The first line of an error's message, for `error: ...` lines.
 *
 * @example
 * ```ts
 * import { oneLine } from "./_args.ts";
 * if (oneLine(new Error("a\nb")) !== "a") throw new Error("wrong");
 * ```
 *
 * @param e What was thrown.
 * @returns One line.
 */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0].trim();
}

/**
 * Fails with a {@linkcode UsageError} unless the folder a file would be written into exists.
 *
 * @example
 * ```ts
 * import { checkWritableFolder } from "./_args.ts";
 * let failed = false;
 * try {
 *   await checkWritableFolder("--json", "/no/such/dir/x.json");
 * } catch {
 *   failed = true;
 * }
 * if (!failed) throw new Error("wrong");
 * ```
 *
 * @param flag The option naming the file, e.g. `"--json"`.
 * @param path The file.
 */
export async function checkWritableFolder(flag: string, path: string): Promise<void> {
  const cut = path.lastIndexOf("/");
  const dir = cut < 0 ? "." : cut === 0 ? "/" : path.slice(0, cut);
  const info = await Deno.stat(dir).catch(() => undefined);
  if (!info?.isDirectory) {
    throw new UsageError(`${flag} ${path}: the folder ${dir} does not exist`);
  }
}

/** Reports progress of counted work; {@linkcode progressReporter} makes one. */
export interface Progress {
  /** Records that `done` of `total` steps are finished, with an optional label. */
  update(done: number, total: number, label?: string): void;
  /** Ends the progress (a newline on a terminal). */
  end(): void;
}

/**
 * Progress on stderr: on a terminal one line redrawn in place with `\r`; otherwise (a pipe, a log
 * file, CI) plain lines, at most one per quarter of the work, so logs stay readable.
 *
 * @example
 * ```ts
 * import { progressReporter } from "./_args.ts";
 * const lines: string[] = [];
 * const p = progressReporter("runs", { terminal: false, write: (s) => lines.push(s) });
 * for (let i = 1; i <= 8; i++) p.update(i, 8);
 * p.end();
 * if (lines.length !== 4 || lines[3] !== "runs 8/8\n") throw new Error(lines.join("|"));
 * ```
 *
 * @param what What is counted, e.g. `"runs"`.
 * @param options `terminal` (default: whether stderr is a terminal) and `write` (default: stderr).
 * @returns The reporter.
 */
export function progressReporter(
  what: string,
  options: { terminal?: boolean; write?: (text: string) => void } = {},
): Progress {
  const terminal = options.terminal ?? Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  const write = options.write ?? ((s: string) => Deno.stderr.writeSync(encoder.encode(s)));
  let quarter = 0;
  let drawn = false;
  return {
    update(done, total, label) {
      const text = `${what} ${done}/${total}${label ? ` ${label}` : ""}`;
      if (terminal) {
        write(`\r${text}\x1b[K`);
        drawn = true;
        return;
      }
      const q = Math.floor((4 * done) / Math.max(1, total));
      if (q > quarter || done === total) {
        quarter = q;
        write(`${text}\n`);
      }
    },
    end() {
      if (terminal && drawn) write("\n");
    },
  };
}

/**
 * Parses `--input-shape` values: `NAME=DIMSxDIMS` (name or input position, `x`-separated
 * dimensions), repeated or comma-separated.
 *
 * @example
 * ```ts
 * import { parseInputShapes } from "./_args.ts";
 * const s = parseInputShapes(["image=1x64x64x3,1=2x5"]);
 * if (s.image.join() !== "1,64,64,3" || s["1"].join() !== "2,5") throw new Error("wrong");
 * ```
 *
 * @param values The flag's values.
 * @returns Shapes by input name or position.
 * @throws {UsageError} For a malformed value.
 */
export function parseInputShapes(values: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const item of values.flatMap((v) => v.split(","))) {
    const at = item.lastIndexOf("=");
    const name = item.slice(0, at);
    const dims = item.slice(at + 1).split("x").map((d) => (/^\d+$/.test(d) ? Number(d) : NaN));
    if (at <= 0 || dims.some((d) => Number.isNaN(d))) {
      throw new UsageError(
        `--input-shape must look like NAME=1x64x64x3 (input name or position), got ${
          JSON.stringify(item)
        }`,
      );
    }
    out[name] = item.slice(at + 1) === "" ? [] : dims;
  }
  return out;
}
