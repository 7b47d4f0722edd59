"""A working data directory: reading a feature, and the guarded read-modify-write of an edit.

:func:`apply_change` is the one way a data directory is changed (:mod:`geo.data.edits` holds
the operations): under the directory's lock (:func:`geo.data.locking.locked`) the files are
read, the operation changes one layer, the whole directory is validated as
:func:`geo.data.reading.load_bytes` reads it (schema, dates, geometry, unique ids, cited
sources, references to bases and assets), and only then the layer file is replaced atomically
(:func:`geo.data.writing.atomic_write_text`) and the change appended to ``history.jsonl``
(:mod:`geo.data.history`). A change that would add a problem is refused with those problems,
located by field; problems the directory already had are not the edit's.

Optimistic checks: a caller that read a feature (:func:`read_report`) passes the ``version``
it read; if the feature changed since, the edit is refused (:class:`Stale`) rather than
overwriting the other change. The bundled default data set is never edited
(:class:`DefaultData`): :func:`copy_default` makes a working copy.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.data import columnar, history
from geo.data.files import columnar_layer, columnar_refusal, read_directory
from geo.data.locking import locked
from geo.data.paths import default_data_dir
from geo.data.reading import load_bytes
from geo.data.schema import LAYERS, SOURCES_FILE, Problem
from geo.data.writing import atomic_write_text, collection_text, sources_text

SOURCES = "sources"
"""What the history calls ``sources.json`` (its ``layer`` for a source record)."""


class EditError(Exception):
    """An edit that was not made; ``problems`` lists why, one located line each."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class Refused(EditError):
    """The change would make the data invalid; ``problems`` name the fields."""


class Stale(EditError):
    """The feature changed after the caller read it."""


class NotFound(EditError):
    """No feature with that id (or no directory)."""


class DefaultData(EditError):
    """The bundled default data set is never edited; copy it first."""


class NothingToUndo(EditError):
    """Every change in the history has been undone (or there is none)."""


@dataclass(frozen=True)
class Found:
    """A feature as read, with what an edit of it needs.

    Attributes
    ----------
    layer : str
        Its layer.
    feature : dict
        The GeoJSON feature as stored (a copy).
    version : str
        Its :func:`feature_version`: pass it back to an edit to refuse stale writes.
    """

    layer: str
    feature: dict[str, Any]
    version: str


