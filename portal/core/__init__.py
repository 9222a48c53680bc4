"""Plumbing every domain uses: database, time, permissions, errors, forms, security."""
