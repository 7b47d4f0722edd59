"""The data format and the data: reading, checking, selecting and writing layers.

First stage of the flow (data -> analysis, tracks -> web -> slides -> app, cli): files in,
one GeoDataFrame per layer out (:class:`geo.data.reading.Dataset`), every problem located
(:class:`geo.data.schema.Problem`). Nothing here imports folium, streamlit or any later stage.
"""
