"""Plain data returned by every OCR engine: lines with their four-point boxes, and the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]


def quad_from(points) -> Quad:
    """Four (x, y) points, clockwise from the line's top-left corner, as floats rounded to 0.1 px."""
    pts = [(round(float(p[0]), 1), round(float(p[1]), 1)) for p in points]
    if len(pts) != 4:
        raise ValueError(f"a quad has 4 points, got {len(pts)}")
    return tuple(pts)  # type: ignore[return-value]


@dataclass(frozen=True)
class OcrLine:
    text: str
    score: float
    quad: Quad

    @property
    def box(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def height(self) -> float:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.quad
        left = ((x3 - x0) ** 2 + (y3 - y0) ** 2) ** 0.5
        right = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        return max((left + right) / 2, 1.0)

    @property
    def centre(self) -> Point:
        return sum(p[0] for p in self.quad) / 4, sum(p[1] for p in self.quad) / 4

    def to_dict(self) -> dict:
        return {"text": self.text, "score": round(float(self.score), 4), "quad": [list(p) for p in self.quad]}

    @classmethod
    def from_dict(cls, data: dict) -> OcrLine:
        return cls(text=str(data["text"]), score=float(data.get("score", 1.0)), quad=quad_from(data["quad"]))


@dataclass
class OcrResult:
    """Lines in reading order; `paragraphs` groups their indices when merging was asked for."""

    lines: list[OcrLine]
    engine: str
    model: str
    width: int
    height: int
    languages: tuple[str, ...] = ()
    paragraphs: list[list[int]] = field(default_factory=list)
    seconds: float = 0.0
    upscaled: float = 1.0

    @property
    def text(self) -> str:
        """The text in reading order: one line per line, a blank line between paragraphs."""
        if not self.paragraphs:
            return "\n".join(line.text for line in self.lines)
        return "\n\n".join(join_paragraph([self.lines[i].text for i in group]) for group in self.paragraphs)

    def to_dict(self) -> dict:
        return {
            "engine": self.engine, "model": self.model, "width": self.width, "height": self.height,
            "languages": list(self.languages), "text": self.text, "lines": [line.to_dict() for line in self.lines],
            "paragraphs": self.paragraphs, "seconds": round(self.seconds, 4), "upscaled": self.upscaled,
        }


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef"


def join_paragraph(texts: list[str]) -> str:
    """Joins the lines of one paragraph: no space between Chinese lines, one space between Latin ones,
    and a hyphen at a line end that splits a word is kept as written."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(text[0])):
            out += " "
        out += text
    return out
