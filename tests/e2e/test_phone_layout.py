"""Phone layout in real Chromium: every page of the studio, at 360, 390 and 414 px wide, with real
objects behind it (finished cutout, background, OCR, text and generation jobs, a batch, a token), in
both languages, must not scroll sideways, and no visible element may stick out past the right edge
(a button pushed out of its card counts even when the page itself does not scroll). Which pages are
visited is checked against the URL resolver: a new page must be added here (or named, with why, as
not a page). Then the touch-up brush is used with a finger (touch emulation) and changes the matte.

SCREENSHOT_DIR keeps a screenshot of every page at 390 px."""

import io
import re
import uuid
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from tests.e2e.helpers import login, shot
from tests.generation.conftest import _fake_server, fake_dashscope  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e]

WIDTHS = (360, 390, 414)
PASSWORD = "narrow-screen-2026"

# Routes that are not pages a person opens: files, downloads, JSON, POST-only actions, fragments.
NOT_PAGES = {
    "healthz": "JSON health check",
    "imagetext:text-preview": "POST: a PNG of one text box, drawn by the job's renderer (shown inside imagetext:text)",
    "favicon": "the icon (a redirect to the static file)",
    "admin-thumbnail": "an image file for the admin site",
    "set_language": "POST: switches the language",
    "accounts:language": "POST: switches the language",
    "accounts:token-create": "POST: makes an API token (the tokens are on accounts:settings)",
    "accounts:token-revoke": "POST: revokes a token",
    "accounts:delete": "POST: deletes the account (its form is on accounts:settings)",
    "gallery:upload": "POST: stores uploads and redirects",
    "gallery:bulk": "POST: bulk delete / zip",
    "gallery:item-delete": "POST: deletes an item",
    "gallery:item-file": "the image file",
    "gallery:item-thumbnail": "the thumbnail file",
    "gallery:item-download": "a download",
    "gallery:job-cancel": "POST: cancels a job",
    "imagetext:text-lines-status": "htmx fragment of the text page (polled while lines are found)",
    "ocr:export-txt": "a download",
    "ocr:export-json": "a download",
    "matting:zip": "a download",
    "matting:background": "POST: makes a new background (its form is on matting:detail)",
    "matting:batch-background": "POST: new background for a batch (its form is on matting:result)",
    "generation:key": "POST: saves a DashScope key",
    "account_confirm_login_code": "login by code is off (redirects to login)",
    "account_email_verification_sent": "e-mail verification is off",
    "account_confirm_email": "e-mail verification is off",
}
# Whole namespaces that are not the studio's pages: Django's admin, and the JSON API (its docs page
# is a page and is visited).
NOT_PAGE_NAMESPACES = {"admin": "Django's admin site", "api": "JSON API"}
API_PAGES = {"api:docs"}


