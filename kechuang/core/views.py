"""Generic views every app subclasses by setting attributes (NetBox's declarative shape).

Each view takes its rows from `Model.objects.restrict(user, action)`, so an id outside the
user's scope answers 404 and a list, count or export never shows a row the user may not see.
"""

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from kechuang.core import exports, jobs, uploads
from kechuang.core import notifications as notifications_service
from kechuang.core.excel import CSV_TYPE, XLSX_TYPE, attachment, stamp, workbook_response
from kechuang.core.history import history_entries, shows_ip
from kechuang.core.importing import Issue, issues_workbook
from kechuang.core.masking import hidden_fields
from kechuang.core.models import Job, Notification, OperationLog
from kechuang.core.oplog import log_operation, request_origin
from kechuang.core.pagination import BoundedPaginator
from kechuang.core.panels import render_panels
from kechuang.core.scope import permission_name


class ScopedViewMixin(PermissionRequiredMixin):
    model = None
    action = "view"
    select_related: tuple[str, ...] = ()
    raise_exception = True

    def get_permission_required(self):
        return [permission_name(self.model, self.action)]

    def get_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, self.action)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        context["perms_for"] = {
            action: self.request.user.has_perm(permission_name(self.model, action))
            for action in ("add", "change", "export", "import")
        }
        return context


class ObjectListView(ScopedViewMixin, SingleTableMixin, FilterView):
    """Keyword search, filters, sorting, pagination, column choice and Excel export."""

    template_name = "core/object_list.html"
    paginate_by = 25
    paginator_class = BoundedPaginator
    export_name: str = ""
    create_url_name: str | None = None
    import_url_name: str | None = None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in exports.FORMATS:
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, data):
        """Only the table pages (and counts) the rows: the list view's own paging would count
        them a second time."""
        return None

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by, "paginator_class": self.paginator_class}

    def table_extra_kwargs(self) -> dict:
        """Extra table arguments that depend on the user (e.g. whether PII is shown)."""
        return {}

    def get_table_kwargs(self):
        kwargs = {**super().get_table_kwargs(), **self.table_extra_kwargs()}
        if getattr(getattr(self, "filterset", None), "ranked", False):
            kwargs["order_by"] = ()  # best match first, unless the user sorts by a column
        chosen = self._chosen_columns()
        if chosen is not None:
            kwargs["exclude"] = [
                name
                for name in self.table_class.base_columns
                if name not in chosen and name not in self.table_class.always_visible()
            ]
        return kwargs

    def _session_key(self) -> str:
        return f"columns:{self.model._meta.label_lower}"

    def _chosen_columns(self) -> list[str] | None:
        if "columns" in self.request.GET:
            chosen = [c for c in self.request.GET.getlist("columns") if c]
            self.request.session[self._session_key()] = chosen
            return chosen
        return self.request.session.get(self._session_key())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self._chosen_columns()
        context["column_choices"] = [
            (name, column.verbose_name, chosen is None or name in chosen)
            for name, column in self.table_class.base_columns.items()
            if name not in self.table_class.always_visible()
            and name not in self.table_class.export_only()
        ]
        table = context["table"]
        context["result_count"] = table.paginator.count if hasattr(table, "paginator") else 0
        context["create_url_name"] = self.create_url_name
        context["import_url_name"] = self.import_url_name
        return context

    def get_export_name(self) -> str:
        return self.export_name or str(self.model._meta.verbose_name_plural)

    def export_table(self):
        """The page's table over every row the user may export: their scope, the page's
        filters and chosen columns (and those exported always, such as the credit code),
        nothing paginated."""
        if not self.request.user.has_perm(permission_name(self.model, "export")):
            raise PermissionDenied
        self.action = "export"
        queryset = self.get_queryset()
        self.filterset = self.filterset_class(
            self.request.GET, queryset=queryset, request=self.request
        )
        rows = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        kwargs = self.get_table_kwargs()
        always = self.table_class.export_always() + self.table_class.export_only()
        hidden = [name for name in kwargs.get("exclude", ()) if name not in always]
        kwargs["exclude"] = [*hidden, *self.table_class.export_exclude()]
        table = self.table_class(rows, **kwargs)
        sort = self.request.GET.get(table.prefixed_order_by_field)
        if sort:
            table.order_by = sort  # as the page is sorted; unknown columns are ignored
        return table

    def export(self, fmt: str = "xlsx") -> HttpResponse:
        """Up to EXPORT_INLINE_MAX_ROWS rows in the response; more by a background job whose
        page offers the file when it is written."""
        table = self.export_table()
        total = len(table.rows)
        name = self.get_export_name()
        if total > settings.EXPORT_INLINE_MAX_ROWS:
            job = exports.enqueue(self, fmt, total, request_origin(self.request))
            return redirect("core:export_job", job.pk)
        buffer = io.BytesIO()
        rows = exports.write_table(table, fmt, buffer, name)
        log_operation(
            self.request,
            OperationLog.Action.EXPORT,
            name,
            summary=self.request.GET.urlencode()[:500],
            rows=rows,
        )
        content_type = CSV_TYPE if fmt == "csv" else XLSX_TYPE
        return attachment(buffer.getvalue(), content_type, f"{name}_{stamp()}.{fmt}")


