"""The Streamlit app's logic, testable without Streamlit: state and URL, clicks, views, uploads.

Last stage of the flow with the command line: uses every stage below it. Only this package
and the page script touch Streamlit.
"""
