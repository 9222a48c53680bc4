"""The council's framework settings: its business rules that admins change in the portal."""
