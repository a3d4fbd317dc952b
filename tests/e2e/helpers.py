"""What the browser tests share: signing in, dragging on a canvas, screenshots on request."""

import os
import re


def login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def drag(page, selector, start, end):
    """Drags across the element from start to end, given as fractions of its size."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    for step in range(1, 6):
        f = step / 5
        page.mouse.move(box["x"] + box["width"] * (start[0] + (end[0] - start[0]) * f),
                        box["y"] + box["height"] * (start[1] + (end[1] - start[1]) * f))
    page.mouse.up()


def shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
