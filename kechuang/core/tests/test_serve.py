"""`kechuang serve` runs gunicorn and the task worker as children and leaves no orphan."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from kechuang.core.management.commands import serve


def _child(tmp_path: Path, name: str, code: str = "time.sleep(120)") -> list[str]:
    """A child that appends its pid to tmp_path/name, then runs `code`."""
    script = (
        "import os, sys, time; "
        f"open({str(tmp_path / name)!r}, 'a').write(str(os.getpid()) + '\\n'); {code}"
    )
    return [sys.executable, "-c", script]


def _supervisor(web: list[str], worker: list[str]) -> subprocess.Popen:
    script = (
        "import sys; from kechuang.core.management.commands.serve import supervise; "
        f"sys.exit(supervise({web!r}, {worker!r}))"
    )
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)


def _pids(path: Path, count: int = 1) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = path.read_text().split() if path.exists() else []
        if len(lines) >= count:
            return [int(line) for line in lines]
        time.sleep(0.05)
    raise AssertionError(f"{path.name} did not start {count} time(s)")


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def started(tmp_path):
    parent = _supervisor(_child(tmp_path, "web"), _child(tmp_path, "worker"))
    web, worker = _pids(tmp_path / "web")[0], _pids(tmp_path / "worker")[0]
    yield parent, web, worker
    if parent.poll() is None:
        parent.kill()
        parent.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_web_server_and_the_worker(started, signum):
    parent, web, worker = started
    parent.send_signal(signum)
    assert parent.wait(timeout=30) == 0
    assert _gone(web) and _gone(worker)


def test_when_the_web_server_ends_the_worker_is_stopped_too(started):
    parent, web, worker = started
    os.kill(web, signal.SIGKILL)
    assert parent.wait(timeout=30) == 1
    assert _gone(worker)


def test_children_die_with_a_killed_supervisor(started):
    parent, web, worker = started
    parent.kill()
    parent.wait()
    assert _gone(web) and _gone(worker)


def test_a_worker_that_dies_is_started_again(tmp_path):
    parent = _supervisor(_child(tmp_path, "web"), _child(tmp_path, "worker", "sys.exit(1)"))
    try:
        first, second = _pids(tmp_path / "worker", count=2)[:2]
        assert first != second
        assert "后台任务进程已退出（1），1秒后重启" in parent.stdout.readline()
        parent.terminate()
        assert parent.wait(timeout=30) == 0
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_serve_starts_gunicorn_and_the_worker_of_the_configured_backend(monkeypatch, settings):
    seen = []
    monkeypatch.setattr(serve, "supervise", lambda web, worker: seen.append((web, worker)) or 0)
    with pytest.raises(SystemExit):
        call_command("serve", port=8123, stdout=io.StringIO())
    web, worker = seen[-1]
    assert web[0].endswith("gunicorn") and "127.0.0.1:8123" in web
    assert worker == [sys.executable, "-m", "kechuang.cli", "worker"]

    with pytest.raises(SystemExit):
        call_command("serve", "--no-task-worker", stdout=io.StringIO())
    settings.TASKS_BACKEND = "immediate"
    with pytest.raises(SystemExit):
        call_command("serve", stdout=io.StringIO())
    assert [worker for _, worker in seen[1:]] == [None, None]
