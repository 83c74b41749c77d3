from django.db import migrations, models


class Migration(migrations.Migration):
    """The ledger gains the subject a reminder is about (so a sweep skips subjects already recorded); the old
    `subject` (the e-mail's subject line) becomes `subject_line`."""

    dependencies = [("dialogues", "0002_briefing_pack_and_assessment")]

    operations = [
        migrations.RenameField("reminder", "subject", "subject_line"),
        migrations.AddField(
            model_name="reminder",
            name="subject",
            field=models.CharField(
                db_index=True, default="", max_length=160,
                help_text="What it is about (one meeting at one offset, one digest day…).",
            ),
            preserve_default=False,
        ),
    ]
