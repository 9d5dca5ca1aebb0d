"""A campaign's results as one plain dict, for the API, the CLI and exports.

The submitted answers (``selectors.submitted_answers_matrix``) go through the pure scoring
pipeline (``analytics.survey.score``) with the scale, the reverse-worded statements and the
dimensions of the pack version the campaign recorded, and the campaign's anonymity threshold.

Shape::

    {"campaign": {"id", "title", "instrument", "pack", "pack_version", "status", "anonymous",
                  "anonymity_threshold", "respondents"},
     "groups": [{"group": VALUE, "suppressed": False, "n": N,
                 "items": {STATEMENT_KEY: FIGURES}, "dimensions": {DIMENSION_KEY: FIGURES + "alpha"}},
                {"group": VALUE, "suppressed": True}]}

FIGURES are ``mean``, ``ci_low``, ``ci_high``, ``share_favourable``, ``share_neutral``,
``share_unfavourable`` (fractions 0..1) and ``n``; a figure that does not exist is None. A
suppressed group carries no figures and no ``n`` either: its size is exactly what the threshold
hides. ``respondents`` (submitted responses) is always shown, because complementary suppression
already keeps the hidden groups together at or above the threshold. A campaign without answers has
one visible group ``"all"`` with ``n`` 0 and no figures: an empty group reveals nobody.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from spaceforchange.analytics.survey import Figures, GroupScores, InstrumentShape, ScoringParameters, score
from spaceforchange.assessments import selectors
from spaceforchange.assessments.domain import AnswerMatrix, RespondentRow
from spaceforchange.assessments.models import Campaign
from spaceforchange.core.models import Unit
from spaceforchange.frameworks.schema import Instrument, Scale

GROUP_BY_UNIT = "unit"
ATTRIBUTE_PREFIX = "attribute:"
WHOLE_CAMPAIGN = "all"
ITEM_FIGURES = (
    "mean",
    "ci_low",
    "ci_high",
    "share_favourable",
    "share_neutral",
    "share_unfavourable",
    "n",
)
DIMENSION_FIGURES = (*ITEM_FIGURES, "alpha")


def parse_group_by(group_by: str | None) -> tuple[str, str] | None:
    """``None`` for the whole campaign, else ``("unit", "")`` or ``("attribute", NAME)``; ValueError otherwise."""
    if not group_by:
        return None
    if group_by == GROUP_BY_UNIT:
        return ("unit", "")
    if group_by.startswith(ATTRIBUTE_PREFIX) and group_by[len(ATTRIBUTE_PREFIX) :].strip():
        return ("attribute", group_by[len(ATTRIBUTE_PREFIX) :].strip())
    raise ValueError(
        _("Group by “unit” or “attribute:NAME” (a respondent attribute such as attribute:AGENCY), not “%(value)s”.")
        % {"value": group_by}
    )


def campaign_results(campaign: Campaign, *, group_by: str | None = None) -> dict[str, Any]:
    """The campaign's figures, for the whole campaign or per unit or respondent attribute (see the module)."""
    grouping = parse_group_by(group_by)
    instrument = selectors.instrument_of(campaign)
    matrix = selectors.submitted_answers_matrix(campaign)
    statements = instrument.statements
    shape = InstrumentShape(
        statement_keys=tuple(statement.key for statement in statements),
        dimension_keys=tuple(statement.dimension for statement in statements),
        reverse=tuple(statement.reverse for statement in statements),
    )
    answers = np.array([row.values for row in matrix.rows], dtype=np.float64).reshape(len(matrix.rows), len(statements))
    weights = np.array([row.weight for row in matrix.rows], dtype=np.float64)
    codes, labels = (None, None) if grouping is None else _groups(campaign, matrix, *grouping)
    scores = score(
        shape,
        answers,
        weights=weights,
        group_codes=codes,
        group_labels=labels,
        parameters=_parameters(instrument, campaign.anonymity_threshold),
    )
    return {"campaign": _campaign(campaign, len(matrix.rows)), "groups": [_group(entry) for entry in scores]}


