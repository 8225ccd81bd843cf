"""Staff pages for assessments (being written)."""

from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404("Not built yet")


assessment_queue = assessment_create = assessment_detail = assessment_section = assessment_involvement = _not_yet
advocacy_referral_create = advocacy_referral_update = capacity_create = assessment_complex = _not_yet
assessment_allocate = assessment_sign_off = decision_letter = _not_yet
