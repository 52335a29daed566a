// Browser tests of the tracked-model pages (issue 5): the real `trtlens serve --data-dir` in Debian's chromium,
// with every count compared to what `trtlens track ... --format json` says about the same store.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { launchBrowser, newPage, shots, startServer, STEP_MS, TEST, tempDir, trtlens } from "./harness.mjs";
import { externalModel, writeChainModel } from "./onnx.mjs";

let tmp, data, files, server, browser;
const XSS = "<img src=x onerror=alert(1)>";

const track = (...args) => JSON.parse(trtlens(["track", ...args, "--format", "json", "--data-dir", data]).stdout);
const counts = (s) => ({ convertible: s.convertible, fallback: s.fallback, unsupported: s.unsupported });

before(async () => {
  tmp = tempDir();
  data = path.join(tmp.dir, "data");
  const at = (name) => path.join(tmp.dir, name);
  // encoder v2 adds a Gelu: no importer before TensorRT 10, so it becomes unsupported on 8.6 and stays fine on 10.x.
  files = {
    encoderV1: writeChainModel(at("encoder-v1.onnx"), ["Relu", "Softmax"]),
    encoderV2: writeChainModel(at("encoder-v2.onnx"), ["Relu", "Gelu", "Softmax"]),
    encoderV3: writeChainModel(at("encoder-v3.onnx"), ["Relu", "Gelu", "Softmax", "Sigmoid"]),
    detector: writeChainModel(at("detector.onnx"), ["Relu", "Sigmoid", "Tanh"]),
    scratch: writeChainModel(at("scratch.onnx"), ["Tanh"]),
    uploaded: writeChainModel(at("uploaded.onnx"), ["Gelu", "Relu"]),
  };
  for (const [file, name, tag] of [[files.encoderV1, "encoder", "nlp"], [files.encoderV2, "encoder", "nlp"],
                                   [files.detector, "detector", "vision"], [files.scratch, "scratch", "tmp"]])
    trtlens(["track", "add", file, "--name", name, "--tag", tag, "--data-dir", data]);
  server = await startServer([], ["--data-dir", data]);
  browser = await launchBrowser();
}, { timeout: 3 * STEP_MS });
after(async () => {
  await browser?.close();
  await server?.stop();
  tmp?.remove();
}, { timeout: STEP_MS });

async function open(hash = "") {
  const { page, errors } = await newPage(browser);
  await page.goto(`${server.url}${hash}`);
  return { page, errors };
}

// Waits until the tracked page `kind` finished rendering for this target (its head names the target).
async function ready(page, kind, release, precision) {
  await page.waitForFunction(([k, r, p]) => {
    const root = document.getElementById("tracked");
    return root?.dataset.ready === k && (!r || (root.querySelector(".page-head")?.textContent ?? "").includes(`TensorRT ${r} (${p}`));
  }, [kind, release, precision]);
}

async function setTarget(page, kind, release, precision) {
  await page.selectOption("#runtime-type", release);
  await page.selectOption("#precision", precision);
  await ready(page, kind, release, precision);
}

async function homeRows(page) {
  return page.$$eval("#tracked-models tbody tr", (rows) => rows.map((r) => ({
    name: r.dataset.modelName, versions: Number(r.dataset.versionCount),
    tags: [...r.querySelectorAll(".tag")].map((t) => t.textContent),
    counts: r.dataset.convertible === undefined ? null
      : { convertible: Number(r.dataset.convertible), fallback: Number(r.dataset.fallback), unsupported: Number(r.dataset.unsupported) },
    bar: (() => { const b = r.querySelector(".bar"); return b ? { c: Number(b.dataset.countConvertible), u: Number(b.dataset.countUnsupported) } : null; })(),
  })));
}

