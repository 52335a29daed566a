// Browser tests of `trtlens serve`: the UI driven in Debian's headless chromium against the real server, with
// verdicts compared to `trtlens check --format json`.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  cliJson, finishSuite, generateModels, launchBrowser, openModel, setTarget, shots, startServer, STEP_MS, TEST, tempDir,
} from "./harness.mjs";

let tmp, models, server, browser;
const ids = { small: "1", xss: "2", big10k: "3", big100k: "4" };
const perf = {};

before(async () => {
  tmp = tempDir();
  models = generateModels(tmp.dir);
  server = await startServer([models.small, models.xss, models.big10k, models.big100k]);
  browser = await launchBrowser();
}, { timeout: 3 * STEP_MS });
after(() => finishSuite({ browser, server, tmp, perf }), { timeout: STEP_MS });

function open(modelId = ids.small) {
  return openModel(browser, server, modelId);
}

async function summaryCounts(page) {
  return page.$$eval("#summary .count:not(.warnings)", (els) => Object.fromEntries(els.map((e) => [e.dataset.status, Number(e.dataset.count)])));
}
async function badgesByName(page) {
  return page.$$eval("[data-node-name]", (els) => Object.fromEntries(els.map((e) => [e.dataset.nodeName, e.querySelector(".badge")?.dataset.status])));
}

