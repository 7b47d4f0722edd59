"""The web map: the payload, symbols, labels and the page script that draws them.

Third stage of the flow: a :class:`geo.data.reading.Dataset` (and analysis overlays) in, a
folium map out, drawn by the real JavaScript and CSS in ``geo/web/static``. The only stage
that builds pages; :mod:`geo.web.escape` is the one place data becomes page text.
"""
