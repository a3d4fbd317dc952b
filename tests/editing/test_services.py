"""Crop and resize jobs end to end: service -> on_commit enqueue -> django-q2 (sync) -> runner -> handler."""

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from editing.services import crop_job_create, resize_job_create
from gallery.models import GalleryItem, Job
from tests import imaging
from tests.imaging import BLUE, RED

pytestmark = pytest.mark.django_db


def _is(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected))


def _succeeded(job: Job) -> Job:
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, (job.error_code, job.error_message)
    return job


# --- crop ------------------------------------------------------------------------------------------

def test_crop_job_create_crops_an_upload(user, run_jobs, settings):
    # given: a 64x48 upload
    # when
    with run_jobs():
        job = crop_job_create(user=user, params={"left": 25, "top": 0, "right": 75, "bottom": 50},
                              uploads=[imaging.png((64, 48), name="holiday.png")])
    # then: the job
    job = _succeeded(job)
    assert job.kind == "editing.crop"
    assert job.owner == user
    assert job.progress == 100
    assert job.engine == "pillow"
    assert job.error_code == "" and job.error_message == ""
    assert job.started_at and job.finished_at and job.heartbeat_at
    assert job.params == {"left": 25.0, "top": 0.0, "right": 75.0, "bottom": 50.0, "rotate": 0,
                          "flip_horizontal": False, "flip_vertical": False, "aspect": "free", "format": "same",
                          "quality": 92}
    # the upload became the input, the output points back at it
    source = job.inputs.get()
    assert source.kind == GalleryItem.Kind.UPLOAD and source.name == "holiday.png"
    out = job.outputs.get()
    assert out.parent == source
    assert out.job == job
    assert out.kind == GalleryItem.Kind.EDITED
    assert out.name == "holiday-crop"
    assert out.format == "PNG"
    assert (out.width, out.height) == (32, 24)
    assert out.metadata == {"operation": "editing.crop", "source_name": "holiday.png",
                            "from_size": [64, 48], "size": [32, 24]}
    # the result records the outputs and timings
    assert job.result["outputs"] == [str(out.id)]
    assert set(job.result["timings"]) == {"queue_wait_s", "compute_s", "total_s"}
    assert all(v >= 0 for v in job.result["timings"].values())
    # the file itself
    stored = imaging.open_stored(out.file)
    assert stored.size == (32, 24) and stored.format == "PNG"
    assert GalleryItem.objects.count() == 2
    assert len(imaging.media_files(settings.MEDIA_ROOT)) == 4  # two images, two thumbnails


def test_crop_job_create_rotates_then_crops_the_rotated_view(user, make_item, run_jobs):
    # given: 64x48, rotated 90° it is 48x64
    item = make_item(user, size=(64, 48))
    # when: the box is drawn on the rotated view
    with run_jobs():
        job = crop_job_create(user=user, sources=[item],
                              params={"rotate": 90, "left": 25, "top": 0, "right": 75, "bottom": 50})
    # then: x 12..36 of 48, y 0..32 of 64
    out = _succeeded(job).outputs.get()
    assert (out.width, out.height) == (24, 32)
    assert imaging.open_stored(out.file).size == (24, 32)
    assert out.metadata["from_size"] == [64, 48]


def test_crop_job_create_rotation_direction_is_clockwise(user, make_item, run_jobs):
    # given: left half red, right half blue
    item = make_item(user, image=imaging.two_colour((40, 20)))
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=[item], params={"rotate": 90})
    # then: turned clockwise, the left (red) edge is on top
    image = imaging.open_stored(_succeeded(job).outputs.get().file)
    assert image.size == (20, 40)
    assert _is(image.getpixel((10, 5)), RED)
    assert _is(image.getpixel((10, 35)), BLUE)


def test_crop_job_create_flips_horizontally(user, make_item, run_jobs):
    item = make_item(user, image=imaging.two_colour((40, 20)))
    with run_jobs():
        job = crop_job_create(user=user, sources=[item], params={"flip_horizontal": True})
    image = imaging.open_stored(_succeeded(job).outputs.get().file)
    assert image.size == (40, 20)
    assert _is(image.getpixel((5, 10)), BLUE)
    assert _is(image.getpixel((35, 10)), RED)


def test_crop_job_create_flips_vertically(user, make_item, run_jobs):
    # given: top red, bottom blue
    item = make_item(user, image=imaging.two_colour((40, 20)).rotate(90, expand=True))
    source = imaging.open_stored(item.file)
    assert _is(source.getpixel((10, 5)), BLUE) and _is(source.getpixel((10, 35)), RED)
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=[item], params={"flip_vertical": "on"})
    # then
    image = imaging.open_stored(_succeeded(job).outputs.get().file)
    assert _is(image.getpixel((10, 5)), RED)
    assert _is(image.getpixel((10, 35)), BLUE)