def routes() -> set[str]:
    names: set[str] = set()

    def walk(resolver, ns=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                names.add(ns + p.name)

    walk(get_resolver())
    return names


def png_file(path, image):
    image.save(path, "PNG")
    return str(path)


@pytest.fixture
def studio(make_user, make_item, settings, tmp_path, fake_dashscope):  # noqa: F811
    """A user with one of everything, made through the services (jobs run inline)."""
    from accounts.services import api_token_create
    from editing.services import crop_job_create
    from imagetext.services import text_add_job_create
    from generation.services import generation_job_create
    from matting.services import background_job_create, cutout_job_create
    from ocr.services import ocr_job_create
    from tests.matting.helpers import figure, portrait
    from tests.ocr_images import ENGLISH_PARAGRAPH, render_lines

    settings.ML_WEIGHTS_DIR = tmp_path / "weights"
    settings.OCR_ALLOW_FAKE = True
    user = make_user("mei", PASSWORD)
    photo = make_item(user, name="a-rather-long-file-name-of-a-portrait-photo-2026.jpg", image=portrait(0.4), fmt="JPEG")
    second = make_item(user, name="figure.png", image=figure((240, 300)))
    text_image = make_item(user, name="museum.png", image=render_lines(ENGLISH_PARAGRAPH))
    cutout_job = cutout_job_create(user=user, params={"engine": "u2netp"}, sources=[photo])
    batch_job = cutout_job_create(user=user, params={"engine": "u2netp"}, sources=[photo, second])
    cutout = cutout_job.outputs.get(kind="cutout")
    background_job = background_job_create(user=user, params={"mode": "color", "color": "#2563eb"}, sources=[cutout])
    ocr_job = ocr_job_create(user=user, params={"engine": "fake"}, sources=[text_image])
    crop_job = crop_job_create(user=user, params={"right": 50}, sources=[photo])
    text_job = text_add_job_create(user=user, params={"boxes": [{"box": [20, 20, 400, 90], "text": "开放时间"}]},
                                   sources=[text_image])
    gen_job = generation_job_create(user=user, params={"model": "wanx2.1-t2i-turbo", "prompt": "剪纸风格的青铜鸟",
                                                       "size": "512*512"})
    api_token_create(user=user, name="a phone")
    for job in (cutout_job, batch_job, background_job, ocr_job, crop_job, text_job, gen_job):
        job.refresh_from_db()
        assert job.status == "succeeded", (job.kind, job.error_message)
    return {"user": user, "photo": photo, "cutout": cutout, "cutout_job": cutout_job, "batch_job": batch_job,
            "background_job": background_job, "ocr_job": ocr_job, "crop": crop_job.outputs.get(),
            "text_job": text_job, "gen_job": gen_job, "generated": gen_job.outputs.first(), "second": second,
            "text_image": text_image}


def signed_in_pages(s) -> dict[str, list[str]]:
    photo, cutout, batch = s["photo"].id, s["cutout"].id, f"{s['photo'].id},{s['second'].id}"
    return {
        "home": ["/"],
        "gallery:list": ["/gallery/", "/gallery/?kind=cutout"],
        "gallery:item-detail": [f"/gallery/{photo}/", f"/gallery/{cutout}/", f"/gallery/{s['crop'].id}/",
                                f"/gallery/{s['generated'].id}/"],
        "gallery:job-list": ["/gallery/jobs/"],
        "gallery:job-detail": [f"/gallery/jobs/{s[k].id}/" for k in ("cutout_job", "batch_job", "ocr_job",
                                                                       "text_job", "gen_job")],
        "editing:crop": ["/edit/crop/", f"/edit/crop/?source={photo}", f"/edit/crop/?source={photo}&batch={batch}"],
        "editing:resize": ["/edit/resize/", f"/edit/resize/?source={photo}", f"/edit/resize/?source={photo}&batch={batch}"],
        "imagetext:text": ["/edit/text/"] + [f"/edit/text/?mode={m}&source={s['text_image'].id}"
                                             for m in ("add", "modify", "remove", "generate")],
        "imagetext:text-result": [f"/edit/text/jobs/{s['text_job'].id}/"],
        "ocr:read": ["/ocr/", f"/ocr/?source={photo}"],
        "ocr:result": [f"/ocr/jobs/{s['ocr_job'].id}/"],
        "matting:cutout": ["/cutout/", f"/cutout/?source={photo}&batch={batch}"],
        "matting:result": [f"/cutout/jobs/{s[k].id}/" for k in ("cutout_job", "batch_job", "background_job")],
        "matting:detail": [f"/cutout/{cutout}/"],
        "matting:touchup": [f"/cutout/{cutout}/touchup/"],
        "generation:generate": ["/generate/"],
        "generation:result": [f"/generate/jobs/{s['gen_job'].id}/"],
        "accounts:settings": ["/settings/"],
        "account_change_password": ["/accounts/password/change/"],
        "account_set_password": ["/accounts/password/set/"],
        "account_email": ["/accounts/email/"],
        "account_reauthenticate": ["/accounts/reauthenticate/"],
        "account_logout": ["/accounts/logout/"],
        "api:docs": ["/api/v1/docs/"],
        "404": [f"/gallery/{uuid.uuid4()}/"],
    }


SIGNED_OUT_PAGES = {
    "account_login": ["/accounts/login/"],
    "account_signup": ["/accounts/signup/"],
    "account_inactive": ["/accounts/inactive/"],
    "account_reset_password": ["/accounts/password/reset/"],
    "account_reset_password_done": ["/accounts/password/reset/done/"],
    "account_reset_password_from_key": ["/accounts/password/reset/key/1-set-password/"],
    "account_reset_password_from_key_done": ["/accounts/password/reset/key/done/"],
}

# What a page that has scrolled sideways, or an element that sticks out, looks like from inside the
# page: elements clipped by a scrolling or overflow-hidden box inside the viewport are fine (a wide
# table scrolls in its own box), and so are hidden ones (the closed sidebar).
OVERFLOW_JS = """(vw) => {
  const out = [];
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible' && a.getBoundingClientRect().right <= vw + 1) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' && r.left >= vw) continue;
    if (clipped(el)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      (el.dataset.testid ? `[${el.dataset.testid}]` : '');
    out.push(`${name} right=${Math.round(r.right)}`);
  }
  // a button cut off by a card that hides its overflow does not scroll the page, but cannot be read
  // or reached either (the job page's "Use as input for" row lost its third button so)
  // (a colour input is cropped on purpose by its swatch-shaped label)
  for (const el of document.body.querySelectorAll('a.button, button, .button, input:not([type=color]), select')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') break;
      if ((ox === 'hidden' || ox === 'clip') && r.right > a.getBoundingClientRect().right + 1) {
        out.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 20)}" cut off at right=${Math.round(a.getBoundingClientRect().right)} (ends at ${Math.round(r.right)})`);
        break;
      }
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, out: out.slice(0, 8)};
}"""


def check(page, url, width, problems, label):
    """A phone browser (is_mobile) that meets a page wider than the screen zooms out until it fits,
    and then reports the wider layout as innerWidth: so both are compared with the screen's width."""
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    page.wait_for_load_state("load")
    found = page.evaluate(OVERFLOW_JS, width)
    if max(found["scrollWidth"], found["innerWidth"]) > width:
        problems.append(f"{label} {url}: scrollWidth {found['scrollWidth']}, innerWidth {found['innerWidth']} "
                        f"> {width}: {found['out']}")
    elif found["out"]:
        problems.append(f"{label} {url}: {found['out']}")
    return found


def test_the_visited_pages_are_every_page_of_the_resolver():
    anything = defaultdict(lambda: SimpleNamespace(id=uuid.uuid4()))
    pages = set(signed_in_pages(anything)) | set(SIGNED_OUT_PAGES)
    missing = {name for name in routes() - pages - set(NOT_PAGES)
               if name.split(":")[0] not in NOT_PAGE_NAMESPACES or name in API_PAGES}
    assert not missing, f"pages not visited by the phone layout test (add them, or to NOT_PAGES): {sorted(missing)}"
    assert not set(NOT_PAGES) - routes(), "NOT_PAGES names a route that is gone"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, studio, language, request):
    problems: list[str] = []
    visited = 0
    for width in WIDTHS:
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 844},
                                      device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="en-US" if language == "en" else "zh-CN")
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15000)
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for name, urls in SIGNED_OUT_PAGES.items():
            for url in urls:
                check(page, url, width, problems, f"{width}px {language} {name}")
                visited += 1
        login(page, "mei", PASSWORD)
        for name, urls in signed_in_pages(studio).items():
            for i, url in enumerate(urls):
                check(page, url, width, problems, f"{width}px {language} {name}")
                visited += 1
                if width == 390:
                    shot(page, f"{language}-{name.replace(':', '-')}-{i}")
        context.close()
        assert not violations, violations
    assert visited > 3 * 40
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_paint_the_matte_with_a_finger(browser, live_server, studio):
    """The touch-up page on a phone: the brush follows a finger (touch pointer events, no scrolling
    of the page while painting) and the saved matte is white where the finger went."""
    import numpy as np

    from gallery.models import Job

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-US")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "mei", PASSWORD)
    cutout = studio["cutout"]
    page.goto(f"/cutout/{cutout.id}/touchup/")
    page.wait_for_selector("[data-testid=touchup-stage][data-ready=true]")
    canvas = page.locator("[data-testid=touchup-stage] canvas")
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=touchup-stage] canvas')).touchAction") == "none"
    # the tools are big enough for a finger (44 px, the common guideline), and brush, eraser and
    # undo are also in the toolbar right above the canvas (the side panel is far below on a phone)
    for testid in ("quick-brush", "quick-eraser", "quick-undo", "tool-brush", "tool-eraser", "undo", "touchup-save"):
        box = page.locator(f"[data-testid={testid}]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (testid, box)
    stage_top = page.locator("[data-testid=touchup-stage]").bounding_box()["y"]
    assert 0 < stage_top - page.locator("[data-testid=quick-eraser]").bounding_box()["y"] < 120
    page.locator("[data-testid=quick-eraser]").tap()
    assert page.get_attribute("[data-testid=tool-eraser]", "aria-pressed") == "true"
    page.eval_on_selector("[data-testid=brush-size]", "el => { el.value = '80'; el.dispatchEvent(new Event('input')); }")
    page.fill("[data-testid=brush-softness]", "0")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scroll_before = page.evaluate("window.scrollY")
    # a finger stroke across the middle of the person: touchstart / touchmove / touchend through CDP
    cdp = context.new_cdp_session(page)
    y = box["y"] + box["height"] * 0.62
    xs = [box["x"] + box["width"] * f for f in (0.35, 0.42, 0.5, 0.58, 0.65)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": xs[0], "y": y}]})
    for x in xs[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_function("() => document.querySelector('[data-testid=touchup-stage]').dataset.strokes === '1'")
    assert page.evaluate("window.scrollY") == scroll_before  # the finger painted, it did not scroll
    # Chromium's gesture detector turns a tap into a click only once the previous touch sequence has settled
    page.wait_for_timeout(600)
    page.locator("[data-testid=touchup-save]").tap()
    page.wait_for_url(re.compile(r"/cutout/jobs/"))
    page.wait_for_selector("[data-testid=cutout-result][data-status=succeeded]")
    touchup = Job.objects.get(kind="matting.touchup")
    matte = touchup.inputs.get(kind="matte")
    with matte.file.open("rb") as fh:
        edited = np.asarray(Image.open(io.BytesIO(fh.read())).convert("L"), dtype=float)
    old = studio["cutout"]
    with old.file.open("rb") as fh:
        before = np.asarray(Image.open(io.BytesIO(fh.read())).getchannel("A"), dtype=float)
    # the erased band, in photo pixels: dark now, mostly opaque before
    h, w = edited.shape
    row = round(h * 0.62)
    band = (slice(row - 5, row + 5), slice(round(w * 0.42), round(w * 0.58)))
    assert before[band].mean() > 128 and edited[band].mean() < 40, (before[band].mean(), edited[band].mean())
    # and untouched elsewhere (the top rows)
    assert abs(edited[: h // 8].mean() - before[: h // 8].mean()) < 8
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_at_desktop_size(browser, live_server, studio, language):
    """The same walk at 1440x900: nothing sticks out there either, and SCREENSHOT_DIR keeps every page
    (the desktop half of the screenshots a release is looked at by)."""
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900},
                                  locale="en-US" if language == "en" else "zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    for name, urls in SIGNED_OUT_PAGES.items():
        for i, url in enumerate(urls):
            check(page, url, 1440, problems, f"1440px {language} {name}")
            shot(page, f"desktop-{language}-{name.replace(':', '-')}-{i}")
    login(page, "mei", PASSWORD)
    for name, urls in signed_in_pages(studio).items():
        for i, url in enumerate(urls):
            check(page, url, 1440, problems, f"1440px {language} {name}")
            shot(page, f"desktop-{language}-{name.replace(':', '-')}-{i}")
    context.close()
    assert not problems, "\n".join(problems)
