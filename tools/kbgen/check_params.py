"""Required parameters of custom checks (check_params.json): every rules.json instance of the check gives each one
with the right JSON type, so the C++ check needs no default of its own."""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_TYPES = {"int": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "bool": lambda v: isinstance(v, bool),
              "string": lambda v: isinstance(v, str)}


class CheckParamsError(Exception):
    pass


def verify(rules_doc, path=os.path.join(HERE, "check_params.json")):
    with open(path, encoding="utf-8") as f:
        required = json.load(f)["checks"]
    for check, params in required.items():
        for kind in params.values():
            if kind not in JSON_TYPES:
                raise CheckParamsError("check_params.json: %s: unknown type %r" % (check, kind))
    for i, rule in enumerate(rules_doc["rules"]):
        if rule.get("rule") != "custom" or rule.get("check") not in required:
            continue
        for key, kind in required[rule["check"]].items():
            if key not in rule or not JSON_TYPES[kind](rule[key]):
                raise CheckParamsError("rules.json #%d (%s %s): custom check %s needs parameter %r of type %s"
                                       % (i, rule["op"], rule.get("code", ""), rule["check"], key, kind))
