"""Referrals: a child's need for a place, tracked from received to a started placement, and the
time it took (DESIGN.md, "Capacity and referrals")."""
