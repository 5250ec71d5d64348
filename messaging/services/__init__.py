"""Every write of the messaging app, one module per concern (channels, templates, consent, the outbox, reminders)."""
