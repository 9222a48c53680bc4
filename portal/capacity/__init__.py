"""Capacity: the places each provider publishes per admitted lot, and the council's search of
them (DESIGN.md, "Capacity and referrals")."""