class ObjectDetailView(ScopedViewMixin, DetailView):
    template_name = "core/object_detail.html"

    def masked_fields(self) -> tuple[str, ...]:
        """Fields whose values the user may only see masked, in the history as on the page."""
        return hidden_fields(self.request.user, self.model)

    def secret_fields(self) -> tuple[str, ...]:
        """Fields the user may not read at all: the history says only that they changed."""
        return ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_entries(
            self.object,
            masked=self.masked_fields(),
            viewer=self.request.user,
            secret=self.secret_fields(),
        )
        context["history_shows_ip"] = shows_ip(self.request.user)
        context["panels"] = render_panels(self.object, self.request)
        context["can_change"] = (
            self.model.objects.restrict(self.request.user, "change")
            .filter(pk=self.object.pk)
            .exists()
        )
        return context


class ObjectEditView(ScopedViewMixin, UpdateView):
    """Create (no pk in the URL) or change one object; the form receives the user."""

    template_name = "core/object_form.html"

    def get_permission_required(self):
        action = "change" if "pk" in self.kwargs else "add"
        return [permission_name(self.model, action)]

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return None
        self.action = "change"
        return super().get_object(self.get_queryset())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"已保存：{self.object}")
        return response


class ImportView(PermissionRequiredMixin, TemplateView):
    """Upload, validate every row, then commit all or nothing; errors downloadable as Excel."""

    template_name = "core/import.html"
    spec_class = None
    raise_exception = True
    upload_route = "registry"

    def get_permission_required(self):
        return [permission_name(self.spec_class.form_class._meta.model, "import")]

    def get(self, request, *args, **kwargs):
        spec = self.spec_class(request.user)
        if request.GET.get("template"):
            log_operation(request, OperationLog.Action.TEMPLATE, spec.title)
            return workbook_response(spec.template_workbook(), f"{spec.title}导入模板.xlsx")
        if request.GET.get("errors"):
            stored = request.session.get(self._errors_key())
            if not stored:
                return redirect(request.path)
            issues = [Issue.from_dict(e) for e in stored]
            return workbook_response(issues_workbook(issues), f"{spec.title}导入问题清单.xlsx")
        return super().get(request, *args, **kwargs)

    def _errors_key(self) -> str:
        return f"import-errors:{self.spec_class.__name__}"

    def post(self, request, *args, **kwargs):
        spec = self.spec_class(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的文件。")
            return redirect(request.path)
        if uploads.is_too_large(upload, self.upload_route):
            messages.error(request, uploads.too_large_message(self.upload_route))
            return redirect(request.path)
        update_existing = bool(request.POST.get("update_existing"))
        dry_run = bool(request.POST.get("dry_run"))
        result = spec.run(
            upload.name, upload.read(), update_existing=update_existing, dry_run=dry_run
        )
        request.session[self._errors_key()] = [e.as_dict() for e in result.errors]
        if not dry_run:
            log_operation(
                request,
                OperationLog.Action.IMPORT,
                spec.title,
                summary=(
                    f"{upload.name}：新增{result.created}，更新{result.updated}，"
                    f"未变{result.unchanged}，错误{len(result.errors)}"
                ),
                rows=result.created + result.updated,
                success=result.ok,
            )
        context = self.get_context_data(result=result, filename=upload.name)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spec = self.spec_class(self.request.user)
        context["spec"] = spec
        context["title"] = f"导入{spec.title}"
        return context


def export_job(request, pk: int):
    """A background export's progress, then its download link; the htmx poll gets the bar."""
    job = jobs.reap(get_object_or_404(exports.visible_jobs(request.user), pk=pk))
    context = {
        "title": job.title,
        "job": job,
        "error": _first_line(job.error),
        "poll_seconds": jobs.poll_seconds(job),
    }
    if request.headers.get("HX-Request"):
        return render(request, "core/includes/export_progress.html", context)
    return render(request, "core/export_job.html", context)


def export_download(request, pk: int):
    """The file of a finished export, for its requester or an administrator only."""
    job = get_object_or_404(
        exports.visible_jobs(request.user).filter(status=Job.Status.SUCCEEDED), pk=pk
    )
    path = Path(job.result.get("path", ""))
    if path.parent != exports.exports_folder() or not path.is_file():
        raise Http404("导出文件已过保存期限被删除，请重新导出。")
    content_type = CSV_TYPE if path.suffix == ".csv" else XLSX_TYPE
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result.get("filename") or path.name,
        content_type=content_type,
    )
    return response


