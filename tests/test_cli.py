"""Command-line behaviour: exit codes and messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["summary", "--as-of", "yesterday"], 2, "--as-of: 'yesterday' is not an ISO date"),
        (["validate", "/nonexistent/dir"], 2, "no such file or directory"),
        (
            ["summary", "--data", "/nonexistent/dir"],
            2,
            "--data: /nonexistent/dir: no such file or directory",
        ),
        (["no-such-command"], 2, "No such command"),
    ],
)
def test_errors(run_cli, args, code, text) -> None:
    exit_code, stdout, stderr = run_cli(*args)
    assert exit_code == code
    assert text in stdout + stderr
    assert "Traceback" not in stdout + stderr


def test_summary_table(run_cli, data_dir: Path) -> None:
    code, stdout, _ = run_cli("summary", "--data", str(data_dir), "--as-of", "2025-10-23")
    assert code == 0
    assert "killed" in stdout and "32" in stdout


def test_module_and_console_script_entry_points(data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "geo", "validate", str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK:")
    script = Path(sys.executable).with_name("posturemap")
    if script.exists():
        result = subprocess.run(
            [str(script), "validate", str(data_dir)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0


def test_library_errors_are_worded_with_flags() -> None:
    from geo.cli.common import worded
    from geo.slides import errors

    bad = errors.BadOption("as_of", "'x' is not an ISO date (YYYY-MM-DD)", "x")
    assert str(bad) == "as_of: 'x' is not an ISO date (YYYY-MM-DD)"
    assert worded(bad) == "--as-of: 'x' is not an ISO date (YYYY-MM-DD)"
    exists = errors.OutputExists([Path("a.png"), Path("b.png")])
    assert worded(exists) == "a.png exists (and 1 more); use --force to overwrite"
    assert worded(ValueError("plain")) == "plain"
    notice = errors.Notice("rings", "no nominal range is known for those types; give ID:KM")
    assert notice == "warning: rings: no nominal range is known for those types; give ID:KM"
    assert worded(notice) == (
        "warning: --rings: no nominal range is known for those types; give ID:KM"
    )
    assert worded("warning: basemap 'light': no tiles") == "warning: basemap 'light': no tiles"
