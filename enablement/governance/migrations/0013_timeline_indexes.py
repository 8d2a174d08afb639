"""Each timeline (a person's, an episode's, a referral's) indexed in its page order, so a
page seeks to its cursor (governance/timeline.py, ADR 0040). The person's index replaces the
one on (person, -occurred_at), which its first two columns still serve. On PostgreSQL the
event table is partitioned by month (0010): an index made or dropped on the parent is made
or dropped on every partition, and months made later get it too."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("governance", "0012_archived_segments")]

    operations = [
        migrations.RemoveIndex(model_name="event", name="governance__person__1eed30_idx"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["person", "-occurred_at", "-id"], name="event_person_timeline"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["episode", "-occurred_at", "-id"], name="event_episode_timeline"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["referral", "-occurred_at", "-id"], name="event_referral_timeline"
            ),
        ),
    ]
