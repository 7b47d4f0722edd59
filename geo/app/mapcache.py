"""The app's maps, built once per view and kept: a click or a step back reuses the drawn map.

``st_folium`` keys its component on the map's script. The same map handed again keeps its
frame, and only what changed reaches it (the selection's outline, a view to restore); a new
map is a new frame, which loads and draws the whole page again. Building a map takes 0.3 to
1.5 s (the payload and its "where" texts). So the maps are kept by what they show
(:func:`geo.app.clicks.map_identity`), the last :data:`KEEP`, and the page builds the maps
of the dates either side of the one shown in the background (:mod:`geo.app.background`),
so that a step of the date slider finds its map built.

``st_folium`` changes the map it is handed (it adds the selection's group to it and renames
its elements while writing the script): :func:`draw` hands a kept map to it under a lock and
takes off what it added, so the map's script and page stay the same from run to run.
No Streamlit here, besides the ``st_folium`` call of :func:`draw`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import folium

from geo.app.state import ViewState

KEEP = 24
"""How many maps are kept (a map of the default data is ~150 KB without its land)."""


class Maps:
    """Maps kept by key, the last ``keep`` used; thread-safe.

    Parameters
    ----------
    keep : int
        How many maps to keep; the least recently used is dropped first.
    """

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._maps: OrderedDict[str, folium.Map] = OrderedDict()
        self._building: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._maps or key in self._building

    def __len__(self) -> int:
        with self._lock:
            return len(self._maps)

    def get(self, key: str, build: Callable[[], folium.Map]) -> folium.Map:
        """The map kept under ``key``, else ``build()``'s (kept from now on).

        A map being built by another thread (the background's) is waited for, not built
        twice.
        """
        while True:
            with self._lock:
                if key in self._maps:
                    self._maps.move_to_end(key)
                    return self._maps[key]
                underway = self._building.get(key)
                if underway is None:
                    underway = self._building[key] = threading.Event()
                    break
            underway.wait()  # then kept, or failed: look again
        try:
            fmap = build()  # outside the lock: others may use the maps kept meanwhile
            with self._lock:
                self._maps[key] = fmap
                while len(self._maps) > self._keep:
                    self._maps.popitem(last=False)
        finally:
            with self._lock:
                del self._building[key]
            underway.set()
        return fmap


_DRAW_LOCK = threading.Lock()


def draw(fmap: folium.Map, draw_map: Callable[..., Any], **kwargs: Any) -> Any:
    """Hand a kept map to ``draw_map`` (``st_folium``) and undo what it adds to the map.

    Parameters
    ----------
    fmap : folium.Map
        A map kept by :class:`Maps` (other sessions may draw it at the same time).
    draw_map : callable
        ``streamlit_folium.st_folium``.
    **kwargs
        Its arguments.

    Returns
    -------
    Whatever ``draw_map`` returns (the map's last report).
    """
    root = fmap.get_root()
    # st_folium adds feature_group_to_add to the map (the next script would hold it), and
    # renders the map again under the names it gave its elements (the page would hold the
    # data twice): what it adds is taken off again.
    holders = [fmap, root.header, root.html, root.script]
    with _DRAW_LOCK:
        kept = [list(holder._children.items()) for holder in holders]
        try:
            return draw_map(fmap, **kwargs)
        finally:
            for holder, children in zip(holders, kept, strict=True):
                holder._children.clear()
                holder._children.update(children)


def neighbours(state: ViewState, days: Sequence[date]) -> list[ViewState]:
    """The states one step from ``state``: the data dates either side, the timeline flipped.

    What the page builds maps for in the background. The view and the selection are left
    out (they do not change the map), and so is a compare date that would no longer be
    earlier, as :func:`geo.app.state.state_from_widgets` would; the latest date is
    ``as_of=None``.
    """
    plain = replace(state, center=None, zoom=None, selected=None)
    out = [replace(plain, timeline=not state.timeline)]
    if not days:
        return out
    here = state.as_of or days[-1]
    at = days.index(here) if here in days else len(days) - 1
    for i in (at - 1, at + 1):
        if 0 <= i < len(days):
            day = days[i]
            compare = state.compare if state.compare is not None and state.compare < day else None
            out.append(replace(plain, as_of=None if i == len(days) - 1 else day, compare=compare))
    return out
