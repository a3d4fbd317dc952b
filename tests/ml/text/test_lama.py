"""The LaMa fill's own code (ml/text/lama.py) with a TorchScript network of big-lama.pt's contract
(tests/ml/text/lama_compatible.py): loading, the crops round each masked area, scaling a large one
down and the answer back up, padding to multiples of 8, and keeping every unmasked pixel. The real
weights are not on these machines; `bench/text.py --method lama` measures them where they are."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

pytest.importorskip("torch")

from ml import registry  # noqa: E402
from ml.text import TextError, modify_text, remove_lines, remove_text  # noqa: E402
from ml.text.lama import LAMA_FILE, LamaInpainter, lama_path, regions  # noqa: E402
from tests.ml.text.lama_compatible import write_lama_compatible  # noqa: E402


@pytest.fixture(scope="module")
def weights_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    write_lama_compatible(lama_path(folder))
    return folder


@pytest.fixture(scope="module")
def lama(weights_dir):
    return LamaInpainter(weights_dir=weights_dir)


def noisy(height, width, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_the_pinned_file_is_iopaints_big_lama_export():
    assert LAMA_FILE.filename == "big-lama.pt" and LAMA_FILE.md5 == "e3aa4aaa15225a33ec84f9f4bc47e500"
    assert LAMA_FILE.url.endswith("/add_big_lama/big-lama.pt") and not LAMA_FILE.zipped


def test_availability_says_where_the_file_is_missing(tmp_path, weights_dir):
    ok, reason = LamaInpainter.availability(weights_dir=tmp_path)
    assert not ok and "big-lama.pt" in reason and str(tmp_path / "lama") in reason
    assert LamaInpainter.availability(weights_dir=weights_dir) == (True, "")
    assert registry.available("inpaint", weights_dir=tmp_path)["lama"][0] is False
    assert registry.available("inpaint", weights_dir=weights_dir)["lama"] == (True, "")
    with pytest.raises(FileNotFoundError):
        LamaInpainter(weights_dir=tmp_path)


def test_a_file_that_is_not_a_torchscript_export_is_refused(tmp_path):
    path = lama_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(RuntimeError):
        LamaInpainter(weights_dir=tmp_path)


def test_only_masked_pixels_change_at_odd_sizes(lama):
    # 301 x 517 is no multiple of 8: the network would refuse it unpadded (it checks)
    rgb = noisy(301, 517)
    mask = np.zeros((301, 517), bool)
    mask[100:120, 50:300] = True
    mask[300, 516] = True   # a single pixel in the corner, at the far edge
    out = lama.fill(rgb, mask)
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert np.array_equal(out[~mask], rgb[~mask])
    # the network's answer (a blur of the known pixels) is mid grey on noise, not the noise itself
    assert abs(float(out[mask].mean()) - 127.5) < 6 and out[mask].std() < 0.5 * rgb[mask].std()


def test_each_distant_area_gets_its_own_crop_with_a_margin():
    mask = np.zeros((1000, 1400), bool)
    mask[100:110, 100:300] = True
    mask[100:110, 340:400] = True     # 40 px from the first: the same crop
    mask[800:820, 1000:1300] = True   # far away: a crop of its own
    boxes = sorted(regions(mask, margin=64))
    assert boxes == [(36, 174, 36, 464), (736, 884, 936, 1364)]
    assert regions(np.zeros((10, 10), bool)) == []


def test_a_large_crop_is_scaled_down_for_the_network_and_back(weights_dir):
    small = LamaInpainter(weights_dir=weights_dir, max_side=64, margin=16)
    x = np.linspace(0, 255, 400)
    rgb = np.repeat(np.stack([np.tile(x, (200, 1))] * 3, axis=2), 1, axis=0).astype(np.uint8)
    mask = np.zeros((200, 400), bool)
    mask[90:110, 20:380] = True
    out = small.fill(rgb, mask)
    assert np.array_equal(out[~mask], rgb[~mask])
    # a left-to-right ramp filled from above and below stays a ramp (within the blur's reach)
    row = out[100, 40:360, 0].astype(float)
    assert np.corrcoef(row, x[40:360])[0, 1] > 0.98


def test_remove_text_lama_needs_the_network_and_uses_it(lama):
    image = Image.new("RGB", (320, 160), (90, 140, 200))
    ImageDraw.Draw(image).rectangle((60, 60, 260, 100), fill=(255, 255, 255))
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rectangle((58, 58, 262, 102), fill=255)
    with pytest.raises(TextError) as exc:
        remove_text(image, mask, method="lama")
    assert exc.value.code == "model_missing"
    out = np.asarray(remove_text(image, mask, method="lama", learned=lama))
    assert np.abs(out.astype(int) - (90, 140, 200)).max() <= 1
    rgba = image.convert("RGBA")
    assert remove_text(rgba, mask, method="lama", learned=lama).mode == "RGBA"


def test_remove_lines_and_modify_pass_the_network_on(lama, ppocr):
    from tests.ocr_images import latin_font

    image = Image.new("RGB", (480, 160), (40, 90, 60))
    ImageDraw.Draw(image).text((40, 50), "OLD SIGN", font=latin_font(48), fill=(250, 250, 250))
    quad = [[30, 40], [330, 40], [330, 120], [30, 120]]
    cleared = np.asarray(remove_lines(image, [quad], method="lama", learned=lama))
    assert np.abs(cleared.astype(int) - (40, 90, 60)).max() <= 2

    class Counting:
        calls = 0

        def fill(self, rgb, mask):
            Counting.calls += 1
            return lama.fill(rgb, mask)

    out = modify_text(image, quad, "NEW", learned=Counting())
    assert Counting.calls == 1
    assert ppocr.read(out).text.replace(" ", "") == "NEW"


def test_the_real_big_lama_beats_telea_on_a_dev_photo():
    """Runs only where the real weights lie in ../shared/models/lama (they cannot be fetched on these
    machines): the file is the pinned one, and on tr_005 (text over a brick wall) the network's fill
    scores above Telea's with the same ground-truth mask."""
    import cv2

    from tests.ml.text.devset import removal_record

    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    real = next((d / "shared" / "models" / "lama" / LAMA_FILE.filename for d in root.parents
                 if (d / "shared" / "models" / "lama" / LAMA_FILE.filename).is_file()), None)
    if real is None:
        pytest.skip("the real big-lama.pt is not in ../shared/models/lama (python manage.py fetch_models lama gets it)")
    assert LAMA_FILE.verify(real), f"{real} is not IOPaint's big-lama.pt (MD5 {LAMA_FILE.md5})"
    record, texted, clean, gt = removal_record(5)
    rgb, clean = np.asarray(texted), np.asarray(clean).astype(float)
    ours = LamaInpainter(path=real).fill(rgb, gt)
    telea = cv2.inpaint(rgb, gt.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)

    def psnr(a):
        return 10 * np.log10(255 ** 2 / np.mean((a[gt].astype(float) - clean[gt]) ** 2))

    assert psnr(ours) > psnr(telea)
