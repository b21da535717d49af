#!/usr/bin/env python3
"""Write a short Markdown report about a nearest-centroid model (the python_train DAG's last step).

    python3 examples/python/report.py --model model.json --accuracy 0.97 --run <run id> --output report.md

Shows a downstream command reading an upstream output (the model file, staged by Tideflow) and an
upstream result value (the accuracy, passed through `vars`).
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--accuracy", type=float, required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--output", required=True)
    a = ap.parse_args()
    with open(a.model, encoding="utf-8") as f:
        model = json.load(f)
    classes = sorted(model["centroids"])
    lines = [
        f"# Nearest-centroid model for `{model['target']}`",
        "",
        f"- run: `{a.run}`",
        f"- test accuracy: {a.accuracy:.4f}",
        f"- features: {', '.join(model['features'])}",
        f"- classes: {', '.join(classes)}",
        "",
        "| class | " + " | ".join(model["features"]) + " |",
        "|---|" + "---|" * len(model["features"]),
    ]
    for c in classes:
        raw = [m + s * z for m, s, z in zip(model["means"], model["stds"], model["centroids"][c])]
        lines.append(f"| {c} | " + " | ".join(f"{v:.2f}" for v in raw) + " |")
    with open(a.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"report for {len(classes)} classes written", file=sys.stderr)
    out = os.environ.get("TIDEFLOW_OUTPUT_FILE")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"classes": len(classes), "accuracy": a.accuracy}, f)


if __name__ == "__main__":
    main()
