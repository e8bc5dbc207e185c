/**
 * The `gpulite` command line. Run `deno task cli --help` (or `deno run -A cli.ts --help`) for the list
 * of commands; `inspect MODEL [--json]` summarises a `.tflite` file.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * const out: string[] = [];
 * await main(["inspect", "--help"], { io: { out: (l) => out.push(l), err: (l) => out.push(l) } });
 * if (!out.join("\n").includes("--json")) throw new Error("wrong");
 * ```
 *
 * @module
 */

export { main, type MainOptions } from "./cli/main.ts";
export type * from "./core/ir.ts";
export { COMMANDS } from "./cli/commands.ts";
export type { Command, Io } from "./cli/command.ts";
export {
  type DtypeSupport,
  formatSummary,
  inspectCommand,
  inspectModel,
  type InspectOptions,
  type ModelSummary,
  type OpSupportInfo,
  type SignatureInfo,
  type SignatureTensorInfo,
  type SubgraphInfo,
  type SupportLookup,
  type TensorInfo,
} from "./cli/inspect.ts";

import { main } from "./cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
