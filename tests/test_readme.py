"""The README stays true: CI installs and tests exactly as it says, and its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the set-up section has a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_two_setup_commands_install_then_run_the_app() -> None:
    install, run = setup_commands()
    assert install.startswith("python -m pip install")
    assert run == "streamlit run app.py"
    assert (REPO / "app.py").exists()


def test_ci_uses_the_readme_install_and_test_commands() -> None:
    install, _ = setup_commands()
    assert install in CI.splitlines()
    tests = re.search(r"## Tests\n+```bash\n(.*?)```", README, re.S)
    assert tests and tests.group(1).strip() == "pytest"
    assert CI.rstrip().splitlines()[-1] == "pytest"


def test_every_documented_command_exists(run_cli) -> None:
    commands = set(re.findall(r"`python -m geo ([a-z]+(?: [a-z]+)?)", README))
    assert {"validate", "summary"} <= {c.split()[0] for c in commands}
    for command in commands:
        code, stdout, stderr = run_cli(*command.split(), "--help")
        assert code == 0, (command, stderr)
        assert "Usage" in stdout + stderr
