"""The independent reference for Strata's model formats: Debian's python3-xgboost.

  xgboost-reference.py score OUT_DIR SEED
      For each objective (reg:squarederror, binary:logistic, multi:softprob) trains an
      XGBoost model on seeded synthetic rows with missing values, saves it with
      save_model('<objective>.json') and writes <objective>.rows.json: the rows (null for
      missing; float32 values, plus rows whose values sit exactly on split thresholds) and
      XGBoost's predictions for them.

  xgboost-reference.py train SPEC_FILE
      Reads {"params", "rounds", "threads", "features", "train": {"x", "y"}, "test": {"x"},
      "out"}: x files are row-major float32 (NaN for missing), y float32 labels. Trains
      XGBoost (hist), writes the test predictions as float32 to "out" and prints
      {"train_seconds"} (training only, not loading).

Only numpy and xgboost; nothing here is shared with the TypeScript under test.
"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb


def synthetic(rng, rows, features):
    x = rng.normal(size=(rows, features)).astype(np.float32)
    x[:, 3] = np.round(x[:, 3] * 2) / 2  # a feature with few distinct values
    signal = x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + (x[:, 3] > 0.4) - 0.5 * x[:, 4]
    x[rng.random(size=x.shape) < 0.1] = np.nan
    return x, signal + 0.3 * rng.normal(size=rows)


def threshold_rows(model_path, features, rng, count):
    """Rows whose every value is one of the model's split thresholds for that feature."""
    with open(model_path) as f:
        trees = json.load(f)["learner"]["gradient_booster"]["model"]["trees"]
    by_feature = [[] for _ in range(features)]
    for tree in trees:
        for left, index, cond in zip(tree["left_children"], tree["split_indices"], tree["split_conditions"]):
            if left != -1:
                by_feature[index].append(cond)
    rows = np.zeros((count, features), dtype=np.float32)
    for f, values in enumerate(by_feature):
        if values:
            rows[:, f] = rng.choice(np.array(values, dtype=np.float32), size=count)
    return rows


def to_json_rows(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def score(out_dir, seed):
    rng = np.random.default_rng(seed)
    features = 8
    x, signal = synthetic(rng, 4000, features)
    cases = {
        "reg:squarederror": (signal, {}),
        "binary:logistic": ((signal > 0.3).astype(np.float32), {}),
        "multi:softprob": (np.digitize(signal, [-0.5, 0.5, 1.2]).astype(np.float32), {"num_class": 4}),
    }
    for objective, (labels, extra) in cases.items():
        params = {"objective": objective, "tree_method": "hist", "max_depth": 5, "eta": 0.3, "seed": seed, **extra}
        booster = xgb.train(params, xgb.DMatrix(x, label=labels, missing=np.nan), num_boost_round=30)
        path = os.path.join(out_dir, f"{objective}.json")
        booster.save_model(path)
        rows = np.vstack([x[:1000], threshold_rows(path, features, rng, 500)])
        predictions = booster.predict(xgb.DMatrix(rows, missing=np.nan))
        with open(os.path.join(out_dir, f"{objective}.rows.json"), "w") as f:
            json.dump({"rows": to_json_rows(rows), "predictions": predictions.tolist()}, f)


def train(spec_file):
    with open(spec_file) as f:
        spec = json.load(f)
    features = spec["features"]
    x_train = np.fromfile(spec["train"]["x"], dtype=np.float32).reshape(-1, features)
    y_train = np.fromfile(spec["train"]["y"], dtype=np.float32)
    x_test = np.fromfile(spec["test"]["x"], dtype=np.float32).reshape(-1, features)
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, nthread=spec["threads"])
    dtest = xgb.DMatrix(x_test, missing=np.nan, nthread=spec["threads"])
    params = {"tree_method": "hist", "nthread": spec["threads"], **spec["params"]}
    started = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=spec["rounds"])
    seconds = time.perf_counter() - started
    booster.predict(dtest).astype(np.float32).tofile(spec["out"])
    print(json.dumps({"train_seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1] == "score":
        score(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "train":
        train(sys.argv[2])
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
