// The visualizer: model picker, runtime selector (release, precision, strict), summary bar, graph levels, drawer.
// It renders the server's JSON and knows nothing about the analysis itself.
import "./style.css";
import { api, json as jsonOf, tracked as trackedApi, type Analysis, type GraphNode, type ModelEntry, type ModelGraph, type ReleaseInfo, type Status, type Tensor } from "./api";
import { badge, clear, h } from "./dom";
import { edgeText, groupBy, middleEllipsis } from "./format";
import { Drawer } from "./drawer";
import { parseRoute, TrackedPages } from "./tracked";
import { GraphView, itemSize } from "./graphview";
import { ModelViews, type Item, type Level, type LevelView } from "./views";
import { countText, countTotal, problemOf, rollUp, STATUS, STATUSES, statusClass, verdictTitle } from "./status";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  model: $<HTMLSelectElement>("model-select"), file: $<HTMLInputElement>("file-input"),
  release: $<HTMLSelectElement>("runtime-type"), precision: $<HTMLSelectElement>("precision"), strict: $<HTMLInputElement>("strict"),
  precisionExtra: $<HTMLElement>("precision-extra"),
  stronglyTyped: $<HTMLInputElement>("strongly-typed"), stronglyTypedField: $<HTMLElement>("strongly-typed-field"),
  gpu: $<HTMLInputElement>("gpu"), gpuList: $<HTMLDataListElement>("gpu-list"), dla: $<HTMLInputElement>("dla"),
  error: $("error"), summary: $("summary"), breadcrumb: $("breadcrumb"), viewport: $("viewport"), empty: $("empty"),
  search: $<HTMLInputElement>("search"), results: $<HTMLUListElement>("search-results"), edgeLabels: $<HTMLInputElement>("edge-labels"),
  drop: $("drop-overlay"), tracked: $("tracked"), loading: $("loading"),
};

const state = {
  releases: [] as ReleaseInfo[],
  modelId: "",
  graph: undefined as ModelGraph | undefined,
  views: undefined as ModelViews | undefined,
  analysis: undefined as Analysis | undefined,
  status: new Map<number, Status>(),
  verdicts: new Map<number, Analysis["nodes"][number]>(),
  levels: [] as Level[],
  view: undefined as LevelView | undefined,
  selected: "",
  firstPaint: true,
};
const graphView = new GraphView(ui.viewport);
// A box selected before its level was fully attached gets its mark when it arrives.
graphView.onComplete = () => graphView.elements.get(state.selected)?.classList.add("selected");
const drawer = new Drawer();
const pages = new TrackedPages(ui.tracked, {
  target: () => ({ trt: ui.release.value, precision: precisions(), strict: ui.strict.checked }),
  openVersion: async (name, version, node) => {
    const opened = await trackedApi.open(name, version);
    const q = new URLSearchParams({ model: opened.id });
    if (node) { q.set("graph", node.graph); q.set("node", node.name); }
    location.hash = q.toString();
  },
});

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
}
function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = "";
}

// --- runtime selector -------------------------------------------------------------------------------------------
// TensorRT builds with several precision flags at once (FP16 + INT8 is the common pair): the select is the desired
// precision, the check boxes add the quantized ones this release has. The API takes them comma-separated.
const QUANTIZED = ["int8", "fp8", "int4", "fp4"];
function fillPrecisions(): void {
  const release = state.releases.find((r) => r.release === ui.release.value);
  const previous = ui.precision.value || "fp16";
  ui.precision.replaceChildren(...(release?.precisions ?? []).map((p) => h("option", { value: p }, p.toUpperCase())));
  const available = release?.precisions ?? [];
  ui.precision.value = available.includes(previous) ? previous : available.includes("fp16") ? "fp16" : available[0] ?? "fp32";
  fillExtraPrecisions(available);
}
function fillExtraPrecisions(available: string[]): void {
  const checked = new Set(extraPrecisions());
  const extras = available.filter((p) => QUANTIZED.includes(p) && p !== ui.precision.value);
  ui.precisionExtra.replaceChildren(...(extras.length ? [h("span", {}, "+")] : []), ...extras.map((p) => {
    const box = h("input", { type: "checkbox", "data-precision": p }) as HTMLInputElement;
    box.checked = checked.has(p);
    box.addEventListener("change", () => void onTargetChange());
    return h("label", {}, box, p.toUpperCase());
  }));
}
function extraPrecisions(): string[] {
  return [...ui.precisionExtra.querySelectorAll<HTMLInputElement>("input[data-precision]")]
    .filter((b) => b.checked).map((b) => b.dataset.precision!);
}
// The target lives in the address (#model=1&trt=8.6&precision=fp16,int8&strict=1), so a reload or a link keeps it.
function saveTarget(): void {
  if (onTrackedPage()) return;
  const q = new URLSearchParams(location.hash.slice(1));
  q.set("trt", ui.release.value);
  q.set("precision", precisions());
  if (ui.strict.checked) q.set("strict", "1"); else q.delete("strict");
  const extra = targetExtras();
  for (const key of ["strongly_typed", "gpu", "dla"]) if (extra[key]) q.set(key, extra[key]); else q.delete(key);
  history.replaceState(null, "", `#${q.toString()}`);
}

