"""Edges of the portrait cutout (issue 16): a 50 MP photo, and a damaged MODNet file, through the real
pages and API. Nothing is half stored, and the page offers the engine that can still run."""

import io

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from gallery.models import GalleryItem, Job
from ml import registry
from ml.matting import modnet_engine
from tests.matting.helpers import figure, media_files, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_weights_dir")]


def _zh(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def _fifty_megapixels() -> bytes:
    """A 7071x7071 JPEG (49,999,041 pixels, just inside the upload limit): a gradient, so that it is a real
    photo-sized decode (about 150 MB as RGB), yet a small file. Built in strips to keep memory down."""
    side = 7071
    image = Image.new("RGB", (side, side))
    ramp = np.linspace(0, 255, side, dtype=np.float32)
    for top in range(0, side, 1024):
        rows = min(1024, side - top)
        strip = np.empty((rows, side, 3), np.uint8)
        strip[..., 0] = ramp[None, :]
        strip[..., 1] = ramp[top:top + rows, None]
        strip[..., 2] = 128
        image.paste(Image.fromarray(strip), (0, top))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=70)
    return buf.getvalue()


def test_a_50_megapixel_photo_is_refused_clearly_and_nothing_is_stored(settings, user_api, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _fifty_megapixels()
    assert len(data) < settings.UPLOAD_MAX_BYTES  # the upload itself is allowed: the cutout's limit answers

    def send(client):
        return client.post("/api/v1/matting/cutout/",
                           {"files": [SimpleUploadedFile("big.jpg", data, content_type="image/jpeg")]},
                           format="multipart")

    response = send(user_api)
    assert response.status_code == 400, response.content
    message = response.json()["error"]["message"]
    assert "“big.jpg” is 7071×7071" in message and "up to 24 megapixels" in message and "Resize it first" in message

    zh = send(_zh(user_api))
    assert zh.status_code == 400 and "7071×7071" in zh.json()["error"]["message"]
    assert "Resize it first" not in zh.json()["error"]["message"]  # translated

    assert not GalleryItem.objects.exists() and not Job.objects.exists() and media_files(settings) == []


def _damaged_copy(tmp_path):
    data = bytearray(modnet_engine.SHIPPED_ONNX.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped: the same size, another sha256
    bad = tmp_path / "modnet.onnx"
    bad.write_bytes(bytes(data))
    return bad


@pytest.fixture
def damaged_shipped_modnet(tmp_path, monkeypatch):
    """The MODNet file the studio ships, damaged (one byte changed) on this install."""
    monkeypatch.setattr(modnet_engine, "SHIPPED_ONNX", _damaged_copy(tmp_path))
    registry.clear()
    yield
    registry.clear()


def test_a_damaged_shipped_modnet_file_is_refused_and_the_page_offers_u2netp(damaged_shipped_modnet, user_client,
                                                                             user, make_item, settings):
    # the engine itself refuses the file at load, naming it
    with pytest.raises(ValueError, match=r"modnet\.onnx has sha256 .* expected"):
        modnet_engine.ModnetOnnxMatter()

    # the page: MODNet cannot be picked, says why (its file, the checksum), U^2-Net-p can; auto runs U^2-Net-p
    item = make_item(user)
    page = user_client.get(f"{reverse('matting:cutout')}?source={item.id}").content.decode()
    modnet = page[page.index('data-testid="engine-modnet"') - 80:page.index('data-testid="engine-modnet-reason"') + 300]
    assert "disabled" in modnet and "modnet.onnx" in modnet and "checksum does not match" in modnet
    u2netp = page[page.index('data-testid="engine-u2netp"') - 80:page.index('data-testid="engine-u2netp"') + 60]
    assert "disabled" not in u2netp
    assert "here: u2netp" in page

    # asking for MODNet anyway: a clear error that names the file and the other engine, nothing stored
    files = media_files(settings)
    response = user_client.post(f"{reverse('matting:cutout')}?source={item.id}", {
        "source": item.id, "items_sent": "1", "items": [item.id], "engine": "modnet", "format": "PNG"})
    text = response.content.decode()
    assert response.status_code == 400 and "modnet.onnx" in text and "Choose U²-Net-p instead" in text
    assert not Job.objects.exists() and GalleryItem.objects.count() == 1 and media_files(settings) == files

    zh = _zh(user_client).get(f"{reverse('matting:cutout')}?source={item.id}").content.decode()
    assert "modnet.onnx" in zh and "checksum does not match" not in zh  # the reason is translated


def test_a_damaged_modnet_checkpoint_in_the_weights_folder_fails_the_job_naming_it(settings, user_client, user,
                                                                                  make_item, run_jobs):
    # an official-looking checkpoint in ML_WEIGHTS_DIR that is not MODNet's (junk bytes)
    (settings.ML_WEIGHTS_DIR / modnet_engine.PHOTOGRAPHIC_CKPT).write_bytes(b"not a checkpoint" * 64)
    registry.clear()
    item = make_item(user, image=figure())
    try:
        with run_jobs():
            response = user_client.post(f"{reverse('matting:cutout')}?source={item.id}", {
                "source": item.id, "items_sent": "1", "items": [item.id], "engine": "modnet", "format": "PNG"})
    finally:
        registry.clear()

    job = Job.objects.get(owner=user)
    assert response.status_code == 302 and job.status == Job.Status.FAILED and job.error_code == "engine_failed"
    assert modnet_engine.PHOTOGRAPHIC_CKPT in job.error_message and "Choose U²-Net-p instead" in job.error_message
    assert str(settings.ML_WEIGHTS_DIR) not in job.error_message  # the file's name, not the server's folders
    assert not job.outputs.exists() and GalleryItem.objects.count() == 1  # no cutout, no matte: only the photo
    result = user_client.get(reverse("matting:result", args=[job.id])).content.decode()
    assert modnet_engine.PHOTOGRAPHIC_CKPT in result and "Choose U²-Net-p instead" in result
