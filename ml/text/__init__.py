"""Text in images, framework-free: place exact text in boxes, detect and remove text, replace a
line in a matching style, and check the result by reading it back with OCR. Pure functions on PIL
images and the dataclasses in ml.text.types; no Django, no settings (font folders are passed in or
found in standard locations), no network, CPU only.

Public interface (import from `ml.text`):

- `TextBox(quad, text, font="sans", color=None, align="center", vertical=False, outline=False,
  shadow=False, max_size=None)`: one box to fill. `quad` = 4 (x, y) points clockwise from the text's
  top-left; `TextBox.from_rect((x0, y0, x1, y1), text, ...)` for an axis-aligned box.
- `place_text(image, boxes, *, min_size=MIN_SIZE, font_dirs=None) -> PIL.Image` (RGB): each box gets
  the largest font size at which its text fits, wrapped on word (Latin) or character (CJK)
  boundaries, aligned, vertical columns for `vertical=True`, perspective-warped into a
  non-rectangular quad. `place_text_detailed` also returns a `Placement` per box (size, lines, colour).
- `text_mask(image, quads, *, dilate=2) -> PIL.Image` ("L", 255 = text): the glyph pixels inside
  each quad (not the whole box) with their outline and drop shadow, dilated a little.
- `remove_text(image, mask, *, method="default") -> PIL.Image`: fills the masked pixels from their
  surroundings. Methods: "default" (ours: lines continued, membrane fill, shifted or synthesised
  texture; see ml/text/fill/), "lama" (with its weights), "telea" and "ns" (OpenCV, the baselines).
  The mask is ml/text/mask.py's.
- `remove_lines(image, quads, *, method="default") -> PIL.Image`: text_mask + remove_text.
- `mostly_inside(inner, outer) -> bool` (quads: more than half of `inner`'s bounding box in
  `outer`'s) and `mark_leftovers(rows, lines_left)`: a removed area whose whole-image OCR still finds
  a line mostly inside it is marked not ok, with what was read.
- `estimate_style(image, quad) -> TextStyle`: colour, size, weight, slant of an existing line.
- `modify_text(image, line_quad, new_text, *, font=None, color=None) -> PIL.Image`: removes the old
  line and draws `new_text` in its place in the estimated style (same slant).
- `read_back(image, boxes, reader=None) -> list[ReadBack]`: OCR inside each box (rectified when the
  box is a quad), compared with the expected text. `reader` is an OCR engine from ml.ocr (default:
  PP-OCR with `ml.ocr.ppocr_engine.TEXT_TOOLS_DET`).
- `TextError(code, message)`: expected failures with a stable code (empty_text, box_outside,
  bad_box, too_long, bad_color, bad_option, font_missing, empty_mask, unsupported_chars); messages are
  English and the
  Django side translates by code.
- Fonts: `ml.text.fonts.FONTS` (names users choose from), `fonts.resolve(name, font_dirs)`,
  `fonts.available(font_dirs)`.
"""

from ml.text.edit import estimate_style, modify_text
from ml.text.fonts import FONTS, available_fonts
from ml.text.fill import METHODS as REMOVAL_METHODS
from ml.text.fill import remove_text
from ml.text.geometry import mostly_inside
from ml.text.inpaint import remove_lines
from ml.text.mask import text_mask
from ml.text.readback import mark_leftovers, read_back
from ml.text.render import MIN_SIZE, place_text, place_text_detailed
from ml.text.types import ALIGNS, Placement, ReadBack, TextBox, TextError, TextStyle, quad_from_rect

__all__ = [
    "ALIGNS", "FONTS", "MIN_SIZE", "REMOVAL_METHODS", "Placement", "ReadBack", "TextBox", "TextError", "TextStyle",
    "available_fonts", "estimate_style", "mark_leftovers", "modify_text", "mostly_inside", "place_text",
    "place_text_detailed", "quad_from_rect", "read_back", "remove_lines", "remove_text", "text_mask",
]
