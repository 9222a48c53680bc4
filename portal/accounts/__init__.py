"""Accounts: registration, sign-in, two-factor for council staff, passwords, staff invitations."""
