"""The headless core: the archive file, its queries, imports and exports, and the files beside it.

Nothing here imports Textual or Rich (checked by import-linter, see pyproject.toml).
"""
