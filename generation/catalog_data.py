"""What the page and the API show about the catalog: models with their sizes and rules, templates
with their translated names, and the state of the user's keys (never a key itself)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.availability import reason_text
from core.exceptions import ApplicationError
from generation import backends, keys
from ml.generation import prompts


def key_status(*, user) -> dict:
    credential = keys.credential_get(user=user)
    return {"server": keys.server_key_present(), "saved": credential is not None,
            "last4": credential.last4 if credential else "",
            "default_source": keys.SAVED if credential else keys.SERVER}


def templates() -> list[dict]:
    return [{"key": t.key, "group": t.group, "name": str(backends.TEMPLATE_NAMES.get(t.key, t.key)),
             "size_hint": t.size_hint} for t in prompts.TEMPLATES.values()]


def models() -> list[dict]:
    rows = []
    for spec in backends.models():
        row = spec.to_dict()
        if spec.backend == backends.LOCAL:
            ok, reason = backends.local_available()
            row.update(label=_("Local model (%(name)s)") % {"name": row["name"]}, available=ok, reason=reason_text(reason))
        else:
            row.update(available=True, reason="")
        rows.append(row)
    return rows


def catalog(*, user) -> dict:
    return {"models": models(), "templates": templates(), "key": key_status(user=user)}


def template_expand(*, template: str, subject: str = "", model: str = "") -> dict:
    if template not in prompts.TEMPLATES:
        raise ApplicationError(_("Unknown template."), code="unknown_template")
    spec = backends.spec_get(model) if model else None
    language = "en" if spec is not None and spec.backend == backends.LOCAL else "zh"
    prompt, negative = prompts.expand(template, subject, language)
    return {"template": template, "prompt": prompt, "negative_prompt": negative, "language": language,
            "size_hint": prompts.TEMPLATES[template].size_hint}
