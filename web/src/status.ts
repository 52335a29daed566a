// The status vocabulary of every view, in one table: the mark a badge shows, the word a title starts with, the
// one-letter code of the compact analysis (`?view=ui`, src/server/analysis_view.h) and the order from best to worst.
// The CSS class of a status is its name; style.css gives each class its colour in one block (--status).
// No DOM here: the unit tests (test/unit) run these functions in node.
import type { NodeVerdict, Status } from "./api";

export interface StatusWords { mark: string; title: string; code: string }

export const STATUS: Readonly<Record<Status, StatusWords>> = {
  convertible: { mark: "✓", title: "Convertible", code: "c" },
  fallback: { mark: "↓", title: "Fallback", code: "f" },
  unsupported: { mark: "✗", title: "Unsupported", code: "u" },
};
// Best first: the order of counts, and of severity (a group shows its worst member).
export const STATUSES: readonly Status[] = ["convertible", "fallback", "unsupported"];
export const NOT_ANALYSED = { mark: "?", title: "Not analysed", className: "unknown" } as const;

export function isStatus(s: string | null | undefined): s is Status {
  return s !== null && s !== undefined && Object.hasOwn(STATUS, s);
}
export function statusMark(s: string | null | undefined): string {
  return isStatus(s) ? STATUS[s].mark : NOT_ANALYSED.mark;
}
export function statusClass(s: string | null | undefined): string {
  return isStatus(s) ? s : NOT_ANALYSED.className;
}
const BY_CODE = new Map(STATUSES.map((s) => [STATUS[s].code, s]));
export function statusOfCode(code: string | undefined): Status | undefined {
  return code === undefined ? undefined : BY_CODE.get(code);
}
export function severity(s: Status): number {
  return STATUSES.indexOf(s);
}

export type Counts = Record<Status, number>;
export function noCounts(): Counts {
  return { convertible: 0, fallback: 0, unsupported: 0 };
}
export function countTotal(counts: Counts): number {
  return STATUSES.reduce((sum, s) => sum + counts[s], 0);
}
// "3 ✓, 1 ↓, 0 ✗"
export function countText(counts: Counts): string {
  return STATUSES.map((s) => `${counts[s]} ${STATUS[s].mark}`).join(", ");
}
// "3 convertible, 1 fallback, 0 unsupported"
export function countWords(counts: Counts): string {
  return STATUSES.map((s) => `${counts[s]} ${s}`).join(", ");
}

// A group's badge: its worst member, with the counts for the tooltip.
export function rollUp(nodes: number[], status: Map<number, Status>): { worst?: Status; counts: Counts } {
  const counts = noCounts();
  let worst: Status | undefined;
  for (const n of nodes) {
    const s = status.get(n);
    if (!s) continue;
    counts[s]++;
    if (!worst || severity(s) > severity(worst)) worst = s;
  }
  return { worst, counts };
}

// What "problems only" keeps and n/p visit: "unsupported", "fallback", "warning" (a convertible node with warnings)
// or "" for the worst among `nodes` (those without a verdict are skipped).
export type Problem = "unsupported" | "fallback" | "warning" | "";
export function problemOf(nodes: readonly number[], verdicts: ReadonlyMap<number, Pick<NodeVerdict, "status" | "warnings">>): Problem {
  let worst: Problem = "";
  for (const n of nodes) {
    const v = verdicts.get(n);
    if (!v) continue;
    if (v.status === "unsupported") return "unsupported";
    if (v.status === "fallback") worst = "fallback";
    else if (!worst && v.warnings.length) worst = "warning";
  }
  return worst;
}

// The short title of a status where no reasons are at hand: a fallback says where it runs ("runs in FP16").
export function statusTitle(s: string | null | undefined, runsIn?: string | null): string {
  if (!isStatus(s)) return NOT_ANALYSED.title;
  const where = runsIn ? `runs in ${runsIn.toUpperCase()}` : "";
  if (s === "fallback") return `${STATUS.fallback.title}: ${where || "runs in a wider precision than the desired one"}`;
  return `${STATUS[s].title}${where ? `, ${where}` : ""}`;
}

// A node badge's tooltip: what the user needs without opening the drawer (where a fallback runs, why a node fails).
// `asked`: the analysis target's precisions.
export function verdictTitle(v: NodeVerdict | undefined, asked: readonly string[] = []): string {
  if (!v) return NOT_ANALYSED.title;
  const warn = v.warnings.length ? `\n${v.warnings.length} warning(s): ${[...new Set(v.warnings.map((w) => w.code))].join(", ")}` : "";
  const why = v.precision?.message ? `\nWhy ${v.runs_in ?? ""}: ${v.precision.message}` : "";
  const where = v.device ? `\nDevice: ${v.device.toUpperCase()}` : "";
  if (v.status === "fallback") {
    // Every requested precision is a desired one (fp32 only when alone): "no INT8 or FP16 kernel".
    const desired = asked.filter((p) => p !== "fp32");
    const none = `no ${desired.map((p) => p.toUpperCase()).join(" or ") || "such"} kernel`;
    return `${STATUS.fallback.title}: ${v.reasons[0]?.message ?? none}, runs in ${(v.runs_in ?? "?").toUpperCase()}${why}${where}${warn}`;
  }
  if (v.status === "unsupported") {
    const r = v.reasons[0];
    const more = v.reasons.length > 1 ? ` (+${v.reasons.length - 1} more)` : "";
    return `${STATUS.unsupported.title}: ${r ? `${r.code}: ${r.message}` : "see the Issues tab"}${more}${warn}`;
  }
  return `${statusTitle(v.status, v.runs_in)}${why}${where}${warn}`;
}
