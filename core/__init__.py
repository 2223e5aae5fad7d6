"""What every app shares: text folding, PDF rendering, rate limits, phone numbers, links, the base
domain error and the JSON error shape, permission policies, the time zone; later the mail
outbox and the activity log. ``core`` imports no other app of the project (docs/architecture.md)."""
