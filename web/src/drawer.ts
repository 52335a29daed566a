// The node drawer: Properties, Supported Runtimes (every release x precision, plus this node's verdict per release)
// and Issues. Model strings go in as text only.
import { api, type Analysis, type GraphNode, type NodeDetails, type Runtimes, type Tensor } from "./api";
import { badge, clear, h } from "./dom";
import { statusTitle } from "./status";

export type Tab = "properties" | "runtimes" | "issues";
const PRECISION_ORDER = ["fp32", "tf32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"];

export interface DrawerContext {
  modelId: string;
  analysis?: Analysis;
  precision: string;
  strict: boolean;
  release: string;               // the selected release: its row is marked and scrolled into view
}

export class Drawer {
  private el = document.getElementById("drawer") as HTMLElement;
  private body = document.getElementById("drawer-body") as HTMLElement;
  private title = document.getElementById("drawer-title") as HTMLElement;
  private tab: Tab = "properties";
  node?: GraphNode;
  private ctx?: DrawerContext;

  constructor() {
    for (const button of this.el.querySelectorAll<HTMLButtonElement>("[data-tab]"))
      button.addEventListener("click", () => this.select(button.dataset.tab as Tab));
    document.getElementById("drawer-close")!.addEventListener("click", () => this.close());
  }

  open(node: GraphNode, ctx: DrawerContext): void {
    this.node = node;
    this.ctx = ctx;
    this.el.hidden = false;
    this.el.dataset.nodeIndex = String(node.index);
    this.title.textContent = `${node.op_type} · ${node.name}`;
    this.select(this.tab);
  }

  refresh(ctx: DrawerContext): void {
    if (this.node && !this.el.hidden) this.open(this.node, ctx);
  }

  close(): void {
    this.el.hidden = true;
    this.node = undefined;
  }

  get isOpen(): boolean { return !this.el.hidden; }

  // Keyboard users land in the drawer when it opens (Esc closes it and returns to the node).
  focus(): void { this.title.focus({ preventScroll: true }); }

  select(tab: Tab): void {
    this.tab = tab;
    for (const button of this.el.querySelectorAll<HTMLButtonElement>("[data-tab]"))
      button.setAttribute("aria-selected", String(button.dataset.tab === tab));
    clear(this.body);
    if (!this.node || !this.ctx) return;
    if (tab === "properties") void this.properties(this.node, this.ctx);
    else if (tab === "issues") this.body.append(issues(this.node, this.ctx.analysis));
    else void this.runtimes(this.node, this.ctx);
  }

  // Names at once (the UI's graph has them); attributes, doc string and tensor types when /nodes/{n} answers.
  private async properties(node: GraphNode, ctx: DrawerContext): Promise<void> {
    const holder = h("div", { class: "properties-holder", "data-loading": "1" }, properties(node));
    this.body.append(holder);
    try {
      const details = await nodeDetails(ctx.modelId, node.index);
      if (this.node !== node || this.tab !== "properties") return;
      holder.replaceChildren(properties(node, details));
      holder.removeAttribute("data-loading");
    } catch (e) {
      holder.append(h("p", { class: "error-text" }, (e as Error).message));
    }
  }

  private async runtimes(node: GraphNode, ctx: DrawerContext): Promise<void> {
    const holder = h("div", { class: "runtimes", "data-loading": "1" }, "Loading…");
    this.body.append(holder);
    try {
      const data = await api.runtimes(ctx.modelId, node.index, ctx.precision, ctx.strict);
      if (this.node !== node || this.tab !== "runtimes") return;
      holder.replaceChildren(runtimeTable(data, ctx.precision, ctx.release));
      holder.removeAttribute("data-loading");
      holder.querySelector("tr.selected")?.scrollIntoView({ block: "center" });
    } catch (e) {
      holder.replaceChildren(h("p", { class: "error-text" }, (e as Error).message));
    }
  }
}

function tensorText(t: Tensor | undefined): string {
  if (!t) return "?";
  const shape = t.shape ? `[${t.shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]` : "[?]";
  return `${t.dtype} ${shape}`;
}

// One request per node and model while the page lives (the drawer re-renders on every target change).
const detailsCache = new Map<string, Promise<NodeDetails>>();
function nodeDetails(modelId: string, index: number): Promise<NodeDetails> {
  const key = `${modelId}:${index}`;
  let p = detailsCache.get(key);
  if (!p) {
    p = api.node(modelId, index);
    p.catch(() => detailsCache.delete(key));
    detailsCache.set(key, p);
  }
  return p;
}

function tensorRows(names: string[], details: NodeDetails | undefined): HTMLElement {
  const table = h("table", { class: "kv tensors" });
  names.forEach((name, i) => {
    const t = name ? details?.tensors[name] : undefined;
    const type = !name ? "" : details ? tensorText(t) : "…";
    table.append(h("tr", {}, h("td", {}, String(i)), h("td", { class: "mono" }, name || "(none)"),
      h("td", { class: "mono" }, type), h("td", { class: `kind ${t?.kind ?? ""}` }, t?.kind ?? "")));
  });
  return table;
}

