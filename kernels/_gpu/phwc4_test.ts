import { deepStrictEqual } from "node:assert";
import { packPhwc4, unpackPhwc4 } from "./phwc4.ts";
import type { HostTensor } from "../../core/kernel.ts";

const shapes = [
  [1, 3, 5, 1],
  [2, 4, 3, 3],
  [1, 2, 2, 4],
  [2, 3, 2, 5],
  [1, 1, 1, 9],
  [7],
  [3, 6],
  [],
];

Deno.test("packPhwc4() then unpackPhwc4() round-trips float32 and int32 of every channel count", () => {
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const f: HostTensor = {
      dtype: "float32",
      shape,
      data: Float32Array.from({ length: n }, (_, i) => i - 3.5),
    };
    const i32: HostTensor = {
      dtype: "int32",
      shape,
      data: Int32Array.from({ length: n }, (_, i) => 7 - i),
    };
    for (const [t, kind] of [[f, "f32"], [f, "f16"], [i32, "i32"]] as const) {
      const back = unpackPhwc4(packPhwc4(t, kind), t, kind);
      deepStrictEqual(
        Array.from(back.data as ArrayLike<number>),
        Array.from(t.data as ArrayLike<number>),
      );
    }
  }
});

Deno.test("packPhwc4() zero-fills the padding lanes of a 5-channel tensor", () => {
  const t: HostTensor = {
    dtype: "float32",
    shape: [1, 1, 2, 5],
    data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
  };
  const v = new Float32Array(packPhwc4(t, "f32").buffer);
  deepStrictEqual(Array.from(v), [1, 2, 3, 4, 6, 7, 8, 9, 5, 0, 0, 0, 10, 0, 0, 0]);
});

Deno.test("a rank-5 tensor packs as [N * D, H, W, C] and unpacks to its own shape", () => {
  const shape = [2, 3, 2, 2, 5];
  const t: HostTensor = {
    dtype: "float32",
    shape,
    data: Float32Array.from({ length: 120 }, (_, i) => i + 1),
  };
  const as4: HostTensor = { ...t, shape: [6, 2, 2, 5] };
  deepStrictEqual(packPhwc4(t, "f32"), packPhwc4(as4, "f32"));
  const back = unpackPhwc4(packPhwc4(t, "f32"), t, "f32");
  deepStrictEqual(back.shape, shape);
  deepStrictEqual([...back.data], [...t.data]);
});
