"""Per-operator type facts for kbgen (data in op_types.json, format in docs/kb-format.md, "Type facts").

annotate() adds to one release's op entries:
  "type_source": {"input": i} or {"output": 0}   the tensor whose element type the op computes in (default input 0;
                                                 ops with an importer)
  "output_type_input": i                         output 0 has input i's element type (every entry: the model-level
                                                 check follows producers whether or not they import)
  "attribute_downcasts": [{attr, type, code, message}]  a type-naming attribute the release imports as another type;
                                                 written only where the release's tensor_types convert that type
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TRT_TO_ONNX = {
    "FP32": "FLOAT", "FP16": "FLOAT16", "BF16": "BFLOAT16", "FP8": "FLOAT8E4M3FN", "FP4": "FLOAT4E2M1",
    "INT4": "INT4", "INT8": "INT8", "UINT8": "UINT8", "INT32": "INT32", "INT64": "INT64", "BOOL": "BOOL",
}


class OpTypesError(Exception):
    pass


def load(path=os.path.join(HERE, "op_types.json")):
    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            raise OpTypesError("op_types.json: %s" % e)
    for e in doc["type_source"]:
        if ("input" in e) == ("output" in e):
            raise OpTypesError("op_types.json: type_source %r needs exactly one of input/output" % (e["op"],))
        if "output" in e and e["output"] != 0:
            raise OpTypesError("op_types.json: type_source %r: only output 0 carries a type" % (e["op"],))
    for e in doc["attribute_downcasts"]:
        missing = {"op", "attr", "type", "code", "message"} - set(e)
        if missing:
            raise OpTypesError("op_types.json: attribute_downcasts %r lacks %s" % (e.get("op"), sorted(missing)))
    return doc


def _names(op):
    return op if isinstance(op, list) else [op]


def annotate(doc, ops, tensor_types, release):
    """Adds the type facts to `ops` (one release's op entries); `tensor_types` is that release's ONNX -> TRT map."""
    for e in doc["type_source"]:
        source = {"input": e["input"]} if "input" in e else {"output": e["output"]}
        for name in _names(e["op"]):
            if ops.get(name, {}).get("importer") and source != {"input": 0}:
                ops[name]["type_source"] = source
    for e in doc["output_type_input"]:
        for name in _names(e["op"]):
            if name in ops:
                ops[name]["output_type_input"] = e["input"]
    for e in doc["attribute_downcasts"]:
        mapped = tensor_types.get(e["type"], "")
        if not mapped.endswith("!") or not ops.get(e["op"], {}).get("importer"):
            continue  # the release imports the type as it is, or does not import it at all
        as_onnx = TRT_TO_ONNX[mapped[:-1]]
        if as_onnx not in e["message"]:
            raise OpTypesError("op_types.json: %s '%s' = %s: %s maps it to %s, which the message does not name"
                               % (e["op"], e["attr"], e["type"], release, as_onnx))
        item = {k: e[k] for k in ("attr", "type", "code", "message")}
        ops[e["op"]].setdefault("attribute_downcasts", []).append(item)
