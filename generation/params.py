"""The input contract of text to image, which the service validates with and the API's serializer is
built from. Every per-model rule (ml.generation.catalog) is checked here, before a job exists and
before anything is sent."""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from core.contracts import Contract, FormBooleanField, interpolated
from generation import backends, keys
from ml.generation import catalog, prompts
from ml.generation.types import SEED_MAX, GenerationRequest


WHOLE = gettext_lazy("Enter a whole number.")
NUMBER = gettext_lazy("Enter a number.")
SEED = interpolated(gettext_lazy("The seed must be a whole number from 0 to %(max)d."), max=SEED_MAX)


def _whole(*, error_messages=None, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, error_messages={"invalid": WHOLE, **(error_messages or {})},
                                    **kwargs)


class GenerationOptions(Contract):
    """What every request that generates a picture shares (text to image, generate with text, a
    generated cutout background)."""

    negative_prompt = serializers.CharField(required=False, allow_blank=True)
    seed = _whole(min_value=0, max_value=SEED_MAX, error_messages={"min_value": SEED, "max_value": SEED})
    seed_mode = serializers.ChoiceField(
        choices=["random", "fixed"], required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a random or a fixed seed.")},
        help_text="Default: fixed when a seed is given, else random.")
    prompt_extend = FormBooleanField(required=False, allow_null=True)
    watermark = FormBooleanField(required=False, allow_null=True)
    steps = _whole(help_text="Local models only; their range: GET generation/models/.")
    guidance = serializers.FloatField(required=False, error_messages={"invalid": NUMBER},
                                      help_text="Local models only; their range: GET generation/models/.")
    key_source = serializers.ChoiceField(
        choices=[keys.SERVER, keys.SAVED, keys.TYPED], required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose which API key to use.")})


class GenerationParams(GenerationOptions):
    """The input contract of text to image. Its fields hold what holds for every model; `validate`
    checks every per-model rule (ml.generation.catalog) and returns the params the job stores (never
    a key). The key source defaults to the context's `key_source_default` (the user's own key when
    they saved one)."""

    model = serializers.CharField(required=False, help_text="A name from GET generation/models/.")
    prompt = serializers.CharField(required=False, allow_blank=True)
    template = serializers.ChoiceField(
        choices=list(prompts.TEMPLATES), required=False, allow_blank=True,
        error_messages={"invalid_choice": gettext_lazy("Unknown template.")},
        help_text="A template key; with `subject` and no prompt, the prompt is expanded.")
    subject = serializers.CharField(required=False, allow_blank=True)
    size = serializers.CharField(required=False, help_text="width*height, e.g. 1328*1328 (the sizes of each model: "
                                                           "GET generation/models/).")
    width = _whole()
    height = _whole()
    n = _whole()

    def validate_size(self, value: str) -> str:
        if catalog.parse_size(value) is None:
            raise serializers.ValidationError(_("Write the size as width*height, e.g. 1024*1024."), code="invalid")
        return value

    def validate(self, attrs):
        offered = backends.models()
        if not offered:
            raise serializers.ValidationError(_("No text-to-image model is configured on this server."),
                                              code="no_models")
        name = attrs.get("model") or offered[0].name
        spec = backends.spec_get(name)
        if spec is None:
            raise serializers.ValidationError({"model": _("Unknown model: %(name)s.") % {"name": name}}, code="invalid")

        template, subject = attrs.get("template", ""), attrs.get("subject", "")
        prompt, negative = attrs.get("prompt", ""), attrs.get("negative_prompt", "")
        if template and not prompt and subject:  # the API may send only the short instruction
            prompt, expanded_negative = prompts.expand(template, subject, "en" if spec.backend == backends.LOCAL else "zh")
            negative = negative or expanded_negative
        if attrs.get("size"):
            width, height = catalog.parse_size(attrs["size"])
        else:
            width, height = attrs.get("width", spec.default_size[0]), attrs.get("height", spec.default_size[1])
        n = attrs.get("n", 1)
        seed_mode = attrs.get("seed_mode") or ("fixed" if attrs.get("seed") is not None else "random")
        seed = attrs.get("seed") if seed_mode == "fixed" else None
        if seed_mode == "fixed" and seed is None:
            raise serializers.ValidationError({"seed": _("Enter the seed to repeat, or choose a random one.")},
                                              code="invalid")
        if seed is None:
            seed = secrets.randbelow(SEED_MAX + 1)  # chosen here so the picture can be made again
        steps = attrs.get("steps", spec.steps[2]) if spec.steps else None
        guidance = attrs.get("guidance", spec.guidance[2]) if spec.guidance else None

        request = GenerationRequest(model=spec.name, prompt=prompt, negative_prompt=negative, width=width,
                                    height=height, n=n, seed=seed, steps=steps, guidance=guidance)
        problems = catalog.validate(spec, request)
        if problems:
            errors: dict[str, list] = {}
            for problem in problems:
                errors.setdefault(problem.field, []).append(
                    ErrorDetail(backends.problem_message(problem), code=problem.code))
            raise serializers.ValidationError(errors)

        params = {
            "backend": spec.backend, "model": spec.name, "prompt": prompt, "negative_prompt": negative,
            "width": width, "height": height, "size": f"{width}*{height}", "n": n, "seed": seed,
            "seed_mode": seed_mode, "template": template, "subject": subject,
        }
        if spec.backend == backends.LOCAL:
            params.update(steps=steps, guidance=guidance)
        else:
            params.update(
                prompt_extend=bool(attrs.get("prompt_extend")) if spec.prompt_extend else None,
                watermark=bool(attrs.get("watermark")) if spec.watermark else None,
                key_source=attrs.get("key_source") or self.context.get("key_source_default", keys.SERVER),
            )
        return params


def request_from_params(params: dict) -> GenerationRequest:
    return GenerationRequest(
        model=params["model"], prompt=params["prompt"], negative_prompt=params.get("negative_prompt", ""),
        width=params["width"], height=params["height"], n=params["n"], seed=params.get("seed"),
        prompt_extend=params.get("prompt_extend"), watermark=params.get("watermark"),
        steps=params.get("steps"), guidance=params.get("guidance"),
    )
