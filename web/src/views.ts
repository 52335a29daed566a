// What one level of the graph shows. A level is one (sub)graph, or one name scope of it ("encoder/layer.0/…"):
// it shows every node when that is at most FLAT_LIMIT nodes, the way Netron shows a whole model; only a bigger level
// collapses its real name scopes (the "/"-separated prefixes of node names) into groups, and only when even those are
// too many items are contiguous runs of them bucketed. Constant nodes are folded into the node that reads them (its
// ⊞N counts them with the initializers). Graph inputs/outputs appear at the root level of each (sub)graph.
import type { GraphNode, ModelGraph } from "./api";

export const FLAT_LIMIT = 2000;  // a level with at most this many (unfolded) nodes shows them all
export const MAX_ITEMS = 250;    // more items than this on a grouped level are bucketed (runs of whole scopes)
export const MAX_BOUNDARY = 40;  // tensors crossing a group's border drawn one by one; the rest share one stub

export interface Level {
  scope: string;                 // "" main graph, "head/If/then_branch" for a body
  prefix: string[];              // name-scope segments
  members?: number[];            // a bucket: only these nodes
  title: string;
}

export type ItemKind = "node" | "group" | "input" | "output";
export interface Item {
  id: string;
  kind: ItemKind;
  label: string;
  nodes: number[];               // node indices (one for a node item)
  level?: Level;                 // where opening a group leads
  boundary?: boolean;            // input/output stub of a group level: the tensor comes from / goes to outside it
}
export interface Edge { from: string; to: string; tensors: string[] }
export interface LevelView { level: Level; items: Item[]; edges: Edge[]; itemOf: Map<number, string> }

export class ModelViews {
  readonly byScope = new Map<string, number[]>();
  readonly producer = new Map<string, Map<string, number>>();  // scope -> tensor -> node
  readonly consumers = new Map<string, Map<string, number[]>>();  // scope -> tensor -> nodes reading it
  readonly segments: string[][];
  readonly scopes = new Map<string, ModelGraph["graphs"][number]>();
  readonly folded = new Map<number, number>();  // folded Constant node -> the node that shows it
  private bodyCache = new Map<string, number[]>();

  constructor(readonly graph: ModelGraph) {
    this.segments = graph.nodes.map((n) => splitName(n.name));
    for (const s of graph.graphs) {
      this.byScope.set(s.path, []);
      this.producer.set(s.path, new Map());
      this.consumers.set(s.path, new Map());
    }
    for (const n of graph.nodes) {
      this.byScope.get(n.graph)?.push(n.index);
      const produced = this.producer.get(n.graph);
      for (const out of n.outputs) if (out) produced?.set(out, n.index);
      const read = this.consumers.get(n.graph);
      for (const t of n.inputs) {
        if (!t || !read) continue;
        const list = read.get(t);
        if (list) list.push(n.index); else read.set(t, [n.index]);
      }
    }
    for (const s of graph.graphs) this.scopes.set(s.path, s);
    // A Constant feeding nodes of its own graph is drawn as part of its first reader (Netron shows weights the same
    // way); one that is a graph output, or read only inside a body, stays a node.
    for (const n of graph.nodes) {
      const domain = n.domain ?? "";  // the UI view leaves the default domain out
      if (n.op_type !== "Constant" || (domain !== "" && domain !== "ai.onnx") || n.bodies?.length) continue;
      const scope = this.scopes.get(n.graph);
      if (!scope || n.outputs.some((t) => scope.outputs.includes(t))) continue;
      const readers = n.outputs.flatMap((t) => this.consumers.get(n.graph)?.get(t) ?? []);
      if (readers.length) this.folded.set(n.index, Math.min(...readers));
    }
  }

  // Nodes of a body and of the bodies nested in it: what the body's roll-up counts.
  bodyNodes(path: string): number[] {
    let list = this.bodyCache.get(path);
    if (list) return list;
    list = [...(this.byScope.get(path) ?? [])];
    for (const s of this.graph.graphs) if (s.parent === path) list.push(...this.bodyNodes(s.path));
    this.bodyCache.set(path, list);
    return list;
  }

  // Constant inputs drawn inside `index`: initializers (`weights`, counted by the server) and folded Constant nodes.
  weightInputs(index: number): number {
    const node = this.graph.nodes[index];
    let count = node.weights ?? 0;
    const produced = this.producer.get(node.graph);
    for (const t of node.inputs) {
      const p = t ? produced?.get(t) : undefined;
      if (p !== undefined && this.folded.has(p)) count++;
    }
    return count;
  }

