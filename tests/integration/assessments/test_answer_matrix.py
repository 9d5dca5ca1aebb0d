"""The submitted answers as the scoring code takes them, and concurrent submits on PostgreSQL."""

from __future__ import annotations

import pytest

from spaceforchange.assessments import response_services, selectors
from spaceforchange.assessments.domain import RespondentRow
from spaceforchange.assessments.models import Response, ResponseStatus
from tests.factories import make_campaign, make_organization, make_response, make_unit


@pytest.mark.django_db
def test_the_matrix_holds_submitted_responses_in_statement_order(django_assert_max_num_queries):
    organization = make_organization()
    campaign = make_campaign(organization)
    unit = make_unit(organization)
    first = make_response(campaign, {"o2": 1, "r1": 5, "o1": None})
    make_response(campaign, {"r1": 2}, submit=False)  # drafts are left out
    second = make_response(campaign, {"r2": 3})
    Response.objects.filter(pk=second.pk).update(unit=unit, weight=2.5, attributes={"AGENCY": "VA"})
    make_response(make_campaign(organization), {"r1": 1})  # another campaign's
    with django_assert_max_num_queries(3):
        matrix = selectors.submitted_answers_matrix(campaign)
    assert matrix.statement_keys == ["r1", "r2", "o1", "o2"]
    assert matrix.rows == [
        RespondentRow(values=[5, None, None, 1], weight=1.0, unit_id=None, attributes={}),
        RespondentRow(values=[None, 3, None, None], weight=2.5, unit_id=unit.pk, attributes={"AGENCY": "VA"}),
    ]
    assert first.pk < second.pk


@pytest.mark.django_db
def test_a_campaign_without_submissions_gives_an_empty_matrix():
    matrix = selectors.submitted_answers_matrix(make_campaign(make_organization()))
    assert (matrix.statement_keys, matrix.rows) == (["r1", "r2", "o1", "o2"], [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_response_keep_one_submission():
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs a database that serves several connections at once")
    response = make_response(make_campaign(make_organization()), submit=False)
    barrier = Barrier(4)

    def submit(_attempt: int) -> object:
        try:
            barrier.wait(timeout=10)
            return response_services.submit_response(response=Response.objects.get(pk=response.pk)).submitted_at
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        times = list(pool.map(submit, range(4)))
    stored = Response.objects.get(pk=response.pk)
    assert stored.status == ResponseStatus.SUBMITTED
    assert set(times) == {stored.submitted_at}
