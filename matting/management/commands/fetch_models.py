"""Downloads model weights on explicit request only (never at import or in tests): streamed to a
temporary file, verified, then moved into ML_WEIGHTS_DIR.

- modnet: the portrait matting checkpoint (sha256 when configured, then every tensor name and shape
  against the official manifest).
- lama: big-lama.pt, the LaMa network for removing text (ml/text/lama.py), checked against its pinned
  MD5, into ML_WEIGHTS_DIR/lama."""

import dataclasses

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MODELS = ("modnet", "lama")


class Command(BaseCommand):
    help = "Download model weights into ML_WEIGHTS_DIR, verified (models: modnet, lama)."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=MODELS)
        parser.add_argument("--url", default=None, help="Overrides MODNET_URL, or LaMa's release address (a mirror).")
        parser.add_argument("--sha256", default=None,
                            help="Overrides MODNET_SHA256; for lama, checks this instead of the pinned MD5 "
                                 "(a mirror holding another export).")
        parser.add_argument("--timeout", type=float, default=600)

    def handle(self, *args, model, url, sha256, timeout, **options):
        if model == "lama":
            self._lama(url, sha256, timeout)
        else:
            self._modnet(url, sha256)

    def _lama(self, url, sha256, timeout):
        from ml import weights
        from ml.text.lama import LAMA_FILE, lama_path

        file = dataclasses.replace(LAMA_FILE, sha256=sha256, md5="") if sha256 else LAMA_FILE
        folder = lama_path(settings.ML_WEIGHTS_DIR).parent
        try:
            path, how = weights.fetch_file(file, folder, url=url, timeout=timeout)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Refused, nothing was saved: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"LaMa weights {how} and verified: {path}"))

    def _modnet(self, url, sha256):
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
