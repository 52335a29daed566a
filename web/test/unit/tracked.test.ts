import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRoute, routeHash, withoutServerPath, type Route } from "../../src/tracked";

describe("tracked-model routes", () => {
  test("the library", () => {
    for (const hash of ["#/", "/", "#/tracked", "#/tracked/", "#/other"]) assert.deepEqual(parseRoute(hash), { page: "home" }, hash);
    assert.equal(routeHash({ page: "home" }), "#/");
  });

  test("the visualizer's addresses are not tracked pages", () => {
    assert.equal(parseRoute("#model=1&trt=8.6"), undefined);
    assert.equal(parseRoute(""), undefined);
  });

  test("a model, its name decoded", () => {
    assert.deepEqual(parseRoute("#/tracked/my%20net%2Fv2"), { page: "model", name: "my net/v2" });
    assert.deepEqual(parseRoute("#/tracked/%E0%A4%A"), { page: "home" });  // a broken escape
  });

  test("the version view: positive whole version numbers only", () => {
    assert.deepEqual(parseRoute("#/tracked/enc/diff?from=1&to=3"), { page: "diff", name: "enc", from: 1, to: 3 });
    assert.deepEqual(parseRoute("#/tracked/enc/diff?from=0&to=1.5"), { page: "diff", name: "enc", from: undefined, to: undefined });
    assert.deepEqual(parseRoute("#/tracked/enc/diff"), { page: "diff", name: "enc", from: undefined, to: undefined });
  });

  test("routeHash and parseRoute agree", () => {
    const routes: Route[] = [{ page: "home" }, { page: "model", name: "a b/c?d" }, { page: "diff", name: "x", from: 2, to: 5 },
      { page: "diff", name: "x", from: undefined, to: 4 }];
    for (const r of routes) assert.deepEqual(parseRoute(routeHash(r)), r.page === "diff" ? { from: undefined, to: undefined, ...r } : r);
    assert.equal(routeHash({ page: "diff", name: "x" }), "#/tracked/x/diff");
  });
});

describe("withoutServerPath", () => {
  test("the staged copy's path becomes the file name the user picked", () => {
    assert.equal(withoutServerPath("cannot parse /home/u/.local/share/trtlens/tmp/123-0-456/model.onnx: truncated", "net.onnx"),
      "cannot parse net.onnx: truncated");
    assert.equal(withoutServerPath("no path here", "net.onnx"), "no path here");
  });
});
