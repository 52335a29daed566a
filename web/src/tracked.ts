// Tracked-model pages: the library (home), one model's versions, and what changed between two versions. They render
// the /api/tracked JSON (docs/api-tracked.md); model names and tags are user strings and reach the page only through
// h() (textContent). Opening a version hands over to the visualizer (main.ts) through the Host.
import { tracked, type Counts, type DiffNode, type Target, type TrackedDiff, type TrackedModel, type TrackedVersion } from "./api";
import { h } from "./dom";
import { byteSize } from "./format";
import { countTotal, countWords, STATUSES, statusClass, statusMark } from "./status";

export type Route =
  | { page: "home" }
  | { page: "model"; name: string }
  | { page: "diff"; name: string; from?: number; to?: number };

export interface Host {
  target(): Target;
  openVersion(name: string, version: number, node?: { graph: string; name: string }): Promise<void>;
}

// "#/" and "#/tracked" the library, "#/tracked/<name>" a model, "#/tracked/<name>/diff?from=1&to=2" the version view.
export function parseRoute(hash: string): Route | undefined {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!raw.startsWith("/")) return undefined;
  const [path, query = ""] = raw.split("?", 2);
  const parts = path.split("/").filter((p) => p.length > 0);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "tracked")) return { page: "home" };
  if (parts[0] !== "tracked") return { page: "home" };
  let name: string;
  try { name = decodeURIComponent(parts[1]); } catch { return { page: "home" }; }
  if (parts[2] === "diff") {
    const q = new URLSearchParams(query);
    const num = (key: string) => { const n = Number(q.get(key)); return Number.isInteger(n) && n > 0 ? n : undefined; };
    return { page: "diff", name, from: num("from"), to: num("to") };
  }
  return { page: "model", name };
}

export function routeHash(r: Route): string {
  if (r.page === "home") return "#/";
  const base = `#/tracked/${encodeURIComponent(r.name)}`;
  if (r.page === "model") return base;
  const q = new URLSearchParams();
  if (r.from) q.set("from", String(r.from));
  if (r.to) q.set("to", String(r.to));
  const query = q.toString();
  return `${base}/diff${query ? `?${query}` : ""}`;
}

const go = (r: Route) => { location.hash = routeHash(r); };
const when = (iso: string) => { const d = new Date(iso); return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(); };
const splitTags = (text: string) => text.split(",").map((t) => t.trim()).filter((t) => t.length > 0);

// Counts as text plus a stacked bar whose segments are proportional to them.
export function compatBar(counts: Counts): HTMLElement {
  const total = countTotal(counts);
  const bar = h("div", { class: "bar", role: "img", "aria-label": countWords(counts),
    ...Object.fromEntries(STATUSES.map((s) => [`data-count-${s}`, counts[s]])) });
  for (const status of STATUSES) {
    const seg = h("span", { class: `seg ${status}`, title: `${counts[status]} ${status}` });
    seg.style.width = total ? `${(100 * counts[status]) / total}%` : "0";
    bar.append(seg);
  }
  const text = h("span", { class: "bar-text" },
    ...STATUSES.map((s) => h("span", { class: `count ${s}`, "data-status": s, "data-count": counts[s] }, `${statusMark(s)} ${counts[s]}`)),
    h("span", { class: `verdict ${counts.model_convertible ? "ok" : "bad"}` }, counts.model_convertible ? "converts" : "does not convert"));
  return h("div", { class: "compat" }, bar, text);
}

function setCounts(el: HTMLElement, counts: Counts): void {
  for (const status of STATUSES) el.dataset[status] = String(counts[status]);
}

export class TrackedPages {
  private route: Route = { page: "home" };
  private request = 0;
  private message: { kind: "ok" | "error"; text: string } | undefined;

  constructor(private readonly root: HTMLElement, private readonly host: Host) {}

  async show(route: Route): Promise<void> {
    if (JSON.stringify(route) !== JSON.stringify(this.route)) this.message = undefined;
    this.route = route;
    await this.render();
  }

