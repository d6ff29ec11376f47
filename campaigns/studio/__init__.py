"""The studio: the staff site for marketing people at `/` (the Django admin stays at /admin/ for operators)."""
