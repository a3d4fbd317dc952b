"""Lists OCR languages and their weights, and downloads EasyOCR weights on explicit request:

    python manage.py ocr_weights list
    python manage.py ocr_weights fetch ch_sim [--base-url https://mirror.example/easyocr]

Files go into <ML_WEIGHTS_DIR>/easyocr and are checked against known checksums (ml/weights.py);
a file that does not match is discarded. Nothing else in the studio ever downloads weights."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml import weights
from ocr import engines


class Command(BaseCommand):
    help = "List OCR languages, or fetch the EasyOCR weights for a language (with checksum checks)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="languages and whether their weights are present")
        fetch = sub.add_parser("fetch", help="download the weights for one or more languages")
        fetch.add_argument("languages", nargs="+")
        fetch.add_argument("--base-url", default=None, help="fetch from this folder URL instead of EasyOCR's releases")
        fetch.add_argument("--timeout", type=float, default=600)

    def handle(self, *args, action, **options):
        if action == "list":
            for row in engines.languages_status():
                state = ", ".join(row["engines"]) if row["available"] else f"missing: {row['command']}"
                self.stdout.write(f"{row['code']:8} {row['name']:24} {state}")
            return
        for language in options["languages"]:
            if language not in weights.EASYOCR_LANGUAGES:
                raise CommandError(f"Unknown EasyOCR language: {language}. Known: {', '.join(weights.EASYOCR_LANGUAGES)}")
        for language in options["languages"]:
            try:
                for name, how in weights.easyocr_fetch(
                    language, settings.ML_WEIGHTS_DIR, base_url=options["base_url"], timeout=options["timeout"]
                ):
                    self.stdout.write(f"{language}: {name} {how}")
            except (OSError, ValueError) as exc:
                raise CommandError(f"{language}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Weights are in {weights.easyocr_dir(settings.ML_WEIGHTS_DIR)}"))
