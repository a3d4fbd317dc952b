import pytest

from ml import registry


@pytest.fixture(scope="session")
def ppocr():
    return registry.get("ocr", "ppocr")


@pytest.fixture(scope="session")
def easyocr_engine(tmp_path_factory):
    engine = registry.get("ocr", "easyocr", weights_dir=str(tmp_path_factory.mktemp("no-weights")))
    engine.prepare(["en"])
    return engine
