"""Seed every existing organization's templates (new organizations get them from a post_save receiver)."""

from django.db import migrations

from messaging.catalogue import seeded_template_rows


def seed(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    rows = list(seeded_template_rows())
    for organization_id in Organization.objects.values_list("id", flat=True):
        MessageTemplate.objects.bulk_create(
            [
                MessageTemplate(
                    organization_id=organization_id,
                    code=code,
                    channel=channel,
                    language=language,
                    body=body,
                    provider_name=provider_name,
                    provider_language=provider_language,
                )
                for code, channel, language, body, provider_name, provider_language in rows
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
