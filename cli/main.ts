/**
 * The command-line dispatcher: picks the subcommand from the table in `commands.ts`, prints help
 * (`--help`, `help COMMAND`) and the version, and turns every error into one line on stderr and an
 * exit code: 2 for usage errors, 1 for failed checks and failed runs, 0 for success.
 *
 * @module
 */

import { type Command, consoleIo, type Io } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { EXIT_CODES_HELP, EXIT_USAGE, exitCodeOf, oneLine } from "./_args.ts";
import { VERSION } from "./version.ts";

function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), "help".length);
  return [
    "Usage: gpulite COMMAND [ARGS] [--help]",
    "       gpulite help COMMAND | --help | --version",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  print the usage of a command`,
    "",
    EXIT_CODES_HELP,
  ].join("\n");
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /** Output sink (default: the console). */
  io?: Io;
  /** Command table (default: `COMMANDS`). */
  commands?: readonly Command[];
}

/**
 * Runs the command line.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const lines: string[] = [];
 * const code = await main(["--help"], { io: { out: (l) => lines.push(l), err: (l) => lines.push(l) } });
 * if (code !== 0 || !lines.join("\n").includes("inspect")) throw new Error("wrong");
 * ```
 *
 * @param args Command-line arguments (without the program name).
 * @param options Output sink and command table.
 * @returns The exit code.
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? consoleIo;
  const commands = options.commands ?? COMMANDS;
  const [name, ...rest] = args;
  if (name === "--version" || name === "-V") {
    io.out(`gpulite ${VERSION}`);
    return 0;
  }
  if (name === undefined || name === "--help" || name === "-h") {
    io.out(usage(commands));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "help") {
    if (rest.length === 0) {
      io.out(usage(commands));
      return 0;
    }
    const topic = commands.find((c) => c.name === rest[0]);
    if (topic === undefined || rest.length > 1) {
      io.err(`error: no command named ${JSON.stringify(rest.join(" "))} (try gpulite --help)`);
      return EXIT_USAGE;
    }
    io.out(topic.help);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`error: unknown command ${JSON.stringify(name)} (try gpulite --help)`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    io.err(`error: ${oneLine(e)}`);
    return exitCodeOf(e);
  }
}
