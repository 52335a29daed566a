// Lays out one level of the graph with dagre, off the main thread so the page stays responsive.
import { Graph, layout } from "@dagrejs/dagre";

export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string }[];
}
export interface LayoutResult {
  id: number;
  positions: Record<string, { x: number; y: number }>;
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const g = new Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.from, e.to);
  layout(g);
  const positions: LayoutResult["positions"] = {};
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number };
    positions[n.id] = { x: p.x, y: p.y };
  }
  const out = edges.map((e) => ({ ...e, points: ((g.edge(e.from, e.to) as { points?: { x: number; y: number }[] })?.points ?? []) }));
  const size = g.graph() as { width?: number; height?: number };
  const result: LayoutResult = { id, positions, edges: out, width: size.width ?? 0, height: size.height ?? 0 };
  (self as unknown as Worker).postMessage(result);
};