def test_crop_job_create_crop_keeps_the_chosen_half(user, make_item, run_jobs):
    item = make_item(user, image=imaging.two_colour((40, 20)))
    with run_jobs():
        job = crop_job_create(user=user, sources=[item], params={"left": 50, "right": 100})
    image = imaging.open_stored(_succeeded(job).outputs.get().file)
    assert image.size == (20, 20)
    assert {image.getpixel((x, y)) for x in range(20) for y in range(20)} == {BLUE}


def test_crop_job_create_batch_makes_one_output_per_input(user, make_item, run_jobs):
    # given
    items = [make_item(user, name=f"p{i}.png", size=(20 + 10 * i, 20)) for i in range(3)]
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=items, params={"right": 50})
    # then
    job = _succeeded(job)
    outputs = list(job.outputs.all())
    assert len(outputs) == 3
    assert {o.parent_id for o in outputs} == {i.id for i in items}
    assert sorted((o.name, o.width) for o in outputs) == [("p0-crop", 10), ("p1-crop", 15), ("p2-crop", 20)]
    assert len(job.result["outputs"]) == 3


def test_crop_job_create_batch_keeps_the_preset_aspect_for_every_image(user, make_item, run_jobs):
    # given: the box drawn on the first image turned right (48x64): 1:1, full width, centred
    # (y 8..56 = 12.5..87.5 %); the other two images have other proportions
    items = [make_item(user, name=f"p{i}.png", size=size) for i, size in enumerate([(64, 48), (30, 90), (100, 40)])]
    params = {"rotate": 90, "aspect": "1:1", "left": 0, "right": 100, "top": 12.5, "bottom": 87.5}
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=items, params=params)
    # then: every result is square, the largest square inside its own percent box (rotated 90x30:
    # box 90x22; rotated 40x100: box 40x76), and the first one is exactly the box that was drawn
    job = _succeeded(job)
    assert job.params["aspect"] == "1:1"
    sizes = sorted((o.name, o.width, o.height) for o in job.outputs.all())
    assert sizes == [("p0-crop", 48, 48), ("p1-crop", 22, 22), ("p2-crop", 40, 40)]
    for out in job.outputs.all():
        assert imaging.open_stored(out.file).size == (out.width, out.height)


def test_crop_job_create_batch_aspect_box_is_centred_on_the_same_point(user, make_item, run_jobs):
    # given: 4:3 drawn on the right half of a 80x30 image (x 40..80 = 40x30); the second image,
    # 60x60, is red on its left half and blue on its right, with a green band at x 44..46
    first = make_item(user, name="wide.png", size=(80, 30))
    second_image = imaging.two_colour((60, 60))
    second_image.paste((0, 200, 0), (44, 0, 46, 60))
    second = make_item(user, name="square.png", image=second_image)
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=[first, second],
                              params={"aspect": "4:3", "left": 50, "right": 100})
    # then: the second image's percent box (x 30..60, y 0..60) holds a 30x22 box of 4:3 centred
    # on the same point, (45, 30): the green band lies in its middle
    outs = {o.name: o for o in _succeeded(job).outputs.all()}
    assert (outs["wide-crop"].width, outs["wide-crop"].height) == (40, 30)
    assert (outs["square-crop"].width, outs["square-crop"].height) == (30, 22)
    image = imaging.open_stored(outs["square-crop"].file).convert("RGB")
    assert image.getpixel((14, 11)) == (0, 200, 0) and image.getpixel((15, 11)) == (0, 200, 0)
    assert image.getpixel((2, 2)) == BLUE and image.getpixel((2, 20)) == BLUE


def test_crop_job_create_free_aspect_keeps_the_percent_box(user, make_item, run_jobs):
    items = [make_item(user, name="a.png", size=(40, 40)), make_item(user, name="b.png", size=(80, 20))]
    with run_jobs():
        job = crop_job_create(user=user, sources=items, params={"aspect": "free", "right": 50})
    assert sorted((o.name, o.width, o.height) for o in _succeeded(job).outputs.all()) == [
        ("a-crop", 20, 40), ("b-crop", 40, 20)]


