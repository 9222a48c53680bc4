"""The rules of referrals: recording, the path, the list and the time-to-place measures."""
