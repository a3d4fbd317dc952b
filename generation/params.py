"""Validation of text-to-image parameters, shared by the page and the API. Every per-model rule
(ml.generation.catalog) is checked here, before a job exists and before anything is sent."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from generation import backends, keys
from ml.generation import catalog, prompts
from ml.generation.types import SEED_MAX, GenerationRequest


def _bool(value, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)


def _int(data, name: str, default):
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a whole number.")}, code="invalid") from None


def _float(data, name: str, default):
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError({name: _("Enter a number.")}, code="invalid") from None


def generation_params_clean(data, *, key_source_default: str = keys.SERVER) -> dict:
    """Normalised params (what the job stores; never a key). Raises ValidationError with one message
    per problem, each under its field."""
    offered = backends.models()
    if not offered:
        raise ValidationError(_("No text-to-image model is configured on this server."), code="no_models")
    name = str(data.get("model") or offered[0].name)
    spec = backends.spec_get(name)
    if spec is None:
        raise ValidationError({"model": _("Unknown model: %(name)s.") % {"name": name}}, code="invalid")

    template = str(data.get("template") or "")
    subject = str(data.get("subject") or "").strip()
    if template and template not in prompts.TEMPLATES:
        raise ValidationError({"template": _("Unknown template.")}, code="invalid")
    prompt = str(data.get("prompt") or "").strip()
    negative = str(data.get("negative_prompt") or "").strip()
    if template and not prompt and subject:  # the API may send only the short instruction
        prompt, expanded_negative = prompts.expand(template, subject, "en" if spec.backend == backends.LOCAL else "zh")
        negative = negative or expanded_negative

    size = data.get("size")
    if size:
        parsed = catalog.parse_size(size)
        if parsed is None:
            raise ValidationError({"size": _("Write the size as width*height, e.g. 1024*1024.")}, code="invalid")
        width, height = parsed
    else:
        width = _int(data, "width", spec.default_size[0])
        height = _int(data, "height", spec.default_size[1])
    n = _int(data, "n", 1)
    seed_mode = str(data.get("seed_mode") or ("fixed" if data.get("seed") not in (None, "") else "random"))
    if seed_mode not in ("random", "fixed"):
        raise ValidationError({"seed_mode": _("Choose a random or a fixed seed.")}, code="invalid")
    seed = _int(data, "seed", None) if seed_mode == "fixed" else None
    if seed_mode == "fixed" and seed is None:
        raise ValidationError({"seed": _("Enter the seed to repeat, or choose a random one.")}, code="invalid")
    if seed is None:
        seed = secrets.randbelow(SEED_MAX + 1)  # chosen here so the picture can be made again
    steps = _int(data, "steps", spec.steps[2] if spec.steps else None) if spec.steps else None
    guidance = _float(data, "guidance", spec.guidance[2] if spec.guidance else None) if spec.guidance else None

    request = GenerationRequest(model=spec.name, prompt=prompt, negative_prompt=negative, width=width,
                                height=height, n=n, seed=seed, steps=steps, guidance=guidance)
    problems = catalog.validate(spec, request)
    if problems:
        errors: dict[str, list] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(
                ValidationError(backends.problem_message(problem), code=problem.code))
        raise ValidationError(errors)

    params = {
        "backend": spec.backend, "model": spec.name, "prompt": prompt, "negative_prompt": negative,
        "width": width, "height": height, "size": f"{width}*{height}", "n": n, "seed": seed,
        "seed_mode": seed_mode, "template": template, "subject": subject,
    }
    if spec.backend == backends.LOCAL:
        params.update(steps=steps, guidance=guidance)
    else:
        key_source = str(data.get("key_source") or key_source_default)
        if key_source not in (keys.SERVER, keys.SAVED, keys.TYPED):
            raise ValidationError({"key_source": _("Choose which API key to use.")}, code="invalid")
        params.update(
            prompt_extend=_bool(data.get("prompt_extend"), False) if spec.prompt_extend else None,
            watermark=_bool(data.get("watermark"), False) if spec.watermark else None,
            key_source=key_source,
        )
    return params


def request_from_params(params: dict) -> GenerationRequest:
    return GenerationRequest(
        model=params["model"], prompt=params["prompt"], negative_prompt=params.get("negative_prompt", ""),
        width=params["width"], height=params["height"], n=params["n"], seed=params.get("seed"),
        prompt_extend=params.get("prompt_extend"), watermark=params.get("watermark"),
        steps=params.get("steps"), guidance=params.get("guidance"),
    )
