"""Writes a tiny random-weight diffusers pipeline to a folder (testkit.tiny_pipeline), so the local
backend can be tried end to end offline: GENERATION_LOCAL_MODEL=<folder>. Its pictures are noise."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write a tiny random-weight Stable Diffusion pipeline (for offline trials of the local backend)."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        from testkit.tiny_pipeline import build_tiny_pipeline

        path = build_tiny_pipeline(folder)
        self.stdout.write(f"Wrote {path}. Run the studio with GENERATION_LOCAL_MODEL={path.resolve()}")
