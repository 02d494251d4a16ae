"""The terminal interface: the Textual app, its screens, widgets and styles, on the core."""
