"""Briefing slides: the web map photographed by headless Chromium, as PNG or PDF.

Fourth stage of the flow: builds on :mod:`geo.web`; options, framing and decorations here,
the browser in :mod:`geo.slides.browser`.
"""
