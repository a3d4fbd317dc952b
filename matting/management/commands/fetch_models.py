"""Downloads model weights on explicit request only (never at import or in tests): streamed to a
temporary file, verified (sha256 when configured, then every tensor name and shape against the
official manifest), then moved into ML_WEIGHTS_DIR."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MODELS = ("modnet",)


class Command(BaseCommand):
    help = "Download model weights into ML_WEIGHTS_DIR, verified (models: modnet)."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=MODELS)
        parser.add_argument("--url", default=None, help="Overrides MODNET_URL.")
        parser.add_argument("--sha256", default=None, help="Overrides MODNET_SHA256.")

    def handle(self, *args, model, url, sha256, **options):
        from ml.matting.fetch import FetchError, fetch_checkpoint
        from ml.matting.modnet_engine import CheckpointMismatchError

        url = url or settings.MODNET_URL
        sha256 = sha256 or settings.MODNET_SHA256 or None
        if not url:
            raise CommandError(
                "No download address: set MODNET_URL (or pass --url) to the official photographic "
                "checkpoint, modnet_photographic_portrait_matting.ckpt (Apache-2.0, linked from "
                "https://github.com/ZHKKKe/MODNet), or copy that file into "
                f"{settings.ML_WEIGHTS_DIR} yourself."
            )
        try:
            path = fetch_checkpoint(url, settings.ML_WEIGHTS_DIR, sha256=sha256)
        except (FetchError, CheckpointMismatchError) as exc:
            raise CommandError(f"Refused, nothing was saved: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"MODNet checkpoint verified and saved to {path}"))
