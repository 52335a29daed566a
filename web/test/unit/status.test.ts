import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NodeVerdict, Status } from "../../src/api";
import {
  countText, countTotal, countWords, isStatus, NOT_ANALYSED, noCounts, problemOf, rollUp, severity, STATUS, statusClass,
  STATUSES, statusMark, statusOfCode, statusTitle, verdictTitle,
} from "../../src/status";

const verdict = (v: Partial<NodeVerdict> & Pick<NodeVerdict, "status">): NodeVerdict =>
  ({ index: 0, runs_in: null, reasons: [], warnings: [], ...v });

describe("the status table", () => {
  test("names every status once, best first", () => {
    assert.deepEqual([...STATUSES], ["convertible", "fallback", "unsupported"]);
    assert.deepEqual(Object.keys(STATUS).sort(), [...STATUSES].sort());
  });

  test("marks, titles and codes", () => {
    assert.deepEqual(STATUSES.map((s) => STATUS[s].mark), ["✓", "↓", "✗"]);
    assert.deepEqual(STATUSES.map((s) => STATUS[s].title), ["Convertible", "Fallback", "Unsupported"]);
    assert.deepEqual(STATUSES.map((s) => STATUS[s].code), ["c", "f", "u"]);
  });

  test("severity follows the order", () => {
    assert.deepEqual(STATUSES.map(severity), [0, 1, 2]);
  });

  test("an unknown or missing status is 'not analysed'", () => {
    for (const s of [undefined, null, "", "maybe", "toString", "__proto__"]) {
      assert.equal(isStatus(s), false, String(s));
      assert.equal(statusMark(s), "?");
      assert.equal(statusClass(s), "unknown");
      assert.equal(statusTitle(s), "Not analysed");
    }
    assert.equal(NOT_ANALYSED.title, "Not analysed");
  });

  test("the class of a status is its name", () => {
    for (const s of STATUSES) assert.equal(statusClass(s), s);
  });

  test("the compact analysis's letters decode to statuses", () => {
    assert.equal(statusOfCode("c"), "convertible");
    assert.equal(statusOfCode("f"), "fallback");
    assert.equal(statusOfCode("u"), "unsupported");
    assert.equal(statusOfCode("x"), undefined);
    assert.equal(statusOfCode(undefined), undefined);
  });
});

describe("counts", () => {
  const counts = { convertible: 7, fallback: 2, unsupported: 1 };
  test("as marks, as words, in total", () => {
    assert.equal(countText(counts), "7 ✓, 2 ↓, 1 ✗");
    assert.equal(countWords(counts), "7 convertible, 2 fallback, 1 unsupported");
    assert.equal(countTotal(counts), 10);
    assert.equal(countTotal(noCounts()), 0);
  });

  test("a roll-up counts each status and names the worst", () => {
    const status = new Map<number, Status>([[0, "convertible"], [1, "fallback"], [2, "convertible"], [3, "unsupported"]]);
    assert.deepEqual(rollUp([0, 1, 2, 3], status), { worst: "unsupported", counts: { convertible: 2, fallback: 1, unsupported: 1 } });
    assert.deepEqual(rollUp([0, 1], status), { worst: "fallback", counts: { convertible: 1, fallback: 1, unsupported: 0 } });
    assert.deepEqual(rollUp([2], status), { worst: "convertible", counts: { convertible: 1, fallback: 0, unsupported: 0 } });
  });

  test("a roll-up skips nodes without a verdict", () => {
    const status = new Map<number, Status>([[1, "fallback"]]);
    assert.deepEqual(rollUp([0, 1, 9], status), { worst: "fallback", counts: { convertible: 0, fallback: 1, unsupported: 0 } });
    assert.deepEqual(rollUp([0, 9], status), { worst: undefined, counts: noCounts() });
  });
});

