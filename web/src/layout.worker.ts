// Lays out one level of the graph (layout.ts) off the main thread, so the page stays responsive.
import { layered } from "./layout";

export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string }[];
}
export interface LayoutResult {
  id: number;
  positions: Record<string, { x: number; y: number }>;
  edges: { points: { x: number; y: number }[] }[];
  width: number;
  height: number;
  ms: number;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const t0 = performance.now();
  const layout = layered(nodes, edges);
  const result: LayoutResult = { id, ...layout, ms: Math.round(performance.now() - t0) };
  (self as unknown as Worker).postMessage(result);
};