  // The runtime selector changed: the same page with the new target.
  refresh(): Promise<void> { return this.render(); }

  private async render(): Promise<void> {
    const request = ++this.request;
    const fresh = () => request === this.request;
    this.root.dataset.ready = "";
    try {
      const r = this.route;
      if (r.page === "home") await this.home(fresh);
      else if (r.page === "model") await this.model(r.name, fresh);
      else await this.diff(r.name, r.from, r.to, fresh);
    } catch (e) {
      if (!fresh()) return;
      this.root.replaceChildren(h("a", { href: "#/", class: "back" }, "← Tracked models"),
        h("div", { class: "page-error", role: "alert" }, (e as Error).message));
    }
    if (fresh()) this.root.dataset.ready = this.route.page;
  }

  private notice(): HTMLElement {
    const m = this.message;
    return h("div", { id: "tracked-message", class: `notice ${m?.kind ?? ""}`, role: "status", "data-kind": m?.kind, hidden: !m }, m?.text ?? "");
  }

  private say(kind: "ok" | "error", text: string): void {
    this.message = { kind, text };
    this.root.querySelector("#tracked-message")?.replaceWith(this.notice());
  }

  private targetText(t: Target): string {
    return `TensorRT ${t.trt} (${t.precision}${t.strict ? ", strict" : ""})`;
  }

  // --- home: the library -------------------------------------------------------------------------------------
  private async home(fresh: () => boolean): Promise<void> {
    const t = this.host.target();
    const list = await tracked.list(t);
    if (!fresh()) return;
    const rows = list.models.map((m) => {
      const row = h("tr", { "data-model-name": m.name, "data-tracked-model": m.name, "data-version-count": m.version_count });
      const latest = m.latest;
      if (latest?.summary) setCounts(row, latest.summary);
      row.append(
        h("td", {}, h("a", { class: "model-link", href: routeHash({ page: "model", name: m.name }) }, m.name)),
        h("td", { class: "tags" }, ...m.tags.map((tag) => h("span", { class: "tag", "data-tag": tag }, tag))),
        h("td", { class: "num", "data-field": "versions" }, String(m.version_count)),
        h("td", {}, latest ? `v${latest.number} · ${when(latest.added_at)}` : "no versions"),
        h("td", {}, latest?.summary ? compatBar(latest.summary)
          : h("span", { class: "error-text" }, latest?.error ? `${latest.error.code}: ${latest.error.message}` : "—")),
        this.actions(m.name, m.tags, () => void this.render()));
      return row;
    });
    this.root.replaceChildren(
      h("div", { class: "page-head" }, h("h1", {}, "Tracked models"), h("span", { class: "muted" }, `latest version on ${this.targetText(t)}`)),
      this.addForm(),
      this.notice(),
      rows.length
        ? h("table", { class: "tracked-table", id: "tracked-models" },
            h("thead", {}, h("tr", {}, ...["Model", "Tags", "Versions", "Latest", "Compatibility", ""].map((c) => h("th", {}, c)))),
            h("tbody", {}, ...rows))
        : h("p", { class: "muted", id: "tracked-empty" }, "No tracked models yet: add one above, or run `trtlens track add MODEL`."));
  }

