"""Creates the jobs of "Text in images" (and its preview). The page and the API call these; "Generate
with text" takes its picture from Text to image's backends, through generation's public services."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from gallery.models import GalleryItem, Job
from gallery.services import job_create_for_sources
from generation import keys
from generation.services import keyed_job_create
from imagetext import engine, kinds
from imagetext.engine import fill_check, fonts_check
from imagetext.params import (
    TextAddParams,
    TextGenerationParams,
    TextLinesParams,
    TextModifyParams,
    TextRemoveParams,
    points_inside_check,
)

TEXT_LINES_KIND = kinds.LINES.name
TEXT_ADD_KIND = kinds.ADD.name
TEXT_MODIFY_KIND = kinds.MODIFY.name
TEXT_REMOVE_KIND = kinds.REMOVE.name
TEXT_KINDS = (TEXT_LINES_KIND, TEXT_ADD_KIND, TEXT_MODIFY_KIND, TEXT_REMOVE_KIND)
# "Generate with text": a picture from either backend, then the text placed
GENERATE_KINDS = {"dashscope": kinds.GENERATE.name, "local": kinds.GENERATE_LOCAL.name}
GENERATE_KIND = GENERATE_KINDS["dashscope"]


def _text_job_create(*, user, kind: str, cleaned: dict, sources, uploads) -> Job:
    """One image per job (boxes are drawn on that image); every point must lie inside it. On any
    error nothing is stored, uploads included."""
    sources, uploads = list(sources), list(uploads)
    if len(sources) + len(uploads) > 1:
        raise ValidationError(_("Text is edited on one image at a time: choose a single image."), code="one_image")

    def check(item: GalleryItem) -> None:
        points_inside_check(cleaned, (item.width, item.height))

    return job_create_for_sources(owner=user, kind=kind, params=cleaned, sources=sources, uploads=uploads,
                                  check_source=check)


def text_lines_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    """Finds the lines of text in an image (OCR), for the modify and remove modes to show."""
    cleaned = TextLinesParams.clean(params)
    return _text_job_create(user=user, kind=TEXT_LINES_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_add_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = TextAddParams.clean(params)
    fonts_check(box["font"] for box in cleaned["boxes"])
    return _text_job_create(user=user, kind=TEXT_ADD_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_modify_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = TextModifyParams.clean(params)
    fonts_check(edit["font"] for edit in cleaned["edits"] if edit["font"])
    fill_check(cleaned["method"])
    return _text_job_create(user=user, kind=TEXT_MODIFY_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


def text_remove_job_create(*, user, params: dict, sources: Iterable[GalleryItem] = (), uploads: Iterable = ()) -> Job:
    cleaned = TextRemoveParams.clean(params)
    fill_check(cleaned["method"])
    return _text_job_create(user=user, kind=TEXT_REMOVE_KIND, cleaned=cleaned, sources=sources, uploads=uploads)


PREVIEW_MAX_SIDE = 1600   # px: the longest side of a preview image (a box on a phone or a 4K screen)


@dataclass(frozen=True)
class TextPreview:
    png: bytes
    region: tuple[int, int, int, int]   # where the picture lies in the image (x0, y0, x1, y1)
    size: int                          # the font size the box got
    color: str                         # the text colour used (the automatic one when none was chosen)
    outline: bool                      # an outline was drawn (asked for, or added by automatic contrast)
    lines: list[str]


def text_add_preview(*, source: GalleryItem, params: dict, index: int = 0,
                     max_side: int = PREVIEW_MAX_SIDE) -> TextPreview:
    """What "Add text" will draw in one box (`params["boxes"]` holds that box alone; `index` is its
    place on the page), made by the job's own renderer on the region round the box, as a PNG at
    most `max_side` pixels long. Nothing is stored. The caller has fetched `source` for its owner."""
    from imagetext.handlers import _open

    cleaned = TextAddParams.clean(params, first_number=index + 1)
    if len(cleaned["boxes"]) != 1:
        raise ValidationError(_("A preview shows one box at a time."), code="one_box")
    fonts_check(box["font"] for box in cleaned["boxes"])
    points_inside_check(cleaned, (source.width, source.height))
    image = _open(source)
    region_image, region, placement = engine.preview(image, cleaned["boxes"][0], index=index)
    alpha = image.info.get("alpha")
    if alpha is not None:
        region_image = region_image.convert("RGBA")
        region_image.putalpha(alpha.crop(region))
    longest = max(region_image.size)
    side = max(16, min(int(max_side), PREVIEW_MAX_SIDE))
    if longest > side:
        scale = side / longest
        region_image = region_image.resize(
            (max(1, round(region_image.width * scale)), max(1, round(region_image.height * scale))),
            Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    region_image.save(buffer, "PNG", compress_level=1)   # speed over bytes: it is redrawn as the user types
    return TextPreview(png=buffer.getvalue(), region=region, size=placement.size, color=placement.color,
                       outline=placement.outline, lines=list(placement.lines))


def text_generation_job_create(*, user, params, typed_key: str = "", save_key: bool = False) -> Job:
    """"Generate with text": the prompt, the picture's parameters and 1-8 boxes with their text, all
    validated (boxes inside the chosen size, fonts installed) before anything is stored or sent; the
    key rules are Text to image's (generation.services.keyed_job_create)."""
    cleaned = TextGenerationParams.clean(params, key_source_default=keys.key_source_default(user=user))
    if not cleaned["model_draws_text"]:
        fonts_check(box["font"] for box in cleaned["boxes"])
    return keyed_job_create(user=user, kind=GENERATE_KINDS[cleaned["backend"]], cleaned=cleaned,
                            typed_key=typed_key, save_key=save_key)