function restoreTarget(q: URLSearchParams): void {
  const trt = q.get("trt");
  if (trt && state.releases.some((r) => r.release === trt) && trt !== ui.release.value) { ui.release.value = trt; fillPrecisions(); }
  const [desired, ...extra] = (q.get("precision") ?? "").split(",").filter(Boolean);
  if (desired && [...ui.precision.options].some((o) => o.value === desired)) {
    ui.precision.value = desired;
    fillExtraPrecisions(state.releases.find((r) => r.release === ui.release.value)?.precisions ?? []);
  }
  for (const box of ui.precisionExtra.querySelectorAll<HTMLInputElement>("input[data-precision]"))
    box.checked = extra.includes(box.dataset.precision!);
  if (q.has("trt")) ui.strict.checked = q.get("strict") === "1";
  showStrongTyping();
  if (q.has("trt")) {
    ui.stronglyTyped.checked = q.get("strongly_typed") === "1";
    ui.gpu.value = q.get("gpu") ?? "";
    ui.dla.checked = q.get("dla") === "1";
  }
}

// Strong typing (shown only for releases that have it) and the hardware target, as analysis parameters.
function targetExtras(): Record<string, string> {
  const extra: Record<string, string> = {};
  if (!ui.stronglyTypedField.hidden && ui.stronglyTyped.checked) extra.strongly_typed = "1";
  const gpu = ui.gpu.value.trim();
  if (gpu) extra.gpu = gpu;
  if (gpu && ui.dla.checked) extra.dla = "1";
  return extra;
}
function extrasText(): string {
  const e = targetExtras();
  return `${e.strongly_typed ? ", strongly typed" : ""}${e.gpu ? `, ${e.gpu}${e.dla ? " DLA" : ""}` : ""}`;
}
function showStrongTyping(): void {
  const release = state.releases.find((r) => r.release === ui.release.value);
  ui.stronglyTypedField.hidden = !release?.strongly_typed;
}

// "fp16" or "fp16,int8": the desired precision first, then the extra builder flags.
function precisions(): string {
  return [ui.precision.value, ...extraPrecisions().filter((p) => p !== ui.precision.value)].join(",");
}
let onTargetChange: () => Promise<void> = async () => {};

let analysisRequest = 0;
async function refreshAnalysis(): Promise<void> {
  if (!state.modelId) return;
  const id = state.modelId;
  // Quick successive selector changes race: only the newest answer may paint.
  const request = ++analysisRequest;
  const release = state.releases.find((r) => r.release === ui.release.value);
  // Until the answer comes, the old counts must not pass for the new target's.
  if (ui.summary.childElementCount) {
    ui.summary.dataset.stale = "1";
    const target = ui.summary.querySelector(".target");
    if (target) target.textContent = `Analysing for ${release?.display ?? ui.release.value}, ${precisions()}${ui.strict.checked ? ", strict" : ""}${extrasText()}…`;
  }
  saveTarget();
  const analysis = await api.analysis(id, ui.release.value, precisions(), ui.strict.checked, targetExtras());
  if (request !== analysisRequest || id !== state.modelId) return;
  state.analysis = analysis;
  state.status = new Map(analysis.nodes.map((n) => [n.index, n.status]));
  state.verdicts = new Map(analysis.nodes.map((n) => [n.index, n]));
  updateBadges();
  renderSummary();
  drawer.refresh(drawerContext());
  if (!state.firstPaint && !document.body.dataset.verdictsMs) markVerdicts();
}

// When the first badges of a model were painted (ms since navigation): with the first level, or when the analysis
// arrives after it.
function markVerdicts(): void {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.body.dataset.verdictsMs = String(Math.round(performance.now()));
  }));
}

function drawerContext() {
  return { modelId: state.modelId, analysis: state.analysis, precision: precisions(), strict: ui.strict.checked,
           release: ui.release.value };
}

