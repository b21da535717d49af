#!/usr/bin/env python3
"""Turn the Palmer penguins JSON (as shipped in the vega-datasets npm package) into a clean CSV.

Used by the python_train example DAG:
    python3 examples/python/prepare_penguins.py --source <penguins.json> --output <data.csv>

Column names are normalised to snake_case ("Beak Length (mm)" -> "beak_length_mm") and rows with
a missing value are dropped. Standard library only. A summary goes to $TIDEFLOW_OUTPUT_FILE when
run by Tideflow.
"""
import argparse
import csv
import json
import os
import re
import sys


def snake(name):
    name = re.sub(r"\(([^)]*)\)", r"\1", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--source", required=True, help="penguins JSON file (a list of objects)")
    ap.add_argument("--output", required=True, help="CSV file to write")
    a = ap.parse_args()

    with open(a.source, encoding="utf-8") as f:
        rows = json.load(f)
    if not isinstance(rows, list) or not rows:
        sys.exit(f"{a.source}: expected a non-empty JSON list of objects")
    columns = [snake(c) for c in rows[0].keys()]
    print(f"read {len(rows)} rows with columns {columns}", file=sys.stderr)

    kept = 0
    with open(a.output, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            values = list(r.values())
            if any(v is None or v == "" or v == "." for v in values):
                continue
            w.writerow(values)
            kept += 1
    print(f"wrote {kept} complete rows ({len(rows) - kept} dropped) to {a.output}", file=sys.stderr)

    out = os.environ.get("TIDEFLOW_OUTPUT_FILE")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"rows": kept, "dropped": len(rows) - kept, "columns": columns}, f)


if __name__ == "__main__":
    main()
