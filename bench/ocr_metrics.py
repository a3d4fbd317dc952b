"""Line-level OCR metrics, exactly as ../shared/data/README.md defines them (and as the reference
scorer ../shared/data/tools/eval_ocr.py computes them; bench/ocr.py --check compares the two on the
same predictions). Predictions and ground truth share the ocr.json shape."""

from __future__ import annotations

import os
import re

import cv2
import numpy as np

_WS = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LAT = re.compile(r"[A-Za-z]")


def strip_ws(text: str) -> str:
    return _WS.sub("", text or "")


def line_lang(text: str) -> str:
    cjk, lat = bool(_CJK.search(text)), bool(_LAT.search(text))
    return "mixed" if cjk and lat else "zh" if cjk else "en"


def edit_distance(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def ned(gt: str, pred: str) -> float:
    longest = max(len(gt), len(pred))
    return 1.0 if longest == 0 else 1.0 - edit_distance(gt, pred) / longest


def quad_of(line: dict) -> np.ndarray | None:
    for key in ("quad", "points"):
        if line.get(key) is not None:
            return np.asarray(line[key], np.float32).reshape(-1, 2)
    if line.get("box") is not None:
        x0, y0, x1, y1 = (float(v) for v in line["box"])
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return None


def _hull(q) -> np.ndarray:
    return cv2.convexHull(np.asarray(q, np.float32)).reshape(-1, 2)


def _area(q) -> float:
    return float(abs(cv2.contourArea(_hull(q))))


def _intersection(q1, q2) -> float:
    h1, h2 = _hull(q1), _hull(q2)
    if len(h1) < 3 or len(h2) < 3:
        return 0.0
    value, _ = cv2.intersectConvexConvex(h1, h2)
    return float(max(value, 0.0))


def _centre_inside(pred, gt) -> bool:
    c = np.asarray(pred, np.float32).mean(0)
    return cv2.pointPolygonTest(_hull(gt), (float(c[0]), float(c[1])), False) >= 0


def assign(gt_quads, pred_quads) -> list[int]:
    """For each prediction, the GT line that owns it (contains its centre or covers >= 50 % of it;
    the largest covered fraction wins, then IoU), or -1."""
    owners = []
    gt_areas = [max(_area(g), 1e-6) for g in gt_quads]
    for p in pred_quads:
        if p is None:
            owners.append(-1)
            continue
        pa = _area(p)
        best, best_key = -1, None
        for j, g in enumerate(gt_quads):
            inter = _intersection(p, g) if pa > 0 else 0.0
            frac = inter / pa if pa > 0 else 0.0
            if frac >= 0.5 or _centre_inside(p, g):
                key = (frac, inter / max(pa + gt_areas[j] - inter, 1e-6))
                if best_key is None or key > best_key:
                    best, best_key = j, key
        owners.append(best)
    return owners


def match_image(gt_lines: list[dict], pred_lines: list[dict]) -> list[str | None]:
    """Per GT line, the texts of the predictions it owns joined along the line, or None."""
    gq = [quad_of(l) for l in gt_lines]
    pq = [quad_of(l) for l in pred_lines]
    owners = assign(gq, pq)
    out: list[str | None] = []
    for j, g in enumerate(gq):
        idx = [i for i, o in enumerate(owners) if o == j]
        if not idx:
            out.append(None)
            continue
        d = g[1] - g[0]
        d = d / (np.linalg.norm(d) + 1e-9)
        idx.sort(key=lambda i: float(np.dot(pq[i].mean(0) - g[0], d)))
        out.append(" ".join(str(pred_lines[i].get("text", "")) for i in idx))
    return out


def score(gt: list[dict], preds: list[dict], subset: set[str] | None = None) -> tuple[dict, list[dict]]:
    """Metrics over the GT lines (of the languages in `subset`, default all) and the per-line rows."""
    by_path = {p.get("image", ""): p for p in preds}
    by_base: dict[str, dict] = {}
    for p in preds:
        by_base.setdefault(os.path.basename(p.get("image", "")), p)
    rows, seconds = [], []
    for record in gt:
        if subset is not None and not any(line_lang(l["text"]) in subset for l in record["lines"]):
            continue
        pred = by_path.get(record["image"]) or by_base.get(os.path.basename(record["image"]))
        if pred is not None and pred.get("seconds") is not None:
            seconds.append(float(pred["seconds"]))
        matched = match_image(record["lines"], (pred or {}).get("lines") or [])
        for line, text in zip(record["lines"], matched):
            lang = line_lang(line["text"])
            if subset is None or lang in subset:
                rows.append({"image": record["image"], "lang": lang, "gt": line["text"], "pred": text})
    return aggregate(rows, seconds), rows


def aggregate(rows: list[dict], seconds: list[float]) -> dict:
    n = len(rows)
    exact = ned_sum = 0.0
    lcs_sum = gt_chars = detected = 0
    for row in rows:
        g = strip_ws(row["gt"])
        gt_chars += len(g)
        if row["pred"] is None:
            continue
        p = strip_ws(row["pred"])
        detected += 1
        exact += g == p
        ned_sum += ned(g, p)
        lcs_sum += lcs(g, p)
    ordered = sorted(seconds)
    median = (ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1:][:2]) / 2) \
        if ordered else None
    return {
        "n_lines": n,
        "sentence_accuracy": exact / n if n else 0.0,
        "ned": ned_sum / n if n else 0.0,
        "char_recall": lcs_sum / max(gt_chars, 1),
        "det_recall": detected / n if n else 0.0,
        "seconds_median": median,
        "seconds_mean": sum(seconds) / len(seconds) if seconds else None,
    }
