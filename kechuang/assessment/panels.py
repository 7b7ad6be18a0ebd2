"""The readiness panel on an enterprise's page (see core.panels)."""

from django.utils import timezone

from kechuang.assessment import services
from kechuang.assessment.choices import RuleCode
from kechuang.engines.recognition.results import VERDICT_LABELS


def enterprise_readiness_panel(enterprise, request) -> dict | None:
    """高企 and 科小 readiness as of today: the verdict, what is met, and the first gaps."""
    if not request.user.has_perm("assessment.view_assessmentresult"):
        return None
    today = timezone.localdate()
    rows = []
    for code, label in RuleCode.choices:
        try:
            result, _facts, _sources, _rules = services.assess_enterprise(enterprise, code, today)
        except services.AssessmentRefused:
            continue
        rows.append(
            {
                "code": code,
                "label": label,
                "verdict": result.verdict,
                "verdict_label": VERDICT_LABELS[result.verdict],
                "met": result.met_count,
                "total": len(result.criteria),
                "unmet": result.unmet,
                "unknown": result.unknown,
            }
        )
    return {"readiness": rows, "today": today}
