import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files by WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, host, port, workers, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"科创平台已启动：{url}  （按 Ctrl+C 停止）"))
        self.stdout.write(f"数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        sys.stdout.flush()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        os.execv(
            gunicorn,
            [
                gunicorn,
                "kechuang.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
        )
