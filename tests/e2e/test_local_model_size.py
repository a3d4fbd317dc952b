"""Choosing the local model in Text to image picks that model's own default size (it used to stay 64x64,
or keep the DashScope model's size), and going back picks the DashScope model's (issue 18, item 6)."""

import json
import re

from tests.e2e.helpers import login
from tests.generation.conftest import _fake_server, fake_dashscope  # noqa: F401  (fixtures)


def test_the_size_follows_the_chosen_model(page, make_user, settings, tmp_path, fake_dashscope):
    model = tmp_path / "tiny-local"
    model.mkdir()
    (model / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}))
    settings.GENERATION_LOCAL_MODEL = str(model)  # offered (a diffusers folder); never run here
    settings.GENERATION_LOCAL_MAX_SIDE = 256
    make_user("mei", "bronze-bird-2026")
    login(page, "mei", "bronze-bird-2026")
    page.goto("/generate/")
    page.wait_for_url(re.compile(r"/generate/$"))
    page.select_option("[data-testid=model]", "qwen-image")
    assert page.input_value("[data-testid=size]") == "1328*1328"
    page.select_option("[data-testid=model]", "local")
    assert page.input_value("[data-testid=size]") == "256*256"
    page.select_option("[data-testid=model]", "qwen-image")
    assert page.input_value("[data-testid=size]") == "1328*1328"
