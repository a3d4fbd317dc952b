"""Plain data shared by the text engine: boxes to fill, errors with stable codes, read-back rows."""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

ALIGNS = ("left", "center", "right")


class TextError(ValueError):
    """An expected failure a user can act on. `code` is stable (the Django side translates by it);
    `message` is English; `extra` holds details such as the box index.

    Codes: empty_text, box_outside, bad_box, too_long (cannot be legible at the minimum size),
    bad_color, bad_option, font_missing, empty_mask, unsupported_chars (a character the font cannot draw,
    e.g. an emoji; `extra["chars"]` lists them)."""

    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def __str__(self) -> str:
        return self.message


def quad_from(points) -> Quad:
    pts = [(float(p[0]), float(p[1])) for p in points]
    if len(pts) != 4:
        raise TextError("bad_box", f"a box needs 4 corner points, got {len(pts)}")
    return tuple(pts)  # type: ignore[return-value]


def quad_from_rect(x0: float, y0: float, x1: float, y1: float) -> Quad:
    """An axis-aligned box [x0, x1) x [y0, y1) as a quad, clockwise from top-left."""
    return ((float(x0), float(y0)), (float(x1), float(y0)), (float(x1), float(y1)), (float(x0), float(y1)))


@dataclass
class TextBox:
    """One box to write into.

    quad: four (x, y) image points clockwise from the text's own top-left corner (top-left, top-right,
        bottom-right, bottom-left). A non-rectangular quad gives a perspective warp.
    text: what to write; "\\n" forces a line break.
    font: a name from ml.text.fonts.FONTS ("sans", "serif", "sans-bold", "serif-bold", "latin-sans",
        "latin-serif", "latin-mono", ...). CJK faces also cover Latin.
    color: "#rrggbb", or None for automatic contrast with the background under the box.
    align: "left" | "center" | "right" (across the line; vertical text is always top-aligned columns
        laid right to left, and `align` places the block of columns).
    vertical: write top to bottom in columns, right to left (Chinese).
    outline: a thin stroke around glyphs, in `outline_color` ("#rrggbb"; None = black or white,
        whichever contrasts with the text colour); shadow: a soft offset drop shadow.
    max_size: largest font size in pixels (None: as large as the box allows).
    """

    quad: Quad
    text: str
    font: str = "sans"
    color: str | None = None
    align: str = "center"
    vertical: bool = False
    outline: bool = False
    shadow: bool = False
    max_size: int | None = None
    outline_color: str | None = None

    def __post_init__(self) -> None:
        self.quad = quad_from(self.quad)

    @classmethod
    def from_rect(cls, rect, text: str, **kwargs) -> TextBox:
        """rect = (x0, y0, x1, y1)."""
        return cls(quad=quad_from_rect(*rect), text=text, **kwargs)

    @classmethod
    def from_dict(cls, data: dict) -> TextBox:
        """{"quad": [[x, y] x4]} or {"box": [x0, y0, x1, y1]}, plus the other fields by name."""
        data = dict(data)
        if "box" in data and "quad" not in data:
            data["quad"] = quad_from_rect(*data.pop("box"))
        names = {"quad", "text", "font", "color", "align", "vertical", "outline", "shadow", "max_size", "outline_color"}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict:
        return {"quad": [list(p) for p in self.quad], "text": self.text, "font": self.font, "color": self.color,
                "align": self.align, "vertical": self.vertical, "outline": self.outline, "shadow": self.shadow,
                "max_size": self.max_size, "outline_color": self.outline_color}


@dataclass
class Placement:
    """How one box was filled: the chosen size, the lines as drawn, the colour used, and whether an
    outline was drawn (asked for, or added by automatic contrast on a busy background)."""

    box: TextBox
    size: int
    lines: list[str]
    color: str
    font_file: str = ""
    outline: bool = False


@dataclass
class TextStyle:
    """The look of an existing line, estimated from its pixels (ml.text.edit.estimate_style)."""

    color: str              # "#rrggbb" of the glyphs
    background: str         # "#rrggbb" around them
    size: int               # font size in pixels that gives the line's glyph height
    bold: bool
    angle: float            # degrees, counter-clockwise positive as drawn (image y down: the quad's slope)
    outline: str | None = None   # "#rrggbb" of an outline stroke when one is seen
    italic: bool = False    # the glyphs lean (italic or oblique)
    weight: float = 0.0     # stroke width / ink height of the line, as measured
    slant: float = 0.0      # horizontal lean of the strokes per pixel of height (tan of the angle)
    font: str | None = None  # the face (a name in ml.text.fonts.FONTS) closest to the line's weight and slant


@dataclass
class ReadBack:
    """One box's read-back: what should be there, what OCR read inside it, and whether they agree
    (equal after removing whitespace; case- and punctuation-sensitive)."""

    expected: str
    read: str
    ok: bool
    quad: Quad | None = None
    score: float = 0.0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"expected": self.expected, "read": self.read, "ok": self.ok,
                "quad": [list(p) for p in self.quad] if self.quad else None, "score": round(self.score, 4)}
