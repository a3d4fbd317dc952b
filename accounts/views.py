from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import AccountDeleteForm, ApiTokenForm, LanguageForm
from core.exceptions import ApplicationError


def _with_language_cookie(response, language: str):
    from django.conf import settings

    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@login_required
def settings_page(request):
    context = {
        "language_form": LanguageForm(initial={"language": request.user.language}),
        "token_form": ApiTokenForm(),
        "delete_form": AccountDeleteForm(user=request.user),
        "tokens": selectors.api_token_list(user=request.user),
        "new_token": request.session.pop("new_api_token", None),
    }
    return render(request, "accounts/settings.html", context)


@require_POST
def language_set(request):
    """Switches language for anyone; a signed-in user's choice is also saved to their account."""
    form = LanguageForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else ""
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    if language:
        translation.activate(language)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.POST.get("from") == "settings":
        messages.success(request, _("Language saved."))
    return _with_language_cookie(HttpResponseRedirect(target), language)


@login_required
@require_POST
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            # Shown once on the next page view, then gone: only its hash is stored.
            request.session["new_api_token"] = {"name": token.name, "secret": secret}
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("accounts:settings")


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = get_object_or_404(selectors.api_token_list(user=request.user), id=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:settings")


@login_required
@require_POST
def account_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        context = {
            "language_form": LanguageForm(initial={"language": request.user.language}),
            "token_form": ApiTokenForm(),
            "delete_form": form,
            "tokens": selectors.api_token_list(user=request.user),
        }
        return render(request, "accounts/settings.html", context, status=400)
    user = request.user
    logout(request)
    services.user_delete_with_data(user=user)
    messages.success(request, _("Your account and all your images have been deleted."))
    return redirect("account_login")
