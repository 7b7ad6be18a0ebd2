"""企业创新体检报告: the enterprise profile as a PDF (HTML template laid out by WeasyPrint)
and as a Word document (a docxtpl template), with its charts drawn as images by matplotlib.

Both read the same `profile.Profile`. Fonts come from the system (fontconfig): the CJK font
the set-up installs (WenQuanYi Micro Hei) first, then any Noto/Source Han CJK font present.
"""

import base64
import datetime
import io
import uuid
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.template.loader import render_to_string
from django.urls import reverse
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from matplotlib import pyplot
from matplotlib.figure import Figure

from kechuang.assessment.profile import Profile, build_profile
from kechuang.core import changelog, jobs
from kechuang.core.excel import stamp
from kechuang.core.exports import exports_folder
from kechuang.core.models import Job, OperationLog
from kechuang.core.oplog import record_operation
from kechuang.registry.models import Enterprise, Region

CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans"]
WORD_TEMPLATE = Path(__file__).with_name("report_templates") / "enterprise_report.docx"
REPORT_KIND = "assessment.reports"
PDF, DOCX = "pdf", "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
BLUE, GREEN, GREY = "#2f5bb7", "#2e8b57", "#9aa5b1"

pyplot.rcParams["font.sans-serif"] = CJK_FONTS
pyplot.rcParams["axes.unicode_minus"] = False


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    pyplot.close(figure)
    return buffer.getvalue()


def charts(profile: Profile) -> dict[str, bytes]:
    """The report's charts as PNG: R&D spend and intensity against the industry median, and
    revenue. Empty when there are no figures to draw."""
    rows = [
        row for row in profile.rows if row["revenue"] is not None or row["rd_expense"] is not None
    ]
    if not rows:
        return {}
    years = [str(row["year"]) for row in rows]
    drawn = {}
    figure, axis = pyplot.subplots(figsize=(7.5, 2.5))
    axis.bar(years, [row["rd_expense"] or 0 for row in rows], color=BLUE, label="研发投入（万元）")
    axis.set_ylabel("万元")
    axis.spines[["top", "right"]].set_visible(False)
    right = axis.twinx()
    right.plot(
        years, [row["intensity"] for row in rows], color=GREEN, marker="o", label="研发强度（%）"
    )
    medians = [row["quartiles"]["intensity"][1] if row["quartiles"] else None for row in rows]
    if any(m is not None for m in medians):
        right.plot(
            years, medians, color=GREY, linestyle="--", marker=".", label="行业研发强度中位数（%）"
        )
    right.set_ylabel("%")
    right.spines[["top"]].set_visible(False)
    handles = axis.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = axis.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    axis.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    axis.set_title("研发投入与研发强度", fontsize=10)
    drawn["rd"] = _png(figure)

    figure, axis = pyplot.subplots(figsize=(7.5, 2.3))
    axis.bar(years, [row["revenue"] or 0 for row in rows], color=BLUE, label="营业收入（万元）")
    medians = [row["quartiles"]["revenue"][1] if row["quartiles"] else None for row in rows]
    if any(m is not None for m in medians):
        axis.plot(
            years, medians, color=GREY, linestyle="--", marker=".", label="行业中位数（万元）"
        )
    axis.set_ylabel("万元")
    axis.spines[["top", "right"]].set_visible(False)
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7, frameon=False)
    axis.set_title("营业收入", fontsize=10)
    drawn["revenue"] = _png(figure)
    return drawn


def _context(profile: Profile) -> dict:
    return {
        "profile": profile,
        "enterprise": profile.enterprise,
        "generated_on": profile.today,
    }


def render_pdf(profile: Profile) -> bytes:
    import weasyprint

    images = {name: base64.b64encode(png).decode() for name, png in charts(profile).items()}
    html = render_to_string("assessment/report.html", {**_context(profile), "charts": images})
    return weasyprint.HTML(string=html).write_pdf()


