"""Call-off contracts: the stage after an award. Contracts and their variations, outcomes and
the money held back for them, monthly delivery, self-billing statements, the finance export,
and the council's spend and value-for-money reports."""
