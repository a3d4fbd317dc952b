"""Validation of "Generate with text" (a prompt plus text lines in boxes), shared by the page and the
API. The picture's parameters go through generation.params (the same rules per model), the boxes
through editing.text_params (the same rules as "Add text"), checked against the chosen size; all of it
before a job exists and before anything is sent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from editing.text_params import points_inside_check, text_add_params_clean
from generation import backends
from generation.params import _bool, generation_params_clean, request_from_params
from ml.generation import catalog

# Where a box sits, in the words the prompt uses (thirds of the picture).
_ROWS = ("上方", "中部", "下方")
_COLUMNS = ("左侧", "中间", "右侧")


def model_draws_text_offered(spec) -> bool:
    """Models that can write legible text themselves (Qwen-Image renders Chinese and English)."""
    return spec is not None and spec.family == "qwen"


def _where(quad, width: int, height: int) -> str:
    cx = sum(p[0] for p in quad) / 4 / width
    cy = sum(p[1] for p in quad) / 4 / height
    row, column = _ROWS[min(2, int(cy * 3))], _COLUMNS[min(2, int(cx * 3))]
    return "画面正中" if (row, column) == ("中部", "中间") else f"画面{row}{column}"


def text_prompt(prompt: str, boxes: list[dict], width: int, height: int) -> str:
    """The prompt with the text lines quoted and their rough positions, for a model that draws text:
    e.g. 青铜神鸟鼠标垫。画面中清晰地写着文字：“天路”（画面上方中间）。"""
    parts = []
    for box in boxes:
        text = box["text"].replace("\n", " ")
        layout = "，竖排" if box.get("vertical") else ""
        parts.append(f"“{text}”（{_where(box['quad'], width, height)}{layout}）")
    return f"{prompt.rstrip('。.')}。画面中清晰地写着文字：{'；'.join(parts)}。"


def text_generation_params_clean(data, *, key_source_default: str) -> dict:
    """Normalised params: the generation params (one image), the cleaned boxes, `model_draws_text`,
    and `generation_prompt` (what is sent: the prompt, plus the quoted lines when the model draws
    them). Raises ValidationError with translated messages; nothing has been stored or sent."""
    data = {k: data.get(k) for k in data.keys()} if hasattr(data, "keys") else dict(data)
    if data.get("n") not in (None, "", 1, "1"):
        raise ValidationError({"n": _("Generate with text makes one picture per job.")}, code="invalid")
    data["n"] = 1  # one base picture per job: the text is placed on it
    params = generation_params_clean(data, key_source_default=key_source_default)
    boxes = text_add_params_clean({"boxes": data.get("boxes")})["boxes"]
    points_inside_check({"boxes": boxes}, (params["width"], params["height"]))
    spec = backends.spec_get(params["model"])
    draws = _bool(data.get("model_draws_text"), False)
    if draws and not model_draws_text_offered(spec):
        raise ValidationError({"model_draws_text": _(
            "Only Qwen-Image models can draw the text themselves; choose one, or let the studio place the text.")},
            code="invalid")
    generation_prompt = params["prompt"]
    if draws:
        generation_prompt = text_prompt(params["prompt"], boxes, params["width"], params["height"])
        problems = catalog.validate(spec, request_from_params({**params, "prompt": generation_prompt}))
        if problems:
            raise ValidationError({"prompt": [ValidationError(
                _("With the text lines added to it: %(problem)s") % {"problem": backends.problem_message(p)},
                code=p.code) for p in problems]})
    return {**params, "boxes": boxes, "model_draws_text": draws, "generation_prompt": generation_prompt}
