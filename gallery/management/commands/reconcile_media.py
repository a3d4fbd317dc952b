"""Finds gallery rows whose object is missing and objects no row names (gallery.reconcile), on the
filesystem or the bucket, whichever MEDIA_STORAGE chose:

    python manage.py reconcile_media            # report only
    python manage.py reconcile_media --delete   # also delete the orphans past MEDIA_ORPHAN_GRACE_SECONDS

Exits with status 1 when it found either, so a cron job or a monitor can tell."""

from django.core.management.base import BaseCommand, CommandError

from gallery.reconcile import media_reconcile


class Command(BaseCommand):
    help = "Report (and with --delete remove) orphan media objects; report rows whose object is missing."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete the orphan objects past the grace period.")

    def handle(self, *args, delete, **options):
        report = media_reconcile(delete_orphans=delete)
        for name in report.orphans:
            self.stdout.write(f"orphan object: {name}" + (" (deleted)" if delete else ""))
        for item_id, name in report.missing:
            self.stdout.write(f"missing object: {name} (gallery item {item_id})")
        self.stdout.write(
            f"{len(report.orphans)} orphan(s){f', {report.deleted} deleted' if delete else ''}, "
            f"{len(report.missing)} missing, {report.young} recent object(s) without a row left alone"
        )
        if not report.clean:
            raise CommandError("media storage and gallery rows disagree", returncode=1)