describe("tracked models", () => {
  test("the home page is the landing view and lists the CLI's counts for two runtimes", TEST, async () => {
    const { page, errors } = await open();
    await ready(page, "home");
    assert.equal(await page.evaluate(() => location.hash), "#/", "no model on the command line: the library is the landing view");
    for (const [release, precision] of [["8.6", "fp16"], ["10.15", "int8"]]) {
      await setTarget(page, "home", release, precision);
      const cli = track("list", "--trt", release, "--precision", precision);
      const rows = await homeRows(page);
      assert.deepEqual(rows.map((r) => r.name).sort(), cli.models.map((m) => m.name).sort());
      for (const m of cli.models) {
        const row = rows.find((r) => r.name === m.name);
        assert.deepEqual(row.counts, counts(m.latest.summary), `${m.name} on ${release} ${precision}`);
        assert.deepEqual(row.bar, { c: m.latest.summary.convertible, u: m.latest.summary.unsupported });
        assert.equal(row.versions, m.version_count);
        assert.deepEqual(row.tags, m.tags);
      }
      if (release === "8.6") {
        assert.equal(rows.find((r) => r.name === "encoder").counts.unsupported, 1, "Gelu has no importer in 8.6");
        await page.screenshot({ path: path.join(shots, "home.png") });
      } else {
        assert.equal(rows.find((r) => r.name === "encoder").counts.unsupported, 0, "Gelu converts in 10.15");
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("adding a model by upload shows it; same bytes are unchanged; an invalid file is refused", TEST, async () => {
    const { page, errors } = await open("#/");
    await setTarget(page, "home", "8.6", "fp16");
    await page.setInputFiles("#tracked-file", files.uploaded);
    await page.fill("#tracked-name", XSS);
    await page.fill("#tracked-tags", "fresh, <b onmouseover=alert(2)>bold");
    await page.click("#tracked-add");
    const row = page.locator(`#tracked-models tr[data-model-name="${XSS}"]`);
    await row.waitFor();
    await ready(page, "home", "8.6", "fp16");
    assert.equal(await page.getAttribute("#tracked-message", "data-kind"), "ok");
    assert.equal(await row.locator(".model-link").textContent(), XSS, "the name is shown as text");
    assert.deepEqual(await row.locator(".tag").allTextContents(), ["<b onmouseover=alert(2)>bold", "fresh"]);
    assert.equal(await page.locator("#tracked img, #tracked b:not(.add-form b)").count(), 0, "no markup from user strings");
    const cli = track("list", "--trt", "8.6", "--precision", "fp16").models.find((m) => m.name === XSS);
    assert.ok(cli, "the CLI sees the upload in the same store");
    assert.equal(await row.getAttribute("data-unsupported"), String(cli.latest.summary.unsupported));
    assert.equal(cli.latest.summary.unsupported, 1);

    await page.setInputFiles("#tracked-file", files.uploaded);
    await page.fill("#tracked-name", XSS);
    await page.click("#tracked-add");
    await page.waitForSelector("#tracked-message:text('unchanged')");
    assert.match(await page.textContent("#tracked-message"), /unchanged \(same bytes as version 1\)/);

    const before = (await homeRows(page)).length;
    await page.setInputFiles("#tracked-file", { name: "junk.onnx", mimeType: "application/octet-stream", buffer: Buffer.from("not a model") });
    await page.fill("#tracked-name", "junk");
    await page.click("#tracked-add");
    await page.waitForSelector('#tracked-message[data-kind="error"]');
    const refused = await page.textContent("#tracked-message");
    assert.match(refused, /^Cannot add junk\.onnx: junk\.onnx is not a valid ONNX/);
    assert.ok(!refused.includes("/tmp/") && !refused.includes("model.onnx"), `no server path in "${refused}"`);
    assert.equal((await homeRows(page)).length, before, "nothing stored");
    assert.equal(track("list", "--trt", "8.6").models.some((m) => m.name === "junk"), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a model with external data is added together with its weights file", TEST, async () => {
    const { model, data: weights } = externalModel("ext.onnx.data", [1, 2, 70000, 4, 5, 6, 7, 8]);
    const asFile = (name, buffer) => ({ name, mimeType: "application/octet-stream", buffer });
    const { page, errors } = await open("#/");
    await setTarget(page, "home", "10.15", "fp16");
    // The model alone is refused, naming the file it needs.
    await page.setInputFiles("#tracked-file", asFile("ext.onnx", model));
    await page.fill("#tracked-name", "external-alone");
    await page.click("#tracked-add");
    await page.waitForSelector('#tracked-message[data-kind="error"]');
    assert.match(await page.textContent("#tracked-message"), /ext\.onnx\.data/);
    // Both files at once: stored together; the CLI sees the weights file with the version.
    await page.setInputFiles("#tracked-file", [asFile("ext.onnx", model), asFile("ext.onnx.data", weights)]);
    await page.fill("#tracked-name", "external");
    await page.click("#tracked-add");
    await page.locator('#tracked-models tr[data-model-name="external"]').waitFor();
    assert.equal(await page.getAttribute("#tracked-message", "data-kind"), "ok");
    const shown = track("show", "external", "--trt", "10.15", "--precision", "fp16");
    assert.deepEqual(shown.versions[0].external_files.map((f) => [f.location, f.size]), [["ext.onnx.data", 32]]);
    assert.equal(track("list", "--trt", "10.15").models.some((m) => m.name === "external-alone"), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("rename and tag a model inline", TEST, async () => {
    const { page } = await open("#/");
    await ready(page, "home");
    const row = (name) => page.locator(`#tracked-models tr[data-model-name="${name}"]`);
    await row("detector").locator("button.rename").click();
    await row("detector").locator(".rename-input").fill("vision-net");
    await row("detector").locator("button.save").click();
    await row("vision-net").waitFor();
    assert.equal(await row("detector").count(), 0);
    await row("vision-net").locator("button.edit-tags").click();
    await row("vision-net").locator(".tags-input").fill("vision, edge");
    await row("vision-net").locator("button.save").click();
    await page.waitForFunction(() => document.querySelectorAll('tr[data-model-name="vision-net"] .tag').length === 2);
    assert.deepEqual(track("show", "vision-net").tags.sort(), ["edge", "vision"]);
    // A name that is taken is refused with the server's message and changes nothing.
    await row("vision-net").locator("button.rename").click();
    await row("vision-net").locator(".rename-input").fill("encoder");
    await row("vision-net").locator("button.save").click();
    await page.waitForSelector('#tracked-message[data-kind="error"]');
    assert.equal(track("list", "--trt", "8.6").models.filter((m) => m.name === "encoder").length, 1);
    await page.close();
  });

  test("the model page lists versions with the CLI's counts and opens one in the visualizer", TEST, async () => {
    const { page, errors } = await open("#/");
    await setTarget(page, "home", "8.6", "fp16");
    await page.click('tr[data-model-name="encoder"] a.model-link');
    await ready(page, "model", "8.6", "fp16");
    assert.equal(await page.textContent("#model-title"), "encoder");
    const shown = await page.$$eval("#versions tbody tr", (rows) => rows.map((r) => ({
      version: Number(r.dataset.version), unsupported: Number(r.dataset.unsupported), convertible: Number(r.dataset.convertible) })));
    const cli = track("show", "encoder", "--trt", "8.6", "--precision", "fp16");
    assert.deepEqual(shown.map((r) => r.version), [2, 1], "newest first");
    for (const v of cli.versions) {
      const row = shown.find((r) => r.version === v.number);
      assert.deepEqual({ u: row.unsupported, c: row.convertible }, { u: v.summary.unsupported, c: v.summary.convertible }, `v${v.number}`);
    }
    assert.equal(await page.textContent('#versions tr[data-version="2"] td.mono'), cli.versions.find((v) => v.number === 2).digest.slice(0, 12));
    await page.screenshot({ path: path.join(shots, "model-page.png") });
    await page.click('#versions tr[data-version="2"] button.open-version');
    await page.waitForSelector('[data-node-name="net/Gelu"] .badge[data-status="unsupported"]');
    assert.match(await page.$eval("#model-select", (s) => s.selectedOptions[0].textContent), /encoder v2/);
    assert.match(await page.textContent("#summary .target"), /TensorRT 8\.6/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("the version view shows the node that became unsupported and opens it", TEST, async () => {
    const { page, errors } = await open("#/tracked/encoder/diff?from=1&to=2");
    await setTarget(page, "diff", "8.6", "fp16");
    const gelu = '[data-list="became_unsupported"] [data-diff-node="net/Gelu"]';
    await page.waitForSelector(gelu);
    assert.equal(await page.getAttribute(gelu, "data-from"), "none");
    assert.equal(await page.getAttribute(gelu, "data-to"), "unsupported");
    const cli = track("show", "encoder", "--trt", "8.6", "--precision", "fp16");
    for (const [side, number] of [["from", 1], ["to", 2]]) {
      const s = cli.versions.find((v) => v.number === number).summary;
      assert.equal(await page.getAttribute(`.side[data-side="${side}"]`, "data-unsupported"), String(s.unsupported), `${side} side`);
    }
    await page.screenshot({ path: path.join(shots, "version-diff.png") });
    // On 10.15 the new Gelu converts: not a regression, listed among the other changes.
    await setTarget(page, "diff", "10.15", "fp16");
    assert.equal(await page.locator('[data-list="became_unsupported"] [data-diff-node]').count(), 0);
    assert.equal(await page.getAttribute('[data-list="changed"] [data-diff-node="net/Gelu"]', "data-to"), "convertible");
    await setTarget(page, "diff", "8.6", "fp16");
    await page.click(`${gelu} button`);
    await page.waitForSelector("#drawer:not([hidden])");
    assert.match(await page.textContent("#drawer-title"), /net\/Gelu/);
    assert.match(await page.$eval("#model-select", (s) => s.selectedOptions[0].textContent), /encoder v2/);
    // The pickers lead to another pair of versions.
    await page.goto(`${server.url}#/tracked/encoder/diff?from=1&to=2`);
    await ready(page, "diff");
    await page.selectOption("#diff-from", "2");
    await page.waitForFunction(() => location.hash.includes("from=2"));
    await ready(page, "diff");
    assert.equal(await page.locator('[data-list="became_unsupported"] [data-diff-node]').count(), 0, "v2 against itself: nothing changed");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("upload and delete a version on the model page; delete a model after confirmation", TEST, async () => {
    const { page } = await open("#/tracked/encoder");
    await ready(page, "model");
    await page.setInputFiles("#version-file", files.encoderV3);
    await page.click("#version-add");
    await page.waitForSelector('#versions tr[data-version="3"]');
    assert.match(await page.textContent("#tracked-message"), /Added version 3 of encoder/);
    assert.equal(track("show", "encoder").versions.length, 3);
    await ready(page, "model");
    await page.click('#versions tr[data-version="3"] button.delete-version');
    await page.click('#versions tr[data-version="3"] button.confirm-delete');
    await page.waitForSelector('#versions tr[data-version="3"]', { state: "detached" });
    assert.deepEqual(track("show", "encoder").versions.map((v) => v.number), [1, 2]);

    await page.goto(`${server.url}#/`);
    await ready(page, "home");
    const scratch = page.locator('tr[data-model-name="scratch"]');
    await scratch.locator("button.delete").click();
    await scratch.locator("button.cancel").click();
    assert.equal(await scratch.count(), 1, "cancel keeps the model");
    await scratch.locator("button.delete").click();
    await scratch.locator("button.confirm-delete").click();
    await scratch.waitFor({ state: "detached" });
    assert.equal(track("list", "--trt", "8.6").models.some((m) => m.name === "scratch"), false);
    await page.close();
  });
});
