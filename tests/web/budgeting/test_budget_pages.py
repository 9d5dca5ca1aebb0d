"""The budget pages: the cycles, creating and editing a cycle, a cycle's lines (search, filters,
sort, pages, totals) and indicators, lines with their dependencies, and funding options.

Per role, with other organisations' ids (404), bad and hostile input (re-rendered with errors,
nothing changed), and a fixed number of queries on the cycle page.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from spaceforchange.budgeting.models import BudgetCycle, BudgetLine, FundingOption, LineDependency
from tests.integration.budgeting.conftest import World
from tests.web.budgeting.helpers import ORG, errors_of, soup_of, table_rows, text_of

pytestmark = pytest.mark.django_db
BUDGETS = ORG + "budgets/"
CYCLE_FORM = {
    "name": "2028",
    "starts_on": "2028-01-01",
    "ends_on": "2028-12-31",
    "total_budget": "2000",
    "target_innovation": "10",
    "target_efficiency": "30",
    "target_service_delivery": "60",
    "min_innovation": "8",
    "max_innovation": "30",
}


def cycle_url(world: World, rest: str = "") -> str:
    return f"{BUDGETS}{world.cycle.pk}/{rest}"


def line_form(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "code": "N-01",
        "title": "New service",
        "unit": world.units[1].pk,
        "amount": "75.50",
        "previous_amount": "",
        "purpose": "innovation",
        "basis": "re_decided",
        "max_change": "",
    } | fields


def test_cycle_list_shows_cycles_with_counts_and_totals(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    soup = soup_of(as_person("member").get(BUDGETS))
    assert table_rows(soup, "#cycles") == [["2027", "2027-01-01 – 2027-12-31", "Draft", "10", "960", "1,000"]]
    assert soup.find("a", string="New budget cycle") is None
    assert soup_of(as_person("lead").get(BUDGETS)).find("a", string="New budget cycle") is not None


def test_no_cycles_is_an_empty_state(world: World, as_person: Callable[[str], Client]) -> None:
    BudgetCycle.objects.all().delete()
    assert soup_of(as_person("member").get(BUDGETS)).select_one("#no-cycles") is not None


def test_lead_creates_and_edits_a_cycle(world: World, as_person: Callable[[str], Client]) -> None:
    lead = as_person("lead")
    response = lead.post(BUDGETS + "new/", CYCLE_FORM)
    cycle = BudgetCycle.objects.get(name="2028")
    assert response.status_code == 302 and response["Location"] == f"{BUDGETS}{cycle.pk}/"
    assert cycle.total_budget == Decimal(2000)
    assert cycle.target_purpose_mix == {"innovation": 0.1, "efficiency": 0.3, "service_delivery": 0.6}
    assert cycle.purpose_bounds == {"innovation": {"min": 0.08, "max": 0.3}}
    form = soup_of(lead.get(f"{BUDGETS}{cycle.pk}/edit/"))
    assert form.select_one("input[name=target_efficiency]")["value"] == "30"
    edited = lead.post(f"{BUDGETS}{cycle.pk}/edit/", CYCLE_FORM | {"total_budget": "2500", "max_innovation": ""})
    assert edited.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.total_budget, cycle.purpose_bounds) == (Decimal(2500), {"innovation": {"min": 0.08}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Name"),
        ({"name": "2027"}, "already exists"),
        ({"name": "x" * 101}, "Name"),
        ({"ends_on": "2027-12-31"}, "ends after it starts"),
        ({"starts_on": "1800-01-01"}, "too early"),
        ({"total_budget": "-1"}, "Total budget"),
        ({"total_budget": "1e400"}, "Total budget"),
        ({"total_budget": "12.345"}, "Total budget"),
        ({"target_innovation": "50"}, "add up to 1"),
        ({"min_innovation": "40"}, "exceeds the maximum"),
        ({"max_efficiency": "101"}, "At most, Operational efficiency"),
    ],
)
def test_bad_cycles_rerender_with_errors(
    world: World, as_person: Callable[[str], Client], change: dict[str, str], message: str
) -> None:
    soup = soup_of(as_person("lead").post(BUDGETS + "new/", CYCLE_FORM | change))
    assert message in errors_of(soup)
    assert BudgetCycle.objects.count() == 1


@pytest.mark.parametrize(("name", "status"), [("member", 403), ("oversight", 403), ("admin", 403), ("leader", 200)])
def test_who_manages_cycles_and_lines(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], name: str, status: int
) -> None:
    client = as_person(name)
    for url in (
        BUDGETS + "new/",
        cycle_url(world, "edit/"),
        cycle_url(world, "lines/new/"),
        cycle_url(world, "import/"),
    ):
        assert client.get(url).status_code == status, url
    assert client.get(cycle_url(world, f"lines/{filled[0].pk}/edit/")).status_code == status
    if status == 403:
        assert client.post(cycle_url(world, "lines/new/"), line_form(world)).status_code == 403
        assert client.post(cycle_url(world, f"lines/{filled[0].pk}/options/"), {}).status_code == 403
        assert BudgetLine.objects.count() == 10


def test_cycle_page_lists_lines_with_totals_and_indicators(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = as_person("member")
    with django_assert_max_num_queries(16):
        soup = soup_of(client.get(cycle_url(world)))
    rows = table_rows(soup, "#lines")
    assert [row[0] for row in rows] == ["H-01", "H-02", "H-03", "R-01", "R-02", "R-03", "R-04", "S-01", "S-02", "S-03"]
    assert rows[2] == [
        "H-03",
        "Line H-03",
        "Health",
        "Innovation",
        "Re-decided",
        "No",
        "Climate (1), Digital services (4)",
        "50",
        "50",
    ]
    assert (text_of(soup, "#total-amount"), text_of(soup, "#total-previous")) == ("960", "920")
    assert text_of(soup, "#linked-share") == "64 %"  # 610 of 960 in lines scored above 0
    assert text_of(soup, "#carried-share") == "75 %"  # 720 of 960
    assert table_rows(soup, "#purpose-mix") == [
        ["Innovation", "16 %", "10 %"],
        ["Operational efficiency", "20 %", "20 %"],
        ["Service delivery", "65 %", "70 %"],
    ]
    assert table_rows(soup, "#goal-money") == [
        ["Digital services", "50", "220", "23 %"],  # S-01 120, S-03 60, four fifths of H-03's 50
        ["Climate", "30", "240", "25 %"],  # H-02 90, R-02 100, R-04 40, a fifth of H-03's 50
        ["Early help", "20", "150", "16 %"],
        ["No goal", "—", "350", "36 %"],
    ]
    assert soup.find("a", string="Add a line") is None


def test_cycle_page_query_count_does_not_grow_with_lines(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        line = world.line(f"X-{number:02d}", 10 + number, number % 3, purpose="efficiency")
        world.score(line, number % 3, 1 + number % 5)
    client = as_person("lead")
    with django_assert_max_num_queries(16):
        soup = soup_of(client.get(cycle_url(world)))
    assert len(soup.select("#lines tbody tr")) == 25
    assert soup.select_one(".usa-pagination") is None


def test_search_filters_sort_and_pages(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    client = as_person("member")

    def codes(**query: str) -> list[str]:
        return [row[0] for row in table_rows(soup_of(client.get(cycle_url(world), query)), "#lines")]

    assert codes(q="r-0") == ["R-01", "R-02", "R-03", "R-04"]
    assert codes(unit=str(world.units[1].pk)) == ["H-01", "H-02", "H-03"]
    assert codes(purpose="innovation", sort="amount") == ["S-03", "H-03", "R-04"]
    assert codes(basis="carried_over", mandatory="yes") == ["H-01", "R-01", "S-01"]
    assert codes(linked="no") == ["R-01", "R-03", "S-02"]
    assert codes(sort="amount")[:2] == ["R-01", "H-01"]
    filtered = soup_of(client.get(cycle_url(world), {"unit": str(world.units[2].pk)}))
    assert text_of(filtered, "#total-amount") == "410"
    assert "Total of the lines that match" in text_of(filtered, "#lines tfoot")
    nothing = soup_of(client.get(cycle_url(world), {"q": "zzz"}))
    assert text_of(nothing, "#no-lines") == "No line matches the filter."
    hostile = {"q": "x" * 500, "unit": "<script>", "purpose": "' OR 1=1", "sort": "drop", "page": "9999"}
    assert len(soup_of(client.get(cycle_url(world), hostile)).select("#lines tbody tr")) == 10


def test_pages_of_lines_keep_the_filter(world: World, as_person: Callable[[str], Client]) -> None:
    for number in range(30):
        world.line(f"P-{number:02d}", 10, 1, purpose="efficiency")
    client = as_person("member")
    first = soup_of(client.get(cycle_url(world), {"purpose": "efficiency"}))
    assert len(first.select("#lines tbody tr")) == 25
    link = first.find("a", string="Next")
    assert link is not None and "purpose=efficiency" in link["href"] and "page=2" in link["href"]
    second = soup_of(client.get(cycle_url(world), {"purpose": "efficiency", "page": "2"}))
    assert [row[0] for row in table_rows(second, "#lines")] == [f"P-{number:02d}" for number in range(25, 30)]


def test_empty_cycle_has_empty_states(world: World, as_person: Callable[[str], Client]) -> None:
    soup = soup_of(as_person("member").get(cycle_url(world)))
    assert text_of(soup, "#no-lines") == "No budget lines yet."
    assert "once the cycle has lines" in text_of(soup, "#indicators")


def test_lead_adds_a_line_with_a_dependency_and_edits_it(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    required = filled[0]
    form = soup_of(lead.get(cycle_url(world, "lines/new/")))
    assert len(form.select("input[name=requires]")) == 10
    response = lead.post(cycle_url(world, "lines/new/"), line_form(world, requires=[required.pk], mandatory="on"))
    line = BudgetLine.objects.get(code="N-01")
    assert response.status_code == 302
    assert response["Location"] == cycle_url(world, f"lines/{line.pk}/options/")
    assert (line.amount, line.unit_id, line.mandatory) == (Decimal("75.50"), world.units[1].pk, True)
    assert list(LineDependency.objects.filter(line=line).values_list("requires_id", flat=True)) == [required.pk]
    assert sorted(FundingOption.objects.filter(line=line).values_list("key", flat=True)) == ["full", "half", "none"]
    edit = soup_of(lead.get(cycle_url(world, f"lines/{line.pk}/edit/")))
    assert f'value="{line.pk}"' not in str(edit.select("input[name=requires]"))
    assert edit.select_one(f"input[name=requires][value='{required.pk}']").has_attr("checked")
    changed = lead.post(
        cycle_url(world, f"lines/{line.pk}/edit/"), line_form(world, amount="100", max_change="20", requires=[])
    )
    assert changed.status_code == 302
    line.refresh_from_db()
    assert (line.amount, line.max_change) == (Decimal(100), 0.2)
    assert not LineDependency.objects.filter(line=line).exists()
    assert FundingOption.objects.get(line=line, key="half").cost == Decimal(50)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": ""}, "Code"),
        ({"code": "S-01"}, "Another line of this cycle"),
        ({"title": "x" * 201}, "Title"),
        ({"unit": ""}, "Choose a unit"),
        ({"unit": "999999"}, "Unit"),
        ({"amount": "-5"}, "Amount"),
        ({"amount": "1.001"}, "Amount"),
        ({"amount": "NaN"}, "Amount"),
        ({"purpose": "fun"}, "Purpose"),
        ({"basis": "habit"}, "Basis"),
        ({"max_change": "2000"}, "Largest change"),
        ({"requires": ["999999"]}, "Funded only if"),
    ],
)
def test_bad_lines_rerender_with_errors(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client], change: dict[str, Any], message: str
) -> None:
    soup = soup_of(as_person("lead").post(cycle_url(world, "lines/new/"), line_form(world, **change)))
    assert message in errors_of(soup)
    assert BudgetLine.objects.count() == 10


def test_other_organisations_ids_are_404_or_invalid(
    world: World, other: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    lead = as_person("lead")
    foreign_line = other.line("F-01", 10)
    for url in (
        f"{BUDGETS}{other.cycle.pk}/",
        f"{BUDGETS}{other.cycle.pk}/edit/",
        f"{BUDGETS}{other.cycle.pk}/lines/new/",
        cycle_url(world, f"lines/{foreign_line.pk}/edit/"),
        cycle_url(world, f"lines/{foreign_line.pk}/options/"),
        f"{BUDGETS}{other.cycle.pk}/export.csv",
        "/o/southport/budgets/",
    ):
        assert lead.get(url).status_code == 404, url
    soup = soup_of(lead.post(cycle_url(world, "lines/new/"), line_form(world, unit=other.units[0].pk)))
    assert "Unit" in errors_of(soup)
    soup = soup_of(lead.post(cycle_url(world, "lines/new/"), line_form(world, requires=[foreign_line.pk])))
    assert "Funded only if" in errors_of(soup)
    assert BudgetLine.objects.filter(cycle=world.cycle).count() == 10


def test_line_of_another_cycle_is_404(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    second = BudgetCycle.objects.create(
        organization=world.organization, name="2028", starts_on="2028-01-01", ends_on="2028-12-31", total_budget=1
    )
    assert as_person("lead").get(f"{BUDGETS}{second.pk}/lines/{filled[0].pk}/edit/").status_code == 404


def test_funding_options_are_shown_and_replaced(
    world: World, filled: list[BudgetLine], as_person: Callable[[str], Client]
) -> None:
    line = filled[2]  # S-03, 60, Digital services 5
    url = cycle_url(world, f"lines/{line.pk}/options/")
    member_view = soup_of(as_person("member").get(url))
    assert [row[1:3] for row in table_rows(member_view, "#options")] == [["none", "0"], ["half", "30"], ["full", "60"]]
    assert member_view.select_one("form input[name$=-cost]") is None
    lead = as_person("lead")
    assert len(soup_of(lead.get(url)).select("input[name$=-key]")) == 5
    data = {
        "options-TOTAL_FORMS": "3",
        "options-INITIAL_FORMS": "3",
        "options-0-key": "none",
        "options-0-cost": "0",
        "options-0-scale": "0",
        "options-1-key": "pilot",
        "options-1-label": "Pilot in one school",
        "options-1-cost": "25",
        "options-1-scale": "40",
        "options-2-key": "",
    }
    assert lead.post(url, data).status_code == 302
    options = {option.key: (option.cost, option.contributions) for option in FundingOption.objects.filter(line=line)}
    assert options == {"none": (Decimal(0), {}), "pilot": (Decimal(25), {str(world.goals[0].pk): 2.0})}
    refused = soup_of(lead.post(url, data | {"options-0-cost": "5"}))
    assert "costs 0" in errors_of(refused)
    refused = soup_of(lead.post(url, data | {"options-1-key": "none"}))
    assert "used twice" in errors_of(refused)
    refused = soup_of(lead.post(url, data | {"options-1-key": "<b>"}))
    assert "Key" in errors_of(refused)
    assert FundingOption.objects.filter(line=line).count() == 2
