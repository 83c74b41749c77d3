# Each distinct list a chase carries, stored once: the ledger held a copy per recipient.

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models


def _fingerprint(items) -> str:  # as dialogues.models.ChaseList.fingerprint_of, frozen here
    return hashlib.sha256(json.dumps(items, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def lists_from_items(apps, schema_editor):
    """Each distinct list the ledger holds, stored once; each reminder points at its own."""
    Reminder, ChaseList = apps.get_model("dialogues", "Reminder"), apps.get_model("dialogues", "ChaseList")
    lists = {}
    for reminder in Reminder.objects.exclude(items=[]).only("pk", "items").iterator(chunk_size=2000):
        fingerprint = _fingerprint(reminder.items)
        if fingerprint not in lists:
            lists[fingerprint] = ChaseList.objects.create(fingerprint=fingerprint, items=reminder.items).pk
        Reminder.objects.filter(pk=reminder.pk).update(chase_list=lists[fingerprint])


def items_from_lists(apps, schema_editor):
    Reminder = apps.get_model("dialogues", "Reminder")
    for reminder in Reminder.objects.exclude(chase_list=None).select_related("chase_list").iterator(chunk_size=2000):
        Reminder.objects.filter(pk=reminder.pk).update(items=reminder.chase_list.items)


class Migration(migrations.Migration):

    dependencies = [
        ('dialogues', '0006_milestone'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChaseList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('fingerprint', models.CharField(help_text='SHA-256 of the entries as canonical JSON.', max_length=64, unique=True)),
                ('items', models.JSONField()),
            ],
        ),
        migrations.AddField(
            model_name='reminder',
            name='chase_list',
            field=models.ForeignKey(blank=True, help_text='What a chase is about; none for other reminders.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dialogues.chaselist'),
        ),
        migrations.RunPython(lists_from_items, items_from_lists),
        migrations.RemoveField(
            model_name='reminder',
            name='items',
        ),
    ]
