// Browser tests of issue 12, "the visualizer at a glance on real models": whole graphs, honest drawers, warnings in
// sight. Models are generated in code (web/e2e/onnx.mjs, build/trtlens-modelgen); verdicts are compared to
// `trtlens check --format json`. First paint is measured here (median of 5 loads) into web/test-results/perf.json.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  cliJson, finishSuite, generateModels, launchBrowser, newPage, openModel, setTarget, shots, startServer, STEP_MS, TEST, tempDir,
} from "./harness.mjs";
import { detectorModel, ifGeluModel } from "./onnx.mjs";

let tmp, models, server, browser, detector;
const ids = { small: "1", detector: "2", ifgelu: "3", big10k: "4", big100k: "5" };
const perf = {};

before(async () => {
  tmp = tempDir();
  models = generateModels(tmp.dir);
  detector = detectorModel(600);
  models.detector = path.join(tmp.dir, "det_db.onnx");
  writeFileSync(models.detector, detector.proto);
  models.ifgelu = path.join(tmp.dir, "vad_if.onnx");
  writeFileSync(models.ifgelu, ifGeluModel());
  server = await startServer([models.small, models.detector, models.ifgelu, models.big10k, models.big100k]);
  browser = await launchBrowser();
}, { timeout: 3 * STEP_MS });
after(() => finishSuite({ browser, server, tmp, perf }), { timeout: STEP_MS });

function open(modelId, { viewport, hash = "" } = {}) {
  return openModel(browser, server, modelId, { viewport, hash, firstPaint: true });
}