// --- graph levels -----------------------------------------------------------------------------------------------
function itemBadge(item: Item): HTMLElement {
  if (item.kind === "node") {
    const v = state.verdicts.get(item.nodes[0]);
    const el = badge(v?.status, verdictTitle(v, state.analysis?.target.precisions), v?.warnings.length ?? 0);
    if (v?.runs_in) el.append(h("span", { class: "runs-in", "data-runs-in": v.runs_in }, v.runs_in));
    if (v?.device) el.append(h("span", { class: `device ${v.device}`, "data-device": v.device }, v.device.toUpperCase()));
    return el;
  }
  const { worst, counts } = rollUp(item.nodes, state.status);
  let warnings = 0;
  for (const n of item.nodes) warnings += state.verdicts.get(n)?.warnings.length ?? 0;
  return badge(worst, `${item.nodes.length} nodes: ${countText(counts)}${warnings ? `, ${warnings} warning(s)` : ""}`, warnings);
}

// An If/Loop/Scan node: a roll-up of everything in its bodies, and one per body on the body's button.
function bodyRollUp(node: GraphNode): HTMLElement | null {
  if (!node.bodies?.length || !state.views) return null;
  const all = node.bodies.flatMap((b) => state.views!.bodyNodes(b));
  const { worst, counts } = rollUp(all, state.status);
  return h("span", { class: `body-rollup ${statusClass(worst)}`, "data-status": statusClass(worst),
    "data-counts": STATUSES.map((s) => counts[s]).join(","), title: `body nodes: ${countText(counts)}` },
    `body ${countText(counts)}`);
}

function bodyButton(body: string): HTMLElement {
  const nodes = state.views!.bodyNodes(body);
  const { worst, counts } = rollUp(nodes, state.status);
  const b = h("button", { class: `open-body ${statusClass(worst)}`, "data-body": body, "data-status": statusClass(worst),
    title: `open ${body}: ${nodes.length} nodes, ${countText(counts)}` },
    h("span", { class: `dot ${statusClass(worst)}` }), `${body.split("/").pop()} ▸`);
  b.addEventListener("click", (e) => {
    e.stopPropagation();
    closeDrawer();
    void showLevels([...state.levels, state.views!.root(body)]);
  });
  return b;
}

function renderItem(item: Item): HTMLElement {
  const g = state.graph!;
  if (item.kind === "input" || item.kind === "output")
    return h("div", { class: `item tensor ${item.kind}${item.boundary ? " boundary" : ""}`, "data-tensor-name": item.label,
      "data-item": item.id, "data-boundary": item.boundary ? "1" : undefined,
      title: item.boundary ? (item.kind === "input" ? "comes from outside this group" : "used outside this group") : `graph ${item.kind}` },
      item.label);
  if (item.kind === "group") {
    const el = h("div", { class: "item group", "data-group-name": item.label, "data-item": item.id, tabindex: -1, role: "button",
      "aria-label": `group ${item.label}, ${item.nodes.length} nodes`, title: "Double-click or Enter to open" },
      h("div", { class: "title" }, h("span", { class: "name" }, item.label), itemBadge(item)),
      h("div", { class: "meta" }, `${item.nodes.length} nodes ▸`));
    el.dataset.problem = problemOf(item.nodes, state.verdicts);
    el.addEventListener("click", () => select(item.id));
    el.addEventListener("dblclick", () => openItem(item));
    return el;
  }
  const node = g.nodes[item.nodes[0]];
  const weights = state.views!.weightInputs(node.index);
  const el = h("div", { class: "item node", "data-node-name": node.name, "data-index": node.index, "data-item": item.id, tabindex: -1,
      role: "button", "aria-label": `${node.op_type} ${node.name}` },
    h("div", { class: "title" }, h("span", { class: "op" }, node.op_type), itemBadge(item)),
    h("div", { class: "name", title: node.name }, middleEllipsis(node.name, 34)),
    weights ? h("span", { class: "weights", title: "constant inputs (initializers and folded Constant nodes)" }, `⊞${weights}`) : null);
  if (node.bodies?.length) {
    el.append(bodyRollUp(node)!, h("div", { class: "bodies" }, ...node.bodies.map(bodyButton)));
    el.classList.add("control-flow");
  }
  el.dataset.problem = problemOf(item.nodes, state.verdicts);
  el.addEventListener("click", () => { select(item.id); openDrawer(node.index); });
  return el;
}

function itemSizeOf(item: Item) {
  const node = item.kind === "node" ? state.graph!.nodes[item.nodes[0]] : undefined;
  return itemSize(item, node?.bodies?.length ?? 0);
}

