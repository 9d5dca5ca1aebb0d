"""Every organisation-owned model is followed by the audit log."""

from auditlog.registry import auditlog
from django.apps import apps

from spaceforchange.core.models import Organization

# Derived data only: stored results are recomputed from the audited campaign and its answers.
NOT_AUDITED: set[str] = {
    "assessments.ResultSnapshot",
    "policies.TensionSnapshot",
    "legitimacy.SubjectStanding",
    # Pseudonymous participant data arriving at high rates (an entry would store the request's
    # address), and derived opinion maps; staff actions on consultations are audited.
    "consultations.Participant",
    "consultations.Vote",
    "consultations.OpinionSnapshot",
}


def organization_owned_models():
    for model in apps.get_models():
        if not model.__module__.startswith("spaceforchange."):
            continue
        if model is Organization or any(
            field.is_relation and field.related_model is Organization and field.name == "organization"
            for field in model._meta.get_fields()
            if not field.auto_created
        ):
            yield model


def test_every_organization_owned_model_is_audited():
    models = list(organization_owned_models())
    assert len(models) >= 5
    missing = [
        model._meta.label for model in models if not auditlog.contains(model) and model._meta.label not in NOT_AUDITED
    ]
    assert missing == []
