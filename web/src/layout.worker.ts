// Lays out one level of the graph (layout.ts) off the main thread, so the page stays responsive. A request that is
// still waiting when a newer one arrives is answered `cancelled` without being laid out (latest.ts).
import { layered } from "./layout";
import { Latest } from "./latest";

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
export type LayoutAnswer = LayoutResult | { id: number; cancelled: true };

const answer = (a: LayoutAnswer) => (self as unknown as Worker).postMessage(a);
const queue = new Latest<LayoutRequest>(
  ({ id, nodes, edges, aspect, viewHeight }) => {
    const t0 = performance.now();
    const layout = layered(nodes, edges, { aspect, viewHeight });
    answer({ id, ...layout, ms: Math.round(performance.now() - t0) });
  },
  ({ id }) => answer({ id, cancelled: true }),
  (next) => setTimeout(next, 0));

self.onmessage = (event: MessageEvent<LayoutRequest>) => queue.offer(event.data);
