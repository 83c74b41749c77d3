from django.db import migrations, models


def first_version(apps, schema_editor):
    apps.get_model("partnership", "ContentVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0002_organisation_senior_contact'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
