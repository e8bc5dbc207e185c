/**
 * `deno task serve`: a static server for the browser page in `web/`, with the engine bundled on the
 * fly by `deno bundle` (browser platform) each time the page loads, so edits show on reload.
 *
 * Routes: `/` the page, `/app.js` the bundle of `web/app.ts`, `/models/` a JSON list of the
 * `.tflite` files in the models folder (default `../shared/models/networks`), `/models/NAME` one
 * of them, `/reports/` a JSON list of the committed benchmark reports (`docs/results/NAME/
 * report.json`), `/reports/NAME` one of them.
 *
 * In the bundle `node:worker_threads` is replaced by `web/_worker_threads.ts` (the CPU backend's
 * pool is not part of the browser build) and the Dawn package `webgpu` stays an external import
 * that the page never reaches.
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Options of {@linkcode startServer}. */
export interface ServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** Folder whose `.tflite` files are served under `/models/` (default `../shared/models/networks`). */
  modelsDir?: string | URL;
}

/** A running server. */
export interface PageServer {
  /** Base URL of the page, e.g. `http://127.0.0.1:8000/`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

const WEB = new URL("./", import.meta.url);
const ROOT = new URL("../", WEB);
const DEFAULT_MODELS = new URL("../shared/models/networks/", ROOT);
const REPORTS = new URL("docs/results/", ROOT);

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".tflite": "application/octet-stream",
};

/**
 * The import map of the browser bundle: the project's own (`deno.json` `imports`) with
 * `node:worker_threads` pointed at the browser stand-in.
 *
 * @example
 * ```ts
 * import { browserImportMap } from "./serve.ts";
 * const map = await browserImportMap();
 * if (!map.imports["node:worker_threads"].endsWith("web/_worker_threads.ts")) throw new Error("wrong");
 * ```
 *
 * @returns The import map object.
 */
export async function browserImportMap(): Promise<{ imports: Record<string, string> }> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  return {
    imports: {
      ...config.imports,
      "node:worker_threads": new URL("_worker_threads.ts", WEB).href,
    },
  };
}

/**
 * Bundles a module of `web/` for the browser with `deno bundle`.
 *
 * @example
 * ```ts ignore
 * import { bundleForBrowser } from "./serve.ts";
 * const js = await bundleForBrowser("app.ts");
 * ```
 *
 * @param entry File name inside `web/`.
 * @returns The bundled JavaScript.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "gpulite_web_" });
  try {
    const map = `${dir}/import_map.json`;
    await Deno.writeTextFile(map, JSON.stringify(await browserImportMap()));
    const out = `${dir}/bundle.js`;
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform=browser",
        "--external=webgpu",
        `--import-map=${map}`,
        "-o",
        out,
        new URL(entry, WEB).pathname,
      ],
      cwd: ROOT.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`Bundling web/${entry} failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function reply(body: BodyInit, type: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": type,
      "cache-control": "no-store",
      // Cross-origin isolation: shared WebAssembly memory (the cpu backend) needs it.
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    },
  });
}

async function listReports(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(REPORTS)) {
      try {
        if (e.isDirectory && Deno.statSync(new URL(`${e.name}/report.json`, REPORTS)).isFile) {
          names.push(e.name);
        }
      } catch {
        // A results folder without a report.
      }
    }
  } catch {
    return [];
  }
  return names.sort();
}

async function listModels(dir: URL): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".tflite")) names.push(e.name);
    }
  } catch {
    return [];
  }
  return names.sort();
}

/**
 * Starts the page server.
 *
 * @example
 * ```ts ignore
 * import { startServer } from "./serve.ts";
 * const server = await startServer({ port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 *
 * @param options Port, interface and models folder.
 * @returns The running server.
 */
export function startServer(options: ServerOptions = {}): Promise<PageServer> {
  const models = new URL(
    String(options.modelsDir ?? DEFAULT_MODELS).replace(/\/?$/, "/"),
    `file://${Deno.cwd()}/`,
  );
  const handler = async (req: Request): Promise<Response> => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    try {
      if (path === "/" || path === "/index.html") {
        return reply(await Deno.readFile(new URL("index.html", WEB)), TYPES[".html"]);
      }
      if (path === "/app.js") return reply(await bundleForBrowser("app.ts"), TYPES[".js"]);
      if (path === "/models/") {
        return reply(JSON.stringify(await listModels(models)), TYPES[".json"]);
      }
      if (path === "/reports/") return reply(JSON.stringify(await listReports()), TYPES[".json"]);
      const report = path.match(/^\/reports\/(\w[\w.-]*)$/)?.[1];
      if (report) {
        return reply(
          await Deno.readFile(new URL(`${report}/report.json`, REPORTS)),
          TYPES[".json"],
        );
      }
      const name = path.match(/^\/models\/([\w.-]+\.tflite)$/)?.[1];
      if (name) return reply(await Deno.readFile(new URL(name, models)), TYPES[".tflite"]);
      return reply(`No page at ${path}`, "text/plain", 404);
    } catch (e) {
      const missing = e instanceof Deno.errors.NotFound;
      return reply(
        missing ? `No file for ${path}` : (e as Error).message,
        "text/plain",
        missing ? 404 : 500,
      );
    }
  };
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: options.port ?? 0,
      hostname: options.hostname ?? "127.0.0.1",
      onListen: ({ hostname, port }) => {
        resolve({ url: `http://${hostname}:${port}/`, close: () => server.shutdown() });
      },
    }, handler);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "8000" },
      hostname: { type: "string", default: "127.0.0.1" },
      models: { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("serve: --port must be an integer from 0 to 65535");
    Deno.exit(2);
  }
  const server = await startServer({ port, hostname: values.hostname, modelsDir: values.models });
  console.log(`gpulite page at ${server.url} (Ctrl-C stops)`);
}
