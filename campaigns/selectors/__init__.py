"""Reads that pages and commands share: what the admin, the commands and the studio show. No writes."""
