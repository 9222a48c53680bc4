"""The email outbox: emails written with the change that causes them, delivered later."""
