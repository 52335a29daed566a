// The visualizer: model picker, runtime selector (release, precision, strict), summary bar, graph levels, drawer.
// It renders the server's JSON and knows nothing about the analysis itself.
import "./style.css";
import { api, tracked as trackedApi, type Analysis, type ModelGraph, type ReleaseInfo, type Status } from "./api";
import { badge, clear, h, STATUS_MARK } from "./dom";
import { Drawer } from "./drawer";
import { parseRoute, TrackedPages } from "./tracked";
import { GraphView } from "./graphview";
import { ModelViews, rollUp, type Item, type Level, type LevelView } from "./views";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  model: $<HTMLSelectElement>("model-select"), file: $<HTMLInputElement>("file-input"),
  release: $<HTMLSelectElement>("runtime-type"), precision: $<HTMLSelectElement>("precision"), strict: $<HTMLInputElement>("strict"),
  precisionExtra: $<HTMLElement>("precision-extra"),
  error: $("error"), summary: $("summary"), breadcrumb: $("breadcrumb"), viewport: $("viewport"), empty: $("empty"),
  search: $<HTMLInputElement>("search"), results: $<HTMLUListElement>("search-results"), edgeLabels: $<HTMLInputElement>("edge-labels"),
  drop: $("drop-overlay"), tracked: $("tracked"),
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
  const analysis = await api.analysis(id, ui.release.value, precisions(), ui.strict.checked);
  if (request !== analysisRequest || id !== state.modelId) return;
  state.analysis = analysis;
  state.status = new Map(analysis.nodes.map((n) => [n.index, n.status]));
  state.verdicts = new Map(analysis.nodes.map((n) => [n.index, n]));
  updateBadges();
  renderSummary();
  drawer.refresh(drawerContext());
}

function drawerContext() {
  return { modelId: state.modelId, graph: state.graph!, analysis: state.analysis, precision: precisions(), strict: ui.strict.checked };
}

// --- graph levels -----------------------------------------------------------------------------------------------
function itemBadge(item: Item): HTMLElement {
  if (item.kind === "node") {
    const v = state.verdicts.get(item.nodes[0]);
    return badge(state.status.get(item.nodes[0]), v?.status === "fallback" && v.runs_in ? `: runs in ${v.runs_in.toUpperCase()}` : "");
  }
  const { worst, counts } = rollUp(item.nodes, state.status);
  return badge(worst, ` (${counts.convertible} ✓, ${counts.fallback} ↓, ${counts.unsupported} ✗)`);
}

function renderItem(item: Item): HTMLElement {
  const g = state.graph!;
  if (item.kind === "input" || item.kind === "output")
    return h("div", { class: `item tensor ${item.kind}${item.boundary ? " boundary" : ""}`, "data-tensor-name": item.label,
      "data-item": item.id, "data-boundary": item.boundary ? "1" : undefined,
      title: item.boundary ? (item.kind === "input" ? "comes from outside this group" : "used outside this group") : `graph ${item.kind}` },
      item.label);
  if (item.kind === "group") {
    const el = h("div", { class: "item group", "data-group-name": item.label, "data-item": item.id, tabindex: -1, title: "Double-click or Enter to open" },
      h("div", { class: "title" }, h("span", { class: "name" }, item.label), itemBadge(item)),
      h("div", { class: "meta" }, `${item.nodes.length} nodes ▸`));
    el.addEventListener("click", () => select(item.id));
    el.addEventListener("dblclick", () => openItem(item));
    return el;
  }
  const node = g.nodes[item.nodes[0]];
  const weights = node.inputs.filter((t) => g.graphs.find((s) => s.path === node.graph)?.tensors[t]?.kind === "initializer").length;
  const el = h("div", { class: "item node", "data-node-name": node.name, "data-index": node.index, "data-item": item.id, tabindex: -1 },
    h("div", { class: "title" }, h("span", { class: "op" }, node.op_type), itemBadge(item)),
    h("div", { class: "name" }, node.name),
    weights ? h("span", { class: "weights", title: "initializer inputs (weights)" }, `⊞${weights}`) : null);
  if (node.bodies?.length) {
    const bodies = h("div", { class: "bodies" });
    for (const body of node.bodies) {
      const b = h("button", { class: "open-body", "data-body": body, title: `open ${body}` }, `${body.split("/").pop()} ▸`);
      b.addEventListener("click", (e) => { e.stopPropagation(); void showLevels([...state.levels, state.views!.root(body)]); });
      bodies.append(b);
    }
    el.append(bodies);
    el.style.minHeight = "70px";
  }
  el.addEventListener("click", () => { select(item.id); drawer.open(node, drawerContext()); });
  return el;
}

