#!/usr/bin/env python3
"""Validates Vega-Lite specs against the Vega-Lite v5 JSON schema (altair 5's copy; Scripts/setup installs altair<6 and
jsonschema). For wb's tests: every figure's spec must be one JupyterLab 4 renders.

    vegalite_validate.py SPEC.json …

Prints one JSON object: {"checked": N, "errors": [{"file", "path", "message"}, …]} (at most five errors per file).
"""
import json
import sys

import jsonschema
from altair.vegalite.v5.schema import load_schema

validator = jsonschema.Draft7Validator(load_schema())
errors = []
for name in sys.argv[1:]:
    with open(name) as f:
        spec = json.load(f)
    for e in sorted(validator.iter_errors(spec), key=lambda e: list(e.path))[:5]:
        errors.append({"file": name, "path": "/".join(map(str, e.path)), "message": e.message[:300]})
print(json.dumps({"checked": len(sys.argv) - 1, "errors": errors}))
