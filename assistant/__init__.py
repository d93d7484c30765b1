"""zhuoyue core: matching, interview engine, coverage, scoring, storage and export.

Nothing in this package imports a UI toolkit; the Textual app and the
prompt-toolkit chat in `tui/` are thin front ends over it.
"""

__version__ = "0.1.0"
