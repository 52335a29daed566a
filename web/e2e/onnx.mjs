// Tiny ONNX writer for the browser tests: a chain of single-input operators, encoded as protobuf by hand (the
// handful of ModelProto fields needed), so a test can state two versions of a model in one line each.
import { writeFileSync } from "node:fs";

const FLOAT = 1;

function varint(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
const key = (field, wire) => varint(field * 8 + wire);
const int = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field, payload) => {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([key(field, 2), varint(body.length), body]);
};

// ValueInfoProto{name, type{tensor_type{elem_type, shape{dim{dim_value}}}}}
function valueInfo(name, dims) {
  const shape = Buffer.concat(dims.map((d) => bytes(1, int(1, d))));
  const tensor = Buffer.concat([int(1, FLOAT), bytes(2, shape)]);
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, tensor))]);
}

// NodeProto{input, output, name, op_type}
function node(op, input, output, name) {
  return Buffer.concat([bytes(1, input), bytes(2, output), bytes(3, name), bytes(4, op)]);
}

// x[1,8] -> ops[0] -> ops[1] -> ... -> y, node named "net/<Op>" (ops unique); opset 20 (Gelu exists from 20).
export function chainModel(ops, { opset = 20, graphName = "chain" } = {}) {
  const nodes = ops.map((op, i) => node(op, i === 0 ? "x" : `t${i}`, i === ops.length - 1 ? "y" : `t${i + 1}`, `net/${op}`));
  const graph = Buffer.concat([
    ...nodes.map((n) => bytes(1, n)),
    bytes(2, graphName),
    bytes(11, valueInfo("x", [1, 8])),
    bytes(12, valueInfo("y", [1, 8])),
  ]);
  const opsetId = Buffer.concat([bytes(1, ""), int(2, opset)]);
  return Buffer.concat([int(1, 8), bytes(2, "trtlens-e2e"), bytes(7, graph), bytes(8, opsetId)]);
}

export function writeChainModel(file, ops, options) {
  writeFileSync(file, chainModel(ops, options));
  return file;
}

// x[1,8] * w -> y with w a FLOAT[1,8] initializer whose bytes live in the external-data file `dataName`
// (TensorProto: dims=1, data_type=2, name=8, external_data=13, data_location=14). Returns both files' bytes.
export function externalModel(dataName, values) {
  const entry = (k, v) => bytes(13, Buffer.concat([bytes(1, k), bytes(2, v)]));
  const weight = Buffer.concat([int(1, 1), int(1, 8), int(2, FLOAT), bytes(8, "w"), entry("location", dataName), int(14, 1)]);
  const graph = Buffer.concat([
    bytes(1, Buffer.concat([bytes(1, "x"), bytes(1, "w"), bytes(2, "y"), bytes(3, "net/Mul"), bytes(4, "Mul")])),
    bytes(2, "external"),
    bytes(5, weight),
    bytes(11, valueInfo("x", [1, 8])),
    bytes(12, valueInfo("y", [1, 8])),
  ]);
  const opsetId = Buffer.concat([bytes(1, ""), int(2, 17)]);
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeFloatLE(v, i * 4));
  return { model: Buffer.concat([int(1, 8), bytes(2, "trtlens-e2e"), bytes(7, graph), bytes(8, opsetId)]), data };
}

// --- general graphs: nodes with attributes, initializers, subgraphs -------------------------------------------------
const fixed32 = (field, x) => { const b = Buffer.alloc(4); b.writeFloatLE(x); return Buffer.concat([key(field, 5), b]); };
const DTYPE = { FLOAT: 1, INT64: 7, BOOL: 9 };
const ELEM_SIZE = { 1: 4, 7: 8, 9: 1 };

// AttributeProto{name=1, f=2, i=3, t=5, g=6, ints=8, type=20}: a number is INT unless wrapped as {f: x}; an array of
// numbers is INTS; {graph} a GRAPH; {tensor} a TENSOR.
function attribute(name, value) {
  const parts = [bytes(1, name)];
  if (typeof value === "number") parts.push(int(3, value), int(20, 2));
  else if (Array.isArray(value)) parts.push(...value.map((v) => int(8, v)), int(20, 7));
  else if (value.f !== undefined) parts.push(fixed32(2, value.f), int(20, 1));
  else if (value.graph) parts.push(bytes(6, graphProto(value.graph)), int(20, 5));
  else if (value.tensor) parts.push(bytes(5, tensorProto(value.tensor)), int(20, 4));
  else throw new Error(`attribute ${name}: unsupported value`);
  return Buffer.concat(parts);
}

