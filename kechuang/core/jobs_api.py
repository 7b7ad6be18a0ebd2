"""Background jobs over the API: where a 202 answer points. A client polls a job until it is
finished, waiting `poll_after` seconds between requests; its submitter may retry a failed one.
Jobs are visible to their submitter (every job to a superuser), as on the pages."""

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from kechuang.core import jobs
from kechuang.core.models import Job


class JobSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    finished = serializers.BooleanField(source="is_finished", read_only=True)
    error = serializers.SerializerMethodField(help_text="失败原因（失败时）")
    url = serializers.SerializerMethodField(help_text="本任务的查询地址")
    page_url = serializers.SerializerMethodField(help_text="本任务的进度页面")
    poll_after = serializers.SerializerMethodField(help_text="建议再次查询前等待的秒数")

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "status_display",
            "progress",
            "message",
            "finished",
            "result",
            "error",
            "attempt",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "page_url",
            "poll_after",
        ]
        read_only_fields = fields

    def get_error(self, job: Job) -> str:
        return job.error.split("\n", 1)[0] if job.status == Job.Status.FAILED else ""

    def get_url(self, job: Job) -> str:
        return reverse("api-job-detail", args=[job.pk])

    def get_page_url(self, job: Job) -> str:
        return reverse("core:job_status", args=[job.pk])

    def get_poll_after(self, job: Job) -> int | None:
        return None if job.is_finished else jobs.poll_seconds(job)


def accepted(job: Job) -> Response:
    """The answer to a request whose work went to a background job: 202, the job, and
    where to poll it."""
    data = JobSerializer(job).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


DETAIL = inline_serializer("JobRefusal", fields={"detail": serializers.CharField()})


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A background job's status, progress and result."""

    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return jobs.visible_to(self.request.user)

    def get_object(self):
        return jobs.reap(super().get_object())

    @extend_schema(
        description="重新运行失败的任务（仅提交人，且仍有启动它所需的权限）。",
        request=None,
        responses={
            202: JobSerializer,
            400: OpenApiResponse(DETAIL, description="任务未失败，无需重试"),
            403: OpenApiResponse(DETAIL, description="只有提交人（且仍有相应权限）可以重试"),
        },
    )
    def retry(self, request, pk=None):
        job = self.get_object()
        if job.status != Job.Status.FAILED:
            return Response({"detail": "只有失败的任务可以重试。"}, status=400)
        if not jobs.can_retry(job, request.user):
            return Response(
                {"detail": "只有提交人（且仍有相应权限）可以重试失败的任务。"}, status=403
            )
        return accepted(jobs.retry(job))


urlpatterns = [
    path("<int:pk>/", JobViewSet.as_view({"get": "retrieve"}), name="api-job-detail"),
    path("<int:pk>/retry/", JobViewSet.as_view({"post": "retry"}), name="api-job-retry"),
]
