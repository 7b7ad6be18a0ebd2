import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

RESTART_DELAYS = (1, 2, 5, 10, 30, 60)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the serving process dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def supervise(web: list[str], worker: list[str] | None, *, out=sys.stdout) -> int:
    """Run the web server and the task worker as children until the web server ends or
    SIGINT/SIGTERM arrives; then stop both and wait for them. A worker that dies on its own
    is started again (after 1 s, then longer). Returns the web server's exit code.

    The children run in sessions of their own, so Ctrl+C in the terminal reaches only this
    process, which passes one SIGTERM on: the worker finishes its current task first. A
    second Ctrl+C is passed on too and stops the task at once."""

    def start(command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(command, start_new_session=True, preexec_fn=_die_with_parent)

    stopping = asked = False
    children: dict[str, subprocess.Popen] = {"web": start(web)}
    if worker:
        children["worker"] = start(worker)

    def stop(signum, frame):
        nonlocal stopping, asked
        stopping = True
        asked = asked or signum is not None
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    restarts = 0
    try:
        while True:
            code = children["web"].poll()
            if code is not None:
                stop(None, None)
                break
            if worker and not stopping and children["worker"].poll() is not None:
                delay = RESTART_DELAYS[min(restarts, len(RESTART_DELAYS) - 1)]
                out.write(
                    f"后台任务进程已退出（{children['worker'].returncode}），{delay}秒后重启\n"
                )
                out.flush()
                deadline = time.monotonic() + delay
                while not stopping and time.monotonic() < deadline:
                    time.sleep(0.2)
                if not stopping:
                    children["worker"] = start(worker)
                    restarts += 1
            time.sleep(0.2)
        for child in children.values():
            child.wait()
        code = children["web"].returncode
        return 0 if asked else (code if code > 0 else 1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files by WhiteNoise) and a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-task-worker",
            action="store_false",
            dest="task_worker",
            help="Do not start a background-job worker (run `kechuang worker` elsewhere).",
        )

    def handle(self, host, port, workers, task_worker, **options):
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"科创平台已启动：{url}  （按 Ctrl+C 停止）"))
        self.stdout.write(f"数据库：{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        with_worker = task_worker and settings.TASKS_BACKEND != "immediate"
        if with_worker:
            self.stdout.write(f"后台任务：{settings.TASKS_BACKEND}（随本进程启动和停止）")
        sys.stdout.flush()
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        web = [
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
            # Long filter and column choices fit; gunicorn allows no more than this.
            "--limit-request-line",
            "8190",
        ]
        worker = [sys.executable, "-m", "kechuang.cli", "worker"] if with_worker else None
        sys.exit(supervise(web, worker))
