import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { layered, type LayoutEdge, type LayoutNode } from "../../src/layout";

const box = (id: string, width = 100, height = 40): LayoutNode => ({ id, width, height });
const edge = (from: string, to: string): LayoutEdge => ({ from, to });

describe("layered layout", () => {
  test("a chain goes down, one rank per node, under each other", () => {
    const l = layered([box("a"), box("b"), box("c")], [edge("a", "b"), edge("b", "c")]);
    const [a, b, c] = ["a", "b", "c"].map((id) => l.positions[id]);
    assert.ok(a.y < b.y && b.y < c.y);
    assert.equal(a.x, b.x);
    assert.equal(b.x, c.x);
    assert.equal(l.columns, 1);
  });

  test("an edge leaves the bottom of its source and ends at the top of its target", () => {
    const l = layered([box("a"), box("b")], [edge("a", "b")]);
    const pts = l.edges[0].points;
    assert.deepEqual(pts[0], { x: l.positions.a.x, y: l.positions.a.y + 20 });
    assert.deepEqual(pts[pts.length - 1], { x: l.positions.b.x, y: l.positions.b.y - 20 });
  });

  test("an edge over several ranks bends through one point per rank crossed", () => {
    const l = layered([box("a"), box("b"), box("c")], [edge("a", "b"), edge("b", "c"), edge("a", "c")]);
    assert.equal(l.edges[2].points.length, 3);
  });

  test("self-edges and edges to unknown nodes are not drawn; one edge per input edge", () => {
    const l = layered([box("a"), box("b")], [edge("a", "a"), edge("a", "nope"), edge("a", "b")]);
    assert.equal(l.edges.length, 3);
    assert.deepEqual(l.edges[0].points, []);
    assert.deepEqual(l.edges[1].points, []);
    assert.ok(l.edges[2].points.length >= 2);
  });

  test("a cycle is broken by file order and its back edge still runs from its source to its target", () => {
    const l = layered([box("a"), box("b")], [edge("a", "b"), edge("b", "a")]);
    assert.ok(l.positions.a.y < l.positions.b.y);
    const back = l.edges[1].points;
    assert.equal(back[0].y, l.positions.b.y - 20);
    assert.equal(back[back.length - 1].y, l.positions.a.y + 20);
  });

  test("nodes of one rank keep their spacing", () => {
    const kids = ["k1", "k2", "k3", "k4"].map((id, i) => box(id, 60 + 30 * i));
    const l = layered([box("root"), ...kids], kids.map((k) => edge("root", k.id)), { nodesep: 28 });
    const row = kids.map((k) => ({ ...k, ...l.positions[k.id] })).sort((p, q) => p.x - q.x);
    for (let i = 1; i < row.length; i++) {
      assert.equal(row[i].y, row[0].y);
      assert.ok(row[i].x - row[i - 1].x >= (row[i].width + row[i - 1].width) / 2 + 28 - 1e-9);
    }
  });

  test("a source sits right above its first consumer, not at the top", () => {
    const l = layered([box("a"), box("b"), box("c"), box("late")], [edge("a", "b"), edge("b", "c"), edge("late", "c")]);
    assert.equal(l.positions.late.y, l.positions.b.y);
  });

  test("every box lies inside the reported size", () => {
    const nodes = Array.from({ length: 30 }, (_, i) => box(`n${i}`, 80 + (i % 5) * 20));
    const edges = nodes.slice(1).map((n, i) => edge(`n${Math.floor(i / 2)}`, n.id));
    const l = layered(nodes, edges, { margin: 20 });
    for (const n of nodes) {
      const p = l.positions[n.id];
      assert.ok(p.x - n.width / 2 >= 0 && p.x + n.width / 2 <= l.width, n.id);
      assert.ok(p.y - n.height / 2 >= 0 && p.y + n.height / 2 <= l.height, n.id);
    }
  });

  test("a long chain in a wide viewport is cut into columns, read left to right", () => {
    const nodes = Array.from({ length: 200 }, (_, i) => box(`n${i}`));
    const edges = nodes.slice(1).map((n, i) => edge(`n${i}`, n.id));
    const l = layered(nodes, edges, { aspect: 2, viewHeight: 600 });
    assert.ok(l.columns > 1, `columns: ${l.columns}`);
    assert.ok(l.positions.n199.x > l.positions.n0.x);
    // An edge that crosses into the next column resumes at its top ("move").
    assert.ok(l.edges.some((e) => e.points.some((p) => p.move)));
    assert.equal(layered(nodes, edges).columns, 1);  // no viewport given: one column
  });

  test("nothing to lay out", () => {
    const l = layered([], [], { margin: 20 });
    assert.deepEqual(l.positions, {});
    assert.equal(l.width, 40);
    assert.equal(l.height, 40);
  });
});
