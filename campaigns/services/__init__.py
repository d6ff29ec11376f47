"""The verbs of the product. Admin actions, views, commands and tasks call these."""
