// Shared fixtures of the browser tests: generated models, the real `trtlens serve`, Debian's chromium.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
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
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`trtlens check failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function startServer(models, extraArgs = []) {
  const child = spawn(bin, ["serve", ...models, "--port", "0", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/[0-9.]+:\d+\//);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr}`)); });
  });
  return { url, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

export async function launchBrowser() {
  return chromium.launch({
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
