// The server's JSON (docs/api.md). The analysis is exactly `trtlens check --format json` (docs/json-format.md).
import { statusOfCode } from "./status";

export type Status = "convertible" | "fallback" | "unsupported";

export interface ReleaseInfo {
  release: string;
  version: string;
  display: string;
  precisions: string[];
  opset: { min: number; max: number };
  strongly_typed?: boolean;
}
export interface ModelEntry { id: string; name: string; path: string; node_count: number }
export interface Attribute { name: string; type: string; value: string }
// The UI loads the graph's `?view=ui` form (no domain, attributes, doc strings or tensor types: docs/api.md); the
// drawer gets those per node (api.node), edge labels from the full graph (api.fullGraph).
export interface GraphNode {
  index: number; name: string; op_type: string; domain?: string; graph: string;
  inputs: string[]; outputs: string[]; attributes?: Attribute[]; bodies?: string[]; doc?: string;
  weights?: number;              // inputs that are initializers (UI view)
}
export interface Tensor { dtype: string; shape: (number | null)[] | null; kind: string }
export interface GraphScope {
  path: string; parent: string | null; owner: number; inputs: string[]; outputs: string[];
  tensors?: Record<string, Tensor>;
}
export interface NodeDetails { node: GraphNode; tensors: Record<string, Tensor> }
export interface ModelGraph { id: string; name: string; graph_name: string; node_count: number; nodes: GraphNode[]; graphs: GraphScope[] }
export interface Reason { code: string; message: string; hint: string }
export interface PrecisionNote { code: string; message: string; rule?: string; confidence?: string }
export interface NodeVerdict {
  index: number; name?: string; op_type?: string; graph?: string; status: Status; runs_in: string | null;
  supported_types?: string[]; reasons: Reason[]; warnings: ({ code: string; message: string } & Record<string, unknown>)[];
  first_supported_release?: string;
  precision?: PrecisionNote;      // why runs_in (quantization modes, docs/quantization.md)
  device?: "dla" | "gpu";         // with a DLA target (docs/hardware.md)
}
export interface HardwareInfo { gpu: string; compute_capability: string; product: string | null; family: string; dla: boolean; gpu_fallback: boolean }
export interface Analysis {
  target: { tensorrt: string; tensorrt_version: string; precisions: string[]; strict: boolean; strongly_typed?: boolean;
            quantization?: string; hardware?: HardwareInfo };
  summary: { convertible: number; fallback: number; unsupported: number; warnings: number; model_convertible: boolean;
             quantization?: string; quantized_nodes?: number; dla_nodes?: number; gpu_nodes?: number; gpu_dla_transitions?: number };
  model_issues: { severity: string; code: string; message: string }[];
  nodes: NodeVerdict[];
}
// `/analysis?view=ui` (src/server/analysis_view.h): per node a status letter and a runs_in index, details only for
// the nodes that have reasons, warnings, a precision note or an upgrade hint. expandAnalysis makes it an Analysis.
interface UiAnalysis extends Omit<Analysis, "nodes"> {
  node_count: number; status: string; runs_in_names: string[]; runs_in: number[]; device?: string;
  details: Partial<NodeVerdict>[];
}
const NO_ISSUES: never[] = [];
function expandAnalysis(ui: UiAnalysis): Analysis {
  const { node_count, status, runs_in_names, runs_in, device, details, ...rest } = ui;
  const nodes: NodeVerdict[] = new Array(node_count);
  for (let i = 0; i < node_count; i++) {
    const v: NodeVerdict = { index: i, status: statusOfCode(status[i]) ?? "convertible",
      runs_in: runs_in[i] >= 0 ? runs_in_names[runs_in[i]] : null, reasons: NO_ISSUES, warnings: NO_ISSUES };
    const d = device?.[i];
    if (d === "d" || d === "g") v.device = d === "d" ? "dla" : "gpu";
    nodes[i] = v;
  }
  for (const d of details) if (d.index !== undefined && nodes[d.index]) Object.assign(nodes[d.index], d);
  return { ...rest, nodes };
}

export interface RuntimeRow extends ReleaseInfo {
  op?: { importer: boolean; precisions: string[]; types: string[] };
  node: { status: Status; runs_in: string | null; reasons: Reason[]; warnings?: number };
}
export interface Runtimes { node: { index: number; name: string; op_type: string }; precisions: string[]; releases: RuntimeRow[] }

export class ApiError extends Error {}

export async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`server answered ${response.status} with a non-JSON body`);
  }
  if (!response.ok) {
    const err = (body as { error?: { message?: string } }).error;
    throw new ApiError(err?.message ?? `request failed (${response.status})`);
  }
  return body as T;
}

