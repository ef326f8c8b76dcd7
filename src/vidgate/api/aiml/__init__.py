"""The AIML dialect: the seed's /v2 endpoints."""
