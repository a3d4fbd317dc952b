"""Stand-ins for the outside world, for tests, benchmarks and offline demos, never for a user's job: a fake
DashScope server (fake_dashscope.py; `manage.py fake_dashscope` serves it) and a tiny random-weight
diffusers pipeline (tiny_pipeline.py; `manage.py generation_tiny_pipeline` writes it, its pictures are
noise). Like ml/, nothing here imports Django."""
