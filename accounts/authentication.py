from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiToken
from accounts.services import TOKEN_PREFIX, api_token_hash


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ist_...` (or `Token ist_...`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid API token."))
        token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(header[1])).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid API token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"
