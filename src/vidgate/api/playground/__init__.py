"""The web playground: a static page, served by vidgate itself, that calls the HTTP API."""
