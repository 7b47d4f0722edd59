"""geo.app.presses: a press is acted on once, and one no run reached is forgotten."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from geo.app import presses

    ss = st.session_state
    ss.setdefault("acted", 0)
    if not ss.get("hide") and presses.button(st, "Press", key="press"):
        ss["acted"] += 1
    if ss.get("keep_notes"):
        st.stop()  # a run that ends early keeps the notes it did not reach
    presses.forget(ss)


def test_a_press_is_acted_on_once() -> None:
    at = AppTest.from_function(_page).run()
    at.button(key="press").click().run()
    assert at.session_state["acted"] == 1
    at.run()  # a later run, with no new press
    assert at.session_state["acted"] == 1
    at.button(key="press").click().run()
    assert at.session_state["acted"] == 2


def test_a_press_no_run_reached_is_forgotten_at_the_end_of_a_whole_run() -> None:
    at = AppTest.from_function(_page).run()
    at.session_state["hide"] = True
    at.session_state["keep_notes"] = True
    at.button(key="press").click().run()  # noted by its callback, not reached by the body
    assert "_pressed:press" in at.session_state
    at.session_state["keep_notes"] = False
    at.run()
    assert "_pressed:press" not in at.session_state
    at.session_state["hide"] = False
    at.run()  # the button is back: the old press does not act
    assert at.session_state["acted"] == 0
