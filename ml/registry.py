"""Every model the studio can run: task -> {name: class}, explicit (no discovery). `get` builds one
instance per (task, name, configuration) per process, lazily, on first use in a worker; `available`
says which can run here and, when one cannot, why. Callers (the Django side) pass the configuration
in: nothing here reads settings."""

from __future__ import annotations

import threading

from ml.generation.dashscope_backend import DashScopeBackend
from ml.generation.diffusers_backend import DiffusersBackend
from ml.ocr.base import OcrEngine
from ml.ocr.easyocr_engine import EasyOcrEngine
from ml.ocr.fake_engine import FakeOcrEngine
from ml.ocr.ppocr_engine import PpOcrEngine
from ml.text.lama import LamaInpainter


class UnknownModelError(KeyError):
    pass


class _Matter:
    """A matting engine name, built through ml.matting.pipeline.make_matter so that the pipeline's chosen
    options (e.g. U^2-Net-p's input size) apply. The engine classes behind the name say whether they can
    run (ml.matting.pipeline.engines); nothing is imported until asked."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, **config):
        from ml.matting.pipeline import make_matter

        return make_matter(self.name, **config)

    def availability(self, *, weights_dir=None, **config) -> tuple[bool, str]:
        from ml.matting.pipeline import engine_for

        cls, reason = engine_for(self.name, weights_dir)
        return (True, "") if cls is not None else (False, reason)

    def model(self, *, weights_dir=None, **config) -> str:
        """The file this engine would load here (without loading it)."""
        from ml.matting.pipeline import engine_for, engines

        cls = engine_for(self.name, weights_dir)[0] or engines(self.name)[-1]
        return str(cls.model_file(weights_dir))


_MODELS: dict[str, dict[str, type]] = {
    "ocr": {cls.name: cls for cls in (PpOcrEngine, EasyOcrEngine, FakeOcrEngine)},
    "matting": {name: _Matter(name) for name in ("u2netp", "modnet", "modnet-onnx")},
    "generation": {cls.name: cls for cls in (DashScopeBackend, DiffusersBackend)},
    # learned fills for removing text or objects; the studio's own fill (ml.text.fill) needs no weights
    "inpaint": {cls.name: cls for cls in (LamaInpainter,)},
}

_instances: dict[tuple, object] = {}
_lock = threading.Lock()


def names(task: str) -> list[str]:
    return sorted(_MODELS.get(task, {}))


def model_class(task: str, name: str) -> type:
    cls = _MODELS.get(task, {}).get(name)
    if cls is None:
        raise UnknownModelError(f"{task}/{name}; known: {names(task)}")
    return cls


def _key(task: str, name: str, config: dict) -> tuple:
    return (task, name, tuple(sorted((k, str(v)) for k, v in config.items())))


def get(task: str, name: str, **config):
    """The process-wide instance of `name` for this configuration, built on first call."""
    cls = model_class(task, name)
    key = _key(task, name, config)
    instance = _instances.get(key)
    if instance is None:
        with _lock:
            instance = _instances.get(key)
            if instance is None:
                instance = cls(**config)
                _instances[key] = instance
    return instance


def loaded() -> list[tuple]:
    return list(_instances)


def clear() -> None:
    """Forgets every built instance (tests; a worker never needs it)."""
    with _lock:
        _instances.clear()


def available(task: str, **config) -> dict[str, tuple[bool, str]]:
    """name -> (usable here, reason when not), without loading anything."""
    return {name: cls.availability(**config) for name, cls in sorted(_MODELS.get(task, {}).items())}


def model_path(task: str, name: str, **config) -> str:
    """The weights file `name` would load with this configuration (matting engines)."""
    return model_class(task, name).model(**config)


def ocr_languages(**config) -> dict[str, dict[str, bool]]:
    """OCR engine -> {language: weights present}."""
    return {name: cls.languages_present(**config) for name, cls in _MODELS["ocr"].items()
            if issubclass(cls, OcrEngine)}


def ocr_choose(languages, *, include_fake: bool = False, **config) -> str:
    """The engine `auto` picks for `languages` (see ml.ocr.auto)."""
    from ml.ocr import auto

    avail = available("ocr", **config)
    if not include_fake:
        avail.pop("fake", None)
    supported = {name: cls.supported for name, cls in _MODELS["ocr"].items() if name in avail}
    return auto.choose(languages, available=avail, supported=supported, present=ocr_languages(**config))
