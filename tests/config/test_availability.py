"""What users read about a model that cannot run here: worded in their language from the engine's reason
code, never the English reason itself (it may name the server's folders)."""

import pickle

import pytest
from django.utils import translation

from core.availability import reason_text
from ml import availability, registry
from ml.availability import Missing


def test_each_reason_code_is_worded_and_translated():
    codes = [v for k, v in vars(availability).items() if k.isupper() and isinstance(v, str)]
    assert len(codes) == 7
    for code in codes:
        reason = Missing(code, "thing.bin", "thing.bin is not in /srv/secret/weights")
        with translation.override("en"):
            english = reason_text(reason)
        with translation.override("zh-hans"):
            chinese = reason_text(reason)
        assert english and chinese != english and "/srv" not in english + chinese, code


def test_a_reason_without_a_code_is_not_shown():
    with translation.override("en"):
        assert reason_text("/srv/secret/weights/x.pt is missing") == "it is not available on this server"
        assert reason_text("") == ""


def test_a_reason_keeps_its_code_through_pickle():
    reason = pickle.loads(pickle.dumps(Missing(availability.PACKAGE, "torch", "no torch")))
    assert (reason, reason.code, reason.name) == ("no torch", availability.PACKAGE, "torch")


@pytest.mark.parametrize("task", ["matting", "inpaint", "ocr", "generation"])
def test_every_engine_that_cannot_run_says_why_with_a_code(task, tmp_path):
    """A new engine returning a bare English string would show users "not available" and nothing more."""
    for name, (ok, reason) in registry.available(task, weights_dir=str(tmp_path / "none")).items():
        assert ok or isinstance(reason, Missing), (task, name, reason)
