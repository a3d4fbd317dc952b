"""Reading order, line grouping and paragraphs, from the boxes alone (engine-independent).

Order: a recursive cut. A wide vertical gap with text columns on both sides splits the page into
columns, read left to right; a horizontal gap splits it into bands, read top to bottom. What cannot be
cut is read row by row: top to bottom, then left to right within a row."""

from __future__ import annotations

from statistics import median

from ml.ocr.types import OcrLine, _is_cjk, quad_from


def _median_height(lines: list[OcrLine]) -> float:
    return median(line.height for line in lines) if lines else 1.0


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[float]:
    """Cut positions (gap middles) between merged intervals, for gaps at least `min_gap` wide."""
    cuts = []
    spans = sorted(intervals)
    end = spans[0][1]
    for start, stop in spans[1:]:
        if start - end >= min_gap:
            cuts.append((start + end) / 2)
        end = max(end, stop)
    return cuts


def _split(lines: list[OcrLine], cuts: list[float], axis: int) -> list[list[OcrLine]]:
    groups: list[list[OcrLine]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        pos = line.centre[axis]
        groups[sum(1 for c in cuts if pos > c)].append(line)
    return [g for g in groups if g]


def _columns(lines: list[OcrLine]) -> list[list[OcrLine]] | None:
    """Splits into text columns when a vertical gap separates blocks of at least two lines each whose
    lines are wider than the gap (prose columns, not a label and its price far to the right)."""
    h = _median_height(lines)
    boxes = [line.box for line in lines]
    cuts = _gaps([(b[0], b[2]) for b in boxes], min_gap=0.8 * h)
    if not cuts:
        return None
    groups = _split(lines, cuts, 0)
    if len(groups) < 2 or any(len(g) < 2 for g in groups):
        return None
    gap = min(
        min(l.box[0] for l in right) - max(l.box[2] for l in left) for left, right in zip(groups, groups[1:])
    )
    if any(median(l.box[2] - l.box[0] for l in g) < gap for g in groups):
        return None
    # Columns share the page height: they overlap vertically.
    tops = [min(l.box[1] for l in g) for g in groups]
    bottoms = [max(l.box[3] for l in g) for g in groups]
    if min(bottoms) - max(tops) < 1.5 * h:
        return None
    return groups


def _rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    """Groups lines whose vertical centres are close into rows, each sorted left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda l: l.centre[1]):
        if rows:
            row = rows[-1]
            cy = sum(l.centre[1] for l in row) / len(row)
            if abs(line.centre[1] - cy) <= 0.5 * min(line.height, _median_height(row)):
                row.append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda l: l.centre[0]) for row in rows]


def _order(lines: list[OcrLine], depth: int = 0) -> list[OcrLine]:
    if len(lines) <= 1 or depth > 8:
        return sorted(lines, key=lambda l: (l.centre[1], l.centre[0])) if depth > 8 else list(lines)
    columns = _columns(lines)
    if columns:
        return [l for col in columns for l in _order(col, depth + 1)]
    h = _median_height(lines)
    cuts = _gaps([(l.box[1], l.box[3]) for l in lines], min_gap=0.3 * h)
    if cuts:
        bands = _split(lines, cuts, 1)
        if len(bands) > 1:
            return [l for band in bands for l in _order(band, depth + 1)]
    return [l for row in _rows(lines) for l in row]


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    return _order(list(lines))


def _joiner(left: str, right: str) -> str:
    if not left or not right:
        return ""
    return "" if _is_cjk(left[-1]) and _is_cjk(right[0]) else " "


def merge_fragments(lines: list[OcrLine], max_gap: float = 0.6) -> list[OcrLine]:
    """Joins pieces of one visual line that an engine returned separately (words read apart): same
    row, similar height, horizontal gap under `max_gap` line heights. Latin words keep one space."""
    out: list[OcrLine] = []
    for row in _rows(lines):
        current = row[0]
        for nxt in row[1:]:
            h = min(current.height, nxt.height)
            gap = nxt.box[0] - current.box[2]
            similar = max(current.height, nxt.height) / h < 1.5
            if similar and -0.3 * h <= gap <= max_gap * h:
                current = _join(current, nxt)
            else:
                out.append(current)
                current = nxt
        out.append(current)
    return out


def _join(a: OcrLine, b: OcrLine) -> OcrLine:
    text = a.text.rstrip() + _joiner(a.text.rstrip(), b.text.lstrip()) + b.text.lstrip()
    n_a, n_b = max(len(a.text), 1), max(len(b.text), 1)
    score = (a.score * n_a + b.score * n_b) / (n_a + n_b)
    quad = quad_from([a.quad[0], b.quad[1], b.quad[2], a.quad[3]])
    return OcrLine(text=text, score=score, quad=quad)


def paragraphs(lines: list[OcrLine]) -> list[list[int]]:
    """Groups consecutive lines (already in reading order) into paragraphs: similar height, the next
    line starts under the previous one, and the gap between them is under 0.8 line heights."""
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        if groups:
            prev = lines[groups[-1][-1]]
            h = min(prev.height, line.height)
            similar = max(prev.height, line.height) / h < 1.3
            gap = line.box[1] - prev.box[3]
            overlap = min(prev.box[2], line.box[2]) - max(prev.box[0], line.box[0])
            if similar and -0.3 * h <= gap <= 0.8 * h and overlap > 0:
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups
