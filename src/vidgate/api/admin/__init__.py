"""Admin routes: keys, credits, ledgers."""