function updateBadges(): void {
  if (!state.view) return;
  for (const item of state.view.items) {
    const el = graphView.elements.get(item.id);
    const old = el?.querySelector(".title .badge");
    if (old) old.replaceWith(itemBadge(item));
    if (!el || (item.kind !== "node" && item.kind !== "group")) continue;
    el.dataset.problem = problemOf(item.nodes, state.verdicts);
    if (item.kind !== "node") continue;
    const node = state.graph!.nodes[item.nodes[0]];
    if (!node.bodies?.length) continue;
    el.querySelector(".body-rollup")?.replaceWith(bodyRollUp(node)!);
    el.querySelector(".bodies")?.replaceChildren(...node.bodies.map(bodyButton));
  }
}

// Edge labels need every tensor's type and shape, which the UI's graph leaves out: the full graph is fetched the
// first time labels are turned on for a model.
let tensorsOf: { modelId: string; scopes: Promise<Map<string, Record<string, Tensor>>> } | undefined;
function loadTensors(): Promise<Map<string, Record<string, Tensor>>> {
  if (tensorsOf?.modelId !== state.modelId) {
    const scopes = api.fullGraph(state.modelId).then((g) => new Map(g.graphs.map((s) => [s.path, s.tensors ?? {}])));
    tensorsOf = { modelId: state.modelId, scopes };
    scopes.catch(() => (tensorsOf = undefined));
  }
  return tensorsOf.scopes;
}
let loadedTensors: Map<string, Record<string, Tensor>> | undefined;
async function showEdgeLabels(): Promise<void> {
  if (ui.edgeLabels.checked) {
    const id = state.modelId;
    const scopes = await loadTensors();
    if (id !== state.modelId || !ui.edgeLabels.checked) return;
    loadedTensors = scopes;
  }
  graphView.showEdgeLabels(ui.edgeLabels.checked);
}

function edgeLabel(tensors: string[]): string {
  const scope = loadedTensors?.get(state.view?.level.scope ?? "");
  return edgeText(tensors, (name) => scope?.[name]);
}

async function showLevels(levels: Level[]): Promise<void> {
  state.levels = levels;
  state.view = state.views!.view(levels[levels.length - 1]);
  renderBreadcrumb();
  const visible = state.view.items.filter((i) => i.kind === "node" || i.kind === "group").length;
  setLoading(`Laying out ${visible} ${visible === 1 ? "item" : "items"}…`);
  mark("level");
  const ms = await graphView.show(state.view, renderItem, edgeLabel, itemSizeOf);
  if (ms < 0) return;
  mark("drawn");
  document.body.dataset.layoutMs = String(ms);
  setLoading("");
  if (ui.edgeLabels.checked) void showEdgeLabels().catch((e) => showError((e as Error).message));
  if (state.firstPaint) {
    state.firstPaint = false;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.body.dataset.firstPaintMs = String(Math.round(performance.now()));
      mark("painted");
      if (state.analysis) document.body.dataset.verdictsMs = document.body.dataset.firstPaintMs;
    }));
  }
  document.body.dataset.level = levels.map((l) => l.title).join(" > ");
}

// Milestones of the first paint (data, views, level, drawn, painted: ms since navigation) for the performance tests.
const marks: Record<string, number> = {};
function mark(name: string): void {
  if (!state.firstPaint && name !== "painted") return;
  marks[name] = Math.round(performance.now());
  document.body.dataset.marks = JSON.stringify(marks);
}

// The loading state over the graph: loading the model, laying a level out. Empty text hides it.
function setLoading(text: string): void {
  ui.loading.textContent = text;
  ui.loading.hidden = !text;
  if (text) document.body.dataset.loading = "1"; else delete document.body.dataset.loading;
}

function renderBreadcrumb(): void {
  clear(ui.breadcrumb);
  state.levels.forEach((level, i) => {
    const crumb = h("button", { class: "crumb", "data-depth": i }, level.title || "(graph)");
    crumb.addEventListener("click", () => void showLevels(state.levels.slice(0, i + 1)));
    if (i) ui.breadcrumb.append(" › ");
    ui.breadcrumb.append(crumb);
  });
  if (state.levels.length > 1)
    ui.breadcrumb.append(h("span", { class: "muted hint" }, "  (Esc or Backspace: up one level)"));
}

function openItem(item: Item): void {
  if (item.kind === "group" && item.level) void showLevels([...state.levels, item.level]);
  else if (item.kind === "node") openDrawer(item.nodes[0]);
}

function openDrawer(index: number, focus = true): void {
  drawer.open(state.graph!.nodes[index], drawerContext());
  document.body.classList.add("drawer-open");
  if (focus) drawer.focus();
}

function closeDrawer(): void {
  drawer.close();
  document.body.classList.remove("drawer-open");
  graphView.elements.get(state.selected)?.focus({ preventScroll: true });
}