// TensorProto{dims=1, data_type=2, name=8, raw_data=9}: zeros unless `values` (floats or int64s) are given.
function tensorProto({ name = "", dims, dtype = DTYPE.FLOAT, values }) {
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = Buffer.alloc(count * ELEM_SIZE[dtype]);
  if (values) values.forEach((v, i) => (dtype === DTYPE.INT64 ? raw.writeBigInt64LE(BigInt(v), i * 8) : dtype === DTYPE.BOOL ? raw.writeUInt8(v ? 1 : 0, i) : raw.writeFloatLE(v, i * 4)));
  return Buffer.concat([...dims.map((d) => int(1, d)), int(2, dtype), bytes(8, name), bytes(9, raw)]);
}

function valueInfoOf(name, dims, dtype = DTYPE.FLOAT) {
  const shape = dims ? bytes(2, Buffer.concat(dims.map((d) => bytes(1, int(1, d))))) : Buffer.alloc(0);
  return Buffer.concat([bytes(1, name), bytes(2, bytes(1, Buffer.concat([int(1, dtype), shape])))]);
}

// {name, nodes:[{op, inputs, outputs, name, attrs}], initializers:[{name, dims, dtype, values}],
//  inputs:[{name, dims, dtype}], outputs:[{name, dims, dtype}]}
function graphProto(g) {
  const nodes = g.nodes.map((n) => bytes(1, Buffer.concat([
    ...n.inputs.map((t) => bytes(1, t)), ...n.outputs.map((t) => bytes(2, t)), bytes(3, n.name), bytes(4, n.op),
    ...Object.entries(n.attrs ?? {}).map(([k, v]) => bytes(5, attribute(k, v)))])));
  return Buffer.concat([
    ...nodes, bytes(2, g.name ?? "graph"),
    ...(g.initializers ?? []).map((t) => bytes(5, tensorProto(t))),
    ...(g.inputs ?? []).map((t) => bytes(11, valueInfoOf(t.name, t.dims, t.dtype))),
    ...(g.outputs ?? []).map((t) => bytes(12, valueInfoOf(t.name, t.dims, t.dtype))),
  ]);
}

export function modelProto(graph, opset = 17) {
  const opsetId = Buffer.concat([bytes(1, ""), int(2, opset)]);
  return Buffer.concat([int(1, 8), bytes(2, "trtlens-e2e"), bytes(7, graphProto(graph)), bytes(8, opsetId)]);
}

