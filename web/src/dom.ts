// Every string from a model reaches the page through textContent: never innerHTML.
import { statusClass, statusMark } from "./status";

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key === "class") el.className = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

// A verdict badge; `warnings` > 0 adds a "!" marker (data-warnings) so warnings are seen without opening the drawer.
// `title` comes from status.ts (verdictTitle, statusTitle) or names a group's counts.
export function badge(status: string | undefined, title: string, warnings = 0): HTMLSpanElement {
  const s = statusClass(status);
  const el = h("span", { class: `badge ${s}`, "data-status": s, title }, "TRT ", statusMark(status));
  if (warnings > 0) {
    el.dataset.warnings = String(warnings);
    el.append(h("span", { class: "warn-mark", "aria-label": `${warnings} warning${warnings > 1 ? "s" : ""}` }, "!"));
  }
  return el;
}
