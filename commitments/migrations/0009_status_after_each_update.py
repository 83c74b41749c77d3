from collections import defaultdict

from django.db import migrations, models

BATCH = 5000


def status_after_each_update(apps, schema_editor):
    """Replay each side's history once, in the order it was recorded, as the status service applies it: an update
    takes over unless it is back-dated behind the as-of date of the status in force."""
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    rows = (StatusUpdate.objects.order_by("side_id", "created_at", "id")
            .values_list("id", "side_id", "status", "as_of").iterator(chunk_size=BATCH))
    side, in_force, after = None, None, defaultdict(list)  # update ids by the status they leave in force
    for n, (pk, side_id, status, as_of) in enumerate(rows, start=1):
        if side_id != side:
            side, in_force = side_id, None
        if in_force is None or as_of >= in_force[0]:
            in_force = (as_of, status)
        after[in_force[1]].append(pk)
        if n % BATCH == 0:
            _write(StatusUpdate, after)
    _write(StatusUpdate, after)


def _write(StatusUpdate, after: dict) -> None:
    for status, pks in after.items():  # one statement per status: a few per batch
        StatusUpdate.objects.filter(pk__in=pks).update(side_status_after=status)
    after.clear()


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0008_link_fulfilled_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="statusupdate",
            name="side_status_after",
            field=models.CharField(choices=[("not_assessed", "Not yet assessed"), ("not_started", "Not started"), ("in_progress", "In progress"), ("on_track", "On track"), ("at_risk", "At risk"), ("delayed", "Delayed"), ("achieved", "Achieved"), ("ongoing", "Ongoing"), ("discontinued", "Discontinued")], default="", max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(status_after_each_update, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="statusupdate",
            name="update_side_totals",
        ),
        migrations.AddIndex(
            model_name="statusupdate",
            index=models.Index(fields=["side", "-created_at", "-id"], include=("side_status_after", "side_count_after", "side_on_time_after"), name="update_side_state"),
        ),
    ]
