"""README.md stays a first screen, not a manual: short, the layout and the path of one job near the
top, the two set-up commands the ones CI really runs, and every relative link in it and in docs/
pointing at something that exists. Plain file reads: no database, no Django."""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_LINES = 160
FIRST_SCREEN_LINES = 45

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    """The text outside code: fenced blocks and inline code hold JSON and shell, not links."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def _anchor(heading: str) -> str:
    # GitHub's rule: lower case, punctuation dropped (letters of any script kept), spaces to hyphens.
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_anchor(h) for h in re.findall(r"^#{1,6}\s+(.+)$", FENCE.sub("", path.read_text(encoding="utf-8")), re.M)}


def _relative_links(path: Path) -> list[str]:
    return [t for t in LINK.findall(_prose(path.read_text(encoding="utf-8"))) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def _broken(path: Path) -> list[str]:
    broken = []
    for target in _relative_links(path):
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part) if file_part else path
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no such heading)")
    return broken


def _setup_commands() -> list[str]:
    """The commands of README's first shell block, comments dropped."""
    block = re.search(r"^```(?:bash|sh)\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    assert block, "README.md has no shell block with the set-up commands"
    return [" ".join(shlex.split(line, comments=True)) for line in block.group(1).splitlines()
            if shlex.split(line, comments=True)]


def _ci_command() -> str:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    execs = [line.removeprefix("exec ").strip() for line in lines if line.startswith("exec ")]
    assert len(execs) == 1, ".ci/run should exec exactly one command"
    return " ".join(shlex.split(execs[0]))


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/ (at most {README_MAX_LINES})"


def test_readme_shows_the_layout_and_the_path_of_one_job_on_its_first_screen():
    headings = {line: n for n, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith("## ")}
    for wanted in ("## Layout", "## The path of one job"):
        found = [n for line, n in headings.items() if line.startswith(wanted)]
        assert found and found[0] <= FIRST_SCREEN_LINES, f"{wanted!r} should start within {FIRST_SCREEN_LINES} lines"


def test_readme_gives_two_setup_commands_and_ci_runs_the_test_one():
    commands = _setup_commands()
    assert len(commands) == 2, commands
    ci = _ci_command()
    assert ci in commands, f".ci/run runs {ci!r}, README.md says {commands}"
    (run,) = [c for c in commands if c != ci]
    for command in commands:
        script = ROOT / shlex.split(command)[-1]
        assert script.is_file(), f"{command!r}: no {script.relative_to(ROOT)}"
    # the other command starts the studio: the web server and the job worker, together
    run_script = (ROOT / shlex.split(run)[-1]).read_text(encoding="utf-8")
    assert "gunicorn" in run_script and "qcluster" in run_script, run


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_heading(path):
    assert _broken(path) == []


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in _relative_links(README)}
    assert [p.name for p in DOCS if p.resolve() not in linked] == []


def test_a_broken_link_is_noticed(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# Here it is\n", encoding="utf-8")
    page.write_text("[ok](there.md#here-it-is) [gone](missing.md) [no heading](there.md#elsewhere)\n"
                    "`[code](missing.md)` [web](https://example.com/x)\n", encoding="utf-8")
    assert _broken(page) == ["missing.md (no such file)", "there.md#elsewhere (no such heading)"]
