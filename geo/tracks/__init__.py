"""Flight and ship tracks from recorded pings: read any ping format, split into legs, simplify.

Second stage of the flow, beside :mod:`geo.analysis`: ping files in, a tracks layer out
(``tracks import``). Imports :mod:`geo.data` and the geodesy of :mod:`geo.analysis`.
"""
