"""Models that carry no domain data: audit columns, history, operation and login logs."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kechuang.core import changelog
from kechuang.core.scope import ScopedQuerySet
from kechuang.engines.text import spell


class RequestHistory(models.Model):
    """Extra columns on every history row: where the change came from (the request's address
    and path, or the background job's id; see core.changelog)."""

    history_ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    history_path = models.CharField("请求路径", max_length=300, blank=True)
    history_job_id = models.PositiveBigIntegerField("后台任务", null=True, blank=True)

    class Meta:
        abstract = True


class BaseModel(models.Model):
    """Every domain model: audit columns filled automatically, and a full change history.

    Domain code never writes audit rows: `core.signals` fills the columns and django-simple-
    history keeps before/after for each change, both from the change being recorded
    (`core.changelog`: the request, or a service's or job's `recording` block).
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(
        inherit=True, bases=[RequestHistory], get_user=changelog.history_user
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class SpelledName(models.Model):
    """A model whose `name` is found by pinyin and listed in pinyin order.

    The spellings are worked out on save; code that inserts rows in bulk fills them from
    `engines.text.spell` itself. `place_names` are the places a name may open with (an
    enterprise's town, county, city and province), left out of `name_core_initials` so that
    "xhc" finds 新昌县新禾成 first."""

    name_initials = models.CharField(
        "拼音首字母", max_length=200, db_index=True, editable=False, default=""
    )
    name_core_initials = models.CharField(
        "字号拼音首字母", max_length=200, db_index=True, editable=False, default=""
    )
    name_pinyin = models.CharField("全拼", max_length=600, editable=False, default="")
    name_core_pinyin = models.CharField("字号全拼", max_length=600, editable=False, default="")
    name_sort = models.CharField("拼音排序", max_length=1000, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.spell_name()
        super().save(*args, **kwargs)

    def place_names(self) -> list[str]:
        return []

    def spell_name(self, places: list[str] | None = None) -> None:
        spelling = spell(self.name, self.place_names() if places is None else places)
        self.name_initials = spelling.initials[:200]
        self.name_core_initials = spelling.core_initials[:200]
        self.name_pinyin = spelling.pinyin[:600]
        self.name_core_pinyin = spelling.core_pinyin[:600]
        self.name_sort = spelling.sort_key[:1000]


class OperationLog(models.Model):
    """Non-CRUD actions (export, import, approve, publish) with who, what and how many."""

    class Action(models.TextChoices):
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        TEMPLATE = "template", "下载模板"
        APPROVE = "approve", "审批"
        PUBLISH = "publish", "发布"
        OTHER = "other", "其他"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    target = models.CharField("对象", max_length=100)
    summary = models.CharField("摘要", max_length=500, blank=True)
    row_count = models.PositiveIntegerField("记录数", default=0)
    success = models.BooleanField("成功", default=True)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)
    path = models.CharField("请求路径", max_length=300, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target}"


class LoginLog(models.Model):
    """Every login, failed login and logout."""

    class Event(models.TextChoices):
        LOGIN = "login", "登录成功"
        FAILED = "failed", "登录失败"
        LOCKED = "locked", "账号锁定"
        LOGOUT = "logout", "退出"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL
    )
    username = models.CharField("用户名", max_length=150)
    event = models.CharField("事件", max_length=10, choices=Event.choices)
    ip_address = models.GenericIPAddressField("IP", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.get_event_display()}"


class Job(models.Model):
    """A background job users can watch: status, progress, result and errors (Paperless)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=50)
    title = models.CharField("任务", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Which run this is (a retry adds one), the task that carries it, the process running
    # it and its last sign of life: how a job whose process died is told from a slow one.
    attempt = models.PositiveSmallIntegerField("第几次运行", default=1)
    task_id = models.CharField("队列任务号", max_length=64, blank=True)
    worker = models.CharField("运行进程", max_length=100, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class Notification(models.Model):
    """A message to one user about something that concerns them (a match moved, a request
    answered), read in their inbox. Written by `core.notifications.notify`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
