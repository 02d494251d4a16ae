"""tui-archive: a keyboard-driven terminal browser for an archive of analysis reports."""

__version__ = "0.1.0"
