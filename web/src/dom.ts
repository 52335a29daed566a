// Every string from a model reaches the page through textContent: never innerHTML.
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

export const STATUS_MARK: Record<string, string> = { convertible: "✓", fallback: "↓", unsupported: "✗" };
export const STATUS_TITLE: Record<string, string> = {
  convertible: "Convertible",
  fallback: "Fallback: runs in FP32 (wider than the desired precision)",
  unsupported: "Unsupported",
};

export function badge(status: string | undefined, extra = ""): HTMLSpanElement {
  const s = status ?? "unknown";
  return h("span", { class: `badge ${s}`, "data-status": s, title: (STATUS_TITLE[s] ?? "Not analysed") + extra },
    "TRT ", STATUS_MARK[s] ?? "?");
}
