import assert from "node:assert/strict";
import { readBytes } from "./host.ts";

Deno.test("readBytes() reads a path from disk under Deno", async () => {
  const path = await Deno.makeTempFile();
  await Deno.writeFile(path, new Uint8Array([7, 8, 9]));
  try {
    assert.deepEqual([...await readBytes(path)], [7, 8, 9]);
    assert.deepEqual([...await readBytes(new URL(`file://${path}`))], [7, 8, 9]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readBytes() says no such file for a missing path", async () => {
  await assert.rejects(readBytes("/nonexistent/gpulite.bin"), /^Error: no such file$/);
});

Deno.test("readBytes() fetches http URLs and reports the HTTP status", async () => {
  const server = Deno.serve(
    { port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/ok"
        ? new Response(new Uint8Array([1, 2]))
        : new Response("gone", { status: 404, statusText: "Not Found" }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assert.deepEqual([...await readBytes(`${base}/ok`)], [1, 2]);
    await assert.rejects(readBytes(`${base}/missing`), /HTTP 404 Not Found/);
  } finally {
    await server.shutdown();
  }
});