function select(itemId: string): void {
  graphView.elements.get(state.selected)?.classList.remove("selected");
  state.selected = itemId;
  const el = graphView.elements.get(itemId);
  el?.classList.add("selected");
  el?.focus({ preventScroll: true });
}

async function goToNode(index: number): Promise<void> {
  await showLevels(state.views!.path(index));
  await graphView.complete;  // the node's box may be among those attached after the first view
  const id = state.view?.itemOf.get(index) ?? `n${index}`;  // a folded Constant: the node that shows it
  openDrawer(index, false);
  graphView.centre(id);
  select(id);
}

// --- problems: next / previous (n, p), "problems only" ------------------------------------------------------------
function problemNodes(): number[] {
  return (state.analysis?.nodes ?? []).filter((v) => v.status !== "convertible").map((v) => v.index);
}

function stepProblem(direction: 1 | -1): void {
  const list = problemNodes();
  if (!list.length) return;
  const current = drawer.node?.index ?? -1;
  let k = list.findIndex((i) => (direction > 0 ? i > current : i >= current));
  if (direction > 0) k = k < 0 ? 0 : k;
  else k = (k < 0 ? list.length : k) - 1;
  if (k < 0) k = list.length - 1;
  void goToNode(list[k]);
}

// --- summary bar ------------------------------------------------------------------------------------------------
function nodeLinks(nodes: number[], limit = 50): Node[] {
  const out: Node[] = nodes.slice(0, limit).map((index) => {
    const link = h("button", { class: "node-link", "data-index": index, title: state.graph!.nodes[index].name },
      middleEllipsis(state.graph!.nodes[index].name, 48));
    link.addEventListener("click", () => void goToNode(index));
    return link;
  });
  if (nodes.length > limit) out.push(h("span", { class: "muted" }, `… ${nodes.length - limit} more (n / p visit them all)`));
  return out;
}

function renderSummary(): void {
  const a = state.analysis;
  clear(ui.summary);
  delete ui.summary.dataset.stale;
  if (!a || !state.graph) return;  // loadModel paints it once the graph is there
  const s = a.summary;
  const total = countTotal(s);
  const count = (status: string, n: number, mark: string) =>
    h("span", { class: `count ${status}`, "data-status": status, "data-count": n }, `${mark} ${n} ${status}`);
  const modelWarnings = a.model_issues.filter((m) => m.severity !== "error");
  const share = total ? Math.round((100 * s.fallback) / total) : 0;
  const verdict = !s.model_convertible ? h("span", { class: "verdict bad", "data-verdict": "bad" }, "model does not convert")
    : s.fallback ? h("span", { class: "verdict warn", "data-verdict": "fallback" },
        `model converts, but ${s.fallback} of ${total} nodes (${share} %) fall back to a wider precision`)
    : h("span", { class: "verdict ok", "data-verdict": "ok" }, "model converts");
  const problemsOnly = h("input", { type: "checkbox", id: "problems-only" }) as HTMLInputElement;
  problemsOnly.checked = ui.viewport.classList.contains("problems-only");
  problemsOnly.addEventListener("change", () => ui.viewport.classList.toggle("problems-only", problemsOnly.checked));
  const prev = h("button", { class: "button", id: "prev-problem", title: "Previous problem (p)" }, "◀ p");
  const next = h("button", { class: "button", id: "next-problem", title: "Next problem (n)" }, "n ▶");
  prev.addEventListener("click", () => stepProblem(-1));
  next.addEventListener("click", () => stepProblem(1));
  ui.summary.append(
    h("span", { class: "target" }, `${state.graph?.name ?? ""} on TensorRT ${a.target.tensorrt_version} (${a.target.precisions.join(",")}${a.target.strict ? ", strict" : ""})`),
    s.quantization && s.quantization !== "none"
      ? h("span", { class: "quant-mode", "data-mode": s.quantization, title: "Quantization mode (docs/quantization.md)" },
          `${s.quantization.replace("_", " ")} quantization${s.quantized_nodes ? `, ${s.quantized_nodes} quantized` : ""}`)
      : "",
    a.target.hardware
      ? h("span", { class: "hardware", "data-gpu": a.target.hardware.compute_capability,
          title: "Hardware target (docs/hardware.md)" },
          `${a.target.hardware.product ?? `SM ${a.target.hardware.compute_capability}`}${a.target.hardware.dla
            ? ` · DLA ${s.dla_nodes ?? 0} / GPU ${s.gpu_nodes ?? 0} · ${s.gpu_dla_transitions ?? 0} transitions` : ""}`)
      : "",
    ...STATUSES.map((status) => count(status, s[status], STATUS[status].mark)),
    count("warnings", s.warnings + modelWarnings.length, "!"),
    verdict,
    h("label", { class: "field check", title: "Dim the nodes that convert without warnings" }, problemsOnly, " problems only"),
    h("span", { class: "problem-nav" }, prev, next));
  const lists = h("div", { class: "problem-lists" });
  for (const issue of a.model_issues)
    lists.append(h("div", { class: `model-issue ${issue.severity}`, "data-code": issue.code, "data-severity": issue.severity },
      h("span", { class: "code" }, issue.code), ` ${issue.message}`));
  const section = (name: string, title: string, groups: Map<string, number[]>, open: boolean) => {
    if (!groups.size) return;
    let n = 0;
    for (const g of groups.values()) n += g.length;
    const box = h("details", { class: `problem-list ${name}`, "data-list": name }, h("summary", {}, `${title} (${n})`));
    box.open = open;
    for (const [code, nodes] of groups)
      box.append(h("div", { class: "reason-group", "data-code": code }, h("span", { class: "code" }, `${code} (${nodes.length})`), ...nodeLinks(nodes)));
    lists.append(box);
  };
  section("unsupported", STATUS.unsupported.title, groupBy(a.nodes.filter((v) => v.status === "unsupported"), (v) => [v.reasons[0]?.code ?? "UNKNOWN"]), true);
  section("fallback", STATUS.fallback.title, groupBy(a.nodes.filter((v) => v.status === "fallback"), (v) => [`runs in ${(v.runs_in ?? "?").toUpperCase()}`]), s.unsupported === 0);
  section("warnings", "Warnings", groupBy(a.nodes.filter((v) => v.warnings.length), (v) => [...new Set(v.warnings.map((w) => w.code))]), false);
  if (lists.childElementCount) ui.summary.append(lists);
}