  root(scope = ""): Level {
    return { scope, prefix: [], title: scope === "" ? this.graph.name : scope };
  }

  view(level: Level): LevelView {
    const candidates = level.members ?? (this.byScope.get(level.scope) ?? []);
    const inScope = candidates.filter((i) => startsWith(this.segments[i], level.prefix));
    const inLevel = inScope.filter((i) => !this.folded.has(i));
    const flat = inLevel.length <= FLAT_LIMIT;
    let items: Item[] = [];
    const groups = new Map<string, Item>();
    const nodeItem = (i: number): Item => ({ id: `n${i}`, kind: "node", label: this.graph.nodes[i].name, nodes: [i] });
    if (flat) items = inLevel.map(nodeItem);
    else {
      // Only real name scopes become groups: a node without a deeper scope stays a node, and so does a scope of one.
      const count = new Map<string, number>();
      for (const i of inLevel) {
        const seg = this.segments[i];
        if (seg.length > level.prefix.length + 1) count.set(seg[level.prefix.length], (count.get(seg[level.prefix.length]) ?? 0) + 1);
      }
      for (const i of inLevel) {
        const seg = this.segments[i];
        const key = seg.length > level.prefix.length + 1 ? seg[level.prefix.length] : undefined;
        if (key === undefined || count.get(key)! < 2) { items.push(nodeItem(i)); continue; }
        let g = groups.get(key);
        if (!g) {
          const prefix = [...level.prefix, key];
          g = { id: `g:${key}`, kind: "group", label: key, nodes: [],
                level: { scope: level.scope, prefix, title: prefix.join("/") } };
          groups.set(key, g);
          items.push(g);
        }
        g.nodes.push(i);
      }
      if (items.length > MAX_ITEMS) items = bucket(items, level);
    }
    const itemOf = new Map<number, string>();
    for (const item of items) for (const n of item.nodes) itemOf.set(n, item.id);
    // A folded Constant belongs to the item of the node that shows it (search and links land there).
    for (const i of inScope) {
      const host = this.folded.get(i);
      if (host === undefined) continue;
      const id = itemOf.get(host);
      if (id) itemOf.set(i, id);
    }
    const atRoot = level.prefix.length === 0 && !level.members;
    const scope = this.scopes.get(level.scope);
    if (atRoot && scope) {
      for (const name of scope.inputs) {
        if (scope.tensors?.[name]?.kind === "initializer") continue;  // the UI view lists none
        items.unshift({ id: `in:${name}`, kind: "input", label: name, nodes: [] });
      }
      for (const name of scope.outputs) items.push({ id: `out:${name}`, kind: "output", label: name, nodes: [] });
    }
    const edges = this.edges(level, inLevel, itemOf, atRoot);
    if (!atRoot && scope) this.addBoundary(inLevel, itemOf, scope, items, edges);
    return { level, items, edges, itemOf };
  }

  // A group level is part of a bigger graph: tensors that enter it (made by nodes outside the group, or graph
  // inputs) and tensors that leave it (read outside, or graph outputs) get stubs, so the group's wiring stays visible.
  private addBoundary(inLevel: number[], itemOf: Map<number, string>, scope: ModelGraph["graphs"][number],
                      items: Item[], edges: Edge[]): void {
    const members = new Set(inLevel);
    const produced = this.producer.get(scope.path) ?? new Map<string, number>();
    const read = this.consumers.get(scope.path) ?? new Map<string, number[]>();
    const graphInputs = new Set(scope.inputs.filter((t) => scope.tensors?.[t]?.kind !== "initializer"));
    const graphOutputs = new Set(scope.outputs);
    const entering = new Map<string, Set<string>>();  // tensor -> items reading it
    const leaving = new Map<string, Set<string>>();   // tensor -> item making it
    const note = (map: Map<string, Set<string>>, tensor: string, item: string) => {
      const set = map.get(tensor);
      if (set) set.add(item); else map.set(tensor, new Set([item]));
    };
    for (const i of inLevel) {
      const node = this.graph.nodes[i];
      for (const t of node.inputs) {
        if (!t) continue;
        const p = produced.get(t);
        if (p !== undefined && this.folded.has(p)) continue;
        if (p !== undefined ? !members.has(p) : graphInputs.has(t)) note(entering, t, itemOf.get(i)!);
      }
      for (const t of node.outputs) {
        if (!t) continue;
        if (graphOutputs.has(t) || (read.get(t) ?? []).some((c) => !members.has(c))) note(leaving, t, itemOf.get(i)!);
      }
    }
    const stubs = (map: Map<string, Set<string>>, kind: "input" | "output") => {
      const prefix = kind === "input" ? "in:" : "out:";
      const tensors = [...map.keys()];
      const shown = tensors.slice(0, MAX_BOUNDARY);
      const rest = tensors.slice(MAX_BOUNDARY);
      const made: Item[] = shown.map((t) => ({ id: `${prefix}${t}`, kind, label: t, nodes: [], boundary: true }));
      if (rest.length)
        made.push({ id: `${prefix}\u0000more`, kind, label: `+${rest.length} more`, nodes: [], boundary: true });
      for (const [k, t] of tensors.entries()) {
        const stub = k < MAX_BOUNDARY ? `${prefix}${t}` : `${prefix}\u0000more`;
        for (const item of map.get(t)!) {
          if (kind === "input") edges.push({ from: stub, to: item, tensors: [t] });
          else edges.push({ from: item, to: stub, tensors: [t] });
        }
      }
      return made;
    };
    items.unshift(...stubs(entering, "input"));
    items.push(...stubs(leaving, "output"));
  }

