"""Domain rules without HTTP: one module per family, called by command handlers and by jobs."""
