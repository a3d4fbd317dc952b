"""Features use each other only through public names: no app imports another app's private name
(a leading underscore), at module level or inside a function, nor reaches one through a module it
imported. Crop and resize (editing) and Text to image (generation) know nothing of each other or of
Text in images (imagetext), which uses them, OCR and the gallery through their public services. Every
module outside tests and migrations stays readable in one sitting. A job that uses another feature (a
cutout's generated background) passes through each app once: matting, then one call to generation,
then gallery's job creation (measured on the calls a request makes)."""

import ast
import contextlib
import sys
from pathlib import Path

import pytest
from django.urls import reverse

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


# --- The walk of a job that uses another feature -------------------------------------------------

# What matting may import of generation: its services (the page and the service), the handler's one
# call (generate_for_job, in the worker) and the API's serializer of the picture's options (the schema)
MATTING_USES_OF_GENERATION = {"generation.services", "generation.handlers", "generation.apis"}
WALKED = ("matting", "generation", "gallery")


def test_matting_imports_only_generations_public_entries():
    used = {where.split()[-1] for where in _imported_apps("matting").get("generation", [])}
    assert used and used <= MATTING_USES_OF_GENERATION, used - MATTING_USES_OF_GENERATION


def _walked_app(frame) -> str | None:
    app = frame.f_globals.get("__name__", "").split(".")[0]
    return app if app in WALKED else None


@contextlib.contextmanager
def _entries(service):
    """Records every call into one of WALKED from another (its nearest caller in WALKED; Django, DRF,
    core and the tests between them do not count) as (from, into, function, inside `service`): `from`
    is None for the request itself. Module bodies (an import inside a function) are not calls."""
    found: list[tuple] = []

    def profile(frame, event, arg):
        if event != "call" or frame.f_code.co_name == "<module>" or (app := _walked_app(frame)) is None:
            return
        caller, inside = frame.f_back, False
        while caller is not None and _walked_app(caller) is None:
            caller = caller.f_back
        came_from = _walked_app(caller) if caller is not None else None
        if came_from != app:
            up = caller
            while up is not None and not inside:
                inside, up = up.f_code is service.__code__, up.f_back
            found.append((came_from, app, f"{frame.f_globals['__name__']}.{frame.f_code.co_name}", inside))

    sys.setprofile(profile)
    try:
        yield found
    finally:
        sys.setprofile(None)


@pytest.fixture
def cutout(user, make_item):
    from tests.matting.helpers import half_cutout

    photo = make_item(user, name="lena.png", size=(80, 60))
    return make_item(user, name="lena-cutout", image=half_cutout((80, 60)), kind="cutout", parent=photo,
                     metadata={"engine": "u2netp", "role": "cutout"})


@pytest.fixture
def post_background(user_client, user_api, cutout):
    def post(via: str, data: dict):
        if via == "page":
            return user_client.post(reverse("matting:background", args=[cutout.id]), data).status_code
        return user_api.post("/api/v1/matting/background/", {**data, "sources": [str(cutout.id)]},
                             format="json").status_code

    return post


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["server", "typed"])
@pytest.mark.parametrize("via", ["page", "api"])
def test_a_generated_background_job_passes_generation_and_gallery_once(post_background, via, key, settings):
    from gallery.models import Job
    from matting.services import background_job_create

    settings.DASHSCOPE_API_KEY = "sk-server-key-0001"
    data = {"mode": "generated", "prompt": "a beach at dusk", "model": "wanx2.1-t2i-turbo"}
    if key == "typed":
        data.update(key_source="typed", api_key="sk-typed-1234")
    post_background(via, data)  # once before, so lazy imports and first-use caches are not measured
    with _entries(background_job_create) as entries:
        assert post_background(via, data) in (202, 302)

    # the whole request enters generation once, by matting's service, and generation enters nothing
    assert [(a, b, f) for a, b, f, _ in entries if b == "generation"] == [
        ("matting", "generation", "generation.services.picture_request")]
    assert not [e for e in entries if e[0] == "generation"]
    # the service: generation, then gallery's job creation, which calls back only the check the
    # service hands it (the photo's pixels, and the first one's shape sizes the picture)
    walk = [(a, b, f) for a, b, f, inside in entries if inside]
    assert walk == [("matting", "generation", "generation.services.picture_request"),
                    ("matting", "gallery", "gallery.services.job_create_for_sources"),
                    ("gallery", "matting", "matting.services.check")], walk
    assert Job.objects.count() == 2
