"""Settings a deployment depends on, checked in fresh processes (settings are read at import):
no start without a secret key, `check --deploy` clean under the documented production settings (docs/operations.md),
and the security headers on pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-deployment-key-" + "x" * 48


def _manage(tmp_path, *args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATA_DIR": str(tmp_path), **env},
    )


def test_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(tmp_path, "check")
    assert result.returncode != 0
    assert "No secret key: set DJANGO_SECRET_KEY" in result.stderr
    assert "dev-only" not in result.stdout + result.stderr


def test_starts_with_a_key_a_key_file_or_in_debug(tmp_path):
    assert _manage(tmp_path, "check", DJANGO_SECRET_KEY=KEY).returncode == 0
    (tmp_path / "secret_key").write_text(KEY + "\n")  # what scripts/run.sh writes on first start
    assert _manage(tmp_path, "check").returncode == 0
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert _manage(other, "check", DJANGO_DEBUG="true").returncode == 0


def test_check_deploy_passes_with_the_readme_production_settings(tmp_path):
    # given: the production settings of docs/operations.md ("A real deployment") and README.md
    env = {"DJANGO_SECRET_KEY": KEY, "DJANGO_ALLOWED_HOSTS": "studio.example.com", "DJANGO_HTTPS": "true",
           "DJANGO_CSRF_TRUSTED_ORIGINS": "https://studio.example.com"}
    # when
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout + result.stderr


def test_check_deploy_warns_about_plain_http(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=KEY)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_https_settings_send_hsts_and_redirect(tmp_path):
    env = {"DJANGO_SECRET_KEY": KEY, "DJANGO_HTTPS": "true"}
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "r = c.get('/accounts/login/')\n"
        "print(r.status_code, r['Location'])\n"
        "r = c.get('/healthz', secure=True)\n"  # no tables here: any page answers, the header is what counts
        "print(r['Strict-Transport-Security'])\n"
        "print(c.get('/healthz').status_code)\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DATA_DIR": str(tmp_path),
                                 **env})
    assert result.returncode == 0, result.stderr
    redirect, hsts, health = result.stdout.strip().splitlines()
    assert redirect == "301 https://testserver/accounts/login/"
    assert hsts == "max-age=31536000; includeSubDomains"
    assert health != "301"  # monitors probe /healthz over plain HTTP
