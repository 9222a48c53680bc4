"""Pages everyone can read (start, accessibility, privacy, cookies), the signed-in home page
and the health check."""