def feature_version(feature: Mapping[str, Any] | None) -> str:
    """A short hash of a feature's content (key order ignored): equal content, equal version.

    Parameters
    ----------
    feature : mapping or None
        A GeoJSON feature.

    Returns
    -------
    str
        16 hexadecimal digits.
    """
    text = json.dumps(feature, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def copy_default(target: str | os.PathLike[str]) -> Path:
    """Copy the bundled default data set into a new working directory, all at once.

    Parameters
    ----------
    target : path
        A directory that does not exist yet (or is empty); never overwritten.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    FileExistsError
        When ``target`` exists and is not an empty directory.
    """
    folder = Path(target)
    if folder.exists() and not (folder.is_dir() and not any(folder.iterdir())):
        raise FileExistsError(f"{folder}: already exists; give a new directory")
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name in [f"{layer}.geojson" for layer in LAYERS] + [SOURCES_FILE]:
            source = default_data_dir() / name
            if source.is_file():
                shutil.copyfile(source, scratch / name)
        os.chmod(scratch, 0o777 & ~_umask())
        os.rename(scratch, folder)  # replaces only an empty directory
    except OSError as error:
        shutil.rmtree(scratch, ignore_errors=True)
        if folder.exists():
            raise FileExistsError(f"{folder}: already exists; give a new directory") from None
        raise error
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_report(directory: str | os.PathLike[str], feature_id: str) -> Found:
    """Read one feature of a data directory, with its version.

    Parameters
    ----------
    directory : path
        The data directory.
    feature_id : str
        The feature's id (any layer).

    Returns
    -------
    Found

    Raises
    ------
    NotFound
        When no layer has that id.
    EditError
        When a layer file cannot be read.
    """
    state = State(Path(directory))
    layer, index = state.find(feature_id)
    feature = copy.deepcopy(state.features(layer)[index])
    return Found(layer, feature, feature_version(feature))


# --- the read-modify-write ------------------------------------------------------------


class State:
    """A data directory's files as read under the lock; the layers parsed when first asked.

    An operation (:data:`Operation`) finds features with :meth:`find` or :meth:`checked`,
    changes the lists :meth:`features` returns (of a layer, or of :data:`SOURCES`, the
    records of ``sources.json``), and says what it changed.
    """

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise NotFound(f"{folder}: no such data directory")
        self.folder = folder
        # An empty directory is an empty data set, to start a new theatre in.
        self.files, problems = read_directory(folder)
        # A file that exists but could not be read (too large, not a regular file) is never
        # replaced by an edit: its features would be lost.
        self.unread = {p.file: p for p in problems}
        self._docs: dict[str, dict[str, Any]] = {}
        self._history: history.History | None = None
        self.undoes: int | None = None

    @property
    def history(self) -> history.History:
        if self._history is None:
            self._history = history.read_history(self.folder)
        return self._history

    def key(self, layer: str) -> str:
        if layer == SOURCES:
            return str(self.folder / SOURCES_FILE)
        columnar = columnar_layer(self.folder, layer)  # read, never rewritten: see writable()
        return str(columnar or self.folder / f"{layer}.geojson")

    def writable(self, layer: str) -> Path:
        """The file an edit of ``layer`` replaces; a GeoParquet/FlatGeobuf layer is refused."""
        path = Path(self.key(layer))
        if path.suffix != ".geojson" and layer != SOURCES:
            raise EditError(columnar_refusal(path, "an edit"))
        return path

    def features(self, layer: str) -> list[dict[str, Any]]:
        """The layer's features, or the source records (a missing file: none); kept changed."""
        if layer not in self._docs:
            if self.key(layer) in self.unread:
                problem = self.unread[self.key(layer)]
                raise EditError(str(problem), [problem])
            data = self.files.get(self.key(layer))
            document: Any = [] if layer == SOURCES else {"type": "FeatureCollection"}
            if data is None and layer != SOURCES:
                document["features"] = []
            elif data is not None:
                document = _document(self.key(layer), layer, data)
            if not isinstance(_items(document, layer), list):
                what = "JSON list" if layer == SOURCES else "FeatureCollection"
                raise EditError(
                    f"{self.key(layer)}: not a readable {what}; "
                    f"run `python -m geo validate {self.folder}`"
                )
            self._docs[layer] = document
        return _items(self._docs[layer], layer)

    def all_ids(self) -> set[str]:
        present = [layer for layer in LAYERS if self.key(layer) in self.files]
        return {id_of(f) for layer in present for f in self.features(layer)} - {None}

    def find(self, feature_id: str) -> tuple[str, int]:
        for layer in LAYERS:
            if self.key(layer) not in self.files:
                continue
            for index, feature in enumerate(self.features(layer)):
                if id_of(feature) == feature_id:
                    return layer, index
        raise NotFound(f"{self.folder}: no feature with id {feature_id!r}")

    def checked(self, feature_id: str, expected: str | None) -> tuple[str, int, dict[str, Any]]:
        """Find a feature and refuse when it is not the version the caller read."""
        layer, index = self.find(feature_id)
        feature = self.features(layer)[index]
        if expected is not None and feature_version(feature) != expected:
            last = self.history.last_of(feature_id)
            by = f" by {last.editor} at {last.time} ({last.op})" if last else ""
            raise Stale(
                f"{feature_id}: changed since you read it{by}; read it again and redo your edit"
            )
        return layer, index, copy.deepcopy(feature)

    def text(self, layer: str) -> str:
        if layer == SOURCES:
            return sources_text(self._docs[layer])
        return collection_text(self._docs[layer])


def _document(name: str, layer: str, data: bytes) -> Any:
    """A layer file's FeatureCollection (a GeoParquet/FlatGeobuf one too), or None."""
    if Path(name).suffix in columnar.SUFFIXES:
        try:
            return columnar.read_document(name, layer, data, len(data))
        except columnar.ColumnarError:
            return None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


def _items(document: Any, layer: str) -> Any:
    if layer == SOURCES:
        return document
    return document.get("features") if isinstance(document, dict) else None


Operation = Callable[["State"], tuple[str, str, Any, Any]]
"""Changes a :class:`State`; returns (layer, feature id, feature before, feature after)."""


def apply_change(
    directory: str | os.PathLike[str], op: str, operation: Operation, editor: str | None
) -> history.Change:
    """Make one change of a data directory: locked, validated, written atomically, recorded.

    Parameters
    ----------
    directory : path
        A working data directory (the bundled default is refused).
    op : str
        The history's name of the change (:data:`geo.data.history.OPS`).
    operation : Operation
        Changes one layer (or :data:`SOURCES`) of the :class:`State` it is given, or raises
        an :class:`EditError`.
    editor : str, optional
        Who (:func:`geo.data.history.editor_name`).

    Returns
    -------
    Change
        The line appended to the history.

    Raises
    ------
    EditError
        Refused (nothing written): the operation's error, or :class:`Refused` with the
        problems the change would bring, by field.
    geo.data.locking.Busy
        When another writer holds the lock too long.
    """
    folder = _writable(directory)
    with locked(folder):
        state = State(folder)
        layer, feature_id, before, after = operation(state)
        target = state.writable(layer)
        text = state.text(layer)
        _validate(state, layer, text.encode("utf-8"))
        atomic_write_text(target, text, overwrite=True)
        seq = history.last_seq(folder) + 1
        change = history.make_change(
            seq, op, layer, feature_id, before, after, editor, state.undoes
        )
        return history.append(folder, change)


def _writable(directory: str | os.PathLike[str]) -> Path:
    folder = Path(directory)
    if folder.resolve() == default_data_dir().resolve():
        raise DefaultData(
            f"{folder}: this is the bundled default data set, which is never edited; "
            "copy it into a new directory first (python -m geo init DIR) and edit the copy"
        )
    if not folder.is_dir():
        raise NotFound(f"{folder}: no such data directory")
    log = folder / history.HISTORY_FILE
    if log.exists() and not log.is_file():
        raise EditError(f"{log}: not a regular file; the history cannot be kept, nothing written")
    return folder


def _validate(state: State, layer: str, data: bytes) -> None:
    """Refuse the new layer if it brings problems the directory did not have."""
    after = load_bytes({**state.files, state.key(layer): data}).problems
    if not after:
        return  # the usual case: no need to read the directory as it was
    before = {_problem_key(p) for p in load_bytes(state.files).problems}
    new = [p for p in after if _problem_key(p) not in before]
    if new:
        raise Refused("; ".join(str(p) for p in new[:3]), new)


def _problem_key(problem: Problem) -> tuple[Any, ...]:
    # The index is left out: deleting or inserting a feature moves those after it.
    return problem.file, problem.feature_id, problem.field, problem.message, problem.item


def id_of(item: Any) -> str | None:
    """The id of a GeoJSON feature (in its properties) or of a source record, or None."""
    if not isinstance(item, dict):
        return None
    holder = item.get("properties") if "properties" in item else item
    value = holder.get("id") if isinstance(holder, dict) else None
    return value if isinstance(value, str) else None
