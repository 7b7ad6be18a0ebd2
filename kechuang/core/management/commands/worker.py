from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from kechuang.core import jobs, retention


class Command(BaseCommand):
    help = (
        "Run background jobs: the database backend's worker, or RQ's with TASKS_BACKEND=rq. "
        "`kechuang serve` starts one; run more, on any machine, for more throughput."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, batch, interval, verbosity, **options):
        reaped = jobs.reap_all()
        if reaped:
            self.stdout.write(f"已将{reaped}个后台进程已退出的任务标记为失败。")
        for what, count in retention.run():
            if count:
                self.stdout.write(f"{what}：已删除超过保存期限的 {count} 个")
        if settings.TASKS_BACKEND == "immediate":
            raise CommandError("TASKS_BACKEND=immediate：任务在提交时直接运行，不需要后台进程。")
        if settings.TASKS_BACKEND == "rq":
            call_command(
                "rqworker",
                "default",
                burst=batch,
                job_class="django_tasks_rq.backend.Job",
                verbosity=verbosity,
            )
            return
        call_command(
            "db_worker",
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=not batch,
            worker_id=get_random_string(32),
            verbosity=verbosity,
        )
