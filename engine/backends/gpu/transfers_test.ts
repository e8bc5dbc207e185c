import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { acquireDevice, type GpuContext } from "./device.ts";
import { layoutProgram, sameLayout } from "../../../kernels/_gpu/phwc4_wgsl.ts";
import { packPhwc4, type StorageKind, unpackPhwc4 } from "../../../kernels/_gpu/phwc4.ts";
import { f16BitsToNumber, numberToF16Bits } from "../../../kernels/_shared/tensor.ts";
import type { HostTensor, TensorData } from "../../../core/kernel.ts";
import type { ExecutionPlan } from "../../plan/plan.ts";
import { type EdgeDownload, type EdgeUpload, readDownloads, uploadRoute } from "./transfers.ts";
import type { GpuTensorHome } from "./program.ts";

const GPU_TEST = { sanitizeOps: false, sanitizeResources: false };
const RW = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Runs one layout program: `src` bytes in, the first `outBytes` of a `dstBytes` buffer prefilled with 0xee out. */
async function runLayout(
  gpu: GpuContext,
  code: string,
  dispatch: [number, number, number],
  src: Uint8Array<ArrayBuffer>,
  dst: { bytes: number },
): Promise<Uint8Array> {
  const device = gpu.device;
  const size = (n: number) => Math.ceil(Math.max(n, 16) / 16) * 16;
  const a = device.createBuffer({ size: size(src.byteLength), usage: RW });
  const b = device.createBuffer({ size: size(dst.bytes), usage: RW });
  const read = device.createBuffer({
    size: size(dst.bytes),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(a, 0, src);
  device.queue.writeBuffer(b, 0, new Uint8Array(size(dst.bytes)).fill(0xee));
  const pipeline = await device.createComputePipelineAsync({
    layout: "auto",
    compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
  });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(...dispatch);
  pass.end();
  enc.copyBufferToBuffer(b, 0, read, 0, size(dst.bytes));
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Uint8Array(read.getMappedRange().slice(0, dst.bytes));
  read.unmap();
  for (const x of [a, b, read]) x.destroy();
  return out;
}

function valuesFor(shape: number[], kind: StorageKind, seed: number): HostTensor {
  const n = shape.reduce((x, y) => x * y, 1);
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  if (kind === "i32") {
    return { dtype: "int32", shape, data: Int32Array.from({ length: n }, () => next() | 0) };
  }
  return {
    dtype: "float32",
    shape,
    data: Float32Array.from(
      { length: n },
      () => (next() / 2 ** 32 - 0.5) * 2 ** ((next() % 40) - 20),
    ),
  };
}

const SHAPES = [[1, 3, 5, 1], [1, 4, 4, 3], [2, 3, 3, 5], [1, 2, 2, 8], [1, 1001], [1, 5, 5, 4], [
  3,
  7,
]];
const KINDS: StorageKind[] = ["f32", "f16", "i32"];

Deno.test({
  ...GPU_TEST,
  name:
    "layoutProgram() packs on the GPU into exactly the bytes packPhwc4() makes, at an offset, padding lanes zeroed",
  async fn() {
    const gpu = await acquireDevice();
    try {
      for (const shape of SHAPES) {
        for (const kind of KINDS) {
          const t = valuesFor(shape, kind, shape.length * 31 + kind.length);
          const want = packPhwc4(t, kind);
          const byteOffset = kind === "f16" ? 24 : 48;
          const p = layoutProgram({ direction: "pack", shape, kind, byteOffset });
          const src = new Uint8Array(t.data.buffer as ArrayBuffer);
          const got = await runLayout(gpu, p.code, p.dispatch, src, {
            bytes: byteOffset + want.byteLength,
          });
          ok(
            got.subarray(0, byteOffset).every((b) => b === 0xee),
            `${shape} ${kind}: before offset`,
          );
          deepStrictEqual(got.subarray(byteOffset), want, `${shape} ${kind}`);
        }
      }
    } finally {
      gpu.device.destroy();
    }
  },
});

Deno.test({
  ...GPU_TEST,
  name: "layoutProgram() unpacks on the GPU into exactly the bits unpackPhwc4() gives",
  async fn() {
    const gpu = await acquireDevice();
    try {
      for (const shape of SHAPES) {
        for (const kind of KINDS) {
          const t = valuesFor(shape, kind, shape.length * 17 + kind.length);
          const stored = packPhwc4(t, kind);
          const byteOffset = kind === "f16" ? 8 : 32;
          const src = new Uint8Array(byteOffset + stored.byteLength);
          src.set(stored, byteOffset);
          const want = unpackPhwc4(stored, t, kind);
          const p = layoutProgram({ direction: "unpack", shape, kind, byteOffset });
          const got = await runLayout(gpu, p.code, p.dispatch, src, {
            bytes: want.data.byteLength,
          });
          deepStrictEqual(got, new Uint8Array(want.data.buffer), `${shape} ${kind}`);
        }
      }
    } finally {
      gpu.device.destroy();
    }
  },
});

Deno.test({
  ...GPU_TEST,
  name:
    "f16 conversion on the GPU rounds like numberToF16Bits() and widens every half like f16BitsToNumber()",
  async fn() {
    const gpu = await acquireDevice();
    try {
      // Ties, subnormal ties, the overflow edge, NaN, infinities, signed zeros, f32 subnormals.
      const edge = [
        1,
        1 + 2 ** -11,
        1 + 3 * 2 ** -11,
        65504,
        65519,
        65520,
        1e9,
        -65520,
        2 ** -14,
        2 ** -14 - 2 ** -25,
        2 ** -24,
        2 ** -25,
        2 ** -25 * 1.0000001,
        3 * 2 ** -25,
        5 * 2 ** -25,
        2 ** -26,
        1e-40,
        -1e-40,
        0,
        -0,
        NaN,
        Infinity,
        -Infinity,
        -2.5 * 2 ** -24,
        0.1,
        -0.3,
      ];
      const n = 4096;
      const data = new Float32Array(n);
      data.set(edge);
      let s = 99;
      const bits = new Uint32Array(data.buffer);
      for (let i = edge.length; i < n; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        // Exponents around the f16 range, random mantissas.
        bits[i] = (s & 0x807fffff) | (((s >>> 23) % 48 + 98) << 23);
      }
      const p = layoutProgram({ direction: "pack", shape: [1, 1, n / 4, 4], kind: "f16" });
      const got = new Uint16Array(
        (await runLayout(gpu, p.code, p.dispatch, new Uint8Array(data.buffer), { bytes: n * 2 }))
          .buffer,
      );
      for (let i = 0; i < n; i++) {
        strictEqual(
          got[i],
          numberToF16Bits(data[i]),
          `f32 ${data[i]} (bits ${bits[i].toString(16)})`,
        );
      }
      const halves = Uint16Array.from({ length: 65536 }, (_, i) => i);
      const u = layoutProgram({ direction: "unpack", shape: [1, 1, 16384, 4], kind: "f16" });
      const wide = new Uint32Array(
        (await runLayout(gpu, u.code, u.dispatch, new Uint8Array(halves.buffer), {
          bytes: 65536 * 4,
        })).buffer,
      );
      const want = new Uint32Array(Float32Array.from(halves, (h) => f16BitsToNumber(h)).buffer);
      for (let h = 0; h < 65536; h++) strictEqual(wide[h], want[h], `half ${h.toString(16)}`);
    } finally {
      gpu.device.destroy();
    }
  },
});

Deno.test("sameLayout() holds only where PHWC4 bytes are the host's bytes", () => {
  for (const shape of [[1, 8, 8, 4], [2, 1, 1, 12], [12], [3, 4]]) {
    ok(sameLayout(shape, "f32"), `${shape}`);
  }
  for (const shape of [[1, 8, 8, 3], [1, 2, 2, 8], [1, 1001], [3, 8], [1, 8, 8, 4]]) {
    ok(!sameLayout(shape, shape[3] === 4 ? "f16" : "f32"), `${shape}`);
  }
});

Deno.test("uploadRoute() packs typed float and int data on the GPU and anything else on the host", () => {
  const home = (kind: StorageKind) => ({ kind, bytes: 16, offset: 0 }) as GpuTensorHome;
  const edge = (kind: StorageKind, pack: boolean): EdgeUpload => ({
    tensor: 0,
    home: home(kind),
    elements: 3,
    pack: pack ? {} as EdgeUpload["pack"] : undefined,
  });
  const f = { dtype: "float32", shape: [3], data: new Float32Array(3) } as HostTensor;
  const i = { dtype: "int32", shape: [3], data: new Int32Array(3) } as HostTensor;
  const h = { dtype: "float16", shape: [3], data: new Uint16Array(3) } as HostTensor;
  strictEqual(uploadRoute(edge("f32", true), f), "pack");
  strictEqual(uploadRoute(edge("f32", false), f), "copy");
  strictEqual(uploadRoute(edge("f16", true), f), "pack");
  strictEqual(uploadRoute(edge("i32", true), i), "pack");
  strictEqual(uploadRoute(edge("f32", true), i), "host");
  strictEqual(uploadRoute(edge("f16", true), h), "host");
  strictEqual(uploadRoute({ ...edge("f32", true), hostPack: true }, f), "host");
  strictEqual(uploadRoute({ ...edge("f32", true), elements: 4 }, f), "host");
});

Deno.test("readDownloads() copies into a given array that fits and allocates for the rest", () => {
  const home = (kind: StorageKind) => ({ kind, bytes: 16, offset: 0 }) as GpuTensorHome;
  const download = (tensor: number, kind: StorageKind, readOffset: number): EdgeDownload => ({
    tensor,
    home: home(kind),
    bytes: 16,
    source: {} as GPUBuffer,
    sourceOffset: 0,
    readOffset,
  });
  const plan = {
    graph: {
      tensors: [
        { dtype: "float32", shape: [4] },
        { dtype: "int32", shape: [4] },
        { dtype: "float32", shape: [4] },
      ],
    },
  } as unknown as ExecutionPlan;
  const mapped = new ArrayBuffer(48);
  new Float32Array(mapped, 0, 4).set([1, 2, 3, 4]);
  new Int32Array(mapped, 16, 4).set([5, 6, 7, 8]);
  new Float32Array(mapped, 32, 4).set([9, 10, 11, 12]);
  const f = new Float32Array(4);
  const i = new Int32Array(4);
  const wrongClass = new Int32Array(4);
  const into = new Map<number, TensorData>([[0, f], [1, i], [2, wrongClass]]);
  const [a, b, c] = readDownloads(
    mapped,
    [download(0, "f32", 0), download(1, "i32", 16), download(2, "f32", 32)],
    plan,
    into,
  );
  strictEqual(a.data, f, "float32 into the given array");
  strictEqual(b.data, i, "int32 into the given array");
  deepStrictEqual([...f, ...i], [1, 2, 3, 4, 5, 6, 7, 8]);
  ok(
    c.data !== wrongClass && c.data instanceof Float32Array,
    "a class mismatch gets a fresh array",
  );
  deepStrictEqual([...c.data], [9, 10, 11, 12]);
  deepStrictEqual([...wrongClass], [0, 0, 0, 0], "the mismatched array is left alone");
});