describe("visualizer", () => {
  test("badge counts equal the CLI's JSON for two releases and two precisions", TEST, async () => {
    const { page, errors } = await open();
    for (const [release, version] of [["8.6", "8.6.1"], ["10.15", "10.15.1"]]) {
      for (const precision of ["fp16", "int8"]) {
        await setTarget(page, release, precision);
        const cli = cliJson(models.small, release, precision);
        const counts = await summaryCounts(page);
        assert.deepEqual(counts, { convertible: cli.summary.convertible, fallback: cli.summary.fallback, unsupported: cli.summary.unsupported },
          `summary for ${version} ${precision}`);
        const shown = await badgesByName(page);
        const main = cli.nodes.filter((n) => n.graph === "");
        assert.equal(Object.keys(shown).length, main.length, "every main-graph node has a badge");
        for (const n of main) assert.equal(shown[n.name], n.status, `${n.name} on ${version} ${precision}`);
      }
    }
    await page.screenshot({ path: path.join(shots, "main-view.png") });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("extra builder precisions (FP16 + INT8) match the CLI's --precision fp16,int8", TEST, async () => {
    const { page, errors } = await open();
    await setTarget(page, "10.15", "fp16");
    const boxes = async () => page.$$eval("#precision-extra input[data-precision]", (els) => els.map((e) => e.dataset.precision));
    assert.ok((await boxes()).includes("int8"), "10.15 offers INT8 next to FP16");
    assert.ok((await boxes()).includes("fp8"), "10.15 offers FP8");
    await page.check('#precision-extra input[data-precision="int8"]');
    // The analysis lists the builder precisions narrowest first: "(int8,fp16)".
    await page.waitForFunction(() => /\(int8,fp16\b/.test(document.querySelector("#summary .target")?.textContent ?? ""));
    for (const [release, version] of [["10.15", "10.15.1"], ["8.6", "8.6.1"]]) {
      if (release === "8.6") {
        await page.selectOption("#runtime-type", release);
        await page.waitForFunction(() => (document.querySelector("#summary .target")?.textContent ?? "").includes("TensorRT 8.6"));
        assert.ok(!(await boxes()).includes("fp8"), "8.6 has no FP8 to offer");
        assert.ok(await page.isChecked('#precision-extra input[data-precision="int8"]'), "INT8 stays checked across releases");
      }
      const cli = cliJson(models.small, release, "fp16,int8");
      assert.deepEqual(await summaryCounts(page),
        { convertible: cli.summary.convertible, fallback: cli.summary.fallback, unsupported: cli.summary.unsupported },
        `summary for ${version} fp16,int8`);
      const shown = await badgesByName(page);
      for (const n of cli.nodes.filter((x) => x.graph === "")) assert.equal(shown[n.name], n.status, `${n.name} on ${version} fp16,int8`);
    }
    await page.screenshot({ path: path.join(shots, "extra-precision.png") });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("switching release and precision changes badges without reloading", TEST, async () => {
    const { page } = await open();
    await page.evaluate(() => ((window).__marker = 1));
    await setTarget(page, "8.6", "fp16");
    const gelu = '[data-node-name="stem/Gelu"] .badge';
    const softmax = '[data-node-name="head/Softmax"] .badge';
    assert.equal(await page.getAttribute(gelu, "data-status"), "unsupported");
    assert.equal(await page.getAttribute(softmax, "data-status"), "convertible");
    await setTarget(page, "8.6", "int8");
    assert.equal(await page.getAttribute(softmax, "data-status"), "fallback");
    assert.match(await page.getAttribute(softmax, "title"), /runs in FP/);
    await setTarget(page, "10.15", "int8");
    assert.equal(await page.getAttribute(gelu, "data-status"), "convertible");
    assert.equal(await page.evaluate(() => (window).__marker), 1, "no page reload");
    await page.close();
  });

  test("drawer shows the Supported Runtimes table with the node's verdict per release", TEST, async () => {
    const { page } = await open();
    await setTarget(page, "8.6", "fp16");
    await page.click('[data-node-name="stem/Gelu"]');
    await page.click('#drawer [data-tab="runtimes"]');
    await page.waitForSelector("#drawer .runtime-table tr[data-release]");
    const rows = await page.$$eval("#drawer .runtime-table tr[data-release]", (trs) => trs.map((tr) => ({
      release: tr.dataset.release, node: tr.querySelector(".node-verdict")?.dataset.status,
      fp16: tr.querySelector('td[data-precision="fp16"]')?.textContent })));
    const byRelease = Object.fromEntries(rows.map((r) => [r.release, r]));
    assert.equal(rows[0].release, "10.15", "newest release first");
    assert.equal(byRelease["8.6"].node, "unsupported");
    assert.equal(byRelease["8.6"].fp16, "✗");
    assert.equal(byRelease["10.0"].node, "convertible");
    assert.equal(byRelease["10.0"].fp16, "✓");
    await page.screenshot({ path: path.join(shots, "drawer-runtimes.png") });
    await page.click('#drawer [data-tab="issues"]');
    assert.match(await page.textContent("#drawer-body"), /TRT_NO_IMPORTER/);
    await page.click('#drawer [data-tab="properties"]');
    assert.match(await page.textContent("#drawer-body"), /stem_out/);
    await page.close();
  });

  test("an If body can be opened and its nodes carry badges", TEST, async () => {
    const { page } = await open();
    await page.click('[data-node-name="head/If"] button[data-body$="then_branch"]');
    await page.waitForSelector('[data-node-name="then_branch/Identity"] .badge[data-status]');
    assert.match(await page.textContent("#breadcrumb"), /then_branch/);
    await page.screenshot({ path: path.join(shots, "if-body.png") });
    await page.keyboard.press("Escape");
    await page.waitForSelector('[data-node-name="head/If"]');
    await page.close();
  });

  test("search and keyboard navigation reach a node", TEST, async () => {
    const { page } = await open();
    await page.keyboard.press("/");
    await page.keyboard.type("softmax");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#drawer:not([hidden])");
    assert.match(await page.textContent("#drawer-title"), /head\/Softmax/);
    await page.keyboard.press("Escape");
    await page.click("#viewport", { position: { x: 5, y: 5 } });
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator(".item.selected").count(), 1);
    await page.close();
  });

  test("uploading an invalid file shows a readable error and keeps the view", TEST, async () => {
    const { page } = await open();
    await page.setInputFiles("#file-input", { name: "notes.onnx", mimeType: "application/octet-stream", buffer: Buffer.from("this is not a model") });
    await page.waitForSelector("#error:not([hidden])");
    const text = await page.textContent("#error");
    assert.match(text, /Cannot open notes\.onnx: /);
    assert.ok(!text.includes("trtlens-serve-"), "no server-side temp path in the message");
    assert.ok(await page.locator('[data-node-name="stem/Gelu"]').count() === 1, "graph still shown");
    await page.screenshot({ path: path.join(shots, "upload-error.png") });
    await page.close();
  });

  test("uploading a valid model opens it", TEST, async () => {
    const { page } = await open();
    await page.setInputFiles("#file-input", models.xss);
    await page.waitForSelector('[data-node-name="<script>alert(4)</script>"]');
    assert.match(await page.$eval("#model-select", (s) => s.selectedOptions[0].textContent), /xss\.onnx/);
    await page.close();
  });

  test("model strings are shown as text and run no script", TEST, async () => {
    const { page, errors } = await open(ids.xss);
    const name = "<img src=x onerror=alert(1)>";
    const el = page.locator(`[data-node-name="${name}"]`);
    assert.equal(await el.count(), 1);
    assert.match(await el.textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.equal(await page.locator("#stage img, #stage script, #stage svg[onload]").count(), 0);
    await el.click();
    // Attributes arrive with the node's details, fetched when the drawer opens: wait for them, then check them.
    await page.locator("#drawer-body", { hasText: "<script>alert(3)</script>" }).waitFor({ timeout: 15000 });
    assert.match(await page.textContent("#drawer-body"), /<script>alert\(3\)<\/script>/);
    await page.click('[data-node-name="<script>alert(4)</script>"]');
    await page.locator("#drawer-body", { hasText: "<img src=y onerror=alert(5)>" }).waitFor({ timeout: 15000 });
    assert.match(await page.textContent("#drawer-body"), /<img src=y onerror=alert\(5\)>/);
    // Give any injected handler its chance to run: two frames, not a fixed sleep.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(errors, [], "no dialog opened, no script error");
    await page.screenshot({ path: path.join(shots, "xss.png") });
    await page.close();
  });

  test("a 10k-node model paints grouped by name scope with roll-up badges; switching target is fast", TEST, async () => {
    const { page } = await open(ids.big10k);
    await page.waitForFunction(() => document.body.dataset.firstPaintMs);
    perf.visualizer_first_paint_10k_ms = Number(await page.evaluate(() => document.body.dataset.firstPaintMs));
    const groups = await page.locator("[data-group-name] .badge[data-status]").count();
    // Too big for one level (10k nodes): the layers' name scopes become groups; 668 layers are more than a level
    // shows, so contiguous runs of whole layers share a box ("layer0 … layer3"), never a run cut inside a layer.
    assert.ok(groups >= 50 && groups <= 250, `grouped level shows ${groups} groups`);
    const labels = await page.$$eval("[data-group-name]", (els) => els.map((e) => e.dataset.groupName));
    const odd = labels.filter((l) => !/^layer\d+( … (layer\d+|final\/\S+))?$/.test(l));  // "final/…": the lone last node
    assert.deepEqual(odd, [], "every box is a run of whole layers");
    await page.screenshot({ path: path.join(shots, "big-10k.png") });
    const t0 = Date.now();
    await setTarget(page, "8.6", "int8");
    perf.switch_target_10k_ms = Date.now() - t0;
    assert.equal(await page.getAttribute("[data-group-name] .badge", "data-status"), "fallback", "Softmax rolls up as fallback under int8");
    const cli = cliJson(models.big10k, "8.6", "int8");
    assert.deepEqual(await summaryCounts(page), { convertible: cli.summary.convertible, fallback: cli.summary.fallback, unsupported: cli.summary.unsupported });
    await page.locator("[data-group-name]").first().dispatchEvent("dblclick");
    await page.waitForSelector("[data-node-name] .badge[data-status]");
    await page.waitForSelector("#stage .canvas[data-complete]", { state: "attached" });
    // Inside a group, tensors crossing its border get stubs with edges, so the group's wiring stays visible.
    const stubs = await page.$$eval('[data-boundary="1"]', (els) => els.map((e) => ({ kind: e.classList.contains("input") ? "in" : "out", item: e.dataset.item })));
    assert.ok(stubs.some((s) => s.kind === "in"), `a tensor entering the group has a stub: ${JSON.stringify(stubs)}`);
    assert.ok(stubs.some((s) => s.kind === "out"), `a tensor leaving the group has a stub: ${JSON.stringify(stubs)}`);
    const edgePaths = Number(await page.getAttribute("svg.edges", "data-edges"));
    assert.ok(edgePaths >= stubs.length, `every stub is wired (${edgePaths} edges for ${stubs.length} stubs)`);
    await page.screenshot({ path: path.join(shots, "group-boundary.png") });
    await page.close();
  });

  test("a 100k-node model does not hang the tab", TEST, async () => {
    const t0 = Date.now();
    const { page } = await open(ids.big100k);
    await page.waitForFunction(() => document.body.dataset.firstPaintMs, null, { timeout: 2 * STEP_MS });
    perf.visualizer_first_paint_100k_ms = Number(await page.evaluate(() => document.body.dataset.firstPaintMs));
    perf.open_100k_wall_ms = Date.now() - t0;
    const items = await page.locator(".item").count();
    assert.ok(items <= 200, `at most 200 items drawn, got ${items}`);
    assert.equal(await page.evaluate(() => 1 + 1), 2, "page still responds");
    await page.screenshot({ path: path.join(shots, "big-100k.png") });
    await page.close();
  });
});
