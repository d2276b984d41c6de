"""The open API: integration tokens (hashed, scoped, revocable) and the REST API under /api/v1/."""
