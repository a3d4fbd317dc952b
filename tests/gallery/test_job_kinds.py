"""Each job kind is declared once, in its app's kinds.py: its handler imports, its label is translated,
the local-model kinds follow GENERATION_LOCAL_CLUSTER and nothing else spells the kind's name."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.module_loading import import_string

from gallery import kinds

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "core", "gallery", "generation", "matting", "ocr", "editing", "imagetext", "config")


def test_every_kind_has_a_handler_and_a_chinese_label():
    assert len(kinds.names()) >= 15
    for name in kinds.names():
        assert callable(import_string(kinds.handler_path(name))), name
        with translation.override("zh-hans"):
            label = kinds.label(name)
        assert label != name and not re.search(r"[A-Za-z]{4,}", label.replace("DashScope", "")), (name, label)


def test_each_kind_is_spelled_once_outside_tests():
    sources = [p for app in APPS for p in (ROOT / app).rglob("*") if p.suffix in (".py", ".html")
               and "migrations" not in p.parts]
    sources += list((ROOT / "templates").rglob("*.html"))
    for name in kinds.names():
        places = [f"{p.relative_to(ROOT)}" for p in sources for _ in re.finditer(rf"[\"']{re.escape(name)}[\"']", p.read_text())]
        assert len(places) == 1 and places[0].endswith("kinds.py"), (name, places)


def test_local_model_kinds_follow_the_local_cluster(settings):
    settings.JOB_CLUSTERS = {}
    settings.GENERATION_LOCAL_CLUSTER = "gpu"
    routed = {name for name in kinds.names() if kinds.cluster_for(name) == "gpu"}
    assert routed == {"generation.local", "generation.text_local", "matting.background_local"}
    settings.GENERATION_LOCAL_CLUSTER = ""
    assert not any(kinds.cluster_for(name) for name in kinds.names())
    settings.JOB_CLUSTERS = {"ocr.read": "cpu-big"}
    assert kinds.cluster_for("ocr.read") == "cpu-big"


def test_every_kind_that_loads_a_model_follows_the_model_cluster(settings):
    settings.JOB_CLUSTERS, settings.GENERATION_LOCAL_CLUSTER, settings.MODEL_JOB_CLUSTER = {}, "", "gpu"
    on_gpu = {name for name in kinds.names() if kinds.cluster_for(name) == "gpu"}
    # what runs no model stays on the CPU machine: crop, resize, a DashScope picture, a touch-up
    assert set(kinds.names()) - on_gpu == {"editing.crop", "editing.resize", "generation.dashscope",
                                           "matting.touchup"}
    assert {"ocr.read", "matting.cutout", "editing.text_remove", "generation.local"} <= on_gpu
    # the diffusers kinds may have a cluster of their own
    settings.GENERATION_LOCAL_CLUSTER = "big-gpu"
    assert kinds.cluster_for("generation.local") == "big-gpu" and kinds.cluster_for("ocr.read") == "gpu"


def test_a_kind_declared_twice_with_another_handler_is_refused():
    crop = kinds.get("editing.crop")
    kinds.register(crop)  # the same declaration again (a second ready()) is harmless
    with pytest.raises(ValueError):
        kinds.register(kinds.JobKind("editing.crop", "editing.handlers.resize_handle", crop.label))
