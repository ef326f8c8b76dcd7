"""Outbound network access on behalf of users: only to public addresses, within limits."""
