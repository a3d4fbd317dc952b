"""The translation catalogues (locale/*/LC_MESSAGES/*.po) are complete and keep every placeholder.

No database and no compiled .mo needed: the .po files are read as text. The completeness check runs
GNU gettext's `msgfmt` (Debian package `gettext`, which `compilemessages` needs anyway) and is
skipped when it is not installed; the placeholder and markup checks parse the .po files here."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

PO_FILES = sorted(p for base in settings.LOCALE_PATHS for p in Path(base).glob("*/LC_MESSAGES/*.po"))
CHINESE_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_id(path: Path) -> str:
    return "/".join(path.parts[-3:])


# --- A small .po reader (the project does not depend on polib) -----------------------------------

@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def parse_po(path: Path) -> list[Entry]:
    """Active entries of a .po file, header included (msgid ""); obsolete `#~` entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()

    def finish():
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.msgstrs:
                finish()
            if line.startswith("#,"):
                pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unescape(match.group(3))
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstrs or current.msgid):
                finish()
            if current is None:
                current, pending_flags = Entry(line=number, flags=pending_flags), set()
            if keyword == "msgctxt":
                current.msgctxt, target = value, ("msgctxt", None)
            elif keyword == "msgid":
                current.msgid, target = value, ("msgid", None)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = value, ("msgid_plural", None)
            else:
                slot = int(index) if index is not None else 0
                current.msgstrs[slot], target = value, ("msgstr", slot)
            continue
        match = _CONTINUATION.match(line)
        if match and current is not None and target is not None:
            value = _unescape(match.group(1))
            kind, slot = target
            if kind == "msgstr":
                current.msgstrs[slot] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
            continue
        raise AssertionError(f"{path}:{number}: cannot read this line: {raw!r}")
    finish()
    return entries


# --- Placeholders ---------------------------------------------------------------------------------

# %(name)s / %(n)d / %(x).1f; also %%(name)s, which templates produce for {% translate '%(n)s …' %}
# (the text reaches the page as %(n)s and JavaScript fills it in) and must be kept the same way.
_PLACEHOLDER = re.compile(r"%%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%%|%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[a-zA-Z]")


def placeholders(text: str) -> set[str]:
    return {token for token in _PLACEHOLDER.findall(text) if token != "%%"}


def _translated(entry: Entry) -> list[tuple[str, str]]:
    return [(f"msgstr[{i}]" if entry.msgid_plural is not None else "msgstr", s) for i, s in sorted(entry.msgstrs.items()) if s]


@pytest.mark.parametrize("po_path", PO_FILES, ids=_po_id)
def test_msgstrs_keep_the_placeholders_of_their_msgid(po_path):
    problems = []
    for entry in parse_po(po_path):
        if not entry.msgid:
            continue  # the header
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for slot, text in _translated(entry):
            found = placeholders(text)
            if found != expected:
                problems.append(
                    f"line {entry.line}: {entry.msgid!r}\n    {slot} {text!r}\n"
                    f"    missing {sorted(expected - found)}, unexpected {sorted(found - expected)}"
                )
    assert not problems, f"{po_path}: placeholders differ from the msgid:\n" + "\n".join(problems)


_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_JS_MARKER = re.compile(r"__\w+__")


@pytest.mark.parametrize("po_path", PO_FILES, ids=_po_id)
def test_msgstrs_keep_html_tags_and_script_markers(po_path):
    """HTML tags (with their attributes) and __n__-style markers that JavaScript replaces stay as
    they are; only the words around them are translated."""
    problems = []
    for entry in parse_po(po_path):
        if not entry.msgid:
            continue
        source = entry.msgid + (entry.msgid_plural or "")
        tags, markers = sorted(set(_TAG.findall(source))), sorted(set(_JS_MARKER.findall(source)))
        for slot, text in _translated(entry):
            if sorted(set(_TAG.findall(text))) != tags or sorted(set(_JS_MARKER.findall(text))) != markers:
                problems.append(f"line {entry.line}: {entry.msgid!r}\n    {slot} {text!r}")
    assert not problems, f"{po_path}: HTML tags or __markers__ differ from the msgid:\n" + "\n".join(problems)


def test_chinese_catalogue_exists_and_has_one_plural_form():
    assert CHINESE_PO in PO_FILES, f"missing {CHINESE_PO}"
    header = next(e for e in parse_po(CHINESE_PO) if not e.msgid).msgstrs[0]
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    plural_entries = [e for e in parse_po(CHINESE_PO) if e.msgid_plural is not None]
    assert plural_entries, "expected plural entries (ngettext / blocktranslate count)"
    assert all(set(e.msgstrs) == {0} for e in plural_entries), "Chinese has one plural form: msgstr[0] only"


# --- Completeness, checked by msgfmt --------------------------------------------------------------

@pytest.mark.parametrize("po_path", PO_FILES, ids=_po_id)
def test_msgfmt_check_reports_no_untranslated_or_fuzzy_messages(po_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed; on Debian: apt-get install gettext")
    # English statistics whatever the machine's locale, so the words below can be matched.
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "", "LANG": "C"}
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", os.devnull, str(po_path)],
        capture_output=True, text=True, env=env, timeout=60,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"msgfmt --check failed for {po_path}:\n{output}"
    assert re.search(r"\b\d+ translated messages?\b", output), output
    assert "untranslated" not in output, f"{po_path}: {output}"
    assert "fuzzy" not in output, f"{po_path}: {output}"
