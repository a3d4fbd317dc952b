"""The daily media reconciliation (gallery.reconcile), created once here like the other schedules."""

from django.db import migrations

SCHEDULE = {"name": "gallery.media_reconcile", "func": "gallery.tasks.media_reconcile_task", "schedule_type": "D",
            "minutes": None}


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(name=SCHEDULE["name"], defaults={**SCHEDULE, "repeats": -1})


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("gallery", "0004_job_step")]
    operations = [migrations.RunPython(create, remove)]
