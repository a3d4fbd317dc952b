# the fake DashScope server and the tiny diffusers pipeline of the text-to-image tests, for "Generate with text"
from tests.generation.conftest import _fake_server, fake_dashscope, tiny_pipeline_dir  # noqa: F401
