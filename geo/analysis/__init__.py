"""Spatial analysis on the data: geodesy, maritime zones, nearest joins, rings, territory.

Second stage of the flow: takes GeoDataFrames from :mod:`geo.data`, returns (Geo)DataFrames.
Every position's uncertainty is carried into what is derived from it
(:mod:`geo.analysis.uncertainty`). Imports only :mod:`geo.data`.
"""
