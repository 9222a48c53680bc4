"""Organisations: the provider businesses and charities, their members and invitations."""
