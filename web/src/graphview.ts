// Draws one level: node boxes are DOM elements (data-node-name, badge data-status) placed by the layout worker,
// edges an SVG underneath. Pan with drag, zoom with the wheel, fit, centre on an item.
import type { LayoutAnswer, LayoutRequest } from "./layout.worker";
import type { Item, LevelView } from "./views";
import { h } from "./dom";

const SVG = "http://www.w3.org/2000/svg";
const RENDER_CHUNK = 300;  // boxes attached per task after the first view is painted

function intersects(p: { x: number; y: number; width: number; height: number }, r: { x0: number; y0: number; x1: number; y1: number }): boolean {
  return p.x + p.width / 2 >= r.x0 && p.x - p.width / 2 <= r.x1 && p.y + p.height / 2 >= r.y0 && p.y - p.height / 2 <= r.y1;
}

// `bodies`: an If/Loop/Scan node gets a row of body buttons under its title and name.
export function itemSize(item: Item, bodies = 0): { width: number; height: number } {
  if (item.kind === "input" || item.kind === "output") return { width: Math.min(220, 40 + item.label.length * 7), height: 30 };
  if (item.kind === "group") return { width: Math.min(260, Math.max(160, 60 + item.label.length * 7)), height: 58 };
  const width = Math.min(240, Math.max(150, 40 + item.label.length * 6.5));
  return bodies ? { width: Math.max(width, 40 + bodies * 100), height: 84 } : { width, height: 54 };
}

export class GraphView {
  readonly stage: HTMLElement;
  private canvas: HTMLElement;
  private svg: SVGSVGElement;
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private worker: Worker;
  private request = 0;
  private pending = new Map<number, (r: LayoutAnswer) => void>();
  positions = new Map<string, { x: number; y: number; width: number; height: number }>();
  elements = new Map<string, HTMLElement>();
  edgeLabels: SVGTextElement[] = [];
  private pendingLabels?: () => void;
  private columnWidth = Infinity;

