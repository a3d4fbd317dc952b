"""Pure image operations (PIL in, PIL out). No Django here, so benchmarks and other apps can reuse
them; parameters arrive already validated by editing.params."""

from PIL import Image, ImageOps

FILTERS = {
    "lanczos": Image.Resampling.LANCZOS,
    "bicubic": Image.Resampling.BICUBIC,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "box": Image.Resampling.BOX,
    "nearest": Image.Resampling.NEAREST,
}
_ROTATIONS = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def transform(image: Image.Image, *, rotate: int = 0, flip_horizontal: bool = False, flip_vertical: bool = False) -> Image.Image:
    """Rotates clockwise by a multiple of 90° (lossless), then flips."""
    if rotate % 360:
        image = image.transpose(_ROTATIONS[rotate % 360])
    if flip_horizontal:
        image = ImageOps.mirror(image)
    if flip_vertical:
        image = ImageOps.flip(image)
    return image


def crop_box_pixels(size: tuple[int, int], box_percent: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """Edges in percent of width/height (left, top, right, bottom) to a pixel box of at least 1×1."""
    width, height = size
    left, top, right, bottom = box_percent
    x0 = min(width - 1, max(0, round(width * left / 100)))
    y0 = min(height - 1, max(0, round(height * top / 100)))
    x1 = max(x0 + 1, min(width, round(width * right / 100)))
    y1 = max(y0 + 1, min(height, round(height * bottom / 100)))
    return x0, y0, x1, y1


def aspect_ratio(aspect: str) -> float | None:
    """"W:H" to W / H; "free" (or nothing) to None. The string was validated by editing.params."""
    if not aspect or aspect == "free":
        return None
    w, h = aspect.split(":")
    return float(w) / float(h)


def box_fit_aspect(box: tuple[int, int, int, int], ratio: float | None) -> tuple[int, int, int, int]:
    """The largest box of `ratio` (width / height) inside `box`, centred on its centre.

    The percent edges drawn on one image of a batch land on another image of other proportions as a
    box of other proportions; fitting inside that box keeps the preset aspect, the relative centre the
    user chose, and stays inside the image. A box that already has the ratio (to the nearest pixel, as
    the editor rounds it) is kept exactly, so the image the box was drawn on gets what it showed."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    if ratio is None or round(bh * ratio) == bw or round(bw / ratio) == bh:
        return box
    if bw / bh > ratio:
        w, h = max(1, min(bw, round(bh * ratio))), bh
    else:
        w, h = bw, max(1, min(bh, round(bw / ratio)))
    nx0 = x0 + (bw - w) // 2
    ny0 = y0 + (bh - h) // 2
    return nx0, ny0, nx0 + w, ny0 + h


def crop(image: Image.Image, *, box_percent, rotate: int = 0, flip_horizontal: bool = False,
         flip_vertical: bool = False, aspect: str = "free") -> Image.Image:
    """Transforms as the user saw it on screen, then crops the box they drew on that view (fitted to
    the preset aspect, for the other images of a batch)."""
    image = transform(image, rotate=rotate, flip_horizontal=flip_horizontal, flip_vertical=flip_vertical)
    return image.crop(box_fit_aspect(crop_box_pixels(image.size, box_percent), aspect_ratio(aspect)))


def resize_target(size: tuple[int, int], *, width: int | None, height: int | None, percent: float | None,
                  keep_aspect: bool) -> tuple[int, int]:
    w0, h0 = size
    if percent:
        return max(1, round(w0 * percent / 100)), max(1, round(h0 * percent / 100))
    if keep_aspect:
        if width and height:  # fit inside the box
            scale = min(width / w0, height / h0)
            return max(1, round(w0 * scale)), max(1, round(h0 * scale))
        if width:
            return width, max(1, round(h0 * width / w0))
        if height:
            return max(1, round(w0 * height / h0)), height
    return width or w0, height or h0


def resize(image: Image.Image, *, target: tuple[int, int], resample: str = "lanczos") -> Image.Image:
    if image.size == target:
        return image.copy()
    if image.mode == "P":
        image = image.convert("RGBA")
    # reducing_gap makes big down-scales fast with no visible loss (Pillow's own recommendation).
    return image.resize(target, FILTERS[resample], reducing_gap=3.0 if resample != "nearest" else None)
