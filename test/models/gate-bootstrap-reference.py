"""Independent check of gate statistics: reads labels, two prediction vectors and the
bootstrap resample indices Strata drew; computes each metric per resample with
scikit-learn and the percentile interval with numpy (linear interpolation), and prints
them as JSON. Strata's numbers must agree."""
import json
import sys

import numpy as np
from sklearn.metrics import accuracy_score, log_loss, mean_absolute_error, mean_squared_error, roc_auc_score

doc = json.load(sys.stdin)
y = np.array(doc["labels"])
cand = np.array(doc["candidate"])
champ = np.array(doc["champion"])
conf = doc["confidence"]
resamples = [np.array(r) for r in doc["indices"]]


def metric(name, labels, pred):
    if name == "auc":
        return roc_auc_score(labels, pred)
    if name == "accuracy":
        return accuracy_score(labels, (pred >= 0.5).astype(int))
    if name == "rmse":
        return float(np.sqrt(mean_squared_error(labels, pred)))
    if name == "mae":
        return mean_absolute_error(labels, pred)
    if name == "logloss":
        return log_loss(labels, np.clip(pred, 1e-15, 1 - 1e-15), labels=[0, 1])
    raise ValueError(name)


higher = {"auc": True, "accuracy": True, "rmse": False, "mae": False, "logloss": False}
out = []
for rule in doc["rules"]:
    m, kind = rule["metric"], rule["kind"]

    def stat(idx):
        c = metric(m, y[idx], cand[idx])
        if kind == "absolute":
            return c
        h = metric(m, y[idx], champ[idx])
        gain = c - h if higher[m] else h - c
        return gain if kind == "absoluteImprovement" else gain / abs(h)

    samples = np.array([stat(idx) for idx in resamples])
    tail = (1 - conf) / 2
    out.append(
        {
            "estimate": stat(np.arange(len(y))),
            "lower": float(np.percentile(samples, 100 * tail)),
            "upper": float(np.percentile(samples, 100 * (1 - tail))),
        }
    )
print(json.dumps(out))