// --- models -----------------------------------------------------------------------------------------------------
async function loadModels(select?: string): Promise<void> {
  const models = await modelList();
  ui.model.replaceChildren(...models.map((m) => h("option", { value: m.id }, `${m.name} (${m.node_count} nodes)`)));
  ui.empty.hidden = models.length > 0;
  // #model=<id> picks the first model to show (links, tests).
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("model");
  const id = select ?? (models.some((m) => m.id === fromHash) ? fromHash! : models[0]?.id);
  if (id) {
    ui.model.value = id;
    if (id === state.modelId && state.graph) await refreshAnalysis();  // back from a tracked page: keep the view
    else await loadModel(id);
  }
}

async function loadModel(id: string): Promise<void> {
  clearError();
  closeDrawer();
  clear(ui.summary);
  graphView.clear();
  setLoading(`Loading ${ui.model.selectedOptions[0]?.textContent ?? "the model"}…`);
  state.modelId = id;
  // The previous model's graph must not label this model's verdicts (indices differ) while both requests run.
  state.graph = undefined;
  state.views = undefined;
  state.view = undefined;
  state.analysis = undefined;
  state.status = new Map();
  state.verdicts = new Map();
  // The graph is drawn as soon as it is here; the badges colour in when the analysis arrives (on a 100k-node model
  // the analysis JSON is the bigger download).
  const analysed = refreshAnalysis();
  const graph = await (takePrefetched(id) ?? api.graph(id)).catch((e) => { setLoading(""); throw e; });
  if (id !== state.modelId) return;
  mark("data");
  state.graph = graph;
  state.views = new ModelViews(graph);
  mark("views");
  renderSummary();
  await showLevels([state.views.root()]);
  await analysed;
}

async function upload(file: File): Promise<void> {
  clearError();
  try {
    const entry = await api.upload(file);
    history.replaceState(null, "", `#model=${entry.id}`);
    await route();
  } catch (e) {
    showError(`Cannot open ${file.name}: ${(e as Error).message}`);
  }
}

