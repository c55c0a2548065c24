"""The web face: a Datasette plugin serving reader pages beside Datasette's own data pages."""
