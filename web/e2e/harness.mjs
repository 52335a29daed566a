// Shared fixtures of the browser tests: generated models, the real `trtlens serve`, Debian's chromium.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
export const bin = process.env.TRTLENS_BIN ?? path.join(repo, "build/trtlens");
const modelgen = process.env.TRTLENS_MODELGEN ?? path.join(repo, "build/trtlens-modelgen");
export const shots = path.join(repo, "web/test-results/screenshots");
mkdirSync(shots, { recursive: true });

export function generateModels(dir) {
  const specs = { small: ["small"], xss: ["xss"], big10k: ["big", "--nodes", "10000"], big100k: ["big", "--nodes", "100000"] };
  const out = {};
  for (const [name, [kind, ...rest]] of Object.entries(specs)) {
    const file = path.join(dir, `${name}.onnx`);
    const r = spawnSync(modelgen, [kind, file, ...rest], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`trtlens-modelgen ${kind} failed: ${r.stderr}`);
    out[name] = file;
  }
  return out;
}

// `trtlens check --format json` for the same target the UI shows: the ground truth of the badge tests.
export function cliJson(model, trt, precision, strict = false) {
  const args = ["check", model, "--trt", trt, "--precision", precision, "--format", "json"];
  if (strict) args.push("--strict");
  return JSON.parse(trtlens(args).stdout);
}

// Generous limits for a loaded 2-core CI machine: a step that takes longer than this is a hang, not slowness.
export const STEP_MS = 90_000;
export const TEST = { timeout: 4 * STEP_MS };

// `build/trtlens ARGS...`; exit codes 0 and 1 (findings) are answers, anything else is a failure.
export function trtlens(args) {
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28, timeout: STEP_MS });
  if (r.status !== 0 && r.status !== 1) throw new Error(`trtlens ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r;
}

// Starts `trtlens serve` on a free loopback port; resolves once the printed URL answers an API request.
export async function startServer(models, extraArgs = []) {
  const child = spawn(bin, ["serve", ...models, "--port", "0", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`server printed no URL within ${STEP_MS} ms: ${stderr}`)); }, STEP_MS);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/[0-9.]+:\d+\//);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr}`)); });
  });
  const deadline = Date.now() + STEP_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      if ((await fetch(`${url}api/releases`, { signal: AbortSignal.timeout(10_000) })).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error(`server at ${url} never answered: ${stderr}`); }
    await new Promise((r) => setTimeout(r, delay));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(killer);
  };
  return { url, stop, stderr: () => stderr };
}

// A page whose every wait and action may take up to STEP_MS; page errors and dialogs are collected, never block.
export async function newPage(browser, viewport = { width: 1400, height: 900 }) {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  return { page, errors };
}

export async function launchBrowser() {
  return chromium.launch({
    timeout: STEP_MS,
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-proxy-server",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "trtlens-e2e-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Closes what a suite opened and merges its first-paint numbers into web/test-results/perf.json.
export async function finishSuite({ browser, server, tmp, perf }) {
  await browser?.close();
  await server?.stop();
  tmp?.remove();
  const file = path.join(repo, "web/test-results/perf.json");
  const old = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  writeFileSync(file, JSON.stringify({ ...old, ...perf }, null, 2));
}

// Opens a model in a fresh page and waits until its badges are analysed and every box of the level is drawn.
export async function openModel(browser, server, modelId, { viewport, hash = "", firstPaint = false } = {}) {
  const { page, errors } = await newPage(browser, viewport);
  await page.goto(`${server.url}#model=${modelId}${hash}`);
  if (firstPaint) await page.waitForFunction(() => document.body.dataset.firstPaintMs);
  await page.waitForSelector("[data-node-name] .badge:not([data-status=unknown]), [data-group-name] .badge:not([data-status=unknown])");
  await page.waitForSelector("#stage .canvas[data-complete]", { state: "attached" });  // boxes beyond the first view
  return { page, errors };
}

// Picks a release and precision in the runtime selector and waits for the summary of that target (not a stale one).
export async function setTarget(page, release, precision) {
  await page.selectOption("#runtime-type", release);
  await page.selectOption("#precision", precision);
  await page.waitForFunction(([r, p]) => {
    const t = document.querySelector("#summary:not([data-stale]) .target")?.textContent ?? "";
    return t.includes(`TensorRT ${r}`) && t.includes(`(${p}`);
  }, [release, precision]);
}
