"""/favicon.ico: browsers and bookmark tools ask for it at the site root whatever the page links.
The file itself is a static file (static/favicon.ico), served by whitenoise under its hashed name;
this answers with a redirect there, so the root URL never 404s and the icon stays cacheable."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    response = HttpResponseRedirect(static("favicon.ico"))
    # The target's name changes with its content (manifest storage): a day, not forever.
    response["Cache-Control"] = "public, max-age=86400"
    return response