@pytest.mark.parametrize(
    ("fmt", "mode", "extension"),
    [("JPEG", "RGB", "jpg"), ("WEBP", "RGBA", "webp"), ("PNG", "RGBA", "png")],
)
def test_crop_job_create_converts_format(user, make_item, run_jobs, fmt, mode, extension):
    # given: a PNG with transparency
    item = make_item(user, image=Image.new("RGBA", (16, 16), (255, 0, 0, 128)))
    # when
    with run_jobs():
        job = crop_job_create(user=user, sources=[item], params={"format": fmt.lower(), "quality": 80})
    # then
    out = _succeeded(job).outputs.get()
    assert out.format == fmt
    assert out.file.name.endswith(f".{extension}")
    stored = imaging.open_stored(out.file)
    assert stored.format == fmt
    assert stored.mode == mode
    if fmt == "JPEG":  # flattened on white: half-transparent red becomes pink
        r, g, b = stored.getpixel((8, 8))
        assert r > 240 and 100 < g < 160 and 100 < b < 160


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"left": 60, "right": 40}, "right", "The right edge must be to the right of the left edge."),
        ({"left": 50, "right": 50}, "right", "The right edge must be to the right of the left edge."),
        ({"top": 80, "bottom": 10}, "bottom", "The bottom edge must be below the top edge."),
        ({"rotate": 45}, "rotate", "Rotate by 0, 90, 180 or 270 degrees."),
        ({"quality": 0}, "quality", "Quality must be between 1 and 100."),
        ({"quality": 101}, "quality", "Quality must be between 1 and 100."),
        ({"left": -1}, "left", "Must be between 0 and 100 percent."),
        ({"left": "abc"}, "left", "Enter a number."),
        ({"format": "GIF"}, "format", "Choose PNG, JPEG or WebP."),
        ({"aspect": "square"}, "aspect", "Give the aspect as width:height, such as 4:3, or “free”."),
        ({"aspect": "0:1"}, "aspect", "Give the aspect as width:height, such as 4:3, or “free”."),
    ],
)
def test_crop_job_create_refuses_bad_params(user, make_item, settings, params, field, message):
    # given
    item = make_item(user)
    files_before = imaging.media_files(settings.MEDIA_ROOT)
    # when
    with pytest.raises(ValidationError) as exc_info:
        crop_job_create(user=user, params=params, sources=[item], uploads=[imaging.png(name="new.png")])
    # then
    assert exc_info.value.message_dict == {field: [message]}
    assert Job.objects.count() == 0
    assert GalleryItem.objects.count() == 1  # the upload was not stored
    assert imaging.media_files(settings.MEDIA_ROOT) == files_before


def test_crop_job_create_needs_a_source(user):
    with pytest.raises(ValidationError) as exc_info:
        crop_job_create(user=user, params={})
    assert exc_info.value.code == "no_source"
    assert exc_info.value.messages == ["Choose an image: upload one or pick one from your gallery."]
    assert Job.objects.count() == 0


def test_crop_job_create_refuses_bad_upload_and_stores_nothing(user, settings):
    with pytest.raises(ValidationError) as exc_info:
        crop_job_create(user=user, params={}, uploads=[imaging.png(name="ok.png"), imaging.file("bad.png", b"x")])
    assert exc_info.value.code == "not_an_image"
    assert Job.objects.count() == 0 and GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_crop_job_create_refuses_another_users_item(user, other_user, make_item):
    from core.exceptions import ApplicationError

    foreign = make_item(other_user)
    with pytest.raises(ApplicationError) as exc_info:
        crop_job_create(user=user, params={}, sources=[foreign])
    assert (exc_info.value.code, exc_info.value.status) == ("not_found", 404)
    assert Job.objects.count() == 0


def test_crop_job_create_refuses_too_many_sources(user, make_item, settings):
    settings.UPLOAD_MAX_FILES = 2
    items = [make_item(user, name=f"{i}.png") for i in range(3)]
    with pytest.raises(ValidationError) as exc_info:
        crop_job_create(user=user, params={}, sources=items)
    assert exc_info.value.code == "too_many_files"
    assert Job.objects.count() == 0


