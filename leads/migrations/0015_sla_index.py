"""The first-contact SLA: the escalation job's partial index, and the report cohort's covering index
carrying the columns the summary's `first_contact_sla` counts (so it stays an index-only scan)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0014_assignment_rule'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='lead',
            name='lead_report_cohort_idx',
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['branch', 'created_at'], include=('id', 'lead_status', 'lead_source', 'lost_reason_category', 'last_contacted_at', 'first_contacted_at', 'first_contact_due_at', 'converted_at', 'lost_at'), name='lead_report_cohort_idx'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('first_contact_due_at__isnull', False), ('first_contacted_at__isnull', True), ('sla_escalated_at__isnull', True), models.Q(('lead_status__in', ('converted', 'lost')), _negated=True)), fields=['first_contact_due_at'], name='lead_sla_escalation_idx'),
        ),
    ]
