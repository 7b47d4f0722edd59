"""Whether the online basemaps can load: with no network the app starts on the offline map.

The online basemaps are the one thing the app fetches from the internet (map tiles, in the
user's browser). Where the server cannot reach the default basemap's tile server, the
browser most likely cannot either, and a map of tiles that never come is an empty map; so
the first page opens on the offline basemap (unless the link names one). One look per
process, a TCP connection to the tile server with a short timeout, in a thread started when
the page is first drawn; the page waits for it at most :data:`WAIT_S`, and takes no answer
as no network. No Streamlit here.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

from geo.web.basemaps import TILES, tile_spec

WAIT_S = 0.5
"""How long the first page waits for the answer."""
TIMEOUT_S = 2.0
"""How long the look itself may take (name lookup aside)."""

_answer: bool | None = None
_done = threading.Event()
_lock = threading.Lock()
_started = False


def tile_host(basemap: str = next(iter(TILES))) -> str:
    """The tile server of an online basemap (the default one by default)."""
    spec = tile_spec(basemap)
    host = urlsplit((spec or {}).get("url", "")).hostname or ""
    return host.replace("{s}", str((spec or {}).get("subdomains", "a"))[:1])


def _look(host: str) -> None:
    global _answer
    try:
        socket.create_connection((host, 443), timeout=TIMEOUT_S).close()
        _answer = True
    except OSError:
        _answer = False
    finally:
        _done.set()


def tiles_reachable(wait_s: float = WAIT_S) -> bool:
    """True when the default basemap's tile server answered (looked at once per process).

    Parameters
    ----------
    wait_s : float
        How long to wait for the answer; no answer yet counts as no network.
    """
    global _started
    with _lock:
        if not _started:
            _started = True
            threading.Thread(
                target=_look, args=(tile_host(),), name="posturemap-network", daemon=True
            ).start()
    _done.wait(wait_s)
    return bool(_answer)
