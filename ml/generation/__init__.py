"""Text-to-image, framework-free: the model catalog with per-model parameter rules (catalog.py),
the DashScope backend over the real SDK (dashscope_backend.py), a local diffusers backend
(diffusers_backend.py) and prompt templates (prompts.py). The test doubles (a fake DashScope server, a
tiny random-weight pipeline) live in testkit/. Nothing here imports Django, and nothing heavy (torch,
diffusers, dashscope) is imported at package import."""