  constructor(private viewport: HTMLElement) {
    this.stage = viewport.querySelector("#stage") as HTMLElement;
    this.canvas = h("div", { class: "canvas" });
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("edges");
    this.canvas.append(this.svg);
    this.stage.append(this.canvas);
    this.worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<LayoutAnswer>) => {
      this.pending.get(e.data.id)?.(e.data);
      this.pending.delete(e.data.id);
    };
    this.installPanZoom();
  }

  // Lays out and draws `view`; `render(item)` builds each item's element.
  async show(view: LevelView, render: (item: Item) => HTMLElement, edgeLabel: (tensors: string[]) => string,
             size: (item: Item) => { width: number; height: number }): Promise<number> {
    const id = ++this.request;
    const sizes = view.items.map(size);
    const req: LayoutRequest = {
      id,
      nodes: view.items.map((it, i) => ({ id: it.id, ...sizes[i] })),
      edges: view.edges.map((e) => ({ from: e.from, to: e.to })),
      aspect: this.viewport.clientWidth / Math.max(1, this.viewport.clientHeight),
      viewHeight: this.viewport.clientHeight,
    };
    const result = await new Promise<LayoutAnswer>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage(req);
    });
    // A newer level replaced this one while it was waiting (the worker cancelled it) or being laid out.
    if (id !== this.request || "cancelled" in result) return -1;
    const t0 = performance.now();
    this.empty();
    this.svg.setAttribute("width", String(result.width + 40));
    this.svg.setAttribute("height", String(result.height + 40));
    // All edges are one path and all arrowheads another: thousands of SVG elements cost more to style and paint
    // than the nodes themselves. Labels are made only when asked for (edge labels).
    let lines = "", heads = "";
    const labels: { x: number; y: number; tensors: string[] }[] = [];
    view.edges.forEach((edge, i) => {
      const pts = result.edges[i]?.points ?? [];
      if (pts.length < 2) return;
      lines += curve(pts);
      const end = pts[pts.length - 1], before = pts[pts.length - 2];
      const dir = end.y >= before.y ? 1 : -1;  // curves end vertically
      heads += `M${end.x},${end.y}l-3.5,${-7 * dir}h7z`;
      const mid = pts[Math.floor(pts.length / 2)];
      labels.push({ x: mid.x + 4, y: mid.y, tensors: edge.tensors });
    });
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", lines);
    path.classList.add("lines");
    const arrows = document.createElementNS(SVG, "path");
    arrows.setAttribute("d", heads);
    arrows.classList.add("heads");
    this.svg.append(path, arrows);
    this.svg.dataset.edges = String(labels.length);
    this.pendingLabels = () => {
      for (const l of labels) {
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", String(l.x));
        label.setAttribute("y", String(l.y));
        label.classList.add("edge-label");
        label.textContent = edgeLabel(l.tensors);
        this.svg.append(label);
        this.edgeLabels.push(label);
      }
    };
    this.columnWidth = result.columns > 1 ? result.columnWidth : Infinity;
    this.canvas.dataset.columns = String(result.columns);
    for (const [i, item] of view.items.entries()) this.positions.set(item.id, { ...result.positions[item.id], ...sizes[i] });
    // The first view (home) is known before any box exists: the boxes in it (and a margin) are built and painted
    // first, the rest right after that frame, a few hundred per task. A 600-node level opens showing ~50 boxes at a
    // readable scale; building and styling the other 500 first would only delay what the user sees.
    this.home();
    const seen = this.visibleRect(300);
    const first: number[] = [], rest: number[] = [];
    view.items.forEach((item, i) => (intersects(this.positions.get(item.id)!, seen) ? first : rest).push(i));
    const attach = (indices: number[]) => {
      const fragment = document.createDocumentFragment();
      for (const i of indices) {
        const item = view.items[i];
        const p = this.positions.get(item.id)!;
        const el = render(item);
        el.style.left = `${p.x - p.width / 2}px`;
        el.style.top = `${p.y - p.height / 2}px`;
        el.style.width = `${p.width}px`;
        el.style.height = `${p.height}px`;
        this.elements.set(item.id, el);
        fragment.append(el);
      }
      this.canvas.append(fragment);
    };
    attach(first);
    delete this.canvas.dataset.complete;
    this.complete = new Promise<void>((resolve) => {
      const chunk = (from: number) => {
        if (id !== this.request) return resolve();
        attach(rest.slice(from, from + RENDER_CHUNK));
        if (from + RENDER_CHUNK < rest.length) setTimeout(() => chunk(from + RENDER_CHUNK), 0);
        else { this.canvas.dataset.complete = "1"; this.onComplete?.(); resolve(); }
      };
      if (!rest.length) { this.canvas.dataset.complete = "1"; this.onComplete?.(); resolve(); }
      else requestAnimationFrame(() => setTimeout(() => chunk(0), 0));  // after the first frame is out
    });
    document.body.dataset.renderMs = `${Math.round(performance.now() - t0)}`;
    document.body.dataset.firstItems = String(first.length);
    return result.ms;
  }

  // Resolves once every box of the current level is in the document (show() paints the first view before that).
  complete: Promise<void> = Promise.resolve();
  // Called each time a level's last boxes are attached (main.ts re-applies the selection then).
  onComplete?: () => void;

  // The part of the canvas the viewport shows, widened by `margin` screen pixels on every side.
  private visibleRect(margin: number): { x0: number; y0: number; x1: number; y1: number } {
    const vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    return { x0: (-margin - this.tx) / this.scale, y0: (-margin - this.ty) / this.scale,
             x1: (vw + margin - this.tx) / this.scale, y1: (vh + margin - this.ty) / this.scale };
  }

  // Nothing drawn (a model is loading): no stale graph under the loading note.
  clear(): void {
    ++this.request;
    this.empty();
  }

  private empty(): void {
    this.canvas.replaceChildren(this.svg);
    this.svg.replaceChildren();
    this.positions.clear();
    this.elements.clear();
    this.edgeLabels = [];
    this.pendingLabels = undefined;
  }

  // The whole level in the viewport (the `f` key and the fit button), however small that makes it.
  fit(): void {
    const w = Number(this.svg.getAttribute("width")) || 1;
    const hgt = Number(this.svg.getAttribute("height")) || 1;
    const vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    this.scale = Math.max(0.005, Math.min(1.2, vw / w, vh / hgt));
    this.tx = (vw - w * this.scale) / 2;
    this.ty = (vh - hgt * this.scale) / 2;
    this.apply();
  }

  // The first view of a level: all of it when that stays legible, otherwise its top at a readable scale, the way
  // Netron opens a long model (pan or press f for the rest).
  home(): void {
    const w = Number(this.svg.getAttribute("width")) || 1;
    const hgt = Number(this.svg.getAttribute("height")) || 1;
    const vw = this.viewport.clientWidth, vh = this.viewport.clientHeight;
    const whole = Math.min(1.2, vw / w, vh / hgt);
    if (whole >= 0.6) return this.fit();
    this.scale = Math.max(0.6, Math.min(1, vw / w));
    // Centre on the items of the first rows rather than on the middle of a wide graph.
    let top = Infinity, sum = 0, count = 0;
    for (const p of this.positions.values()) if (p.x < this.columnWidth) top = Math.min(top, p.y);
    for (const p of this.positions.values()) if (p.y < top + 200 && p.x < this.columnWidth) { sum += p.x; count++; }
    const cx = count ? sum / count : w / 2;
    this.tx = vw / 2 - cx * this.scale;
    this.ty = 10;
    this.apply();
  }

  zoom(factor: number, cx = this.viewport.clientWidth / 2, cy = this.viewport.clientHeight / 2): void {
    const next = Math.min(4, Math.max(0.03, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.apply();
  }

  centre(itemId: string): void {
    const p = this.positions.get(itemId);
    if (!p) return;
    if (this.scale < 0.6) this.scale = 1;
    // Centre in the part of the viewport the drawer leaves free.
    const drawer = document.getElementById("drawer");
    const covered = drawer && !drawer.hidden ? Math.min(drawer.offsetWidth, this.viewport.clientWidth / 2) : 0;
    this.tx = (this.viewport.clientWidth - covered) / 2 - p.x * this.scale;
    this.ty = this.viewport.clientHeight / 2 - p.y * this.scale;
    this.apply();
  }

  showEdgeLabels(on: boolean): void {
    if (on && this.pendingLabels) { this.pendingLabels(); this.pendingLabels = undefined; }
    this.svg.classList.toggle("with-labels", on);
  }

  // Screen rectangle of an item (for tests and for keeping the selection in view).
  get transform(): { scale: number; tx: number; ty: number } { return { scale: this.scale, tx: this.tx, ty: this.ty }; }

  private apply(): void {
    this.canvas.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${this.scale})`;
  }

  private installPanZoom(): void {
    let drag: { x: number; y: number; tx: number; ty: number } | null = null;
    this.viewport.addEventListener("pointerdown", (e) => {
      if ((e.target as HTMLElement).closest(".item, #toolbar")) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty };
      this.viewport.setPointerCapture(e.pointerId);
    });
    this.viewport.addEventListener("pointermove", (e) => {
      if (!drag) return;
      this.tx = drag.tx + e.clientX - drag.x;
      this.ty = drag.ty + e.clientY - drag.y;
      this.apply();
    });
    this.viewport.addEventListener("pointerup", () => (drag = null));
    this.viewport.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = this.viewport.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
  }
}

// Edges as smooth vertical curves through the layout's points (Netron draws them the same way).
function curve(pts: { x: number; y: number; move?: boolean }[]): string {
  let d = `M${pts[0].x},${pts[0].y}`;
  const last = pts.length - 1;
  pts = pts.map((p, i) => (i === last ? { x: p.x, y: p.y - (p.y >= pts[i - 1].y ? 6 : -6) } : p));  // room for the head
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    if (b.move) { d += ` M${b.x},${b.y}`; continue; }
    const dy = (b.y - a.y) / 2;
    d += ` C${a.x},${a.y + dy} ${b.x},${b.y - dy} ${b.x},${b.y}`;
  }
  return d;
}
