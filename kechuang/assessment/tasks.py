"""The county's assessment run as a background job (it reads every enterprise)."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse

from kechuang.assessment import services
from kechuang.assessment.choices import RuleCode
from kechuang.core import jobs
from kechuang.core.models import Job

RUN_PERMISSION = "assessment.run_assessment"


def start_run(code: str, on: datetime.date, *, user) -> Job:
    return jobs.enqueue(
        "assessment.run",
        f"全县{RuleCode(code).label}测评（基准日 {on:%Y-%m-%d}）",
        params={"code": code, "on": on.isoformat(), "user_id": user.pk},
        user=user,
    )


def _back(job: Job) -> tuple[str, str]:
    return reverse("assessment:overview"), "认定测评"


@jobs.handler("assessment.run", permission=RUN_PERMISSION, back=_back)
def run(job: Job, report) -> dict:
    params = job.params
    user = get_user_model().objects.filter(pk=params.get("user_id")).first()
    result = services.run_assessment(
        params["code"], datetime.date.fromisoformat(params["on"]), user=user, report=report
    )
    return {"run_id": result.pk, "url": result.get_absolute_url(), **result.summary}
