/**
 * Every misuse of gpulite's command lines (`cli.ts`, `deno task conform`, `deno task report`), run
 * as a real subprocess: one line on stderr that says what is wrong, no stack trace, exit code 2.
 */
import { equal, ok } from "node:assert/strict";
import { importDawn } from "../engine/backends/gpu/device.ts";

const ROOT = new URL("../", import.meta.url);
const CLI = "cli.ts";
const CONFORM = "conformance/main.ts";
const REPORT = "bench/report.ts";

/** One misuse: the program, its arguments and a phrase its one error line must hold. */
interface Misuse {
  program: string;
  args: string[];
  says: string;
  /** Dawn's native library logs adapter warnings on stderr by itself; those lines are not ours. */
  dawnLogs?: boolean;
}

/** A line of Dawn's own native log (it names Dawn's C++ sources or what it was initialising). */
const DAWN_LOG = /^Warning: |^ - While |third_party\/dawn\/|^\s*$/;

const MISUSES: Misuse[] = [
  { program: CLI, args: ["bogus"], says: 'unknown command "bogus"' },
  { program: CLI, args: ["help", "nosuch"], says: 'no command named "nosuch"' },
  { program: CLI, args: ["run"], says: "exactly one MODEL" },
  { program: CLI, args: ["run", "--seed"], says: "--seed needs a value" },
  { program: CLI, args: ["run", "--frobnicate", "m.tflite"], says: "unknown option --frobnicate" },
  { program: CLI, args: ["run", "m.tflite", "--output", "out.txt"], says: "--output must end in" },
  {
    program: CLI,
    args: ["run", "m.tflite", "--output", "/no/such/dir/o.npy"],
    says: "/no/such/dir does not exist",
  },
  { program: CLI, args: ["run", "--backend", "tpu", "m.tflite"], says: "--backend must be one of" },
  {
    program: CLI,
    args: ["run", "--backend", "cpu", "--provider", "dawn", "m.tflite"],
    says: "--provider applies only to --backend gpu",
  },
  {
    program: CLI,
    args: ["run", "--backend", "reference", "--threads", "2", "m.tflite"],
    says: "--threads applies only to --backend cpu",
  },
  { program: CLI, args: ["run", "--strategy", "nope", "m.tflite"], says: "--strategy must be" },
  { program: CLI, args: ["run", "--iterations", "0", "m.tflite"], says: "--iterations must be" },
  { program: CLI, args: ["run", "/no/such/model.tflite"], says: "no such file" },
  {
    program: CLI,
    args: ["compare", "--backend", "reference", "m.tflite"],
    says: "compare the reference with itself",
  },
  { program: CLI, args: ["compare", "--threads", "2", "m.tflite"], says: "--threads applies only" },
  { program: CLI, args: ["run", "--backend", "ref", "m.tflite"], says: "cooperative" },
  { program: CLI, args: ["compare", "--tolerance", "-1", "m.tflite"], says: "--tolerance" },
  { program: CLI, args: ["inspect", "--jsn", "m.tflite"], says: "unknown option --jsn" },
  { program: CLI, args: ["inspect", "/no/such/model.tflite"], says: "/no/such/model.tflite" },
  { program: CLI, args: ["plan", "--precision", "f64", "m.tflite"], says: "--precision must be" },
  { program: CLI, args: ["plan", "/no/such/model.tflite"], says: "/no/such/model.tflite" },
  { program: CLI, args: ["quantize", "--scheme", "int4", "m.tflite"], says: "--scheme must be" },
  { program: CLI, args: ["quantize", "/no/such/model"], says: "neither a file nor a built" },
  { program: CONFORM, args: ["--ops", "nosuch"], says: "valid ops: " },
  { program: CONFORM, args: ["--json", "/no/such/dir/x.json"], says: "/no/such/dir does not" },
  { program: CONFORM, args: ["--precision", "f8"], says: "--precision must be" },
  { program: CONFORM, args: ["--provider", "webgl"], says: "--provider must be" },
  { program: CONFORM, args: ["--bogus"], says: "unknown option --bogus" },
  {
    program: CONFORM,
    args: ["--backend", "cpu", "--provider", "dawn"],
    says: "--provider applies",
  },
  { program: REPORT, args: ["--networks", "nosuch"], says: 'Unknown network "nosuch"' },
  { program: REPORT, args: ["--size", "huge"], says: "--size must be" },
  { program: REPORT, args: ["--runs", "many"], says: "--runs must be a number" },
  { program: REPORT, args: ["--models", "/no/such/dir"], says: "is not a folder" },
  { program: REPORT, args: ["--peers", "tpu"], says: "--peers takes" },
  {
    program: REPORT,
    args: ["--backends", "gpu", "--threads", "1,2"],
    says: "--threads applies only when --backends includes cpu",
  },
  {
    program: REPORT,
    args: ["--networks", "mobilenet_v2_tiny", "--size", "full"],
    says: "--size does not apply with --networks",
  },
];

async function dawnHasAdapter(): Promise<boolean> {
  try {
    return (await (await importDawn()).create([]).requestAdapter()) !== null;
  } catch {
    return false;
  }
}

// Where Dawn finds no adapter (CPU-only machines), asking for it is a one-line usage error too.
if (!(await dawnHasAdapter())) {
  MISUSES.push({
    program: CONFORM,
    args: ["--provider", "dawn", "--ops", "ADD"],
    says: "Dawn found no WebGPU adapter",
    dawnLogs: true,
  });
}

async function runProgram(program: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "--quiet", program, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("every command-line misuse prints one error line and exits with code 2", async () => {
  const problems: string[] = [];
  const queue = [...MISUSES];
  async function worker(): Promise<void> {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const { code, stderr } = await runProgram(m.program, m.args);
      const lines = stderr.trimEnd().split("\n").filter((l) =>
        l.trim() !== "" && !(m.dawnLogs && DAWN_LOG.test(l))
      );
      const what = `${m.program} ${m.args.join(" ")}`;
      if (code !== 2) problems.push(`${what}: exit code ${code}`);
      if (lines.length !== 1) problems.push(`${what}: ${lines.length} stderr lines: ${stderr}`);
      else if (!lines[0].includes(m.says)) problems.push(`${what}: "${lines[0]}" lacks ${m.says}`);
    }
  }
  await Promise.all([worker(), worker(), worker()]);
  equal(problems.length, 0, problems.join("\n"));
});

Deno.test("gpulite --version prints deno.json's version and exits with 0", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const { code, stdout } = await runProgram(CLI, ["--version"]);
  equal(code, 0);
  equal(stdout.trim(), `gpulite ${version}`);
});

Deno.test("gpulite help run prints the run command's usage, not the command list", async () => {
  const { code, stdout } = await runProgram(CLI, ["help", "run"]);
  equal(code, 0);
  ok(stdout.startsWith("Usage: gpulite run MODEL"), stdout);
  ok(!stdout.includes("Commands:"), stdout);
});

Deno.test("gpulite --help documents the exit codes", async () => {
  const { code, stdout } = await runProgram(CLI, ["--help"]);
  equal(code, 0);
  ok(/Exit codes:[\s\S]*\b2\s+usage error/.test(stdout), stdout);
});
