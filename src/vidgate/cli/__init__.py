"""The ``vidgate`` command line: thin commands over bootstrap and the SDK."""
