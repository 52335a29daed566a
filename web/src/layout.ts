// A layered ("Sugiyama") layout in linear-ish time, so a level of a few thousand nodes lays out in well under a
// second (dagre needs ~15 s for 600 nodes on a 2-core machine and overflows the stack near 3k, STACK-NOTES).
// Steps: topological order (cycles broken by file order), longest-path ranks with sources pulled down next to their
// first consumer, dummy vertices on edges that span several ranks, barycentre sweeps for the order inside a rank, and
// x positions that pull each vertex under its neighbours while keeping the rank's order and spacing (an isotonic
// regression per rank, solved exactly by pooling adjacent violators).

export interface LayoutNode { id: string; width: number; height: number }
export interface LayoutEdge { from: string; to: string }
export interface Point { x: number; y: number; move?: boolean }  // move: the edge resumes here (next column)
export interface Layout {
  positions: Record<string, Point>;   // centres
  edges: { points: Point[] }[];       // one per input edge, in input order (empty for self-edges and unknown ends)
  width: number;
  height: number;
  columns: number;                    // > 1: the ranks were cut into this many side-by-side columns
  columnWidth: number;
}
// aspect: width / height of the viewport; a graph much taller than that (a long chain) is cut into columns, read
// left to right, so that fitting it whole still shows every node at a size where its status colour is visible.
export interface LayoutOptions { nodesep: number; ranksep: number; margin: number; aspect: number; viewHeight: number }

const DEFAULTS: LayoutOptions = { nodesep: 28, ranksep: 40, margin: 20, aspect: 0, viewHeight: 0 };
const COLUMN_GAP = 120;
const DUMMY_WIDTH = 6;
const DUMMY_GAP = 10;

