"""Hostile files and zips: nothing hangs, nothing is read past its limit, every refusal located."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from geo.data import files as data_files
from tests.factories import valid_layers, write_dataset


def _zip(*members: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def _patch_central(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Change a field of the (first) central directory record, as a hostile tool would."""
    at = data.index(b"PK\x01\x02") + offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt) :]


ASSETS = json.dumps(valid_layers()["assets"]).encode()


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    directory = write_dataset(tmp_path / "d", valid_layers())
    (directory / "assets.geojson").unlink()
    os.mkfifo(directory / "assets.geojson")
    files, problems = data_files.read_directory(directory)
    assert [str(p) for p in problems] == [
        f"{directory / 'assets.geojson'}: not a regular file; refused"
    ]
    assert str(directory / "bases.geojson") in files


def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    directory = write_dataset(tmp_path / "d", valid_layers())
    (directory / "bases.geojson").unlink()
    (directory / "bases.geojson").symlink_to("/dev/zero")
    _, problems = data_files.read_directory(directory)
    assert [p.message for p in problems] == ["not a regular file; refused"]


def test_a_file_is_read_to_its_limit_and_no_further(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(data_files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "assets.geojson"
    path.write_bytes(b" " * 5000)
    files, problems = data_files.read_files([path])
    assert files == {}
    assert problems[0].message == data_files.too_large(5000, 1000)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_bomb_is_counted_while_it_unpacks(monkeypatch, method) -> None:
    monkeypatch.setattr(data_files, "MAX_FILE_BYTES", 10_000)
    data = _zip(("d/assets.geojson", b"0" * 1_000_000), method=method)
    assert len(data) < 5_000
    # the zip lies about the unpacked size: it says 100 bytes
    data = _patch_central(data, 24, "<I", 100)
    files, problems = data_files.read_zip("up.zip", data)
    assert files == {}
    assert len(problems) == 1 and problems[0].file == "up.zip/d/assets.geojson"
    assert "refused" in problems[0].message


def test_the_total_is_counted_across_members(monkeypatch) -> None:
    monkeypatch.setattr(data_files, "MAX_ZIP_BYTES", 1500)
    data = _zip(("bases.geojson", b" " * 1000), ("assets.geojson", b" " * 1000))
    files, problems = data_files.read_zip("up.zip", data)
    assert list(files) == ["up.zip/bases.geojson"]
    assert [p.file for p in problems] == ["up.zip/assets.geojson"]
    assert problems[0].message == "the zip unpacks to more than 0 MB; refused"


@pytest.mark.parametrize(
    ("offset", "fmt", "value", "message"),
    [
        (8, "<H", 0x1, "encrypted; refused"),
        (10, "<H", 99, "unknown compression method 99; refused"),
        (16, "<I", 0xDEADBEEF, "damaged in the zip (BadZipFile); refused"),
    ],
)
def test_damaged_and_unsupported_members(offset, fmt, value, message) -> None:
    data = _patch_central(_zip(("assets.geojson", ASSETS)), offset, fmt, value)
    files, problems = data_files.read_zip("up.zip", data)
    assert files == {}
    assert [str(p) for p in problems] == [f"up.zip/assets.geojson: {message}"]


def test_broken_deflate_stream() -> None:
    data = bytearray(_zip(("assets.geojson", ASSETS * 20)))
    start = data.index(b"assets.geojson") + len("assets.geojson")
    data[start + 10 : start + 40] = b"\xff" * 30
    files, problems = data_files.read_zip("up.zip", bytes(data))
    assert files == {}
    assert problems[0].message.startswith("damaged in the zip")


def test_a_second_member_of_the_same_name_is_reported() -> None:
    data = _zip(("a/assets.geojson", ASSETS), ("b/assets.geojson", ASSETS))
    files, problems = data_files.read_zip("up.zip", data)
    assert list(files) == ["up.zip/a/assets.geojson"]
    assert [str(p) for p in problems] == [
        "up.zip/b/assets.geojson: a second assets.geojson in the zip "
        "(the first is a/assets.geojson); refused"
    ]


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "damaged-member"])
def test_validate_reads_a_zip_as_the_app_reads_an_upload(tmp_path: Path, broken, run_cli) -> None:
    from geo.app import uploads
    from geo.data import reading
    from tests.factories import tiny_files

    data = _zip(*tiny_files().items())
    if broken:
        data = _patch_central(data, 10, "<H", 99)
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    files, problems = uploads.upload_files({str(path): data})
    expected = reading.load_bytes(files)
    expected.problems[:0] = problems
    dataset = reading.load([path])
    assert [str(p) for p in dataset.problems] == [str(p) for p in expected.problems]
    assert dataset.feature_count == expected.feature_count
    code, stdout, _ = run_cli("validate", str(path))
    assert code == int(broken)
    assert stdout.startswith(f"{path}/bases.geojson: unknown compression" if broken else "OK:")


def test_a_zip_file_is_read_to_the_zip_limit_and_no_further(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(data_files, "MAX_ZIP_BYTES", 1000)
    path = tmp_path / "big.zip"
    path.write_bytes(b"\0" * 5000)
    files, problems = data_files.read_files([path])
    assert files == {}
    assert [p.message for p in problems] == ["file is 0.0 MB; the limit is 0.000954 MB"]


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_bzip2_and_lzma_unpack_a_bounded_piece_at_a_time(monkeypatch, method) -> None:
    import tracemalloc

    valid = _zip(("d/assets.geojson", ASSETS), ("d/sources.json", b"[]"), method=method)
    files, problems = data_files.read_zip("ok.zip", valid)
    assert (files["ok.zip/d/assets.geojson"], problems) == (ASSETS, [])
    # 30 MB of zeros in a few hundred bytes: zipfile would unpack them in one call
    bomb = _patch_central(_zip(("assets.geojson", bytes(30_000_000)), method=method), 24, "<I", 9)
    monkeypatch.setattr(data_files, "MAX_FILE_BYTES", 10_000)
    tracemalloc.start()
    try:
        files, problems = data_files.read_zip("bomb.zip", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert files == {} and problems[0].message.endswith("refused")
    assert peak < 15_000_000