  private addForm(): HTMLElement {
    const file = h("input", { type: "file", id: "tracked-file", multiple: true, "aria-label": "Model file (and its external-data files)",
      title: "An .onnx file, plus the external-data files it references, if any" });
    const name = h("input", { type: "text", id: "tracked-name", placeholder: "name (default: file name)", "aria-label": "Model name" });
    const tags = h("input", { type: "text", id: "tracked-tags", placeholder: "tags, comma-separated", "aria-label": "Tags" });
    const add = h("button", { type: "submit", id: "tracked-add" }, "Add model");
    const form = h("form", { class: "add-form", id: "tracked-add-form" }, h("b", {}, "Add a model "), file, name, tags, add);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const picked = this.pickModel(file);
      if (!picked) return;
      const modelName = name.value.trim() || picked.model.name.replace(/\.onnx$/i, "");
      add.disabled = true;
      void this.upload(modelName, picked.model, splitTags(tags.value), picked.data).finally(() => (add.disabled = false));
    });
    return form;
  }

  // One .onnx file (or a single file of any name) and, beside it, the external-data files it references.
  private pickModel(input: HTMLInputElement): { model: File; data: File[] } | undefined {
    const files = [...(input.files ?? [])];
    if (files.length === 0) { this.say("error", "Choose an .onnx file first."); return undefined; }
    if (files.length === 1) return { model: files[0], data: [] };
    const models = files.filter((f) => /\.onnx$/i.test(f.name));
    if (models.length !== 1) {
      this.say("error", "Choose one .onnx file, plus the external-data files it references.");
      return undefined;
    }
    return { model: models[0], data: files.filter((f) => f !== models[0]) };
  }

  private async upload(name: string, file: File, tags: string[], data: File[] = []): Promise<void> {
    try {
      const r = await tracked.upload(name, file, tags, data);
      this.message = { kind: "ok", text: r.new_model ? `Added ${name} (version 1).`
        : r.new_version ? `Added version ${r.version.number} of ${name}.` : `${name}: unchanged (same bytes as version ${r.version.number}).` };
      await this.render();
    } catch (e) {
      this.say("error", `Cannot add ${file.name}: ${withoutServerPath((e as Error).message, file.name)}`);
    }
  }

  // Rename, tag and delete, inline in `cell` (a row's last cell or the model page's head). `changed` re-renders.
  private actions(name: string, tags: string[], changed: (newName?: string) => void, deleted?: () => void, tag: "td" | "span" = "td"): HTMLElement {
    const cell = h(tag, { class: "actions" });
    const idle = () => {
      const rename = h("button", { class: "rename" }, "Rename");
      const editTags = h("button", { class: "edit-tags" }, "Tags");
      const del = h("button", { class: "delete danger" }, "Delete");
      rename.addEventListener("click", () => edit("rename-input", name, async (v) => {
        await tracked.patch(name, { name: v.trim() });
        changed(v.trim());
      }));
      editTags.addEventListener("click", () => edit("tags-input", tags.join(", "), async (v) => {
        await tracked.patch(name, { tags: splitTags(v) });
        changed();
      }));
      del.addEventListener("click", () => confirmDelete());
      cell.replaceChildren(rename, editTags, del);
    };
    const edit = (cls: string, value: string, save: (v: string) => Promise<void>) => {
      const input = h("input", { type: "text", class: cls, "aria-label": cls === "rename-input" ? "New name" : "Tags (comma-separated)" });
      input.value = value;
      const ok = h("button", { type: "submit", class: "save" }, "Save");
      const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
      const form = h("form", { class: "inline-edit" }, input, ok, cancel);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        ok.disabled = true;
        save(input.value).catch((err) => { ok.disabled = false; this.say("error", (err as Error).message); });
      });
      cancel.addEventListener("click", idle);
      cell.replaceChildren(form);
      input.focus();
    };
    const confirmDelete = () => {
      const yes = h("button", { class: "confirm-delete danger" }, "Yes, delete");
      const no = h("button", { class: "cancel" }, "Cancel");
      yes.addEventListener("click", () => {
        yes.disabled = true;
        tracked.remove(name).then(() => {
          this.message = { kind: "ok", text: `Deleted ${name}.` };
          (deleted ?? changed)();
        }, (err) => this.say("error", (err as Error).message));
      });
      no.addEventListener("click", idle);
      cell.replaceChildren(h("span", { class: "confirm" }, `Delete ${name} and all its versions? `), yes, no);
    };
    idle();
    return cell;
  }

  // --- model page --------------------------------------------------------------------------------------------
  private async model(name: string, fresh: () => boolean): Promise<void> {
    const t = this.host.target();
    const m = await tracked.model(name);
    if (!fresh()) return;
    const versions = [...m.versions].sort((a, b) => b.number - a.number);
    const rows = versions.map((v, i) => this.versionRow(m, v, versions[i + 1]));
    const head = h("div", { class: "page-head" },
      h("h1", { id: "model-title" }, m.name),
      h("span", { class: "tags" }, ...m.tags.map((tag) => h("span", { class: "tag", "data-tag": tag }, tag))),
      h("span", { class: "muted" }, `${m.versions.length} version${m.versions.length === 1 ? "" : "s"} · compatibility on ${this.targetText(t)}`));
    const actions = this.actions(m.name, m.tags,
      (newName) => { if (newName && newName !== name) go({ page: "model", name: newName }); else void this.render(); },
      () => go({ page: "home" }), "span");
    const compare = m.versions.length > 1 ? h("a", { class: "compare-link button", href: routeHash({ page: "diff", name: m.name }) }, "Compare versions") : null;
    this.root.replaceChildren(
      h("a", { href: "#/", class: "back" }, "← Tracked models"),
      head,
      h("div", { class: "model-actions" }, actions, ...(compare ? [compare] : [])),
      this.versionForm(m.name),
      this.notice(),
      h("table", { class: "tracked-table", id: "versions" },
        h("thead", {}, h("tr", {}, ...["Version", "Hash", "Added", "Size", "Compatibility", ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, ...rows.map((r) => r.row))));
    // One analysis per version (cached server-side); newest first so the top of the table fills first.
    for (const { version, cell, row } of rows) {
      if (!fresh()) return;
      try {
        const a = await tracked.analysis(m.name, version.number, t);
        if (!fresh()) return;
        setCounts(row, a.summary);
        cell.replaceChildren(compatBar(a.summary));
      } catch (e) {
        cell.replaceChildren(h("span", { class: "error-text" }, (e as Error).message));
      }
    }
  }

  private versionRow(m: TrackedModel, v: TrackedVersion, previous?: TrackedVersion) {
    const cell = h("td", {}, h("span", { class: "muted" }, "analysing…"));
    const open = h("button", { class: "open-version" }, "Open");
    open.addEventListener("click", () => void this.host.openVersion(m.name, v.number).catch((e) => this.say("error", (e as Error).message)));
    const actions = h("td", { class: "actions" }, open);
    if (previous)
      actions.append(h("a", { class: "diff-link button", href: routeHash({ page: "diff", name: m.name, from: previous.number, to: v.number }) }, `Changes since v${previous.number}`));
    const del = h("button", { class: "delete-version danger" }, "Delete");
    del.addEventListener("click", () => {
      const yes = h("button", { class: "confirm-delete danger" }, "Yes, delete");
      const no = h("button", { class: "cancel" }, "Cancel");
      const restore = () => actions.replaceChildren(...kept);
      const kept = [...actions.childNodes];
      yes.addEventListener("click", () => {
        yes.disabled = true;
        tracked.removeVersion(m.name, v.number).then(() => {
          this.message = { kind: "ok", text: `Deleted version ${v.number} of ${m.name}.` };
          void this.render();
        }, (err) => this.say("error", (err as Error).message));
      });
      no.addEventListener("click", restore);
      actions.replaceChildren(h("span", { class: "confirm" }, `Delete version ${v.number}? `), yes, no);
    });
    actions.append(del);
    const row = h("tr", { "data-version": v.number },
      h("td", {}, `v${v.number}`),
      h("td", { class: "mono", title: v.digest }, v.digest.slice(0, 12)),
      h("td", {}, when(v.added_at)),
      h("td", { class: "num", title: v.file_name }, byteSize(v.size)),
      cell, actions);
    return { version: v, row, cell };
  }

  private versionForm(name: string): HTMLElement {
    const file = h("input", { type: "file", id: "version-file", multiple: true, "aria-label": "New version file (and its external-data files)",
      title: "An .onnx file, plus the external-data files it references, if any" });
    const add = h("button", { type: "submit", id: "version-add" }, "Upload new version");
    const form = h("form", { class: "add-form" }, file, add);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const picked = this.pickModel(file);
      if (!picked) return;
      add.disabled = true;
      void this.upload(name, picked.model, [], picked.data).finally(() => (add.disabled = false));
    });
    return form;
  }

  // --- version view: what changed between two versions -------------------------------------------------------
  private async diff(name: string, from: number | undefined, to: number | undefined, fresh: () => boolean): Promise<void> {
    const t = this.host.target();
    const [m, d] = await Promise.all([tracked.model(name), tracked.diff(name, from, to, t)]);
    if (!fresh()) return;
    const numbers = m.versions.map((v) => v.number).sort((a, b) => b - a);
    const picker = (id: string, value: number, label: string) => {
      const select = h("select", { id, "aria-label": label }, ...numbers.map((n) => h("option", { value: n }, `v${n}`)));
      select.value = String(value);
      return h("label", { class: "field" }, `${label} `, select);
    };
    const pickers = h("form", { class: "pickers" }, picker("diff-from", d.from.version, "From"), " → ", picker("diff-to", d.to.version, "To"));
    pickers.addEventListener("change", () => {
      const value = (id: string) => Number((pickers.querySelector(`#${id}`) as HTMLSelectElement).value);
      go({ page: "diff", name, from: value("diff-from"), to: value("diff-to") });
    });
    const side = (key: "from" | "to") => {
      const el = h("div", { class: "side", "data-side": key }, h("b", {}, `v${d[key].version} `), compatBar(d[key].summary));
      setCounts(el, d[key].summary);
      return el;
    };
    this.root.replaceChildren(
      h("a", { href: routeHash({ page: "model", name }), class: "back" }, `← ${name}`),
      h("div", { class: "page-head" }, h("h1", {}, `${name}: what changed`), h("span", { class: "muted" }, `on ${this.targetText(t)}`)),
      pickers,
      h("p", { class: "muted", hidden: d.from.version !== d.to.version }, "Pick two different versions to compare."),
      h("div", { class: "sides" }, side("from"), side("to")),
      this.diffList("Became unsupported", "became_unsupported", d),
      this.diffList("Became convertible", "became_convertible", d),
      this.diffList("Other changes", "changed", d));
  }

  private diffList(title: string, key: "became_unsupported" | "became_convertible" | "changed", d: TrackedDiff): HTMLElement {
    const nodes: DiffNode[] = d[key];
    const list = h("ul", { class: "diff-list" });
    for (const n of nodes) {
      // A removed node only exists in the older version: open that one.
      const version = n.to === null ? d.from.version : d.to.version;
      const item = h("button", { class: "diff-node-link", title: `open in the visualizer of v${version}` },
        h("b", {}, n.op_type), " ", n.name, n.graph ? h("span", { class: "muted" }, ` (${n.graph})`) : null);
      item.addEventListener("click", () => void this.host.openVersion(d.model, version, { graph: n.graph, name: n.name })
        .catch((e) => this.say("error", (e as Error).message)));
      list.append(h("li", { "data-diff-node": n.name, "data-graph": n.graph, "data-from": n.from ?? "none", "data-to": n.to ?? "none" },
        item, " ", statusText(n.from), " → ", statusText(n.to)));
    }
    if (!nodes.length) list.append(h("li", { class: "muted" }, "none"));
    return h("section", { class: `diff-section ${key}`, "data-list": key }, h("h2", {}, `${title} (${nodes.length})`), list);
  }
}

function statusText(s: string | null): HTMLElement {
  if (s === null) return h("span", { class: "muted" }, "absent");
  return h("span", { class: `badge ${statusClass(s)}`, "data-status": s }, `${statusMark(s)} ${s}`);
}

// The store names the staged copy ("/home/u/.local/share/trtlens/tmp/123-0-456/model.onnx") in loader messages; the
// user knows the file by the name they picked.
export function withoutServerPath(message: string, fileName: string): string {
  return message.replace(/(?:\/[^\s/:'"]+)+\/model\.onnx/g, fileName);
}
