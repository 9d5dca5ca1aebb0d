"""Indexes for reads that grow with an organisation's ideas and initiatives (``benchmarks/portfolio.py``).

``(organization, updated_at)`` on ideas and initiatives: the duplicate suggestion checks on every
keystroke whether the organisation's corpus changed (count and latest change of its ideas and
initiatives); with these indexes both figures are read from the index alone, not from 200,000
rows, and the portfolio table sorted by last change reads the index in order.

Database operations only: the model state is left alone, so this migration does not depend on
``Meta.indexes`` in ``models.py``; declaring the indexes there later needs a migration with
``SeparateDatabaseAndState`` that adds them to the state only.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_idea_scores"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddIndex(
                    model_name="idea",
                    index=models.Index(fields=["organization", "updated_at"], name="portfolio_idea_changed"),
                ),
                migrations.AddIndex(
                    model_name="initiative",
                    index=models.Index(fields=["organization", "updated_at"], name="portfolio_initiative_changed"),
                ),
            ],
            state_operations=[],
        ),
    ]
