// Browser tests of the runtime selector's newer targets: the hardware selector (GPU + DLA, issue 11) and the
// strongly-typed switch with effective precision on badges (issue 10). Ground truth: `trtlens check --format json`
// with the same options.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser, newPage, shots, startServer, STEP_MS, TEST, tempDir, trtlens } from "./harness.mjs";
import { detectorModel } from "./onnx.mjs";

let tmp, server, browser, model;

before(async () => {
  tmp = tempDir();
  model = path.join(tmp.dir, "detector.onnx");
  writeFileSync(model, detectorModel(120).proto);
  server = await startServer([model]);
  browser = await launchBrowser();
}, { timeout: 3 * STEP_MS });
after(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.remove();
}, { timeout: STEP_MS });

async function open(hash) {
  const { page, errors } = await newPage(browser);
  await page.goto(`${server.url}#model=1${hash}`);
  await page.waitForSelector("#summary:not([data-stale]) .target");
  await page.waitForSelector("[data-node-name] .badge:not([data-status=unknown])");
  await page.waitForSelector("#stage .canvas[data-complete]", { state: "attached" });  // boxes beyond the first view
  return { page, errors };
}

describe("runtime selector: hardware and strong typing", () => {
  test("GPU + DLA: every badge shows the device the CLI places the node on, and the summary counts transitions", TEST, async () => {
    const cli = JSON.parse(trtlens(["check", model, "--trt", "8.6", "--precision", "fp16", "--gpu", "Orin", "--dla",
      "--format", "json"]).stdout);
    assert.ok(cli.summary.dla_nodes > 0, "the generated detector has DLA-capable nodes");
    const { page, errors } = await open("&trt=8.6&precision=fp16");
    await page.fill("#gpu", "Orin");
    await page.dispatchEvent("#gpu", "change");
    await page.check("#dla");
    await page.waitForSelector("#summary:not([data-stale]) .hardware");
    const hw = await page.textContent("#summary .hardware");
    assert.match(hw, /Orin/);
    assert.match(hw, new RegExp(`DLA ${cli.summary.dla_nodes} / GPU ${cli.summary.gpu_nodes} · ${cli.summary.gpu_dla_transitions} transitions`));
    const shown = await page.$$eval("[data-node-name]", (els) =>
      els.map((e) => [e.dataset.nodeName, e.querySelector(".badge .device")?.dataset.device ?? ""]));
    assert.ok(shown.length > 0);
    const byName = new Map(cli.nodes.map((n) => [n.name, n.device ?? ""]));
    for (const [name, device] of shown) if (byName.has(name)) assert.equal(device, byName.get(name), name);
    assert.match(page.url(), /gpu=Orin/);
    assert.match(page.url(), /dla=1/);
    await page.screenshot({ path: path.join(shots, "hardware-orin-dla.png") });
    assert.deepEqual(errors, []);
  });

  test("an unknown GPU is an error message, not a broken page", TEST, async () => {
    const { page } = await open("&trt=8.6&precision=fp16");
    await page.fill("#gpu", "Voodoo 5");
    await page.dispatchEvent("#gpu", "change");
    await page.waitForSelector("#error:not([hidden])");
    assert.match(await page.textContent("#error"), /unknown GPU/);
  });

  test("strongly typed is offered only where the release has it, and badges show the effective precision", TEST, async () => {
    const { page } = await open("&trt=8.6&precision=fp16");
    assert.equal(await page.isHidden("#strongly-typed-field"), true, "8.6 has no strongly typed networks");
    await page.selectOption("#runtime-type", "10.15");
    await page.waitForSelector("#strongly-typed-field:not([hidden])");
    await page.check("#strongly-typed");
    await page.waitForFunction(() => !document.querySelector("#summary[data-stale]") &&
      document.querySelector("#summary .quant-mode")?.dataset.mode === "strongly_typed");
    const cli = JSON.parse(trtlens(["check", model, "--trt", "10.15", "--precision", "fp16", "--strongly-typed",
      "--format", "json"]).stdout);
    const shown = await page.$$eval("[data-node-name]", (els) =>
      els.map((e) => [e.dataset.nodeName, e.querySelector(".badge .runs-in")?.dataset.runsIn ?? ""]));
    const byName = new Map(cli.nodes.map((n) => [n.name, n.runs_in ?? ""]));
    let compared = 0;
    for (const [name, runs] of shown) if (byName.has(name)) { assert.equal(runs, byName.get(name), name); compared++; }
    assert.ok(compared > 0);
    assert.match(page.url(), /strongly_typed=1/);
  });
});
