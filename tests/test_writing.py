"""Writing files: all at once, never over a file unless asked, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from geo.data import writing


def test_write_then_refuse_then_replace(tmp_path: Path) -> None:
    target = tmp_path / "out" / "map.html"
    writing.atomic_write_text(target, "first", overwrite=False)
    with pytest.raises(FileExistsError, match=r"map\.html"):
        writing.atomic_write_text(target, "second", overwrite=False)
    assert target.read_text() == "first"
    writing.atomic_write_text(target, "third", overwrite=True)
    assert target.read_text() == "third"
    assert sorted(os.listdir(target.parent)) == ["map.html"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_racing_writers_without_overwrite_one_wins(tmp_path: Path) -> None:
    target = tmp_path / "tracks.geojson"
    results: list[str] = []
    barrier = threading.Barrier(16)

    def write(i: int) -> None:
        barrier.wait()
        try:
            writing.atomic_write_text(target, f"writer {i}", overwrite=False)
            results.append("ok")
        except FileExistsError:
            results.append("exists")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1 and results.count("exists") == 15
    assert target.read_text().startswith("writer ")
    assert os.listdir(tmp_path) == ["tracks.geojson"]


@pytest.mark.parametrize("unnamed", [True, False])
def test_an_error_while_writing_leaves_nothing(tmp_path, monkeypatch, unnamed) -> None:
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = tmp_path / "assets.geojson"
    target.write_text("old")

    def broken(fd: int, data: bytes) -> None:
        os.write(fd, data[:3])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing, "_write_all", broken)
    with pytest.raises(OSError, match="No space"):
        writing.atomic_write_text(target, "new content", overwrite=True)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["assets.geojson"]


def test_a_killed_writer_leaves_nothing(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from geo.data import writing
        def slow(fd, data):
            os.write(fd, data[:10])
            print("writing", flush=True)
            time.sleep(60)
        writing._write_all = slow
        writing.atomic_write_text(Path({str(tmp_path / "map.html")!r}), "x" * 1000)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    time.sleep(0.05)
    assert os.listdir(tmp_path) == []