def job_status(request, pk: int):
    """A job's progress: a page with a progress bar, its htmx partial, or JSON.

    A job whose process died is marked failed here, when it is looked at. A finished job
    that produced a page sends the browser there, with the messages it left."""
    job = jobs.reap(get_object_or_404(jobs.visible_to(request.user), pk=pk))
    succeeded = job.status == Job.Status.SUCCEEDED
    target = job.result.get("url") if succeeded else None
    error = _first_line(job.error) if job.status == Job.Status.FAILED else ""
    if request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(
            {
                "id": job.pk,
                "title": job.title,
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "message": job.message,
                "finished": job.is_finished,
                "url": target,
                "error": error,
                "poll_after": None if job.is_finished else jobs.poll_seconds(job),
            }
        )
    back_url, back_label = jobs.back_link(job)
    context = {
        "title": job.title,
        "job": job,
        "error": error,
        "back": back_url,
        "back_label": back_label,
        "poll_seconds": jobs.poll_seconds(job),
        "can_retry": jobs.can_retry(job, request.user),
    }
    if target and not request.headers.get("HX-Request"):
        announce(request, job.result)
        return redirect(target)
    template = "core/includes/job_status.html" if request.headers.get("HX-Request") else None
    response = render(request, template or "core/job_status.html", context)
    if target:
        announce(request, job.result)
        response["HX-Redirect"] = target
    return response


@require_POST
def job_retry(request, pk: int):
    """Run a failed job again: its submitter only, while still allowed to start it."""
    job = get_object_or_404(jobs.visible_to(request.user), pk=pk)
    if job.status != Job.Status.FAILED:
        messages.error(request, "只有失败的任务可以重试。")
    elif not jobs.can_retry(job, request.user):
        messages.error(request, "只有提交人（且仍有相应权限）可以重试失败的任务。")
    else:
        jobs.retry(job)
    return redirect("core:job_status", job.pk)


def announce(request, outcome: dict) -> None:
    """Show a service's outcome ({"success": ..., "warning": ...}) as page messages."""
    for level in ("success", "info", "warning", "error"):
        if outcome.get(level):
            messages.add_message(request, getattr(messages, level.upper()), outcome[level])


def announce_errors(request, form) -> None:
    """A small form posted from a page that does not redisplay it: its errors as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class PrefillFromQuery:
    """An edit view whose new object's form starts from the page it was opened on:
    `?enterprise=12` preselects that enterprise (the form still checks the scope)."""

    prefill_params: tuple[str, ...] = ("enterprise",)

    def get_initial(self):
        initial = super().get_initial()
        for name in self.prefill_params:
            if name in self.request.GET:
                initial[name] = self.request.GET[name]
        return initial


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0] if text else ""


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308


def moved(new_prefix: str):
    """A view for addresses that moved: 308 (method and body kept, so old scripts and
    bookmarks go on working) to the same rest of the path under `new_prefix`."""

    @csrf_exempt  # the view at the new address decides
    def view(request, rest: str = ""):
        query = request.META.get("QUERY_STRING", "")
        return PermanentRedirectKeepingMethod(new_prefix + rest + (f"?{query}" if query else ""))

    view.moved_to = new_prefix
    return view


def favicon(request):
    """Browsers and tools that ask for /favicon.ico without reading the page's icon link."""
    return redirect(static("core/favicon.svg"))


@login_required
def notifications(request):
    """The user's inbox, newest first."""
    rows = Notification.objects.filter(recipient=request.user)
    page = BoundedPaginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"title": "我的消息", "page": page, "unread": rows.filter(read_at__isnull=True).count()},
    )


@login_required
@require_POST
def notifications_read(request):
    """Open one message (marking it read) when `pk` is given; with `all=1`, mark every
    message read."""
    pk = request.POST.get("pk")
    if pk:
        note = get_object_or_404(Notification, pk=pk if pk.isdigit() else 0, recipient=request.user)
        notifications_service.mark_read(request.user, note.pk)
        return redirect(safe_next(note.url, request))
    if request.POST.get("all") == "1":
        notifications_service.mark_read(request.user)
    return redirect("core:notifications")


def safe_next(url: str, request) -> str:
    """The address to go to, if it is on this site; the inbox otherwise."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse("core:notifications")
