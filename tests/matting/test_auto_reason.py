"""The reason `auto` gives for its choice reads as words on the cutout page, in the user's language: the
person test's reason ("person": a small person's face found in the box round MODNet's subject) too."""

import pytest
from django.urls import reverse

from .helpers import half_cutout

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, words", [("en", "a small person's face on the person MODNet found"),
                                             ("zh-hans", "在 MODNet 找到的人物上发现了较小的人脸")])
def test_the_person_reason_is_shown_in_words(user_client, user, make_item, language, words):
    from django.utils import translation

    from gallery.templatetags.studio import readable

    cutout = make_item(user, name="p-cutout", image=half_cutout((80, 60)), kind="cutout",
                       metadata={"engine": "modnet", "auto": {"chose": "modnet", "reason": "person", "faces": 1}})
    user_client.cookies["django_language"] = language

    page = user_client.get(reverse("matting:detail", args=[cutout.id])).content.decode()

    assert 'data-chose="modnet" data-reason="person"' in page and words in page
    with translation.override(language):  # the gallery's metadata table says it in words too
        assert str(readable("person", "reason")) != "person"
