import ast
from pathlib import Path

ML = Path(__file__).resolve().parents[2] / "ml"
TESTKIT = ML.parent / "testkit"
DJANGO_SIDE = {"django", "rest_framework", "django_q", "allauth", "config", "core", "gallery", "accounts", "editing",
               "ocr", "matting", "generation"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_ml_never_imports_django_or_project_apps():
    # nor the test doubles: what the product runs never depends on them
    forbidden = DJANGO_SIDE | {"testkit", "tests"}
    offenders = {
        str(p.relative_to(ML.parent)): sorted(_imports(p) & forbidden) for p in ML.rglob("*.py")
        if _imports(p) & forbidden
    }
    assert offenders == {}


def test_the_test_doubles_import_no_django_either():
    offenders = {p.name: sorted(_imports(p) & DJANGO_SIDE) for p in TESTKIT.rglob("*.py") if _imports(p) & DJANGO_SIDE}
    assert offenders == {} and (TESTKIT / "fake_dashscope.py").is_file()