// First paint (ms since navigation, two frames after the first level is drawn) and the paint of its badges (the
// analysis may arrive later), medians of `runs` fresh loads.
async function firstPaint(modelId, runs = 5) {
  const graph = [], badges = [];
  let marks;
  for (let i = 0; i < runs; i++) {
    const { page } = await newPage(browser);
    await page.goto(`${server.url}#model=${modelId}`);
    await page.waitForFunction(() => document.body.dataset.firstPaintMs && document.body.dataset.verdictsMs, null, { timeout: 2 * STEP_MS });
    graph.push(Number(await page.evaluate(() => document.body.dataset.firstPaintMs)));
    badges.push(Number(await page.evaluate(() => document.body.dataset.verdictsMs)));
    marks = JSON.parse(await page.evaluate(() => document.body.dataset.marks ?? "{}"));
    await page.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // The 1-minute load average when the runs ended: on the shared 2-core machine it says how busy the runs were.
  return { median: median(graph), badges_median: median(badges), runs: graph, badge_runs: badges, last_marks: marks,
           load_average: Number(loadavg()[0].toFixed(2)) };
}

const inside = (box, vp) => box && box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;

describe("the visualizer at a glance (issue 12)", () => {
  test("a 600-node model without name scopes opens as one level: no groups, Constants folded, every node visible after fit", TEST, async () => {
    const viewport = { width: 1440, height: 900 };
    const { page, errors } = await open(ids.detector, { viewport });
    assert.equal(await page.locator("[data-group-name]").count(), 0, "no group boxes");
    assert.equal(await page.locator("#breadcrumb .crumb").count(), 1, "one level");
    const shown = await page.$$eval("[data-node-name]", (els) => els.map((e) => e.dataset.nodeName));
    const constants = new Set(detector.constants);
    const expected = detector.names.filter((n) => !constants.has(n));
    assert.equal(shown.length, expected.length, `every node but the ${constants.size} folded Constants is drawn`);
    assert.deepEqual(new Set(shown), new Set(expected));
    // The Conv fed by a Constant weight counts it in ⊞.
    const cli = cliJson(models.detector, "10.15", "fp16");
    assert.equal(cli.nodes.length, detector.nodeCount, "the CLI sees the same nodes");
    // Opens legible (Netron-like): the first node is drawn at a readable size.
    const first = await page.locator('[data-node-name="p2o.Conv.0"]').boundingBox();
    assert.ok(first && first.height >= 30, `first node is ${first?.height}px high`);
    await page.screenshot({ path: path.join(shots, "detector-1440x900.png") });
    await page.locator("#viewport").focus();
    await page.keyboard.press("f");
    const boxes = await page.$$eval("[data-node-name]", (els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));
    const vp = await page.locator("#viewport").boundingBox();
    const outside = boxes.filter((b) => b.x < vp.x - 0.5 || b.y < vp.y - 0.5 || b.x + b.width > vp.x + vp.width + 0.5 || b.y + b.height > vp.y + vp.height + 0.5);
    assert.equal(outside.length, 0, `${outside.length} nodes outside the viewport after fit`);
    assert.ok(boxes.every((b) => b.width >= 4), "every node still has a visible size after fit");
    await page.screenshot({ path: path.join(shots, "detector-1440x900-fit.png") });
    assert.deepEqual(errors, []);
    await page.close();
    const small = await open(ids.detector, { viewport: { width: 800, height: 600 } });
    await small.page.screenshot({ path: path.join(shots, "detector-800x600.png") });
    await small.page.close();
    perf.first_paint_600_ms = await firstPaint(ids.detector);
  });

  test("an If whose body fails: badge, Supported Runtimes per release, first supported release and body roll-ups agree", TEST, async () => {
    const { page, errors } = await open(ids.ifgelu, { hash: "&trt=8.6&precision=fp16" });
    await setTarget(page, "8.6", "fp16");
    const cli = cliJson(models.ifgelu, "8.6", "fp16");
    const parent = cli.nodes.find((n) => n.name === "vad/If");
    assert.equal(parent.status, "unsupported");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] .title .badge', "data-status"), "unsupported");
    // Item 7: the body roll-up on the node and on each body button.
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] .body-rollup', "data-status"), "unsupported");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] .body-rollup', "data-counts"), "1,0,1");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] button[data-body$="then_branch"]', "data-status"), "unsupported");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] button[data-body$="else_branch"]', "data-status"), "convertible");
    // Item 3: the first release where the If AND its Gelu convert is 10.0 (the If alone converts from 8.6 on).
    assert.equal(parent.first_supported_release, "10.0");
    await page.click('[data-node-name="vad/If"] .title');
    await page.click('#drawer [data-tab="issues"]');
    assert.match(await page.textContent("#drawer-body"), /first supported in TensorRT 10\.0/);
    // Item 2: the per-release column is the analysis of each release, bodies included.
    await page.click('#drawer [data-tab="runtimes"]');
    await page.waitForSelector("#drawer .runtime-table tr[data-release]");
    const rows = await page.$$eval("#drawer .runtime-table tr[data-release]", (trs) =>
      Object.fromEntries(trs.map((tr) => [tr.dataset.release, tr.querySelector(".node-verdict")?.dataset.status])));
    for (const release of ["8.6", "9.0", "9.3", "10.0", "10.15"]) {
      const expected = cliJson(models.ifgelu, release, "fp16").nodes.find((n) => n.name === "vad/If").status;
      assert.equal(rows[release], expected, `Supported Runtimes for ${release} agrees with the analysis`);
    }
    assert.equal(rows["9.3"], "unsupported");
    assert.equal(rows["10.0"], "convertible");
    await page.screenshot({ path: path.join(shots, "if-body-failing.png") });
    // Switching to 10.0 makes the body and the roll-ups green.
    await setTarget(page, "10.0", "fp16");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] .body-rollup', "data-status"), "convertible");
    assert.equal(await page.getAttribute('[data-node-name="vad/If"] button[data-body$="then_branch"]', "data-status"), "convertible");
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const viewport of [{ width: 800, height: 600 }, { width: 1440, height: 900 }]) {
    test(`at ${viewport.width}x${viewport.height} the whole runtime selector is visible and usable`, TEST, async () => {
      const { page, errors } = await open(ids.small, { viewport });
      await setTarget(page, "10.15", "fp16");  // the widest selector: a 10.x release with four extra precisions
      const parts = await page.$$eval("#runtime select, #runtime input, #runtime label", (els) =>
        els.map((e) => { const r = e.getBoundingClientRect(); return { id: e.id || e.dataset.precision || e.textContent.trim(), x: r.x, y: r.y, width: r.width, height: r.height }; }));
      assert.ok(parts.length >= 8, `found ${parts.length} controls`);
      for (const p of parts) assert.ok(inside(p, viewport), `${p.id} at ${JSON.stringify(p)} is inside ${viewport.width}x${viewport.height}`);
      await page.check("#strict");
      await page.waitForFunction(() => /strict/.test(document.querySelector("#summary:not([data-stale]) .target")?.textContent ?? ""));
      await page.check('#precision-extra input[data-precision="int8"]');
      await page.waitForFunction(() => /\(int8,fp16, strict\)/.test(document.querySelector("#summary:not([data-stale]) .target")?.textContent ?? ""));
      // The drawer starts under the (wrapped) top bar.
      await page.click('[data-node-name="head/Softmax"]');
      const bar = await page.locator("#topbar").boundingBox();
      const drawer = await page.locator("#drawer").boundingBox();
      assert.ok(drawer.y >= bar.y + bar.height - 1, "drawer below the top bar");
      await page.screenshot({ path: path.join(shots, `topbar-${viewport.width}x${viewport.height}.png`) });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  test("warnings and fallback are in sight: counts, badge markers, model warnings, lists, problems only, n/p", TEST, async () => {
    const { page, errors } = await open(ids.ifgelu);
    await setTarget(page, "8.6", "fp16");
    const cli = cliJson(models.ifgelu, "8.6", "fp16");
    const modelWarnings = cli.model_issues.filter((m) => m.severity !== "error");
    assert.ok(modelWarnings.length > 0, "the model has model-level warnings");
    assert.equal(Number(await page.getAttribute('#summary .count[data-status="warnings"]', "data-count")), cli.summary.warnings + modelWarnings.length);
    for (const m of modelWarnings) assert.equal(await page.locator(`#summary .model-issue[data-code="${m.code}"]`).count(), 1, m.code);
    const warned = cli.nodes.find((n) => n.graph === "" && n.warnings.length);
    assert.equal(await page.getAttribute(`[data-node-name="${warned.name}"] .badge`, "data-warnings"), String(warned.warnings.length));
    assert.match(await page.getAttribute(`[data-node-name="${warned.name}"] .badge`, "title"), new RegExp(warned.warnings[0].code));
    // The unsupported badge's tooltip gives the reason.
    assert.match(await page.getAttribute('[data-node-name="vad/If"] .title .badge', "title"), /TRT_BODY_NODE_UNSUPPORTED/);
    await page.close();

    // 79 % fallback is not a green "model converts"; the fallback nodes are listed and visited with n / p.
    const small = await open(ids.small, {});
    const p2 = small.page;
    await setTarget(p2, "10.15", "int8");
    const cliSmall = cliJson(models.small, "10.15", "int8");
    assert.ok(cliSmall.summary.fallback > cliSmall.summary.convertible, "most nodes fall back under int8");
    assert.equal(await p2.getAttribute("#summary .verdict", "data-verdict"), "fallback");
    assert.match(await p2.textContent("#summary .verdict"), new RegExp(`${cliSmall.summary.fallback} of ${cliSmall.nodes.length} nodes`));
    const listed = await p2.$$eval('#summary [data-list="fallback"] .node-link', (els) => els.map((e) => Number(e.dataset.index)));
    assert.deepEqual(listed.sort((a, b) => a - b), cliSmall.nodes.filter((n) => n.status === "fallback").map((n) => n.index).sort((a, b) => a - b));
    await p2.check("#problems-only");
    const opacity = (name) => p2.$eval(`[data-node-name="${name}"]`, (e) => Number(getComputedStyle(e).opacity));
    assert.ok((await opacity("stem/Gelu")) < 0.5, "a convertible node is dimmed");
    assert.equal(await opacity("head/Softmax"), 1, "a fallback node is not");
    await p2.locator("#viewport").focus();
    const problems = cliSmall.nodes.filter((n) => n.status !== "convertible");
    await p2.keyboard.press("n");
    await p2.waitForFunction((name) => document.querySelector("#drawer-title")?.textContent?.includes(name), problems[0].name);
    await p2.locator("#viewport").focus();
    await p2.keyboard.press("n");
    await p2.waitForFunction((name) => document.querySelector("#drawer-title")?.textContent?.includes(name), problems[1].name);
    await p2.locator("#viewport").focus();
    await p2.keyboard.press("p");
    await p2.waitForFunction((name) => document.querySelector("#drawer-title")?.textContent?.includes(name), problems[0].name);
    await p2.screenshot({ path: path.join(shots, "problems.png") });
    assert.deepEqual([...errors, ...small.errors], []);
    await p2.close();
  });

  test("FP16 + INT8 desires both: a node without an INT8 kernel runs in FP16 and is convertible, not a fallback", TEST, async () => {
    const { page, errors } = await open(ids.small);
    await setTarget(page, "8.6", "int8");
    const softmax = '[data-node-name="head/Softmax"] .title .badge';
    assert.equal(await page.getAttribute(softmax, "data-status"), "fallback", "INT8 alone: Softmax has no INT8 kernel");
    await setTarget(page, "8.6", "fp16");
    await page.check('#precision-extra input[data-precision="int8"]');
    await page.waitForFunction(() => /\(int8,fp16\)/.test(document.querySelector("#summary:not([data-stale]) .target")?.textContent ?? ""));
    assert.equal(await page.getAttribute(softmax, "data-status"), "convertible");
    assert.equal(await page.getAttribute(`${softmax} .runs-in`, "data-runs-in"), "fp16");
    const cli = cliJson(models.small, "8.6", "fp16,int8");
    assert.equal(cli.nodes.find((n) => n.name === "head/Softmax").status, "convertible");
    assert.equal(cli.nodes.find((n) => n.name === "head/Softmax").runs_in, "fp16");
    assert.equal(Number(await page.getAttribute('#summary .count[data-status="fallback"]', "data-count")), cli.summary.fallback);
    assert.equal(await page.locator('#summary [data-list="fallback"] .node-link[title="head/Softmax"]').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a body node reached by search has a way back: breadcrumb from the main graph, Esc goes up", TEST, async () => {
    const { page } = await open(ids.small);
    await page.keyboard.press("/");
    await page.keyboard.type("then_branch/Identity");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-node-name="then_branch/Identity"]');
    const crumbs = await page.$$eval("#breadcrumb .crumb", (els) => els.map((e) => e.textContent));
    assert.equal(crumbs.length, 2, `breadcrumb ${JSON.stringify(crumbs)}`);
    assert.equal(crumbs[0], "small.onnx");
    await page.keyboard.press("Escape");  // closes the drawer
    await page.waitForSelector("#drawer[hidden]", { state: "attached" });
    await page.keyboard.press("Escape");  // up to the main graph
    await page.waitForSelector('[data-node-name="head/If"]');
    assert.equal(await page.locator("#breadcrumb .crumb").count(), 1);
    await page.close();
  });

  test("clicking the middle of an If node opens its drawer, not a body", TEST, async () => {
    const { page } = await open(ids.small);
    await page.click('[data-node-name="stem/Gelu"]');
    await page.waitForFunction(() => document.querySelector("#drawer-title")?.textContent?.includes("stem/Gelu"));
    await page.keyboard.press("Escape");
    await page.click('[data-node-name="head/If"]');  // the centre of the box
    await page.waitForFunction(() => document.querySelector("#drawer-title")?.textContent?.includes("head/If"));
    assert.equal(await page.locator("#breadcrumb .crumb").count(), 1, "still on the main graph");
    await page.close();
  });

  test("loading and stale states: a note while the model loads, old counts marked while a new target is analysed", TEST, async () => {
    const { page } = await newPage(browser);
    let releaseGraph;
    const graphHeld = new Promise((resolve) => (releaseGraph = resolve));
    await page.route("**/api/models/*/graph*", async (route) => { await graphHeld; await route.continue(); });
    await page.goto(`${server.url}#model=${ids.small}`);
    await page.waitForSelector("#loading:not([hidden])");
    assert.match(await page.textContent("#loading"), /Loading small\.onnx/);
    releaseGraph();
    await page.waitForSelector("[data-node-name] .badge[data-status]");
    assert.equal(await page.isHidden("#loading"), true);
    let releaseAnalysis;
    const analysisHeld = new Promise((resolve) => (releaseAnalysis = resolve));
    await page.route("**/api/models/*/analysis*", async (route) => { await analysisHeld; await route.continue(); });
    await page.selectOption("#runtime-type", "8.6");
    await page.waitForSelector("#summary[data-stale]");
    assert.match(await page.textContent("#summary .target"), /Analysing for TensorRT 8\.6/);
    releaseAnalysis();
    await page.waitForSelector("#summary:not([data-stale])");
    assert.match(await page.textContent("#summary .target"), /on TensorRT 8\.6\.1/);
    await page.close();
  });

  test("Supported Runtimes marks the selected release, scrolls to it and lists the op's types", TEST, async () => {
    const { page } = await open(ids.small);
    await setTarget(page, "8.6", "fp16");
    await page.click('[data-node-name="head/Greater"]');
    await page.click('#drawer [data-tab="runtimes"]');
    await page.waitForSelector('#drawer .runtime-table tr.selected[data-release="8.6"]');
    assert.equal(await page.locator("#drawer .runtime-table tr.selected").count(), 1);
    const row = await page.locator('#drawer .runtime-table tr[data-release="8.6"]').boundingBox();
    const body = await page.locator("#drawer-body").boundingBox();
    assert.ok(row.y >= body.y && row.y + row.height <= body.y + body.height, "the selected release is scrolled into view");
    const types = await page.getAttribute('#drawer tr[data-release="8.6"] td.types', "data-types");
    assert.ok(types.split(",").includes("FP32"), `types listed: ${types}`);
    await page.screenshot({ path: path.join(shots, "runtimes-selected.png") });
    await page.close();
  });

  test("smaller things: target in the address, search by tensor with a total and arrow keys, focus, toolbar, contrast, favicon", TEST, async () => {
    const { page, errors } = await open(ids.small);
    await setTarget(page, "8.6", "int8");
    assert.match(page.url(), /trt=8\.6/);
    await page.reload();
    await page.waitForFunction(() => /TensorRT 8\.6\.1 \(int8/.test(document.querySelector("#summary:not([data-stale]) .target")?.textContent ?? ""));
    assert.equal(await page.inputValue("#runtime-type"), "8.6");
    // Search: a tensor name finds the node that makes or reads it; the total is given; arrows pick a result.
    await page.keyboard.press("/");
    await page.keyboard.type("fc_mm");
    await page.waitForSelector("#search-results li[data-total]");
    assert.equal(await page.getAttribute("#search-results li[data-total]", "data-total"), "2");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#drawer-title")?.textContent?.includes("head/Add"));
    await page.keyboard.press("/");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("e");
    const total = Number(await page.getAttribute("#search-results li[data-total]", "data-total"));
    assert.ok(total > 0);
    await page.keyboard.press("Escape");
    // Opening the drawer moves focus into it; the zoom toolbar stays clear of it.
    await page.click('[data-node-name="head/Softmax"]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), "drawer-title");
    const toolbar = await page.locator("#toolbar").boundingBox();
    const drawer = await page.locator("#drawer").boundingBox();
    assert.ok(toolbar.x + toolbar.width <= drawer.x, "toolbar left of the drawer");
    assert.equal(await page.getAttribute('[data-node-name="head/Softmax"]', "role"), "button");
    // Amber (fallback) on white: at least 4.5:1 (WCAG AA).
    const ratio = await page.$eval('[data-node-name="head/Softmax"] .badge', (e) => {
      const lum = (c) => { const [r, g, b] = c.match(/\d+/g).slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      return 1.05 / (lum(getComputedStyle(e).backgroundColor) + 0.05);
    });
    assert.ok(ratio >= 4.5, `fallback badge contrast ${ratio.toFixed(2)}:1`);
    const favicon = await fetch(`${server.url}favicon.svg`);
    assert.equal(favicon.status, 200);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("first paint of 10k- and 100k-node models (median of 5)", { timeout: 12 * STEP_MS }, async () => {
    perf.first_paint_10k_ms = await firstPaint(ids.big10k);
    perf.first_paint_100k_ms = await firstPaint(ids.big100k);
    assert.ok(perf.first_paint_10k_ms.median > 0 && perf.first_paint_100k_ms.median > 0);
  });
});
