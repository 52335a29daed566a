// First paint of two trtlens binaries side by side (not a test; `npm run test:e2e` does not run it):
//   node e2e/compare-first-paint.mjs before=/path/to/old/trtlens after=build/trtlens [--runs 5]
// Both serve the same generated models (the 600-node detector, the 10k- and 100k-node transformers); loads alternate
// between them, so both see the same machine load. Prints each load's milestones and the medians.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { generateModels, launchBrowser, newPage, tempDir } from "./harness.mjs";
import { detectorModel } from "./onnx.mjs";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const bins = Object.fromEntries(args.map((a) => a.split("=")));
if (!Object.keys(bins).length) throw new Error("usage: compare-first-paint.mjs NAME=BINARY [NAME=BINARY] [--runs N]");

const tmp = tempDir();
const models = generateModels(tmp.dir);
const detector = path.join(tmp.dir, "det_db.onnx");
writeFileSync(detector, detectorModel(600).proto);
const ids = { "600-node detector": "1", "10k-node transformer": "2", "100k-node transformer": "3" };
const servers = {};
for (const [name, bin] of Object.entries(bins)) {
  process.env.TRTLENS_BIN = bin;  // harness.mjs reads it when loaded: one module instance per binary
  const { startServer } = await import(`./harness.mjs?${encodeURIComponent(name)}`);
  servers[name] = await startServer([detector, models.big10k, models.big100k]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launchBrowser();
try {
  const results = {};
  for (const [model, id] of Object.entries(ids)) {
    for (let i = 0; i < runs; i++) {
      for (const [name, server] of Object.entries(servers)) {
        const { page } = await newPage(browser);
        await page.goto(`${server.url}#model=${id}`);
        await page.waitForFunction(() => document.body.dataset.firstPaintMs && document.body.dataset.verdictsMs, null, { timeout: 180_000 });
        const d = await page.evaluate(() => ({ ...document.body.dataset }));
        (results[`${model} | ${name}`] ??= []).push([Number(d.firstPaintMs), Number(d.verdictsMs)]);
        console.log(`${model} | ${name}: paint ${d.firstPaintMs} ms, badges ${d.verdictsMs} ms, marks ${d.marks}, load ${loadavg()[0].toFixed(2)}`);
        await page.close();
      }
    }
  }
  for (const [key, rs] of Object.entries(results))
    console.log(`MEDIAN ${key}: paint ${median(rs.map((r) => r[0]))} ms, badges ${median(rs.map((r) => r[1]))} ms (${rs.map((r) => r[0]).join(", ")})`);
} finally {
  await browser.close();
  for (const s of Object.values(servers)) await s.stop();
  tmp.remove();
}
