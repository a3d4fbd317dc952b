import re

from django.urls import reverse


def test_api_docs_page_loads_swagger_from_our_own_static_files(user_client):
    response = user_client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in s for s in sources)
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
