"""Required parameters of custom checks (check_params.json): every rules.json instance of the check gives each one
with the right JSON type, so the C++ check needs no default of its own. A check that reads one of several parameter
sets (Cast's `attr` or CastLike's `input`) lists the sets: an instance gives all of one of them."""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_TYPES = {"int": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "bool": lambda v: isinstance(v, bool),
              "string": lambda v: isinstance(v, str)}


class CheckParamsError(Exception):
    pass


def _alternatives(check, params):
    """The parameter sets of a check: a list of name -> type maps (one map: one set)."""
    sets = params if isinstance(params, list) else [params]
    if not sets:
        raise CheckParamsError("check_params.json: %s: no parameter set" % check)
    for one in sets:
        for kind in one.values():
            if kind not in JSON_TYPES:
                raise CheckParamsError("check_params.json: %s: unknown type %r" % (check, kind))
    return sets


def _gives(rule, params):
    return all(key in rule and JSON_TYPES[kind](rule[key]) for key, kind in params.items())


def _missing(rule, params):
    """What the instance lacks of one parameter set, for the error message."""
    return " and ".join("parameter %r of type %s" % (key, kind) for key, kind in params.items()
                        if key not in rule or not JSON_TYPES[kind](rule[key]))


def verify(rules_doc, path=os.path.join(HERE, "check_params.json")):
    with open(path, encoding="utf-8") as f:
        required = {check: _alternatives(check, params) for check, params in json.load(f)["checks"].items()}
    for i, rule in enumerate(rules_doc["rules"]):
        if rule.get("rule") != "custom" or rule.get("check") not in required:
            continue
        sets = required[rule["check"]]
        if not any(_gives(rule, params) for params in sets):
            raise CheckParamsError("rules.json #%d (%s %s): custom check %s needs %s"
                                   % (i, rule["op"], rule.get("code", ""), rule["check"],
                                      ", or ".join(_missing(rule, params) for params in sets)))
