/**
 * Host adapter for file access, for Deno and for the browser: {@linkcode readBytes} reads a path or
 * `file:` URL through `Deno.readFile` under Deno, and fetches anything else (http, https, blob, data,
 * or a path relative to the page in a browser). Nothing here names a Deno-only type, so the engine
 * type-checks and bundles for a browser page.
 *
 * @module
 */

interface DenoFiles {
  readFile(path: string | URL): Promise<Uint8Array>;
  errors: { NotFound: new (...args: never[]) => Error };
}

function denoFiles(): DenoFiles | undefined {
  return (globalThis as { Deno?: DenoFiles }).Deno;
}

function isFetchUrl(source: string | URL): boolean {
  const text = String(source);
  return /^(https?|blob|data):/i.test(text);
}

/**
 * Reads all bytes of a file or URL. Under Deno a path or `file:` URL is read from disk; an
 * `http(s)`, `blob` or `data` URL, and any source in a browser, is fetched.
 *
 * Errors carry a short reason as their message (`no such file`, `HTTP 404 Not Found`), for callers
 * to wrap with what they were reading.
 *
 * @example
 * ```ts
 * import { readBytes } from "./host.ts";
 * const bytes = await readBytes("data:application/octet-stream;base64,AQID");
 * if (bytes.join() !== "1,2,3") throw new Error("wrong");
 * ```
 *
 * @param source A path, or a URL.
 * @returns The bytes.
 */
export async function readBytes(source: string | URL): Promise<Uint8Array<ArrayBuffer>> {
  const deno = denoFiles();
  if (deno && !isFetchUrl(source)) {
    try {
      return await deno.readFile(source) as Uint8Array<ArrayBuffer>;
    } catch (e) {
      if (e instanceof deno.errors.NotFound) throw new Error("no such file", { cause: e });
      throw e;
    }
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}