  private edges(level: Level, nodes: number[], itemOf: Map<number, string>, atRoot: boolean): Edge[] {
    const produced = this.producer.get(level.scope) ?? new Map<string, number>();
    const scope = this.scopes.get(level.scope);
    // Initializers listed as graph inputs have no item (see view()): no edge from them either.
    const inputs = new Set(atRoot ? (scope?.inputs ?? []).filter((t) => scope?.tensors?.[t]?.kind !== "initializer") : []);
    const edges = new Map<string, Edge>();
    const add = (from: string, to: string, tensor: string) => {
      if (from === to) return;
      const key = `${from}\u0000${to}`;
      const e = edges.get(key);
      if (e) { if (e.tensors.length < 4) e.tensors.push(tensor); }
      else edges.set(key, { from, to, tensors: [tensor] });
    };
    for (const i of nodes) {
      const to = itemOf.get(i)!;
      for (const t of this.graph.nodes[i].inputs) {
        if (!t) continue;
        const p = produced.get(t);
        if (p !== undefined && this.folded.has(p)) continue;
        const from = p !== undefined ? itemOf.get(p) : inputs.has(t) ? `in:${t}` : undefined;
        if (from) add(from, to, t);
      }
      if (atRoot)
        for (const t of this.graph.nodes[i].outputs) if (scope?.outputs.includes(t)) add(to, `out:${t}`, t);
    }
    return [...edges.values()];
  }

  // The chain of levels from the main graph down to the level whose view shows node `index` (a body node's chain
  // goes through the level that shows its control-flow parent, so the breadcrumb and Esc lead back out).
  path(index: number): Level[] {
    const node = this.graph.nodes[index];
    const scope = this.scopes.get(node.graph);
    const levels: Level[] = scope && scope.owner >= 0 && node.graph !== "" ? this.path(scope.owner) : [];
    let level = this.root(node.graph);
    for (let depth = 0; depth < 64; depth++) {
      levels.push(level);
      const v = this.view(level);
      const item = v.items.find((it) => it.id === v.itemOf.get(index));
      if (!item || item.kind === "node" || !item.level) break;
      level = item.level;
    }
    return levels;
  }

  node(index: number): GraphNode { return this.graph.nodes[index]; }
}

export function splitName(name: string): string[] {
  const parts = name.split("/").filter((s) => s.length > 0);
  return parts.length ? parts : [name];
}

function startsWith(seg: string[], prefix: string[]): boolean {
  if (seg.length <= prefix.length && prefix.length > 0) return false;
  for (let i = 0; i < prefix.length; i++) if (seg[i] !== prefix[i]) return false;
  return true;
}

function bucket(items: Item[], level: Level): Item[] {
  const size = Math.ceil(items.length / 100);
  const out: Item[] = [];
  for (let i = 0; i < items.length; i += size) {
    const run = items.slice(i, i + size);
    const nodes = run.flatMap((it) => it.nodes).sort((a, b) => a - b);
    const label = run.length === 1 ? run[0].label : `${run[0].label} … ${run[run.length - 1].label}`;
    out.push({ id: `b:${i}`, kind: "group", label, nodes,
               level: { scope: level.scope, prefix: level.prefix, members: nodes, title: label } });
  }
  return out;
}
