"""Reading placed text back with OCR, box by box.

Each box is rectified (a quad is warped back to an upright W x H rectangle, with a margin of
surrounding image so the detector sees the text's edges), read with the OCR engine, and the lines
found are joined in reading order. Vertical text (TextBox.vertical) is read column by column: each
column is cut into character cells, which are laid side by side into one horizontal line, since
PP-OCR's recogniser reads horizontal lines only."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from ml.ocr.types import join_paragraph
from ml.text.geometry import mostly_inside
from ml.text.types import ReadBack, TextBox, quad_from


def squash(text: str) -> str:
    return "".join(text.split())


TEXTURE_SCORE = 0.9  # below this confidence, a line that reads like a repeating pattern is not text


def looks_like_texture(text: str, score: float) -> bool:
    """Whether an OCR line is probably a pattern read as letters (a knitted scarf read as "ARRRRRRI",
    a fence as "IIIII") rather than text: read with little confidence, and the same character three
    times running or at most half of its characters distinct. Real lines the detector finds on the
    dev sets score 0.76 and more but never read like that; text read with high confidence is kept
    whatever it says ("2000", "WWW")."""
    chars = [ch for ch in text if not ch.isspace()]
    if score >= TEXTURE_SCORE or len(chars) < 3:
        return False
    longest = run = 1
    for before, ch in zip(chars, chars[1:]):
        run = run + 1 if ch == before else 1
        longest = max(longest, run)
    return longest >= 3 or (len(chars) >= 5 and len(set(chars)) <= len(chars) / 2)


def mark_leftovers(rows: list[dict], lines_left) -> None:
    """A removed area is not clean when OCR of the whole result still finds a line mostly inside it
    (a piece of a word the mask missed can be too small to read within the box alone). `rows`: dicts
    with "quad", "ok" and "read", updated in place; `lines_left`: OCR lines (with .quad and .text)."""
    for row in rows:
        for line in lines_left:
            if mostly_inside(line.quad, row["quad"]):
                row["ok"] = False
                row["read"] = " ".join(t for t in (row["read"], line.text) if t)


def rectify(image: np.ndarray, quad, *, pad: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """The quad's content as an upright rectangle (W x H = mean edge lengths, times `scale`), with
    `pad` x H pixels of surroundings on each side."""
    import cv2

    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    width = (math.hypot(x1 - x0, y1 - y0) + math.hypot(x2 - x3, y2 - y3)) / 2
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    w, h = max(1, int(round(width * scale))), max(1, int(round(height * scale)))
    p = int(round(pad * min(w, h)))
    src = np.float32(quad)
    dst = np.float32([[p, p], [p + w, p], [p + w, p + h], [p, p + h]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(image, matrix, (w + 2 * p, h + 2 * p), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def _default_reader():
    from ml import registry
    from ml.ocr.ppocr_engine import TEXT_TOOLS_DET

    return registry.get("ocr", "ppocr", **TEXT_TOOLS_DET)


def _read_lines(reader, array: np.ndarray):
    result = reader.read(array)
    return result.lines


def _ink(crop: np.ndarray) -> np.ndarray:
    """Text pixels of a crop whose border is background: the Otsu class of grey levels that is
    rarer on the border than inside."""
    gray = crop.astype(np.float32).mean(axis=2)
    hist = np.bincount(gray.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    best, threshold = -1.0, 128
    total, sum_all = hist.sum(), (hist * levels).sum()
    w0 = s0 = 0.0
    for t in range(255):
        w0 += hist[t]
        s0 += hist[t] * t
        if w0 == 0 or w0 == total:
            continue
        m0, m1 = s0 / w0, (sum_all - s0) / (total - w0)
        between = w0 * (total - w0) * (m0 - m1) ** 2
        if between > best:
            best, threshold = between, t
    dark = gray <= threshold
    border = np.concatenate([dark[0], dark[-1], dark[:, 0], dark[:, -1]])
    return ~dark if border.mean() > dark.mean() else dark


def _vertical_line(crop: np.ndarray, columns=None) -> np.ndarray | None:
    """Cuts a crop holding vertical columns into character cells and lays them out as one
    horizontal line (right-most column first). `columns`: (x0, y0, x1, y1) boxes of the columns
    (from the detector); without them, ink projections find them."""
    h, w = crop.shape[:2]
    ink = _ink(crop)
    if columns is None:
        spans = _spans(ink.mean(axis=0) > 0.02, min_gap=max(2, w // 60))
        columns = [(x0, 0, x1, h) for x0, x1 in spans]
    cells = []
    for cx0, cy0, cx1, cy1 in sorted(columns, key=lambda c: -c[0]):
        sub = ink[cy0:cy1, cx0:cx1]
        if sub.size == 0:
            continue
        xs = np.flatnonzero(sub.mean(axis=0) > 0.02)
        ys = np.flatnonzero(sub.mean(axis=1) > 0.02)
        if xs.size == 0 or ys.size == 0:
            continue
        x0, x1 = cx0 + int(xs[0]), cx0 + int(xs[-1]) + 1
        start, end = cy0 + int(ys[0]), cy0 + int(ys[-1]) + 1
        cw = x1 - x0
        if cw < 4:
            continue
        # characters sit on a regular pitch of about one column width (see render.CHAR_ADVANCE)
        count = max(1, int(round((end - start) / (cw * 1.04))))
        pitch = (end - start) / count
        for k in range(count):
            y0, y1 = int(round(start + k * pitch)), int(round(start + (k + 1) * pitch))
            cells.append(crop[max(0, y0 - 2):min(h, y1 + 2), max(0, x0 - 2):min(w, x1 + 2)])
    if not cells:
        return None
    size = max(max(c.shape[0] for c in cells), max(c.shape[1] for c in cells))
    fill = np.median(np.concatenate([crop[0], crop[-1]]), axis=0)
    pad = size // 3
    out = np.empty((size + 2 * pad, len(cells) * (size + pad) + pad, 3), np.uint8)
    out[:] = fill.astype(np.uint8)
    x = pad
    for c in cells:
        ch, cw = c.shape[:2]
        oy = pad + (size - ch) // 2
        out[oy:oy + ch, x + (size - cw) // 2:x + (size - cw) // 2 + cw] = c
        x += size + pad
    return out


def _spans(flags: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    start = None
    for i, on in enumerate(flags):
        if on and start is None:
            start = i
        elif not on and start is not None:
            spans.append([start, i])
            start = None
    if start is not None:
        spans.append([start, len(flags)])
    merged: list[list[int]] = []
    for s in spans:
        if merged and s[0] - merged[-1][1] < min_gap:
            merged[-1][1] = s[1]
        else:
            merged.append(s)
    return [(a, b) for a, b in merged]


def read_box(image, quad, *, vertical: bool = False, reader=None) -> tuple[str, float]:
    """(text read inside the quad, mean confidence)."""
    reader = reader or _default_reader()
    array = np.asarray(image.convert("RGB")) if isinstance(image, Image.Image) else np.asarray(image)
    quad = quad_from(quad)
    if vertical:
        crop = rectify(array, quad, pad=0.1)
        found = reader.read(crop, min_score=0.0, merge_fragments=False).lines
        columns = []
        for ln in found:
            x0, y0, x1, y1 = (int(round(v)) for v in ln.box)
            if y1 - y0 >= (x1 - x0) * 0.8:
                columns.append((max(0, x0), max(0, y0), x1, y1))
        # PP-OCR often reads a whole column as it is; otherwise the columns are cut into
        # characters laid side by side. The reading with the higher confidence wins.
        direct = sorted((ln for ln in found if ln.score >= 0.5), key=lambda ln: -ln.centre[0])
        best = ("".join(ln.text for ln in direct), float(np.mean([ln.score for ln in direct])) if direct else 0.0)
        line = _vertical_line(crop, columns or None)
        if line is not None:
            cells = _read_lines(reader, line)
            if cells:
                score = float(np.mean([ln.score for ln in cells]))
                if score > best[1]:
                    best = (join_paragraph([ln.text for ln in cells]), score)
        return best
    else:
        crop = rectify(array, quad, pad=0.15)
        lines = _read_lines(reader, crop)
    if not lines:
        return "", 0.0
    text = join_paragraph([ln.text for ln in lines])
    return text, float(np.mean([ln.score for ln in lines]))


def read_back(image, boxes, reader=None) -> list[ReadBack]:
    """boxes: TextBox objects, or (quad, expected_text) pairs. ok = the text read equals the
    expected text with all whitespace removed (case- and punctuation-sensitive)."""
    reader = reader or _default_reader()
    array = np.asarray(image.convert("RGB")) if isinstance(image, Image.Image) else np.asarray(image)
    out = []
    for box in boxes:
        if isinstance(box, TextBox):
            quad, expected, vertical = box.quad, box.text, box.vertical
        else:
            quad, expected = box[0], box[1]
            vertical = bool(box[2]) if len(box) > 2 else False
        read, score = read_box(array, quad, vertical=vertical, reader=reader)
        out.append(ReadBack(expected=expected, read=read, ok=squash(read) == squash(expected),
                            quad=quad_from(quad), score=score))
    return out