describe("problems", () => {
  // 0 convertible, 1 convertible with a warning, 2 fallback, 3 unsupported
  const verdicts = new Map<number, NodeVerdict>([[0, verdict({ status: "convertible" })],
    [1, verdict({ status: "convertible", warnings: [{ code: "TRT_W", message: "w" }] })],
    [2, verdict({ status: "fallback" })], [3, verdict({ status: "unsupported" })]]);
  test("unsupported beats fallback beats a warning, in any order", () => {
    assert.equal(problemOf([1, 2, 3], verdicts), "unsupported");
    assert.equal(problemOf([3, 2], verdicts), "unsupported");
    assert.equal(problemOf([1, 2], verdicts), "fallback");
    assert.equal(problemOf([2, 1], verdicts), "fallback");
    assert.equal(problemOf([0, 1], verdicts), "warning");
  });

  test("nothing wrong, or nothing analysed, is no problem", () => {
    assert.equal(problemOf([0], verdicts), "");
    assert.equal(problemOf([7, 8], verdicts), "");
    assert.equal(problemOf([], verdicts), "");
  });
});

describe("titles", () => {
  test("a fallback's short title says where it runs", () => {
    assert.equal(statusTitle("fallback", "fp16"), "Fallback: runs in FP16");
    assert.equal(statusTitle("fallback", "fp32"), "Fallback: runs in FP32");
    assert.equal(statusTitle("fallback", null), "Fallback: runs in a wider precision than the desired one");
  });

  test("the other statuses' short titles", () => {
    assert.equal(statusTitle("convertible", "int8"), "Convertible, runs in INT8");
    assert.equal(statusTitle("convertible"), "Convertible");
    assert.equal(statusTitle("unsupported", null), "Unsupported");
  });

  test("a fallback verdict: its reason, or the missing kernels of the desired precisions, and runs_in", () => {
    assert.equal(verdictTitle(verdict({ status: "fallback", runs_in: "fp16" }), ["fp16", "int8"]),
      "Fallback: no FP16 or INT8 kernel, runs in FP16");
    assert.equal(verdictTitle(verdict({ status: "fallback", runs_in: "fp32" }), ["fp32", "fp16"]),
      "Fallback: no FP16 kernel, runs in FP32");
    assert.equal(verdictTitle(verdict({ status: "fallback", runs_in: "fp32" })), "Fallback: no such kernel, runs in FP32");
    assert.equal(verdictTitle(verdict({ status: "fallback", runs_in: "fp16",
      reasons: [{ code: "TRT_NO_INT8", message: "no INT8 kernel for Softmax", hint: "" }] }), ["int8"]),
      "Fallback: no INT8 kernel for Softmax, runs in FP16");
  });

  test("an unsupported verdict names its first reason and how many more", () => {
    const reasons = [{ code: "TRT_A", message: "first", hint: "" }, { code: "TRT_B", message: "second", hint: "" },
      { code: "TRT_C", message: "third", hint: "" }];
    assert.equal(verdictTitle(verdict({ status: "unsupported", reasons })), "Unsupported: TRT_A: first (+2 more)");
    assert.equal(verdictTitle(verdict({ status: "unsupported", reasons: reasons.slice(0, 1) })), "Unsupported: TRT_A: first");
    assert.equal(verdictTitle(verdict({ status: "unsupported" })), "Unsupported: see the Issues tab");
  });

  test("a convertible verdict with a precision note, a device and warnings (each code once)", () => {
    const v = verdict({ status: "convertible", runs_in: "int8", device: "dla",
      precision: { code: "TRT_Q", message: "between Q and DQ" },
      warnings: [{ code: "TRT_W1", message: "a" }, { code: "TRT_W2", message: "b" }, { code: "TRT_W1", message: "c" }] });
    assert.equal(verdictTitle(v), "Convertible, runs in INT8\nWhy int8: between Q and DQ\nDevice: DLA\n3 warning(s): TRT_W1, TRT_W2");
  });

  test("no verdict", () => {
    assert.equal(verdictTitle(undefined), "Not analysed");
  });
});
