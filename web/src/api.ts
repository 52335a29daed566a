// The server's JSON (docs/api.md). The analysis is exactly `trtlens check --format json` (docs/json-format.md).
export type Status = "convertible" | "fallback" | "unsupported";

export interface ReleaseInfo {
  release: string;
  version: string;
  display: string;
  precisions: string[];
  opset: { min: number; max: number };
}
export interface ModelEntry { id: string; name: string; path: string; node_count: number }
export interface Attribute { name: string; type: string; value: string }
export interface GraphNode {
  index: number; name: string; op_type: string; domain: string; graph: string;
  inputs: string[]; outputs: string[]; attributes: Attribute[]; bodies?: string[]; doc?: string;
}
export interface Tensor { dtype: string; shape: (number | null)[] | null; kind: string }
export interface GraphScope {
  path: string; parent: string | null; owner: number; inputs: string[]; outputs: string[];
  tensors: Record<string, Tensor>;
}
export interface ModelGraph { id: string; name: string; graph_name: string; node_count: number; nodes: GraphNode[]; graphs: GraphScope[] }
export interface Reason { code: string; message: string; hint: string }
export interface NodeVerdict {
  index: number; name: string; op_type: string; graph: string; status: Status; runs_in: string | null;
  supported_types: string[]; reasons: Reason[]; warnings: ({ code: string; message: string } & Record<string, unknown>)[];
  first_supported_release?: string;
}
export interface Analysis {
  target: { tensorrt: string; tensorrt_version: string; precisions: string[]; strict: boolean };
  summary: { convertible: number; fallback: number; unsupported: number; warnings: number; model_convertible: boolean };
  model_issues: { severity: string; code: string; message: string }[];
  nodes: NodeVerdict[];
}
export interface RuntimeRow extends ReleaseInfo {
  op?: { importer: boolean; precisions: string[]; types: string[] };
  node: { status: Status; runs_in: string | null; reasons: Reason[] };
}
export interface Runtimes { node: { index: number; name: string; op_type: string }; precisions: string[]; releases: RuntimeRow[] }

export class ApiError extends Error {}

async function json<T>(response: Response): Promise<T> {
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
  models: () => fetch("/api/models").then((r) => json<ModelEntry[]>(r)),
  graph: (id: string) => fetch(`/api/models/${encodeURIComponent(id)}/graph`).then((r) => json<ModelGraph>(r)),
  analysis: (id: string, trt: string, precision: string, strict: boolean) =>
    fetch(`/api/models/${encodeURIComponent(id)}/analysis?${new URLSearchParams({ trt, precision, strict: strict ? "1" : "0" })}`)
      .then((r) => json<Analysis>(r)),
  runtimes: (id: string, node: number, precision: string, strict: boolean) =>
    fetch(`/api/models/${encodeURIComponent(id)}/nodes/${node}/runtimes?${new URLSearchParams({ precision, strict: strict ? "1" : "0" })}`)
      .then((r) => json<Runtimes>(r)),
  upload: (file: File) =>
    fetch("/api/models", { method: "POST", body: file, headers: { "X-Filename": encodeURIComponent(file.name).slice(0, 200), "Content-Type": "application/octet-stream" } })
      .then((r) => json<ModelEntry>(r)),
};
