"""scikit-learn side of the ml-pipeline benchmark (bench/ml-pipeline.ts): the same flights retrain,
the same phases, on the rows the bench wrote as CSV (this Python has no Parquet reader).

  /usr/bin/python3 bench/ml-pipeline-sklearn.py <flights.csv> <folds> <seed>

ingest      read the CSV (date as epoch ms, delay, distance, origin, destination)
derive      delayed = delay > 15; hour, weekday (Sunday = 0, as JavaScript's getUTCDay), month in UTC
split       train before 2001-04-01, test from it (the bench already kept January-April 2001)
per trial   HistGradientBoosting with categorical_features on ordinal-coded origin/destination
            (unknown -> NaN), and LogisticRegression (lbfgs, C = 1) on standardised numbers +
            sparse one-hot (handle_unknown='ignore'); each scored by k-fold stratified CV of the
            whole pipeline (cross_val_score, roc_auc), then fitted on all train rows
evaluate    test ROC-AUC of each trial

Prints one JSON object: phase seconds, per-trial cv/fit/evaluate seconds and AUCs, peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

path, folds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
phases = {}


def timed(name, f):
    t = time.perf_counter()
    out = f()
    phases[name] = time.perf_counter() - t
    return out


df = timed("ingest", lambda: pd.read_csv(path, dtype={"origin": str, "destination": str}))


def derive():
    when = pd.to_datetime(df["date"], unit="ms", utc=True)
    df["delayed"] = (df["delay"] > 15).astype(int)
    df["hour"] = when.dt.hour
    df["weekday"] = (when.dt.dayofweek + 1) % 7
    df["month"] = when.dt.month
    return df


timed("derive", derive)
cutoff = pd.Timestamp("2001-04-01T00:00:00Z").value // 10**6
train, test = timed("split", lambda: (df[df["date"] < cutoff], df[df["date"] >= cutoff]))
NUM = ["hour", "weekday", "month", "distance"]
CAT = ["origin", "destination"]
FEATURES = NUM + CAT

trials = {
    "gbt (native categorical)": make_pipeline(
        ColumnTransformer(
            [("num", "passthrough", NUM), ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), CAT)]
        ),
        HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, early_stopping=False,
            categorical_features=[4, 5], random_state=seed,
        ),
    ),
    "logistic (one-hot)": make_pipeline(
        ColumnTransformer([("num", StandardScaler(), NUM), ("cat", OneHotEncoder(handle_unknown="ignore"), CAT)]),
        LogisticRegression(C=1.0, max_iter=1000),
    ),
}

results = {}
X, y, Xt, yt = train[FEATURES], train["delayed"].to_numpy(), test[FEATURES], test["delayed"].to_numpy()
for name, pipe in trials.items():
    r = {}
    t = time.perf_counter()
    if folds >= 2:
        cv = cross_val_score(pipe, X, y, cv=StratifiedKFold(folds, shuffle=True, random_state=seed), scoring="roc_auc")
        r["cvAuc"] = float(cv.mean())
    r["cvSeconds"] = time.perf_counter() - t
    # pipe.fit, in its two halves so the estimator's fit can be compared on its own.
    t = time.perf_counter()
    Xtr = pipe[0].fit_transform(X, y)
    r["transformSeconds"] = time.perf_counter() - t
    t2 = time.perf_counter()
    pipe[-1].fit(Xtr, y)
    r["estimatorFitSeconds"] = time.perf_counter() - t2
    r["fitSeconds"] = time.perf_counter() - t
    t = time.perf_counter()
    r["testAuc"] = float(roc_auc_score(yt, pipe.predict_proba(Xt)[:, 1]))
    r["evaluateSeconds"] = time.perf_counter() - t
    results[name] = r

print(json.dumps({
    "sklearn": sklearn.__version__,
    "trainRows": int(len(train)),
    "testRows": int(len(test)),
    "phases": phases,
    "trials": results,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