def render_docx(profile: Profile) -> bytes:
    document = DocxTemplate(WORD_TEMPLATE)
    images = {
        name: InlineImage(document, io.BytesIO(png), width=Mm(160))
        for name, png in charts(profile).items()
    }
    document.render({**_word_context(profile), "charts": images}, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _word_context(profile: Profile) -> dict:
    """Plain values for the Word template (it cannot call methods or filters)."""
    enterprise = profile.enterprise
    standing = profile.standing or {}
    points = profile.points
    return {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "town": getattr(enterprise.town, "name", ""),
        "industry": str(enterprise.industry or ""),
        "generated_on": f"{profile.today.year}年{profile.today.month}月{profile.today.day}日",
        "rows": [
            {
                "year": row["year"],
                "revenue": _num(row["revenue"]),
                "rd": _num(row["rd_expense"]),
                "intensity": "—" if row["intensity"] is None else f"{row['intensity']:.2f}%",
                "median": "—"
                if not row["quartiles"] or row["quartiles"]["intensity"][1] is None
                else f"{row['quartiles']['intensity'][1]:.2f}%",
                "staff": "—" if row["rd_staff"] is None else row["rd_staff"],
            }
            for row in profile.rows
        ],
        "standing": {
            "year": standing.get("year", ""),
            "tier": standing.get("tier", "—") if standing.get("entry") else "未纳入监测",
            "cls": standing.get("innovation_class", "—") if standing.get("entry") else "—",
            "missing": "、".join(standing.get("coverage_missing") or []) or "无",
            "lists": "、".join(standing.get("on_lists") or []) or "无",
        },
        "alerts": [alert.message for alert in profile.alerts],
        "expiring": [
            f"{q.get_kind_display()}（{q.title or q.certificate_no}）有效期至"
            f"{q.valid_until.year}年{q.valid_until.month}月{q.valid_until.day}日"
            for q in profile.expiring
        ],
        "readiness": [
            {
                "label": r.label,
                "verdict": r.verdict_label,
                "met": r.result.met_count,
                "total": len(r.result.criteria),
                "criteria": [
                    {
                        "title": c.title,
                        "verdict": {"met": "符合", "not_met": "不符合"}.get(
                            c.verdict, "需补充信息"
                        ),
                        "explanation": c.explanation,
                        "gap": c.gap,
                    }
                    for c in r.result.criteria
                ],
            }
            for r in profile.readiness
        ],
        "qualifies": [
            {
                "title": o.run.policy.title,
                "year": o.run.year,
                "amount": _num(o.amount and o.amount / 10000),
                "explanation": o.explanation,
            }
            for o in profile.qualifies
        ],
        "points": None
        if points is None
        else {
            "total": f"{points.total:.2f}",
            "rank": points.rank,
            "stage": points.get_stage_display(),
            "indicators": [
                {"title": i["title"], "points": i["points"], "explanation": i["explanation"]}
                for i in points.items
            ],
        },
        "gaps": [f"{label}：{text}" for label, text in profile.gaps],
        "unknown": [f"{label}：{text}" for label, text in profile.unknown],
    }


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):,.2f}"


def report_name(enterprise: Enterprise, fmt: str, today: datetime.date) -> str:
    return f"{enterprise.name}_企业创新体检报告_{today:%Y%m%d}.{fmt}"


def render(profile: Profile, fmt: str) -> bytes:
    return render_pdf(profile) if fmt == PDF else render_docx(profile)


# -- every enterprise of a town in one job --------------------------------------------------------


def start_town_reports(town: Region, fmt: str, *, user, origin: dict) -> Job:
    count = Enterprise.objects.filter(town=town, status="active").count()
    return jobs.enqueue(
        REPORT_KIND,
        f"生成{town.name}企业创新体检报告（{count} 家，{fmt.upper()}）",
        params={"town": town.code, "format": fmt, "origin": origin},
        user=user,
    )


def _back(job: Job) -> tuple[str, str]:
    return reverse("assessment:report_batch"), "体检报告批量生成"


@jobs.handler(REPORT_KIND, permission="assessment.view_assessmentresult", back=_back)
def town_reports(job: Job, report) -> dict:
    """A zip of the reports of every enterprise in business in a town, as the requester's
    scope allows."""
    params = job.params
    fmt = params["format"] if params.get("format") in (PDF, DOCX) else PDF
    town = Region.objects.get(code=params["town"])
    user = job.created_by
    enterprises = list(
        Enterprise.objects.restrict(user)
        .filter(town=town, status="active")
        .select_related("town", "industry")
        .order_by("name_sort")
    )
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.zip"
    partial = path.with_suffix(".part")
    today = datetime.date.today()
    try:
        with (
            changelog.recording(user, job=job),
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for number, enterprise in enumerate(enterprises, start=1):
                content = render(build_profile(enterprise, today), fmt)
                archive.writestr(report_name(enterprise, fmt, today), content)
                report(
                    int(95 * number / max(1, len(enterprises))),
                    f"已生成 {number} / {len(enterprises)} 份",
                )
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    record_operation(
        user,
        OperationLog.Action.EXPORT,
        "企业创新体检报告",
        summary=f"{town.name} {len(enterprises)} 份（{fmt}）",
        rows=len(enterprises),
        origin=params.get("origin"),
    )
    return {
        "url": reverse("assessment:report_download", args=[job.pk]),
        "path": str(path),
        "filename": f"{town.name}_企业创新体检报告_{stamp()}.zip",
        "rows": len(enterprises),
    }