// A text detector the way Paddle2ONNX writes one: a residual conv backbone, an FPN (Resize + Add + Concat), a
// ConvTranspose head with a Sigmoid; nodes named "p2o.<Op>.<k>" (no name scopes), some weights and every Resize
// scale as Constant nodes. About `target` nodes.
export function detectorModel(target = 600) {
  const nodes = [], initializers = [];
  const counters = new Map();
  const node = (op, inputs, attrs = {}, outputs = 1) => {
    const k = counters.get(op) ?? 0;
    counters.set(op, k + 1);
    const outs = Array.from({ length: outputs }, (_, i) => `${op.toLowerCase()}_${k}.tmp_${i}`);
    nodes.push({ op, inputs, outputs: outs, name: `p2o.${op}.${k}`, attrs });
    return outs[0];
  };
  let w = 0;
  const weight = (dims, asConstant = false) => {
    const name = `conv2d_${w++}.w_0`;
    if (asConstant) return node("Constant", [], { value: { tensor: { dims } } });
    initializers.push({ name, dims });
    return name;
  };
  const bn = (x, c) => {
    const p = `batch_norm_${w++}`;
    for (const s of ["w_0", "b_0", "w_1", "w_2"]) initializers.push({ name: `${p}.${s}`, dims: [c], values: Array(c).fill(s === "w_2" || s === "w_0" ? 1 : 0) });
    return node("BatchNormalization", [x, `${p}.w_0`, `${p}.b_0`, `${p}.w_1`, `${p}.w_2`], { epsilon: { f: 1e-5 } });
  };
  const conv = (x, cin, cout, k = 3, stride = 1, constantWeight = false) =>
    node("Conv", [x, weight([cout, cin, k, k], constantWeight)], { kernel_shape: [k, k], pads: Array(4).fill((k - 1) / 2), strides: [stride, stride] });
  const cbr = (x, cin, cout, k = 3, stride = 1, cw = false) => node("Relu", [bn(conv(x, cin, cout, k, stride, cw), cout)]);
  const C = 8;
  let x = cbr("x", 3, C, 3, 2);
  const taps = [];
  const stages = 4;
  const perBlock = 7.5;  // conv, bn, relu, conv, bn, add, relu + a Constant weight every other block
  const blocks = Math.max(1, Math.floor((target - 60) / stages / perBlock));
  for (let s = 0; s < stages; s++) {
    for (let b = 0; b < blocks; b++) {
      const down = b === 0 && s > 0;
      const y = cbr(x, C, C, 3, down ? 2 : 1, b % 2 === 1);
      const z = bn(conv(y, C, C, 3, 1, b % 2 === 1), C);
      const shortcut = down ? bn(conv(x, C, C, 1, 2), C) : x;
      x = node("Relu", [node("Add", [z, shortcut])]);
    }
    taps.push(x);
  }
  // FPN, top-down: upsample by 2 and add the lateral conv of the level above.
  let top = conv(taps[stages - 1], C, C, 1);
  const outs = [top];
  for (let s = stages - 2; s >= 0; s--) {
    const scales = node("Constant", [], { value: { tensor: { dims: [4], values: [1, 1, 2, 2] } } });
    const up = node("Resize", [top, "", scales], {});
    top = node("Add", [up, conv(taps[s], C, C, 1)]);
    outs.push(top);
  }
  const aligned = outs.map((o, i) => {
    const f = 2 ** (stages - 1 - i);
    if (f === 1) return conv(o, C, C / 2, 3);
    const scales = node("Constant", [], { value: { tensor: { dims: [4], values: [1, 1, f, f] } } });
    return node("Resize", [conv(o, C, C / 2, 3), "", scales], {});
  });
  const fuse = node("Concat", aligned, { axis: 1 });
  let h = cbr(fuse, 2 * C, C, 3);
  h = node("Relu", [bn(node("ConvTranspose", [h, weight([C, C, 2, 2])], { kernel_shape: [2, 2], strides: [2, 2] }), C)]);
  const logits = node("ConvTranspose", [h, weight([C, 1, 2, 2])], { kernel_shape: [2, 2], strides: [2, 2] });
  const prob = node("Sigmoid", [logits]);
  nodes[nodes.length - 1].outputs = ["maps"];
  void prob;
  return {
    proto: modelProto({ name: "det_db", nodes, initializers, inputs: [{ name: "x", dims: [1, 3, 64, 64] }], outputs: [{ name: "maps", dims: null }] }, 17),
    nodeCount: nodes.length,
    constants: nodes.filter((n) => n.op === "Constant").map((n) => n.name),
    names: nodes.map((n) => n.name),
  };
}

// x -> If(cond){ then: Gelu (no importer before TensorRT 10.0), else: Relu } -> Sigmoid, opset 20: a voice-activity-
// style control-flow node whose body fails on older releases; beside it a Reshape whose INT64 shape is down-cast.
export function ifGeluModel() {
  const branch = (name, op) => ({ name, nodes: [{ op, inputs: ["x"], outputs: [`${name}_out`], name: `${name}/${op}` }],
    outputs: [{ name: `${name}_out`, dims: [1, 8] }] });
  const graph = {
    name: "vad",
    nodes: [
      { op: "Relu", inputs: ["x"], outputs: ["h"], name: "vad/pre/Relu" },
      { op: "Reshape", inputs: ["h", "frame_shape"], outputs: ["frames"], name: "vad/pre/Reshape" },
      { op: "If", inputs: ["cond"], outputs: ["y"], name: "vad/If",
        attrs: { then_branch: { graph: branch("then_branch", "Gelu") }, else_branch: { graph: branch("else_branch", "Relu") } } },
      { op: "Sigmoid", inputs: ["y"], outputs: ["p"], name: "vad/post/Sigmoid" },
    ],
    initializers: [{ name: "frame_shape", dims: [2], dtype: DTYPE.INT64, values: [1, 8] }],
    inputs: [{ name: "x", dims: [1, 8] }, { name: "cond", dims: [], dtype: DTYPE.BOOL }],
    outputs: [{ name: "p", dims: [1, 8] }, { name: "frames", dims: [1, 8] }],
  };
  return modelProto(graph, 20);
}
