"""Text-to-image, framework-free: the model catalog with per-model parameter rules (catalog.py),
the DashScope backend over the real SDK (dashscope_backend.py), a local diffusers backend
(diffusers_backend.py), prompt templates (prompts.py), a fake DashScope server for tests and offline
demos (fake_dashscope.py) and a tiny random-weight pipeline builder (tiny.py). Nothing here imports
Django, and nothing heavy (torch, diffusers, dashscope) is imported at package import."""
