"""Features use each other only through public names: no app imports another app's private name
(a leading underscore), at module level or inside a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "core", "gallery", "generation", "matting", "ocr", "editing")


def _private_imports(app: str, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            other = node.module.split(".")[0]
            if other in APPS and other != app:
                found += [f"{path.relative_to(root)}:{node.lineno} {node.module}.{alias.name}"
                          for alias in node.names if alias.name.startswith("_")]
    return found


def test_no_app_imports_another_apps_private_name():
    found = [hit for app in APPS for hit in _private_imports(app)]
    assert not found, found


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    (tmp_path / "matting").mkdir()
    (tmp_path / "matting" / "handlers.py").write_text("def f():\n    from generation.handlers import _generate\n")
    assert _private_imports("matting", tmp_path) == ["matting/handlers.py:2 generation.handlers._generate"]
