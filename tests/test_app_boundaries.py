"""Features use each other only through public names: no app imports another app's private name
(a leading underscore), at module level or inside a function, nor reaches one through a module it
imported. Crop and resize (editing) and Text to image (generation) know nothing of each other or of
Text in images (imagetext), which uses them, OCR and the gallery through their public services. Every
module outside tests and migrations stays readable in one sitting."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = tuple(sorted(p.parent.name for p in ROOT.glob("*/apps.py")))
# (importer, imported): no import at all, not even inside a function
NEVER = {("editing", "generation"), ("generation", "editing"), ("editing", "imagetext"),
         ("generation", "imagetext")}
FEATURE_MODULES = ("apps", "kinds", "params", "services", "handlers", "apis", "views", "urls")
MAX_LINES = 700


def _sources(app: str, root: Path):
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _other_app(module: str, app: str, apps=APPS) -> str | None:
    other = module.split(".")[0]
    return other if other in apps and other != app else None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_imports(app: str, root: Path = ROOT) -> list[str]:
    found = []
    for path, tree in _sources(app, root):
        where = path.relative_to(root)
        modules = {}  # local name -> another app's module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and _other_app(node.module, app):
                for alias in node.names:
                    if _private(alias.name):
                        found.append(f"{where}:{node.lineno} {node.module}.{alias.name}")
                    if (root.joinpath(*node.module.split("."), f"{alias.name}.py")).exists():
                        modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if not _other_app(alias.name, app):
                        continue
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{where}:{node.lineno} {alias.name}")
                    if alias.asname:
                        modules[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                    and node.value.id in modules):
                found.append(f"{where}:{node.lineno} {modules[node.value.id]}.{node.attr}")
    return found


def _imported_apps(app: str, root: Path = ROOT) -> dict[str, list[str]]:
    """Each other app `app` imports, with where (module level or inside a function alike)."""
    found: dict[str, list[str]] = {}
    for path, tree in _sources(app, root):
        for node in ast.walk(tree):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                other = _other_app(name, app, apps=APPS + tuple(p.name for p in root.iterdir() if p.is_dir()))
                if other:
                    found.setdefault(other, []).append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_no_app_imports_another_apps_private_name():
    found = [hit for app in APPS for hit in _private_imports(app)]
    assert not found, found


def test_editing_and_generation_know_nothing_of_each_other_nor_of_the_text_app():
    found = {(app, other): where for app, other in NEVER for found_other, where in _imported_apps(app).items()
             if found_other == other}
    assert not found, found


def test_text_in_images_is_an_app_of_the_same_shape():
    assert "imagetext" in APPS
    assert all((ROOT / "imagetext" / f"{name}.py").exists() for name in FEATURE_MODULES)
    assert not list((ROOT / "editing").glob("text_*.py")) and not (ROOT / "generation" / "text_params.py").exists()


def test_no_module_outside_tests_and_migrations_is_over_700_lines():
    long = [f"{path.relative_to(ROOT)}: {n}" for app in (*APPS, "config", "ml", "testkit")
            for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, long


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    (tmp_path / "matting").mkdir()
    (tmp_path / "matting" / "handlers.py").write_text("def f():\n    from generation.handlers import _generate\n")
    assert _private_imports("matting", tmp_path) == ["matting/handlers.py:2 generation.handlers._generate"]


def test_the_check_sees_a_private_name_reached_through_a_module(tmp_path):
    for app in ("imagetext", "generation"):
        (tmp_path / app).mkdir()
    (tmp_path / "generation" / "handlers.py").write_text("")
    (tmp_path / "generation" / "params.py").write_text("")
    (tmp_path / "imagetext" / "handlers.py").write_text(
        "from generation import handlers\nimport generation.params as gp\n\n"
        "def f(job):\n    gp._bool(1, False)\n    return handlers._generate(job)\n")
    assert sorted(_private_imports("imagetext", tmp_path)) == [
        "imagetext/handlers.py:5 generation.params._bool", "imagetext/handlers.py:6 generation.handlers._generate"]


def test_the_check_sees_the_old_function_level_import_of_the_text_handlers(tmp_path):
    (tmp_path / "generation").mkdir()
    (tmp_path / "generation" / "handlers.py").write_text(
        "def text_generation_handle(*, job, report):\n    from editing.text_handlers import text_read_back\n")
    assert _imported_apps("generation", tmp_path) == {"editing": ["generation/handlers.py:2 editing.text_handlers"]}
