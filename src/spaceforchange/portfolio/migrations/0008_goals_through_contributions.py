"""Initiative goals become the strategy's goal contributions (issue #7): one source of truth.

Every link of the old many-to-many table is copied into ``budgeting.GoalContribution`` with no
score yet (the initiative form links without scoring); then the field is re-declared through it.
"""

from django.db import migrations, models


def copy_links(apps, schema_editor):
    Initiative = apps.get_model("portfolio", "Initiative")
    GoalContribution = apps.get_model("budgeting", "GoalContribution")
    Link = Initiative.goals.through
    rows = Link.objects.select_related("initiative").values_list("initiative_id", "goal_id", "initiative__organization_id")
    GoalContribution.objects.bulk_create(
        [
            GoalContribution(organization_id=organization_id, initiative_id=initiative_id, goal_id=goal_id)
            for initiative_id, goal_id, organization_id in rows.iterator()
        ],
        batch_size=1000,
    )


def copy_back(apps, schema_editor):
    Initiative = apps.get_model("portfolio", "Initiative")
    GoalContribution = apps.get_model("budgeting", "GoalContribution")
    Link = Initiative.goals.through
    contributions = GoalContribution.objects.filter(initiative__isnull=False)
    rows = list(contributions.values_list("initiative_id", "goal_id"))
    Link.objects.bulk_create([Link(initiative_id=i, goal_id=g) for i, g in rows], batch_size=1000)
    # Back to plain links: the initiatives' scores and evidence cannot be kept.
    contributions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0007_strategic_goals"),
        ("budgeting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(model_name="initiative", name="goals"),
        migrations.AddField(
            model_name="initiative",
            name="goals",
            field=models.ManyToManyField(
                blank=True,
                related_name="initiatives",
                through="budgeting.GoalContribution",
                through_fields=("initiative", "goal"),
                to="portfolio.goal",
                verbose_name="goals",
            ),
        ),
    ]
