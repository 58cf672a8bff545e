#!/usr/bin/env python3
"""Validates Vega-Lite specs against the Vega-Lite v5 JSON schema that altair 5 ships, with jsonschema's Draft7Validator.

    vegalite_validate.py SPEC.json [SPEC.json …]     each file one spec, or a JSON array of specs
    vegalite_validate.py < SPECS.json                 stdin: one spec, or a JSON array of specs

Prints one JSON object, {"checked": N, "errors": [{"file": …, "path": …, "message": …}]}: "file" names the file (with
"[i]" for the i-th spec of an array; "stdin" for standard input), "path" is a JSON pointer into the spec ("" for the
spec itself). A file that is not JSON is an error of that file with path null. Exits 0 whatever it found (the caller
decides); only a crash, such as altair or jsonschema missing (Scripts/setup installs them), exits otherwise.
"""
import json, sys

from altair.vegalite.v5.schema import load_schema
from jsonschema import Draft7Validator


def pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def deepest(error):
    """For an anyOf / oneOf failure ("… is not valid under any of the given schemas", which names no culprit): the failure
    deepest into the spec among all alternatives, which is the one that got furthest (a misspelt mark: the error at
    /mark, not the top-level alternatives that would not even allow a mark)."""
    score = lambda e: (len(e.absolute_path), not e.context)  # at equal depth a leaf ("not one of […]") says more
    best = error
    stack = list(error.context)
    while stack:
        candidate = stack.pop(0)
        if score(candidate) > score(best):
            best = candidate
        stack.extend(candidate.context)
    return best


def check(validator, spec, name, errors):
    for error in sorted(validator.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path))):
        culprit = deepest(error)
        message = culprit.message
        if len(message) > 2000:
            message = message[:2000] + "…"
        errors.append({"file": name, "path": pointer(culprit.absolute_path), "message": message})


def main():
    validator = Draft7Validator(load_schema())
    sources = [(path, None) for path in sys.argv[1:]] or [("stdin", sys.stdin)]
    checked, errors = 0, []
    for name, stream in sources:
        try:
            if stream is None:
                with open(name, encoding="utf-8") as f:
                    document = json.load(f)
            else:
                document = json.load(stream)
        except (OSError, ValueError) as error:
            errors.append({"file": name, "path": None, "message": f"not readable as JSON: {error}"})
            continue
        if isinstance(document, list):
            for index, spec in enumerate(document):
                checked += 1
                check(validator, spec, f"{name}[{index}]", errors)
        else:
            checked += 1
            check(validator, document, name, errors)
    print(json.dumps({"checked": checked, "errors": errors}))


if __name__ == "__main__":
    main()
