"""The text-removal dev set in ../shared/data, for the tests that score on it; they skip without it."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def removal_record(index: int):
    """(record, texted photo, clean photo, ground-truth glyph mask) of text_removal.json's `index`-th
    photo (tr_NNN), or a skip with a message when the dev set is not here."""
    repo = Path(__file__).resolve().parents[3]
    data = next((d / "shared" / "data" for d in repo.parents if (d / "shared" / "data" / "text_removal.json").is_file()),
                None)
    if data is None:
        pytest.skip("../shared/data (the text-removal dev set) is not here")
    record = json.loads((data / "text_removal.json").read_text(encoding="utf-8"))[index]
    load = lambda key: Image.open(data / record[key])  # noqa: E731
    return (record, load("texted").convert("RGB"), load("clean").convert("RGB"),
            np.asarray(load("mask").convert("L")) > 127)
