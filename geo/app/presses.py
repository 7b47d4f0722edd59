"""Buttons whose press is not lost when another input cuts the run it started short.

Streamlit hands a button's press to the one run it starts. When another input asks for a
run while that run is on its way (a new map reports its view once drawn, a box loses its
focus), Streamlit stops it and starts again with the newer input, which carries no press:
a plain ``if st.button(...)`` then never sees the click, and the user has to click again.
A callback is called before the run's body, where no request can stop it, so here it only
notes the press in the session; the body takes the note once, when it reaches the button,
whichever run that is. A press no run of the page reached is forgotten at the end of the
next whole run (:func:`forget`), so it cannot act later, on another page.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

_NOTE = "_pressed:"  # session key prefix: a press not yet acted on


def _note(key: str) -> None:
    st.session_state[_NOTE + key] = True


def button(where: Any, label: str, *, key: str, form: bool = False, **options: Any) -> bool:
    """Draw a button in ``where``; whether it was pressed and not yet acted on.

    Parameters
    ----------
    where : Any
        ``streamlit`` itself or a container, column or form.
    label : str
        The button's text.
    key : str
        Its widget key; also names the press in the session.
    form : bool
        A form's submit button (``form_submit_button``) instead of a button.
    **options : Any
        Passed on (``type``, ``disabled``, ``help``...).

    Returns
    -------
    bool
        True once for each press: the press is taken when this returns it.
    """
    draw = where.form_submit_button if form else where.button
    draw(label, key=key, on_click=_note, args=(key,), **options)
    return bool(st.session_state.pop(_NOTE + key, False))


def forget(ss: Any) -> None:
    """Drop the presses this run did not reach (call at the end of a whole run)."""
    for name in [k for k in ss if isinstance(k, str) and k.startswith(_NOTE)]:
        del ss[name]
