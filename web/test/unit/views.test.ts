import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { GraphNode, GraphScope, ModelGraph } from "../../src/api";
import { FLAT_LIMIT, MAX_ITEMS, ModelViews, splitName } from "../../src/views";

function node(index: number, name: string, op_type: string, inputs: string[], outputs: string[], extra: Partial<GraphNode> = {}): GraphNode {
  return { index, name, op_type, graph: "", inputs, outputs, ...extra };
}
function model(nodes: GraphNode[], main: Partial<GraphScope>, bodies: GraphScope[] = []): ModelGraph {
  const root: GraphScope = { path: "", parent: null, owner: -1, inputs: [], outputs: [], ...main };
  return { id: "1", name: "m", graph_name: "main", node_count: nodes.length, nodes, graphs: [root, ...bodies] };
}
const ids = (items: { id: string }[]) => items.map((i) => i.id);
const pairs = (edges: { from: string; to: string }[]) => edges.map((e) => `${e.from}->${e.to}`).sort();

describe("splitName", () => {
  test("name scopes are the '/'-separated parts, empty parts dropped", () => {
    assert.deepEqual(splitName("encoder/layer.0/MatMul"), ["encoder", "layer.0", "MatMul"]);
    assert.deepEqual(splitName("/a//b/"), ["a", "b"]);
    assert.deepEqual(splitName("plain"), ["plain"]);
    assert.deepEqual(splitName(""), [""]);
    assert.deepEqual(splitName("/"), ["/"]);
  });
});

describe("a small level shows every node", () => {
  // x -> conv (weights w, folded Constant k) -> relu -> add(b, b) -> y
  const g = model([
    node(0, "k", "Constant", [], ["k"]),
    node(1, "enc/conv", "Conv", ["x", "w", "k"], ["a"], { weights: 1 }),
    node(2, "enc/relu", "Relu", ["a"], ["b"]),
    node(3, "head/add", "Add", ["b", "b"], ["y"]),
  ], { inputs: ["x", "w"], outputs: ["y"],
       tensors: { x: { dtype: "float32", shape: [1], kind: "input" }, w: { dtype: "float32", shape: [1], kind: "initializer" } } });
  const views = new ModelViews(g);
  const v = views.view(views.root());

  test("items: graph inputs (not initializers), nodes (not folded Constants), graph outputs", () => {
    assert.deepEqual(ids(v.items), ["in:x", "n1", "n2", "n3", "out:y"]);
    assert.equal(v.level.title, "m");
  });

  test("a Constant is folded into its first reader: counted with its weights, found at its box", () => {
    assert.equal(views.folded.get(0), 1);
    assert.equal(views.weightInputs(1), 2);
    assert.equal(views.weightInputs(2), 0);
    assert.equal(v.itemOf.get(0), "n1");
  });

  test("edges join items through tensors, one edge per pair of items", () => {
    assert.deepEqual(pairs(v.edges), ["in:x->n1", "n1->n2", "n2->n3", "n3->out:y"]);
    assert.deepEqual(v.edges.find((e) => e.from === "in:x")?.tensors, ["x"]);
  });

  test("consumers and producers per scope", () => {
    assert.deepEqual(views.consumers.get("")?.get("b"), [3, 3]);
    assert.equal(views.producer.get("")?.get("a"), 1);
  });
});

describe("a Constant that is a graph output stays a node", () => {
  test("not folded", () => {
    const views = new ModelViews(model([node(0, "k", "Constant", [], ["k"]), node(1, "id", "Identity", ["k"], ["o"])],
      { outputs: ["k", "o"] }));
    assert.equal(views.folded.size, 0);
    assert.deepEqual(ids(views.view(views.root()).items), ["n0", "n1", "out:k", "out:o"]);
  });
});

