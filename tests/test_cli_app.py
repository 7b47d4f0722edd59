"""``posturemap app``: the Streamlit page started from the package, from any folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import launch
from geo.cli import serve

REPO = Path(__file__).resolve().parent.parent


def test_streamlit_options_are_the_repository_config() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    flat = {
        f"{section}.{name}": str(value).lower() if isinstance(value, bool) else str(value)
        for section, values in config.items()
        for name, value in values.items()
    }
    assert flat == launch.STREAMLIT_OPTIONS


def test_extra_arguments_go_to_streamlit_last(monkeypatch: pytest.MonkeyPatch, run_cli) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(launch, "prepare", lambda directory: directory / launch.LAUNCHER_NAME)
    monkeypatch.setattr(serve.subprocess, "call", lambda command: calls.append(command) or 3)
    code, _, _ = run_cli("app", "--", "--server.port", "8600")
    assert code == 3  # Streamlit's exit code is ours
    (command,) = calls
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4].endswith(launch.LAUNCHER_NAME)
    assert command[-2:] == ["--server.port", "8600"]
    assert "--server.enableStaticServing=true" in command


def test_prepare_writes_the_launcher_and_the_map_files(tmp_path: Path) -> None:
    script = launch.prepare(tmp_path / "app")
    assert script.read_text(encoding="utf-8") == launch.LAUNCHER
    assert (tmp_path / "app" / "static" / "vendor" / "leaflet.js").is_file()
    script.write_text("print('changed')\n", encoding="utf-8")
    assert launch.prepare(tmp_path / "app") == script
    assert script.read_text(encoding="utf-8") == launch.LAUNCHER
    assert sorted(p.name for p in script.parent.iterdir()) == [launch.LAUNCHER_NAME, "static"]


def test_the_launcher_runs_the_page(tmp_path: Path) -> None:
    at = AppTest.from_file(str(launch.prepare(tmp_path / "app")), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [m.label for m in at.metric] == ["Ships", "Aircraft", "Personnel", "Strikes", "Killed"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_posturemap_app_serves_from_an_empty_folder(tmp_path: Path) -> None:
    port = _free_port()
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {**os.environ, "POSTUREMAP_CACHE_DIR": str(tmp_path / "cache")}
    args = ["--server.headless", "true", "--server.port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "geo", "app", "--", *args, "--server.address", "127.0.0.1"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "posturemap app exited"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the app did not start in 60 s"
            time.sleep(0.3)
        # Static serving is on and the map's files are published beside the launcher.
        with urllib.request.urlopen(f"{url}/app/static/vendor/leaflet.js", timeout=10) as answer:
            assert answer.status == 200
            assert b"Leaflet" in answer.read(4096)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert sorted(p.name for p in folder.iterdir()) == []  # nothing written where it ran
