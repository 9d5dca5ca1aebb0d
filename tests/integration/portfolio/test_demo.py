import io

import pytest
from django.core.management import call_command

from spaceforchange.portfolio.models import Initiative

pytestmark = pytest.mark.django_db


def test_demo_has_initiatives_at_every_stage_and_reseeding_adds_none():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    initiatives = Initiative.objects.filter(organization__slug="northbay")
    assert initiatives.count() == 5
    assert set(initiatives.values_list("stage", flat=True)) == {
        "idea",
        "experiment",
        "scaling",
        "integrated",
        "stopped",
    }
    night_watch = initiatives.get(title="Digital night watch in home care")
    assert (night_watch.unit.name, night_watch.owner.email) == ("Home Care Services", "owner@northbay.example")