function updateBadges(): void {
  if (!state.view) return;
  for (const item of state.view.items) {
    const el = graphView.elements.get(item.id);
    const old = el?.querySelector(".badge");
    if (old) old.replaceWith(itemBadge(item));
  }
}

function edgeLabel(tensors: string[]): string {
  const scope = state.graph?.graphs.find((g) => g.path === state.view?.level.scope);
  const t = scope?.tensors[tensors[0]];
  const shape = t?.shape ? `[${t.shape.map((d) => (d === null ? "?" : d)).join("×")}]` : "";
  return tensors.length > 1 ? `${tensors.length} tensors` : `${t?.dtype ?? "?"}${shape}`;
}

async function showLevels(levels: Level[]): Promise<void> {
  state.levels = levels;
  state.view = state.views!.view(levels[levels.length - 1]);
  renderBreadcrumb();
  await graphView.show(state.view, renderItem, edgeLabel);
  graphView.showEdgeLabels(ui.edgeLabels.checked);
  if (state.firstPaint) {
    state.firstPaint = false;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.body.dataset.firstPaintMs = String(Math.round(performance.now()));
    }));
  }
  document.body.dataset.level = levels.map((l) => l.title).join(" > ");
}

function renderBreadcrumb(): void {
  clear(ui.breadcrumb);
  state.levels.forEach((level, i) => {
    const crumb = h("button", { class: "crumb", "data-depth": i }, level.title || "(graph)");
    crumb.addEventListener("click", () => void showLevels(state.levels.slice(0, i + 1)));
    if (i) ui.breadcrumb.append(" › ");
    ui.breadcrumb.append(crumb);
  });
}

function openItem(item: Item): void {
  if (item.kind === "group" && item.level) void showLevels([...state.levels, item.level]);
  else if (item.kind === "node") drawer.open(state.graph!.nodes[item.nodes[0]], drawerContext());
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
  const id = `n${index}`;
  graphView.centre(id);
  select(id);
  drawer.open(state.graph!.nodes[index], drawerContext());
}

// --- summary bar ------------------------------------------------------------------------------------------------
function renderSummary(): void {
  const a = state.analysis;
  clear(ui.summary);
  if (!a || !state.graph) return;  // loadModel paints it once the graph is there
  const s = a.summary;
  const count = (status: Status, n: number) =>
    h("span", { class: `count ${status}`, "data-status": status, "data-count": n }, `${STATUS_MARK[status]} ${n} ${status}`);
  ui.summary.append(
    h("span", { class: "target" }, `${state.graph?.name ?? ""} on TensorRT ${a.target.tensorrt_version} (${a.target.precisions.join(",")}${a.target.strict ? ", strict" : ""})`),
    count("convertible", s.convertible), count("fallback", s.fallback), count("unsupported", s.unsupported),
    h("span", { class: `verdict ${s.model_convertible ? "ok" : "bad"}` }, s.model_convertible ? "model converts" : "model does not convert"));
  const byReason = new Map<string, number[]>();
  for (const n of a.nodes) {
    if (n.status !== "unsupported") continue;
    const code = n.reasons[0]?.code ?? "UNKNOWN";
    byReason.set(code, [...(byReason.get(code) ?? []), n.index]);
  }
  if (byReason.size === 0) return;
  const list = h("div", { class: "unsupported-list" });
  for (const [code, nodes] of byReason) {
    const group = h("div", { class: "reason-group", "data-code": code }, h("span", { class: "code" }, `${code} (${nodes.length})`));
    for (const index of nodes.slice(0, 50)) {
      const link = h("button", { class: "node-link", "data-index": index }, state.graph!.nodes[index].name);
      link.addEventListener("click", () => void goToNode(index));
      group.append(link);
    }
    if (nodes.length > 50) group.append(h("span", { class: "muted" }, `… ${nodes.length - 50} more`));
    list.append(group);
  }
  for (const issue of a.model_issues.filter((m) => m.severity === "error"))
    list.append(h("div", { class: "model-issue", "data-code": issue.code }, `${issue.code}: ${issue.message}`));
  ui.summary.append(list);
}

