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
