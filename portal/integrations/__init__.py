"""Adapters to systems outside the portal: the object store, email, the virus scanner."""
