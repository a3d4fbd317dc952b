"""Periodic tasks of the gallery, created once here so every deployment has them."""

from django.db import migrations

SCHEDULES = [
    # Fails jobs whose worker died and records that a worker is alive (read by /healthz).
    {"name": "gallery.jobs_reap", "func": "gallery.tasks.jobs_reap_task", "schedule_type": "I", "minutes": 1},
    # Deletes gallery items past RETENTION_DAYS, with their files.
    {"name": "gallery.retention", "func": "gallery.tasks.retention_task", "schedule_type": "H", "minutes": None},
]


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for spec in SCHEDULES:
        Schedule.objects.update_or_create(name=spec["name"], defaults={**spec, "repeats": -1})


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[s["name"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("gallery", "0001_initial"), ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]
    operations = [migrations.RunPython(create, remove)]
