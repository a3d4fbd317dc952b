"""The "Save as" select of Text in images shows its whole label ("Same as original (JPEG)"), at desktop
and phone widths, in both languages: it used to be squeezed beside Quality and cut off."""

import re

import pytest
from PIL import Image

from tests.e2e.helpers import login, shot

# the width the selected option's text needs in the select's own font, against the room the select gives it
LABEL_FITS = """() => {
  const select = document.querySelector('.tx-save select');
  const style = getComputedStyle(select);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = select.options[select.selectedIndex].text;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
  return {text, need: ctx.measureText(text).width, room};
}"""


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_save_as_shows_the_whole_label(browser, live_server, make_user, tmp_path, width, height, language):
    make_user("mei", "bronze-bird-2026")
    Image.new("RGB", (640, 420), (240, 236, 228)).save(tmp_path / "card.jpg", quality=90)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                  locale="en-US" if language == "en" else "zh-CN")
    page = context.new_page()
    try:
        login(page, "mei", "bronze-bird-2026")
        page.goto("/edit/text/?mode=add")
        page.set_input_files("[data-testid=upload-input]", str(tmp_path / "card.jpg"))
        page.click("[data-testid=upload-submit]")
        page.wait_for_url(re.compile(r"/edit/text/\?mode=add&source="))
        fit = page.evaluate(LABEL_FITS)
        shot(page, f"save-as-{language}-{width}")
        assert "JPEG" in fit["text"] and fit["need"] <= fit["room"], fit
    finally:
        context.close()
