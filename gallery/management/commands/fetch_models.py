"""Lists the model weights the studio knows (ml/weights.py, CATALOGUE) and which are here, and downloads
them on explicit request only (never at import, in a page or in a job):

    python manage.py fetch_models                        # installed, shipped and missing, with the command for each
    python manage.py fetch_models lama easyocr-japanese  # fetch these
    python manage.py fetch_models modnet                 # the address comes from MODNET_URL (or --url)

Each file is streamed to a temporary file beside its target, checked (the catalogue's SHA-256/MD5; for
the MODNet checkpoint its tensor names and shapes against the official manifest), then moved into place
under ML_WEIGHTS_DIR. A file that fails a check is discarded: nothing unverified is left behind."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml import weights


def _size(entry) -> str:
    return f"{entry.size / 1e6:.1f} MB" if entry.size else "size ?"


class Command(BaseCommand):
    help = "List model weights (installed, shipped, missing), or fetch the named ones into ML_WEIGHTS_DIR, verified."

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", metavar="model", help=f"any of: {', '.join(weights.CATALOGUE)}")
        parser.add_argument("--url", default=None,
                            help="Download address of a one-file model (a mirror); for modnet it overrides MODNET_URL.")
        parser.add_argument("--base-url", default=None,
                            help="Fetch every file from this folder URL instead of the catalogue's (a mirror).")
        parser.add_argument("--sha256", default=None,
                            help="Check this instead of the pinned checksum (a mirror holding another export of a "
                                 "one-file model); for modnet it overrides MODNET_SHA256.")
        parser.add_argument("--verify", action="store_true", help="When listing, check every present file's checksum.")
        parser.add_argument("--timeout", type=float, default=600)

    def handle(self, *args, models, url, base_url, sha256, verify, timeout, **options):
        unknown = [name for name in models if name not in weights.CATALOGUE]
        if unknown:
            raise CommandError(f"Unknown model: {', '.join(unknown)}. Known: {', '.join(weights.CATALOGUE)}")
        if not models:
            self._list(verify)
            return
        if (url or sha256) and len(models) > 1:
            raise CommandError("--url and --sha256 apply to one model at a time")
        for name in dict.fromkeys(models):
            self._fetch(weights.CATALOGUE[name], url=url, base_url=base_url, sha256=sha256, timeout=timeout)

    def _list(self, verify: bool) -> None:
        for entry in weights.CATALOGUE.values():
            state = entry.state(settings.ML_WEIGHTS_DIR, verify=verify)
            self.stdout.write(f"{entry.name:18} {state:9} {_size(entry):>9}  {entry.licence:10}  {entry.title}")
            where = entry.locate(settings.ML_WEIGHTS_DIR)
            if state == "missing":
                detail = f"get it: {self._how(entry)}"
            elif state == "differs":
                detail = f"a file in {where} is not the catalogue's (checksum); fetch again: {entry.command}"
            else:
                detail = f"in {where}"
            self.stdout.write(f"{'':18} {detail}; source {entry.source}")

    @staticmethod
    def _how(entry) -> str:
        if entry.shipped:
            return "it ships with the studio: restore ml/models/ from the studio's release"
        if entry.url_setting and not getattr(settings, entry.url_setting, ""):
            return f"set {entry.url_setting}, then {entry.command}"
        return entry.command

    def _fetch(self, entry, *, url, base_url, sha256, timeout) -> None:
        if entry.shipped:
            if entry.state(settings.ML_WEIGHTS_DIR) == "missing":
                raise CommandError(f"{entry.name} ships with the studio and is missing: restore ml/models/ from the "
                                   "studio's release")
            self.stdout.write(f"{entry.name}: ships with the studio, nothing to fetch")
            return
        if entry.url_setting:
            url = url or getattr(settings, entry.url_setting, "") or None
            sha256 = sha256 or getattr(settings, entry.sha256_setting, "") or None
            if not url and not base_url:
                raise CommandError(
                    f"No download address for {entry.name}: set {entry.url_setting} (or pass --url) to "
                    f"{entry.files[0].filename} ({entry.licence}, linked from {entry.source}), or copy that file into "
                    f"{entry.folder(settings.ML_WEIGHTS_DIR)} yourself.")
        try:
            for filename, how in weights.fetch(entry, settings.ML_WEIGHTS_DIR, url=url, base_url=base_url,
                                               sha256=sha256, timeout=timeout):
                self.stdout.write(f"{entry.name}: {filename} {how} and verified")
        except (OSError, ValueError) as exc:
            raise CommandError(f"Refused, nothing was saved: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{entry.name} is in {entry.folder(settings.ML_WEIGHTS_DIR)}"))
