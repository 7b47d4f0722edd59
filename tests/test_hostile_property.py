"""Random valid and broken data sets through ``validate`` and ``summary``: the CLI's contract.

Whatever the data, a command exits 0 or 1, every line it prints is located (starts with the
file it is about) or is its one closing line, nothing escapes as an exception or a traceback,
and no character from the data acts on the terminal.
"""

from __future__ import annotations

import contextlib
import io
import json
import string
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.cli import main
from geo.data import schema
from tests.factories import SOURCES, valid_layers

FIELD_NAMES = sorted({name for layer in schema.LAYERS for name in schema.known_fields(layer)})
HOSTILE_TEXT = "\n\r\t\x00\x1b[31m\x1b]8;;http://x\x1b\\\x9b\u202e\u2066\u2028\ud800\udfff[/b][link=x]:smile:{{x}}<"

texts = st.text(alphabet=st.sampled_from(string.printable + HOSTILE_TEXT + "é東"), max_size=12)
dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A\d{4}-W\d{2}(-\d)?\Z"),
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "2025-02-30"]),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, 10**300, 0, 1, 2.0, 2.5, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), texts, dates, numbers)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)
names = st.one_of(st.sampled_from([*FIELD_NAMES, *schema.RESERVED_NAMES]), texts)


@st.composite
def data_sets(draw: Any) -> dict[str, Any]:
    """The tiny valid data set with a few random properties set, removed or the JSON broken."""
    layers = valid_layers()
    sources: list[Any] = json.loads(json.dumps(SOURCES))
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        layer = draw(st.sampled_from(schema.LAYERS))
        features = layers[layer]["features"]
        props = features[draw(st.integers(0, len(features) - 1))]["properties"]
        action = draw(st.sampled_from(["set", "set", "set", "drop", "source"]))
        if action == "set":
            props[draw(names)] = draw(values)
        elif action == "drop" and props:
            props.pop(draw(st.sampled_from(sorted(props))))
        else:
            sources[0][draw(names)] = draw(values)
    texts_out = {f"{layer}.geojson": json.dumps(fc) for layer, fc in layers.items()}
    texts_out["sources.json"] = json.dumps(sources)
    if draw(st.booleans()):  # break one file's JSON or its UTF-8
        name = draw(st.sampled_from(sorted(texts_out)))
        cut = draw(st.integers(0, len(texts_out[name])))
        texts_out[name] = texts_out[name][:cut] + draw(st.sampled_from(["", "\udc80", "]]"]))
    return texts_out


def _run(*args: str) -> tuple[int, list[str]]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(args))
    return code, (stdout.getvalue() + stderr.getvalue()).splitlines()


@settings(
    max_examples=30,
    deadline=2_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data_sets())
def test_validate_and_summary_keep_their_contract(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for name, text in files.items():
            (directory / name).write_bytes(text.encode("utf-8", errors="surrogateescape"))
        code, lines = _run("validate", str(directory))
        assert code in (0, 1)
        *located, last = lines
        assert all(line.startswith(str(directory)) for line in located), lines
        assert last.startswith("OK: " if code == 0 else f"{len(located)} problem(s) in ")
        summary_lines: list[str] = []
        if code == 0:  # with problems, summary prints what validate did (tests/test_cli.py)
            code, summary_lines = _run("summary", "--data", str(directory), "--json")
            assert code == 0 and json.loads("\n".join(summary_lines))["features"]
        for line in lines + summary_lines:
            assert "Traceback" not in line and not line.startswith("error: ")
            assert line.isprintable(), line
