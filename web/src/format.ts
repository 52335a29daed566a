// Text the views show that is not about a status: names cut to fit, tensor labels, sizes, problem groups.
// No DOM here: the unit tests (test/unit) run these functions in node.
import type { Tensor } from "./api";

// Names of sibling nodes often differ only at the end ("…/conv2d_41.tmp_0"): keep both ends.
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.ceil((max - 1) * 0.6);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

// An edge's label: the type and shape of its tensor ("float32[1×?×224]"), or how many tensors it carries.
export function edgeText(tensors: string[], tensor: (name: string) => Tensor | undefined): string {
  if (tensors.length > 1) return `${tensors.length} tensors`;
  const t = tensor(tensors[0]);
  const shape = t?.shape ? `[${t.shape.map((d) => (d === null ? "?" : d)).join("×")}]` : "";
  return `${t?.dtype ?? "?"}${shape}`;
}

// Node indices under each key `key` gives a verdict (a verdict can fall under several keys), in first-seen order.
export function groupBy<V extends { index: number }>(verdicts: V[], key: (v: V) => string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const v of verdicts)
    for (const k of key(v)) {
      const list = out.get(k);
      if (list) list.push(v.index); else out.set(k, [v.index]);
    }
  return out;
}

export function byteSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1 << 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}
