"""Pure domain: job states, the canonical request, the catalogue, pricing, errors. No I/O."""