export const api = {
  releases: () => fetch("/api/releases").then((r) => json<ReleaseInfo[]>(r)),
  gpus: () => fetch("/api/gpus").then((r) => json<{ name: string; compute_capability: string; dla: boolean }[]>(r)),
  models: () => fetch("/api/models").then((r) => json<ModelEntry[]>(r)),
  graph: (id: string) => fetch(`/api/models/${encodeURIComponent(id)}/graph?view=ui`).then((r) => json<ModelGraph>(r)),
  fullGraph: (id: string) => fetch(`/api/models/${encodeURIComponent(id)}/graph`).then((r) => json<ModelGraph>(r)),
  node: (id: string, node: number) =>
    fetch(`/api/models/${encodeURIComponent(id)}/nodes/${node}`).then((r) => json<NodeDetails>(r)),
  analysis: (id: string, trt: string, precision: string, strict: boolean, extra: Record<string, string> = {}) =>
    fetch(`/api/models/${encodeURIComponent(id)}/analysis?${new URLSearchParams({ trt, precision, strict: strict ? "1" : "0", ...extra, view: "ui" })}`)
      .then((r) => json<UiAnalysis>(r)).then(expandAnalysis),
  runtimes: (id: string, node: number, precision: string, strict: boolean) =>
    fetch(`/api/models/${encodeURIComponent(id)}/nodes/${node}/runtimes?${new URLSearchParams({ precision, strict: strict ? "1" : "0" })}`)
      .then((r) => json<Runtimes>(r)),
  upload: (file: File) =>
    fetch("/api/models", { method: "POST", body: file, headers: { "X-Filename": encodeURIComponent(file.name).slice(0, 200), "Content-Type": "application/octet-stream" } })
      .then((r) => json<ModelEntry>(r)),
};

// --- tracked models (docs/api-tracked.md) ------------------------------------------------------------------------
export interface Target { trt: string; precision: string; strict: boolean }
export type Counts = Analysis["summary"];
export interface TrackedVersion {
  number: number; digest: string; sha256: string; size: number; file_name: string; added_at: string;
  external_files?: { location: string; sha256: string; size: number }[];
  summary?: Counts | null; error?: { code: string; message: string };
}
export interface TrackedModel { name: string; tags: string[]; created_at: string; latest_version: number; versions: TrackedVersion[] }
export interface TrackedListItem { name: string; tags: string[]; created_at: string; version_count: number; latest: TrackedVersion | null }
export interface TrackedList { target: { release: string; precisions: string; strict: boolean }; models: TrackedListItem[] }
export interface TrackedAdded { model: TrackedModel; version: TrackedVersion; new_version: boolean; new_model: boolean }
export interface DiffNode { graph: string; name: string; op_type: string; from: Status | null; to: Status | null }
export interface TrackedDiff {
  model: string; target: TrackedList["target"];
  from: { version: number; summary: Counts }; to: { version: number; summary: Counts };
  became_unsupported: DiffNode[]; became_convertible: DiffNode[]; changed: DiffNode[];
}
export interface OpenedVersion { id: string; name: string; node_count: number; model: string; version: number }

const modelPath = (name: string) => `/api/tracked/models/${encodeURIComponent(name)}`;
const targetQuery = (t: Target) => new URLSearchParams({ trt: t.trt, precision: t.precision, strict: t.strict ? "1" : "0" });

async function noContent(response: Response): Promise<void> {
  if (response.status === 204) return;
  await json<unknown>(response);
}

export const tracked = {
  list: (t: Target) => fetch(`/api/tracked/models?${targetQuery(t)}`).then((r) => json<TrackedList>(r)),
  model: (name: string) => fetch(modelPath(name)).then((r) => json<TrackedModel>(r)),
  // The model alone goes as the raw body; with external-data files, as a form: a "model" part and one "data" part
  // per file, named as the model names it (docs/api-tracked.md).
  upload: (name: string, file: File, tags: string[], data: File[] = []) => {
    const q = new URLSearchParams({ file_name: file.name });
    for (const tag of tags) q.append("tag", tag);
    const url = `${modelPath(name)}/versions?${q}`;
    if (data.length === 0)
      return fetch(url, { method: "POST", body: file, headers: { "Content-Type": "application/octet-stream" } }).then((r) => json<TrackedAdded>(r));
    const form = new FormData();
    form.append("model", file, file.name);
    for (const d of data) form.append("data", d, d.name);
    return fetch(url, { method: "POST", body: form }).then((r) => json<TrackedAdded>(r));
  },
  patch: (name: string, change: { name?: string; tags?: string[] }) =>
    fetch(modelPath(name), { method: "PATCH", body: JSON.stringify(change), headers: { "Content-Type": "application/json" } })
      .then((r) => json<TrackedModel>(r)),
  remove: (name: string) => fetch(modelPath(name), { method: "DELETE" }).then(noContent),
  removeVersion: (name: string, version: number) =>
    fetch(`${modelPath(name)}/versions/${version}`, { method: "DELETE" }).then(noContent),
  analysis: (name: string, version: number, t: Target) =>
    fetch(`${modelPath(name)}/versions/${version}/analysis?${targetQuery(t)}`).then((r) => json<Analysis>(r)),
  diff: (name: string, from: number | undefined, to: number | undefined, t: Target) => {
    const q = targetQuery(t);
    if (from) q.set("from", String(from));
    if (to) q.set("to", String(to));
    return fetch(`${modelPath(name)}/diff?${q}`).then((r) => json<TrackedDiff>(r));
  },
  // Registers the stored file with this session's visualizer; the answer's id works with api.graph/analysis/runtimes.
  open: (name: string, version: number) =>
    fetch(`${modelPath(name)}/versions/${version}/open`, { method: "POST" }).then((r) => json<OpenedVersion>(r)),
};
