"""The OpenAI Videos dialect: /v1/videos (and the same routes without /v1)."""
