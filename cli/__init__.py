"""The command line and the application service it drives (the adapter layer)."""
