"""DashScope keys: the server's (settings), a user's own (saved encrypted, shown only as its last
four characters), or one typed for a single request and never stored.

A typed key must reach the worker, which may be another process or machine. It is not put in the
job's params (those are stored, and returned by the API). It is encrypted with a key derived for this
purpose and put in the shared cache under the job's id, for at most the queue timeout; the handler
takes it out (reads and deletes it) when the job starts. So the plain key is never written anywhere,
and its ciphertext lives only while the job waits, in the cache (the database cache table, or Redis).
With the test settings (sync jobs) the cache is in-process memory."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from generation import crypto
from generation.models import DashScopeCredential

SAVED, TYPED, SERVER = "saved", "typed", "server"
_TYPED_PURPOSE = "typed-key"
_SAVED_PURPOSE = "saved-key"


def _clean(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise ApplicationError(_("Enter the API key."), code="key_required")
    if len(key) > 200 or any(c.isspace() for c in key):
        raise ApplicationError(_("That does not look like a DashScope API key."), code="key_invalid")
    return key


@transaction.atomic
def credential_save(*, user, key: str) -> DashScopeCredential:
    key = _clean(key)
    credential, _created = DashScopeCredential.objects.update_or_create(
        user=user, defaults={"ciphertext": crypto.encrypt(key, purpose=_SAVED_PURPOSE), "last4": key[-4:]},
    )
    return credential


def credential_delete(*, user) -> bool:
    return bool(DashScopeCredential.objects.filter(user=user).delete()[0])


def credential_get(*, user) -> DashScopeCredential | None:
    return DashScopeCredential.objects.filter(user=user).first()


def saved_key(*, user_id) -> str:
    credential = DashScopeCredential.objects.filter(user_id=user_id).first()
    if credential is None:
        return ""
    return crypto.decrypt(credential.ciphertext, purpose=_SAVED_PURPOSE) or ""


def server_key_present() -> bool:
    return bool(settings.DASHSCOPE_API_KEY)


def _cache_key(job_id) -> str:
    return f"generation:typed-key:{job_id}"


def typed_key_stash(*, job_id, key: str) -> None:
    ttl = settings.JOB_TIMEOUT_SECONDS + 3600  # waits in the queue at most this long
    cache.set(_cache_key(job_id), crypto.encrypt(key, purpose=_TYPED_PURPOSE), timeout=ttl)


def typed_key_take(*, job_id) -> str:
    token = cache.get(_cache_key(job_id))
    cache.delete(_cache_key(job_id))
    if not token:
        return ""
    return crypto.decrypt(token, purpose=_TYPED_PURPOSE, ttl=settings.JOB_TIMEOUT_SECONDS + 3600) or ""


def key_source_default(*, user) -> str:
    return SAVED if credential_get(user=user) else SERVER


def typed_when_unsaid(params: dict, typed: str) -> None:
    """The API's rule: a key typed without saying which key to use is the one to use."""
    if typed and "key_source" not in params:
        params["key_source"] = TYPED


def key_check(*, user, source: str, typed: str) -> str:
    """Before a job is created: the chosen source can give a key. Returns the cleaned typed key."""
    if source == TYPED:
        return _clean(typed)
    if source == SAVED and credential_get(user=user) is None:
        raise ApplicationError(_("You have no saved DashScope key. Save one, or choose another key."),
                               code="missing_key")
    if source == SERVER and not server_key_present():
        raise ApplicationError(
            _("This server has no DashScope API key. Save your own key, or type one for this request."),
            code="missing_key",
        )
    return ""


def key_for_job(*, job) -> str:
    """In the worker: the key the job was submitted with ('' when it is gone)."""
    source = job.params.get("key_source", SERVER)
    if source == TYPED:
        return typed_key_take(job_id=job.id)
    if source == SAVED:
        return saved_key(user_id=job.owner_id)
    return settings.DASHSCOPE_API_KEY