// --- search and keyboard ----------------------------------------------------------------------------------------
// Node names, op types and tensor names (a node matches when one of its inputs or outputs does); the list shows the
// first 50 with the total, and is walked with the arrow keys.
const SEARCH_LIMIT = 50;
function runSearch(): void {
  const q = ui.search.value.trim().toLowerCase();
  clear(ui.results);
  ui.results.hidden = !q || !state.graph;
  if (!q || !state.graph) return;
  const hits: { node: GraphNode; tensor?: string }[] = [];
  let total = 0;
  for (const n of state.graph.nodes) {
    let tensor: string | undefined;
    const hit = n.name.toLowerCase().includes(q) || n.op_type.toLowerCase().includes(q) ||
      !!(tensor = n.outputs.find((t) => t.toLowerCase().includes(q)) ?? n.inputs.find((t) => t.toLowerCase().includes(q)));
    if (!hit) continue;
    if (++total <= SEARCH_LIMIT) hits.push({ node: n, tensor });
  }
  for (const { node: n, tensor } of hits) {
    const li = h("li", { "data-index": n.index, tabindex: -1, role: "option" }, h("b", {}, n.op_type), " ", n.name,
      tensor ? h("span", { class: "muted" }, ` · ${tensor}`) : null);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); ui.results.hidden = true; void goToNode(n.index); });
    ui.results.append(li);
  }
  ui.results.append(h("li", { class: "muted total", "data-total": total },
    total === 0 ? "no match" : total > SEARCH_LIMIT ? `${SEARCH_LIMIT} of ${total} matches` : `${total} match${total > 1 ? "es" : ""}`));
  ui.search.setAttribute("aria-activedescendant", "");
}

function moveSearchHighlight(step: number): void {
  const items = [...ui.results.querySelectorAll<HTMLElement>("li[data-index]")];
  if (!items.length) return;
  const current = items.findIndex((li) => li.classList.contains("active"));
  items[current]?.classList.remove("active");
  const next = items[(current + step + items.length) % items.length];
  next.classList.add("active");
  next.scrollIntoView({ block: "nearest" });
}

function moveSelection(dx: number, dy: number): void {
  const cur = graphView.positions.get(state.selected);
  let best = "", bestScore = Infinity;
  for (const [id, p] of graphView.positions) {
    if (!cur) { if (p.y < bestScore) { bestScore = p.y; best = id; } continue; }
    const vx = p.x - cur.x, vy = p.y - cur.y;
    const along = vx * dx + vy * dy;
    if (id === state.selected || along <= 0) continue;
    const score = along + 3 * Math.abs(vx * dy + vy * dx);
    if (score < bestScore) { bestScore = score; best = id; }
  }
  if (best) { select(best); graphView.centre(best); }
}

function onKey(e: KeyboardEvent): void {
  const typing = (e.target instanceof HTMLInputElement && e.target.type !== "checkbox") || e.target instanceof HTMLSelectElement;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "/" && !typing) { e.preventDefault(); ui.search.focus(); return; }
  if (typing) {
    if (e.target === ui.search && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      moveSearchHighlight(e.key === "ArrowDown" ? 1 : -1);
    }
    if (e.target === ui.search && e.key === "Enter") {
      const first = ui.results.querySelector<HTMLElement>("li.active[data-index]") ?? ui.results.querySelector<HTMLElement>("li[data-index]");
      if (first) { ui.results.hidden = true; void goToNode(Number(first.dataset.index)); }
    }
    if (e.key === "Escape") (e.target as HTMLElement).blur();
    return;
  }
  const moves: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  if (moves[e.key]) { e.preventDefault(); moveSelection(...moves[e.key]); }
  else if (e.key === "Enter") { const item = state.view?.items.find((i) => i.id === state.selected); if (item) openItem(item); }
  else if (e.key === "Escape") { if (drawer.isOpen) closeDrawer(); else if (state.levels.length > 1) void showLevels(state.levels.slice(0, -1)); }
  else if (e.key === "n") stepProblem(1);
  else if (e.key === "p") stepProblem(-1);
  else if (e.key === "Backspace" && state.levels.length > 1) void showLevels(state.levels.slice(0, -1));
  else if (e.key === "f") graphView.fit();
  else if (e.key === "+" || e.key === "=") graphView.zoom(1.2);
  else if (e.key === "-") graphView.zoom(1 / 1.2);
}

