"""AIS in raw NMEA 0183 (``!AIVDM`` / ``!AIVDO``), streamed line by line in bounded memory.

Each line is one sentence, optionally with an NMEA 4.0 tag block before it
(``\\s:station,c:1700000000*hh\\!AIVDM,...``), whose ``c:`` (Unix seconds, or milliseconds)
is the time; failing that, a Unix or ISO time before the sentence or after its checksum
(``...,0*5C,1700000000``, as many receivers log) is used. Multi-sentence messages are joined
(by talker, sequence id and channel; at most :data:`MAX_PENDING` waiting) and take the time
of their first sentence. Payloads are decoded with ``pyais``; position reports (types 1-3,
18, 19, 27) become pings with the MMSI as id, and static reports (5, 19, 24) give the vessel
name and call sign of later pings. Lines that cannot be used are counted by reason, with
their line number. Called by :func:`geo.tracks.readers.read_file`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import reduce
from operator import xor
from pathlib import Path

import pandas as pd

from geo.tracks.content import LIMITS, Deadline
from geo.tracks.layouts import Layout, quote
from geo.tracks.pings import PROBLEM_SEP, Chunk

MAX_PENDING = 1000
"""Unfinished multi-sentence messages kept waiting for their other parts."""
MAX_NAMES = 1_000_000
"""Vessels whose name and call sign are remembered (past that, later ones go unnamed)."""
_CHUNK = 200_000
_POSITIONS = frozenset({1, 2, 3, 18, 19, 27})
_STATIC = frozenset({5, 19, 24})
_SENTENCE = re.compile(rb"[!$][A-Z]{2}VD[MO],")

BAD_CHECKSUM = "NMEA sentence with a wrong checksum"
BAD_SENTENCE = "malformed NMEA sentence"
BAD_PAYLOAD = "AIS payload that cannot be decoded"
BAD_PARTS = "incomplete multi-sentence AIS message"
BAD_LONG = "line too long"

LAYOUT = Layout(
    "nmea",
    "AIS NMEA sentences (!AIVDM/!AIVDO; MMSI, tag-block or logged time, position)",
    "ship",
    {"id": "mmsi", "time": "tag block c:", "lat": "lat", "lon": "lon"},
)


def read_nmea(
    path: Path, progress: Callable[[int], None] | None, deadline: Deadline
) -> tuple[Layout, Iterator[Chunk]]:
    """Stream the AIS position reports of an NMEA log as chunks of raw rows.

    Parameters
    ----------
    path : Path
        The log (already decompressed).
    progress : callable, optional
        Called with bytes read.
    deadline : Deadline
        Checked every few thousand lines.

    Returns
    -------
    layout : Layout
        The ``nmea`` layout (ship).
    chunks : iterator of Chunk
        Raw rows (``id``, ``time``, ``lat``, ``lon``, ``vessel_name``, ``callsign``, and
        ``row`` = line number, ``problem`` = why a line is not used).
    """
    return LAYOUT, _chunks(path, progress, deadline)


def _chunks(
    path: Path, progress: Callable[[int], None] | None, deadline: Deadline
) -> Iterator[Chunk]:
    from pyais.messages import NMEAMessage

    reader = _Reader(NMEAMessage)
    limit = LIMITS.max_line_bytes
    done = 0
    with path.open("rb") as handle:
        number = 0
        while True:
            line = handle.readline(limit + 1)
            if not line:
                break
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := handle.readline(limit + 1)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of an endless line
                reader.bad(number, BAD_LONG, line[:40])
            else:
                reader.line(number, line)
            if number % 10_000 == 0:
                deadline.check()
                if progress is not None:
                    position = handle.tell()
                    progress(position - done)
                    done = position
            if len(reader.rows["id"]) >= _CHUNK:
                yield reader.flush()
        for parts in reader.pending.values():
            reader.bad(parts[0][0], BAD_PARTS, parts[0][2])
        if progress is not None:
            progress(path.stat().st_size - done)
    yield reader.flush()


class _Reader:
    """Line-by-line state: rows gathered, multi-sentence parts waiting, names known."""

    def __init__(self, message: type) -> None:
        self.message = message
        self.rows: dict[str, list[object]] = {k: [] for k in _FIELDS}
        self.pending: OrderedDict[tuple[bytes, ...], list[tuple[int, float | None, bytes]]] = (
            OrderedDict()
        )
        self.names: dict[str, tuple[str | None, str | None]] = {}

    def flush(self) -> Chunk:
        frame = pd.DataFrame(self.rows)
        self.rows = {k: [] for k in _FIELDS}
        return frame, 1, []

    def bad(self, number: int, reason: str, text: bytes) -> None:
        shown = quote(text.decode("ascii", errors="replace").strip(), 80)
        self._add(number, None, None, None, None, f"{reason}{PROBLEM_SEP}{shown}")

    def _add(
        self,
        number: int,
        mmsi: str | None,
        time: float | str | None,
        lat: float | None,
        lon: float | None,
        problem: str | None = None,
    ) -> None:
        name, callsign = self.names.get(mmsi, (None, None)) if mmsi else (None, None)
        rows = self.rows
        rows["id"].append(mmsi)
        rows["time"].append(time)
        rows["lat"].append(lat)
        rows["lon"].append(lon)
        rows["vessel_name"].append(name)
        rows["callsign"].append(callsign)
        rows["row"].append(number)
        rows["problem"].append(problem)

    def line(self, number: int, line: bytes) -> None:
        line = line.strip()
        if not line:
            return
        found = _SENTENCE.search(line)
        if found is None:
            self.bad(number, BAD_SENTENCE, line)
            return
        start = found.start()
        prefix, sentence = line[:start], line[start:]
        time = None
        if prefix.startswith(b"\\") and prefix.count(b"\\") >= 2:
            time = _tag_time(prefix[1 : prefix.index(b"\\", 1)])
        elif prefix.strip(b" \t,;:[]"):
            time = _logged_time(prefix.strip(b" \t,;:[]"))
        star = sentence.rfind(b"*")
        if star < 0 or len(sentence) < star + 3:
            self.bad(number, BAD_SENTENCE, line)
            return
        after = sentence[star + 3 :].strip(b" \t,;")
        sentence = sentence[: star + 3]
        if time is None and after:
            time = _logged_time(after.split(b",")[0])
        fields = sentence.split(b",")
        if len(fields) != 7:
            self.bad(number, BAD_SENTENCE, line)
            return
        if reduce(xor, sentence[1:star], 0) != _hex(sentence[star + 1 : star + 3]):
            self.bad(number, BAD_CHECKSUM, line)
            return
        count, index = fields[1], fields[2]
        if count == b"1":
            self._decode(number, time, [sentence], line)
            return
        key = (fields[0][:3], fields[3], fields[4], count)
        parts = self.pending.get(key)
        if index == b"1":
            self.pending[key] = [(number, time, sentence)]
            if len(self.pending) > MAX_PENDING:  # the oldest never got its other parts
                _, lost = self.pending.popitem(last=False)
                self.bad(lost[0][0], BAD_PARTS, lost[0][2])
        elif parts is not None and index == str(len(parts) + 1).encode():
            parts.append((number, time, sentence))
            if str(len(parts)).encode() == count:
                del self.pending[key]
                first = parts[0]
                self._decode(first[0], first[1], [p[2] for p in parts], first[2])
        else:
            self.bad(number, BAD_PARTS, line)

    def _decode(self, number: int, time: float | None, sentences: list[bytes], line: bytes) -> None:
        kind = _message_type(sentences[0])
        if kind not in _POSITIONS and kind not in _STATIC:
            return  # base stations, safety messages...: not pings
        try:
            messages = [self.message(s) for s in sentences]
            joined = (
                messages[0] if len(messages) == 1 else self.message.assemble_from_iterable(messages)
            )
            decoded = joined.decode()
        except Exception:  # pyais raises several kinds on a bad payload
            self.bad(number, BAD_PAYLOAD, line)
            return
        mmsi = str(getattr(decoded, "mmsi", "") or "") or None
        if kind in _STATIC and mmsi is not None:
            name = _text(getattr(decoded, "shipname", None))
            callsign = _text(getattr(decoded, "callsign", None))
            known = self.names.get(mmsi)
            if known is not None or len(self.names) < MAX_NAMES:
                known = known or (None, None)
                self.names[mmsi] = (name or known[0], callsign or known[1])
        if kind in _POSITIONS:
            lat, lon = getattr(decoded, "lat", None), getattr(decoded, "lon", None)
            # 91 and 181 are AIS for "not available": a report without a position.
            lat = None if lat is None or abs(lat) > 90.5 else lat
            lon = None if lon is None or abs(lon) > 180.5 else lon
            self._add(number, mmsi, time, lat, lon)


_FIELDS = ("id", "time", "lat", "lon", "vessel_name", "callsign", "row", "problem")


def _hex(text: bytes) -> int:
    try:
        return int(text, 16)
    except ValueError:
        return -1


def _message_type(sentence: bytes) -> int:
    """The AIS message type, from the first payload character (6-bit ASCII armouring)."""
    payload = sentence.split(b",")[5]
    if not payload:
        return -1
    value = payload[0] - 48
    return value - 8 if value > 40 else value


def _tag_time(block: bytes) -> float | None:
    """The ``c:`` time of an NMEA 4.0 tag block (``s:station,c:1700000000*hh``)."""
    for item in block.split(b"*")[0].split(b","):
        if item.startswith(b"c:"):
            return _number(item[2:])
    return None


def _logged_time(text: bytes) -> float | str | None:
    """A Unix time (seconds or ms) or ISO text logged beside a sentence."""
    number = _number(text)
    if number is not None:
        return number
    value = text.decode("ascii", errors="replace").strip()
    return value if value[:2].isdigit() and "-" in value else None


def _number(text: bytes) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value / 1000.0 if value > 1e11 else value


def _text(value: object) -> str | None:
    text = str(value).replace("@", "").strip() if value is not None else ""
    return text or None
