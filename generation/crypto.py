"""Encryption of DashScope keys (Fernet: AES-128-CBC + HMAC-SHA256). The key comes from the
environment (DASHSCOPE_KEY_ENCRYPTION_KEY; a Fernet key, or any long secret that is hashed into one);
when it is unset it is derived from DJANGO_SECRET_KEY, which also comes from the environment. Each
purpose gets its own derived key, so a saved-key ciphertext cannot be replayed as a typed-key one."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    secret = settings.DASHSCOPE_KEY_ENCRYPTION_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"studio.generation.{purpose}|{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str, ttl: int | None = None) -> str | None:
    """The plain value, or None when the token is not ours, was tampered with, or is older than `ttl`."""
    try:
        return _fernet(purpose).decrypt(token.encode(), ttl=ttl).decode()
    except (InvalidToken, ValueError):
        return None
