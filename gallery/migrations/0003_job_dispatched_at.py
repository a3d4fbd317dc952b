from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("gallery", "0002_schedules")]
    operations = [
        migrations.AddField(
            model_name="job", name="dispatched_at", field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
