import pytest

from ml import registry
from ml.ocr.ppocr_engine import TEXT_TOOLS_DET


@pytest.fixture(scope="session")
def ppocr():
    """PP-OCR as text removal and read-back use it (not the Read text page's per-image size)."""
    return registry.get("ocr", "ppocr", **TEXT_TOOLS_DET)
