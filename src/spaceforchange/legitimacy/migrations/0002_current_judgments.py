"""Mark each cell's latest judgment as current, and count current judgments per subject and state.

See the docstrings of ``Judgment`` and ``SubjectStanding`` for why both are kept by the services.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Existing judgments: the latest per cell (by time recorded, then id) becomes current, and
    each subject's standing counts its current judgments per state."""
    Judgment = apps.get_model("legitimacy", "Judgment")
    SubjectStanding = apps.get_model("legitimacy", "SubjectStanding")
    latest = {}
    rows = Judgment.objects.order_by("recorded_at", "pk").values_list(
        "pk", "stakeholder_id", "initiative_id", "policy_id", "legitimacy_type", "organization_id", "state"
    )
    for pk, holder, initiative, policy, kind, organization, state in rows.iterator():
        latest[(holder, initiative, policy, kind)] = (pk, organization, state)
    ids = [pk for pk, _organization, _state in latest.values()]
    for start in range(0, len(ids), 1000):
        Judgment.objects.filter(pk__in=ids[start : start + 1000]).update(is_current=True)
    standings = {}
    for (_holder, initiative, policy, _kind), (_pk, organization, state) in latest.items():
        standing = standings.setdefault((initiative, policy), (organization, {}))
        standing[1][state] = standing[1].get(state, 0) + 1
    SubjectStanding.objects.bulk_create(
        SubjectStanding(organization_id=organization, initiative_id=initiative, policy_id=policy, counts=counts)
        for (initiative, policy), (organization, counts) in standings.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_scope"),
        ("legitimacy", "0001_initial"),
        ("policies", "0001_initial"),
        ("portfolio", "0005_idea_scores"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubjectStanding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("counts", models.JSONField(default=dict, verbose_name="current judgments per state")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "subject standing",
                "verbose_name_plural": "subject standings",
            },
        ),
        migrations.AddField(
            model_name="judgment",
            name="is_current",
            field=models.BooleanField(default=False, editable=False, verbose_name="current"),
        ),
        migrations.AddConstraint(
            model_name="judgment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("initiative__isnull", False), ("is_current", True)),
                fields=("stakeholder", "initiative", "legitimacy_type"),
                name="one_current_initiative_judgment",
            ),
        ),
        migrations.AddConstraint(
            model_name="judgment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True), ("policy__isnull", False)),
                fields=("stakeholder", "policy", "legitimacy_type"),
                name="one_current_policy_judgment",
            ),
        ),
        migrations.AddField(
            model_name="subjectstanding",
            name="initiative",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="legitimacy_standing",
                to="portfolio.initiative",
                verbose_name="initiative",
            ),
        ),
        migrations.AddField(
            model_name="subjectstanding",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="subject_standings", to="core.organization"
            ),
        ),
        migrations.AddField(
            model_name="subjectstanding",
            name="policy",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="legitimacy_standing",
                to="policies.policy",
                verbose_name="policy",
            ),
        ),
        migrations.AddIndex(
            model_name="subjectstanding",
            index=models.Index(fields=["organization"], name="legitimacy_standing_org"),
        ),
        migrations.AddConstraint(
            model_name="subjectstanding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("initiative__isnull", False), ("policy__isnull", True)),
                    models.Q(("initiative__isnull", True), ("policy__isnull", False)),
                    _connector="OR",
                ),
                name="standing_one_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectstanding",
            constraint=models.UniqueConstraint(
                condition=models.Q(("initiative__isnull", False)),
                fields=("initiative",),
                name="one_standing_per_initiative",
            ),
        ),
        migrations.AddConstraint(
            model_name="subjectstanding",
            constraint=models.UniqueConstraint(
                condition=models.Q(("policy__isnull", False)), fields=("policy",), name="one_standing_per_policy"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
