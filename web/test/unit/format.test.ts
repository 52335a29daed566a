import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Tensor } from "../../src/api";
import { byteSize, edgeText, groupBy, middleEllipsis } from "../../src/format";

describe("middleEllipsis", () => {
  test("a name that fits is kept", () => {
    assert.equal(middleEllipsis("conv1", 34), "conv1");
    assert.equal(middleEllipsis("x".repeat(34), 34), "x".repeat(34));
  });

  test("a longer name keeps both ends, the longer part at the end, and is exactly max long", () => {
    const name = "backbone/stage3/block12/conv2d_41.tmp_0";
    const cut = middleEllipsis(name, 20);
    assert.equal(cut, "backbon…v2d_41.tmp_0");
    assert.equal(cut.length, 20);
    assert.ok(name.startsWith(cut.split("…")[0]) && name.endsWith(cut.split("…")[1]));
  });
});

describe("edgeText", () => {
  const tensors: Record<string, Tensor> = {
    x: { dtype: "float32", shape: [1, null, 224], kind: "input" },
    s: { dtype: "int64", shape: [], kind: "intermediate" },
    u: { dtype: "float16", shape: null, kind: "intermediate" },
  };
  const find = (name: string) => tensors[name];
  test("type and shape, '?' for a dynamic dimension", () => {
    assert.equal(edgeText(["x"], find), "float32[1×?×224]");
    assert.equal(edgeText(["s"], find), "int64[]");
    assert.equal(edgeText(["u"], find), "float16");
  });
  test("an unknown tensor, and an edge carrying several", () => {
    assert.equal(edgeText(["nope"], find), "?");
    assert.equal(edgeText(["x", "s", "u"], find), "3 tensors");
  });
});

describe("groupBy", () => {
  test("nodes under each key, keys and nodes in first-seen order, a node under several keys", () => {
    const verdicts = [{ index: 4, codes: ["B"] }, { index: 1, codes: ["A", "B"] }, { index: 7, codes: ["A"] }, { index: 9, codes: [] }];
    const groups = groupBy(verdicts, (v) => v.codes);
    assert.deepEqual([...groups.entries()], [["B", [4, 1]], ["A", [1, 7]]]);
  });
});

describe("byteSize", () => {
  test("bytes, KiB, MiB", () => {
    assert.equal(byteSize(0), "0 B");
    assert.equal(byteSize(1023), "1023 B");
    assert.equal(byteSize(1024), "1.0 KiB");
    assert.equal(byteSize(1536), "1.5 KiB");
    assert.equal(byteSize(1 << 20), "1.0 MiB");
    assert.equal(byteSize(5 * (1 << 20) + (1 << 19)), "5.5 MiB");
  });
});