function properties(node: GraphNode, details?: NodeDetails): HTMLElement {
  const full = details?.node;
  const box = h("div", { class: "properties" });
  const kv = h("table", { class: "kv" });
  const row = (k: string, v: string) => kv.append(h("tr", {}, h("th", {}, k), h("td", { class: "mono" }, v)));
  row("name", node.name);
  row("op", node.op_type);
  if (full) row("domain", full.domain || "ai.onnx");
  row("graph", node.graph || "(main graph)");
  if (full?.doc) row("doc", full.doc);
  box.append(kv);
  box.append(h("h3", {}, "Attributes"));
  const attrs = h("table", { class: "kv attributes" });
  for (const a of full?.attributes ?? []) attrs.append(h("tr", {}, h("th", {}, a.name), h("td", { class: "mono" }, a.value), h("td", { class: "muted" }, a.type)));
  box.append(!full ? h("p", { class: "muted" }, "Loading…") : full.attributes?.length ? attrs : h("p", { class: "muted" }, "none"));
  box.append(h("h3", {}, "Inputs"), tensorRows(node.inputs, details));
  box.append(h("h3", {}, "Outputs"), tensorRows(node.outputs, details));
  return box;
}

function issues(node: GraphNode, analysis: Analysis | undefined): HTMLElement {
  const v = analysis?.nodes[node.index]?.index === node.index ? analysis.nodes[node.index] : analysis?.nodes.find((n) => n.index === node.index);
  const box = h("div", { class: "issues" });
  if (!v) return h("p", { class: "muted" }, "No verdict yet.");
  box.append(h("p", {}, badge(v.status, statusTitle(v.status, v.runs_in)), ` ${v.status}`, v.runs_in ? ` · runs in ${v.runs_in}` : "",
    v.first_supported_release ? ` · first supported in TensorRT ${v.first_supported_release}` : "",
    v.device ? ` · on the ${v.device.toUpperCase()}` : ""));
  if (v.precision?.message)
    box.append(h("div", { class: "issue precision", "data-code": v.precision.code },
      h("div", { class: "code" }, `Why ${v.runs_in ?? "this precision"}`),
      h("div", {}, v.precision.message),
      h("div", { class: "muted" }, [v.precision.rule ? `rule ${v.precision.rule}` : "", v.precision.confidence ?? ""].filter(Boolean).join(" · "))));
  if (!v.reasons.length && !v.warnings.length) box.append(h("p", { class: "muted" }, "No issues for this node."));
  for (const r of v.reasons)
    box.append(h("div", { class: "issue reason", "data-code": r.code }, h("div", { class: "code" }, r.code),
      h("div", {}, r.message), r.hint ? h("div", { class: "hint" }, "Fix: ", r.hint) : null));
  for (const w of v.warnings)
    box.append(h("div", { class: "issue warning", "data-code": w.code }, h("div", { class: "code" }, w.code), h("div", {}, w.message)));
  return box;
}

// Rows: releases, newest first; columns: whether the operator has a kernel in each precision, the element types it
// takes, and this node's own verdict (from the same analysis as its badge: a control-flow parent includes its bodies).
function runtimeTable(data: Runtimes, precision: string, selected: string): HTMLElement {
  const all = new Set<string>();
  for (const r of data.releases) for (const p of r.precisions) all.add(p);
  const columns = PRECISION_ORDER.filter((p) => all.has(p));
  const table = h("table", { class: "runtime-table" });
  table.append(h("thead", {}, h("tr", {}, h("th", {}, "Release"), ...columns.map((p) => h("th", {}, p.toUpperCase())),
    h("th", { title: "element types the operator accepts in this release" }, "Types"),
    h("th", {}, `This node (${precision})`))));
  const body = h("tbody");
  for (const r of data.releases) {
    const cells = columns.map((p) => {
      if (!r.precisions.includes(p)) return h("td", { class: "na", "data-precision": p, title: `${r.display} has no ${p}` }, "—");
      const ok = !!r.op?.importer && (r.op?.precisions ?? []).includes(p);
      return h("td", { class: ok ? "yes" : "no", "data-precision": p, "data-supported": ok ? "1" : "0" }, ok ? "✓" : "✗");
    });
    const types = h("td", { class: "types", "data-types": (r.op?.types ?? []).join(",") }, (r.op?.types ?? []).join(" ") || "—");
    const why = r.node.reasons.map((x) => `${x.code}: ${x.message}`).join("\n");
    const mine = h("td", { class: "node-verdict", "data-status": r.node.status, title: why || r.node.status },
      badge(r.node.status, why || statusTitle(r.node.status, r.node.runs_in), r.node.warnings ?? 0), r.node.runs_in ? ` ${r.node.runs_in}` : "");
    const isSelected = r.release === selected;
    body.append(h("tr", { "data-release": r.release, class: isSelected ? "selected" : undefined, "aria-current": isSelected ? "true" : undefined },
      h("th", {}, r.display, isSelected ? h("span", { class: "current" }, " (selected)") : null), ...cells, types, mine));
  }
  table.append(body);
  return table;
}
