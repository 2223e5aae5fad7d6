"""One outbox for every email of the product (see docs/architecture.md, the `mail/` room)."""