def test_crop_job_create_enqueues_only_on_commit(user, make_item, django_capture_on_commit_callbacks):
    # given / when: the transaction has not committed
    item = make_item(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = crop_job_create(user=user, params={}, sources=[item])
    # then: queued, nothing ran, one enqueue waiting for the commit
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.progress == 0
    assert job.outputs.count() == 0
    assert len(callbacks) == 1


# --- resize ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("params", "size"),
    [
        ({"width": 32}, (32, 24)),  # keep_aspect defaults to on
        ({"height": 12}, (16, 12)),
        ({"percent": 50}, (32, 24)),
        ({"percent": 200}, (128, 96)),
        ({"width": 100, "height": 30}, (40, 30)),  # fit inside the box
        ({"width": 10, "height": 100}, (10, 8)),  # 7.5 rounds to 8
        ({"width": 10, "height": 10, "keep_aspect": False}, (10, 10)),
        ({"width": 10, "keep_aspect": "false"}, (10, 48)),
        ({"width": 64, "height": 48}, (64, 48)),  # same size: a copy
    ],
)
def test_resize_job_create_target_size(user, make_item, run_jobs, params, size):
    # given
    item = make_item(user, size=(64, 48), name="pic.png")
    # when
    with run_jobs():
        job = resize_job_create(user=user, params=params, sources=[item])
    # then
    out = _succeeded(job).outputs.get()
    assert (out.width, out.height) == size
    assert imaging.open_stored(out.file).size == size
    assert out.name == f"pic-{size[0]}x{size[1]}"
    assert out.metadata == {"operation": "editing.resize", "source_name": "pic.png",
                            "from_size": [64, 48], "size": list(size)}
    assert out.parent == item


def test_resize_job_create_keeps_colours_with_nearest(user, make_item, run_jobs):
    item = make_item(user, image=imaging.two_colour((40, 20)))
    with run_jobs():
        job = resize_job_create(user=user, sources=[item], params={"percent": 50, "filter": "nearest"})
    image = imaging.open_stored(_succeeded(job).outputs.get().file)
    assert image.size == (20, 10)
    assert image.getpixel((2, 5)) == RED and image.getpixel((17, 5)) == BLUE


def test_resize_job_create_to_jpeg_and_webp(user, make_item, run_jobs):
    item = make_item(user)
    with run_jobs():
        jpeg_job = resize_job_create(user=user, sources=[item], params={"percent": 50, "format": "jpg"})
        webp_job = resize_job_create(user=user, sources=[item], params={"percent": 50, "format": "WEBP"})
    jpeg = imaging.open_stored(_succeeded(jpeg_job).outputs.get().file)
    webp = imaging.open_stored(_succeeded(webp_job).outputs.get().file)
    assert (jpeg.format, jpeg.mode, jpeg.size) == ("JPEG", "RGB", (32, 24))
    assert (webp.format, webp.size) == ("WEBP", (32, 24))


@pytest.mark.parametrize(
    ("params", "code", "messages"),
    [
        ({}, "no_size", ["Enter a width, a height or a percentage."]),
        ({"width": "", "height": None}, "no_size", ["Enter a width, a height or a percentage."]),
        ({"width": 0}, "invalid", ["Must be between 1 and 20000 pixels."]),
        ({"height": 20001}, "invalid", ["Must be between 1 and 20000 pixels."]),
        ({"percent": 0.5}, "invalid", ["Must be between 1 and 1000 percent."]),
        ({"width": 10, "filter": "magic"}, "invalid", ["Unknown resampling filter."]),
        ({"width": 10, "quality": 0}, "invalid", ["Quality must be between 1 and 100."]),
    ],
)
def test_resize_job_create_refuses_bad_params(user, make_item, params, code, messages):
    item = make_item(user)
    with pytest.raises(ValidationError) as exc_info:
        resize_job_create(user=user, params=params, sources=[item])
    assert exc_info.value.messages == messages
    assert (exc_info.value.error_list[0].code if not hasattr(exc_info.value, "error_dict") else "invalid") == code
    assert Job.objects.count() == 0


def test_resize_job_create_refuses_result_over_pixel_limit(user, settings):
    # given: 10x10 is allowed, 100x100 would not be
    settings.UPLOAD_MAX_PIXELS = 5000
    # when
    with pytest.raises(ValidationError) as exc_info:
        resize_job_create(user=user, params={"percent": 1000}, uploads=[imaging.png((10, 10), name="s.png")])
    # then: refused at submit; the upload is not kept either
    assert exc_info.value.code == "too_many_pixels"
    assert exc_info.value.messages == ["The result would be 100×100, more than the 0.005 megapixel limit."]
    assert Job.objects.count() == 0
    assert GalleryItem.objects.count() == 0
    assert imaging.media_files(settings.MEDIA_ROOT) == []


def test_resize_job_create_checks_every_source_against_the_limit(user, make_item, settings):
    small, big = make_item(user, size=(10, 10)), make_item(user, size=(60, 60))
    settings.UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as exc_info:
        resize_job_create(user=user, params={"percent": 200}, sources=[small, big])
    assert exc_info.value.code == "too_many_pixels"
    assert Job.objects.count() == 0