describe(`a level of more than ${FLAT_LIMIT} nodes groups its name scopes`, () => {
  // a/x0 … a/x1499 and b/y0 … b/y599 are chains, b follows a; "lonely" and "c/only" are nodes of no real scope.
  const nodes: GraphNode[] = [];
  const chain = (scope: string, count: number, input: string) => {
    let prev = input;
    for (let i = 0; i < count; i++) {
      const out = `${scope}_t${i}`;
      nodes.push(node(nodes.length, `${scope}/n${i}`, "Relu", [prev], [out]));
      prev = out;
    }
    return prev;
  };
  const aOut = chain("a", 1500, "x");
  const bOut = chain("b", 600, aOut);
  nodes.push(node(nodes.length, "lonely", "Relu", ["x"], ["l"]));
  nodes.push(node(nodes.length, "c/only", "Relu", ["l"], ["z"]));
  const views = new ModelViews(model(nodes, { inputs: ["x"], outputs: [bOut, "z"] }));
  const root = views.view(views.root());

  test("groups for real scopes, nodes for the rest", () => {
    assert.deepEqual(ids(root.items), ["in:x", "g:a", "g:b", "n2100", "n2101", `out:${bOut}`, "out:z"]);
    const a = root.items.find((i) => i.id === "g:a");
    assert.equal(a?.kind, "group");
    assert.equal(a?.nodes.length, 1500);
    assert.deepEqual(a?.level?.prefix, ["a"]);
  });

  test("edges between groups", () => {
    assert.deepEqual(pairs(root.edges), ["g:a->g:b", "g:b->out:b_t599", "in:x->g:a", "in:x->n2100", "n2100->n2101", "n2101->out:z"]);
  });

  test("a group's level has stubs for what enters and leaves it", () => {
    const b = views.view(root.items.find((i) => i.id === "g:b")!.level!);
    const stubs = b.items.filter((i) => i.boundary);
    assert.deepEqual(ids(stubs), ["in:a_t1499", "out:b_t599"]);
    assert.equal(b.items.length, 602);
    assert.ok(pairs(b.edges).includes("in:a_t1499->n1500"));
    assert.ok(pairs(b.edges).includes("n2099->out:b_t599"));
  });

  test("the path to a node goes through its group", () => {
    assert.deepEqual(views.path(1700).map((l) => l.title), ["m", "b"]);
    assert.deepEqual(views.path(2100).map((l) => l.title), ["m"]);
  });
});

describe(`more than ${MAX_ITEMS} groups are bucketed`, () => {
  test("runs of whole scopes, 100 buckets at most", () => {
    const nodes: GraphNode[] = [];
    for (let s = 0; s < 300; s++) for (let i = 0; i < 7; i++) nodes.push(node(nodes.length, `s${s}/n${i}`, "Relu", [], [`t${nodes.length}`]));
    const views = new ModelViews(model(nodes, {}));
    const v = views.view(views.root());
    assert.equal(v.items.length, 100);
    const first = v.items[0];
    assert.equal(first.kind, "group");
    assert.equal(first.label, "s0 … s2");
    assert.equal(first.nodes.length, 21);
    assert.deepEqual(first.level?.members, first.nodes);
    // A bucket opens on its own nodes (21: few enough to show flat).
    assert.equal(views.view(first.level!).items.length, 21);
  });
});

describe("control-flow bodies", () => {
  const body: GraphScope = { path: "if/then_branch", parent: "", owner: 1, inputs: [], outputs: ["bo"] };
  const inner: GraphScope = { path: "if/then_branch/loop/body", parent: "if/then_branch", owner: 3, inputs: [], outputs: [] };
  const g = model([
    node(0, "pre", "Relu", ["x"], ["c"]),
    node(1, "if", "If", ["c"], ["y"], { bodies: ["if/then_branch"] }),
    node(2, "then/add", "Add", ["x", "x"], ["bo"], { graph: "if/then_branch" }),
    node(3, "then/loop", "Loop", [], [], { graph: "if/then_branch", bodies: ["if/then_branch/loop/body"] }),
    node(4, "inner/mul", "Mul", [], ["m"], { graph: "if/then_branch/loop/body" }),
  ], { inputs: ["x"], outputs: ["y"] }, [body, inner]);
  const views = new ModelViews(g);

  test("a body's nodes include its nested bodies", () => {
    assert.deepEqual(views.bodyNodes("if/then_branch").sort(), [2, 3, 4]);
    assert.deepEqual(views.bodyNodes("if/then_branch/loop/body"), [4]);
  });

  test("the main level does not show body nodes", () => {
    assert.deepEqual(ids(views.view(views.root()).items), ["in:x", "n0", "n1", "out:y"]);
  });

  test("the path to a body node goes through the level of its control-flow parent", () => {
    assert.deepEqual(views.path(4).map((l) => l.scope), ["", "if/then_branch", "if/then_branch/loop/body"]);
  });
});
