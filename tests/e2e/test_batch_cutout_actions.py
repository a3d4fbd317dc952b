"""A batch's cutouts each show their tools (open, new background, touch-up, download), and "new background
for all" puts every cutout on one background in one job (issue 18, item 4)."""

import re

from PIL import Image

from gallery.models import Job
from matting.services import BACKGROUND_KIND, CUTOUT_KIND
from tests.e2e.helpers import login, shot
from tests.matting.helpers import half_cutout

SIZE = (120, 90)


def test_batch_results_show_their_tools_and_take_one_background_for_all(page, make_user, make_item, settings, tmp_path):
    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    user = make_user("mei", "paper-cut-2026")
    batch = Job.objects.create(owner=user, kind=CUTOUT_KIND, status=Job.Status.SUCCEEDED, params={"engine": "u2netp"})
    for name in ("anna", "bo", "chen"):
        photo = make_item(user, name=f"{name}.jpg", image=Image.new("RGB", SIZE, (0, 160, 0)), fmt="JPEG")
        make_item(user, name=f"{name}-cutout", image=half_cutout(SIZE), kind="cutout", parent=photo, job=batch,
                  metadata={"engine": "u2netp", "role": "cutout"})
        make_item(user, name=f"{name}-matte", image=Image.new("L", SIZE, 255), kind="matte", parent=photo, job=batch)

    login(page, "mei", "paper-cut-2026")
    page.goto(f"/cutout/jobs/{batch.id}/")
    tiles = page.locator("[data-testid=cutout-tile]")
    assert tiles.count() == 3
    for index in range(3):
        tile = tiles.nth(index)
        for action in ("tile-open", "tile-background", "tile-touchup", "tile-download"):
            assert tile.locator(f"[data-testid={action}]").is_visible(), (index, action)
    shot(page, "batch-actions")

    page.click("[data-testid=tile-open] >> nth=0")
    page.wait_for_url(re.compile(r"/cutout/[0-9a-f-]+/$"))
    page.go_back()

    page.check("[data-testid=batch-mode-blur]")
    page.click("[data-testid=batch-background-submit]")
    page.wait_for_url(re.compile(r"/cutout/jobs/(?!%s)" % batch.id))
    job = Job.objects.get(kind=BACKGROUND_KIND)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert page.locator("[data-testid=composite]").count() == 3
    assert sorted(o.parent.name for o in job.outputs.all()) == ["anna-cutout", "bo-cutout", "chen-cutout"]
