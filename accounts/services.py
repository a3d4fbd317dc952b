import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from core.exceptions import ApplicationError

TOKEN_PREFIX = "ist_"
MAX_TOKENS_PER_USER = 20


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and its secret; the secret is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), code="name_required")
    if len(name) > 64:
        raise ApplicationError(_("The name can be at most 64 characters."), code="name_too_long")
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ApplicationError(_("You already have the maximum number of tokens."), code="too_many_tokens")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6], key_hash=api_token_hash(secret))
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def user_language_set(*, user: User, language: str) -> None:
    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language."), code="bad_language")
    user.language = language
    user.save(update_fields=["language"])


def user_delete_with_data(*, user: User) -> None:
    """Deletes the account, every gallery item and job, and their files."""
    from gallery.services import gallery_items_delete
    from gallery.models import GalleryItem

    with transaction.atomic():
        gallery_items_delete(items=GalleryItem.objects.filter(owner=user))
        user.delete()
