// Lays out one level of the graph (layout.ts) off the main thread, so the page stays responsive.
import { layered } from "./layout";

export interface LayoutRequest {
  id: number;
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string }[];
  aspect: number;                // viewport width / height (layout.ts cuts a very tall graph into columns)
  viewHeight: number;
}
export interface LayoutResult {
  id: number;
  positions: Record<string, { x: number; y: number }>;
  edges: { points: { x: number; y: number; move?: boolean }[] }[];
  width: number;
  height: number;
  columns: number;
  columnWidth: number;
  ms: number;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges, aspect, viewHeight } = event.data;
  const t0 = performance.now();
  const layout = layered(nodes, edges, { aspect, viewHeight });
  const result: LayoutResult = { id, ...layout, ms: Math.round(performance.now() - t0) };
  (self as unknown as Worker).postMessage(result);
};