export function layered(nodes: LayoutNode[], edges: LayoutEdge[], options: Partial<LayoutOptions> = {}): Layout {
  const opt = { ...DEFAULTS, ...options };
  const n = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));

  // --- topological order; an edge against it is drawn reversed -------------------------------------------------
  const out: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Int32Array(n);
  const pairs: ([number, number] | null)[] = edges.map((e) => {
    const a = index.get(e.from), b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) return null;
    out[a].push(b);
    indeg[b]++;
    return [a, b];
  });
  const pos = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  let head = 0, next = 0, scan = 0;
  while (next < n) {
    if (head === queue.length) {  // a cycle: take the first node (file order) not placed yet
      while (pos[scan] !== -1 || queue.includes(scan)) scan++;
      queue.push(scan);
    }
    const v = queue[head++];
    if (pos[v] !== -1) continue;
    pos[v] = next++;
    for (const w of out[v]) if (--indeg[w] === 0 && pos[w] === -1) queue.push(w);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pos[a] - pos[b]);

  // Layout edges point down the order; parallel edges collapse.
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const seen = new Set<number>();
  const directed = pairs.map((p) => {
    if (!p) return null;
    const reversed = pos[p[0]] > pos[p[1]];
    const [a, b] = reversed ? [p[1], p[0]] : p;
    const key = a * n + b;
    if (!seen.has(key)) { seen.add(key); succs[a].push(b); preds[b].push(a); }
    return { a, b, reversed };
  });

  // --- ranks --------------------------------------------------------------------------------------------------
  const rank = new Int32Array(n);
  for (const v of order) for (const u of preds[v]) rank[v] = Math.max(rank[v], rank[u] + 1);
  // A source (graph input, a node without inputs) sits right above its first consumer, not at the very top.
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k];
    if (preds[v].length || !succs[v].length) continue;
    let r = Infinity;
    for (const w of succs[v]) r = Math.min(r, rank[w]);
    rank[v] = r - 1;
  }

  // --- vertices: the nodes, then dummies on long edges -----------------------------------------------------------
  const vRank: number[] = Array.from(rank);
  const vWidth: number[] = nodes.map((node) => node.width);
  const up: number[][] = Array.from({ length: n }, () => []);
  const down: number[][] = Array.from({ length: n }, () => []);
  const chains = new Map<number, number[]>();  // a * n + b -> vertices between a and b
  for (let a = 0; a < n; a++) {
    for (const b of succs[a]) {
      let prev = a;
      const chain: number[] = [];
      for (let r = rank[a] + 1; r < rank[b]; r++) {
        const d = vRank.length;
        vRank.push(r);
        vWidth.push(DUMMY_WIDTH);
        up.push([prev]);
        down.push([]);
        down[prev].push(d);
        chain.push(d);
        prev = d;
      }
      down[prev].push(b);
      up[b].push(prev);
      chains.set(a * n + b, chain);
    }
  }
  const total = vRank.length;
  let maxRank = 0;
  for (const r of vRank) maxRank = Math.max(maxRank, r);
  const layers: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const v of order) layers[vRank[v]].push(v);
  for (let d = n; d < total; d++) layers[vRank[d]].push(d);

  // --- order inside ranks: barycentre sweeps -----------------------------------------------------------------
  const slot = new Float64Array(total);
  const renumber = (layer: number[]) => layer.forEach((v, i) => (slot[v] = i));
  layers.forEach(renumber);
  const sweep = (layer: number[], neighbours: number[][]) => {
    const key = new Map<number, number>();
    for (const v of layer) {
      const ns = neighbours[v];
      if (!ns.length) { key.set(v, slot[v]); continue; }
      let s = 0;
      for (const u of ns) s += slot[u];
      key.set(v, s / ns.length);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || slot[a] - slot[b]);
    renumber(layer);
  };
  const sweeps = total > 20000 ? 2 : 4;
  for (let it = 0; it < sweeps; it++) {
    for (let r = 1; r <= maxRank; r++) sweep(layers[r], up);
    for (let r = maxRank - 1; r >= 0; r--) sweep(layers[r], down);
  }
  for (let r = 1; r <= maxRank; r++) sweep(layers[r], up);

  // --- x: pack, then pull under the neighbours keeping order and spacing ----------------------------------------
  const x = new Float64Array(total);
  const isDummy = (v: number) => v >= n;
  const gap = (a: number, b: number) => (isDummy(a) || isDummy(b) ? DUMMY_GAP : opt.nodesep);
  for (const layer of layers) {
    let cursor = 0;
    layer.forEach((v, i) => {
      if (i) cursor += vWidth[layer[i - 1]] / 2 + gap(layer[i - 1], v) + vWidth[v] / 2;
      x[v] = cursor;
    });
    const shift = cursor / 2;
    for (const v of layer) x[v] -= shift;
  }
  const place = (layer: number[], neighbours: (v: number) => number[]) => {
    // Minimise sum w_i (x_i - d_i)^2 subject to x_i - x_{i-1} >= sep_i: with o_i the running sum of the
    // separations, y_i = x_i - o_i must be non-decreasing, an isotonic regression of d_i - o_i.
    const m = layer.length;
    const offset = new Float64Array(m);
    for (let i = 1; i < m; i++)
      offset[i] = offset[i - 1] + vWidth[layer[i - 1]] / 2 + gap(layer[i - 1], layer[i]) + vWidth[layer[i]] / 2;
    const blockSum: number[] = [], blockWeight: number[] = [], blockEnd: number[] = [];
    for (let i = 0; i < m; i++) {
      const v = layer[i];
      const ns = neighbours(v);
      let target = x[v];
      if (ns.length) { let s = 0; for (const u of ns) s += x[u]; target = s / ns.length; }
      const w = isDummy(v) ? 2 : ns.length ? 1 : 0.1;  // long edges straight first, loose nodes yield
      blockSum.push(w * (target - offset[i]));
      blockWeight.push(w);
      blockEnd.push(i);
      while (blockSum.length > 1) {
        const k = blockSum.length - 1;
        if (blockSum[k - 1] / blockWeight[k - 1] <= blockSum[k] / blockWeight[k]) break;
        blockSum[k - 1] += blockSum[k];
        blockWeight[k - 1] += blockWeight[k];
        blockEnd[k - 1] = blockEnd[k];
        blockSum.pop(); blockWeight.pop(); blockEnd.pop();
      }
    }
    let start = 0;
    for (let k = 0; k < blockSum.length; k++) {
      const y = blockSum[k] / blockWeight[k];
      for (let i = start; i <= blockEnd[k]; i++) x[layer[i]] = y + offset[i];
      start = blockEnd[k] + 1;
    }
  };
  const both = (v: number) => up[v].concat(down[v]);
  for (let it = 0; it < 3; it++) {
    for (let r = 1; r <= maxRank; r++) place(layers[r], (v) => up[v]);
    for (let r = maxRank - 1; r >= 0; r--) place(layers[r], (v) => down[v]);
  }
  for (let r = 0; r <= maxRank; r++) place(layers[r], both);

  // --- y, columns, bounds, output ----------------------------------------------------------------------------
  const rankTop = new Float64Array(maxRank + 2);
  const rankHeight = new Float64Array(maxRank + 1);
  for (let v = 0; v < n; v++) rankHeight[vRank[v]] = Math.max(rankHeight[vRank[v]], nodes[v].height);
  for (let r = 0; r <= maxRank; r++) rankTop[r + 1] = rankTop[r] + (rankHeight[r] || 10) + opt.ranksep;
  let minX = Infinity, maxX = -Infinity;
  for (let v = 0; v < total; v++) {
    minX = Math.min(minX, x[v] - vWidth[v] / 2);
    maxX = Math.max(maxX, x[v] + vWidth[v] / 2);
  }
  if (!total) { minX = 0; maxX = 0; }
  const fullHeight = rankTop[maxRank + 1] - opt.ranksep;
  const bandWidth = maxX - minX;
  let columns = 1;
  // Only a level too tall to read at half size, with enough nodes to make columns worth reading, is cut.
  if (opt.aspect > 0 && opt.viewHeight > 0 && n > 80 && fullHeight * 0.5 > opt.viewHeight && fullHeight > 4 * bandWidth / opt.aspect)
    columns = Math.max(1, Math.min(40, Math.round(Math.sqrt((opt.aspect * fullHeight) / (bandWidth + COLUMN_GAP)))));
  // Column k holds the ranks whose top lies in [k, k+1) * fullHeight / columns.
  const column = new Int32Array(maxRank + 1);
  const columnTop = new Float64Array(columns + 1).fill(Infinity);
  let columnHeight = 0;
  for (let r = 0; r <= maxRank; r++) {
    column[r] = Math.min(columns - 1, Math.floor((rankTop[r] * columns) / Math.max(1, fullHeight)));
    columnTop[column[r]] = Math.min(columnTop[column[r]], rankTop[r]);
  }
  for (let r = 0; r <= maxRank; r++) columnHeight = Math.max(columnHeight, rankTop[r] + (rankHeight[r] || 10) - columnTop[column[r]]);
  // Columns are packed by their own extent, left to right.
  const colMin = new Float64Array(columns).fill(Infinity), colMax = new Float64Array(columns).fill(-Infinity);
  for (let v = 0; v < total; v++) {
    const c = column[vRank[v]];
    colMin[c] = Math.min(colMin[c], x[v] - vWidth[v] / 2);
    colMax[c] = Math.max(colMax[c], x[v] + vWidth[v] / 2);
  }
  const colLeft = new Float64Array(columns + 1);
  for (let c = 0; c < columns; c++) {
    if (colMin[c] === Infinity) { colMin[c] = 0; colMax[c] = 0; }
    colLeft[c + 1] = colLeft[c] + colMax[c] - colMin[c] + COLUMN_GAP;
  }
  const px = (v: number) => x[v] - colMin[column[vRank[v]]] + opt.margin + colLeft[column[vRank[v]]];
  const py = (v: number) => rankTop[vRank[v]] - columnTop[column[vRank[v]]] + (rankHeight[vRank[v]] || 10) / 2 + opt.margin;
  const positions: Record<string, Point> = {};
  nodes.forEach((node, v) => (positions[node.id] = { x: px(v), y: py(v) }));
  const result = directed.map((e) => {
    if (!e) return { points: [] };
    const { a, b } = e;
    const path = [a, ...(chains.get(a * n + b) ?? []), b];
    const points: Point[] = [];
    path.forEach((v, i) => {
      const half = v < n ? nodes[v].height / 2 : 0;
      if (i > 0 && column[vRank[v]] !== column[vRank[path[i - 1]]]) {
        // The edge leaves the bottom of one column and resumes at the top of the next.
        const prev = points[points.length - 1];
        points.push({ x: prev.x, y: columnHeight + opt.margin + opt.ranksep / 2 });
        points.push({ x: px(v), y: opt.margin / 2, move: true });
      }
      if (v === a) points.push({ x: px(v), y: py(v) + half });
      else if (v === b) points.push({ x: px(v), y: py(v) - half });
      else points.push({ x: px(v), y: py(v) });
    });
    if (e.reversed) {
      // Reversed, a "move" marker belongs to the point after the gap in the new direction.
      points.reverse();
      for (let i = 0; i + 1 < points.length; i++) if (points[i].move) { points[i].move = false; points[++i].move = true; }
    }
    return { points };
  });
  return {
    positions, edges: result, columns, columnWidth: columns > 1 ? colLeft[1] : bandWidth,
    width: colLeft[columns] - COLUMN_GAP + 2 * opt.margin,
    height: total ? (columns > 1 ? columnHeight : fullHeight) + 2 * opt.margin : 2 * opt.margin,
  };
}
