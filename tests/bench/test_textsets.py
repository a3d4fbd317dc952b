"""The bench's text-set generator (bench/textsets): the same seed gives the same bytes, and the dev and
untouched splits share no phrase, face or background photo (a figure tuned on dev and reported on
untouched is only honest if nothing leaks). Small sets (--scale), a few seconds."""

import json
import random
import sys
from pathlib import Path

import pytest

TEXTSETS = Path(__file__).resolve().parents[2] / "bench" / "textsets"
sys.path.insert(0, str(TEXTSETS))

import make_datasets  # noqa: E402
import textgen_lib  # noqa: E402

SCALE = "0.03"  # 6 OCR images, 3 removal photos, 4 render tasks on 2 backgrounds per split

pytestmark = pytest.mark.skipif(not Path(textgen_lib.SHARED_DATA, "people").is_dir(),
                                reason="../shared/data (the background photos) is not here")


def build(split: str, out: Path) -> Path:
    make_datasets.main(["--split", split, "--out", str(out), "--scale", SCALE])
    return out


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    root = tmp_path_factory.mktemp("textsets")
    return {split: build(split, root / split) for split in ("dev", "untouched")}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_seed_gives_the_same_files(sets, tmp_path):
    again = files(build("dev", tmp_path / "dev"))
    first = files(sets["dev"])
    assert sorted(again) == sorted(first)
    assert len([n for n in first if n.endswith(".jpg")]) >= 6 + 2 * 3 + 2
    assert [n for n in first if again[n] != first[n]] == []


def contents(folder: Path) -> tuple[set, set, set]:
    """(line texts, background photo sources, faces) of one generated split."""
    ocr = json.loads((folder / "ocr.json").read_text(encoding="utf-8"))
    removal = json.loads((folder / "text_removal.json").read_text(encoding="utf-8"))
    render = json.loads((folder / "text_render.json").read_text(encoding="utf-8"))
    lines = [line for r in ocr + removal for line in r["lines"]]
    texts = {line["text"] for line in lines} | {spec["text"] for spec in render}
    backgrounds = [r["background"] for r in ocr + removal] + [spec["background"] for spec in render]
    photos = {b["source"] for b in backgrounds if b["kind"] == "photo"}
    return texts, photos, {line["font"] for line in lines}


def test_the_generated_splits_share_no_phrase_photo_or_face(sets):
    dev, untouched = contents(sets["dev"]), contents(sets["untouched"])
    for what, a, b in zip(("phrases", "photos", "faces"), dev, untouched):
        assert a and b, what
        assert a & b == set(), what


def pools(cfg) -> tuple[set, set, set]:
    phrases = set(cfg.ZH_PHRASES + cfg.EN_PHRASES + cfg.MIXED_PHRASES + cfg.SHORT_TEXTS)
    phrases |= {cfg.numeric_line(random.Random(k)) for k in range(3000)}
    for _lang, prose, title in cfg.PAGES:
        phrases |= {title} if title else set()
        phrases |= {s for s in prose.replace(". ", "。").split("。") if s}
    faces = {(f.path, f.index) for f in cfg.FONTS_CJK + cfg.FONTS_LATIN + cfg.FONTS_TITLE + cfg.FONTS_PARAGRAPH_ZH
             + cfg.FONTS_PARAGRAPH_EN}
    photos = {Path(p).name if "/" in p else p.split(":", 1)[1] for p in cfg.PHOTO_SOURCES}
    return phrases, faces, photos


def test_the_whole_pools_are_disjoint_and_untouched_is_new_to_the_old_dev_set():
    dev, untouched = pools(make_datasets.load_config("dev")), pools(make_datasets.load_config("untouched"))
    for what, a, b in zip(("phrases", "faces", "photos"), dev, untouched):
        assert a & b == set(), what
    old = Path(textgen_lib.SHARED_DATA, "tools", "dev_config.py")
    if old.is_file():  # the 40-image set earlier constants were tuned on
        old_phrases, old_faces, old_photos = pools(make_datasets.load_config(str(old)))
        assert untouched[0] & old_phrases == set()
        assert untouched[1] & old_faces == set()
        assert untouched[2] & old_photos == set()
        assert old_phrases - {p for p in old_phrases if any(c.isdigit() for c in p)} <= dev[0]
