"""posturemap in the browser: ``streamlit run app.py`` (or ``posturemap app`` from anywhere).

The page itself is installed with the package: :func:`geo.app.page.main`. Streamlit serves
``static/`` beside this script, where the page puts the map's Leaflet files.
"""

from __future__ import annotations

from pathlib import Path

from geo.app.page import main

main(Path(__file__).resolve().parent / "static")