// --- wiring -----------------------------------------------------------------------------------------------------
function wire(): void {
  const onTarget = () => (onTrackedPage() ? pages.refresh() : refreshAnalysis()).catch((e) => showError((e as Error).message));
  onTargetChange = onTarget;
  ui.release.addEventListener("change", () => { fillPrecisions(); showStrongTyping(); void onTarget(); });
  ui.stronglyTyped.addEventListener("change", () => void onTarget());
  ui.gpu.addEventListener("change", () => void onTarget());
  ui.dla.addEventListener("change", () => void onTarget());
  ui.precision.addEventListener("change", () => {
    fillExtraPrecisions(state.releases.find((r) => r.release === ui.release.value)?.precisions ?? []);
    void onTarget();
  });
  ui.strict.addEventListener("change", () => void onTarget());
  ui.model.addEventListener("change", () => { location.hash = `model=${ui.model.value}`; });
  window.addEventListener("hashchange", () => void route().catch((e) => showError((e as Error).message)));
  ui.file.addEventListener("change", () => { const f = ui.file.files?.[0]; if (f) void upload(f); ui.file.value = ""; });
  ui.search.addEventListener("input", runSearch);
  ui.search.addEventListener("blur", () => setTimeout(() => (ui.results.hidden = true), 150));
  ui.edgeLabels.addEventListener("change", () => void showEdgeLabels().catch((e) => showError((e as Error).message)));
  $("fit").addEventListener("click", () => graphView.fit());
  $("drawer-close").addEventListener("click", () => closeDrawer());
  $("zoom-in").addEventListener("click", () => graphView.zoom(1.2));
  $("zoom-out").addEventListener("click", () => graphView.zoom(1 / 1.2));
  document.addEventListener("keydown", onKey);
  // The top bar wraps on narrow windows; the drawer starts under it whatever its height.
  const topbar = $("topbar");
  new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-height", `${topbar.offsetHeight}px`)).observe(topbar);
  let depth = 0;
  window.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; ui.drop.hidden = false; });
  window.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; ui.drop.hidden = true; } });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    ui.drop.hidden = true;
    const f = e.dataTransfer?.files?.[0];
    if (f) void upload(f);
  });
}

// --- pages: "#/..." the tracked-model pages (tracked.ts), "#model=<id>[&graph=G&node=N]" the visualizer ------------
function onTrackedPage(): boolean { return document.body.dataset.page === "tracked"; }

async function route(): Promise<void> {
  clearError();
  const tracked = parseRoute(location.hash);
  document.body.dataset.page = tracked ? "tracked" : "visualizer";
  ui.tracked.hidden = !tracked;
  if (tracked) {
    closeDrawer();
    await pages.show(tracked);
    return;
  }
  const q = new URLSearchParams(location.hash.slice(1));
  restoreTarget(q);
  await loadModels();
  const node = q.get("node");
  if (node !== null && state.graph) {
    const graph = q.get("graph") ?? "";
    const found = state.graph.nodes.find((n) => n.name === node && n.graph === graph);
    if (found) await goToNode(found.index);
    else showError(`no node '${node}' in this model`);
  }
}

// A link or reload names its model (#model=ID): public/prefetch.js, run before this bundle loads, has already asked
// for its graph and for the release list (two round trips less before the first paint on a busy server).
interface Prefetched { id?: string; graph?: Promise<Response>; releases?: Promise<Response>; models?: Promise<Response> }
const prefetched = (window as unknown as { __trtlensPrefetch?: Prefetched }).__trtlensPrefetch ?? {};
for (const p of [prefetched.graph, prefetched.releases, prefetched.models]) p?.catch(() => undefined);  // reported by the fallback request
// The model list as the page opened (the landing check and the first loadModels share it); later calls ask again.
let firstModels: Promise<ModelEntry[]> | undefined =
  prefetched.models?.then((r) => jsonOf<ModelEntry[]>(r)).catch(() => api.models());
function modelList(): Promise<ModelEntry[]> {
  const list = firstModels ?? api.models();
  firstModels = undefined;
  return list;
}
function takePrefetched(id: string): Promise<ModelGraph> | undefined {
  const graph = prefetched.id === id ? prefetched.graph : undefined;
  prefetched.graph = undefined;
  return graph?.then((r) => jsonOf<ModelGraph>(r)).catch(() => api.graph(id));
}
function prefetchedReleases(): Promise<ReleaseInfo[]> {
  const releases = prefetched.releases;
  prefetched.releases = undefined;
  return releases ? releases.then((r) => jsonOf<ReleaseInfo[]>(r)).catch(() => api.releases()) : api.releases();
}

async function main(): Promise<void> {
  wire();
  const landing = !location.hash || location.hash === "#";
  const [releases, models] = await Promise.all([prefetchedReleases(), landing ? modelList() : Promise.resolve(undefined)]);
  state.releases = releases;
  ui.release.replaceChildren(...state.releases.map((r) => h("option", { value: r.release }, r.display)));
  fillPrecisions();
  showStrongTyping();
  api.gpus().then((gpus) => ui.gpuList.replaceChildren(...gpus.map((g) =>
    h("option", { value: g.name }, `SM ${g.compute_capability}${g.dla ? ", DLA" : ""}`)))).catch(() => {});
  // Landing: the visualizer when models were given on the command line, the tracked-model library otherwise.
  if (models && !models.length) history.replaceState(null, "", "#/");
  await route();
  firstModels = undefined;  // opened on a tracked page: the list is older than the versions opened from it later
}

main().catch((e) => showError((e as Error).message));