// --- models -----------------------------------------------------------------------------------------------------
async function loadModels(select?: string): Promise<void> {
  const models = await api.models();
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
  drawer.close();
  state.modelId = id;
  // The previous model's graph must not label this model's verdicts (indices differ) while both requests run.
  state.graph = undefined;
  state.views = undefined;
  state.view = undefined;
  const [graph] = await Promise.all([api.graph(id), refreshAnalysis()]);
  if (id !== state.modelId) return;
  state.graph = graph;
  state.views = new ModelViews(graph);
  renderSummary();
  await showLevels([state.views.root()]);
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
function runSearch(): void {
  const q = ui.search.value.trim().toLowerCase();
  clear(ui.results);
  ui.results.hidden = !q || !state.graph;
  if (!q || !state.graph) return;
  const hits = state.graph.nodes.filter((n) => n.name.toLowerCase().includes(q) || n.op_type.toLowerCase().includes(q)).slice(0, 30);
  for (const n of hits) {
    const li = h("li", { "data-index": n.index, tabindex: -1 }, h("b", {}, n.op_type), " ", n.name);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); ui.results.hidden = true; void goToNode(n.index); });
    ui.results.append(li);
  }
  if (!hits.length) ui.results.append(h("li", { class: "muted" }, "no match"));
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
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) { e.preventDefault(); ui.search.focus(); return; }
  if (typing) {
    if (e.target === ui.search && e.key === "Enter") {
      const first = ui.results.querySelector<HTMLElement>("li[data-index]");
      if (first) { ui.results.hidden = true; void goToNode(Number(first.dataset.index)); }
    }
    if (e.key === "Escape") (e.target as HTMLElement).blur();
    return;
  }
  const moves: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  if (moves[e.key]) { e.preventDefault(); moveSelection(...moves[e.key]); }
  else if (e.key === "Enter") { const item = state.view?.items.find((i) => i.id === state.selected); if (item) openItem(item); }
  else if (e.key === "Escape") { if (drawer.isOpen) drawer.close(); else if (state.levels.length > 1) void showLevels(state.levels.slice(0, -1)); }
  else if (e.key === "Backspace" && state.levels.length > 1) void showLevels(state.levels.slice(0, -1));
  else if (e.key === "f") graphView.fit();
  else if (e.key === "+" || e.key === "=") graphView.zoom(1.2);
  else if (e.key === "-") graphView.zoom(1 / 1.2);
}

// --- wiring -----------------------------------------------------------------------------------------------------
function wire(): void {
  const onTarget = () => (onTrackedPage() ? pages.refresh() : refreshAnalysis()).catch((e) => showError((e as Error).message));
  onTargetChange = onTarget;
  ui.release.addEventListener("change", () => { fillPrecisions(); void onTarget(); });
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
  ui.edgeLabels.addEventListener("change", () => graphView.showEdgeLabels(ui.edgeLabels.checked));
  $("fit").addEventListener("click", () => graphView.fit());
  $("zoom-in").addEventListener("click", () => graphView.zoom(1.2));
  $("zoom-out").addEventListener("click", () => graphView.zoom(1 / 1.2));
  document.addEventListener("keydown", onKey);
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
    drawer.close();
    await pages.show(tracked);
    return;
  }
  const q = new URLSearchParams(location.hash.slice(1));
  await loadModels();
  const node = q.get("node");
  if (node !== null && state.graph) {
    const graph = q.get("graph") ?? "";
    const found = state.graph.nodes.find((n) => n.name === node && n.graph === graph);
    if (found) await goToNode(found.index);
    else showError(`no node '${node}' in this model`);
  }
}

async function main(): Promise<void> {
  wire();
  state.releases = await api.releases();
  ui.release.replaceChildren(...state.releases.map((r) => h("option", { value: r.release }, r.display)));
  fillPrecisions();
  // Landing: the visualizer when models were given on the command line, the tracked-model library otherwise.
  if (!location.hash || location.hash === "#") {
    const models = await api.models();
    if (!models.length) history.replaceState(null, "", "#/");
  }
  await route();
}

main().catch((e) => showError((e as Error).message));