def _parameters(instrument: Instrument, threshold: int) -> ScoringParameters:
    favourable_min, unfavourable_max = favourable_cutoffs(instrument.scale)
    return ScoringParameters(
        scale_min=instrument.scale.min,
        scale_max=instrument.scale.max,
        favourable_min=favourable_min,
        unfavourable_max=unfavourable_max,
        anonymity_threshold=threshold,
    )


def favourable_cutoffs(scale: Scale) -> tuple[int, int]:
    """The top two points are favourable and the bottom two unfavourable (4–5 and 1–2 on 1–5, 3–4 and 0–1
    on 0–4); on scales of four points or fewer only the end points, so a neutral middle remains."""
    step = 1 if scale.max - scale.min >= 4 else 0
    return scale.max - step, scale.min + step


def _groups(campaign: Campaign, matrix: AnswerMatrix, kind: str, name: str) -> tuple[NDArray[np.intp], list[str]]:
    if kind == GROUP_BY_UNIT:
        return _codes(matrix.rows, _unit_labeller(campaign, matrix.rows), _("(no unit)"))
    return _codes(matrix.rows, lambda row: _attribute_value(row, name), _("(missing)"))


def _codes(
    rows: Sequence[RespondentRow], label_of: Callable[[RespondentRow], str | None], missing: str
) -> tuple[NDArray[np.intp], list[str]]:
    """Each row's group code and the labels, sorted, with the rows without a value last."""
    found = [label_of(row) for row in rows]
    labels = sorted({label for label in found if label is not None}, key=str.casefold)
    if any(label is None for label in found):
        # A unit or value may itself be called "(missing)"; labels must stay distinct.
        while missing in labels:
            missing += "*"
        labels.append(missing)
    position = {label: index for index, label in enumerate(labels)}
    codes = [position[label] if label is not None else len(labels) - 1 for label in found]
    return np.array(codes, dtype=np.intp), labels


def _unit_labeller(campaign: Campaign, rows: Sequence[RespondentRow]) -> Callable[[RespondentRow], str | None]:
    """Units are shown by name; names repeat across branches of the tree, so repeats get their id."""
    wanted = {row.unit_id for row in rows if row.unit_id is not None}
    names = dict(Unit.objects.filter(organization_id=campaign.organization_id, pk__in=wanted).values_list("pk", "name"))
    repeated = {name for name, count in Counter(names.values()).items() if count > 1}
    shown = {pk: f"{name} (#{pk})" if name in repeated else name for pk, name in names.items()}
    return lambda row: shown.get(row.unit_id) if row.unit_id is not None else None


def _attribute_value(row: RespondentRow, name: str) -> str | None:
    value = row.attributes.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else str(value)


def _campaign(campaign: Campaign, respondents: int) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "instrument": campaign.instrument_key,
        "pack": campaign.pack_version.pack.key,
        "pack_version": campaign.pack_version.version,
        "status": campaign.status,
        "anonymous": campaign.anonymous,
        "anonymity_threshold": campaign.anonymity_threshold,
        "respondents": respondents,
    }


def _group(scores: GroupScores) -> dict[str, Any]:
    if scores.suppressed:
        return {"group": scores.group, "suppressed": True}
    return {
        "group": scores.group,
        "suppressed": False,
        "n": scores.n,
        "items": {key: _figures(figures, ITEM_FIGURES) for key, figures in scores.items.items()},
        "dimensions": {key: _figures(figures, DIMENSION_FIGURES) for key, figures in scores.dimensions.items()},
    }


def _figures(figures: Figures, names: Sequence[str]) -> dict[str, Any]:
    values = {
        "mean": figures.mean,
        "ci_low": figures.ci_low,
        "ci_high": figures.ci_high,
        "share_favourable": figures.share_favourable,
        "share_neutral": figures.share_neutral,
        "share_unfavourable": figures.share_unfavourable,
        "n": figures.n,
        "alpha": figures.alpha,
    }
    return {name: values[name] for name in names}
