"""ml/generation without Django: the per-model rules, the templates, and a light import."""

import subprocess
import sys
from pathlib import Path

import pytest

from ml.generation import catalog, prompts
from ml.generation.types import GenerationRequest

ROOT = Path(__file__).resolve().parents[2]


def codes(spec, **kw):
    base = {"model": spec.name, "prompt": "x", "width": spec.default_size[0], "height": spec.default_size[1]}
    return [(p.field, p.code) for p in catalog.validate(spec, GenerationRequest(**{**base, **kw}))]


def test_qwen_image_allows_only_its_five_sizes_and_one_image():
    spec = catalog.spec_for("qwen-image")
    assert spec.default_size == (1328, 1328)
    for w, h in catalog.QWEN_SIZES:
        assert codes(spec, width=w, height=h) == []
    assert codes(spec, width=1024, height=1024) == [("size", "size_not_allowed")]
    assert codes(spec, n=2) == [("n", "n_out_of_range")]


def test_wanx_sides_512_to_1440_and_up_to_four_images():
    spec = catalog.spec_for("wanx2.1-t2i-turbo")
    assert codes(spec, width=512, height=1440, n=4) == []
    assert codes(spec, width=511, height=1024) == [("size", "size_out_of_range")]
    assert codes(spec, width=1024, height=1441) == [("size", "size_out_of_range")]
    assert codes(spec, n=0) == [("n", "n_out_of_range")] and codes(spec, n=5) == [("n", "n_out_of_range")]


def test_lengths_and_seed_range():
    spec = catalog.spec_for("wan2.2-t2i-flash")
    assert codes(spec, prompt="字" * 800, negative_prompt="n" * 500, seed=2147483647) == []
    assert codes(spec, prompt="字" * 801) == [("prompt", "prompt_too_long")]
    assert codes(spec, negative_prompt="n" * 501) == [("negative_prompt", "negative_too_long")]
    assert codes(spec, seed=-1) == [("seed", "seed_out_of_range")]
    assert codes(spec, prompt=" ") == [("prompt", "prompt_required")]


def test_new_names_get_their_family_rules_and_unknown_ones_are_refused():
    assert catalog.spec_for("qwen-image-edit-preview").fixed_sizes == catalog.QWEN_SIZES
    assert catalog.spec_for("wan2.5-t2i-preview").n_max == 4
    with pytest.raises(catalog.UnknownModel):
        catalog.spec_for("dall-e-3")


def test_local_model_sizes_are_multiples_of_8_within_the_bound():
    spec = catalog.local_spec(max_side=512)
    assert codes(spec, width=512, height=256, steps=4, guidance=1.5) == []
    assert codes(spec, width=516, height=256) == [("size", "size_out_of_range")]
    assert codes(spec, width=260, height=256) == [("size", "size_not_multiple")]
    assert codes(spec, steps=51) == [("steps", "steps_out_of_range")]


@pytest.mark.parametrize("value,expected", [("1328*1328", (1328, 1328)), ("1024x768", (1024, 768)),
                                            ((640, 480), (640, 480)), ("big", None), ("1*2*3", None)])
def test_parse_size(value, expected):
    assert catalog.parse_size(value) == expected


def test_every_template_expands_within_the_limits_in_both_languages():
    expected = {"guochao", "ink", "bronze", "papercut", "cartoon3d", "flat", "product",
                "mousepad", "tote", "postcard", "phonecase", "poster"}
    assert set(prompts.TEMPLATES) == expected
    for key in expected:
        for language in ("zh", "en"):
            prompt, negative = prompts.expand(key, "展翅的青铜神鸟" if language == "zh" else "a bronze bird", language)
            assert ("展翅的青铜神鸟" in prompt or "a bronze bird" in prompt)
            assert len(prompt) <= catalog.PROMPT_MAX and len(negative) <= catalog.NEGATIVE_MAX and negative
    # the same instruction gives the same prompt (stable), and an empty one a sensible default
    assert prompts.expand("ink", "山") == prompts.expand("ink", " 山 ")
    assert "文化主题图案" in prompts.expand("ink", "")[0]


def test_importing_ml_generation_loads_no_runtime():
    code = ("import sys; import ml.registry, ml.generation.catalog, ml.generation.prompts, "
            "ml.generation.dashscope_backend, ml.generation.diffusers_backend; "
            "print(sorted(m for m in ('torch', 'diffusers', 'transformers', 'dashscope') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
