#!/usr/bin/env python3
"""Train a nearest-centroid classifier on a CSV: standard library only (csv, json, statistics).

Used by the python_train example DAG, and a template for bringing your own training script:
    python3 examples/python/train_centroid.py --input data.csv --output model.json \
        --target species --features a,b,c --test-fraction 0.2 --seed 42

The features are standardised with the training rows' mean and standard deviation; a row is
predicted as the class whose (standardised) centroid is nearest. Progress goes to stderr (Tideflow
shows the last line in its heartbeats); metrics go to $TIDEFLOW_OUTPUT_FILE as a JSON object,
which becomes the task's `result` output that downstream tasks read.
"""
import argparse
import csv
import json
import math
import os
import random
import statistics
import sys


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True, help="model JSON to write")
    ap.add_argument("--target", required=True)
    ap.add_argument("--features", required=True, help="comma-separated numeric columns")
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    features = [f for f in a.features.split(",") if f]

    with open(a.input, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in [a.target, *features] if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"{a.input}: no column(s) {missing}; it has {reader.fieldnames}")
        rows = []
        for i, r in enumerate(reader, start=2):
            try:
                rows.append(([float(r[c]) for c in features], r[a.target]))
            except ValueError as e:
                sys.exit(f"{a.input} line {i}: {e}")
    log(f"loaded {len(rows)} rows, {len(features)} features, target {a.target!r}")

    rng = random.Random(a.seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    n_test = max(1, round(len(rows) * a.test_fraction))
    test = [rows[i] for i in order[:n_test]]
    train = [rows[i] for i in order[n_test:]]
    if len(train) < 2:
        sys.exit("too few rows to train on")

    means = [statistics.fmean(x[j] for x, _ in train) for j in range(len(features))]
    stds = [statistics.pstdev([x[j] for x, _ in train]) or 1.0 for j in range(len(features))]
    scale = lambda x: [(v - m) / s for v, m, s in zip(x, means, stds)]

    centroids = {}
    for label in sorted({y for _, y in train}):
        members = [scale(x) for x, y in train if y == label]
        centroids[label] = [statistics.fmean(col) for col in zip(*members)]
        log(f"class {label}: {len(members)} training rows")

    def predict(x):
        z = scale(x)
        return min(centroids, key=lambda c: math.dist(z, centroids[c]))

    correct = sum(1 for x, y in test if predict(x) == y)
    accuracy = correct / len(test)
    log(f"test accuracy {accuracy:.4f} on {len(test)} rows")

    model = {"format": "tideflow.example.nearest_centroid", "version": 1, "target": a.target, "features": features,
             "means": means, "stds": stds, "centroids": centroids}
    with open(a.output, "w", encoding="utf-8") as f:
        json.dump(model, f, indent=2)

    out = os.environ.get("TIDEFLOW_OUTPUT_FILE")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"accuracy": accuracy, "trainRows": len(train), "testRows": len(test), "classes": sorted(centroids)}, f)


if __name__ == "__main__":
    main()
