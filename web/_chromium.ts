/**
 * A small driver for headless Chromium over the Chrome DevTools protocol, with Deno's own
 * `WebSocket` and no npm package: launch, open a page, evaluate an expression, take a screenshot.
 * Used by the browser tests; WebGPU comes from SwiftShader on machines without a GPU.
 *
 * @module
 */

/** Flags that give headless Chromium WebGPU on a CPU-only machine (SwiftShader's Vulkan). */
export const WEBGPU_FLAGS: readonly string[] = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--disable-vulkan-surface",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/**
 * The Chromium executable: `$CHROMIUM` if set, else the first of Debian's and Google's usual paths
 * that exists; `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { findChromium } from "./_chromium.ts";
 * const path = findChromium();
 * if (path !== undefined && !path.includes("chrom")) throw new Error("odd path");
 * ```
 *
 * @returns The path, or `undefined`.
 */
export function findChromium(): string | undefined {
  const env = Deno.env.get("CHROMIUM");
  for (const path of env ? [env] : CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** Options of {@linkcode Chromium.launch}. */
export interface LaunchOptions {
  /** Extra command-line flags (e.g. {@linkcode WEBGPU_FLAGS}). */
  flags?: readonly string[];
  /** Milliseconds to wait for the DevTools endpoint (default 20000). */
  startTimeoutMs?: number;
  /** Milliseconds one DevTools command may take, e.g. an evaluation in a hung page (default 60000). */
  commandTimeoutMs?: number;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

/** One tab, reached through a flattened DevTools session. */
export class Page {
  #browser: Chromium;
  #session: string;

  /** @internal */
  constructor(browser: Chromium, session: string) {
    this.#browser = browser;
    this.#session = session;
  }

  /**
   * Sends a DevTools command to this tab.
   *
   * @param method E.g. `Runtime.evaluate`.
   * @param params Its parameters.
   * @returns The command's result.
   */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.#browser.send(method, params, this.#session);
  }

  /**
   * Evaluates an expression in the page (awaiting a promise) and returns its value as JSON.
   *
   * @param expression JavaScript source.
   * @returns The value.
   */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`The page threw: ${d.exception?.description ?? d.text}`);
    }
    return r.result.value as T;
  }

  /**
   * Polls `expression` until it is truthy, and returns its value.
   *
   * @param expression JavaScript source.
   * @param options `timeoutMs` (default 60000), `intervalMs` (default 250).
   * @returns The first truthy value.
   */
  async waitFor<T>(
    expression: string,
    options: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<T> {
    const deadline = performance.now() + (options.timeoutMs ?? 60000);
    while (true) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (performance.now() > deadline) {
        throw new Error(
          `Timed out after ${options.timeoutMs ?? 60000} ms waiting for ${expression}`,
        );
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
    }
  }

  /**
   * A PNG of the whole page at `width` CSS pixels.
   *
   * @param width Viewport width.
   * @returns The PNG bytes.
   */
  async screenshot(width = 1280): Promise<Uint8Array> {
    const height = await this.evaluate<number>("document.documentElement.scrollHeight");
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height: Math.max(1, Math.ceil(height)),
      deviceScaleFactor: 1,
      mobile: false,
    });
    const { data } = await this.send("Page.captureScreenshot", { format: "png" }) as {
      data: string;
    };
    return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  }
}

/** A headless Chromium process and its DevTools connection. */
export class Chromium {
  #process: Deno.ChildProcess;
  #socket: WebSocket;
  #dir: string;
  #next = 1;
  #pending = new Map<number, Pending>();
  #closed = false;
  #commandTimeoutMs: number;

  private constructor(
    process: Deno.ChildProcess,
    socket: WebSocket,
    init: { dir: string; commandTimeoutMs: number },
  ) {
    this.#process = process;
    this.#socket = socket;
    this.#dir = init.dir;
    this.#commandTimeoutMs = init.commandTimeoutMs;
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      const p = msg.id !== undefined ? this.#pending.get(msg.id) : undefined;
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`DevTools: ${msg.error.message}`));
      else p.resolve(msg.result);
    };
    socket.onclose = () => {
      for (const p of this.#pending.values()) p.reject(new Error("Chromium closed its connection"));
      this.#pending.clear();
    };
  }

  /**
   * Starts headless Chromium and connects to it.
   *
   * @example
   * ```ts ignore
   * import { Chromium, findChromium, WEBGPU_FLAGS } from "./_chromium.ts";
   * const browser = await Chromium.launch(findChromium()!, { flags: WEBGPU_FLAGS });
   * const page = await browser.open("about:blank");
   * console.log(await page.evaluate("navigator.userAgent"));
   * await browser.close();
   * ```
   *
   * @param executable Path of Chromium.
   * @param options Flags and start timeout.
   * @returns The connected browser.
   */
  static async launch(executable: string, options: LaunchOptions = {}): Promise<Chromium> {
    const dir = await Deno.makeTempDir({ prefix: "gpulite_chromium_" });
    const process = new Deno.Command(executable, {
      args: [
        "--headless=new",
        "--no-sandbox",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
        `--user-data-dir=${dir}`,
        ...(options.flags ?? []),
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const timeoutMs = options.startTimeoutMs ?? 20000;
    let endpoint: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
    try {
      endpoint = await Promise.race([
        (async () => {
          let text = "";
          while (true) {
            const { value, done } = await reader.read();
            if (done) throw new Error(`Chromium exited before it listened: ${text.slice(-400)}`);
            text += value;
            const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
            if (m) return m[1];
          }
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Chromium did not listen within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (e) {
      clearTimeout(timer);
      reader.releaseLock();
      await stop(process, dir);
      throw e;
    }
    clearTimeout(timer);
    // Keep draining stderr so Chromium never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch {
        // Closed.
      }
    })();
    const socket = new WebSocket(endpoint);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`Cannot connect to Chromium at ${endpoint}`));
    });
    return new Chromium(process, socket, {
      dir,
      commandTimeoutMs: options.commandTimeoutMs ?? 60000,
    });
  }

  /**
   * Sends a DevTools command to the browser, or to a tab's session.
   *
   * @param method Command.
   * @param params Parameters.
   * @param sessionId A tab's session.
   * @returns The result.
   */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error("Chromium was closed"));
    const id = this.#next++;
    const limit = this.#commandTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`Chromium did not answer ${method} within ${limit} ms`));
      }, limit);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /**
   * Opens a new tab at `url`, waits for its load event.
   *
   * @param url The page.
   * @returns The tab.
   */
  async open(url: string): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" }) as {
      targetId: string;
    };
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    const page = new Page(this, sessionId);
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    await page.send("Page.navigate", { url });
    await page.waitFor("document.readyState === 'complete'", { timeoutMs: 30000, intervalMs: 50 });
    return page;
  }

  /** Closes the browser and removes its profile folder. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    await stop(this.#process, this.#dir);
  }
}

async function stop(process: Deno.ChildProcess, dir: string): Promise<void> {
  try {
    process.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  await process.status;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
