import time

from django.core.management.base import BaseCommand

from kechuang.core import jobs


class Command(BaseCommand):
    help = "Run queued background jobs (for JOBS_MODE=worker deployments)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--sleep", type=float, default=2.0)

    def handle(self, once, sleep, **options):
        while True:
            job = jobs.claim_next()
            if job is not None:
                self.stdout.write(f"运行任务 #{job.pk}：{job.title}")
                jobs.run(job.pk)
                continue
            if once:
                return
            time.sleep(sleep)
